#!/usr/bin/env python3
"""Passed-through devices' interrupts on an AIA machine with more such VMs
than IMSIC guest interrupt files (stepvisor hv --aia aplic-imsic).

usage: hv_aia_devices_test.py STEPVISOR TICKER.elf IRQ.elf SMP.elf IRQ.c

The guest irq sends a line through each device hv passed through to it
(the machine's second UART; an SR-IOV VF, two lines: before its timers and
at the end), one byte per interrupt of that device (firmware/guests/irq.c). Each run has VMs asking for devices and
fewer guest files than VMs; hv/aia.c gives files to VMs in their order
while all their vCPUs fit. Checked per run, for every VM with a device:
the guest took one interrupt a byte and one more (the last ready-to-send)
for each whole line, which the device sent; a VM with files took them as
MSIs straight into its file ("through the IMSIC"); one without took them
through its vPLIC, and hv's own figures account for each of them, either
as an MSI into hv's own S-level interrupt file (injected with hvip.VSEIP)
or as one taken from a guest file hv gave the VM later, after the VM that
held it stopped. Runs:
  holder-outlives  ticker holds the one file and stops last: every device
                   interrupt of the others goes through hv's own file;
  holder-stops     the first irq VM holds the file (its UART's MSIs into
                   it) and stops first: the file is given to a VM without,
                   whose VF's interrupts then come from the guest file;
  two-harts        holder-outlives on 2 harts;
  two-files        2 files on 1 hart: ticker's and one for the first irq VM,
                   which stops first: the others take its file in turn;
  moving           2 harts with 2 files each, a VM with files and smp with
                   two: the others take files left on either hart, moving
                   with their vCPUs, and come back to hv's file;
  plic             the same VMs on a PLIC machine: everything through hv.
Skipped (77) without Debian's OpenSBI.
"""
import os
import re
import subprocess
import sys

FW = '/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.bin'
stepvisor, ticker, irq, smp, irq_src = sys.argv[1:6]
if not os.path.exists(FW):
    print('skipped: %s not found (Debian package opensbi)' % FW)
    sys.exit(77)

src = open(irq_src).read()
TEXT = {'UART': re.findall(r'tx1 = \{UART1, UART1_IRQ, false, "([^"\\]*)\\n"', src),
        'VF': re.findall(r'tx[23] = \{VF, VF_IRQ, true, "([^"\\]*)\\n"', src)}
DEVICE = {'uart': ('passed-through UART', 'UART'), 'vf': ('SR-IOV VF', 'VF')}


def run(args):
    p = subprocess.run([stepvisor, 'hv', '--demo-devices', '--max-insns', '1000000000'] + args, stdin=subprocess.DEVNULL,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=300)
    return p.returncode, p.stdout.decode(errors='replace').replace('\r', '')


def vm_args(vms):
    out = []
    for name, image, dev in vms:
        out += ['--vm', '%s,mem=2M,name=%s' % (image, name) + (',dev=' + dev if dev else '') +
                (',vcpus=2' if image == smp else '')]
    return out


def check(tag, args, vms, want):
    """want(name) -> 'imsic' | 'hv' | 'later' | 'any' (hv's file or a guest file) | 'plic'
    for each VM with a device."""
    problems = []
    rc, out = run(args + vm_args(vms))
    if rc != 0:
        problems.append('exit status %d' % rc)
    lines = out.split('\n')
    label = {m.group(2): m.group(1) for m in (re.match(r"hv: (vm\d+) '(\w+)':", l) for l in lines) if m}
    stop_at = {n: next((i for i, l in enumerate(lines) if l.startswith('hv: %s stopped:' % label.get(n, '?'))), None)
               for n, _, _ in vms}
    for name, _, dev in vms:
        if not dev:
            continue
        vm = label.get(name)
        if vm is None:
            problems.append('%s: no VM' % name)
            continue
        kind = want(name)
        device, key = DEVICE[dev]
        texts = TEXT[key]
        via = 'IMSIC' if kind == 'imsic' else 'PLIC'
        got = [m for m in (re.match(r'\[%s\] irq: (\d+) interrupts from the %s through the (\w+) for (\d+) bytes$'
                                    % (vm, re.escape(device)), l) for l in lines
                           if l.startswith('[%s] irq: ' % vm) and device in l) if m]
        if len(got) != len(texts):
            problems.append('%s (%s): %d lines of its %s\'s interrupts, expected %d' % (vm, name, len(got), device, len(texts)))
            continue
        n = 0
        for m, text in zip(got, texts):
            line_n, path, sent = int(m.group(1)), m.group(2), int(m.group(3))
            n += line_n
            if (line_n, path, sent) != (len(text) + 2, via, len(text) + 1):
                problems.append('%s (%s): %d interrupts through the %s for %d bytes, expected %d through the %s for %d'
                                % (vm, name, line_n, path, sent, len(text) + 2, via, len(text) + 1))
        whole = ''.join(t + '\n' for t in texts)
        if not re.search(r'^stepvisor: %s sent: %s' % ('the second UART' if dev == 'uart' else r'SR-IOV VF \d+',
                                                      re.escape(whole)), out, re.M):
            problems.append('%s (%s): the %s did not send %r' % (vm, name, device, whole))
        figures = re.search(r"^hv: %s: device interrupts: (\d+) through hv's interrupt file \(hvip.VSEIP\), "
                            r"(\d+) from a guest interrupt file$" % vm, out, re.M)
        if kind in ('imsic', 'plic'):
            if figures:
                problems.append('%s (%s): hv reported %r, yet it %s' % (vm, name, figures.group(0),
                                'has guest files' if kind == 'imsic' else 'is on a PLIC machine'))
            continue
        if not figures:
            problems.append('%s (%s): hv did not report its device interrupts' % (vm, name))
            continue
        by_hv, by_file = int(figures.group(1)), int(figures.group(2))
        if by_hv + by_file != n:
            problems.append('%s (%s): hv took %d + %d of its %d interrupts' % (vm, name, by_hv, by_file, n))
        given = any(l.startswith('hv: %s: guest interrupt file ' % vm) and l.endswith("devices' MSIs go into it")
                    for l in lines)
        if kind == 'hv' and (by_file or given):
            problems.append('%s (%s): %d from a guest file, which was never free' % (vm, name, by_file))
        if kind == 'later' and not (by_file and given):
            problems.append('%s (%s): no guest file given later (%d from one)' % (vm, name, by_file))
    if problems:
        print('--- %s: %s\n%s--- end' % (tag, ' '.join(args), out))
    return ['%s: %s' % (tag, p) for p in problems], stop_at


problems = []
aia1 = ['--aia', 'aplic-imsic', '--aia-guests', '1']
outlives = [('ticker', ticker, ''), ('a', irq, 'uart'), ('b', irq, 'vf'), ('c', irq, 'vf')]
found, stop_at = check('holder-outlives', aia1, outlives, lambda n: 'hv')
problems += found
if stop_at['ticker'] is not None and any(stop_at[n] is None or stop_at[n] > stop_at['ticker'] for n in 'abc'):
    problems.append('holder-outlives: ticker, which holds the file, stopped before the others')
stops = [('a', irq, 'uart'), ('b', irq, 'vf'), ('c', irq, 'vf')]
problems += check('holder-stops', aia1, stops, lambda n: 'imsic' if n == 'a' else 'later')[0]
problems += check('two-harts', ['--harts', '2'] + aia1, outlives, lambda n: 'hv')[0]
two = [('ticker', ticker, ''), ('a', irq, 'vf'), ('b', irq, 'uart'), ('c', irq, 'vf')]
problems += check('two-files', ['--aia', 'aplic-imsic', '--aia-guests', '2'], two,
                  lambda n: 'imsic' if n == 'a' else 'later')[0]
# 2 harts, 2 files each, smp's two vCPUs and ticker with files: the others
# take the files left on either hart as their vCPUs move (either way).
many = outlives + [('d', irq, 'vf'), ('s', smp, '')]
problems += check('moving', ['--harts', '2', '--aia', 'aplic-imsic', '--aia-guests', '2'], many,
                  lambda n: 'imsic' if n == 'a' else 'any')[0]
problems += check('plic', [], outlives, lambda n: 'plic')[0]
for p in problems:
    print('FAIL', p)
if not problems:
    print('ok: every VM\'s device interrupts arrived, by the path expected')
sys.exit(1 if problems else 0)
