#!/usr/bin/env python3
"""firmware/sbi against OpenSBI: sbitest (firmware/sbi/test) checks HSM,
IPI, RFENCE and TIME on four harts and prints a line per fact. It must
print the same lines on firmware/sbi under stepvisor (with and without
Sstc) and under QEMU (with and without Sstc) as on Debian's OpenSBI under
QEMU, the oracle, and end with "sbitest: PASS". Then hv boots on
firmware/sbi with four harts, on stepvisor and on QEMU.

usage: sbi_test.py STEPVISOR SBI.elf SBITEST.elf HV.elf [QEMU] [FW_JUMP]
"""
import os
import subprocess
import sys

stepvisor, sbi, sbitest, hv = sys.argv[1:5]
qemu = sys.argv[5] if len(sys.argv) > 5 else ""
fw_jump = sys.argv[6] if len(sys.argv) > 6 else ""
failures = []


def check(cond, what, detail=""):
    print(("ok   " if cond else "FAIL ") + what + ("" if cond else "\n  " + detail))
    if not cond:
        failures.append(what)


def run(cmd):
    try:
        p = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, timeout=120)
        return p.returncode, p.stdout.decode(errors="replace").replace("\r", "")
    except subprocess.TimeoutExpired as e:
        return None, (e.stdout or b"").decode(errors="replace").replace("\r", "")


def lines(out, prefix="sbitest:"):
    return [l for l in out.split("\n") if l.startswith(prefix)]


def qemu_cmd(bios, kernel, sstc=True):
    return [qemu, "-M", "virt", "-cpu", "rv64,h=true" + ("" if sstc else ",sstc=false"), "-smp", "4",
            "-m", "256M", "-nographic", "-monitor", "none", "-bios", bios, "-kernel", kernel]


runs = {}
for sstc in (True, False):
    rc, out = run([stepvisor, "run", "--harts", "4"] + ([] if sstc else ["--no-sstc"]) +
                  ["--bios", sbi, "--kernel", sbitest])
    runs["stepvisor" + ("" if sstc else " --no-sstc")] = (rc, out)
have_qemu = qemu and os.path.exists(qemu)
if have_qemu:
    for sstc in (True, False):
        runs["qemu" + ("" if sstc else " sstc=false")] = run(qemu_cmd(sbi, sbitest, sstc))
    if fw_jump and os.path.exists(fw_jump):
        runs["opensbi on qemu"] = run(qemu_cmd(fw_jump, sbitest))
else:
    print("note: no qemu-system-riscv64: firmware/sbi is checked on stepvisor alone")

for name, (rc, out) in runs.items():
    got = lines(out)
    check(rc == 0 and got and got[-1] == "sbitest: PASS" and len(got) > 40,
          f"{name}: sbitest passes ({len(got)} lines)", f"rc={rc}\n{out[-2000:]}")
oracle = "opensbi on qemu" if "opensbi on qemu" in runs else "stepvisor"
for name, (rc, out) in runs.items():
    if name != oracle:
        want, got = lines(runs[oracle][1]), lines(out)
        diff = [f"{a!r} vs {b!r}" for a, b in zip(want, got) if a != b][:3]
        check(want == got, f"{name}: the same lines as {oracle}", "; ".join(diff) or f"{len(want)} vs {len(got)} lines")

# hv on firmware/sbi with four harts.
rc, out = run([stepvisor, "run", "--harts", "4", "--bios", sbi, "--kernel", hv])
check(rc == 0 and "on stepvisor sbi" in out and "hv: all VMs have stopped; powering off" in out,
      "hv boots on firmware/sbi (4 harts) on stepvisor and powers off", out[-1500:])
if have_qemu:
    rc, out = run(qemu_cmd(sbi, hv))
    check(rc == 0 and "on stepvisor sbi" in out and "hv: all VMs have stopped; powering off" in out,
          "hv boots on firmware/sbi (4 harts) on QEMU and powers off", out[-1500:])
print(f"{len(failures)} failed")
sys.exit(1 if failures else 0)
