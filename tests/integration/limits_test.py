#!/usr/bin/env python3
"""Run limits hold whatever the guest does: --timeout, --max-insns and the
console's Ctrl-A X end runs in which no instruction retires for a long
time or no timer can ever fire.

usage: limits_test.py STEPVISOR VSTIMER VSTIMER_FIRE WFI_FAR TRAP_LOOP IDLE TICKS
"""
import os
import pty
import select
import subprocess
import sys
import time

stepvisor, vstimer, vstimer_fire, wfi_far, trap_loop, idle, ticks = sys.argv[1:8]
failures = []


def check(cond, what, detail=""):
    if cond:
        print(f"ok   {what}")
    else:
        failures.append(what)
        print(f"FAIL {what}\n  {detail}")


def run(*args, timeout=60):
    t0 = time.monotonic()
    try:
        p = subprocess.run([stepvisor, *args], capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None, "", "(still running after %d s: killed)" % timeout, time.monotonic() - t0
    return p.returncode, p.stdout, p.stderr, time.monotonic() - t0


def ends_by(limit, args, what):
    """The run stops with exit 3 and one line naming the limit."""
    rc, out, err, wall = run(*args, timeout=30)
    lines = [l for l in err.splitlines() if l.strip()]
    check(rc == 3 and len(lines) == 1 and limit in lines[0],
          f"{what}: ends by {limit} ({wall:.2f} s wall)", f"rc={rc} stderr={err!r}")
    return wall


def in_terminal(args, keys, wait_s, timeout=30):
    """Runs with a terminal as the console; types `keys` after wait_s seconds."""
    master, slave = pty.openpty()
    t0 = time.monotonic()
    p = subprocess.Popen([stepvisor, *args], stdin=slave, stdout=slave, stderr=subprocess.PIPE)
    os.close(slave)
    sent = False
    while p.poll() is None and time.monotonic() - t0 < timeout:
        if not sent and keys and time.monotonic() - t0 >= wait_s:
            os.write(master, keys)
            sent = True
        r, _, _ = select.select([master], [], [], 0.05)
        if r:
            try:
                os.read(master, 4096)
            except OSError:
                pass
    if p.poll() is None:
        p.kill()
    rc = p.wait()
    err = p.stderr.read().decode(errors="replace")
    os.close(master)
    return rc, err, time.monotonic() - t0


h = ["--isa", "rv64gch_sstc"]

# Linux KVM's vCPU load: htimedelta = -time, vstimecmp = ~0, STCE on for HS and VS.
wall = ends_by("--timeout", ["run", *h, "--timeout", "2", vstimer], "vstimecmp = ~0 with htimedelta")
check(wall < 10, f"vstimecmp = ~0: --timeout 2 ends it in {wall:.2f} s wall")
ends_by("--max-insns", ["run", *h, "--max-insns", "1000000", vstimer], "vstimecmp = ~0 with htimedelta")
ends_by("--timeout", ["run", *h, "--harts", "2", "--timeout", "1", vstimer], "vstimecmp = ~0, two harts")
ends_by("--timeout", ["run", "--timeout", "1", vstimer], "vstimecmp = ~0 in the default ISA")
rc, err, wall = in_terminal(["run", *h, vstimer], b"\x01x", 0.5)
check(rc == 0 and "Ctrl-A X" in err, f"vstimecmp = ~0: Ctrl-A X leaves ({wall:.2f} s wall)", f"rc={rc} {err!r}")

# The same with a compare value the guest's time reaches: VSTIP rises, the program passes.
rc, out, err, wall = run("run", *h, vstimer_fire)
check(rc == 0, f"vstimecmp 1000 ticks after the guest's time 0 fires ({wall:.2f} s)", f"rc={rc} {err!r}")
rc, out, err, wall = run("run", *h, "--harts", "2", vstimer_fire)
check(rc == 0, "the same on two harts", f"rc={rc} {err!r}")

# WFI for 2^40 ticks with the timer masked by mstatus.MIE: the sleep is
# skipped, then WFI falls through forever; no instruction retires while it sleeps.
for harts in ["1", "2"]:
    ends_by("--timeout", ["run", "--harts", harts, "--timeout", "1", wfi_far], f"a long WFI sleep on {harts} hart(s)")
    ends_by("--max-insns", ["run", "--harts", harts, "--max-insns", "100000", wfi_far],
            f"a long WFI sleep on {harts} hart(s)")

# Every trap entry's fetch faults again: with the trap-loop detector off
# (its own test is test-runner's), the limits end it.
ends_by("--timeout", ["run", "--trap-loop", "0", "--timeout", "1", trap_loop], "a trap loop")
ends_by("--max-insns", ["run", "--trap-loop", "0", "--max-insns", "100000", trap_loop], "a trap loop")

# WFI that only typed input could end, with a terminal: it waits for a key
# until --timeout, and says why nothing ran (exit 4).
rc, err, wall = in_terminal(["run", "--timeout", "1", idle], b"", 0)
check(rc == 4 and "WFI" in err and 0.9 < wall < 10,
      f"an idle hart waiting for typed input ends at --timeout ({wall:.2f} s wall)", f"rc={rc} {err!r}")
rc, err, wall = in_terminal(["run", idle], b"\x01x", 0.5)
check(rc == 0 and "Ctrl-A X" in err, "an idle hart waiting for typed input: Ctrl-A X leaves", f"rc={rc} {err!r}")

# Ctrl-A X from a pipe, as QEMU 7.2's -nographic takes it (`printf '\001x' |
# qemu-system-riscv64 -M virt -nographic -bios none` ends with "QEMU: Terminated").
for prog, what in [(idle, "an idle hart waiting for input"), (vstimer, "a timer that can never fire")]:
    p = subprocess.run([stepvisor, "run", *h, "--timeout", "20", "--stdin", prog], input=b"\x01x", capture_output=True,
                       timeout=60)
    err = p.stderr.decode(errors="replace")
    check(p.returncode == 0 and "Ctrl-A X" in err, f"{what}: Ctrl-A X from a pipe leaves", f"rc={p.returncode} {err!r}")

# --idle: wfi_far sleeps until mtimecmp 2^40 ticks ahead. skip moves guest
# time there at once; wall lets it follow the host's clock, so --timeout 1
# stops the run with the guest's cycles short of the deadline; a terminal
# as the console makes wall the default, and Ctrl-A X leaves while it waits.
deadline_cycles = (1 << 40) * 100  # 100 cycles a tick (1 GHz harts, 10 MHz mtime)


def stats_cycles(err):
    for line in err.splitlines():
        if line.startswith("stats: "):
            return int(line.split("cycles=")[1].split()[0])
    return None


for mode, past in [("skip", True), ("wall", False)]:
    rc, out, err, wall = run("run", "--stats", "--idle", mode, "--timeout", "1", wfi_far)
    c = stats_cycles(err)
    check(rc == 3 and c is not None and (c >= deadline_cycles) == past,
          f"--idle {mode}: a WFI until 2^40 ticks ends at --timeout with the guest {'past' if past else 'short of'} it",
          f"rc={rc} cycles={c} {err!r}")
rc, err, wall = in_terminal(["run", "--stats", wfi_far], b"\x01x", 0.5)
c = stats_cycles(err)
check(rc == 0 and "Ctrl-A X" in err and c is not None and c < deadline_cycles,
      "a terminal as the console: guest time follows the wall clock, Ctrl-A X leaves while the host waits",
      f"rc={rc} cycles={c} {err!r}")
# Sleeps that end: the host waits them out in pieces with wall, at once
# with skip, and the counters are the same.
for harts in ["1", "2"]:
    runs = [run("run", "--stats", "--harts", harts, "--idle", mode, ticks) for mode in ["skip", "wall"]]
    counts = [r[2].split(" host_seconds")[0] for r in runs]
    check(all(r[0] == 0 for r in runs) and counts[0] == counts[1] and counts[0].startswith("stats: "),
          f"--idle wall and skip: the same instructions and cycles for five 20 ms sleeps on {harts} hart(s)",
          f"{[r[0] for r in runs]} {counts}")
rc, out, err, wall = run("run", "--idle", "fast", wfi_far)
check(rc == 2 and err.strip() == "stepvisor: --idle: 'fast' is not skip or wall", "--idle fast: one line, exit 2", err)

if failures:
    print(f"{len(failures)} failed")
    sys.exit(1)
print("all passed")
