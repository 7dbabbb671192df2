#!/usr/bin/env python3
"""Snapshots (`snapshot save`, `--restore`) and reverse execution
(`reverse-step`, `reverse until`) in `stepvisor debug`, on hv running its
built-in guests on the project's SBI firmware. The reference each time is a
straight forward run of the same machine that never saw a snapshot:

- save at step N, restore, run M more == run N+M (registers, CSRs, memory
  hash, console output);
- a truncated, corrupted, wrong-version or wrong-machine file gets one line
  and a non-zero exit, and a failed `snapshot load` changes nothing;
- going back across a VM exit (reverse-step from HS into the guest, and
  `reverse until vmexit`) finds the state a forward run stopped there has.

usage: snapshot_test.py STEPVISOR SBI_ELF HV_ELF
"""
import os
import re
import struct
import subprocess
import sys
import tempfile
import zlib

stepvisor, sbi, hv = sys.argv[1:4]
machine = ["--isa", "rv64gch", "--bios", sbi, "--kernel", hv]
failures = []
CSRS = ["mstatus", "mepc", "mcause", "mtval", "mip", "mie", "medeleg", "mideleg", "sepc", "scause", "stval", "satp",
        "hstatus", "hedeleg", "hideleg", "hvip", "htval", "htinst", "hgatp", "vsstatus", "vsepc", "vscause",
        "vstval", "vsatp", "mcycle", "minstret", "time", "stimecmp", "vstimecmp"]
DUMP = "regs\n" + "".join(f"csr {c}\n" for c in CSRS) + "memhash\n"


def check(cond, what, detail=""):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        print("  " + str(detail).replace("\n", "\n  ")[:3000])
        failures.append(what)


def debug(script, extra=()):
    p = subprocess.run([stepvisor, "debug"] + list(extra) + machine, input=script, capture_output=True, text=True,
                       timeout=600)
    return p.stdout, p.stderr, p.returncode


def last_dump(out):
    """The machine state the last DUMP printed: regs, CSRs, memory hash."""
    i = out.rfind("> regs\n")
    return out[i:] if i >= 0 else None


def step_of(out):
    m = re.findall(r"steps \d+ \.\. (\d+)", out)
    return int(m[-1]) if m else None


tmp = tempfile.mkdtemp()
snap = os.path.join(tmp, "a.snap")
N, M = 10_000_000, 15_000_000

# ---- save at N, restore, run M more == a straight run of N+M
out, err, code = debug(f"step {N}\nsnapshot save {snap}\n")
check(code == 0 and f"saved {snap}" in out and os.path.getsize(snap) > 0, f"snapshot save at step {N}", out + err)
size = os.path.getsize(snap)
print(f"snapshot of hv with its guests at step {N}: {size} bytes")
straight, _, _ = debug(f"step {N + M}\n" + DUMP)
restored, _, rcode = debug(f"step {M}\n" + DUMP, ["--restore", snap])
check(rcode == 0 and last_dump(restored) is not None and last_dump(restored) == last_dump(straight),
      "restore at N, run M: registers, CSRs and memory hash equal a straight run of N+M",
      f"straight:\n{last_dump(straight)}\nrestored:\n{last_dump(restored)}")


def console(args):
    p = subprocess.run([stepvisor, "run"] + args + machine, capture_output=True, text=True, timeout=600)
    return p.stdout


first = console(["--max-insns", str(N)])
rest = console(["--max-insns", str(M), "--restore", snap])
whole = console(["--max-insns", str(N + M)])
check("[vm" in rest and first + rest == whole, "console output: run N, then restored M, equals run N+M",
      f"N+M:\n{whole[-600:]}\nN then M:\n{(first + rest)[-600:]}")


# ---- far back: many snapshots behind the present
far, _, _ = debug(f"step {N}\nreverse-step {N - 2_500_001}\n" + DUMP)
fwd, _, _ = debug("step 2500001\n" + DUMP)
check(last_dump(far) is not None and last_dump(far) == last_dump(fwd),
      f"reverse-step from step {N} to 2500001: the state a forward run has there",
      f"forward:\n{last_dump(fwd)}\nreverse:\n{last_dump(far)}")

# ---- bad snapshots: one line, non-zero exit, nothing changed
def bad(name, data, extra=()):
    path = os.path.join(tmp, name)
    with open(path, "wb") as f:
        f.write(data)
    p = subprocess.run([stepvisor, "run", "--max-insns", "10", "--restore", path] + list(extra) + machine,
                       capture_output=True, text=True, timeout=120)
    lines = p.stderr.strip().splitlines()
    return p.returncode, lines, path


good = open(snap, "rb").read()


def reframed(payload):
    """A snapshot file around payload, its CRC-32 and sizes right (the format in emu/snapshot.hpp)."""
    z = zlib.compress(payload)
    return good[:12] + struct.pack("<IQQ", zlib.crc32(payload), len(payload), len(z)) + z


# The fingerprint (the payload's first string) with a newline and a terminal escape in it, as the input fuzzer found.
payload = zlib.decompress(good[32:])
fp_len = int.from_bytes(payload[:8], "little")
odd_fp = payload[8:8 + 20] + b"\n\x1b[31m"
cases = {
    "control bytes in the fingerprint": (reframed(len(odd_fp).to_bytes(8, "little") + odd_fp + payload[8 + fp_len:]),
                                         "another machine (harts=1 ram=262144K \\x0a\\x1b[31m; this one"),
    "truncated": (good[:len(good) // 2], "truncated"),
    "flipped": (good[:len(good) // 2] + bytes([good[len(good) // 2] ^ 0x40]) + good[len(good) // 2 + 1:], "corrupt"),
    "version": (good[:8] + (99).to_bytes(4, "little") + good[12:], "version 99"),
    "header": (good[:4], "truncated"),
    "other": (b"not a snapshot at all", "not a stepvisor snapshot"),
}
for name, (data, word) in cases.items():
    code, lines, path = bad(name, data)
    check(code != 0 and len(lines) == 1 and word in lines[0] and path in lines[0],
          f"{name} snapshot: one line naming the problem ('{word}'), exit {code}", "\n".join(lines))
p = subprocess.run([stepvisor, "run", "--max-insns", "10", "--restore", snap, "--harts", "2"] + machine,
                   capture_output=True, text=True, timeout=120)
lines = p.stderr.strip().splitlines()
check(p.returncode != 0 and len(lines) == 1 and "another machine" in lines[0] and "harts=1" in lines[0],
      "a snapshot of another machine (1 hart, restored on 2): one line", p.stderr)

out, _, _ = debug(f"step 1000\n{DUMP}snapshot load {os.path.join(tmp, 'flipped')}\n"
                  f"snapshot load {os.path.join(tmp, 'truncated')}\n{DUMP}")
i = out.find("> snapshot load")
before, after = last_dump(out[:i]), last_dump(out)
check(out.count("error: snapshot") == 2 and before is not None and before == after,
      "a failed snapshot load changes nothing (registers, CSRs, memory hash)", out[i:i + 600])
check(not [f for f in os.listdir(tmp) if ".tmp" in f], "no temporary file is left behind")

# ---- reverse execution across a VM exit
rev, _, _ = debug("until vmentry\nuntil vmexit\nhistory\n" + DUMP + "step 5\nregs\nreverse-step 6\nhistory\n" + DUMP +
                  "step 500\nreverse until vmexit\nhistory\n" + DUMP)
exit_step = step_of(rev.split("> step 5\n")[0])
check(exit_step is not None, "the step of the first VM exit", rev[:2000])
exit_dump = last_dump(rev.split("> step 5\n")[0])
after_exit = rev.split("> step 5\n")[1].split("> reverse-step")[0]
check("mode HS" in after_exit, "five steps after the exit hart0 runs hv in HS-mode", after_exit)
back = rev.split("> reverse-step 6\n")[1].split("> step 500")[0]
check(step_of(back) == (exit_step or 0) - 1 and "mode VS" in back,
      "reverse-step 6 goes back across the VM exit, into the guest (VS-mode), one step before it", back[:1500])
fwd, _, _ = debug(f"step {(exit_step or 1) - 1}\nhistory\n" + DUMP)
check(last_dump(back) is not None and last_dump(back) == last_dump(fwd),
      "after reverse-step across the VM exit: registers, CSRs, memory hash equal a forward run stopped there",
      f"forward:\n{last_dump(fwd)}\nreverse:\n{last_dump(back)}")
until_back = rev.split("> step 500\n")[1]
# The latest VM exit before the present: a forward run of `until vmexit` as
# many times as there were exits up to that point stops at the same state.
exits = len(re.findall(r"event: .*vmexit", rev.split("> step 500\n")[0] + until_back.split("> reverse until")[0]))
fwd2, _, _ = debug("until vmexit\nhistory\n" + DUMP) if step_of(until_back) == exit_step else (None, None, None)
if fwd2 is None:
    # another exit came within the 500 steps: stop forward at that one
    target = step_of(until_back)
    script, n = "", 0
    while True:
        o, _, _ = debug(script + "until vmexit\nhistory\n")
        n += 1
        script += "until vmexit\n"
        if step_of(o) is None or step_of(o) >= target or n > 50:
            break
    fwd2, _, _ = debug(script + "history\n" + DUMP)
check(step_of(fwd2) == step_of(until_back) and last_dump(fwd2) == last_dump(until_back),
      "reverse until vmexit: the same state (registers, CSRs, memory hash) as a forward until vmexit",
      f"forward:\n{last_dump(fwd2)}\nreverse:\n{last_dump(until_back)}")

print(f"{len(failures)} failure(s)")
sys.exit(1 if failures else 0)
