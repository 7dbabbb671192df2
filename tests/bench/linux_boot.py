#!/usr/bin/env python3
"""Linux boot to init on Debian's OpenSBI fw_jump: stepvisor against QEMU,
measured alternately in the same run, until the initramfs' /init prints
"stepvisor: hello from /init". Prints each side's wall and CPU seconds, the
ratio, and the machine's load (the host is shared, so figures are noisy).
Never fails on speed; skipped (77) without the kernel or the packages.

usage: linux_boot.py STEPVISOR [QEMU]
  STEPVISOR_LINUX_IMAGE, STEPVISOR_LINUX_INITRD: the kernel and its initramfs
  (tests/linux/kernels.sh builds them)
"""
import os
import resource
import subprocess
import sys
import time

FW = "/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.bin"
MARK = b"stepvisor: hello from /init"
stepvisor = sys.argv[1]
qemu = sys.argv[2] if len(sys.argv) > 2 else None
image = os.environ.get("STEPVISOR_LINUX_IMAGE", "")
initrd = os.environ.get("STEPVISOR_LINUX_INITRD", "")
if not (os.path.isfile(image) and os.path.isfile(initrd) and os.path.exists(FW)):
    print("linux-boot: skipped: set STEPVISOR_LINUX_IMAGE and STEPVISOR_LINUX_INITRD; install opensbi")
    sys.exit(77)


def children_cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def until_mark(cmd):
    """Wall and CPU seconds from start to the init's line (the process is then killed)."""
    c0 = children_cpu()
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    seen = b""
    while MARK not in seen:
        b = p.stdout.read1(4096)
        if not b:
            break
        seen = seen[-4096:] + b
    wall = time.perf_counter() - t0
    p.kill()
    p.wait()
    if MARK not in seen:
        sys.exit(f"linux-boot: {cmd[0]} ended before /init ran")
    return wall, children_cpu() - c0


append = "console=ttyS0 earlycon"
sv_cmd = [stepvisor, "run", "--bios", FW, "--kernel", image, "--initrd", initrd, "--append", append]
q_cmd = [qemu, "-M", "virt", "-m", "256M", "-nographic", "-bios", FW, "-kernel", image, "-initrd", initrd,
         "-append", append] if qemu and os.path.exists(qemu) else None
print(f"load before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
for round_ in range(2):
    sw, sc = until_mark(sv_cmd)
    line = f"round {round_ + 1}: stepvisor wall {sw:6.2f} s cpu {sc:6.2f} s"
    if q_cmd:
        qw, qc = until_mark(q_cmd)
        line += f" | qemu wall {qw:6.2f} s cpu {qc:6.2f} s | stepvisor/qemu wall {sw / qw:.2f} cpu {sc / qc:.2f}"
    print(line, flush=True)
print(f"load after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
