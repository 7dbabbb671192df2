#!/usr/bin/env python3
"""A Linux kernel (built by tests/linux/build-kernel.sh, or any kernel for QEMU
virt whose initramfs /init prints "stepvisor: hello from /init, N CPU(s)" and
powers off) boots under Debian's OpenSBI fw_jump on stepvisor with one and with
four harts, and under the project's firmware/sbi with four (its HSM, IPI and
RFENCE are what Linux SMP uses): the init's line names the right number of
CPUs, the kernel reports "reboot: Power down", and the run ends with exit 0
through the poweroff.

usage: linux_test.py STEPVISOR [SBI.elf]
  STEPVISOR_LINUX_IMAGE   the kernel's arch/riscv/boot/Image
  STEPVISOR_LINUX_INITRD  the initramfs cpio
Skipped (exit 77) when either variable is unset or OpenSBI is not installed.
"""
import os
import re
import subprocess
import sys
import threading
import time

FW = "/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.bin"
stepvisor = sys.argv[1]
own_sbi = sys.argv[2] if len(sys.argv) > 2 else ""
image = os.environ.get("STEPVISOR_LINUX_IMAGE", "")
initrd = os.environ.get("STEPVISOR_LINUX_INITRD", "")
if not image or not initrd:
    print("skipped: set STEPVISOR_LINUX_IMAGE and STEPVISOR_LINUX_INITRD to a kernel Image and "
          "its initramfs (tests/linux/build-kernel.sh builds both; see README, Booting Linux)")
    sys.exit(77)
if not os.path.exists(FW):
    print(f"skipped: install Debian's opensbi ({FW})")
    sys.exit(77)
for what, path in [("STEPVISOR_LINUX_IMAGE", image), ("STEPVISOR_LINUX_INITRD", initrd)]:
    if not os.path.isfile(path):
        sys.exit(f"FAIL: {what}={path} is not a file")

failures = []
for fw, harts in [(FW, 1), (FW, 4)] + ([(own_sbi, 4)] if own_sbi else []):
    cmd = [stepvisor, "run", "--stats", "--harts", str(harts),
           "--timeout", "240", "--bios", fw, "--kernel", image, "--initrd", initrd,
           "--append", "console=ttyS0 earlycon"]
    print("$ " + " ".join(cmd), flush=True)
    t0 = time.time()
    p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    chunks = []
    threading.Thread(target=lambda: chunks.append(p.stderr.read()), daemon=True).start()
    # Stop early on a kernel panic (it would spin until --timeout) or a reset.
    own = []
    raw = bytearray()
    while True:
        b = p.stdout.read1(4096)
        if not b:
            break
        raw += b
        if b"Kernel panic" in raw or raw.count(b"OpenSBI v") > 1:
            time.sleep(0.5)
            p.kill()
            raw += p.stdout.read()
            own.append("the kernel panicked" if b"Kernel panic" in raw else "the machine reset")
            break
    p.wait()
    secs = time.time() - t0
    time.sleep(0.1)
    out = raw.decode(errors="replace").replace("\r", "")
    err = b"".join(chunks).decode(errors="replace")
    m = re.search(r"stepvisor: hello from /init, (\d+) CPUs?", out)
    if not m:
        own.append("the init's line 'stepvisor: hello from /init, N CPUs' is missing")
    elif int(m.group(1)) != harts:
        own.append(f"the init sees {m.group(1)} CPUs, expected {harts}")
    if fw == FW and f"Platform HART Count       : {harts}" not in out:
        own.append(f"OpenSBI's banner does not report {harts} harts")
    if fw == own_sbi and "SBI implementation ID=0x5356" not in out:
        own.append("the kernel did not find firmware/sbi (implementation ID 0x5356)")
    if "Linux version" not in out:
        own.append("no 'Linux version' line: the kernel did not start")
    if "reboot: Power down" not in out:
        own.append("no 'reboot: Power down' line")
    if p.returncode != 0:
        own.append(f"exit code {p.returncode}, expected 0 (poweroff)")
    if own:
        print("--- console tail ---\n" + out[-3000:])
    else:
        for line in out.splitlines():
            if "hello from /init" in line or "smp: Brought up" in line or "reboot:" in line:
                print("  " + line)
    stats = [l for l in err.splitlines() if l.startswith("stats:")]
    print(f"  {harts} hart(s): exit {p.returncode} in {secs:.2f} s; {stats[0] if stats else err.strip()}")
    failures += [f"{os.path.basename(fw)}, {harts} hart(s): {f}" for f in own]

for f in failures:
    print("FAIL: " + f)
sys.exit(1 if failures else 0)
