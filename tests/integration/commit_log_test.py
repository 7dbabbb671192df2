#!/usr/bin/env python3
"""--log-commits as a user meets it: FILE.gz decompresses (Python's gzip) to
exactly the text FILE holds, a log line per retired instruction in Spike's
shape, the same run gives the same log, and a path that cannot be written is
a one-line error before anything runs.

usage: commit_log_test.py STEPVISOR ELF
"""
import gzip
import os
import re
import subprocess
import sys
import tempfile

stepvisor, elf = sys.argv[1:3]
failures = []


def check(cond, what, detail=""):
    print(("ok   " if cond else "FAIL ") + what + ("" if cond else f"\n  {detail}"))
    if not cond:
        failures.append(what)


def run(*args):
    return subprocess.run([stepvisor, "run", *args], capture_output=True, text=True, timeout=120)


LINE = re.compile(r"^core   0: [013] 0x[0-9a-f]{16} \(0x([0-9a-f]{4}|[0-9a-f]{8})\)"
                  r"(( [xf]\d \s?| [xf]\d\d | c\d+_[a-z0-9]+ )0x[0-9a-f]+)*"
                  r"( mem 0x[0-9a-f]{16})*( mem 0x[0-9a-f]{16} 0x[0-9a-f]+)*$")

with tempfile.TemporaryDirectory() as tmp:
    plain, packed, again = (os.path.join(tmp, n) for n in ("c.log", "c.log.gz", "again.log"))
    p = run("--log-commits", plain, elf)
    check(p.returncode == 0, "the program passes with a commit log", p.stderr)
    p = run("--log-commits", packed, elf)
    check(p.returncode == 0, "the program passes with a gzip commit log", p.stderr)
    text = open(plain).read()
    with open(packed, "rb") as f:
        magic = f.read(2)
    check(magic == b"\x1f\x8b", "FILE.gz is gzip", repr(magic))
    check(gzip.open(packed, "rt").read() == text, "FILE.gz decompresses to the text of FILE")
    lines = text.splitlines()
    check(len(lines) > 100, "one line per retired instruction", f"{len(lines)} lines")
    bad = [l for l in lines if not LINE.match(l)]
    check(not bad, "every line has Spike's shape", bad[:3])
    run("--log-commits", again, elf)
    check(open(again).read() == text, "the same run gives the same log")
    p = run("--log-commits", os.path.join(tmp, "no", "such", "dir", "c.log"), elf)
    err = [l for l in p.stderr.splitlines() if l.strip()]
    check(p.returncode == 2 and len(err) == 1 and "--log-commits" in err[0] and p.stdout == "",
          "an unwritable path is a one-line error and nothing runs", f"rc={p.returncode} {p.stderr!r} {p.stdout!r}")
    p = run(elf, "--log-commits")
    check(p.returncode == 2, "--log-commits without a file is a usage error", p.stderr)
    h = subprocess.run([stepvisor, "run", "--help"], capture_output=True, text=True).stdout
    check("--log-commits FILE" in h, "run --help lists --log-commits")
    h = subprocess.run([stepvisor, "hv", "--help"], capture_output=True, text=True).stdout
    check("--log-commits FILE" in h, "hv --help lists --log-commits")

print(f"{len(failures)} failed")
sys.exit(1 if failures else 0)
