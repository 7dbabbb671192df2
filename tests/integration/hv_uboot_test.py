#!/usr/bin/env python3
"""Debian's unmodified U-Boot (qemu-riscv64_smode) as a guest of hv:
`stepvisor hv --stdin --vm u-boot.bin,mem=64M,addr=0x80200000` reaches the
`=>` prompt through hv's emulated ns16550a (every register access a trapped
load/store) with the device tree hv writes for the VM; typed `version` is
answered with U-Boot's own version string; `poweroff` (SBI SRST) stops the
VM and hv powers off with exit 0.

usage: hv_uboot_test.py STEPVISOR   (skipped, exit 77, without the packages)
"""
import os
import re
import subprocess
import sys
import threading
import time

FW = '/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.bin'
UBOOT = '/usr/lib/u-boot/qemu-riscv64_smode/u-boot.bin'
stepvisor = sys.argv[1]
if not (os.path.exists(FW) and os.path.exists(UBOOT)):
    print('skipped: install Debian\'s opensbi and u-boot-qemu (%s, %s)' % (FW, UBOOT))
    sys.exit(77)
version = re.search(rb'U-Boot 20\d\d\.[^\0\n]*\)', open(UBOOT, 'rb').read()).group(0).decode()

p = subprocess.Popen([stepvisor, 'hv', '--stdin', '--timeout', '240',
                      '--vm', UBOOT + ',mem=64M,addr=0x80200000'],
                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
out = bytearray()
lock = threading.Lock()


def reader():
    while True:
        b = p.stdout.read(1)
        if not b:
            return
        if b == b'\r':   # the firmware's console sends CR LF
            continue
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
            time.sleep(0.2)
            with lock:
                if out.find(text.encode(), after) >= 0:
                    return out.find(text.encode(), after) + len(text)
            break
        time.sleep(0.05)
    with lock:
        tail = out[-3000:].decode(errors='replace')
    p.kill()
    sys.exit('FAIL: did not see %r\n--- console tail ---\n%s' % (text, tail))


def send(text):
    p.stdin.write(text.encode())
    p.stdin.flush()


at = wait_for('[vm0] ' + version)
at = wait_for('Hit any key to stop autoboot', at)
send('\n')
at = wait_for('[vm0] => ', at)
send('version\n')
at = wait_for('version\n', at)
at = wait_for('[vm0] ' + version, at)
at = wait_for('[vm0] => ', at)
send('poweroff\n')
at = wait_for('hv: vm0 stopped: guest shut down (SBI SRST)', at)
at = wait_for('hv: all VMs have stopped; powering off', at)
rc = p.wait(timeout=60)
with lock:
    text = out.decode(errors='replace')
m = re.search(r'^hv: vm0\s+load guest-page fault \(21\)\s+(\d+)', text, re.M)
if rc != 0 or not m or int(m.group(1)) < 100:
    sys.exit('FAIL: exit %s, UART load exits %s\n%s' % (rc, m and m.group(1), text[-3000:]))
print('ok: U-Boot reached its prompt as a guest and answered `version`')
