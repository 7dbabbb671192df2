#!/usr/bin/env python3
"""Inputs beyond ELF files, fuzzed from a seed: the debugger's command
language, GUI scripts, --vm specs, snapshots and the management socket (QMP).

Each seed makes one input of each kind asked for, mostly bad: words of the
language with random, huge, negative, empty or binary arguments, spec
options out of range, snapshots with bytes flipped, cut or (the payload
decompressed, changed, compressed again with its CRC-32 made right)
rewritten inside, QMP messages of any JSON shape, garbage and deep nesting.
A finding is a crash, a sanitizer report, a hang (no answer in the time
bound), an exit outside the documented codes, an error that is not one line
(exit 2 with more or less than one line on stderr), a session that does not
go on after a bad command, or a QMP message without a reply.

usage: inputs.py --stepvisor EXE --program ELF [--seeds A:B] [--kinds debug,gui,vm,snapshot,qmp]
Prints `inputs: N inputs (per kind), F findings`; exits 1 when there is a finding.
"""
import argparse
import json
import os
import random
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import time
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "integration"))
import sanitizer  # noqa: E402

DEBUG_WORDS = ["step", "until", "continue", "break", "delete", "regs", "csr", "mem", "pt", "disas", "events", "hart",
               "snapshot", "reverse-step", "reverse", "history", "memhash", "help", "watch", "frobnicate", ""]
UNTIL_KINDS = ["trap", "interrupt", "xret", "priv", "vmexit", "vmentry", "atp", "tlbfill", "wfi", "pc", "nonsense"]
GUI_WORDS = ["screenshot", "dump-state", "key", "click", "click-item", "until", "u", "wait", "reset", "run-for",
             "translate", "select-exit", "select-event", "show", "zoom", "tables", "memory", "goto", "step",
             "continue", "break", "regs", "hart", "bogus"]
GUI_PANELS = ["timeline", "exits", "events", "tables", "translate", "tlb", "memory", "console", "timer", "bus", "plic",
              "log", "integer", "fp", "csrs", "nosuch"]
VM_KEYS = ["mem", "vcpus", "share", "addr", "name", "dev", "bogus", ""]
QMP_COMMANDS = ["qmp_capabilities", "query-status", "query-version", "query-commands", "stop", "cont",
                "system_reset", "system_powerdown", "x-stepvisor-query-harts", "x-stepvisor-console",
                "x-stepvisor-query-vms", "x-stepvisor-vm-pause", "x-stepvisor-vm-resume", "x-stepvisor-vm-reset",
                "x-stepvisor-vm-set-share", "x-stepvisor-vm-set-balloon", "nosuch", ""]
QMP_ARGS = ["uart", "offset", "max-bytes", "vm", "share", "pages", "enable", "x"]


def number(r):
    """A number argument as a user might mistype it."""
    return r.choice(["0", "1", "-1", "7", "0x80000000", "0xffffffffffffffff", "18446744073709551616",
                     "99999999999999999999999", "1e9", "0x", "-0", "+5", "0b101", "08", str(r.getrandbits(64)),
                     hex(r.getrandbits(64)), hex(0x80000000 + r.randrange(0x10000)), "nan", "1.5", ""])


def word(r):
    return r.choice(["x", "ZZZ", "a" * r.randrange(1, 5000), "\t", "\\", "'", '"', "..", "/", "%s%n", "\u00e9",
                     bytes(r.getrandbits(8) for _ in range(8)).decode("latin-1")])


def arg(r):
    return number(r) if r.random() < 0.6 else word(r)


class Inputs:
    def __init__(self, a):
        self.a = a
        self.tmp = tempfile.mkdtemp(prefix="stepvisor-inputs-")
        self.findings = []
        self.counts = {}
        self.good_snapshot = None
        self.gui = None

    def path(self, name):
        return os.path.join(self.tmp, name)

    def write(self, name, data):
        with open(self.path(name), "wb") as f:
            f.write(data if isinstance(data, bytes) else data.encode("utf-8", "surrogateescape"))
        return self.path(name)

    def run(self, argv, seconds, wrap=()):
        """(exit code or None on a hang, stdout, stderr)."""
        try:
            # In the scratch folder: script commands write files (dump-state, screenshot) where they are told.
            r = subprocess.run([*wrap, os.path.abspath(self.a.stepvisor), *argv], stdin=subprocess.DEVNULL,
                               capture_output=True, timeout=seconds, cwd=self.tmp)
            return r.returncode, r.stdout.decode(errors="replace"), r.stderr.decode(errors="replace")
        except subprocess.TimeoutExpired:
            return None, "", ""

    def finding(self, kind, seed, what, detail, input_path=None):
        keep = ""
        if input_path:
            os.makedirs(self.a.keep_dir, exist_ok=True)
            keep = os.path.join(self.a.keep_dir, f"{kind}-{seed}" + os.path.splitext(input_path)[1])
            shutil.copy(input_path, keep)
        self.findings.append((kind, seed, what))
        print(f"FINDING {kind} seed {seed}: {what}: {detail[:300]}" + (f" (input kept as {keep})" if keep else ""),
              flush=True)

    def judge(self, kind, seed, rc, out, err, ok_codes, input_path=None, extra=None):
        """The common verdict: a sanitizer report, a hang, a signal, an undocumented exit, a many-line error."""
        rep = sanitizer.report(err)
        lines = [l for l in err.splitlines() if l.strip()]
        if rep:
            self.finding(kind, seed, "sanitizer", rep, input_path)
        elif rc is None:
            self.finding(kind, seed, "hang", "no answer in the time bound", input_path)
        elif rc < 0:
            self.finding(kind, seed, f"crash (signal {-rc})", err[-300:], input_path)
        elif rc == 2 and len(lines) != 1:
            self.finding(kind, seed, "error not one line", repr(err[-300:]), input_path)
        elif rc not in ok_codes:
            self.finding(kind, seed, f"exit {rc}", err[-300:], input_path)
        elif extra:
            problem = extra(rc, out, err)
            if problem:
                self.finding(kind, seed, problem, err[-300:] or out[-300:], input_path)

    # -- the debugger's command language

    def debug_line(self, r):
        w = r.choice(DEBUG_WORDS)
        if w == "until":
            return f"until {r.choice(UNTIL_KINDS)} {arg(r) if r.random() < 0.5 else ''}"
        if w == "snapshot":
            # files only in the scratch folder: mutated ones, missing ones, the folder itself
            f = r.choice([self.path("s.snap"), self.path("nosuch/x.snap"), self.tmp, "/dev/null", self.path("bad.snap")])
            return f"snapshot {r.choice(['save', 'load', 'frob', ''])} {f}"
        if w == "reverse":
            return "reverse " + r.choice(["until trap", "until pc " + number(r), "until " + word(r), word(r)])
        n = r.choice([0, 1, 1, 2, 3])
        return " ".join([w] + [arg(r) for _ in range(n)])

    def debug(self, seed):
        r = random.Random(f"debug:{seed}")
        lines = [self.debug_line(r) for _ in range(r.randrange(1, 25))]
        if self.good_snapshot and r.random() < 0.3:
            self.write("bad.snap", self.mutate_snapshot(r))
        cmds = self.write(f"debug-{seed}.cmd", "\n".join(lines) + "\nregs\nquit\n")

        def went_on(rc, out, err):
            if rc == 0 and "> regs" not in out:
                return "the session did not go on to the end"
            if len(out) > 4 << 20:
                return f"{len(out)} bytes of output"
            return None
        rc, out, err = self.run(["debug", "--max-insns", "200000", "--timeout", "5", "--commands", cmds,
                                 self.a.program], 60)
        self.judge("debug", seed, rc, out, err, (0, 3), cmds, went_on)

    # -- GUI scripts (under Xvfb)

    def gui_script(self, seed):
        if self.gui is None:
            built = "built without the GUI" not in subprocess.run([self.a.stepvisor, "gui", "--help"],
                                                                   capture_output=True, text=True).stderr
            self.gui = built and shutil.which("xvfb-run") is not None
        if not self.gui:
            return False
        r = random.Random(f"gui:{seed}")
        lines = []
        for _ in range(r.randrange(1, 12)):
            w = r.choice(GUI_WORDS)
            if w in ("show", "tables", "memory"):
                lines.append(f"{w} {r.choice(GUI_PANELS)} {arg(r) if r.random() < 0.3 else ''}")
            elif w == "screenshot":
                lines.append(f"screenshot {r.choice([self.path('g.png'), self.path('no/such.png'), self.tmp])}")
            elif w in ("wait", "run-for"):
                lines.append(f"{w} {r.choice(['0', '1', '5', '-1', 'x', '100001', number(r)])}")
            else:
                lines.append(" ".join([w] + [arg(r) for _ in range(r.choice([0, 1, 2]))]))
        script = self.write(f"gui-{seed}.gui", "\n".join(lines) + "\nquit\n")
        rc, out, err = self.run(["gui", "--exit-after-script", "--max-insns", "200000", "--timeout", "10",
                                 "--script", script, self.a.program], 120, wrap=["xvfb-run", "-a"])
        if "xvfb-run: error" in err:   # Xvfb's own set-up, not stepvisor's
            rc, out, err = self.run(["gui", "--exit-after-script", "--max-insns", "200000", "--timeout", "10",
                                     "--script", script, self.a.program], 120, wrap=["xvfb-run", "-a"])
        self.judge("gui", seed, rc, out, err, (0, 1, 3), script)
        return True

    # -- --vm specs

    def vm(self, seed):
        r = random.Random(f"vm:{seed}")
        image = r.choice([self.a.program, self.path("raw.bin"), self.path("nosuch"), self.tmp, "", "/dev/null"])
        opts = []
        for _ in range(r.randrange(0, 5)):
            k = r.choice(VM_KEYS)
            v = {"mem": lambda: r.choice(["1M", "16M", "4K", "1G", "2G", "0", "3M", "1048577", "99999999999G", "xM"]),
                 "vcpus": lambda: r.choice(["1", "4", "0", "5", "-1"]),
                 "share": lambda: r.choice(["1", "100", "0", "101", "abc"]),
                 "dev": lambda: r.choice(["uart", "vf", "uart+vf", "disk", "", "+"]),
                 "name": lambda: r.choice(["a", "x" * 15, "x" * 16, "a,b", "\u00e9"])}.get(k, lambda: arg(r))()
            opts.append(f"{k}={v}" if r.random() < 0.9 else k)
        specs = [",".join([image] + opts)]
        if r.random() < 0.3:
            specs.append(",".join([self.a.program] + opts[:1]))
        argv = ["hv", "--max-insns", "300000", "--timeout", "10"]
        for s in specs:
            argv += ["--vm", s]
        rc, out, err = self.run(argv, 60)
        self.judge("vm", seed, rc, out, err, (0, 1, 2, 3, 4), None)
        if self.findings and self.findings[-1][:2] == ("vm", seed):
            print(f"  stepvisor {' '.join(repr(x) if ' ' in x or not x else x for x in argv)}")

    # -- snapshots

    def make_snapshot(self):
        cmds = self.write("save.cmd", f"step 5000\nsnapshot save {self.path('good.snap')}\nquit\n")
        subprocess.run([self.a.stepvisor, "debug", "--commands", cmds, self.a.program], capture_output=True, timeout=60)
        with open(self.path("good.snap"), "rb") as f:
            self.good_snapshot = f.read()

    def mutate_snapshot(self, r):
        good = self.good_snapshot
        head, body = good[:32], good[32:]
        k = r.random()
        if k < 0.25:    # the file's bytes: flipped, cut, grown
            b = bytearray(good)
            for _ in range(r.randrange(1, 8)):
                b[r.randrange(len(b))] ^= 1 << r.randrange(8)
            return bytes(b[:r.randrange(len(b) + 1)] if r.random() < 0.3 else b)
        if k < 0.35:    # the header's fields
            b = bytearray(good)
            at = r.choice([8, 12, 16, 24])
            b[at:at + (4 if at < 16 else 8)] = r.getrandbits(64).to_bytes(8, "little")[:4 if at < 16 else 8]
            return bytes(b)
        # inside the payload, with a CRC and sizes that match
        payload = bytearray(zlib.decompress(body))
        for _ in range(r.randrange(1, 6)):
            m = r.random()
            at = r.randrange(len(payload))
            if m < 0.4:
                payload[at] ^= 1 << r.randrange(8)
            elif m < 0.7:   # a length or count field made huge
                payload[at:at + 8] = r.choice([(1 << 64) - 1, 1 << 32, 1 << 62, r.getrandbits(64)]).to_bytes(8, "little")
            elif m < 0.85:
                del payload[at:at + r.randrange(1, 64)]
            else:
                payload[at:at] = bytes(r.getrandbits(8) for _ in range(r.randrange(1, 64)))
        if r.random() < 0.2:
            payload = payload[:r.randrange(len(payload))]
        z = zlib.compress(bytes(payload))
        return head[:12] + struct.pack("<IQQ", zlib.crc32(payload), len(payload), len(z)) + z

    def snapshot(self, seed):
        if self.good_snapshot is None:
            self.make_snapshot()
            # the good one, put together again unchanged, must load: the mutator's framing is right
            payload = zlib.decompress(self.good_snapshot[32:])
            z = zlib.compress(payload)
            self.write("same.snap", self.good_snapshot[:12] + struct.pack("<IQQ", zlib.crc32(payload), len(payload), len(z)) + z)
            rc, out, err = self.run(["run", "--restore", self.path("same.snap"), "--max-insns", "10000",
                                     self.a.program], 30)
            if rc not in (0, 3):
                self.finding("snapshot", -1, "the unchanged snapshot re-framed does not load", err)
        r = random.Random(f"snapshot:{seed}")
        snap = self.write(f"snapshot-{seed}.snap", self.mutate_snapshot(r))
        rc, out, err = self.run(["run", "--restore", snap, "--max-insns", "200000", "--timeout", "5",
                                 self.a.program], 60)
        self.judge("snapshot", seed, rc, out, err, (0, 1, 2, 3, 4), snap)

    # -- the management socket

    def qmp_message(self, r):
        k = r.random()
        if k < 0.1:   # garbage, which may be many bare words but opens no string, object or array
            return bytes(b for b in (r.getrandbits(8) for _ in range(r.randrange(1, 200))) if b not in b'"[]{}')
        if k < 0.15:
            depth = r.choice([100, 10000, 200000])
            return (b"[" * depth + b"]" * depth) if r.random() < 0.5 else (b'{"a":' * depth + b"1" + b"}" * depth)
        if k < 0.2:
            return json.dumps(r.choice([[], 1, "execute", None, True, {"execute": 1}, {"execute": []},
                                        {"arguments": {}}])).encode()
        msg = {"execute": r.choice(QMP_COMMANDS)}
        if r.random() < 0.6:
            args = {}
            for _ in range(r.randrange(0, 4)):
                args[r.choice(QMP_ARGS)] = r.choice([0, 1, -1, 2 ** 63, 2 ** 64, -2 ** 63, 1.5, "1", None, [], {},
                                                     True, r.getrandbits(32), "x" * r.randrange(1000)])
            msg["arguments"] = args if r.random() < 0.9 else r.choice([[], 1, "a", None])
        if r.random() < 0.4:
            msg["id"] = r.choice([1, "x", None, [1], {"a": 1}])
        if r.random() < 0.1:
            msg[r.choice(["control", "x", "exec-oob"])] = 1
        return json.dumps(msg).encode()

    def qmp(self, seed):
        r = random.Random(f"qmp:{seed}")
        sock_path = self.path(f"q{seed}.sock")
        argv = ["run", "--mgmt", f"unix:{sock_path}", "--timeout", "60", self.a.program]
        log = self.path(f"qmp-{seed}.log")
        p = subprocess.Popen([self.a.stepvisor, *argv], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                             stderr=open(log, "wb"))
        sent = []
        problem = None
        try:
            c = None
            for _ in range(200):
                try:
                    c = socket.socket(socket.AF_UNIX)
                    c.connect(sock_path)
                    break
                except OSError:
                    c = None
                    time.sleep(0.05)
            if c is None:
                problem = "the socket never came up"
            else:
                c.settimeout(15)
                f = c.makefile("rb")
                f.readline()   # the greeting
                if r.random() < 0.8:
                    c.sendall(b'{"execute": "qmp_capabilities"}\n')
                    f.readline()
                for n in range(r.randrange(1, 30)):
                    m = self.qmp_message(r)
                    sent.append(m)
                    # The message, then one whose reply marks where the message's replies end.
                    c.sendall(m + b'\n{"execute": "query-status", "id": "sync-%d"}\n' % n)
                    replies = []
                    while True:
                        line = f.readline()
                        if not line:
                            problem = "the connection closed"
                            break
                        reply = json.loads(line)
                        if reply.get("id") == f"sync-{n}":
                            break
                        if "event" in reply:
                            continue
                        if not ("return" in reply or "error" in reply):
                            problem = f"a reply that is neither return nor error: {line[:200]!r}"
                            break
                        replies.append(reply)
                    if not problem and not replies and m.strip():
                        problem = "no reply"
                    if problem:
                        break
                if not problem:   # (negotiated again in case it never was: quit needs it)
                    c.sendall(b'{"execute": "qmp_capabilities"}\n{"execute": "quit"}\n')
                c.close()
        except (OSError, ValueError) as e:
            problem = f"{type(e).__name__}: {e}"
        try:
            rc = p.wait(timeout=20)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
            rc = None
        with open(log, "rb") as fl:
            err = fl.read().decode(errors="replace")
        kept = self.write(f"qmp-{seed}.in", b"\n".join(sent) + b"\n")
        if problem and not sanitizer.report(err) and (rc is None or rc >= 0):
            self.finding("qmp", seed, problem, err[-300:], kept)
        else:
            self.judge("qmp", seed, rc, "", err, (0, 3), kept)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--stepvisor", required=True)
    ap.add_argument("--program", required=True, help="an ELF that runs on (a spinning loop)")
    ap.add_argument("--seeds", default="0:20")
    ap.add_argument("--kinds", default="debug,gui,vm,snapshot,qmp")
    ap.add_argument("--keep-dir", default=os.path.join(tempfile.gettempdir(), "stepvisor-inputs-findings"),
                    help="where the inputs of findings are copied")
    ap.add_argument("--label", default="")
    a = ap.parse_args()
    a.program = os.path.abspath(a.program)
    f = Inputs(a)
    with open(f.path("raw.bin"), "wb") as out:
        out.write(b"\x6f\x00\x00\x00")
    first, last = (int(x) for x in a.seeds.split(":"))
    kinds = a.kinds.split(",")
    t0 = time.monotonic()
    try:
        for kind in kinds:
            run = {"debug": f.debug, "gui": f.gui_script, "vm": f.vm, "snapshot": f.snapshot, "qmp": f.qmp}[kind]
            n = 0
            for seed in range(first, last):
                if run(seed) is False:
                    print(f"{kind}: skipped (no GUI in this build, or no xvfb-run)")
                    break
                n += 1
            f.counts[kind] = n
            print(f"{kind}: {n} inputs, {sum(1 for k, _, _ in f.findings if k == kind)} findings", flush=True)
    finally:
        shutil.rmtree(f.tmp, ignore_errors=True)
    label = f" ({a.label})" if a.label else ""
    print(f"inputs{label}: {sum(f.counts.values())} inputs ({', '.join(f'{k} {n}' for k, n in f.counts.items())}), "
          f"{len(f.findings)} findings, {time.monotonic() - t0:.1f} s")
    sys.exit(1 if f.findings else 0)


if __name__ == "__main__":
    main()
