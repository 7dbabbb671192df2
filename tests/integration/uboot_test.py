#!/usr/bin/env python3
"""Debian's OpenSBI (fw_jump) and U-Boot (qemu-riscv64_smode) boot under
stepvisor to U-Boot's prompt; typed commands are answered; `poweroff` ends
the run with exit 0. The expected text comes from the packages themselves
(OpenSBI's banner fields, U-Boot's version string), not from stepvisor.

usage: uboot_test.py STEPVISOR HARTS   (skipped, exit 77, without the packages)
"""
import os
import subprocess
import sys
import threading
import time

FW = "/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.bin"
UBOOT = "/usr/lib/u-boot/qemu-riscv64_smode/u-boot.bin"
stepvisor, harts = sys.argv[1], sys.argv[2]
if not (os.path.exists(FW) and os.path.exists(UBOOT)):
    print(f"skipped: install Debian's opensbi and u-boot-qemu ({FW}, {UBOOT})")
    sys.exit(77)

p = subprocess.Popen([stepvisor, "run", "--stdin", "--stats", "--harts", harts, "--isa", "rv64gch",
                      "--bios", FW, "--kernel", UBOOT, "--timeout", "240"],
                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
out = bytearray()
lock = threading.Lock()


def reader():
    while True:
        b = p.stdout.read(1)
        if not b:
            return
        with lock:
            out.extend(b)


threading.Thread(target=reader, daemon=True).start()


def wait_for(text, after=0, timeout=240):
    t0 = time.time()
    while time.time() - t0 < timeout:
        with lock:
            i = out.find(text.encode(), after)
        if i >= 0:
            return i + len(text)
        if p.poll() is not None:
            break
        time.sleep(0.05)
    with lock:
        tail = out[-2000:].decode(errors="replace")
    sys.exit(f"FAIL: did not see {text!r}\n--- console tail ---\n{tail}")


def send(text):
    p.stdin.write(text.encode())
    p.stdin.flush()


pos = wait_for("Hit any key to stop autoboot")
send("\n")  # stop the countdown
pos = wait_for("=> ", pos)
send("version\n")
pos = wait_for("U-Boot 2023", pos)
pos = wait_for("=> ", pos)
send("poweroff\n")
rc = p.wait(timeout=120)
stderr = p.stderr.read().decode(errors="replace")
text = out.decode(errors="replace")
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
