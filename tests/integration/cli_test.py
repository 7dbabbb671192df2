#!/usr/bin/env python3
"""The command line as a user meets it: verdicts, limits, bad input, batch
runs with JUnit output, signatures, determinism.

usage: cli_test.py STEPVISOR FAIL3 SPIN IDLE SIG PASS_A PASS_B REBOOT
"""
import os
import struct
import subprocess
import sys
import tempfile

stepvisor, fail3, spin, idle, sig, pass_a, pass_b, reboot = sys.argv[1:9]
failures = []


def run(*args, timeout=60):
    p = subprocess.run([stepvisor, *args], capture_output=True, text=True, timeout=timeout)
    return p.returncode, p.stdout, p.stderr


def check(cond, what, detail=""):
    if not cond:
        failures.append(f"{what}: {detail}")
        print(f"FAIL {what}\n  {detail}")
    else:
        print(f"ok   {what}")


def one_line_error(rc, err, expect_rc, fragment, what):
    lines = [l for l in err.splitlines() if l.strip()]
    check(rc == expect_rc and len(lines) == 1 and fragment in lines[0],
          what, f"rc={rc} stderr={err!r}")


# Verdicts
rc, out, err = run("run", pass_a)
check(rc == 0, "a passing program exits 0", f"rc={rc} {err}")
rc, out, err = run("run", fail3)
check(rc == 1 and "test 3" in err, "a failing program exits 1 naming the failing test", f"rc={rc} {err!r}")

# Limits
rc, out, err = run("run", "--max-insns", "10000", spin)
one_line_error(rc, err, 3, "--max-insns", "a runaway program stops at --max-insns with exit 3")
rc, out, err = run("run", "--timeout", "0.3", spin)
one_line_error(rc, err, 3, "--timeout", "a runaway program stops at --timeout with exit 3")
rc, out, err = run("run", idle)
one_line_error(rc, err, 4, "WFI", "a hart that can never wake is reported with exit 4")

# Bad input: one line naming the problem, exit 2.
with tempfile.TemporaryDirectory() as d:
    rc, out, err = run("run", os.path.join(d, "missing.elf"))
    one_line_error(rc, err, 2, "missing.elf", "a missing file")
    text = os.path.join(d, "notes.txt")
    open(text, "w").write("hello, not a program\n")
    rc, out, err = run("run", text)
    one_line_error(rc, err, 2, "not an ELF", "a file that is not ELF")
    rc, out, err = run("run", "/bin/sh")
    one_line_error(rc, err, 2, "not RISC-V", "an ELF for another machine")
    data = open(pass_a, "rb").read()
    trunc = os.path.join(d, "truncated.elf")
    open(trunc, "wb").write(data[:200])
    rc, out, err = run("run", trunc)
    one_line_error(rc, err, 2, "truncated", "a truncated ELF")
    cls32 = bytearray(data)
    cls32[4] = 1  # EI_CLASS = ELFCLASS32
    p32 = os.path.join(d, "class32.elf")
    open(p32, "wb").write(cls32)
    rc, out, err = run("run", p32)
    one_line_error(rc, err, 2, "32-bit", "a 32-bit ELF")
    # Move the first PT_LOAD segment below RAM.
    outside = bytearray(data)
    phoff, = struct.unpack_from("<Q", outside, 0x20)
    phentsize, phnum = struct.unpack_from("<HH", outside, 0x36)
    for i in range(phnum):
        off = phoff + i * phentsize
        if struct.unpack_from("<I", outside, off)[0] == 1:  # PT_LOAD
            struct.pack_into("<Q", outside, off + 0x18, 0x10)  # p_paddr
            break
    pout = os.path.join(d, "outside.elf")
    open(pout, "wb").write(outside)
    rc, out, err = run("run", pout)
    one_line_error(rc, err, 2, "outside RAM", "a segment outside RAM")
    rc, out, err = run("run", "--frobnicate", pass_a)
    one_line_error(rc, err, 2, "--frobnicate", "an unknown option")
    rc, out, err = run("run", "--isa", "rv32i", pass_a)
    one_line_error(rc, err, 2, "rv32i", "an unsupported ISA string")
    rc, out, err = run("frobnicate")
    one_line_error(rc, err, 2, "frobnicate", "an unknown command")

    # Batch runs
    junit = os.path.join(d, "report.xml")
    rc, out, err = run("test", "-j", "2", "--junit", junit, pass_a, fail3, pass_b)
    check(rc == 1, "test exits 1 when any program fails", f"rc={rc}")
    check("2 passed, 1 failed" in out, "test prints the summary", out)
    fail_rows = [l for l in out.splitlines() if l.startswith("fail3.elf")]
    check(len(fail_rows) == 1 and "FAIL" in fail_rows[0] and "test 3" in fail_rows[0],
          "the summary table names the failing test number", out)
    xml = open(junit).read() if os.path.exists(junit) else ""
    check('tests="3"' in xml and 'failures="1"' in xml and "test 3" in xml, "JUnit XML report", xml)
    rc, out, err = run("test", pass_a, pass_b)
    check(rc == 0 and "2 passed, 0 failed" in out, "test exits 0 when all pass", out)

    # Signature
    sigfile = os.path.join(d, "sig.txt")
    rc, out, err = run("run", "--signature", sigfile, sig)
    lines = open(sigfile).read().split() if os.path.exists(sigfile) else []
    check(rc == 0 and lines == ["11223344", "deadbeef", "00000007", "00000000"],
          "--signature writes the region one word per line", f"rc={rc} {lines} {err}")

# Determinism: the same image twice gives the same instruction and cycle counts.
stats = []
for _ in range(2):
    rc, out, err = run("run", "--stats", pass_b)
    stats.append([l.split(" host_seconds")[0] for l in err.splitlines() if l.startswith("stats:")])
check(stats[0] == stats[1] and stats[0], "two runs of one image retire the same instructions in the same cycles",
      str(stats))

# A reset through the syscon starts the machine over at once, and --stats
# counts both boots: the first spins 10000 times (20000 instructions) before
# it asks for the reset, the second passes straight away.
rc, out, err = run("run", "--stats", reboot)
n = [int(l.split("instructions=")[1].split()[0]) for l in err.splitlines() if l.startswith("stats:")]
check(rc == 0 and n and 20000 < n[0] < 20200,
      "a syscon reset restarts the program at once and --stats counts both boots", f"rc={rc} {err!r}")

# --isa and --no-sstc: the device tree's riscv,isa shows exactly the harts' extensions.
def dtb_isa(*opts):
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "m.dtb")
        rc, out, err = run("run", *opts, "--dump-dtb", path)
        blob = open(path, "rb").read() if rc == 0 and os.path.exists(path) else b""
        at = blob.find(b"rv64i")
        return blob[at:blob.find(b"\0", at)].decode() if at >= 0 else ""


rc, out, err = run("run", "--help")
listed = out.split("Default: every extension below:", 1)[-1].split("  --mem", 1)[0].split("Also implemented", 1)[0].split()
default = dtb_isa()
check(default.split("_") == listed and default.startswith("rv64imafdch_") and "_sstc" in default,
      "the default riscv,isa has H and Sstc and is what --help lists", f"{default!r} vs {listed}")
check(dtb_isa("--isa", "rv64gc") == "rv64imafdc_zicntr_zicsr_zifencei",
      "--isa rv64gc turns every other extension off", dtb_isa("--isa", "rv64gc"))
nosstc = dtb_isa("--no-sstc")
check(nosstc and "sstc" not in nosstc and nosstc == default.replace("_sstc", ""),
      "--no-sstc takes Sstc out of the default and of riscv,isa", nosstc)
check(dtb_isa("--isa", "rv64gch_sstc") == "rv64imafdch_zicntr_zicsr_zifencei_sstc",
      "--isa rv64gch_sstc as written", dtb_isa("--isa", "rv64gch_sstc"))
rc, out, err = run("run", "--isa", "rv64gc_zicsr_zfoo", pass_a)
one_line_error(rc, err, 2, "'zfoo'", "an unknown extension in --isa is named")
rc, out, err = run("run", "--isa", "rva23s64_v", pass_a)
one_line_error(rc, err, 2, "'v'", "asking for V names it as not implemented")
rc, out, err = run("run", "--isa", "rva23s64", pass_a)
check(rc == 0, "a profile name runs a program", f"rc={rc} {err!r}")

# --no-tlb: the same program retires the same instructions; only walks, and
# so cycles, grow. --demo-devices: the second UART and the SR-IOV console
# appear in the device tree.
def stats_of(*opts):
    rc, out, err = run("run", "--stats", *opts, pass_b)
    line = [l for l in err.splitlines() if l.startswith("stats:")]
    return rc, dict(kv.split("=") for kv in line[0].split()[1:3]) if line else {}
rc1, with_tlb = stats_of()
rc2, without = stats_of("--no-tlb")
check(rc1 == 0 and rc2 == 0 and with_tlb.get("instructions") == without.get("instructions")
      and int(without.get("cycles", 0)) >= int(with_tlb.get("cycles", 0)),
      "--no-tlb retires the same instructions, in at least as many cycles", f"{with_tlb} {without}")
with tempfile.TemporaryDirectory() as d:
    path = os.path.join(d, "demo.dtb")
    rc, out, err = run("run", "--demo-devices", "--dump-dtb", path)
    blob = open(path, "rb").read() if rc == 0 and os.path.exists(path) else b""
    check(b"serial@10001000" in blob and b"stepvisor,sriov-console" in blob,
          "--demo-devices adds the second UART and the SR-IOV console to the device tree", f"rc={rc} {err}")

print(f"{len(failures)} failed")
sys.exit(1 if failures else 0)
