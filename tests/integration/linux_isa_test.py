#!/usr/bin/env python3
"""What Linux 6.1 and Debian's OpenSBI find of stepvisor's default ISA.

    linux_isa_test.py STEPVISOR ISA_INIT [QEMU]

The plain kernel (STEPVISOR_LINUX_IMAGE, tests/linux/kernels.sh) boots under
Debian's OpenSBI fw_jump with an initramfs of the test's own: its /init
(tests/linux/isa_init.c, built as ISA_INIT) prints /proc/cpuinfo and counts a
2000-instruction loop with perf_event_open when the kernel has perf.

  - /proc/cpuinfo's isa line is what Linux 6.1 prints for the default ISA:
    arch/riscv/kernel/cpu.c prints "rv64", the single letters it knows
    (base_riscv_exts, "imafdqcbkjpvh") that the hart has, then "_" and each
    multi-letter extension of isa_ext_arr in that array's order: sscofpmf,
    sstc, svinval, svpbmt, zicbom, zihintpause (the only ones
    cpufeature.c's riscv_fill_hwcap maps; it ignores the others). The
    default ISA has all of them and i, m, a, f, d, c, h.
  - OpenSBI 1.1's banner: "Boot HART ISA Extensions" (what it probed:
    scountovf readable, Sstc's stimecmp, Smstateen's mstateen0),
    "Boot HART MHPM Count" (mhpmcounters that hold a written 1: 16),
    "Boot HART MIDELEG" (with LCOFI delegated once it found Sscofpmf).
  - With QEMU 7.2 (-cpu rv64,h=true,sscofpmf=true,svinval=true,svpbmt=true)
    the same lines but for the named differences: QEMU 7.2 has no Zicbom
    (cpuinfo) and no Smstateen (banner).
  - With perf in the kernel (CONFIG_RISCV_PMU_SBI), the loop's count in
    U-mode (exclude_kernel: the SBI PMU sets SINH) is 2000 and the few
    instructions of the ioctl wrappers around it, counted alone and sampled
    every 500 instructions, which must take 4 overflow interrupts (LCOFI,
    "riscv-pmu" in /proc/interrupts) at least; the kernel's
    "riscv-pmu-sbi" lines are shown. The plain kernel has no perf: noted.
Exit 77 (skipped) without the kernel, OpenSBI or ISA_INIT.
"""
import os
import re
import subprocess
import sys
import tempfile

FW = "/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.bin"
APPEND = "console=ttyS0 earlycon"
CPUINFO_ISA = "rv64imafdch_sscofpmf_sstc_svinval_svpbmt_zicbom_zihintpause"
BANNER = {"Boot HART ISA Extensions": "sscofpmf,time,smstateen,sstc",
          "Boot HART MHPM Count": "16",
          "Boot HART MIDELEG": "0x0000000000003666"}
QEMU_CPU = "rv64,h=true,sscofpmf=true,svinval=true,svpbmt=true"
QEMU_LACKS_CPUINFO = {"zicbom"}       # QEMU 8.0 added Zicbom
QEMU_LACKS_BANNER = {"smstateen"}     # QEMU 8.0 added Smstateen
failures = []


def fail(msg):
    failures.append(msg)
    print("FAIL: " + msg)


def newc(entries):
    """A cpio archive (newc, as the kernel's initramfs unpacker reads it)."""
    out = bytearray()
    def add(name, mode, data=b"", rdev=(0, 0)):
        n = name.encode() + b"\0"
        fields = [len(out) // 64 + 1, mode, 0, 0, 1, 0, len(data), 0, 0, rdev[0], rdev[1], len(n), 0]
        out.extend(b"070701" + b"".join(b"%08x" % f for f in fields) + n)
        out.extend(b"\0" * (-len(out) % 4))
        out.extend(data)
        out.extend(b"\0" * (-len(out) % 4))
    for e in entries:
        add(*e)
    add("TRAILER!!!", 0)
    return bytes(out)


def boot(cmd, timeout=300):
    print("$ " + " ".join(cmd), flush=True)
    try:
        p = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=timeout)
    except subprocess.TimeoutExpired as e:
        fail(f"{cmd[0]}: no poweroff within {timeout} s")
        return (e.stdout or b"").decode(errors="replace")
    return p.stdout.decode(errors="replace")


def banner(out):
    got = {}
    for line in out.splitlines():
        m = re.match(r"^(Boot HART [A-Za-z ]+?)\s*:\s*(.*)$", line.strip())
        if m:
            got[m.group(1)] = m.group(2).strip()
    return got


def cpuinfo_isa(out):
    m = re.search(r"^cpuinfo: isa\s*:\s*(\S+)", out, re.M)
    return m.group(1) if m else None


def report(who, out):
    """The isa line and the banner's lines a run printed (shown as they are)."""
    isa, got = cpuinfo_isa(out), banner(out)
    print(f"{who}: /proc/cpuinfo isa: {isa}")
    for k in BANNER:
        print(f"{who}: {k}: {got.get(k)}")
    for line in out.splitlines():
        if "riscv-pmu-sbi" in line or line.startswith("perf:"):
            print(f"{who}: " + line.strip())
    return isa, got


def main():
    if len(sys.argv) < 3:
        print(__doc__)
        return 2
    stepvisor, init = sys.argv[1], sys.argv[2]
    qemu = sys.argv[3] if len(sys.argv) > 3 else ""
    image = os.environ.get("STEPVISOR_LINUX_IMAGE", "")
    if not image or not os.path.isfile(image):
        print("skipped: set STEPVISOR_LINUX_IMAGE to the plain kernel (eval \"$(tests/linux/kernels.sh)\")")
        return 77
    if not os.path.exists(FW):
        print(f"skipped: install Debian's opensbi ({FW})")
        return 77
    if not init or not os.path.isfile(init):
        print("skipped: no /init for the test (riscv64-linux-gnu-gcc missing)")
        return 77
    with tempfile.TemporaryDirectory() as tmp:
        cpio = os.path.join(tmp, "initramfs.cpio")
        with open(init, "rb") as f:
            program = f.read()
        with open(cpio, "wb") as f:
            f.write(newc([("dev", 0o040755), ("dev/console", 0o020600, b"", (5, 1)), ("proc", 0o040555),
                          ("init", 0o100755, program)]))
        ours = boot([stepvisor, "run", "--timeout", "240", "--bios", FW, "--kernel", image, "--initrd", cpio,
                     "--append", APPEND])
        theirs = None
        if qemu:
            theirs = boot([qemu, "-M", "virt", "-cpu", QEMU_CPU, "-smp", "1", "-m", "256M", "-display", "none",
                           "-serial", "stdio", "-monitor", "none", "-bios", FW, "-kernel", image, "-initrd", cpio,
                           "-append", APPEND])

    isa, got = report("stepvisor", ours)
    if isa != CPUINFO_ISA:
        fail(f"/proc/cpuinfo isa is {isa!r}, expected {CPUINFO_ISA!r} (Linux 6.1's cpu.c for the default ISA)")
    for k, want in BANNER.items():
        if got.get(k) != want:
            fail(f"OpenSBI's {k!r} is {got.get(k)!r}, expected {want!r}")
    m = re.search(r"^perf: (\d+) instructions", ours, re.M)
    if m:
        for n in re.findall(r"^perf: (\d+) instructions", ours, re.M):
            if not 2000 <= int(n) <= 2100:
                fail(f"perf counted {n} U-mode instructions around a loop of 2000")
        irqs = re.search(r"^perf: interrupts:\s*\d+:\s*(\d+)", ours, re.M)
        if not irqs or int(irqs.group(1)) < 2000 // 500:
            fail(f"sampling every 500 instructions of 2000 took {irqs.group(1) if irqs else 'no'} LCOFI interrupts, "
                 "expected 4 at least")
    elif "perf: perf_event_open" in ours:
        print("note: the kernel has no perf events (CONFIG_RISCV_PMU_SBI): the counter check is left out")
    else:
        fail("the /init printed no perf line")

    if theirs is not None:
        qisa, qgot = report("QEMU 7.2", theirs)
        want = "_".join([CPUINFO_ISA.split("_")[0]] +
                        [x for x in CPUINFO_ISA.split("_")[1:] if x not in QEMU_LACKS_CPUINFO])
        if qisa != want:
            fail(f"QEMU's /proc/cpuinfo isa is {qisa!r}, expected ours without {sorted(QEMU_LACKS_CPUINFO)}: {want!r}")
        for k, v in BANNER.items():
            if k == "Boot HART ISA Extensions":
                v = ",".join(x for x in v.split(",") if x not in QEMU_LACKS_BANNER)
            if qgot.get(k) != v:
                fail(f"QEMU's {k!r} is {qgot.get(k)!r}, expected {v!r}")
    print(f"{len(failures)} failure(s)" if failures else "ok: as Linux 6.1 and OpenSBI 1.1 read the machine")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
