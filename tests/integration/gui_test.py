#!/usr/bin/env python3
"""The GUI under Xvfb, driven by a script as a student's session would go:

1. the built-in benchmark (no FILE): step to the first trap, open the walk of
   a data address through satp, save a screenshot and the GUI's state;
2. the H-extension self-test (hext.elf, on the default ISA with H): step to the third VM
   exit, select it in the VM-exit table, open the two-stage walk of a guest
   address, save a screenshot and the state.

Each screenshot must have the window's size, not be blank (many distinct
colours), and show every panel (its title bar drawn where the GUI says the
panel is). The event the GUI selected must be the one `stepvisor debug` reports
for the same commands, and the walk must match the debugger's `pt`.

4. (below) --scenario isolation: to the first checkpoint, reported reached.
5. (below) checkpoints passed by plain debugger commands are marked too.
6. (below) every lecture scenario opens and pauses at its first two checkpoints.
8. (below) --mgmt: the management socket served between frames: the GUI
   starts paused, cont and stop are its Run and Pause, quit closes it.

3. with --hv and --bios: the hypervisor (hv/) booted by OpenSBI, to its fifth
   VM exit: a VS -> HS exit of a VM with a VMID, drawn in the table.

usage: gui_test.py STEPVISOR HEXT_ELF BENCH_S_ELF [OUT_DIR] [--hv HV_ELF --bios FW]
(BENCH_S_ELF: the file of the image the GUI embeds as bench-s-quick)
Exit code 77 (skipped) without xvfb-run or in a build without the GUI.
"""
import json
import os
import re
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import time
import zlib

W, H = 1280, 800
PANELS = ["Control", "Harts", "Registers", "Disassembly", "Transitions", "Memory tables", "Devices", "Scenario"]
# ImGui colours the GUI sets for title bars (inactive, active), as 8-bit RGB.
TITLE_COLOURS = [(33, 48, 74), (43, 74, 120)]
BUTTON_COLOUR = (35, 69, 110)  # ImGui's dark-style button over the window background

failures = []


def check(cond, what):
    if cond:
        print("ok:", what)
    else:
        print("FAIL:", what)
        failures.append(what)


def read_png(path):
    """Width, height and rows of RGB tuples of an 8-bit RGB/RGBA PNG (no external modules)."""
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    pos, idat, w, h, ctype = 8, b"", 0, 0, 2
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            w, h, depth, ctype = struct.unpack(">IIBB", body[:10])
            if depth != 8 or ctype not in (2, 6):
                raise ValueError("unexpected PNG format")
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    bpp = 3 if ctype == 2 else 4
    raw = zlib.decompress(idat)
    stride = w * bpp
    rows, prev, p = [], bytearray(stride), 0
    for _ in range(h):
        f = raw[p]
        line = bytearray(raw[p + 1:p + 1 + stride])
        p += 1 + stride
        if f == 1:
            for i in range(bpp, stride):
                line[i] = (line[i] + line[i - bpp]) & 255
        elif f == 2:
            for i in range(stride):
                line[i] = (line[i] + prev[i]) & 255
        elif f == 3:
            for i in range(stride):
                left = line[i - bpp] if i >= bpp else 0
                line[i] = (line[i] + ((left + prev[i]) >> 1)) & 255
        elif f == 4:
            for i in range(stride):
                a = line[i - bpp] if i >= bpp else 0
                b = prev[i]
                c = prev[i - bpp] if i >= bpp else 0
                pa, pb, pc = abs(b - c), abs(a - c), abs(a + b - 2 * c)
                pred = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                line[i] = (line[i] + pred) & 255
        rows.append(line)
        prev = line
    return w, h, [[tuple(r[x * bpp:x * bpp + 3]) for x in range(w)] for r in rows]


def near(c, ref, tol=3):
    return all(abs(a - b) <= tol for a, b in zip(c, ref))


def check_screenshot(png, state, label):
    w, h, px = read_png(png)
    check((w, h) == (W, H), f"{label}: screenshot is {w}x{h}, the window's size")
    colours = set()
    for row in px:
        colours.update(row)
    check(len(colours) > 40, f"{label}: screenshot has {len(colours)} distinct colours (not blank)")
    rects = {p["name"]: p for p in state["panels"]}
    for name in PANELS:
        r = rects.get(name)
        check(r is not None, f"{label}: panel '{name}' was drawn")
        if r is None:
            continue
        x0, y0, x1, y1 = int(r["x"]), int(r["y"]), int(r["x"] + r["w"]), int(r["y"] + r["h"])
        check(0 <= x0 and 0 <= y0 and x1 <= W + 1 and y1 <= H + 1 and r["w"] > 100 and r["h"] > 40,
              f"{label}: panel '{name}' lies inside the window ({x0},{y0})-({x1},{y1})")
        if name == "Control":  # a toolbar without a title bar: its buttons
            strip = [px[y][x] for y in range(y0 + 4, y0 + 20) for x in range(x0 + 4, min(x1, W) // 2)]
            button = sum(1 for c in strip if near(c, BUTTON_COLOUR, 6))
            text = sum(1 for c in strip if sum(c) > 600)
            check(button > 0.2 * len(strip) and text > 200,
                  f"{label}: the control bar shows its buttons ({button} button pixels, {text} text pixels)")
            continue
        th = int(r["title_h"])
        strip = [px[y][x] for y in range(y0 + 2, y0 + th - 2) for x in range(x0 + 2, min(x1, W) - 2)]
        title = sum(1 for c in strip if any(near(c, t) for t in TITLE_COLOURS))
        text = sum(1 for c in strip if sum(c) > 500)
        check(title > 0.6 * len(strip) and text > 10,
              f"{label}: panel '{name}' shows its title bar where the GUI put it ({title}/{len(strip)} title pixels, {text} text pixels)")
    # Panels do not overlap each other (a tiled layout).
    names = [n for n in PANELS if n in rects]
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            ra, rb = rects[a], rects[b]
            ox = min(ra["x"] + ra["w"], rb["x"] + rb["w"]) - max(ra["x"], rb["x"])
            oy = min(ra["y"] + ra["h"], rb["y"] + rb["h"]) - max(ra["y"], rb["y"])
            check(ox <= 2 or oy <= 2, f"{label}: panels '{a}' and '{b}' do not overlap")


def fresh_config(out_dir, name, env=None):
    """The environment with a config directory of its own: no layout saved by another run."""
    config = os.path.join(out_dir, "config-" + name)
    shutil.rmtree(config, ignore_errors=True)
    return dict(env if env is not None else os.environ, XDG_CONFIG_HOME=config)


def run_gui(stepvisor, args, script, out_dir, name, config=None):
    """The GUI on a script; config: the directory its layout is kept in (default: a fresh one)."""
    path = os.path.join(out_dir, name + ".script")
    with open(path, "w") as f:
        f.write(script)
    cmd = ["xvfb-run", "-a", "-s", f"-screen 0 {W + 320}x{H + 200}x24", stepvisor, "gui", "--size", f"{W}x{H}",
           *args, "--script", path, "--exit-after-script"]
    env = fresh_config(out_dir, name) if config is None else dict(os.environ, XDG_CONFIG_HOME=config)
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=240, env=env)
    print(p.stdout)
    check(p.returncode == 0, f"{name}: stepvisor gui exited with {p.returncode} ({p.stderr.strip()[-300:]})")
    return p.stdout


def gui_with_mgmt(stepvisor, sock, env):
    """The GUI (no script) with a management socket at sock: the process and the socket's file."""
    if os.path.exists(sock):
        os.unlink(sock)
    gui = subprocess.Popen(["xvfb-run", "-a", stepvisor, "gui", "--size", f"{W}x{H}", "--mgmt", "unix:" + sock],
                           stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    for _ in range(300):
        if os.path.exists(sock):
            break
        time.sleep(0.1)
    c = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    c.settimeout(30)
    try:
        c.connect(sock)
    except OSError:
        gui.kill()
        raise
    return gui, c.makefile("rwb")


def why_skip(stepvisor):
    """Why the GUI cannot be tested here (no xvfb-run, a build without the GUI), or None."""
    if not shutil.which("xvfb-run"):
        return "xvfb-run is not installed"
    probe = subprocess.run([stepvisor, "gui", "--help"], capture_output=True, text=True)
    if probe.returncode == 2 and "built without the GUI" in probe.stderr:
        return "this stepvisor was built without the GUI"
    return None


def run_debug(stepvisor, args, commands, out_dir, name):
    path = os.path.join(out_dir, name + ".commands")
    with open(path, "w") as f:
        f.write(commands)
    p = subprocess.run([stepvisor, "debug", *args, "--commands", path], capture_output=True, text=True, timeout=240)
    check(p.returncode == 0, f"{name}: stepvisor debug exited with {p.returncode}")
    return p.stdout


def main():
    argv = sys.argv[1:]
    hv = bios = None
    if "--hv" in argv:
        i = argv.index("--hv")
        hv = argv[i + 1]
        del argv[i:i + 2]
    if "--bios" in argv:
        i = argv.index("--bios")
        bios = argv[i + 1]
        del argv[i:i + 2]
    if len(argv) < 3:
        print(__doc__)
        return 2
    stepvisor, hext, bench = argv[0], argv[1], argv[2]
    if why_skip(stepvisor):
        print("skip:", why_skip(stepvisor))
        return 77
    out_dir = argv[3] if len(argv) > 3 else tempfile.mkdtemp(prefix="stepvisor-gui-")
    os.makedirs(out_dir, exist_ok=True)

    # 1. The built-in benchmark: the first trap, and the walk of a data page.
    data_va = "0x2000001234"  # firmware/bench maps its data with 4 KiB Sv39 pages here
    gui_out = run_gui(stepvisor, [], f"""
until trap
translate {data_va}
show csrs
screenshot {out_dir}/gui-trap.png
dump-state {out_dir}/gui-trap.json
""", out_dir, "gui-trap")
    state = json.load(open(f"{out_dir}/gui-trap.json"))
    check_screenshot(f"{out_dir}/gui-trap.png", state, "trap")
    # The same run in the CLI, on the file the GUI's built-in image was made from.
    cli = run_debug(stepvisor, [bench], f"until trap\npt {data_va}\n", out_dir, "cli-trap")
    cli_events = re.findall(r"^event: (.*)$", cli, re.M)
    sel = state["selected"]
    check(sel is not None and sel["kind"] == "trap", "trap: the GUI selected the trap it stopped on")
    if sel:
        check(cli_events and cli_events[-1] == sel["line"],
              f"trap: the selected trap is the CLI's stop event\n  gui: {sel['line']}\n  cli: {cli_events[-1:]}")
        check(sel["cause_name"] == "environment call from S-mode", f"trap: cause {sel['cause_name']}")
    cli_pt = re.search(r"result: (\S+) -> pa (\S+) \((\d+) memory reads", cli)
    tr = state["translation"]
    check(tr and tr["ok"] and not tr["two_stage"] and tr["mem_reads"] == 3 and len(tr["reads"]) == 3
          and tr["regime"].startswith("as the hart"),
          "trap: the hart's walk (Hart::debug_walk) of the data address took 3 PTE reads")
    check(cli_pt and tr and cli_pt.group(2) == tr["pa"] and int(cli_pt.group(3)) == tr["mem_reads"],
          f"trap: the GUI's walk ends where the CLI's pt does ({tr and tr['pa']} vs {cli_pt and cli_pt.group(2)})")

    # 2. hext.elf: the third VM exit, selected in the table, and a two-stage walk.
    steps = "until vmexit\nuntil vmexit\nuntil vmexit\n"
    gui_out = run_gui(stepvisor, [hext], steps + f"""
select-exit last
translate 0x40000000 gva
show exits
screenshot {out_dir}/gui-vmexit.png
dump-state {out_dir}/gui-vmexit.json
show timeline
screenshot {out_dir}/gui-timeline.png
""", out_dir, "gui-vmexit")
    state = json.load(open(f"{out_dir}/gui-vmexit.json"))
    check_screenshot(f"{out_dir}/gui-vmexit.png", state, "vmexit")
    cli = run_debug(stepvisor, [hext], steps + "pt 0x40000000\n", out_dir, "cli-vmexit")
    cli_events = re.findall(r"^event: (.*)$", cli, re.M)
    check(len(cli_events) == 3, f"vmexit: the CLI stopped on 3 VM exits ({len(cli_events)})")
    sel = state["selected"]
    check(sel is not None and sel["kind"] == "vmexit", "vmexit: the GUI selected a VM exit")
    if sel and cli_events:
        check(sel["line"] == cli_events[-1],
              f"vmexit: the GUI's selected exit is the CLI's third VM exit\n  gui: {sel['line']}\n  cli: {cli_events[-1]}")
    check(state["selected_exit_row"] == 2 and state["exits"] == 3, "vmexit: row 2 of 3 in the VM-exit table")
    check("cycles_to_entry" not in state, "vmexit: the selected exit has no VM entry yet (the hart is in M)")
    tr = state["translation"]
    check(tr and tr["two_stage"] and tr["ok"] and any(r["stage"] == "G" for r in tr["reads"]),
          "vmexit: the walk of 0x40000000 is two-stage with G-stage reads")
    # hext's VS stage is Bare, so the CLI's pt (from M-mode: through satp, Bare)
    # cannot show the G-stage; the GUI's final address must be the G-stage's.
    if tr:
        check(tr["gpa"] == "0x40000000" and tr["mem_reads"] == len(tr["reads"]),
              f"vmexit: GVA = GPA with a Bare vsatp, {tr['mem_reads']} reads recorded")

    # 3. The hypervisor on OpenSBI: VM exits of real VMs.
    if hv and bios and os.path.exists(bios):
        run_gui(stepvisor, ["--mem", "256M", "--bios", bios, "--kernel", hv],
                "until vmexit\n" * 5 + f"""
select-exit last
show exits
screenshot {out_dir}/gui-hv.png
dump-state {out_dir}/gui-hv.json
""", out_dir, "gui-hv")
        state = json.load(open(f"{out_dir}/gui-hv.json"))
        check_screenshot(f"{out_dir}/gui-hv.png", state, "hv")
        sel = state["selected"]
        check(state["exits"] == 5 and state["selected_exit_row"] == 4, f"hv: 5 VM exits in the table ({state['exits']})")
        check(sel and sel["from"] == "VS" and sel["to"] == "HS", "hv: the exit goes from VS to the hypervisor in HS")
        check(state.get("selected_vmid", 0) >= 1, f"hv: the exit belongs to a VM with a VMID ({state.get('selected_vmid')})")
    else:
        print("note: no --hv/--bios (or no OpenSBI): the hypervisor part is left out")

    # 2b. The same session driven by the pointer: click a VM exit's marker on
    # the timeline and a row of the table, then the "trap" button; the trap the
    # GUI stops on must be the CLI's next trap after the third VM exit.
    run_gui(stepvisor, [hext], steps + f"""
show timeline
wait 2
click-item exit-marker-1
dump-state {out_dir}/gui-click1.json
show exits
wait 2
click-item exit-row-0
dump-state {out_dir}/gui-click2.json
click-item next-trap
dump-state {out_dir}/gui-click3.json
screenshot {out_dir}/gui-click3.png
""", out_dir, "gui-click")
    s1 = json.load(open(f"{out_dir}/gui-click1.json"))
    s2 = json.load(open(f"{out_dir}/gui-click2.json"))
    s3 = json.load(open(f"{out_dir}/gui-click3.json"))
    check(s1["selected_exit_row"] == 1, f"click: the marker of exit 1 selects row 1 ({s1['selected_exit_row']})")
    check(s2["selected_exit_row"] == 0, f"click: the table's row 0 selects exit 0 ({s2['selected_exit_row']})")
    cli = run_debug(stepvisor, [hext], steps + "until trap\n", out_dir, "cli-click")
    cli_events = re.findall(r"^event: (.*)$", cli, re.M)
    sel = s3["selected"]
    check(sel and cli_events and sel["kind"] == "trap" and sel["line"] == cli_events[-1],
          f"click: the trap button stops on the CLI's next trap\n  gui: {sel and sel['line']}\n  cli: {cli_events[-1:]}")

    # 4. A lecture scenario: the scenario builds the machine; `until checkpoint`
    # stops at its first checkpoint, which the Scenario panel reports reached at
    # the cycle `stepvisor demo isolation` narrates.
    run_gui(stepvisor, ["--scenario", "isolation"], f"""
until checkpoint
dump-state {out_dir}/gui-scenario.json
screenshot {out_dir}/gui-scenario.png
""", out_dir, "gui-scenario")
    state = json.load(open(f"{out_dir}/gui-scenario.json"))
    check_screenshot(f"{out_dir}/gui-scenario.png", state, "scenario")
    sc = state.get("scenario")
    check(sc and sc["name"] == "isolation" and sc["reached"] == 1 and len(sc["checkpoints"]) > 1,
          f"scenario: the panel reports the first checkpoint reached ({sc and sc['reached']})")
    if sc:
        cps = sc["checkpoints"]
        check(cps[0]["reached"] and not cps[1]["reached"], "scenario: only the first checkpoint is reached")
        check(state["status"].startswith("checkpoint 1/"), f"scenario: status {state['status']!r}")
        demo = subprocess.run([stepvisor, "demo", "isolation", "--quiet"], capture_output=True, text=True, timeout=240).stdout
        m = re.search(r"^\[1/\d+\] (.*?)  \(cycle (\d+)\)", demo, re.M)
        check(m and m.group(1) == cps[0]["title"] and int(m.group(2)) == cps[0].get("cycle"),
              f"scenario: checkpoint 1 at the cycle the demo narrates ({cps[0].get('cycle')} vs {m and m.group(2)})")

    # 5. Checkpoints passed by plain debugger commands are marked too: from the
    # first checkpoint, `until vmentry` passes "VMs created" (console) and
    # reaches "first VM entry" (an event), at the cycles the demo narrates.
    run_gui(stepvisor, ["--scenario", "isolation"], f"""
until checkpoint
until vmentry
dump-state {out_dir}/gui-scenario-step.json
""", out_dir, "gui-scenario-step")
    state = json.load(open(f"{out_dir}/gui-scenario-step.json"))
    sc = state.get("scenario")
    check(sc and sc["reached"] == 3, f"scenario: `until vmentry` marks checkpoints 2 and 3 ({sc and sc['reached']})")
    if sc and sc["reached"] == 3:
        demo = subprocess.run([stepvisor, "demo", "isolation", "--quiet"], capture_output=True, text=True, timeout=240).stdout
        m = re.search(r"^\[3/\d+\] (.*?)  \(cycle (\d+)\)", demo, re.M)
        cp = sc["checkpoints"][2]
        check(m and m.group(1) == cp["title"] and int(m.group(2)) == cp.get("cycle"),
              f"scenario: checkpoint 3 by stepping at the cycle the demo narrates ({cp.get('cycle')} vs {m and m.group(2)})")

    # 6. Every lecture scenario opens in the GUI and pauses at its first two
    # checkpoints, at the cycles `stepvisor demo NAME` narrates.
    listing = subprocess.run([stepvisor, "demo", "--list"], capture_output=True, text=True, timeout=60).stdout
    names = [l.split()[0] for l in listing.split("lecture scenarios")[-1].splitlines()[1:] if l.strip()]
    check(len(names) >= 8, f"scenarios: demo --list names {len(names)} lecture scenarios")
    # A scenario that cannot be built (type1-vs-type2 without the KVM host's
    # kernel) is one line and exit 2, not an abort.
    env = {k: v for k, v in os.environ.items() if k not in ("STEPVISOR_KVM_IMAGE", "STEPVISOR_KVM_INITRD")}
    script = os.path.join(out_dir, "noop.script")
    open(script, "w").write(f"dump-state {out_dir}/noop.json\n")
    p = subprocess.run(["xvfb-run", "-a", stepvisor, "gui", "--scenario", "type1-vs-type2", "--script", script,
                        "--exit-after-script"], capture_output=True, text=True, timeout=120,
                       env=fresh_config(out_dir, "no-kvm", env))
    check(p.returncode == 2 and p.stderr.count("\n") == 1 and "STEPVISOR_KVM_IMAGE" in p.stderr,
          f"a scenario whose kernel is missing: one line, exit 2 (got {p.returncode}: {p.stderr.strip()!r})")
    for name in names:
        # type1-vs-type2 runs two machines, the second the KVM host: without
        # its kernel it cannot open; with it the GUI follows it onto the
        # second machine, to the host's /init (checkpoint 5).
        upto = 2
        if name == "type1-vs-type2":
            if not (os.environ.get("STEPVISOR_KVM_IMAGE") and os.environ.get("STEPVISOR_KVM_INITRD")):
                print(f"skipped: scenario {name} in the GUI (set STEPVISOR_KVM_IMAGE and STEPVISOR_KVM_INITRD)")
                continue
            upto = 5
        run_gui(stepvisor, ["--scenario", name], "until checkpoint\n" * upto + f"""dump-state {out_dir}/gui-{name}.json
""", out_dir, f"gui-{name}")
        try:
            sc = json.load(open(f"{out_dir}/gui-{name}.json")).get("scenario")
        except (OSError, ValueError):
            sc = None
        demo = subprocess.run([stepvisor, "demo", name, "--quiet"], capture_output=True, text=True, timeout=240).stdout
        want = [int(m.group(2)) for m in re.finditer(r"^\[(\d+)/\d+\] .*?  \(cycle (\d+)\)", demo, re.M)
                if int(m.group(1)) <= upto]
        got = [c.get("cycle") for c in (sc or {}).get("checkpoints", [])[:upto]]
        # `until checkpoint` as many times reaches at least as many (a console
        # checkpoint is seen once its line is finished, perhaps with the next).
        check(sc and sc["reached"] >= upto and got == want,
              f"scenario {name}: the GUI reached checkpoints 1 to {upto} ({sc and sc['reached']} in all) at cycles {got} (demo: {want})")

    # 9. The AIA tab, on the interrupts scenario's AIA machine at its MSI into
    # alpha's guest file (checkpoint 9): hart 0's guest file 1 has identity 11
    # pending (the passed-through UART's, firmware/guests/irq.c UART1_IRQ),
    # 10 and 11 enabled (UART_IRQ and UART1_IRQ, which irq enabled in turn),
    # its page mapped by alpha's G-stage at its vCPU 0's IMSIC page (QEMU
    # virt's 0x28000000), and hstatus.VGEIN selecting it (alpha runs).
    run_gui(stepvisor, ["--scenario", "interrupts"], "until checkpoint\n" * 9 + f"""show aia
dump-state {out_dir}/gui-aia.json
screenshot {out_dir}/gui-aia.png
show timeline
screenshot {out_dir}/gui-aia-timeline.png
""", out_dir, "gui-aia")
    try:
        st = json.load(open(f"{out_dir}/gui-aia.json"))
    except (OSError, ValueError):
        st = None
    check(st is not None, "aia: the GUI saved its state at the MSI into the guest file")
    if st:
        check_screenshot(f"{out_dir}/gui-aia.png", st, "aia")
        tabs = {p["name"]: p.get("tab") for p in st["panels"]}
        check(tabs.get("Devices") == "AIA", f"aia: the Devices panel shows the AIA tab ({tabs.get('Devices')})")
        sc = st.get("scenario") or {}
        check(sc.get("reached") == 9, f"aia: at checkpoint 9, the MSI into a guest file ({sc.get('reached')})")
        hart0 = (st.get("aia") or [{}])[0]
        files = {f["file"]: f for f in hart0.get("files", [])}
        g1 = files.get("guest 1", {})
        check(len(files) == 3, f"aia: hart 0 has the M, S and one guest file (--aia-guests 1): {sorted(files)}")
        check("11" in g1.get("pending", "").split(", ") and g1.get("enabled") == "10-11",
              f"aia: guest file 1 has 11 pending and 10-11 enabled ({g1})")
        check("alpha" in g1.get("held_by", "") and "0x28000000" in g1.get("held_by", "") and hart0.get("vgein") == 1,
              f"aia: alpha's G-stage maps guest file 1 at GPA 0x28000000 and VGEIN selects it ({g1}, VGEIN {hart0.get('vgein')})")

    # 7. Going back: Shift+F11, then the Back button, step back across hext's
    # third VM exit into the guest; the harts are where `stepvisor debug`'s
    # reverse-step puts them and where a forward run of as many steps stops.
    # A click on the timeline goes back to an earlier cycle.
    steps = "until vmexit\n" * 3
    run_gui(stepvisor, [hext], steps + f"""
dump-state {out_dir}/gui-back0.json
key Shift+F11
click-item back
show timeline
dump-state {out_dir}/gui-back.json
screenshot {out_dir}/gui-back.png
click-item timeline
dump-state {out_dir}/gui-click.json
""", out_dir, "gui-back")
    try:
        at_exit, back, click = (json.load(open(f"{out_dir}/gui-{n}.json")) for n in ("back0", "back", "click"))
    except (OSError, ValueError):
        at_exit = back = click = None
    check(at_exit and back, "back: the GUI saved its state at the exit and after going back")
    if at_exit and back:
        check_screenshot(f"{out_dir}/gui-back.png", back, "back")
        cli = run_debug(stepvisor, [hext], steps + "history\nreverse-step 2\nregs\n", out_dir, "cli-back")
        now = re.findall(r"steps \d+ \.\. (\d+)", cli)
        regs = re.findall(r"^pc  (0x[0-9a-f]+)  mode (\S+)  cycle (\d+)  instret (\d+)", cli, re.M)
        h0, h1 = at_exit["harts"][0], back["harts"][0]
        check(h0["mode"] == "M" and h1["mode"] in ("VS", "VU"),
              f"back: from the exit in {h0['mode']} two steps back into the guest ({h1['mode']})")
        check(regs and (h1["pc"], h1["mode"], str(h1["cycle"]), str(h1["instret"])) == tuple(
            [hex(int(regs[-1][0], 16))] + list(regs[-1][1:])),
              f"back: Shift+F11 and Back land where reverse-step 2 does ({h1} vs {regs[-1:]})")
        if now:
            fwd = run_debug(stepvisor, [hext], f"step {int(now[0]) - 2}\nregs\n", out_dir, "cli-forward")
            fregs = re.findall(r"^pc  (0x[0-9a-f]+)  mode (\S+)  cycle (\d+)  instret (\d+)", fwd, re.M)
            check(fregs and regs and fregs[-1] == regs[-1], f"back: a forward run of {int(now[0]) - 2} steps stops there too")
    if back and click:
        check(0 < click["harts"][0]["cycle"] < back["harts"][0]["cycle"],
              f"back: a click on the timeline went back to cycle {click['harts'][0]['cycle']} "
              f"(from {back['harts'][0]['cycle']})")

    # 8. The management socket between frames.
    gui = None
    try:
        gui, f = gui_with_mgmt(stepvisor, os.path.join(out_dir, "gui-mgmt.sock"), fresh_config(out_dir, "mgmt"))

        def ask(cmd):
            f.write((json.dumps({"execute": cmd}) + "\n").encode())
            f.flush()
            while True:
                m = json.loads(f.readline())
                if "event" not in m:
                    return m
                seen.append(m["event"])

        seen = []
        json.loads(f.readline())  # the greeting
        ask("qmp_capabilities")
        st0 = ask("query-status")["return"]
        ask("cont")
        time.sleep(0.05)
        n = ask("x-stepvisor-query-harts")["return"][0]["instret"]
        ask("stop")
        st1 = ask("query-status")["return"]
        ask("quit")
        check(st0["status"] == "paused" and st1["status"] == "paused" and n > 0 and seen == ["RESUME", "STOP", "SHUTDOWN"],
              f"gui --mgmt: starts paused, cont runs it ({n} instructions), stop pauses, events {seen}")
        check(gui.wait(timeout=60) == 0, "gui --mgmt: quit closes the GUI")
    except (OSError, ValueError, subprocess.TimeoutExpired) as e:
        check(False, f"gui --mgmt: {e}")
        if gui:
            gui.kill()

    print(f"screenshots in {out_dir}")
    print(f"{len(failures)} failure(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
