#!/usr/bin/env python3
"""stepvisor test as a CI job uses it, on the project's own ELFs: folders
walked for RV64 programs (sources, dumps, RV32 and host ELFs and empty
folders left out), a handler that faults on its own way in reported within
a second by the trap that began it (and legitimate trap-heavy programs left
alone), --shard slices whose JUnit files merge into the whole run, and the
ISA in the JUnit properties.

usage: test_runner_test.py STEPVISOR HANDLER_FAULT TRAP_LOOP SELFTEST.elf...
"""
import os
import shutil
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET

stepvisor, handler_fault, trap_loop = sys.argv[1:4]
selftests = sys.argv[4:]
failures = []


def check(cond, what, detail=""):
    if cond:
        print(f"ok   {what}")
    else:
        failures.append(what)
        print(f"FAIL {what}\n  {detail}")


def run(*args, timeout=120):
    t0 = time.monotonic()
    p = subprocess.run([stepvisor, *args], capture_output=True, text=True, timeout=timeout)
    return p.returncode, p.stdout, p.stderr, time.monotonic() - t0


def rows(out):
    """The summary table's rows: name -> (result, seconds, detail)."""
    table = {}
    for line in out.splitlines()[1:]:
        parts = line.split(None, 4)
        if len(parts) >= 4 and parts[1] in ("PASS", "FAIL"):
            table[parts[0]] = (parts[1], float(parts[3]), parts[4] if len(parts) > 4 else "")
    return table


def junit_cases(path):
    root = ET.parse(path).getroot()
    return root, [c.get("name") for c in root.iter("testcase")]


with tempfile.TemporaryDirectory() as d:
    # A tree as a test suite's build leaves it.
    tree = os.path.join(d, "isa")
    os.makedirs(os.path.join(tree, "rv64ui"))
    os.makedirs(os.path.join(tree, "macros", "scalar"))
    os.makedirs(os.path.join(tree, "empty"))
    names = []
    for i, elf in enumerate(selftests):
        base = os.path.basename(elf)[:-4]
        sub = "rv64ui" if i % 2 else ""
        shutil.copy(elf, os.path.join(tree, sub, base))
        open(os.path.join(tree, sub, base + ".dump"), "w").write(f"{base}:     file format elf64-littleriscv\n")
        names.append(os.path.join(sub, base) if sub else base)
    open(os.path.join(tree, "rv64ui", "add.S"), "w").write('#include "riscv_test.h"\n')
    open(os.path.join(tree, "macros", "scalar", "test_macros.h"), "w").write("\n")
    open(os.path.join(tree, "Makefile"), "w").write("all:\n")
    rv32 = bytearray(open(selftests[0], "rb").read())
    rv32[4] = 1  # ELFCLASS32: an RV32 test
    open(os.path.join(tree, "rv32ui-p-add"), "wb").write(rv32)

    rc, out, err, wall = run("test", "-j", "2", tree)
    table = rows(out)
    check(rc == 0 and sorted(table) == sorted(names),
          f"a folder: its {len(names)} RV64 ELFs at any depth run, sources, dumps and empty folders ignored",
          f"rc={rc}\n{out}{err}")
    check(f"{len(names)} passed, 0 failed" in out and "slowest " in out,
          "the summary line counts them and names the slowest", out)
    check("left out: 1 ELF file" in out and "rv32ui-p-add" in out and "32-bit" in out,
          "an RV32 ELF is left out, and the summary says so", out)

    rc, out, err, _ = run("test", os.path.join(tree, "empty"), os.path.join(tree, "macros"))
    lines = [l for l in err.splitlines() if l.strip()]
    check(rc == 2 and len(lines) == 1 and "no RV64 ELF programs found" in lines[0],
          "folders without any program: one line, exit 2", f"rc={rc} {err!r}")
    rc, out, err, _ = run("test", os.path.join(tree, "empty"), tree)
    check(rc == 0 and len(rows(out)) == len(names), "a folder without programs beside one with them is fine",
          f"rc={rc} {out}{err}")

    # The riscv-tests `v` shape: with Zba it passes; without, the handler
    # faults on its own stack forever, and the run fails within a second,
    # naming the Zba instruction that began it.
    rc, out, err, wall = run("test", handler_fault)
    check(rc == 0 and "1 passed" in out, "handler_fault passes with the default ISA (Zba on)", f"rc={rc} {out}{err}")
    rc, out, err, wall = run("test", "--isa", "rv64gc", handler_fault)
    row = rows(out).get("handler_fault.elf", ("", 99, ""))
    check(rc == 1 and row[0] == "FAIL" and row[1] < 1.0 and wall < 5,
          f"without Zba it fails in {row[1]:.3f} s (wall {wall:.2f} s)", f"rc={rc}\n{out}{err}")
    check("trap loop" in row[2] and "illegal instruction at pc 0x80000010" in row[2] and "sh2add a0,a0,a1" in row[2]
          and "store/AMO access fault" in row[2],
          "the report names the first trap (the sh2add) and the store that repeats", row[2])
    rc, out, err, wall = run("run", "--isa", "rv64gc", handler_fault)
    elines = [l for l in err.splitlines() if l.strip()]
    check(rc == 1 and len(elines) == 1 and "sh2add" in elines[0] and wall < 5,
          f"run reports it the same way, one line, exit 1 ({wall:.2f} s)", f"rc={rc} {err!r}")
    rc, out, err, wall = run("run", "--isa", "rv64gc", "--trap-loop", "0", "--max-insns", "200000", handler_fault)
    check(rc == 3, "--trap-loop 0 turns the detector off: the run ends by --max-insns", f"rc={rc} {err!r}")
    rc, out, err, _ = run("run", "--trap-loop", "1", handler_fault)
    check(rc == 2 and "--trap-loop" in err, "--trap-loop 1 is refused", f"rc={rc} {err!r}")
    rc, out, err, wall = run("run", trap_loop)
    check(rc == 1 and "instruction access fault at pc 0x40000000" in err and wall < 5,
          "a trap vector with no memory behind it is a trap loop too", f"rc={rc} {err!r}")

    # Shards: together the whole run, each program once; the JUnit files
    # merge (their <testsuite> elements under one <testsuites>) into it.
    whole = os.path.join(d, "whole.xml")
    run("test", "-j", "2", "--isa", "rv64gc", "--junit", whole, tree, handler_fault)
    whole_root, all_cases = junit_cases(whole)
    whole_failed = sorted(c.get("name") for c in whole_root.iter("testcase") if c.find("failure") is not None)
    n = 3
    merged = ET.Element("testsuites")
    shard_cases, suite_names = [], []
    for k in range(1, n + 1):
        path = os.path.join(d, f"shard{k}.xml")
        rc, out, err, _ = run("test", "-j", "2", "--isa", "rv64gc", "--shard", f"{k}/{n}", "--junit", path,
                              tree, handler_fault)
        root, cases = junit_cases(path)
        shard_cases.append(cases)
        for suite in root.iter("testsuite"):
            suite_names.append(suite.get("name"))
            props = {p.get("name"): p.get("value") for p in suite.iter("property")}
            check(props.get("shard") == f"{k}/{n}" and props.get("isa", "").startswith("rv64imafdc")
                  and "zba" not in props.get("isa", "") and suite.get("hostname"),
                  f"shard {k}/{n}: its JUnit suite carries the shard, the --isa of the run, a hostname", str(props))
            merged.append(suite)
    flat = [c for cs in shard_cases for c in cs]
    check(sorted(flat) == sorted(all_cases) and len(set(flat)) == len(flat),
          f"{n} shards run each of the {len(all_cases)} programs exactly once", str(shard_cases))
    check(len(set(suite_names)) == n, "each shard's <testsuite> has its own name", str(suite_names))
    merged_path = os.path.join(d, "merged.xml")
    ET.ElementTree(merged).write(merged_path)
    _, merged_cases = junit_cases(merged_path)
    check(sorted(merged_cases) == sorted(all_cases), "the shards' files merged keep every testcase",
          f"{len(merged_cases)} of {len(all_cases)}")
    failed = sorted(c.get("name") for c in ET.parse(merged_path).getroot().iter("testcase") if c.find("failure") is not None)
    check(failed == whole_failed and "handler_fault.elf" in failed,
          f"the merged report has the whole run's {len(failed)} failures (rv64gc: no Zba, no H)", str(failed))

    for bad in ["0/3", "4/3", "9/8", "1/0", "x", "1/3/2", "-1/3"]:
        rc, out, err, _ = run("test", "--shard", bad, tree)
        lines = [l for l in err.splitlines() if l.strip()]
        check(rc == 2 and len(lines) == 1 and "--shard" in lines[0], f"--shard {bad}: one line, exit 2",
              f"rc={rc} {err!r}")
    rc, out, err, _ = run("test", "--shard", "5/6", "--junit", os.path.join(d, "few.xml"), selftests[0])
    root, cases = junit_cases(os.path.join(d, "few.xml"))
    check(rc == 0 and cases == [] and "0 passed, 0 failed (0 programs of shard 5/6, 1 found" in out,
          "a shard with nothing to run (fewer programs than shards) passes, empty", f"rc={rc} {out}{err}")

if failures:
    print(f"{len(failures)} failed")
    sys.exit(1)
print("all passed")
