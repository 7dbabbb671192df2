#!/usr/bin/env python3
"""`stepvisor hv --vm IMAGE` as users type it:
- a raw image without addr= is placed at GPA 0x80200000 (QEMU virt's -kernel,
  OpenSBI fw_jump), a Linux Image at 0x80000000 + its header's text_offset,
  and hv says so;
- a VM that prints nothing gets a hint on stderr naming load address and entry;
- Debian's U-Boot (qemu-riscv64_smode/u-boot.bin, raw) with no options reaches
  `=>`, and input typed into a pipe (no --stdin) reaches vm0: `version`.

usage: hv_defaults_test.py STEPVISOR   (U-Boot part skipped without the packages)
"""
import os
import re
import struct
import subprocess
import sys
import tempfile

from console_session import ConsoleSession

FW = '/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.bin'
UBOOT = '/usr/lib/u-boot/qemu-riscv64_smode/u-boot.bin'
stepvisor = sys.argv[1]
if not os.path.exists(FW):
    print('skipped: install Debian\'s opensbi (%s)' % FW)
    sys.exit(77)
problems = []
SPIN = struct.pack('<I', 0x0000006f)  # j .

with tempfile.TemporaryDirectory() as d:
    raw = os.path.join(d, 'spin.bin')
    open(raw, 'wb').write(SPIN * 16)
    # Linux Image header (Documentation/riscv/boot-image-header.rst), text_offset 0x400000.
    linux = os.path.join(d, 'Image')
    hdr = struct.pack('<IIQQQIIQ8sI I', 0x6f, 0, 0x400000, 0x10000, 0, 2, 0, 0, b'RISCV\0\0\0', 0x05435352, 0)
    open(linux, 'wb').write(hdr + SPIN * 16)
    r = subprocess.run([stepvisor, 'hv', '--timeout', '8', '--vm', raw, '--vm', linux + ',mem=8M'],
                       stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=120)
    for vm, gpa in (('vm0', '0x80200000'), ('vm1', '0x80400000')):
        if not re.search(r'^hv: %s: image at GPA %s, entry %s,' % (vm, gpa, gpa), r.stdout, re.M):
            problems.append('%s not loaded at %s:\n%s' % (vm, gpa, r.stdout[-1500:]))
        hint = re.search(r"stepvisor: hint: %s '[^']+' has printed nothing in \d+ s; its image is loaded at GPA %s "
                         r"and entered at %s\." % (vm, gpa, gpa), r.stderr)
        if not hint:
            problems.append('no hint for the silent %s in stderr: %r' % (vm, r.stderr))
    if r.returncode != 3:
        problems.append('spinning VMs: exit %d, expected 3 (--timeout)' % r.returncode)

if os.path.exists(UBOOT):
    # A pipe, not a terminal, and no --stdin: typed text must still reach vm0.
    con = ConsoleSession([stepvisor, 'hv', '--timeout', '240', '--vm', UBOOT], drop_cr=True)
    at = con.wait_for('Hit any key to stop autoboot')
    con.send('\n')
    at = con.wait_for('[vm0] => ', at)
    con.send('version\n')
    at = con.wait_for('[vm0] U-Boot 20', at)
    at = con.wait_for('[vm0] => ', at)
    con.send('poweroff\n')
    at = con.wait_for('hv: all VMs have stopped; powering off', at)
    rc, _ = con.wait(timeout=60)
    text = con.text()
    if rc != 0:
        problems.append('U-Boot: exit %d' % rc)
    if 'vm0: image at GPA 0x80200000, entry 0x80200000' not in text:
        problems.append('U-Boot not at 0x80200000')
    if 'ERROR: Out of memory' in text:
        problems.append('U-Boot: %s' % text[-2000:])
else:
    print('skipped part: install u-boot-qemu for %s' % UBOOT)

if problems:
    sys.exit('FAIL:\n' + '\n'.join(problems))
print('ok: raw and Linux Image load addresses, the silent-VM hint, U-Boot to => with piped input')
