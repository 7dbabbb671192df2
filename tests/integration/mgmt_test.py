#!/usr/bin/env python3
"""The management socket (--mgmt): QMP as QEMU speaks it, stepvisor's own
commands, and hv's per-VM commands through the management mailbox.

usage: mgmt_test.py STEPVISOR SPIN.elf BEAT.elf HANG.elf FLOOD.elf

Checks, over a Unix socket and over TCP:
- the greeting, capabilities negotiation first (as QEMU), query-status,
  stop/cont with STOP/RESUME events, system_reset with RESET, system_powerdown
  with POWERDOWN, quit with SHUTDOWN; ids echoed;
- bad JSON, non-objects, unknown members, unknown commands and wrong
  arguments get error objects and the connection stays;
- every reply and event has the shape QEMU 7.2's have: the same script is
  sent to qemu-system-riscv64 -qmp unix:...,server,nowait and both answers are
  compared (classes, descriptions, keys and value types), when QEMU is there;
- the socket file is 0600, a stale one is replaced, a live one refused;
  bad --mgmt specs give one line and exit 2;
- several clients at once; a client that never reads does not stall the machine;
- x-stepvisor-query-harts and x-stepvisor-console (a console watched from an
  offset, without being its terminal);
- under hv: x-stepvisor-query-vms (a hung VM seen by its stalled SBI-call
  counter while its run time grows), pause/resume, reset one VM, set a CPU
  share, set a balloon target, errors for a VM that does not exist, and
  system_powerdown through hv (SHUTDOWN from the guest side);
- socat with hand-typed JSON lines gets the same answers.
Parts needing Debian's OpenSBI (hv), QEMU or socat are skipped without them.
"""
import json
import os
import shutil
import socket
import stat
import subprocess
import sys
import tempfile
import time

stepvisor, spin, beat, hang, flood = sys.argv[1:6]
FW = '/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.bin'
problems = []
tmp = tempfile.mkdtemp(prefix='mgmt-test-')


def check(ok, what):
    if not ok:
        problems.append(what)
    return ok


class Qmp:
    """A small QMP client: lines of JSON, replies apart from events."""

    def __init__(self, address, timeout=20):
        deadline = time.time() + timeout
        while True:
            try:
                if isinstance(address, str):
                    self.s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                    self.s.connect(address)
                else:
                    self.s = socket.create_connection(address)
                break
            except OSError:
                if time.time() > deadline:
                    raise
                time.sleep(0.05)
        self.s.settimeout(30)
        self.buf = b''
        self.events = []
        self.greeting = self.read()

    def read(self):
        while b'\n' not in self.buf:
            chunk = self.s.recv(65536)
            if not chunk:
                raise EOFError('connection closed')
            self.buf += chunk
        line, self.buf = self.buf.split(b'\n', 1)
        return json.loads(line)

    def send_raw(self, text):
        self.s.sendall(text.encode() + b'\n')

    def reply(self):
        while True:
            m = self.read()
            if 'event' in m:
                self.events.append(m)
            else:
                return m

    def cmd(self, name, args=None, **extra):
        req = {'execute': name}
        if args is not None:
            req['arguments'] = args
        req.update(extra)
        self.send_raw(json.dumps(req))
        return self.reply()

    def wait_event(self, name, timeout=20):
        end = time.time() + timeout
        while time.time() < end:
            for e in self.events:
                if e['event'] == name:
                    self.events.remove(e)
                    return e
            self.s.settimeout(max(0.1, end - time.time()))
            try:
                self.events.append(self.read())
            except socket.timeout:
                break
            finally:
                self.s.settimeout(30)
        return None

    def close(self):
        self.s.close()


# The script both QEMU and stepvisor answer: (raw text, what it tests).
SCRIPT = [
    ('{"execute": "query-status"}', 'a command before negotiation'),
    ('{"execute": "qmp_capabilities"}', 'negotiation'),
    ('{"execute": "qmp_capabilities"}', 'negotiation twice'),
    ('{"execute": "query-status"}', 'status, running'),
    ('{"execute": "stop", "id": "s1"}', 'stop with an id'),
    ('{"execute": "query-status", "id": {"n": [1, 2]}}', 'status, paused, object id'),
    ('{"execute": "cont"}', 'cont'),
    ('{"execute": "nosuch", "id": 3}', 'unknown command with an id'),
    ('{"execute": "stop", "arguments": {"x": 1}}', 'unexpected argument'),
    ('[1]', 'not an object'),
    ('"text"', 'a string'),
    ('{"foo": 1}', 'unknown member'),
    ('{"arguments": {}}', 'no execute'),
    ('{"execute": 5}', 'execute not a string'),
    ('{"execute": "stop", "arguments": 5}', 'arguments not an object'),
    ('bad', 'not JSON'),
    ('{"execute": "stop",}', 'broken JSON'),
    ('{"execute": "query-status", "control": 1}', 'another unknown member'),
    ('{"execute": "system_reset"}', 'reset'),
    ('{"execute": "system_powerdown", "id": 7}', 'powerdown'),
    ('{"execute": "query-version"}', 'version'),
    ('{"execute": "quit"}', 'quit'),
]


def run_script(client):
    """Every message after each text, until its reply (events included)."""
    out = []
    for text, what in SCRIPT:
        client.send_raw(text)
        msgs = []
        while True:
            m = client.read()
            msgs.append(m)
            if 'event' not in m:
                break
        if text == '{"execute": "quit"}':
            # QEMU may send SHUTDOWN before or after the reply; take what follows too.
            client.s.settimeout(2)
            try:
                while True:
                    msgs.append(client.read())
            except (EOFError, socket.timeout, OSError):
                pass
        out.append((what, msgs))
    return out


def shape(v, key=None):
    """What must agree with QEMU: exact text for classes, descriptions,
    event names, statuses and reasons; types for the rest."""
    if isinstance(v, dict):
        return {k: shape(x, k) for k, x in v.items()}
    if isinstance(v, list):
        return [shape(x) for x in v]
    if key in ('class', 'event', 'status', 'reason', 'guest', 'running', 'singlestep', 'id'):
        return v
    if key == 'desc':
        return v if not v.startswith('JSON parse error') else 'JSON parse error'
    if key in ('package', 'micro', 'minor', 'major', 'seconds', 'microseconds'):
        return type(v).__name__
    return type(v).__name__


def normalize(msgs):
    events = sorted((shape(m) for m in msgs if 'event' in m), key=lambda e: e['event'])
    others = [shape(m) for m in msgs if 'event' not in m]
    return {'events': events, 'replies': others}


def start(args):
    # Output to files: a pipe nobody reads would stall the machine's console.
    out, err = tempfile.TemporaryFile(dir=tmp), tempfile.TemporaryFile(dir=tmp)
    p = subprocess.Popen([stepvisor] + args, stdin=subprocess.DEVNULL, stdout=out, stderr=err)
    p.files = (out, err)
    return p


def finish(p, timeout=30):
    try:
        p.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait()
        problems.append('stepvisor %s did not end' % ' '.join(p.args[1:3]))
    texts = []
    for f in p.files:
        f.seek(0)
        texts.append(f.read().decode(errors='replace'))
        f.close()
    return p.returncode, texts[0], texts[1]


# ---------------------------------------------------------------- QMP against QEMU

def stepvisor_script(address_arg, connect_to):
    p = start(['run', '--mgmt', address_arg, '--timeout', '60', spin])
    c = Qmp(connect_to)
    answers = run_script(c)
    rc, out, err = finish(p)
    return c.greeting, answers, rc, err


sock = os.path.join(tmp, 'm.sock')
greeting, ours, rc, err = stepvisor_script('unix:' + sock, sock)
check(rc == 0 and 'quit through the management socket' in err, 'run --mgmt: quit should end the run (exit 0), got %d %r' % (rc, err))
check(greeting == {'QMP': {'version': {'qemu': {'micro': 0, 'minor': 1, 'major': 0}, 'package': 'stepvisor 0.1.0'},
                           'capabilities': []}}, 'greeting %r' % greeting)
check(not os.path.exists(sock), 'the socket file should be removed at the end')

qemu = shutil.which('qemu-system-riscv64')
if qemu:
    qsock = os.path.join(tmp, 'q.sock')
    q = subprocess.Popen([qemu, '-M', 'virt', '-display', 'none', '-bios', 'none', '-monitor', 'none',
                          '-qmp', 'unix:%s,server,nowait' % qsock], stdin=subprocess.DEVNULL,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        qc = Qmp(qsock)
        theirs = run_script(qc)
    finally:
        try:
            q.wait(timeout=10)
        except subprocess.TimeoutExpired:
            q.kill()
    check(set(qc.greeting['QMP']) == set(greeting['QMP']) and set(qc.greeting['QMP']['version']) ==
          set(greeting['QMP']['version']), 'greeting keys differ from QEMU\'s: %r vs %r' % (greeting, qc.greeting))
    for (what, mine), (_, qemus) in zip(ours, theirs):
        a, b = normalize(mine), normalize(qemus)
        check(a == b, '%s: stepvisor %r, QEMU 7.2 %r' % (what, mine, qemus))
else:
    print('note: qemu-system-riscv64 not found; replies not compared with QEMU\'s')

for what, msgs in ours:
    for m in msgs:
        if 'event' in m:
            ts = m['timestamp']
            check(abs(ts['seconds'] + ts['microseconds'] / 1e6 - time.time()) < 120 and 0 <= ts['microseconds'] < 10 ** 6,
                  '%s: event timestamp %r is not the wall clock' % (what, ts))

# ---------------------------------------------------------------- the socket itself

# A stale socket file (nobody listens) is replaced; the new one is 0600.
stale = os.path.join(tmp, 'stale.sock')
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(stale)
s.close()
p = start(['run', '--mgmt', 'unix:' + stale, '--timeout', '60', spin])
c = Qmp(stale)
mode = stat.S_IMODE(os.stat(stale).st_mode)
check(mode == 0o600, 'socket mode %o, want 600' % mode)
# A second stepvisor on the same live socket is refused with one line and exit 2.
p2 = subprocess.run([stepvisor, 'run', '--mgmt', 'unix:' + stale, spin], stdin=subprocess.DEVNULL,
                    capture_output=True, timeout=30)
e2 = p2.stderr.decode()
check(p2.returncode == 2 and e2.count('\n') == 1 and 'another program listens' in e2,
      'a live socket should be refused (exit 2, one line), got %d %r' % (p2.returncode, e2))
# Several clients at once, each negotiating for itself; one that never reads stalls nothing.
others = [Qmp(stale) for _ in range(3)]
hog = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
hog.connect(stale)
hog.sendall(b'{"execute":"qmp_capabilities"}\n' + b'{"execute":"x-stepvisor-query-harts"}\n' * 20000)
c.cmd('qmp_capabilities')
h1 = c.cmd('x-stepvisor-query-harts')['return'][0]['instret']
time.sleep(0.5)
h2 = c.cmd('x-stepvisor-query-harts')['return'][0]['instret']
check(h2 > h1, 'the machine should run on while a client reads nothing (instret %d -> %d)' % (h1, h2))
for o in others:
    check(o.cmd('query-status').get('error', {}).get('class') == 'CommandNotFound', 'each client negotiates itself')
    check(o.cmd('qmp_capabilities') == {'return': {}}, 'a second client negotiates')
c.cmd('stop')
for o in others:
    check(o.wait_event('STOP') is not None, 'every negotiated client gets STOP')
r = c.cmd('x-stepvisor-query-harts')['return']
check(len(r) == 1 and set(r[0]) == {'hart', 'pc', 'mode', 'virt', 'wfi', 'cycle', 'instret'} and r[0]['mode'] == 'M'
      and r[0]['pc'] in (0x80000000, 0x80000002, 0x80000004), 'query-harts: %r' % r)
time.sleep(0.3)
check(c.cmd('x-stepvisor-query-harts')['return'][0]['instret'] == r[0]['instret'], 'stopped: no instructions retire')
check(c.cmd('x-stepvisor-console', {'uart': 1})['error']['desc'].startswith('This machine has no second UART'),
      'uart 1 without --demo-devices')
check(c.cmd('x-stepvisor-query-vms')['error']['desc'].startswith('This machine has no management mailbox'),
      'per-VM commands without hv')
c.cmd('quit')
hog.close()
rc, _, err = finish(p)
check(rc == 0, 'quit: exit %d %r' % (rc, err))

# Bad specs: one line, exit 2.
for spec in ('unix:', 'tcp:10.0.0.1:4444', 'tcp:127.0.0.1:99999', 'pipe:x', 'tcp:127.0.0.1'):
    r = subprocess.run([stepvisor, 'run', '--mgmt', spec, spin], capture_output=True, timeout=30)
    e = r.stderr.decode()
    check(r.returncode == 2 and e.count('\n') == 1 and '--mgmt' in e, '--mgmt %s: exit %d %r' % (spec, r.returncode, e))
notsock = os.path.join(tmp, 'file')
open(notsock, 'w').close()
r = subprocess.run([stepvisor, 'run', '--mgmt', 'unix:' + notsock, spin], capture_output=True, timeout=30)
check(r.returncode == 2 and 'is not a socket' in r.stderr.decode(), 'a regular file is never replaced')

# ---------------------------------------------------------------- TCP, the console, hv

if not os.path.exists(FW):
    print('skipped: hv parts (%s not found, Debian package opensbi)' % FW)
else:
    # hv with three VMs on two harts: a heartbeat, one that hangs with interrupts off, one that floods.
    probe = socket.socket()
    probe.bind(('127.0.0.1', 0))
    port = probe.getsockname()[1]
    probe.close()
    p = start(['hv', '--harts', '2', '--mgmt', 'tcp:127.0.0.1:%d' % port,
               '--timeout', '120', '--vm', beat + ',mem=4M,name=beat', '--vm', hang + ',mem=4M',
               '--vm', flood + ',mem=4M,share=50'])
    c = Qmp(('127.0.0.1', port))
    c.cmd('qmp_capabilities')

    def vms():
        r = c.cmd('x-stepvisor-query-vms')
        if 'error' in r:
            return None
        return r['return']

    def console_text():
        # Reads until a read comes back short: caught up with the console then.
        parts, off = [], 0
        while True:
            r = c.cmd('x-stepvisor-console', {'offset': off, 'max-bytes': 1 << 20})['return']
            parts.append(r['data'])
            off = r['next']
            if len(r['data']) < 1 << 20:
                return ''.join(parts)

    deadline = time.time() + 60
    v = None
    while time.time() < deadline:
        if vms() and 'hang: interrupts off' in console_text():
            v = vms()  # taken after the hang began
            break
        time.sleep(0.2)
    check(v is not None and [x['name'] for x in v] == ['beat', 'hang', 'flood'], 'query-vms: %r' % v)
    if v:
        check(set(v[0]) == {'vm', 'name', 'state', 'vcpus', 'share', 'run-us', 'exits', 'sbi-calls', 'console-bytes',
                            'resets', 'balloon-target', 'balloon-held'}, 'query-vms keys: %r' % v[0])
        check(v[2]['share'] == 50, 'flood asked for 50%%: %r' % v[2])
        # The hang: its SBI calls and console stall while its run time grows.
        time.sleep(0.5)
        w = vms()
        check(w[1]['sbi-calls'] == v[1]['sbi-calls'] and w[1]['console-bytes'] == v[1]['console-bytes'] and
              w[1]['run-us'] > v[1]['run-us'], 'a hung VM: counters stall, run time grows: %r -> %r' % (v[1], w[1]))
        check(w[0]['sbi-calls'] > v[0]['sbi-calls'], 'the heartbeat VM goes on: %r -> %r' % (v[0], w[0]))
        # Watching the console from outside: every beat of vm0 in order so far.
        text = console_text()
        beats = [int(l.split()[2]) for l in text.replace('\r', '').split('\n') if l.startswith('[vm0] beat ')]
        check(beats and beats == list(range(1, len(beats) + 1)), 'vm0 beats seen in the ring: %r' % beats[:20])
        check(w[0]['console-bytes'] > 0, 'console bytes counted')
        # Per-VM commands.
        check(c.cmd('x-stepvisor-vm-reset', {'vm': 1}) == {'return': {}}, 'reset vm1')
        check(c.cmd('x-stepvisor-vm-set-share', {'vm': 2, 'share': 10}, id='share') == {'return': {}, 'id': 'share'},
              'set-share with an id')
        check(c.cmd('x-stepvisor-vm-pause', {'vm': 0}) == {'return': {}}, 'pause vm0')
        p0 = [x for x in vms() if x['vm'] == 0][0]
        time.sleep(0.3)
        p1 = [x for x in vms() if x['vm'] == 0][0]
        check(p0['state'] == 'paused' and p1['sbi-calls'] == p0['sbi-calls'], 'a paused VM does nothing: %r %r' % (p0, p1))
        check(c.cmd('x-stepvisor-vm-resume', {'vm': 0}) == {'return': {}}, 'resume vm0')
        check(c.cmd('x-stepvisor-vm-set-balloon', {'vm': 0, 'pages': 16}) == {'return': {}}, 'set-balloon')
        time.sleep(0.5)
        w = vms()
        check(w[0]['state'] == 'running' and w[0]['sbi-calls'] > p1['sbi-calls'], 'resumed: %r' % w[0])
        check(w[1]['resets'] == 1 and w[1]['sbi-calls'] > 0, 'vm1 was reset and beats again: %r' % w[1])
        check(w[2]['share'] == 10 and w[0]['balloon-target'] == 16, 'share and balloon target set: %r' % w)
        text = console_text().replace('\r', '')
        check('hv: vm1 reset by the management controller' in text and 'hv: vm0 paused by the management controller' in text,
              'hv says what the management controller did')
        after = text.split('hv: vm1 reset by the management controller', 1)[-1]
        check('[vm1] beat 1\n' in after, 'vm1 beats again after its reset')
        # Errors: no such VM, out of range, missing and mistyped arguments.
        errs = [
            (('x-stepvisor-vm-reset', {'vm': 7}), 'hv has no such VM'),
            (('x-stepvisor-vm-set-share', {'vm': 0, 'share': 0}), "Parameter 'share' must be 1..100 (percent of a hart per vCPU)"),
            (('x-stepvisor-vm-pause', {}), "Parameter 'vm' is missing"),
            (('x-stepvisor-vm-pause', {'vm': 'one'}), "Invalid parameter type for 'vm', expected: integer"),
            (('x-stepvisor-vm-pause', {'vm': 0, 'now': True}), "Parameter 'now' is unexpected"),
            (('x-stepvisor-vm-set-balloon', {'vm': 0, 'pages': 1 << 40}), 'hv refused the argument'),
        ]
        for (name, args), desc in errs:
            r = c.cmd(name, args)
            check(r == {'error': {'class': 'GenericError', 'desc': desc}}, '%s %r: %r' % (name, args, r))
        # Stopped, hv cannot answer: an error, not a hang.
        c.cmd('stop')
        r = c.cmd('x-stepvisor-query-vms')
        check(r.get('error', {}).get('desc', '').startswith('The machine is stopped'), 'per-VM while stopped: %r' % r)
        c.cmd('cont')
        # A second client over TCP sees the same consoles from offset 0.
        c2 = Qmp(('127.0.0.1', port))
        c2.cmd('qmp_capabilities')
        r = c2.cmd('x-stepvisor-console', {'offset': 0, 'max-bytes': 100})['return']
        check(r['offset'] == 0 and len(r['data']) == 100 and r['next'] == 100 and r['dropped'] == 0, 'console from 0: %r' % r)
        # The power button under hv: every VM stops, hv powers off, SHUTDOWN from the guest side.
        check(c.cmd('system_powerdown') == {'return': {}}, 'powerdown')
        check(c.wait_event('POWERDOWN') is not None, 'POWERDOWN event')
        e = c2.wait_event('SHUTDOWN', 60)
        check(e is not None and e['data'] == {'guest': True, 'reason': 'guest-shutdown'}, 'SHUTDOWN after powerdown: %r' % e)
    rc, out, err = finish(p, 60)
    check(rc == 0, 'hv --mgmt: exit %d %r' % (rc, err[-300:]))
    check('hv: vm2: CPU share set to 10% of a hart per vCPU by the management controller' in out.replace('\r', ''),
          'hv printed the new share')

    # With the AIA the mailbox's interrupt (its APLIC source) reaches hv as an
    # MSI into hv's own S-level IMSIC file: the same commands work.
    probe = socket.socket()
    probe.bind(('127.0.0.1', 0))
    port = probe.getsockname()[1]
    probe.close()
    p = start(['hv', '--aia', 'aplic-imsic', '--mgmt', 'tcp:127.0.0.1:%d' % port, '--timeout', '120',
               '--vm', beat + ',mem=4M,name=beat'])
    c = Qmp(('127.0.0.1', port))
    c.cmd('qmp_capabilities')
    deadline, v = time.time() + 60, None
    while time.time() < deadline and not v:
        v = vms()
        time.sleep(0.2)
    check(v is not None and [x['name'] for x in v] == ['beat'], 'AIA machine: query-vms: %r' % v)
    check(c.cmd('x-stepvisor-vm-pause', {'vm': 0}) == {'return': {}} and vms()[0]['state'] == 'paused',
          'AIA machine: pause vm0')
    check(c.cmd('system_powerdown') == {'return': {}}, 'AIA machine: powerdown')
    rc, out, err = finish(p, 60)
    check(rc == 0 and 'hv: management mailbox at ' in out, 'AIA machine: hv --mgmt: exit %d %r' % (rc, err[-300:]))

# ---------------------------------------------------------------- socat, hand-typed

socat = shutil.which('socat')
if socat:
    sock = os.path.join(tmp, 's.sock')
    p = start(['run', '--mgmt', 'unix:' + sock, '--timeout', '60', spin])
    for _ in range(200):
        if os.path.exists(sock):
            break
        time.sleep(0.05)
    typed = ('{"execute":"qmp_capabilities"}\n{ "execute" : "query-status" }\n{"execute": "stop"\n}\n'
             '{"execute":"nosuch"}\n{oops}\n{"execute":"cont"}\n{"execute":"quit"}\n')
    r = subprocess.run([socat, '-t', '5', '-', 'UNIX-CONNECT:' + sock], input=typed.encode(), capture_output=True,
                       timeout=30)
    lines = [json.loads(l) for l in r.stdout.decode().splitlines() if l.strip()]
    replies = [l for l in lines if 'event' not in l]
    events = [l['event'] for l in lines if 'event' in l]
    check(len(replies) == 8 and replies[1] == {'return': {}} and
          replies[2] == {'return': {'status': 'running', 'singlestep': False, 'running': True}} and
          replies[4] == {'error': {'class': 'CommandNotFound', 'desc': 'The command nosuch has not been found'}} and
          replies[5]['error']['desc'].startswith('JSON parse error') and replies[7] == {'return': {}},
          'socat transcript: %r' % lines)
    check(events == ['STOP', 'RESUME', 'SHUTDOWN'], 'socat events: %r' % events)
    rc, _, _ = finish(p)
    check(rc == 0, 'socat quit: exit %d' % rc)
else:
    print('note: socat not found; the hand-typed transcript is not checked')

shutil.rmtree(tmp, ignore_errors=True)
if problems:
    print('FAIL:')
    for p_ in problems:
        print('  ' + p_)
    sys.exit(1)
print('ok: QMP over unix and tcp as QEMU answers it, stepvisor\'s commands, hv\'s per-VM commands')
