#!/usr/bin/env python3
"""Reset to U-Boot's `=>` prompt on Debian's OpenSBI fw_jump + U-Boot:
stepvisor's instructions and host seconds (--stats) against QEMU's wall time
for the same boot, measured in the same run. The autoboot countdown runs
out in both (U-Boot waits two seconds of guest time, then tries to boot
from nothing). Never fails on speed; skipped (77) without the packages.

usage: boot_prompt.py STEPVISOR [QEMU]
"""
import os
import subprocess
import sys
import time

FW = "/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.bin"
UBOOT = "/usr/lib/u-boot/qemu-riscv64_smode/u-boot.bin"
stepvisor = sys.argv[1]
qemu = sys.argv[2] if len(sys.argv) > 2 else None
if not (os.path.exists(FW) and os.path.exists(UBOOT)):
    print("boot-prompt: skipped: Debian's opensbi and u-boot-qemu are not installed")
    sys.exit(77)

print(f"load: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
t0 = time.perf_counter()
p = subprocess.run([stepvisor, "run", "--stats", "--bios", FW, "--kernel", UBOOT,
                    "--until-output", "=> ", "--timeout", "300"], capture_output=True, text=True)
sv_wall = time.perf_counter() - t0
stats = [l for l in p.stderr.splitlines() if l.startswith("stats:")]
if p.returncode != 0 or not stats:
    sys.exit(f"boot-prompt: stepvisor failed (exit {p.returncode}): {p.stderr.strip()}")
print("stepvisor: " + stats[0] + f" wall={sv_wall:.2f}s")

if qemu and os.path.exists(qemu):
    q = subprocess.Popen([qemu, "-M", "virt", "-cpu", "rv64,h=true", "-m", "256M", "-nographic",
                          "-bios", FW, "-kernel", UBOOT], stdout=subprocess.PIPE, stdin=subprocess.PIPE)
    t0 = time.perf_counter()
    seen = b""
    while b"=> " not in seen:
        b = q.stdout.read(1)
        if not b:
            break
        seen = seen[-64:] + b
    q_wall = time.perf_counter() - t0
    q.kill()
    q.wait()
    print(f"qemu:      wall={q_wall:.2f}s (QEMU's timer runs in host time; the countdown is real seconds)")
    print(f"stepvisor/qemu wall ratio: {sv_wall / q_wall:.2f}")
else:
    print("qemu: not installed, no comparison")
