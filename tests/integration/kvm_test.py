#!/usr/bin/env python3
"""Linux KVM on stepvisor: the KVM host built by `tests/linux/build-kernel.sh
--kvm` boots under Debian's OpenSBI fw_jump on `stepvisor run --isa ISA`
(rv64gch by default; rv64gch_sstc for Sstc) with 1, 2 and 4 harts; its /init runs our VMM (tests/linux/kvm/vmm.c) on
guests from firmware/guests (hello through SBI exits, uart through MMIO exits,
smp with two vCPUs started by KVM's SBI HSM), each guest prints its lines and
ends with a system reset, and the host powers off (exit 0).

When QEMU 7.2 is installed the same images boot on `qemu-system-riscv64 -M virt
-cpu rv64,h=true` with the same hart counts in the same run: every guest line
that does not depend on timing must be equal on both, and so must hello's and
uart's exits to the VMM. The figures (host instructions, guest exits, wall time) are
printed for both; QEMU's instruction count comes from the counting plugin
given with --qemu-plugin.

With --kvmtool (STEPVISOR_KVMTOOL: a static lkvm built for riscv64) the host
runs an unmodified Linux guest under kvmtool instead: the kernel and initramfs
of STEPVISOR_LINUX_IMAGE / STEPVISOR_LINUX_INITRD (the plain build), whose
/init prints its CPU count and powers off, which must end kvmtool and then the
host.

usage: kvm_test.py STEPVISOR [--harts 1,2,4] [--isa ISA] [--kvmtool]
                   [--qemu QEMU] [--qemu-plugin PLUGIN.so]
  STEPVISOR_KVM_IMAGE, STEPVISOR_KVM_INITRD   the KVM host's Image and initramfs
Skipped (exit 77) when those (or, with --kvmtool, STEPVISOR_KVMTOOL and the
guest's) are unset, or OpenSBI is not installed.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time

FW = "/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.bin"
APPEND = "console=ttyS0 earlycon"

ap = argparse.ArgumentParser()
ap.add_argument("stepvisor")
ap.add_argument("--harts", default="1,2,4")
ap.add_argument("--isa", default="rv64gch")
ap.add_argument("--kvmtool", action="store_true")
ap.add_argument("--qemu", default="")
ap.add_argument("--qemu-plugin", default="")
ap.add_argument("--timeout", type=int, default=400)
a = ap.parse_args()


def need(var, what):
    v = os.environ.get(var, "")
    if not v:
        print(f"skipped: set {var} to {what} (see README, Linux KVM)")
        sys.exit(77)
    if not os.path.isfile(v):
        sys.exit(f"FAIL: {var}={v} is not a file")
    return v


image = need("STEPVISOR_KVM_IMAGE", "the KVM host's Image (tests/linux/build-kernel.sh --kvm)")
initrd = need("STEPVISOR_KVM_INITRD", "the KVM host's initramfs.cpio")
if a.kvmtool:
    lkvm = need("STEPVISOR_KVMTOOL", "a static kvmtool (lkvm-static) built for riscv64")
    guest_image = need("STEPVISOR_LINUX_IMAGE", "the plain kernel's Image, kvmtool's guest")
    guest_initrd = need("STEPVISOR_LINUX_INITRD", "the plain kernel's initramfs.cpio")
if not os.path.exists(FW):
    print(f"skipped: install Debian's opensbi ({FW})")
    sys.exit(77)
harts_list = [int(h) for h in a.harts.split(",")]


def newc(entries):
    """A cpio archive in the kernel's newc format: (name, mode, data) each."""
    out = bytearray()
    for ino, (name, mode, data) in enumerate(entries + [("TRAILER!!!", 0, b"")], 1):
        n = name.encode() + b"\0"
        fields = [ino, mode, 0, 0, 1, 0, len(data), 0, 0, 0, 0, len(n), 0]
        out += b"070701" + b"".join(b"%08x" % f for f in fields) + n
        out += b"\0" * (-len(out) % 4) + data
        out += b"\0" * (-len(out) % 4)
    return bytes(out + b"\0" * (-len(out) % 512))


tmp = tempfile.mkdtemp(prefix="stepvisor-kvm-")
if a.kvmtool:
    # The host's own initramfs, and after it a second archive whose files
    # replace /commands and add kvmtool and its guest (the kernel unpacks both).
    def file(path):
        with open(path, "rb") as f:
            return f.read()
    cmds = {}
    for harts in harts_list:
        cpus = min(harts, 2)
        cmds[harts] = (f"/lkvm run --kernel /guest/Image --initrd /guest/initrd.cpio --mem 64 --cpus {cpus} "
                       "--console serial --params earlycon\n")
    host_initrds = {}
    for harts, cmd in cmds.items():
        extra = newc([("lkvm", 0o100755, file(lkvm)), ("guest", 0o040755, b""),
                      ("guest/Image", 0o100644, file(guest_image)),
                      ("guest/initrd.cpio", 0o100644, file(guest_initrd)),
                      ("commands", 0o100644, cmd.encode())])
        host_initrds[harts] = os.path.join(tmp, f"initramfs-{harts}.cpio")
        with open(host_initrds[harts], "wb") as f:
            f.write(file(initrd) + extra)
else:
    host_initrds = {h: initrd for h in harts_list}


def run(cmd, timeout):
    """Runs cmd, returning (exit code, console text, stderr text, seconds)."""
    print("$ " + " ".join(cmd), flush=True)
    t0 = time.time()
    p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    err = []
    threading.Thread(target=lambda: err.append(p.stderr.read()), daemon=True).start()
    raw = bytearray()
    deadline = t0 + timeout
    while True:
        b = p.stdout.read1(4096)
        if not b:
            break
        raw += b
        if b"Kernel panic" in raw or time.time() > deadline:
            time.sleep(0.5)
            p.kill()
            break
    p.wait()
    secs = time.time() - t0
    time.sleep(0.1)
    return p.returncode, raw.decode(errors="replace").replace("\r", ""), b"".join(err).decode(errors="replace"), secs


# Guest lines that depend on timing (work units done, the VMM's milliseconds
# and KVM's exit counters, which count timer interrupts) are not compared.
VOLATILE = re.compile(r"units|took|after [0-9.]+ ms|KVM counted|^\[ *[0-9.]+\]")


def vm_lines(out):
    """The lines of the VMM and its guests: those between the host's
    '$ /vmm ...' and its 'exited' line. The kernel's own messages are left
    out: printk writes the console at once, ahead of user output still in
    the tty's buffer, so where they fall differs from run to run (QEMU once
    put 'kvm: exiting hardware virtualization' of the power-off before the
    VMM's last line)."""
    lines, inside = [], False
    for line in out.splitlines():
        stamped = re.match(r"^\[ *[0-9.]+\] ", line)
        line = line[stamped.end():] if stamped else line
        if stamped and not re.match(r"kvm-host:|vmm:|(hello|uart|smp): ", line):
            continue
        if line.startswith("kvm-host: $ "):
            inside = True
        elif line.startswith("kvm-host: ") and " exited with " in line:
            inside = False
        if inside or line.startswith("kvm-host: "):
            lines.append(line)
    return lines


def kvm_counts(out):
    """KVM's counters summed over the VMM's runs, and the VMM's own exits."""
    total = {}
    for m in re.finditer(r"vmm: KVM counted (.*)", out):
        for part in m.group(1).split(","):
            name, value = part.split()
            total[name] = total.get(name, 0) + int(value)
    runs = [(int(m.group(1)), int(m.group(2))) for m in re.finditer(r"exits to the VMM: (\d+) MMIO, (\d+) SBI", out)]
    total["vmm_mmio"] = sum(r[0] for r in runs)
    total["vmm_sbi"] = sum(r[1] for r in runs)
    total["runs"] = runs
    return total


def check(name, rc, out, harts):
    own = []
    if "Linux version" not in out:
        own.append("no 'Linux version' line: the host kernel did not start")
    if f"kvm-host: /init on {harts} CPU(s), /dev/kvm present" not in out:
        own.append(f"no 'kvm-host: /init on {harts} CPU(s), /dev/kvm present' line")
    if a.kvmtool:
        cpus = min(harts, 2)
        m = re.search(r"stepvisor: hello from /init, (\d+) CPUs?", out)
        if not m:
            own.append("the kvmtool guest's /init line is missing")
        elif int(m.group(1)) != cpus:
            own.append(f"the kvmtool guest's /init sees {m.group(1)} CPUs, expected {cpus}")
        expect = ["kvm-host: /lkvm exited with 0", "kvm-host: 1 command(s) succeeded, 0 failed"]
    else:
        expect = ["Hello from a guest kernel on hart 0", "hello: working, step 3 of 3", "hello: goodbye",
                  "uart: line 3 of 3", "smp: 2 vCPUs; vCPU 0 boots", "smp: every vCPU took its IPI",
                  "smp: every vCPU worked and stopped",
                  "kvm-host: /vmm exited with 0", "kvm-host: 3 command(s) succeeded, 0 failed"]
        if out.count("vmm: the guest ended by system reset (shutdown)") != 3:
            own.append("not every guest ended by an SBI system reset")
    for e in expect:
        if e not in out:
            own.append(f"no '{e}' line")
    if "reboot: Power down" not in out:
        own.append("no 'reboot: Power down' line")
    if rc != 0:
        own.append(f"exit code {rc}, expected 0 (poweroff)")
    if own:
        print("--- console tail ---\n" + out[-4000:])
    return [f"{name}, {harts} hart(s): {f}" for f in own]


failures, figures = [], []
has_sstc = "sstc" in a.isa.split("_")
sstc = "on" if has_sstc else "off"
for harts in harts_list:
    cmd = [a.stepvisor, "run", "--stats", "--isa", a.isa,
           "--harts", str(harts), "--timeout", str(a.timeout), "--bios", FW, "--kernel", image,
        "--initrd", host_initrds[harts], "--append", APPEND]
    rc, out, err, secs = run(cmd, a.timeout + 30)
    own = check("stepvisor", rc, out, harts)
    failures += own
    for line in out.splitlines():
        if re.search(r"kvm-host:|vmm:|hello from /init|^(hello|uart|smp): ", line):
            print("  " + line)
    m = re.search(r"instructions=(\d+)", err)
    insns = int(m.group(1)) if m else None
    counts = kvm_counts(out)
    figures.append(("stepvisor", harts, insns, counts, secs))
    print(f"  stepvisor, {harts} hart(s), Sstc {sstc}: exit {rc} in {secs:.1f} s; "
          + next((l for l in err.splitlines() if l.startswith("stats:")), err.strip()[-300:]))

    if not a.qemu:
        continue
    qcmd = [a.qemu, "-M", "virt", "-cpu", "rv64,h=true" + ("" if has_sstc else ",sstc=false"),
            "-smp", str(harts), "-m", "256M", "-nographic", "-monitor", "none", "-serial", "stdio",
            "-bios", FW, "-kernel", image, "-initrd", host_initrds[harts], "-append", APPEND]
    qrc, qout, qerr, qsecs = run(qcmd, a.timeout)
    failures += check("QEMU", qrc, qout, harts)
    qinsns = None
    if a.qemu_plugin:
        # Counted in a second run, so that the counting does not slow the timed one.
        prc, pout, perr, _ = run(qcmd + ["-accel", "tcg,thread=single", "-plugin", a.qemu_plugin, "-d", "plugin"],
                                 a.timeout)
        m = re.search(r"instructions=(\d+)", perr + pout)
        qinsns = int(m.group(1)) if m else None
    qcounts = kvm_counts(qout)
    figures.append(("QEMU 7.2", harts, qinsns, qcounts, qsecs))
    if not a.kvmtool:
        mine = [l for l in vm_lines(out) if not VOLATILE.search(l)]
        theirs = [l for l in vm_lines(qout) if not VOLATILE.search(l)]
        if mine != theirs:
            failures.append(f"{harts} hart(s): the VMM's and its guests' lines differ from QEMU's")
            for i, (x, y) in enumerate(zip(mine + [""] * len(theirs), theirs + [""] * len(mine))):
                if x != y:
                    print(f"  first difference, line {i}:\n    stepvisor: {x!r}\n    QEMU:      {y!r}")
                    break
        # hello's and uart's exits (MMIO, SBI) are fixed by their code; smp
        # prints work counts whose digits vary.
        if counts["runs"][:2] != qcounts["runs"][:2]:
            failures.append(f"{harts} hart(s): hello's and uart's exits to the VMM (MMIO, SBI) are "
                            f"{counts['runs'][:2]} on stepvisor, {qcounts['runs'][:2]} on QEMU")

print(f"\nfigures ({'kvmtool, a Linux guest' if a.kvmtool else 'our VMM, three guests'}; Sstc {sstc}):")
print(f"  {'machine':10} {'harts':>5} {'host instructions':>18} {'KVM exits':>10} {'to the VMM':>10} {'wall s':>8}")
for who, harts, insns, counts, secs in figures:
    to_vmm = counts.get("vmm_mmio", 0) + counts.get("vmm_sbi", 0)
    print(f"  {who:10} {harts:>5} {insns if insns is not None else '-':>18} {counts.get('exits', '-'):>10} "
          f"{to_vmm if counts.get('runs') else '-':>10} {secs:>8.1f}")
shutil.rmtree(tmp, ignore_errors=True)
for f in failures:
    print("FAIL: " + f)
sys.exit(1 if failures else 0)
