#!/usr/bin/env python3
"""The GUI made for a lecture, under Xvfb, driven by scripts:

1. the VM overview (ballooning): hv's two VMs, each with its VMID, vCPUs and
   exits; its memory maps at the checkpoints where the donor's balloon has
   inflated and where hungry holds the pages: RAM at GPA 0x8000_0000 (hv's
   GPA map, hv/README.md), the pages the donor's driver says it gave missing
   from it, the pages hungry says it got where hungry.c puts them, and the
   emulated UART and vPLIC unmapped (hv/README.md: every access exits);
2. cpu-shares: the share each VM got over a window of machine time, against
   the share the lecture's VMs ask for (hv's cap, within the slack of a window);
3. devices: the pass-through UART at GPA 0x1000_1000 onto the machine's own
   page and a virtual function's page at GPA 0x1000_2000 (hv/README.md); on
   the AIA, each hart's guest interrupt file (hstatus.VGEIN) and the VM whose
   G-stage maps that file's page, at QEMU virt's IMSIC addresses; another
   hypervisor's (the H self-test's) VMs by VMID, with its exits; each vCPU
   by the context hv announced for it (the sscratch its hart runs it with),
   with its share and guest interrupt file; type1-vs-type2's KVM host (with
   STEPVISOR_KVM_IMAGE/_INITRD) shows only the VMs and vCPUs its kernel enters;
4. presentation mode: F8 (and the View menu's item) scales every font and
   widget and shows the narration as a large panel; Next and Back (buttons and PgDn) move between
   checkpoints, reached at the cycles `stepvisor demo NAME` narrates; its
   VMs tab shows the VM and the vCPU tables without scrolling; the
   layout file (--layout) is written on exit and read back by the next run;
5. without --script the layout goes to $XDG_CONFIG_HOME/stepvisor/gui.ini.

usage: gui_lecture_test.py STEPVISOR [OUT_DIR] [--hext HEXT_ELF]
Exit code 77 (skipped) without xvfb-run or in a build without the GUI.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gui_test  # noqa: E402  (read_png, check, the failures list)

check = gui_test.check
run_gui = gui_test.run_gui  # (stepvisor, args, script, out_dir, name, config directory)
W, H = gui_test.W, gui_test.H
PAGE = 4096


def load(path):
    try:
        return json.load(open(path))
    except (OSError, ValueError) as e:
        check(False, f"{path}: {e}")
        return {}


def panels(state):
    return {p["name"]: p for p in state.get("panels", [])}


def rows_at(mm, gpa):
    return [r for r in mm["rows"] if int(r["gpa"], 16) <= gpa < int(r["gpa"], 16) + r["size"]]


def check_png(path, label):
    try:
        w, h, px = gui_test.read_png(path)
    except (OSError, ValueError) as e:
        check(False, f"{label}: {path}: {e}")
        return
    colours = set()
    for row in px[::4]:
        colours.update(row[::4])
    check((w, h) == (W, H) and len(colours) > 40, f"{label}: screenshot {w}x{h} with {len(colours)} colours")


def demo_cycles(stepvisor, name):
    out = subprocess.run([stepvisor, "demo", name, "--quiet"], capture_output=True, text=True, timeout=300).stdout
    return {int(m.group(1)): int(m.group(2)) for m in re.finditer(r"^\[(\d+)/\d+\] .*?  \(cycle (\d+)\)", out, re.M)}


def main():
    if len(sys.argv) < 2:
        print(__doc__)
        return 2
    argv = sys.argv[1:]
    hext = None
    if "--hext" in argv:
        i = argv.index("--hext")
        hext = argv[i + 1]
        del argv[i:i + 2]
    stepvisor = argv[0]
    if gui_test.why_skip(stepvisor):
        print("skip:", gui_test.why_skip(stepvisor))
        return 77
    out = argv[1] if len(argv) > 1 else tempfile.mkdtemp(prefix="stepvisor-gui-lecture-")
    os.makedirs(out, exist_ok=True)

    # 1. Ballooning: the overview and the memory maps at checkpoints 3 and 4.
    run_gui(stepvisor, ["--scenario", "ballooning"], f"""
until checkpoint
until checkpoint
until checkpoint
show vms
dump-state {out}/balloon3.json
until checkpoint
memmap vm1
dump-state {out}/balloon4.json
screenshot {out}/balloon4.png
""", out, "balloon", os.path.join(out, "config-balloon"))
    s3, s4 = load(f"{out}/balloon3.json"), load(f"{out}/balloon4.json")
    check(panels(s3).get("Transitions", {}).get("tab") == "VMs", "show vms: the VMs tab is open")
    check(panels(s4).get("Memory tables", {}).get("tab") == "Memory map", "memmap vm1: the memory map tab is open")
    check_png(f"{out}/balloon4.png", "ballooning")
    vo = s3.get("vm_overview", {})
    vms = vo.get("vms", [])
    check(vo.get("from_hv") and [v["title"] for v in vms] == ["vm0 'donor'", "vm1 'hungry'"],
          f"overview: hv's two VMs by name ({[v['title'] for v in vms]})")
    # hv/README.md: each VM has its own VMID (1, 2, ...) when the hart has VMID bits (stepvisor's have 14).
    check([v["vmid"] for v in vms] == [1, 2], f"overview: VMIDs 1 and 2 ({[v['vmid'] for v in vms]})")
    check(all(v["vcpus"] == 1 and v["share_asked"] == 100 and v["entries"] > 0 and v["exits"] > 0 for v in vms),
          "overview: one vCPU each at a whole hart, entered and left")
    harts = vo.get("harts", [])
    check(len(harts) == 1 and harts[0]["mode"] in ("HS", "VS", "VU", "M"), f"overview: one hart ({harts})")
    maps3 = {m["title"]: m for m in s3.get("memory_maps", [])}
    maps4 = {m["title"]: m for m in s4.get("memory_maps", [])}
    donor3, donor4, hungry4 = maps3.get("vm0 'donor'"), maps4.get("vm0 'donor'"), maps4.get("vm1 'hungry'")
    check(donor3 and donor4 and hungry4, "memory maps of both VMs")
    if donor3 and donor4 and hungry4:
        ram = 4 << 20  # the scenario's VMs have 4 MiB each (its introduction), at GPA 0x8000_0000 (hv/README.md)
        gave = re.findall(r"donor: t=\d+ us inflated: balloon (\d+) pages", s3["console"])
        check(gave, "the donor's driver says how many pages it gave")
        for label, mm in (("checkpoint 3", donor3), ("checkpoint 4", donor4)):
            inside = [r for r in mm["rows"] if 0x8000_0000 <= int(r["gpa"], 16) < 0x8000_0000 + ram]
            mapped = sum(r["size"] for r in inside if r["kind"] == "ram")
            missing = sum(r["size"] for r in inside if r["kind"] == "ballooned")
            check(mapped + missing == ram and inside and int(inside[-1]["gpa"], 16) + inside[-1]["size"] == 0x8000_0000 + ram,
                  f"donor at {label}: its RAM rows cover 4 MiB at GPA 0x80000000 ({mapped} mapped + {missing} missing)")
            if gave:
                check(missing == int(gave[-1]) * PAGE and mm["ballooned_pages"] == int(gave[-1]),
                      f"donor at {label}: the {gave[-1]} pages its driver gave are missing from its G-stage ({missing // PAGE})")
            check(all(r["kind"] in ("hole", "device-hole") for r in mm["rows"] if int(r["gpa"], 16) >= 0x8000_0000 + ram),
                  f"donor at {label}: nothing mapped beyond its RAM")
        got = re.search(r"hungry: t=\d+ us has (\d+) extra pages at (0x[0-9a-f]+)", s4["console"])
        check(got, "hungry says how many pages it got, and where")
        if got:
            at, n = int(got.group(2), 16), int(got.group(1))
            extra = [r for r in hungry4["rows"] if r["kind"] == "extra"]
            check(extra and int(extra[0]["gpa"], 16) == at and sum(r["size"] for r in extra) == n * PAGE,
                  f"hungry: {n} pages mapped at {hex(at)} beyond its RAM ({[(r['gpa'], r['size']) for r in extra]})")
            # hv announced one host address for the donor's RAM: its pages lie in order from there,
            # so the pages its balloon gave are at that offset; hungry must hold exactly those.
            ram0 = [r for r in donor4["rows"] if r["kind"] == "ram"][0]
            holes = [r for r in donor4["rows"] if r["kind"] == "ballooned"]
            if extra and holes and len(holes) == 1:
                lo = int(ram0["hpa"], 16) + int(holes[0]["gpa"], 16) - 0x8000_0000
                got_lo, got_end = min(int(r["hpa_min"], 16) for r in extra), max(int(r["hpa_end"], 16) for r in extra)
                check((got_lo, got_end) == (lo, lo + holes[0]["size"]),
                      f"hungry's extra pages are the host pages the donor gave ({hex(got_lo)}..{hex(got_end)} vs "
                      f"{hex(lo)}..{hex(lo + holes[0]['size'])})")
        for mm in (donor4, hungry4):
            # hv/README.md: the UART at GPA 0x1000_0000 and the vPLIC at 0x0c00_0000 are emulated, nothing mapped.
            for gpa in (0x1000_0000, 0x0c00_0000):
                r = rows_at(mm, gpa)
                check(len(r) == 1 and r[0]["kind"] == "device-hole",
                      f"{mm['title']}: {hex(gpa)} is a device window left unmapped ({r})")

    # 2. cpu-shares: a window of 80 million instructions (two harts) at the third checkpoint.
    run_gui(stepvisor, ["--scenario", "cpu-shares"], f"""
until checkpoint
until checkpoint
until checkpoint
show vms
wait 3
step 80000000
dump-state {out}/shares.json
screenshot {out}/shares.png
""", out, "shares", os.path.join(out, "config-shares"))
    sh = load(f"{out}/shares.json").get("vm_overview", {})
    # The lecture's VMs (cpu_shares.cpp's introduction): 2 vCPUs at 50%, two of 1 at 25%;
    # hv caps each vCPU per 10 ms period (hv/README.md), so a window of w seconds not
    # aligned with the periods may see up to one period's budget more or less: asked * 0.010 / w.
    want = {"two-at-1ghz": 100, "one-at-500mhz": 25, "also-500mhz": 25}
    got = {v["name"]: v["share_got"] for v in sh.get("vms", [])}
    w = max(sh.get("window_s", 0), 1e-9)
    slack = {k: v * 0.010 / w + 3 for k, v in want.items()}
    check(w >= 0.03, f"shares: a window of {w} s of machine time")
    check(set(got) == set(want) and all(abs(got[k] - want[k]) <= slack[k] for k in want),
          f"shares: each VM got what it asked ({got} vs {want}, slack {slack})")
    check_png(f"{out}/shares.png", "shares")
    # Each vCPU by name, as hv announced its context (the sscratch its hart runs it with),
    # each capped at its own share: two-at-1ghz's two vCPUs at 50% each, the others at 25%.
    vcpus = sh.get("vcpus", [])
    check([c["name"] for c in vcpus] == ["vCPU 0 of vm0", "vCPU 1 of vm0", "vCPU 0 of vm1", "vCPU 0 of vm2"],
          f"shares: the vCPUs by name ({[c['name'] for c in vcpus]})")
    for c in vcpus:
        check(abs(c["share_got"] - c["share_asked"]) <= c["share_asked"] * 0.010 / w + 3,
              f"shares: {c['name']} got {c['share_got']:.1f}% of a hart, asked {c['share_asked']}%")
    for h in sh.get("harts", []):
        if h["mode"] in ("VS", "VU"):
            c = vcpus[h["vcpu"]] if h.get("vcpu") is not None else {}
            check(c.get("context") == h["sscratch"] and c.get("where") == f"on hart {h['hart']}" and c.get("state") == "running",
                  f"shares: hart {h['hart']} runs {c.get('name')}, whose context its sscratch holds ({h['sscratch']})")

    # 3. devices: what hv passes through, mapped onto the devices' own pages.
    run_gui(stepvisor, ["--scenario", "devices"], f"""
until checkpoint
dump-state {out}/devices.json
""", out, "devices", os.path.join(out, "config-devices"))
    maps = {m["title"]: m for m in load(f"{out}/devices.json").get("memory_maps", [])}
    a, b = maps.get("vm0 'devio-a'"), maps.get("vm1 'devio-b'")
    check(a and b, f"devices: the memory maps of devio-a and devio-b ({list(maps)})")
    if a and b:
        uart = rows_at(a, 0x1000_1000)
        check(uart and uart[0]["kind"] == "device" and int(uart[0]["hpa"], 16) == 0x1000_1000 and uart[0]["size"] == PAGE,
              f"devio-a: the second UART's page at GPA 0x10001000 is the machine's ({uart})")
        for mm in (a, b):
            vf = rows_at(mm, 0x1000_2000)
            check(vf and vf[0]["kind"] == "device" and vf[0]["size"] == PAGE,
                  f"{mm['title']}: a virtual function's page at GPA 0x10002000 ({vf})")
        vfa, vfb = rows_at(a, 0x1000_2000), rows_at(b, 0x1000_2000)
        if vfa and vfb:
            check(vfa[0]["hpa"] != vfb[0]["hpa"], f"each VM has a VF of its own ({vfa[0]['hpa']}, {vfb[0]['hpa']})")
        check(not rows_at(b, 0x1000_1000) or rows_at(b, 0x1000_1000)[0]["kind"] != "device",
              "devio-b: the second UART is not passed through to it")

    # 3b. cpu-shares on the AIA: each hart's guest interrupt file and whose it is. The
    # S-level IMSIC pages as QEMU 7.2 virt lays them out: hart h's at 0x2800_0000 +
    # h * 2^guest_index_bits pages, its guest file g g pages further, guest_index_bits =
    # ceil(log2(GEILEN + 1)) = 3 for --aia-guests' default of 7; hv maps a vCPU's file
    # at the guest's IMSIC page, GPA 0x2800_0000 (hv/README.md).
    run_gui(stepvisor, ["--scenario", "cpu-shares", "--aia", "aplic-imsic"], f"""
until checkpoint
until checkpoint
until checkpoint
show vms
dump-state {out}/aia.json
screenshot {out}/aia.png
""", out, "aia", os.path.join(out, "config-aia"))
    st = load(f"{out}/aia.json")
    vo = st.get("vm_overview", {})
    check(vo.get("harts") and all(h["geilen"] == 7 for h in vo["harts"]), "aia: GEILEN 7 on every hart")
    stride = 8 * PAGE
    titles = [v["title"] for v in vo.get("vms", [])]
    files = {}
    for mm in st.get("memory_maps", []):
        for r in mm["rows"]:
            if r["kind"] == "device" and 0x2800_0000 <= int(r["gpa"], 16) < 0x2900_0000:
                off = int(r["hpa"], 16) - 0x2800_0000
                hart, g = off // stride, off % stride // PAGE
                check(r.get("imsic_hart") == hart and r.get("imsic_index") == g + 1 and g >= 1,
                      f"aia: {mm['title']}'s page at {r['gpa']} is hart {hart}'s guest file {g} ({r})")
                files[(hart, g)] = mm["title"]
    check(files, f"aia: the VMs' G-stages map guest files ({files})")
    in_guest = [h for h in vo.get("harts", []) if h["mode"] in ("VS", "VU")]
    check(in_guest, "aia: a hart runs a guest")
    for h in in_guest:
        vm = titles[h["vm"]] if h["vm"] is not None else None
        check(h["vgein"] >= 1 and files.get((h["hart"], h["vgein"])) == vm and h["file_owner"].startswith(str(vm)),
              f"aia: hart {h['hart']} in {vm}: VGEIN {h['vgein']} selects the file its G-stage maps ({h['file_owner']!r})")
    for h in in_guest:
        c = vo["vcpus"][h["vcpu"]] if h.get("vcpu") is not None else {}
        check(c.get("vgein") == h["vgein"] and c.get("vm") == h["vm"] and c.get("where") == f"on hart {h['hart']}",
              f"aia: the vCPU hart {h['hart']} runs ({c.get('name')}) shows its guest file {h['vgein']} ({c})")
    check_png(f"{out}/aia.png", "aia")

    # 3c. Not hv: the H self-test's VMs as the hardware shows them, by hgatp; its exits are
    # the three `until vmexit` stops on.
    if hext:
        run_gui(stepvisor, [hext], "until vmexit\n" * 3 + f"show vms\ndump-state {out}/hext.json\n", out, "hext",
                os.path.join(out, "config-hext"))
        vo = load(f"{out}/hext.json").get("vm_overview", {})
        vms = vo.get("vms", [])
        check(not vo.get("from_hv") and vms and all(v["title"].startswith(f"VMID {v['vmid']} ") for v in vms),
              f"hext: VMs named by VMID and root ({[v['title'] for v in vms]})")
        check(sum(v["exits"] for v in vms) == 3, f"hext: 3 exits over its VMs ({[v['exits'] for v in vms]})")

    # 3d. type1-vs-type2 moves to a second machine, the KVM host (STEPVISOR_KVM_IMAGE/_INITRD):
    # at its first VM exit into the host kernel (checkpoint 6) the VMs tab shows the VMs that
    # kernel enters, by VMID, and their vCPUs by context; none of the first machine's hv VMs.
    if os.environ.get("STEPVISOR_KVM_IMAGE") and os.environ.get("STEPVISOR_KVM_INITRD"):
        run_gui(stepvisor, ["--scenario", "type1-vs-type2"], "until checkpoint\n" * 3 + f"""show vms
dump-state {out}/type12-hv.json
""" + "until checkpoint\n" * 3 + f"""dump-state {out}/type12-kvm.json
screenshot {out}/type12-kvm.png
""", out, "type12", os.path.join(out, "config-type12"))
        hv, kvm = load(f"{out}/type12-hv.json"), load(f"{out}/type12-kvm.json")
        hv_vms = hv.get("vm_overview", {}).get("vms", [])
        check(hv.get("scenario", {}).get("reached") == 3 and hv_vms and all(v["title"].startswith("vm") for v in hv_vms),
              f"type1-vs-type2 at checkpoint 3: hv's VMs ({[v['title'] for v in hv_vms]})")
        vo = kvm.get("vm_overview", {})
        vms, vcpus = vo.get("vms", []), vo.get("vcpus", [])
        check(kvm.get("scenario", {}).get("reached") == 6, f"type1-vs-type2: at checkpoint 6 ({kvm.get('scenario', {}).get('reached')})")
        check(not vo.get("from_hv") and vms and all(v["title"].startswith(f"VMID {v['vmid']} ") and v["state"] != "stopped" for v in vms),
              f"type1-vs-type2 on the KVM host: only the VMs its kernel entered ({[(v['title'], v['state']) for v in vms]})")
        check(vcpus and all(c["id"] is None and c["name"].startswith(f"vCPU at {c['context']} of VMID") and c["entries"] > 0
                            for c in vcpus),
              f"type1-vs-type2 on the KVM host: its vCPUs by the context in sscratch ({[c['name'] for c in vcpus]})")
        check_png(f"{out}/type12-kvm.png", "type1-vs-type2")
    else:
        print("skipped: type1-vs-type2 in the VMs tab (set STEPVISOR_KVM_IMAGE and STEPVISOR_KVM_INITRD)")

    # 4. Presentation mode: F8, Next, Back, PgDn; the layout kept for the next run.
    cfg = os.path.join(out, "config-present")
    shutil.rmtree(cfg, ignore_errors=True)
    ini = os.path.join(cfg, "kept", "gui.ini")
    run_gui(stepvisor, ["--scenario", "isolation", "--layout", ini], f"""
dump-state {out}/present0.json
key F8
wait 3
dump-state {out}/present1.json
click-item present-next
dump-state {out}/present2.json
click-item present-next
dump-state {out}/present3.json
screenshot {out}/present3.png
click-item present-back
dump-state {out}/present4.json
key PageDown
show vms
wait 2
dump-state {out}/present5.json
screenshot {out}/present5.png
""", out, "present", cfg)
    p = [load(f"{out}/present{i}.json") for i in range(6)]
    check(not p[0].get("presentation") and p[1].get("presentation"), "F8 turns presentation mode on")
    check(p[1].get("font_size", 0) >= 1.5 * p[0].get("font_size", 99),
          f"presentation mode scales the font ({p[0].get('font_size')} -> {p[1].get('font_size')})")
    t0, t1 = panels(p[0]).get("Harts", {}).get("title_h", 0), panels(p[1]).get("Presentation", {}).get("title_h", 0)
    check(t1 >= 1.5 * t0 > 0, f"... and the widgets (title bars {t0} -> {t1})")
    pr = panels(p[1]).get("Presentation", {})
    check(pr and pr["w"] >= 0.4 * W and pr["h"] >= 0.8 * H and "Harts" not in panels(p[1]),
          f"the narration is a large panel ({pr.get('w')}x{pr.get('h')}), the debugger's panels are gone")
    reached = [s.get("scenario", {}).get("reached") for s in p]
    check(reached == [0, 0, 1, 2, 1, 2], f"Next, Next, Back, PgDn: checkpoints reached {reached}")
    demo = demo_cycles(stepvisor, "isolation")
    cyc = lambda s, i: s.get("scenario", {}).get("checkpoints", [{}] * 9)[i].get("cycle")
    check(cyc(p[2], 0) == demo.get(1) and cyc(p[3], 1) == demo.get(2),
          f"Next stops at the demo's checkpoints ({cyc(p[2], 0)}, {cyc(p[3], 1)} vs {demo.get(1)}, {demo.get(2)})")
    check(cyc(p[4], 0) == demo.get(1) and cyc(p[4], 1) is None and cyc(p[5], 1) == demo.get(2),
          "Back returns to checkpoint 1 of the same run, PgDn on to checkpoint 2 again")
    check_png(f"{out}/present3.png", "presentation")
    # The VMs tab in presentation mode: the first row of the VM table and of the vCPU table
    # inside the panel (and the window) as drawn, with nothing scrolled.
    tr, items = panels(p[5]).get("Transitions", {}), p[5].get("items", {})
    for name in ("vm-row-0", "vcpu-row-0"):
        r = items.get(name)
        check(tr.get("tab") == "VMs" and r and tr["y"] <= r[1] and r[1] + r[3] <= min(tr["y"] + tr["h"], H),
              f"presentation: the VMs tab shows {name} without scrolling ({r} in the panel at y {tr.get('y')}, "
              f"height {tr.get('h')})")
    check_png(f"{out}/present5.png", "presentation, VMs tab")
    text = open(ini).read() if os.path.exists(ini) else ""
    check("presentation=1" in text and "tab.Transitions=VMs" in text and "[Window][Presentation]" in text,
          f"the layout was written to {ini}")
    check(not os.path.exists(os.path.join(cfg, "stepvisor")), "a scripted run leaves the config directory alone")
    run_gui(stepvisor, ["--scenario", "isolation", "--layout", ini], f"dump-state {out}/present6.json\n", out,
            "present-again", cfg)
    again = load(f"{out}/present6.json")
    check(again.get("presentation") and again.get("font_size") == p[1].get("font_size")
          and panels(again).get("Transitions", {}).get("tab") == "VMs",
          "the next run reads the layout back: presentation mode, its scale, the open tab")
    check(again.get("settings_file") == ini, f"the layout file is {again.get('settings_file')}")

    # 4b. The View menu's "Presentation mode" does what F8 does, and again turns it off.
    run_gui(stepvisor, ["--scenario", "isolation"], f"""
dump-state {out}/menu0.json
click-item menu-view
wait 2
click-item menu-presentation
wait 3
dump-state {out}/menu1.json
click-item menu-view
wait 2
click-item menu-presentation
wait 3
dump-state {out}/menu2.json
""", out, "menu", os.path.join(out, "config-menu"))
    m = [load(f"{out}/menu{i}.json") for i in range(3)]
    check([s.get("presentation") for s in m] == [False, True, False], f"View > Presentation mode: on, then off ({[s.get('presentation') for s in m]})")
    check(m[1].get("font_size", 0) >= 1.5 * m[0].get("font_size", 99) and m[2].get("font_size") == m[0].get("font_size"),
          f"View > Presentation mode scales the font ({[s.get('font_size') for s in m]})")
    pr = panels(m[1]).get("Presentation", {})
    check(pr and pr["w"] >= 0.4 * W and pr["h"] >= 0.8 * H and "Harts" not in panels(m[1]) and "Harts" in panels(m[2]),
          f"View > Presentation mode: the narration as a large panel ({pr.get('w')}x{pr.get('h')}), the debugger's panels back after")

    # 5. Without --script the layout goes to $XDG_CONFIG_HOME/stepvisor/gui.ini: a session
    # closed through the management socket's quit writes it there.
    home = os.path.join(out, "config-default")
    shutil.rmtree(home, ignore_errors=True)
    gui = None
    try:
        gui, f = gui_test.gui_with_mgmt(stepvisor, os.path.join(out, "lecture-mgmt.sock"),
                                        dict(os.environ, XDG_CONFIG_HOME=home))
        f.readline()  # the greeting
        for cmd in ("qmp_capabilities", "quit"):
            f.write((json.dumps({"execute": cmd}) + "\n").encode())
            f.flush()
        check(gui.wait(timeout=60) == 0, "gui --mgmt: quit closes the GUI")
    except (OSError, ValueError, subprocess.TimeoutExpired) as e:
        check(False, f"gui --mgmt: {e}")
        if gui:
            gui.kill()
    default = os.path.join(home, "stepvisor", "gui.ini")
    text = open(default).read() if os.path.exists(default) else ""
    check("presentation=0" in text and "[Window][Harts]" in text, f"the layout was written to {default}")

    print(f"screenshots in {out}")
    print(f"{len(gui_test.failures)} failure(s)")
    return 1 if gui_test.failures else 0


if __name__ == "__main__":
    sys.exit(main())
