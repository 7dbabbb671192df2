#!/usr/bin/env python3
"""`stepvisor hv --vm IMAGE ...`: the embedded hypervisor with the user's
guest images (handed to hv in a VM table in RAM) instead of its built-in VMs.

usage: hv_cli_test.py STEPVISOR UART.elf UART.bin HELLO.bin DEVIO.elf

Checks: an ELF and a raw image (the uart guest, whose every UART access is
trapped and emulated) and hello (raw, small RAM) run as vm0..vm2 with their
names and RAM sizes, print what they print under hv's built-in set-up, and
power off with exit 0; --no-htinst makes hv read every trapped instruction
(HLVX) instead of taking it from htinst; bad input (a missing file, an image
larger than its RAM, an unknown option, a broken ELF) gives exit 2 and one
line on stderr. Skipped (77) without Debian's OpenSBI.
"""
import re
import subprocess
import sys

FW = '/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.bin'
stepvisor, uart_elf, uart_bin, hello_bin, devio_elf = sys.argv[1:6]
problems = []


def run(args, timeout=120):
    p = subprocess.run([stepvisor, 'hv'] + args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=timeout)
    return p.returncode, p.stdout.decode(errors='replace').replace('\r', ''), p.stderr.decode(errors='replace')


def lines_of(out, vm):
    return [l[len(vm) + 3:] for l in out.split('\n') if l.startswith('[%s] ' % vm)]


import os
if not os.path.exists(FW):
    print('skipped: %s not found (Debian package opensbi)' % FW)
    sys.exit(77)

UART = ['uart: a 16550 at 0x10000000 on hart 0', 'uart: divisor 3, scratch 0x5a, IIR 0xc1, MCR 0xb',
        'uart: line 1 of 3', 'uart: line 2 of 3', 'uart: line 3 of 3',
        'uart: 150 loads and 154 stores before this line']
HELLO = ['Hello from a guest kernel on hart 0',
         'SBI specification 2.0, implementation 0x5354, console through DBCN',
         'hello: working, step 1 of 3', 'hello: working, step 2 of 3', 'hello: working, step 3 of 3',
         'hello: goodbye']

for extra, how in (([], 'htinst'), (['--no-htinst'], 'read')):
    rc, out, err = run(extra + ['--vm', uart_elf + ',mem=2M', '--vm', uart_bin + ',addr=0x80100000,name=raw',
                                '--vm', hello_bin + ',mem=1M,addr=0x80000000'])
    where = 'hv %s' % ' '.join(extra)
    if rc != 0:
        problems.append('%s: exit %d, stderr %r' % (where, rc, err))
    if 'hv: 3 VM(s) from the table at 0x84000000' not in out:
        problems.append('%s: hv did not find the VM table' % where)
    for vm, name, kib in (('vm0', 'uart', 2048), ('vm1', 'raw', 65536), ('vm2', 'hello', 1024)):
        if not re.search(r"^hv: %s '%s': %d KiB RAM at GPA 0x80000000" % (vm, name, kib), out, re.M):
            problems.append('%s: no %s named %s with %d KiB' % (where, vm, name, kib))
    for vm, want in (('vm0', UART), ('vm1', UART), ('vm2', HELLO)):
        if lines_of(out, vm) != want:
            problems.append('%s: %s printed %r, expected %r' % (where, vm, lines_of(out, vm), want))
    for vm in ('vm0', 'vm1'):
        m = re.search(r'^hv: %s: 402 UART accesses emulated; instructions decoded from htinst (\d+), '
                      r'read from guest memory (\d+)$' % vm, out, re.M)
        if not m or (how == 'htinst' and m.group(1) != '402') or (how == 'read' and m.group(2) != '402'):
            problems.append('%s: %s: expected 402 UART accesses decoded by %s' % (where, vm, how))
    if problems:
        print(out)

# Bad input: exit 2, one line naming the problem.
open('/tmp/hv_cli_test_big.bin', 'wb').write(b'\x13' * (3 << 20))
open('/tmp/hv_cli_test_bad.elf', 'wb').write(b'\x7fELF' + b'\0' * 12)
for args, text in ((['--vm', '/nonexistent/kernel.bin'], 'No such file or directory'),
                   (['--vm', '/tmp'], '/tmp: is a directory'),
                   (['--vm', '/tmp/hv_cli_test_big.bin,mem=2M'], 'larger than the VM\'s RAM (2097152 bytes)'),
                   (['--vm', hello_bin + ',cpus=2'], 'unknown option'),
                   (['--vm', hello_bin + ',mem=2G'], 'mem must be'),
                   (['--vm', '/tmp/hv_cli_test_bad.elf'], 'hv_cli_test_bad.elf'),
                   (['--vm', hello_bin + ',dev=disk'], 'devices are uart and vf')):
    rc, out, err = run(args)
    if rc != 2 or err.count('\n') != 1 or text not in err:
        problems.append('hv %s: exit %d, stderr %r (expected exit 2 and one line with %r)'
                        % (' '.join(args), rc, err, text))

# dev=: the demo devices mapped straight into VMs. devio (firmware/guests)
# sends its 64 bytes through each path it has; the second UART and each VF
# deliver them whole, and the passed-through UART's interrupt reaches it.
rc, out, err = run(['--demo-devices', '--vm', devio_elf + ',mem=1M,dev=uart+vf', '--vm', devio_elf + ',mem=1M,dev=vf'])
msg = ''.join(chr(ord('a') + i % 26) for i in range(63)) + '\n'
for want, where in (('stepvisor: the second UART sent: ' + msg, err), ('stepvisor: SR-IOV VF 0 sent: ' + msg, err),
                    ('stepvisor: SR-IOV VF 1 sent: ' + msg, err), ('[vm0] devio: devices 0x3', out),
                    ('[vm1] devio: devices 0x2', out), ("interrupt reached this kernel as PLIC source 11", out),
                    ("[vm1] devio: giving its VF page to hv's balloon: -5", out)):
    if rc != 0 or want not in where:
        problems.append('hv --demo-devices dev=: missing %r (exit %d)' % (want, rc))

for p in problems:
    print('FAIL', p)
print('ok' if not problems else '%d problem(s)' % len(problems))
sys.exit(1 if problems else 0)
