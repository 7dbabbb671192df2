#!/usr/bin/env python3
"""Debian's unmodified U-Boot (qemu-riscv64_smode) as a guest of hv:
`stepvisor hv --stdin --vm u-boot.bin,mem=64M,addr=0x80200000` reaches the
`=>` prompt through hv's emulated ns16550a (every register access a trapped
load/store) with the device tree hv writes for the VM; typed `version` is
answered with U-Boot's own version string; `poweroff` (SBI SRST) stops the
VM and hv powers off with exit 0. Then two U-Boots: input switches between
them with Ctrl-] typed three times, and each answers only what was typed to it.

usage: hv_uboot_test.py STEPVISOR   (skipped, exit 77, without the packages)
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

from console_session import ConsoleSession

FW = '/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.bin'
UBOOT = '/usr/lib/u-boot/qemu-riscv64_smode/u-boot.bin'
stepvisor = sys.argv[1]
if not (os.path.exists(FW) and os.path.exists(UBOOT)):
    print('skipped: install Debian\'s opensbi and u-boot-qemu (%s, %s)' % (FW, UBOOT))
    sys.exit(77)
version = re.search(rb'U-Boot 20\d\d\.[^\0\n]*\)', open(UBOOT, 'rb').read()).group(0).decode()

# One U-Boot: to its prompt, `version`, `poweroff`.
con = ConsoleSession([stepvisor, 'hv', '--stdin', '--timeout', '240',
                      '--vm', UBOOT + ',mem=64M,addr=0x80200000'], drop_cr=True)
wait_for, send = con.wait_for, con.send
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
rc, _ = con.wait(timeout=60)
text = con.text()
m = re.search(r'^hv: vm0\s+load guest-page fault \(21\)\s+(\d+)', text, re.M)
if rc != 0 or not m or int(m.group(1)) < 100:
    sys.exit('FAIL: exit %s, UART load exits %s\n%s' % (rc, m and m.group(1), text[-3000:]))
print('ok: U-Boot reached its prompt as a guest and answered `version`')


def boot_lines(text):
    """vm0's lines up to its autoboot countdown (what follows depends on timing)."""
    out = []
    for line in text.split('\n'):
        if line.startswith('[vm0] Hit any key'):
            break
        if line.startswith('[vm0] '):
            out.append(line)
    return out


stepvisor_boot = boot_lines(text)

# The same set-up on QEMU: `stepvisor hv --qemu-files DIR` writes hv.elf and
# the VM table and prints the QEMU command that loads them; U-Boot must boot
# there to the same lines and answer the same way.
QEMU = shutil.which('qemu-system-riscv64')
if QEMU:
    with tempfile.TemporaryDirectory() as d:
        r = subprocess.run([stepvisor, 'hv', '--qemu-files', d, '--vm', UBOOT + ',mem=64M,addr=0x80200000'],
                           capture_output=True, text=True, timeout=60)
        cmd = r.stdout.split()
        if r.returncode != 0 or not cmd or 'qemu-system-riscv64' not in cmd[0]:
            sys.exit('FAIL: --qemu-files printed %r (exit %d, %s)' % (r.stdout, r.returncode, r.stderr))
        con = ConsoleSession([QEMU] + cmd[1:] + ['-monitor', 'none'], drop_cr=True)
        wait_for, send = con.wait_for, con.send
        at = wait_for('Hit any key to stop autoboot', 0, timeout=120)
        send('\n')
        at = wait_for('[vm0] => ', at)
        send('version\n')
        at = wait_for('[vm0] ' + version, at)
        at = wait_for('[vm0] => ', at)
        send('poweroff\n')
        at = wait_for('hv: all VMs have stopped; powering off', at)
        con.wait(timeout=60)
        qemu_boot = boot_lines(con.text())
    if qemu_boot != stepvisor_boot:
        sys.exit('FAIL: U-Boot printed different lines on QEMU and stepvisor:\n%s\n---\n%s'
                 % ('\n'.join(qemu_boot), '\n'.join(stepvisor_boot)))
    print('ok: the same set-up on QEMU (stepvisor hv --qemu-files): U-Boot printed the same %d lines '
          'and answered `version`' % len(qemu_boot))
else:
    print('note: no qemu-system-riscv64: the QEMU half of this test did not run')

# Two U-Boots: typed input goes to vm0 until Ctrl-] three times moves it to
# vm1 (hv/input.h), and back; each answers the command typed to it alone.
SWITCH = '\x1d' * 3
con = ConsoleSession([stepvisor, 'hv', '--stdin', '--timeout', '240',
                      '--vm', UBOOT + ',mem=64M,addr=0x80200000,name=first',
                      '--vm', UBOOT + ',mem=64M,addr=0x80200000,name=second'], drop_cr=True)
wait_for, send = con.wait_for, con.send
at = wait_for('Hit any key to stop autoboot')
send('\n')
at = wait_for('[vm0] => ', at)
send('echo typed-to-first\n')
at = wait_for('[vm0] typed-to-first\n', at)
send(SWITCH)
at = wait_for("hv: input -> vm1 'second'", at)
at = wait_for('[vm1] => ', at)        # its prompt (after its autoboot found nothing), now that it has the input
send('echo typed-to-second\n')
at = wait_for('[vm1] typed-to-second\n', at)
send(SWITCH)
at = wait_for("hv: input -> vm0 'first'", at)
send('poweroff\n')
at = wait_for('hv: vm0 stopped: guest shut down (SBI SRST)', at)
at = wait_for("hv: input -> vm1 'second'", at)   # the only one left
send('poweroff\n')
at = wait_for('hv: all VMs have stopped; powering off', at)
rc, _ = con.wait(timeout=60)
text = con.text()
problems = []
if rc != 0:
    problems.append('exit %s' % rc)
if '[vm1] typed-to-first' in text or '[vm0] typed-to-second' in text:
    problems.append('a command reached the VM it was not typed to')
if problems:
    sys.exit('FAIL: %s\n%s' % ('; '.join(problems), text[-3000:]))
print('ok: Ctrl-] three times moved the input between two U-Boot guests; each answered its own command')
