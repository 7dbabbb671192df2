#!/usr/bin/env python3
"""stepvisor in lockstep with Spike: both run the same ELF with the same ISA
and memory, both write Spike's --log-commits format, and the logs are
compared line by line (privilege, pc, encoding, every register, CSR and
memory write, every address read).

The corpus: every ELF in the riscv-tests isa folder (STEPVISOR_RISCV_TESTS),
the project's self-tests given on the command line, and random programs
from tests/fuzz's generator when given with --fuzz GEN (N programs).

Zero divergences are allowed except where the specifications let two
implementations differ; each such difference is a named rule below (RULES)
with its reference, applied only where its own condition holds. The first
divergence of a program is reported with the lines around it.

Spike is given by STEPVISOR_SPIKE; without it the check is skipped (77).

usage: lockstep_spike.py STEPVISOR [--selftest ELF]... [--fuzz GEN N] [ELF...]
"""
import concurrent.futures
import os
import re
import subprocess
import sys
import tempfile

SPIKE_ISA = "rv64gch_zicntr_sstc"
STEPVISOR_ISA = ["--isa", "rv64gch"]  # Sstc is on by default
RAM = 256 << 20
MAX_INSNS = 300_000  # per program; a log stops there (a program that never ends)
CONTEXT = 4

LINE = re.compile(r"^core\s+(\d+): (\d) (0x[0-9a-f]+) \((0x[0-9a-f]+)\)(.*)$")


class Line:
    __slots__ = ("text", "priv", "pc", "insn", "regs", "loads", "stores")

    def __init__(self, text):
        self.text = text
        m = LINE.match(text)
        if not m:
            raise ValueError(f"not a commit-log line: {text!r}")
        self.priv, self.pc, self.insn = int(m.group(2)), int(m.group(3), 16), int(m.group(4), 16)
        toks = m.group(5).split()
        self.regs, self.loads, self.stores = {}, [], []
        i = 0
        while i < len(toks):
            if toks[i] == "mem":
                # a load prints "mem ADDR", a store "mem ADDR DATA"
                addr = int(toks[i + 1], 16)
                if i + 2 < len(toks) and toks[i + 2].startswith("0x"):
                    self.stores.append((addr, toks[i + 2]))
                    i += 3
                else:
                    self.loads.append(addr)
                    i += 2
            else:
                self.regs[toks[i]] = int(toks[i + 1], 16)
                i += 2

    def is_csr_read(self, csrs):
        """csrrs/csrrc rd, csr, x0 (a plain read) of one of `csrs`."""
        b = self.insn
        return (b & 0x7f) == 0x73 and (b >> 12) & 7 in (2, 3) and ((b >> 15) & 31) == 0 and (b >> 20) in csrs

    def rd(self):
        return f"x{(self.insn >> 7) & 31}"


def parse(path):
    out = []
    with open(path, errors="replace") as f:
        for l in f:
            if l.startswith("core"):
                out.append(Line(l.rstrip("\n")))
                if len(out) > MAX_INSNS + 1000:
                    break
    return out


# ---- The documented differences -------------------------------------------

CYCLE, TIME, INSTRET, MCYCLE, MINSTRET = 0xC00, 0xC01, 0xC02, 0xB00, 0xB02


class Rule:
    name = ""
    reference = ""
    count = 0


class CounterValue(Rule):
    """cycle/mcycle and time are not architectural values: the rate of cycle
    is the implementation's (stepvisor's cycle model; Spike counts one per
    instruction) and time follows the platform's mtime. A plain CSR read of
    one of them may load a different value into rd; everything else on the
    line must agree."""
    name = "counter-value"
    reference = ("unpriv spec, Zicntr: 'The RDCYCLE pseudoinstruction reads ... the number of clock cycles' "
                 "(the clock is the implementation's) and RDTIME reads the platform's real-time counter; "
                 "priv spec 3.1.10 mtime")
    csrs = (CYCLE, TIME, MCYCLE)

    def accept(self, s, v, ctx):
        if not (s.is_csr_read(self.csrs) and v.is_csr_read(self.csrs)):
            return False
        rd = s.rd()
        return _same_except(s, v, {rd})


class InstretOffset(Rule):
    """instret/minstret count from reset, and reset runs each platform's own
    boot code (Spike's 5-instruction ROM, stepvisor's stub): a read differs by
    exactly the difference in boot instructions, measured from the logs."""
    name = "instret-from-reset"
    reference = "priv spec 3.1.10/3.4: minstret counts from reset; the reset sequence is implementation-defined"
    csrs = (INSTRET, MINSTRET)

    def accept(self, s, v, ctx):
        if not (s.is_csr_read(self.csrs) and v.is_csr_read(self.csrs)):
            return False
        rd = s.rd()
        if rd == "x0":
            return _same_except(s, v, set())
        diff = (s.regs.get(rd, 0) - v.regs.get(rd, 0)) & (2**64 - 1)
        return diff == (ctx["spike_boot"] - ctx["sv_boot"]) & (2**64 - 1) and _same_except(s, v, {rd})


class AdUpdate(Rule):
    """Accessed/Dirty bits: without Svadu, Spike raises a page fault when a
    leaf PTE's A (or D for a store) is clear, and the riscv-tests kernel of
    the -v- variants sets the bit and returns; stepvisor updates A/D in
    hardware. Where stepvisor retires the instruction at pc P and Spike
    instead enters the trap handler, Spike's lines up to its return to P are
    the handler's and are skipped -- only when that handler read scause (or
    mcause) as a page fault (12, 13, 15) and comes back to P at the same
    privilege and encoding."""
    name = "ad-update"
    reference = ("priv spec 4.3.1 (Svade/Svadu): when A or D must be set, the implementation either "
                 "raises a page fault or updates the PTE in hardware")

    def resync(self, spike, i, sv, j):
        p = sv[j]
        seen_fault = False
        for k in range(i, min(len(spike), i + 20000)):
            s = spike[k]
            if s.is_csr_read((0x142, 0x342)) and s.regs.get(s.rd()) in (12, 13, 15):
                seen_fault = True
            if s.pc == p.pc and s.insn == p.insn and s.priv == p.priv and k > i:
                return (k, j) if seen_fault else None
        return None


class HtifExit(Rule):
    """The end: stepvisor stops at the store to tohost; Spike's front-end
    server polls tohost between batches of instructions, so Spike runs on in
    the program's exit loop. Extra lines of Spike after stepvisor's last line
    are accepted when that last line wrote tohost."""
    name = "htif-exit"
    reference = "HTIF is the simulators' host interface (riscv-isa-sim fesvr), not part of the ISA"

    def accept_tail(self, sv_last, tohost):
        return tohost is not None and any(a == tohost for a, _ in sv_last.stores)


class BootRom(Rule):
    """The reset vector and boot code are the platform's: lines before the
    first instruction at the ELF entry are not compared."""
    name = "boot-rom"
    reference = "priv spec 3.4 Reset: 'the pc is set to an implementation-defined reset vector'"


COUNTER, INSTRET_RULE, AD, HTIF, BOOT = CounterValue(), InstretOffset(), AdUpdate(), HtifExit(), BootRom()
RULES = [BOOT, COUNTER, INSTRET_RULE, AD, HTIF]


def _same_except(s, v, regs):
    if (s.priv, s.pc, s.insn, s.loads, s.stores) != (v.priv, v.pc, v.insn, v.loads, v.stores):
        return False
    a = {k: x for k, x in s.regs.items() if k not in regs}
    b = {k: x for k, x in v.regs.items() if k not in regs}
    return a == b and set(s.regs) == set(v.regs)


def same(s, v):
    return (s.priv, s.pc, s.insn, s.regs, s.loads, s.stores) == (v.priv, v.pc, v.insn, v.regs, v.loads, v.stores)


# ---- Running ---------------------------------------------------------------


def symbols(elf):
    """entry and tohost from the ELF (64-bit little-endian)."""
    import struct
    with open(elf, "rb") as f:
        data = f.read()
    if data[:4] != b"\x7fELF" or data[4] != 2:
        return None, None
    entry = struct.unpack_from("<Q", data, 24)[0]
    shoff, = struct.unpack_from("<Q", data, 40)
    shentsize, shnum = struct.unpack_from("<HH", data, 58)
    tohost = None
    secs = [struct.unpack_from("<IIQQQQIIQQ", data, shoff + k * shentsize) for k in range(shnum)]
    for s in secs:
        if s[1] == 2:  # SHT_SYMTAB
            strtab = secs[s[6]]
            for off in range(s[4], s[4] + s[5], 24):
                name, _, _, _, value, _ = struct.unpack_from("<IBBHQQ", data, off)
                end = data.index(b"\0", strtab[4] + name)
                if data[strtab[4] + name:end] == b"tohost":
                    tohost = value
    return entry, tohost


def compare(name, spike_log, sv_log, entry, tohost, limited=False):
    """(instructions compared, None) or (n, report). `limited`: stepvisor
    stopped at MAX_INSNS, so its log ends there and Spike's may go on."""
    S, V = parse(spike_log), parse(sv_log)
    si = next((k for k, l in enumerate(S) if l.pc == entry), None)
    vi = next((k for k, l in enumerate(V) if l.pc == entry), None)
    if si is None or vi is None:
        return 0, f"{name}: no instruction at the entry 0x{entry:x} in {'Spike' if si is None else 'stepvisor'}'s log"
    BOOT.count += 1
    ctx = {"spike_boot": si, "sv_boot": vi}
    i, j, n = si, vi, 0
    while i < len(S) and j < len(V):
        s, v = S[i], V[j]
        if same(s, v):
            i, j, n = i + 1, j + 1, n + 1
            continue
        accepted = False
        for r in (COUNTER, INSTRET_RULE):
            if r.accept(s, v, ctx):
                r.count += 1
                i, j, n = i + 1, j + 1, n + 1
                accepted = True
                break
        if accepted:
            continue
        r = AD.resync(S, i, V, j)
        if r:
            AD.count += 1
            i, j = r
            continue
        return n, report(name, S, i, V, j)
    if j < len(V):
        return n, f"{name}: Spike's log ends at line {i + 1}; stepvisor's goes on:\n" + context(V, j, "stepvisor")
    if i < len(S) and not limited:
        if HTIF.accept_tail(V[-1], tohost):
            HTIF.count += 1
        else:
            return n, f"{name}: stepvisor's log ends at line {j + 1}; Spike's goes on:\n" + context(S, i, "spike")
    return n, None


def context(L, k, who):
    lo = max(0, k - CONTEXT)
    return "\n".join(f"  {who:9} {x + 1:7}: {L[x].text}" for x in range(lo, min(len(L), k + 1)))


def report(name, S, i, V, j):
    out = [f"{name}: first divergence at Spike line {i + 1}, stepvisor line {j + 1}:"]
    lo = CONTEXT
    for d in range(-min(lo, i, j), 0):
        out.append(f"  both      {S[i + d].text}")
    out.append(f"  spike     {S[i].text}")
    out.append(f"  stepvisor {V[j].text}")
    for d in range(1, 3):
        if i + d < len(S):
            out.append(f"  spike+{d}   {S[i + d].text}")
        if j + d < len(V):
            out.append(f"  stepv+{d}   {V[j + d].text}")
    return "\n".join(out)


def run_one(stepvisor, spike, elf, tmp):
    base = os.path.join(tmp, os.path.basename(elf))
    slog, vlog = base + ".spike.log", base + ".stepvisor.log"
    # Spike has no instruction limit: it is stopped once its log is longer
    # than stepvisor's may be (the comparison ends at the shorter one anyway).
    sp = subprocess.Popen([spike, f"--isa={SPIKE_ISA}", f"-m0x80000000:0x{RAM:x}", "--log-commits",
                           f"--log={slog}", elf], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(3000):
        try:
            sp.wait(timeout=0.1)
            break
        except subprocess.TimeoutExpired:
            if os.path.exists(slog) and os.path.getsize(slog) > (MAX_INSNS + 2000) * 120:
                break
    sp.kill()
    sp.wait()
    sv = subprocess.run([stepvisor, "run", *STEPVISOR_ISA, "--mem", f"{RAM >> 20}M", "--max-insns", str(MAX_INSNS),
                         "--log-commits", vlog, elf], capture_output=True, timeout=300)
    entry, tohost = symbols(elf)
    if entry is None:
        return elf, 0, f"{elf}: not a 64-bit ELF"
    if not os.path.exists(slog) or not os.path.exists(vlog):
        return elf, 0, f"{elf}: a log is missing"
    n, rep = compare(os.path.basename(elf), slog, vlog, entry, tohost, sv.returncode == 3)
    os.unlink(slog)
    os.unlink(vlog)
    return elf, n, rep


def riscv_tests(folder):
    out = []
    for f in sorted(os.listdir(folder)):
        p = os.path.join(folder, f)
        if f.startswith("rv64") and not f.endswith(".dump") and os.path.isfile(p):
            with open(p, "rb") as h:
                if h.read(4) == b"\x7fELF":
                    out.append(p)
    return out


def main():
    args = sys.argv[1:]
    if not args:
        print(__doc__)
        return 2
    stepvisor = args.pop(0)
    programs, fuzz = [], None
    while args:
        a = args.pop(0)
        if a == "--selftest":
            programs.append(args.pop(0))
        elif a == "--fuzz":
            fuzz = (args.pop(0), int(args.pop(0)))
        else:
            programs.append(a)
    spike = os.environ.get("STEPVISOR_SPIKE")
    if not spike or not os.access(spike, os.X_OK):
        print("lockstep: skipped: set STEPVISOR_SPIKE to the spike binary")
        return 77
    tests = os.environ.get("STEPVISOR_RISCV_TESTS")
    if tests and os.path.isdir(tests):
        programs = riscv_tests(tests) + programs
    else:
        print("lockstep: STEPVISOR_RISCV_TESTS not set: riscv-tests not in the corpus")
    with tempfile.TemporaryDirectory(prefix="lockstep") as tmp:
        if fuzz:
            gen, count = fuzz
            root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(gen))))
            skipped = 0
            for k in range(count):
                r = subprocess.run([sys.executable, gen, "--def", os.path.join(root, "isa", "instructions.def"),
                                    "--csrs", os.path.join(root, "isa", "csrs.def"), "--seed", str(k), "--out", tmp],
                                   check=True, capture_output=True, text=True)
                name, *machine = r.stdout.split()
                if machine[:1] == ["--mem"]:
                    machine = machine[2:]  # both sides run with the lockstep's own, larger RAM
                # Programs that ask for another machine (harts, ISA) than the one Spike runs are left out.
                if machine:
                    skipped += 1
                    continue
                programs.append(os.path.join(tmp, name))
            print(f"lockstep: {count - skipped} of {count} fuzz programs use the default machine and are compared")
        total, bad = 0, []
        with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
            for elf, n, rep in pool.map(lambda e: run_one(stepvisor, spike, e, tmp), programs):
                total += n
                if rep:
                    bad.append(rep)
    for rep in bad:
        print(rep)
    print("documented differences applied:")
    for r in RULES:
        print(f"  {r.name:20} {r.count:7}  ({r.reference})")
    print(f"lockstep: {len(programs)} programs, {total} instructions compared, {len(bad)} divergences")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
