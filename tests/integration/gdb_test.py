#!/usr/bin/env python3
"""The gdb stub, driven by Debian's gdb-multiarch in batch mode: hv (with its
own symbols) on the project's SBI firmware under `stepvisor run -S --gdb
PORT`. Checked against outside references: hv's symbol addresses (nm), the
sret in vcpu_enter (objdump), the spec's sret (pc = sepc, V = hstatus.SPV),
the guest ELF's bytes at the guest pc (objdump of the guest hv says it
created, matched through hgatp), hv's own variable nr_vms counting VMs.

usage: gdb_test.py STEPVISOR SBI_ELF HV_ELF GUEST_DIR GDB NM OBJDUMP
"""
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile

stepvisor, sbi, hv, guest_dir, gdb, nm, objdump = sys.argv[1:8]
failures = []


def check(cond, what, detail=""):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        print("  " + str(detail).replace("\n", "\n  "))
        failures.append(what)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def session(script, harts=1, gui=False):
    """Runs stepvisor -S --gdb PORT (or the GUI under Xvfb) and gdb-multiarch
    -batch on script; returns (gdb output split at 'echo ==NAME==' marks,
    stepvisor's output, exit code, the whole gdb output)."""
    port = free_port()
    machine = ["--harts", str(harts), "--bios", sbi, "--kernel", hv, "--gdb", str(port)]
    if gui:
        cmd = ["xvfb-run", "-a", stepvisor, "gui"] + machine
    else:
        cmd = [stepvisor, "run", "-S", "--timeout", "120"] + machine
    sv = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=gui)
    head = f"set pagination off\nset confirm off\nsymbol-file {hv}\n"
    head += f"set tcp connect-timeout 30\ntarget remote :{port}\n"
    with tempfile.NamedTemporaryFile("w", suffix=".gdb") as f:
        f.write(head + script + ("detach\n" if gui else "kill\n"))
        f.flush()
        g = subprocess.run([gdb, "-nx", "-batch", "-x", f.name], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           text=True, timeout=180)
    if gui:  # the window stays open: end the process group this test started
        os.killpg(sv.pid, signal.SIGTERM)
    out, _ = sv.communicate(timeout=60)
    parts, name = {}, "start"
    for line in g.stdout.splitlines():
        m = re.match(r"==(\w+)==$", line)
        if m:
            name = m.group(1)
            continue
        parts[name] = parts.get(name, "") + line + "\n"
    return parts, out, sv.returncode, g.stdout


def reg(text, name):
    m = re.search(r"^%s\s+(0x[0-9a-f]+)" % name, text or "", re.M)
    return int(m.group(1), 16) if m else None


symbols = {}
for line in subprocess.run([nm, hv], capture_output=True, text=True, check=True).stdout.splitlines():
    p = line.split()
    if len(p) == 3:
        symbols[p[2]] = int(p[0], 16)
dump = subprocess.run([objdump, "-d", hv], capture_output=True, text=True, check=True).stdout
body = dump[dump.index("<vcpu_enter>:"):]
sret = int(re.search(r"^\s*([0-9a-f]+):\s+[0-9a-f]+\s+sret", body, re.M).group(1), 16)

# ---- one hart: break in hv's trap handler, back into the guest by sret
parts, out, code, transcript = session(f"""echo ==reset==\\n
info registers pc priv virt
break hv_trap_vector
echo ==trap==\\n
continue
info registers pc priv virt
info threads
echo ==stepi==\\n
stepi
info registers pc
delete
tbreak *{sret:#x}
echo ==sret==\\n
continue
info registers pc priv virt sepc hstatus
echo ==guest==\\n
monitor until vmentry
continue
info registers pc priv virt hgatp
x/4xb $pc
echo ==csr==\\n
monitor csr hgatp
echo ==events==\\n
monitor events 10
echo ==pt==\\n
monitor pt 0x80000000
echo ==bad==\\n
monitor until nothing
""")
print(transcript)
r = parts.get("reset", "")
check(reg(r, "pc") == 0x1000 and reg(r, "priv") == 3 and reg(r, "virt") == 0,
      "-S: stopped before the first instruction, in the boot ROM in M-mode", r)
t = parts.get("trap", "")
check(reg(t, "pc") == symbols["hv_trap_vector"], "break hv_trap_vector stops at nm's address", t)
check(reg(t, "priv") == 1 and reg(t, "virt") == 0, "in hv's trap handler: priv 1, virt 0 (HS)", t)
check("hart0 HS-mode" in t and "hv_trap_vector" in t, "info threads names the hart and its mode", t)
check(reg(parts.get("stepi", ""), "pc") == symbols["hv_trap_vector"] + 4, "stepi: the next instruction (csrrw is 4 bytes)",
      parts.get("stepi"))
s = parts.get("sret", "")
check(reg(s, "pc") == sret and reg(s, "virt") == 0, "tbreak at vcpu_enter's sret (objdump's address)", s)
hstatus = reg(s, "hstatus")
check(hstatus is not None and (hstatus >> 7) & 1 == 1, "hstatus.SPV is set before the sret", s)
g = parts.get("guest", "")
check(reg(g, "pc") == reg(s, "sepc"), "after the sret pc = the sepc it had (the spec's sret)", g + s)
check(reg(g, "priv") == 1 and reg(g, "virt") == 1, "virt flips to 1 in the guest: VS-mode", g)
check("vmentry HS -> VS" in g, "monitor until vmentry names the event it stopped at", g)

# The guest's bytes at its pc, read by virtual address through the stub,
# against the guest ELF that hv reports for this hgatp.
hgatp = reg(g, "hgatp")
vm = re.search(r"vm\d+ '(\w+)':.*hgatp (0x[0-9a-f]+)", "\n".join(
    l for l in out.splitlines() if hgatp is not None and l.endswith("hgatp %#x" % hgatp)))
got = re.findall(r"0x([0-9a-f]{2})\b", g.split("\n", 4)[-1]) if g else []
want = None
if vm:
    gd = subprocess.run([objdump, "-s", "--start-address=%#x" % reg(g, "pc"),
                         "--stop-address=%#x" % (reg(g, "pc") + 4), f"{guest_dir}/{vm.group(1)}.elf"],
                        capture_output=True, text=True).stdout
    m = re.search(r"^\s*[0-9a-f]+ ([0-9a-f]{8})", gd, re.M)
    want = [m.group(1)[i:i + 2] for i in range(0, 8, 2)] if m else None
check(want is not None and got[-4:] == want,
      "x/4xb $pc in the guest gives the guest ELF's bytes (objdump -s of %s)" % (vm.group(1) if vm else "?"),
      f"gdb {got} objdump {want}")
check(parts.get("csr", "").strip() == "hgatp = 0x%016x" % (hgatp or 0), "monitor csr hgatp = $hgatp",
      parts.get("csr"))
check(len(re.findall(r"^#\d+ \[cycle", parts.get("events", ""), re.M)) == 10, "monitor events 10: ten events",
      parts.get("events"))
check("G-stage" in parts.get("pt", "") and "result:" in parts.get("pt", ""),
      "monitor pt 0x80000000 draws the guest's two-stage walk", parts.get("pt"))
check("unknown condition 'nothing'" in parts.get("bad", ""), "a bad monitor line gets the debugger's error",
      parts.get("bad"))
check(code == 0 and "killed from gdb" in out, "kill ends the run", f"exit {code}\n{out[-400:]}")

# ---- watchpoints: hv counts its VMs in nr_vms
parts, out, code, transcript = session("""watch nr_vms
echo ==w1==\\n
continue
echo ==w2==\\n
continue
delete
rwatch nr_vms
echo ==r==\\n
continue
print nr_vms
delete
echo ==hb==\\n
set debug remote 1
hbreak vcpu_enter
continue
set debug remote 0
info registers pc
""")
w1, w2, rd = parts.get("w1", ""), parts.get("w2", ""), parts.get("r", "")
check("Hardware watchpoint 1: nr_vms" in w1 and "Old value = 0" in w1 and "New value = 1" in w1,
      "watch nr_vms: gdb sees hv's first VM counted (0 -> 1)", transcript)
check("Old value = 1" in w2 and "New value = 2" in w2 and "vm_create" in w2,
      "and the second one, in vm_create", w2)
check("Hardware read watchpoint 2: nr_vms" in rd and "Value = 2" in rd and "$1 = 2" in rd,
      "rwatch nr_vms: a read is reported with the value", rd)
check(reg(parts.get("hb", ""), "pc") == symbols["vcpu_enter"] and "Hardware assisted breakpoint" in parts.get("hb", "")
      and "Z1,%x" % symbols["vcpu_enter"] in parts.get("hb", ""),
      "hbreak vcpu_enter (Z1) stops at nm's address", parts.get("hb"))

# ---- reverse execution: reverse-stepi back across a VM exit into the
# guest, reverse-continue back to the previous breakpoint hit
parts, out, code, transcript = session("""monitor until vmexit
echo ==exit==\\n
continue
info registers pc priv virt sepc hstatus
monitor regs
echo ==rsi==\\n
reverse-stepi
info registers pc priv virt
break hv_trap_vector
echo ==hit1==\\n
continue
monitor regs
echo ==hit2==\\n
continue
monitor regs
echo ==rc==\\n
reverse-continue
info registers pc priv virt
monitor regs
""")
print(transcript)
e = parts.get("exit", "")
check(reg(e, "pc") == symbols["hv_trap_vector"] and reg(e, "virt") == 0 and "vmexit VS -> HS" in e,
      "monitor until vmexit: stopped in hv's trap handler, virt 0", e)
r = parts.get("rsi", "")
check(reg(r, "pc") == reg(e, "sepc") and reg(r, "priv") == 1 and reg(r, "virt") == 1,
      "reverse-stepi across the VM exit: back in the guest (priv 1, virt 1) at the sepc the exit saved", r + e)
cycles = [re.search(r"cycle (\d+)", parts.get(k, "") or "") for k in ("hit1", "hit2", "rc")]
rc = parts.get("rc", "")
check(all(cycles) and reg(rc, "pc") == symbols["hv_trap_vector"] and cycles[2].group(1) == cycles[0].group(1)
      and cycles[1].group(1) != cycles[0].group(1),
      "reverse-continue goes back to the previous hit of break hv_trap_vector (the same cycle as then)",
      "\n".join(parts.get(k, "") for k in ("hit1", "hit2", "rc")))
check(code == 0, "the reverse session ends with kill", out[-400:])

# ---- two harts are two threads
parts, out, code, transcript = session("""echo ==threads==\\n
info threads
thread 2
echo ==t2==\\n
info registers priv
""", harts=2)
th = parts.get("threads", "")
check(re.search(r"^\*\s+1\s+Thread 1 \(hart0 M-mode\)", th, re.M) and re.search(r"^\s+2\s+Thread 2 \(hart1 M-mode\)", th, re.M),
      "info threads on --harts 2: two threads, hart0 and hart1", th)
check(reg(parts.get("t2", ""), "priv") == 3, "thread 2's registers are hart1's (M-mode at reset)", parts.get("t2"))

# ---- the GUI serves gdb between frames
if shutil.which("xvfb-run") and subprocess.run([stepvisor, "gui", "--help"], capture_output=True).returncode == 0:
    parts, out, code, transcript = session("""break hv_trap_vector
echo ==trap==\\n
continue
info registers pc priv virt
monitor csr hgatp
""", gui=True)
    t = parts.get("trap", "")
    check(reg(t, "pc") == symbols["hv_trap_vector"] and reg(t, "priv") == 1 and reg(t, "virt") == 0,
          "gui --gdb: break hv_trap_vector, continue, HS-mode", transcript)
    check("hgatp = 0x" in t, "gui --gdb: monitor commands answer", t)
else:
    print("skipped: the GUI part (no xvfb-run or a build without the GUI)")

if failures:
    print(f"{len(failures)} check(s) failed")
    sys.exit(1)
print("all gdb checks passed")
