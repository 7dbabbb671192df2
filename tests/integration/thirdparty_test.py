#!/usr/bin/env python3
"""Third-party hypervisors as checks of the H extension: Xvisor with its
basic-firmware guest, and Bao with its bare-metal guest, each run under Debian's
OpenSBI fw_jump on stepvisor (the default ISA: H and Sstc on) the way their documentation runs
them on QEMU virt, on one and on four harts. The guest must reach its prompt and
answer what is typed at it.

usage: thirdparty_test.py STEPVISOR xvisor|bao
  STEPVISOR_XVISOR  a directory with Xvisor's vmm.bin and disk.img (the initrd
                    holding boot.xscript, the guest's device tree and firmware,
                    as in Xvisor's docs/riscv/riscv64-qemu.txt)
  STEPVISOR_BAO     Bao's bao.bin built for qemu-riscv64-virt with the baremetal
                    demo's configuration (entry at 0x80200000)
Skipped (exit 77) when the variable is unset or OpenSBI is not installed.
"""
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from console_session import ConsoleSession

FW = "/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.bin"
stepvisor, which = sys.argv[1], sys.argv[2]
var = {"xvisor": "STEPVISOR_XVISOR", "bao": "STEPVISOR_BAO"}[which]
path = os.environ.get(var, "")
if not path:
    print(f"skipped: set {var} (see README, Tests)")
    sys.exit(77)
if not os.path.exists(FW):
    print(f"skipped: install Debian's opensbi ({FW})")
    sys.exit(77)


def type_line(s, text):
    """Keys at a person's pace: the guest's UART has a 16-byte receive FIFO."""
    for c in text:
        s.send(c)
        time.sleep(0.05)


def start(harts, args):
    cmd = [stepvisor, "run", "--stats", "--harts", str(harts),
           "--stdin", "--timeout", "600", "--bios", FW] + args
    print("$ " + " ".join(cmd), flush=True)
    return ConsoleSession(cmd, drop_cr=True)


def expect_sstc(s):
    """OpenSBI's banner names the extensions it found on the boot hart: the
    hypervisor must run with Sstc, the case that hung before."""
    at = s.wait_for("Boot HART ISA Extensions")
    line = s.text()[at:].split("\n", 1)[0]
    if "sstc" not in line.split(":", 1)[-1].strip().split(","):
        s.p.kill()
        sys.exit(f"FAIL: OpenSBI found no Sstc: {line!r}")
    return at


def finish(s, harts, t0):
    s.p.stdin.close()
    s.p.kill()
    rc, err = s.wait()
    stats = [l for l in err.splitlines() if "instructions=" in l]
    print(f"{which} on {harts} hart(s): {time.time() - t0:.1f} s wall; " + (stats[0] if stats else ""))


def xvisor(harts):
    vmm, disk = os.path.join(path, "vmm.bin"), os.path.join(path, "disk.img")
    for f in (vmm, disk):
        if not os.path.isfile(f):
            sys.exit(f"FAIL: {var}: no {f}")
    t0 = time.time()
    s = start(harts, ["--mem", "512M", "--kernel", vmm, "--initrd", disk, "--append",
                      'vmm.bootcmd="vfs mount initrd /;vfs run /boot.xscript;vfs cat /system/banner.txt"'])
    at = s.wait_for("XVisor# ", expect_sstc(s))
    type_line(s, "guest kick guest0\n")
    at = s.wait_for("XVisor# ", at)
    type_line(s, "vserial bind guest0/uart0\n")
    at = s.wait_for("basic# ", at)
    type_line(s, "help\n")
    at = s.wait_for("hi", at)          # the basic firmware's help lists its commands
    at = s.wait_for("basic# ", at)
    type_line(s, "hi\n")
    s.wait_for("hello", at)
    print(s.text()[-600:])
    finish(s, harts, t0)


def bao(harts):
    if not os.path.isfile(path):
        sys.exit(f"FAIL: {var}={path} is not a file")
    t0 = time.time()
    s = start(harts, ["--mem", "1G", "--kernel", path])
    at = s.wait_for("Bao bare-metal test guest", expect_sstc(s))
    for cpu in range(min(harts, 4)):
        s.wait_for(f"cpu {cpu} up", at)
    at = s.wait_for("cpu0: timer_handler", at)   # the guest's one-second timer
    s.send("x")
    s.wait_for("cpu0: uart_rx_handler", at)
    finish(s, harts, t0)


# Bao's qemu-riscv64-virt platform description has four CPUs and waits for all
# of them, so Bao runs on four harts only (it prints nothing on one, on QEMU too).
for harts in ((1, 4) if which == "xvisor" else (4,)):
    {"xvisor": xvisor, "bao": bao}[which](harts)
