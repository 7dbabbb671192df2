#!/usr/bin/env python3
"""SIGINT and SIGTERM end a run as any other stop does: the stats and the
summary are printed, the commit log is a whole gzip file, a demo's --json is
written, and the exit status is 128 + the signal (130, 143). A --timeout
leaves the gzip log whole too.

usage: signals_test.py STEPVISOR SPIN_ELF
"""
import gzip
import json
import os
import signal
import subprocess
import sys
import tempfile
import time

stepvisor, spin = sys.argv[1:3]
FW_JUMP = "/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.bin"
failures = []


def check(cond, what, detail=""):
    if cond:
        print(f"ok   {what}")
    else:
        failures.append(what)
        print(f"FAIL {what}\n  {detail}")


def catches(pid, sig):
    """Whether the process has a handler for `sig` (its SigCgt mask in /proc)."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("SigCgt:"):
                    return int(line.split()[1], 16) >> (sig - 1) & 1
    except OSError:
        pass
    return 0


def signalled(args, sig):
    """Runs stepvisor, sends `sig` once it has a handler for it (or, without
    one, after a while: then the default action ends it), returns rc, stdout, stderr."""
    p = subprocess.Popen([stepvisor, *args], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
    t0 = time.monotonic()
    while p.poll() is None and not catches(p.pid, sig) and time.monotonic() - t0 < 30:
        time.sleep(0.02)
    time.sleep(0.2)  # into the run
    if p.poll() is None:
        p.send_signal(sig)
    out, err = p.communicate(timeout=120)
    return p.returncode, out, err


def whole_gzip(path):
    """'' when `path` is a finished gzip stream of whole lines, else what is wrong."""
    try:
        with gzip.open(path, "rt") as f:
            text = f.read()
    except (OSError, EOFError) as e:
        return f"{type(e).__name__}: {e}"
    if not text:
        return "empty"
    return "" if text.endswith("\n") else "the last line is cut"


tmp = tempfile.mkdtemp()
log = os.path.join(tmp, "commits.gz")

rc, out, err = signalled(["run", "--stats", "--log-commits", log, spin], signal.SIGINT)
check(rc == 130, "run: SIGINT ends it with 130", f"rc={rc} {err!r}")
check("stats: instructions=" in err, "run --stats: the stats are printed", err)
check("stopped by SIGINT" in err, "run: the reason names SIGINT", err)
bad = whole_gzip(log)
check(not bad, "run --log-commits FILE.gz: a whole gzip file after SIGINT", bad)

rc, out, err = signalled(["run", "--stats", spin], signal.SIGTERM)
check(rc == 143 and "stats: instructions=" in err and "stopped by SIGTERM" in err,
      "run --stats: SIGTERM ends it with 143, stats printed", f"rc={rc} {err!r}")

os.unlink(log)
p = subprocess.run([stepvisor, "run", "--timeout", "1", "--log-commits", log, spin], capture_output=True, text=True,
                   timeout=120)
bad = whole_gzip(log)
check(p.returncode == 3 and not bad, "run --timeout: a whole gzip commit log", f"rc={p.returncode} {bad}")

js = os.path.join(tmp, "demo.json")
rc, out, err = signalled(["demo", "cpu-shares", "--quiet", "--json", js], signal.SIGTERM)
check(rc == 143 and "stopped by SIGTERM" in err, "demo: SIGTERM ends it with 143", f"rc={rc} {err!r}")
check(rc == 143 and "-- figures" in out and "-- checks --" in out, "demo: the figures and checks of the stopped run are printed",
      out[-400:])
try:
    with open(js) as f:
        ok = "scenario" in json.load(f)
except (OSError, ValueError) as e:
    ok = False
check(ok, "demo --json: the file is whole after SIGTERM")

if os.path.exists(FW_JUMP):
    os.unlink(log)
    rc, out, err = signalled(["hv", "--log-commits", log], signal.SIGINT)
    bad = whole_gzip(log)
    check(rc == 130 and "stopped by SIGINT" in err and not bad, "hv: SIGINT ends it with 130, whole gzip log",
          f"rc={rc} {err!r} {bad}")
else:
    print(f"skip hv: no {FW_JUMP}")

if failures:
    print(f"{len(failures)} failed")
    sys.exit(1)
print("all passed")
