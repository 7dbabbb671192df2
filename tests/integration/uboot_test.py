#!/usr/bin/env python3
"""Debian's OpenSBI (fw_jump) and U-Boot (qemu-riscv64_smode) boot under
stepvisor to U-Boot's prompt; typed commands are answered; `poweroff` ends
the run with exit 0. The expected text comes from the packages themselves
(OpenSBI's banner fields, U-Boot's version string), not from stepvisor.

usage: uboot_test.py STEPVISOR HARTS   (skipped, exit 77, without the packages)
"""
import os
import sys

from console_session import ConsoleSession

FW = "/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.bin"
UBOOT = "/usr/lib/u-boot/qemu-riscv64_smode/u-boot.bin"
stepvisor, harts = sys.argv[1], sys.argv[2]
if not (os.path.exists(FW) and os.path.exists(UBOOT)):
    print(f"skipped: install Debian's opensbi and u-boot-qemu ({FW}, {UBOOT})")
    sys.exit(77)

con = ConsoleSession([stepvisor, "run", "--stdin", "--stats", "--harts", harts,
                      "--bios", FW, "--kernel", UBOOT, "--timeout", "240"])
wait_for, send = con.wait_for, con.send

pos = wait_for("Hit any key to stop autoboot")
send("\n")  # stop the countdown
pos = wait_for("=> ", pos)
send("version\n")
pos = wait_for("U-Boot 2023", pos)
pos = wait_for("=> ", pos)
send("poweroff\n")
rc, stderr = con.wait()
text = con.text()
failures = []
for expected in ["OpenSBI v", "Platform Name", "Domain0 Next Mode         : S-mode",
                 "Boot HART Base ISA        : rv64imafdch", f"Platform HART Count       : {harts}"]:
    if expected not in text:
        failures.append(f"OpenSBI banner lacks {expected!r}")
if rc != 0:
    failures.append(f"exit code {rc} after poweroff (stderr: {stderr.strip()})")
print(text[-1500:])
print(stderr)
for f in failures:
    print("FAIL " + f)
sys.exit(1 if failures else 0)
