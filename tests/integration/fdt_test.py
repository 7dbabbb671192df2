#!/usr/bin/env python3
"""The generated device tree against dtc and against QEMU's virt tree.

    fdt_test.py DTB_DUMP DTC [QEMU]

For 1, 2 and 4 harts (and once with bootargs and an initrd):
  - `dtc -I dtb -O dts` decompiles our blob with exit status 0 and no warning
    that QEMU's own blob does not also draw (none at all without QEMU);
  - with qemu-system-riscv64 (`-M virt -cpu rv64,h=true -smp N -m 256M
    -machine dumpdtb=F`), every node we emit exists in QEMU's tree, and every
    property we emit exists there with the same value: phandle references are
    compared by the path they resolve to, riscv,isa by its single-letter base
    (the Z/S extension list is the emulator's own), and the only property QEMU
    7.2 lacks that we add is #address-cells = <0> in the cpu interrupt
    controllers (it is what dtc's interrupt_provider check asks for).
  - the same for QEMU's AIA (-M virt,aia=aplic-imsic,aia-guests=G and aia=aplic)
    against `--aia`: aplic@c000000 and aplic@d000000 (riscv,delegate,
    riscv,children, msi-parent or interrupts-extended), imsics@24000000 and
    imsics@28000000 (riscv,guest-index-bits, reg sized by harts and guests),
    devices' two-cell interrupts.

Exit status 77 (meson's "skipped") when dtc is missing.
"""
import os
import re
import subprocess
import sys
import tempfile

HARTS = [1, 2, 4]
MEM = 256 << 20
# Properties we may emit that QEMU 7.2's tree lacks: (node path regex, property).
EXTRA_OK = [(re.compile(r"^/cpus/cpu@[0-9a-f]+/interrupt-controller$"), "#address-cells")]
# Properties holding phandles: how to read their cells.
PHANDLE_ONLY = {"interrupt-parent", "regmap", "cpu"}
PHANDLE_ONLY |= {"msi-parent", "riscv,children"}
PHANDLE_PAIRS = {"interrupts-extended"}  # <phandle n> per entry (#interrupt-cells = 1 everywhere)
PHANDLE_FIRST = {"riscv,delegate"}  # <phandle first last>
# The AIA configurations compared with QEMU's: (harts, aia, aia-guests).
AIA_CASES = [(2, "aplic-imsic", 7), (1, "aplic-imsic", 7), (4, "aplic-imsic", 7), (3, "aplic-imsic", 1),
             (2, "aplic-imsic", 0), (2, "aplic", 0)]

failures = []


def fail(msg):
    failures.append(msg)
    print("FAIL: " + msg)


def run(cmd, **kw):
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kw)


def decompile(dtc, dtb, what):
    """dts text and the list of warnings (file name stripped)."""
    r = run([dtc, "-I", "dtb", "-O", "dts", dtb])
    if r.returncode != 0:
        fail(f"{what}: dtc exited with {r.returncode}: {r.stderr.strip()}")
    warnings = []
    for line in r.stderr.splitlines():
        line = line.strip()
        if not line:
            continue
        # "<file>: Warning (check): /path: text"
        m = re.match(r"^.*?: ((Warning|ERROR).*)$", line)
        warnings.append(m.group(1) if m else line)
    return r.stdout, warnings


def parse(dts):
    """{path: {prop: value text}} from dtc's dts output (one property per line)."""
    tree, stack = {}, []
    for raw in dts.splitlines():
        line = raw.strip()
        if not line or line.startswith("/dts-v1/") or line.startswith("/memreserve/"):
            continue
        m = re.match(r"^(\S+) \{$", line)
        if m:
            name = m.group(1)
            if name == "/":
                stack = [""]
                path = "/"
            else:
                stack.append(name)
                path = "/".join(stack)
            tree[path] = {}
            continue
        if line == "};":
            stack.pop()
            continue
        m = re.match(r"^([^=\s]+)(?: = (.*))?;$", line)
        if not m or not stack:
            raise ValueError(f"cannot parse dts line: {raw!r}")
        path = "/".join(stack) if len(stack) > 1 else "/"
        tree[path][m.group(1)] = m.group(2) if m.group(2) is not None else ""
    return tree


def cells(value):
    m = re.match(r"^<(.*)>$", value)
    if not m:
        raise ValueError(f"not a cell list: {value}")
    return [int(c, 0) for c in m.group(1).split()]


def normalize(tree):
    """Replace phandle numbers by the paths they name; drop the phandle properties."""
    by_ph = {}
    for path, props in tree.items():
        if "phandle" in props:
            by_ph[cells(props["phandle"])[0]] = path
    out = {}
    for path, props in tree.items():
        norm = {}
        for name, value in props.items():
            if name == "phandle":
                continue
            try:
                if name in PHANDLE_ONLY:
                    norm[name] = tuple(by_ph.get(c, f"<dangling {c}>") for c in cells(value))
                    continue
                if name in PHANDLE_FIRST:
                    cs = cells(value)
                    norm[name] = (by_ph.get(cs[0], f"<dangling {cs[0]}>"),) + tuple(cs[1:])
                    continue
                if name in PHANDLE_PAIRS:
                    cs = cells(value)
                    norm[name] = tuple((by_ph.get(cs[i], f"<dangling {cs[i]}>"), cs[i + 1])
                                       for i in range(0, len(cs), 2))
                    continue
            except ValueError as e:
                fail(f"{path} {name}: {e}")
            norm[name] = value
        out[path] = norm
    return out, by_ph


def check_ours_alone(tree, by_ph, harts, what, aia="none"):
    """What must hold without QEMU to compare with."""
    irqchips = {"none": ["/soc/plic@c000000"], "aplic": ["/soc/aplic@c000000", "/soc/aplic@d000000"],
                "aplic-imsic": ["/soc/aplic@c000000", "/soc/aplic@d000000", "/soc/imsics@24000000",
                                "/soc/imsics@28000000"]}[aia]
    for other in ["/soc/plic@c000000", "/soc/aplic@c000000", "/soc/imsics@24000000"]:
        if other in tree and other not in irqchips:
            fail(f"{what}: {other} with --aia {aia}")
    for path in ["/", "/chosen", "/memory@80000000", "/cpus", "/soc", "/soc/clint@2000000",
                 "/soc/serial@10000000", "/soc/test@100000", "/poweroff",
                 "/reboot"] + irqchips + [f"/cpus/cpu@{i:x}/interrupt-controller" for i in range(harts)]:
        if path not in tree:
            fail(f"{what}: node {path} missing")
    for path, props in tree.items():
        for name, value in props.items():
            if isinstance(value, tuple):
                flat = [v if isinstance(v, str) else v[0] for v in value if not isinstance(v, int)]
                for target in flat:
                    if target.startswith("<dangling"):
                        fail(f"{what}: {path} {name} refers to {target}")
    if f"/cpus/cpu@{harts:x}" in tree:
        fail(f"{what}: a cpu node beyond the {harts} harts")
    intcs = tuple((f"/cpus/cpu@{i:x}/interrupt-controller", n) for i in range(harts) for n in (11, 9))
    if aia == "none" and tree.get("/soc/plic@c000000", {}).get("interrupts-extended") != intcs:
        fail(f"{what}: PLIC interrupts-extended does not list every hart's M and S external lines")
    isa = tree.get("/cpus/cpu@0", {}).get("riscv,isa", "")
    if not re.match(r'^"rv64[a-z]*h[a-z]*(_|")', isa):
        fail(f"{what}: riscv,isa {isa} lacks 'h'")


def compare(ours, qemu, what):
    for path, props in ours.items():
        if path not in qemu:
            fail(f"{what}: node {path} is not in QEMU's tree")
            continue
        q = qemu[path]
        if props.get("compatible") != q.get("compatible"):
            fail(f"{what}: {path} compatible {props.get('compatible')} != QEMU's {q.get('compatible')}")
        for name, value in props.items():
            if name not in q:
                if not any(rx.match(path) and name == p for rx, p in EXTRA_OK):
                    fail(f"{what}: {path} has {name}, QEMU's does not")
                continue
            if name == "riscv,isa":
                base = lambda s: s.strip('"').split("_")[0]
                if base(value) != base(q[name]):
                    fail(f"{what}: {path} riscv,isa base {value} != QEMU's {q[name]}")
                continue
            if value != q[name]:
                fail(f"{what}: {path} {name} = {value}, QEMU's = {q[name]}")


def qemu_dump(qemu, harts, out, tmp, kernel_args=(), machine="virt"):
    cmd = [qemu, "-M", machine, "-cpu", "rv64,h=true", "-smp", str(harts), "-m", f"{MEM >> 20}M",
           "-bios", "none", "-display", "none", "-serial", "null", "-monitor", "none",
           "-machine", f"dumpdtb={out}", *kernel_args]
    r = run(cmd, cwd=tmp, timeout=60)
    if r.returncode != 0 or not os.path.exists(out):
        fail(f"QEMU could not dump its tree ({' '.join(cmd)}): {r.stderr.strip()}")
        return False
    return True


def main():
    if len(sys.argv) < 3:
        print(__doc__)
        return 2
    dump, dtc = sys.argv[1], sys.argv[2]
    qemu = sys.argv[3] if len(sys.argv) > 3 else ""
    if not dtc or not os.path.exists(dtc):
        print("SKIP: dtc (device-tree-compiler) is not installed")
        return 77
    if not qemu:
        print("note: qemu-system-riscv64 not installed: checking against dtc only")

    with tempfile.TemporaryDirectory() as tmp:
        cases = [(h, [], []) for h in HARTS]
        # With a command line and an initrd; QEMU needs a kernel for both, and
        # decides where the initrd goes: ours is told the same addresses.
        bootargs = "console=ttyS0 earlycon=sbi rdinit=/init"
        kernel, initrd = os.path.join(tmp, "kernel.bin"), os.path.join(tmp, "initrd.img")
        with open(kernel, "wb") as f:
            f.write(b"\0" * 4096)
        with open(initrd, "wb") as f:
            f.write(b"\x5a" * 10000)
        cases.append((2, ["--bootargs", bootargs],
                      ["-kernel", kernel, "-initrd", initrd, "-append", bootargs]))

        for harts, our_args, qemu_kernel in cases:
            what = f"{harts} hart(s)" + (" with bootargs+initrd" if our_args else "")
            qemu_tree, qemu_warnings = None, []
            if qemu:
                qdtb = os.path.join(tmp, f"qemu-{harts}-{len(our_args)}.dtb")
                if qemu_dump(qemu, harts, qdtb, tmp, qemu_kernel):
                    qdts, qemu_warnings = decompile(dtc, qdtb, "QEMU's " + what)
                    qemu_tree, _ = normalize(parse(qdts))
            args = list(our_args)
            if qemu_kernel:
                chosen = (qemu_tree or {}).get("/chosen", {})
                if qemu_tree is not None and "linux,initrd-start" in chosen:
                    start = cells(chosen["linux,initrd-start"])
                    end = cells(chosen["linux,initrd-end"])
                    val = lambda cs: sum(c << (32 * (len(cs) - 1 - i)) for i, c in enumerate(cs))
                    args += ["--initrd", f"{val(start):#x}:{val(end):#x}"]
                else:
                    args += ["--initrd", f"{0x88000000:#x}:{0x88000000 + 10000:#x}"]

            ours = os.path.join(tmp, f"ours-{harts}-{len(our_args)}.dtb")
            r = run([dump, "--harts", str(harts), "--mem", str(MEM), *args, "-o", ours])
            if r.returncode != 0:
                fail(f"{what}: dtb-dump failed: {r.stderr.strip()}")
                continue
            dts, warnings = decompile(dtc, ours, what)
            extra = [w for w in warnings if w not in qemu_warnings]
            for w in extra:
                fail(f"{what}: dtc warns: {w}")
            tree, by_ph = normalize(parse(dts))
            check_ours_alone(tree, by_ph, harts, what)
            if our_args:
                ch = tree.get("/chosen", {})
                if ch.get("bootargs") != f'"{bootargs}"':
                    fail(f"{what}: /chosen/bootargs = {ch.get('bootargs')}")
                if "linux,initrd-start" not in ch or "linux,initrd-end" not in ch:
                    fail(f"{what}: /chosen lacks the initrd range")
            if qemu_tree is not None:
                compare(tree, qemu_tree, what)
            print(f"{what}: {len(tree)} nodes, dtc: {len(warnings)} warning(s)"
                  + (f" (QEMU's blob: {len(qemu_warnings)})" if qemu_tree is not None else "")
                  + ("" if qemu_tree is None else
                     f"; QEMU nodes not emitted: {len(set(qemu_tree) - set(tree))}"))
            if qemu_tree is not None and harts == 2 and not our_args:
                print("  left out: " + ", ".join(sorted(set(qemu_tree) - set(tree))))

        for harts, aia, guests in AIA_CASES:
            what = f"{harts} hart(s) with aia={aia},aia-guests={guests}"
            qemu_tree, qemu_warnings = None, []
            if qemu:
                qdtb = os.path.join(tmp, f"qemu-aia-{harts}-{aia}-{guests}.dtb")
                if qemu_dump(qemu, harts, qdtb, tmp, machine=f"virt,aia={aia},aia-guests={guests}"):
                    qdts, qemu_warnings = decompile(dtc, qdtb, "QEMU's " + what)
                    qemu_tree, _ = normalize(parse(qdts))
            ours = os.path.join(tmp, f"ours-aia-{harts}-{aia}-{guests}.dtb")
            r = run([dump, "--harts", str(harts), "--mem", str(MEM), "--aia", aia, "--aia-guests", str(guests),
                     "-o", ours])
            if r.returncode != 0:
                fail(f"{what}: dtb-dump failed: {r.stderr.strip()}")
                continue
            dts, warnings = decompile(dtc, ours, what)
            for w in [w for w in warnings if w not in qemu_warnings]:
                fail(f"{what}: dtc warns: {w}")
            tree, by_ph = normalize(parse(dts))
            check_ours_alone(tree, by_ph, harts, what, aia)
            if qemu_tree is not None:
                compare(tree, qemu_tree, what)
                # Every interrupt-controller node of QEMU's is ours too.
                for path in qemu_tree:
                    if re.match(r"^/soc/(aplic|imsics)@", path) and path not in tree:
                        fail(f"{what}: QEMU's {path} is missing")
            print(f"{what}: {len(tree)} nodes, dtc: {len(warnings)} warning(s)"
                  + (f" (QEMU's blob: {len(qemu_warnings)})" if qemu_tree is not None else ""))

    if failures:
        print(f"{len(failures)} failure(s)")
        return 1
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
