#!/usr/bin/env python3
"""The scriptable debugger (`stepvisor debug`) on the Sv39 self-test, checked
against outside references: symbol addresses and instruction text from GNU
nm/objdump, and page-table entry addresses from the spec's formula
(a = satp.PPN * 4096 + VPN[i] * 8).

usage: debug_test.py STEPVISOR VM_SV39_ELF OBJDUMP NM
"""
import re
import subprocess
import sys
import tempfile

stepvisor, elf, objdump, nm = sys.argv[1:5]
failures = []


def check(cond, what, detail=""):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        print("  " + detail.replace("\n", "\n  "))
        failures.append(what)


symbols = {}
for line in subprocess.run([nm, elf], capture_output=True, text=True, check=True).stdout.splitlines():
    parts = line.split()
    if len(parts) == 3:
        symbols[parts[2]] = int(parts[0], 16)
main = symbols["selftest_main"]
dump = subprocess.run([objdump, "-d", elf], capture_output=True, text=True, check=True).stdout
m = re.search(r"^\s*%x:\s+([0-9a-f]+)\s+(.*)$" % main, dump, re.M)
objdump_text = " ".join(m.group(2).split("#")[0].split()) if m else None

script = f"""until pc {main:#x}
until priv
csr satp
pt 0x40000000
until trap
regs
events 3
quit
"""
with tempfile.NamedTemporaryFile("w", suffix=".cmd", delete=False) as f:
    f.write(script)
    cmdfile = f.name
p = subprocess.run([stepvisor, "debug", "--commands", cmdfile, elf], capture_output=True, text=True, timeout=60)
out = p.stdout
print(out)
check(p.returncode == 0, "debug exits 0 after quit", p.stderr)

sections = re.split(r"^> ", out, flags=re.M)
by_cmd = {s.splitlines()[0]: "\n".join(s.splitlines()[1:]) for s in sections[1:]}

stop = by_cmd.get(f"until pc {main:#x}", "")
check(f"{main:016x}:" in stop, "until pc stops at the symbol's address (from nm)", stop)
ours = re.search(r"%016x: [0-9a-f]+\s+(.*?)(\s+<.*>)?$" % main, stop, re.M)
check(ours is not None and objdump_text is not None and " ".join(ours.group(1).split()) == objdump_text,
      "the stop line's disassembly equals objdump's", f"ours={ours and ours.group(1)!r} objdump={objdump_text!r}")

priv = by_cmd.get("until priv", "")
check(re.search(r"priv M -> HS", priv) is not None, "until priv reports the drop from M to HS (the default ISA has H)", priv)

satp_line = re.search(r"satp = 0x([0-9a-f]+)", by_cmd.get("csr satp", ""))
check(satp_line is not None, "csr satp prints the register", by_cmd.get("csr satp", ""))
satp = int(satp_line.group(1), 16) if satp_line else 0
check(satp >> 60 == 8, "satp holds Sv39 mode (8)", hex(satp))
root = (satp & ((1 << 44) - 1)) << 12
walk = by_cmd.get("pt 0x40000000", "")
ptes = re.findall(r"level (\d): pte @ 0x([0-9a-f]+) = 0x([0-9a-f]+)", walk)
check([l for l, _, _ in ptes] == ["2", "1", "0"], "pt shows three Sv39 levels, 2 down to 0", walk)
if ptes:
    va = 0x40000000
    check(int(ptes[0][1], 16) == root + ((va >> 30) & 0x1ff) * 8,
          "the level-2 PTE address is satp.PPN*4096 + VPN[2]*8", walk)
    nxt = ((int(ptes[0][2], 16) >> 10) << 12)
    if len(ptes) > 1:
        check(int(ptes[1][1], 16) == nxt + ((va >> 21) & 0x1ff) * 8,
              "the level-1 PTE address follows the level-2 PTE's PPN", walk)
check(re.search(r"result: 0x40000000 -> pa 0x[0-9a-f]+ \(3 memory reads", walk) is not None,
      "pt reports the result and 3 memory reads", walk)

trap = by_cmd.get("until trap", "")
check(re.search(r"event: \[cycle \d+\] hart0 trap \S+ -> M: .* \(cause \d+\)", trap) is not None,
      "until trap reports the trap with its cause", trap)
regs = by_cmd.get("regs", "")
check(len(re.findall(r"^x\d+\s", regs, re.M)) == 16 and "sp" in regs and "a0" in regs,
      "regs lists the 32 registers with ABI names", regs)
check(len(by_cmd.get("events 3", "").splitlines()) == 3, "events 3 prints three events", by_cmd.get("events 3", ""))

print(f"{len(failures)} failed")
sys.exit(1 if failures else 0)
