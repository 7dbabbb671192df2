#!/usr/bin/env python3
"""stepvisor against Spike on a program that both run (e.g. riscv-tests'
dhrystone built with a large run count), measured in the same run.

Neither Spike nor the program is part of this project: give their paths in
the environment (STEPVISOR_SPIKE, STEPVISOR_SPIKE_PROGRAMS as a
colon-separated list of ELF files) or on the command line. Without them the
benchmark says so and is skipped (exit 77).

For each program it prints both emulators' wall times and their ratio, and
compares the lines the program prints about `minstret` and `mcycle`
(riscv-tests' benchmarks print them): minstret must agree exactly, since
both emulators retire the same instructions; mcycle differs by design
(stepvisor's cycle model is its own). Never fails on speed; fails when an
emulator fails or minstret differs.

usage: vs_spike.py STEPVISOR [--spike SPIKE] [ELF...]
"""
import os
import re
import subprocess
import sys
import time

args = sys.argv[1:]
if not args:
    print(__doc__)
    sys.exit(2)
stepvisor = args.pop(0)
spike = os.environ.get("STEPVISOR_SPIKE")
if args[:1] == ["--spike"]:
    spike = args[1]
    args = args[2:]
programs = args or [p for p in os.environ.get("STEPVISOR_SPIKE_PROGRAMS", "").split(":") if p]
if not spike or not programs:
    print("vs_spike: skipped: set STEPVISOR_SPIKE and STEPVISOR_SPIKE_PROGRAMS to compare against Spike")
    sys.exit(77)


def timed(cmd):
    t0 = time.perf_counter()
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=1800)
    return time.perf_counter() - t0, p


def counter(text, name):
    m = re.search(rf"^{name}\s*=\s*(\d+)", text, re.M)
    return int(m.group(1)) if m else None


failed = False
print(f"load: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
print(f"{'program':28} {'spike s':>9} {'stepvisor s':>12} {'spike/stepvisor':>16} {'minstret':>14}")
for prog in programs:
    ts, ps = timed([spike, "--isa=rv64gc", prog])
    tv, pv = timed([stepvisor, "run", "--stats", prog])
    mi_s, mi_v = counter(ps.stdout, "minstret"), counter(pv.stdout, "minstret")
    name = os.path.basename(prog)
    verdict = "same" if mi_s == mi_v else f"DIFFERENT (spike {mi_s}, stepvisor {mi_v})"
    print(f"{name:28} {ts:9.3f} {tv:12.3f} {ts / tv:15.2f}x {verdict:>14}")
    stats = [l for l in pv.stderr.splitlines() if l.startswith("stats:")]
    if stats:
        print("  stepvisor " + stats[0])
    if ps.returncode != 0 or pv.returncode != 0 or mi_s != mi_v:
        failed = True
        print(f"  spike exit {ps.returncode}, stepvisor exit {pv.returncode}")
sys.exit(1 if failed else 0)
