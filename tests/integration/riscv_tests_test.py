#!/usr/bin/env python3
"""The official riscv-tests as they come, through `stepvisor test`: with the
default ISA every RV64 test passes, each within a second; with --isa rv64gc
every Zba test (p and v variants) fails, each within a second too.

The built isa folder is given by STEPVISOR_RISCV_TESTS (e.g.
riscv-tests/isa after `make -C isa`); skipped (77), saying so, when unset.

usage: riscv_tests_test.py STEPVISOR
"""
import glob
import os
import subprocess
import sys

stepvisor = sys.argv[1]
isa_dir = os.environ.get("STEPVISOR_RISCV_TESTS", "")
if not isa_dir or not os.path.isdir(isa_dir):
    print("skipped: STEPVISOR_RISCV_TESTS does not name a built riscv-tests isa folder")
    sys.exit(77)
failures = []


def check(cond, what, detail=""):
    if cond:
        print(f"ok   {what}")
    else:
        failures.append(what)
        print(f"FAIL {what}\n  {detail}")


def run_test(*args):
    p = subprocess.run([stepvisor, "test", "--quiet", *args], capture_output=True, text=True, timeout=1800)
    table = {}
    for line in p.stdout.splitlines()[1:]:
        parts = line.split(None, 4)
        if len(parts) >= 4 and parts[1] in ("PASS", "FAIL"):
            table[parts[0]] = (parts[1], float(parts[3]), parts[4] if len(parts) > 4 else "")
    summary = [l for l in p.stdout.splitlines() if " passed, " in l]
    return p.returncode, table, summary[-1] if summary else p.stdout + p.stderr


rc, table, summary = run_test(isa_dir)
print(summary)
rv64 = {n: r for n, r in table.items() if n.startswith("rv64")}
failed = sorted(n for n, r in rv64.items() if r[0] != "PASS")
slow = sorted((r[1], n) for n, r in rv64.items() if r[1] >= 1.0)
check(rv64 and not failed, f"default ISA: all {len(rv64)} rv64 tests pass", f"{len(failed)} fail: {failed[:20]}")
check(not slow, "default ISA: none takes a second or more" +
      (f" (slowest {max(r[1] for r in rv64.values()):.3f} s)" if rv64 else ""), str(slow[:10]))

zba = sorted(p for p in glob.glob(os.path.join(isa_dir, "rv64uzba-*")) if not p.endswith(".dump"))
if zba:
    rc, table, summary = run_test("--isa", "rv64gc", *zba)
    print(summary)
    passed = sorted(n for n, r in table.items() if r[0] == "PASS")
    slow = sorted((r[1], n) for n, r in table.items() if r[1] >= 1.0)
    check(len(table) == len(zba) and not passed and rc == 1,
          f"--isa rv64gc: all {len(zba)} Zba tests fail", f"passed: {passed}")
    check(not slow, "--isa rv64gc: each Zba test fails within a second" +
          (f" (slowest {max(r[1] for r in table.values()):.3f} s)" if table else ""), str(slow))
    v = [r[2] for n, r in table.items() if "-v-" in n]
    check(v and all("trap loop from illegal instruction" in d and "sh" in d for d in v),
          "the v variants are reported by the illegal Zba instruction that began their trap loop", v[:1])

if failures:
    print(f"{len(failures)} failed")
    sys.exit(1)
print("all passed")
