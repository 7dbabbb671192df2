#!/usr/bin/env python3
"""The gdb stub at the protocol level (the GDB remote serial protocol as its
manual defines it): malformed and unknown packets get error or empty replies
and the connection stays up, Ctrl-C stops a running machine, the run limits
hold with a debugger attached or awaited.

usage: gdb_protocol_test.py STEPVISOR ELF   (ELF: a self-test that loops long enough)
"""
import socket
import subprocess
import sys
import time

stepvisor, elf = sys.argv[1:3]
failures = []


def check(cond, what, detail=""):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        print("  " + str(detail).replace("\n", "\n  "))
        failures.append(what)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(*extra):
    port = free_port()
    p = subprocess.Popen([stepvisor, "run", "-S", "--gdb", str(port), *extra, elf],
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    for _ in range(100):
        try:
            return p, socket.create_connection(("127.0.0.1", port), timeout=10)
        except OSError:
            time.sleep(0.05)
    raise SystemExit("stepvisor never listened")


def frame(payload):
    return b"$" + payload + b"#%02x" % (sum(payload) & 0xff)


class Conn:
    def __init__(self, s):
        self.s, self.buf = s, b""

    def raw(self, data):
        self.s.sendall(data)

    def read_packet(self):
        """The next $...#xx from the stub (acks skipped), unescaped."""
        while True:
            start = self.buf.find(b"$")
            end = self.buf.find(b"#", start + 1) if start >= 0 else -1
            if start >= 0 and end >= 0 and len(self.buf) >= end + 3:
                body = self.buf[start + 1:end]
                self.buf = self.buf[end + 3:]
                return body.decode()
            chunk = self.s.recv(65536)
            if not chunk:
                raise EOFError("connection closed")
            self.buf += chunk

    def ask(self, payload):
        self.raw(frame(payload.encode() if isinstance(payload, str) else payload))
        return self.read_packet()

    def acks(self, wait=0.5):
        self.s.settimeout(wait)
        try:
            self.buf += self.s.recv(65536)
        except socket.timeout:
            pass
        self.s.settimeout(10)
        a = self.buf
        self.buf = b""
        return a


p, s = start("--timeout", "60")
c = Conn(s)
check(c.ask("?").startswith("T05thread:1;"), "? : stopped before the first instruction, hart 0 = thread 1")
c.acks()
c.raw(b"$g#00")  # wrong checksum
check(b"-" in c.acks(), "a packet with a wrong checksum is refused with '-'")
c.raw(b"garbage+++")
check(c.ask("?").startswith("T05"), "bytes outside packets are ignored")
replies = {
    "vMustReplyEmpty": "",
    "qNoSuchQuery": "",
    "Z9,1000,4": "",
    "m": "E01",
    "mzz,4": "E01",
    "m1000": "E01",
    "m7fff0000,4": "E14",        # nothing there
    "M1000,2:abc": "E01",        # odd hex
    "M1000,4:aabb": "E01",       # length does not match
    "X1000,4:ab": "E01",
    "p": "E01",
    "pzz": "E01",
    "p1fff": "E02",              # no such register
    "P20": "E01",
    "P0=zz": "E01",
    "P1042=0100000000000000": "E02",  # priv is read-only
    "Hg99": "E01",
    "Hx1": "E01",
    "T5": "E01",
    "qXfer:features:read:other.xml:0,100": "E00",
    "qXfer:features:read:target.xml:zz": "E01",
    "qThreadExtraInfo,7": "E01",
    "qRcmd,zz": "E01",
    "vCont;x": "E01",
    "vCont;": "E01",
    "vCont;c:99": "E01",
    "z0,1000,4": "E01",          # no breakpoint there
    "z2,80000000,8": "E01",      # no watchpoint there
    "Z2,80000000,0": "E01",      # zero length
    "G00": "E01",
    "c zz": "E01",
    "bs": "T05thread:1;replaylog:begin;",  # nothing has run: the start of the history
    "bx": "",                    # no such b packet
}
for pkt, want in replies.items():
    got = c.ask(pkt)
    check(got == want, f"{pkt!r} -> {want!r}", f"got {got!r}")
c.raw(b"$" + b"m" * (1 << 21))  # never terminated, longer than any packet
check(b"-" in c.acks(1.0), "an unterminated overlong packet is dropped with '-'")
check(c.ask("qSupported:multiprocess+").startswith("PacketSize="), "qSupported after all of that")
xml = c.ask("qXfer:features:read:target.xml:0,3f00")
check(xml.startswith(("m", "l")) and "org.gnu.gdb.riscv.cpu" in xml, "the target description is served")

# Ctrl-C stops a running machine.
c.raw(frame(b"vCont;c"))
time.sleep(0.3)
c.raw(b"\x03")
stop = c.read_packet()
check(stop.startswith("T02thread:1;"), "Ctrl-C while running: T02 (SIGINT)", stop)
pc1 = c.ask("p20")
check(len(pc1) == 16 and c.ask("p20") == pc1, "stopped: pc does not move", pc1)
check(c.ask("qRcmd," + b"csr mstatus".hex()) is not None, "monitor csr mstatus answers")
c.raw(frame(b"k"))
try:
    out, _ = p.communicate(timeout=20)
except subprocess.TimeoutExpired:
    p.kill()
    out = "(still running)"
check(p.returncode == 0 and "killed from gdb" in out, "k ends the run (exit 0)", out)

# --max-insns holds while gdb runs the machine: gdb sees the run end.
p, s = start("--max-insns", "5000")
c = Conn(s)
c.ask("?")
c.raw(frame(b"c"))
got = []
try:
    while True:
        got.append(c.read_packet())
        if got[-1][:1] in ("X", "W"):
            break
except EOFError:
    pass
out, _ = p.communicate(timeout=20)
msg = bytes.fromhex("".join(g[1:] for g in got if g.startswith("O"))).decode(errors="replace")
check(got and got[-1] == "X18" and "--max-insns" in msg, "--max-insns under gdb: a message, then X18 (SIGXCPU)", got)
check(p.returncode == 3, "and the run exits 3 (a limit)", f"exit {p.returncode}: {out}")

# --timeout holds while stepvisor waits for gdb (-S) that never comes.
port = free_port()
t0 = time.time()
r = subprocess.run([stepvisor, "run", "-S", "--gdb", str(port), "--timeout", "1", elf],
                   capture_output=True, text=True, timeout=30)
check(r.returncode == 3 and "--timeout" in r.stderr and time.time() - t0 < 10,
      "-S with no debugger: --timeout ends the wait (exit 3)", r.stderr)
r = subprocess.run([stepvisor, "run", "--gdb", "0", elf], capture_output=True, text=True, timeout=30)
check(r.returncode == 2 and r.stderr.count("\n") == 1 and "port" in r.stderr, "--gdb 0: a one-line error, exit 2",
      r.stderr)

if failures:
    print(f"{len(failures)} check(s) failed")
    sys.exit(1)
print("all protocol checks passed")
