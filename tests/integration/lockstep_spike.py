#!/usr/bin/env python3
"""stepvisor in lockstep with Spike: both run the same ELF with the same ISA
and memory, both write Spike's --log-commits format, and the logs are
compared line by line (privilege, pc, encoding, every register, CSR and
memory write, every address read).

Both run the ISA stepvisor's machine has for the program (the default, or
the machine options a fuzz program asks for), as its device tree's
riscv,isa names it: Spike gets that string as --isa and stepvisor gets it
too, so that both implement the same extensions.

The corpus: every ELF in the riscv-tests isa folder (STEPVISOR_RISCV_TESTS),
the project's self-tests given on the command line, and random programs
from tests/fuzz's generator when given with --fuzz GEN (N programs).

Zero divergences are allowed except where the specifications let two
implementations differ; each such difference is a named rule below (RULES)
with its reference, applied only where its own condition holds. The first
divergence of a program is reported with the lines around it.

Spike is given by STEPVISOR_SPIKE; without it the check is skipped (77).

usage: lockstep_spike.py STEPVISOR [--selftest ELF]... [--fuzz GEN N --def DEF --csrs CSRS] [ELF...]
  (DEF and CSRS: isa/instructions.def and isa/csrs.def, as fuzz.py takes them)
"""
import concurrent.futures
import os
import re
import subprocess
import sys
import tempfile

RAM = 256 << 20

MAX_INSNS = 300_000  # per program; a log stops there (a program that never ends)
CONTEXT = 4

LINE = re.compile(r"^core\s+(\d+): (\d) (0x[0-9a-f]+) \((0x[0-9a-f]+)\)(.*)$")


class Line:
    __slots__ = ("text", "priv", "pc", "insn", "len", "regs", "loads", "stores")

    def __init__(self, text):
        self.text = text
        m = LINE.match(text)
        if not m:
            raise ValueError(f"not a commit-log line: {text!r}")
        self.priv, self.pc, self.insn = int(m.group(2)), int(m.group(3), 16), int(m.group(4), 16)
        self.len = (len(m.group(4)) - 2) // 2
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
        """csrrs/csrrc rd, csr, x0 or csrrsi/csrrci rd, csr, 0 (a plain read) of one of `csrs`."""
        b = self.insn
        return self.len == 4 and (b & 0x7f) == 0x73 and (b >> 12) & 7 in (2, 3, 6, 7) and ((b >> 15) & 31) == 0 \
            and (b >> 20) in csrs

    def rd(self):
        return f"x{(self.insn >> 7) & 31}"


def parse(path):
    out = []
    with open(path, errors="replace") as f:
        for l in f:
            if not l.endswith("\n"):
                break  # the last line of a stopped Spike, cut short
            if l.startswith("core"):
                out.append(Line(l.rstrip("\n")))
                if len(out) > MAX_INSNS + 1000:
                    break
    return out


# ---- The documented differences -------------------------------------------

CYCLE, TIME, INSTRET, MCYCLE, MINSTRET = 0xC00, 0xC01, 0xC02, 0xB00, 0xB02
MTIMECMP = 0x2004000  # hart 0's, in the CLINT of both platforms


class Rule:
    name = ""
    reference = ""
    count = 0


class Taint:
    """The registers, CSRs and memory words whose values came from a
    counter or the real-time counter (the rules below): they may hold
    different values on the two sides. A register leaves the set when both
    sides write the same value to it again."""

    def __init__(self):
        self.regs, self.mem = set(), set()

    def sources(self, l):
        """What the instruction on line l may read: every register its
        encoding could name (an over-approximation: rs1, rs2, rs3 as x and f;
        the compressed forms' fields), the CSR it names, the words it loads."""
        b, out = l.insn, set()
        if l.len == 4:
            fields = [(b >> 15) & 31, (b >> 20) & 31, (b >> 27) & 31]
            if (b & 0x7f) == 0x73 and (b >> 12) & 3:
                out.add(b >> 20)
        else:
            fields = [(b >> 7) & 31, (b >> 2) & 31, 8 + ((b >> 7) & 7), 8 + ((b >> 2) & 7), 2]
        for f in fields:
            out |= {f"x{f}", f"f{f}"}
        return out

    def reads_tainted(self, l):
        src = self.sources(l)
        csr = next((c for c in src if isinstance(c, int)), None)
        return bool(src & self.regs) or any(k.startswith(f"c{csr}_") for k in self.regs if csr is not None) or \
            any(a in self.mem for a in l.loads)

    def add(self, s, v):
        """Marks what differs between the two lines."""
        for k in s.regs:
            if s.regs[k] != v.regs.get(k):
                self.regs.add(k)
        for (a, x), (_, y) in zip(s.stores, v.stores):
            if x != y:
                self.mem.add(a)

    def add_regs(self, s, v):
        """Marks the x and f registers that differ between the two lines."""
        self.regs |= {k for k in s.regs if k[0] in "xf" and s.regs[k] != v.regs.get(k)}

    def settle(self, l):
        """Line l agreed on both sides: what it wrote is equal again."""
        for k in l.regs:
            self.regs.discard(k)
        for a, _ in l.stores:
            self.mem.discard(a)

    def skipped(self, l):
        """Line l ran on one side only: what it wrote may differ."""
        self.regs |= set(l.regs)
        self.mem |= {a for a, _ in l.stores}


def _same_shape(s, v):
    """The same instruction with the same accesses and destinations; values may differ."""
    return (s.priv, s.pc, s.insn, s.loads, [a for a, _ in s.stores], set(s.regs)) == \
        (v.priv, v.pc, v.insn, v.loads, [a for a, _ in v.stores], set(v.regs))


class CounterValue(Rule):
    """cycle/mcycle, time and the hpmcounters are not architectural values:
    the rate of cycle is the implementation's (stepvisor's cycle model;
    Spike counts one per instruction), time follows the platform's mtime,
    and which events the hpmcounters count is the implementation's. A plain
    CSR read of one of them may load a different value into rd (which is
    then tainted); everything else on the line must agree."""
    name = "counter-value"
    reference = ("unpriv spec, Zicntr: 'The RDCYCLE pseudoinstruction reads ... the number of clock cycles' "
                 "(the clock is the implementation's) and RDTIME reads the platform's real-time counter; "
                 "priv spec 3.1.10 mtime; 3.1.11: the hpmcounters count 'platform-specific' events")
    csrs = (CYCLE, TIME, MCYCLE) + tuple(range(0xc03, 0xc20)) + tuple(range(0xb03, 0xb20))

    def accept(self, s, v, ctx):
        if not (s.is_csr_read(self.csrs) and v.is_csr_read(self.csrs)):
            return False
        return _same_except(s, v, {s.rd()})


class PlainRead(Rule):
    """A plain CSR read of one of `csrs` may load a different value into
    rd (then tainted); everything else on the line must agree."""

    def __init__(self, name, reference, csrs, allowed=None, any_access=False):
        self.name, self.reference, self.csrs, self.allowed = name, reference, tuple(csrs), allowed
        self.any_access = any_access  # any CSR instruction naming it, not only a plain read

    def accept(self, s, v, ctx):
        names = (lambda l: l.len == 4 and (l.insn & 0x7f) == 0x73 and (l.insn >> 12) & 3 and
                 (l.insn >> 20) in self.csrs) if self.any_access else (lambda l: l.is_csr_read(self.csrs))
        if not (names(s) and names(v)):
            return False
        rd = s.rd()
        if self.allowed and not self.allowed(s.regs.get(rd), v.regs.get(rd), ctx):
            return False
        return _same_except(s, v, {rd} | {k for k in s.regs if k.startswith(f"c{s.insn >> 20}_")})


IDENTITY = PlainRead("implementation-id",
                     "priv spec 3.1.2-3.1.4: mvendorid, marchid and mimpid identify the implementation "
                     "(Spike's marchid is 5)", (0xf11, 0xf12, 0xf13))
SEED = PlainRead("entropy-value", "Zkr: seed returns bits of the entropy source, random by definition "
                 "(read with csrrw, as Zkr requires)", (0x015,), any_access=True)
CAUSE = PlainRead("amo-misaligned-cause",
                  "unpriv spec, Zaamo/Zalrsc: 'If the address is not naturally aligned, an address-misaligned "
                  "exception or an access-fault exception will be generated': Spike (with Zicclsm) raises the "
                  "access fault, stepvisor (as QEMU 7.2) the misaligned exception; only where the trap came "
                  "from an AMO, LR or SC (the ELF's encoding at the epc the handler reads next)",
                  (0x342, 0x142, 0x242), lambda a, b, ctx: (a, b) in ((5, 4), (7, 6)) and trapped_amo(ctx))
TINST = PlainRead("tinst-zero",
                  "priv spec 18.6.3 (htinst/mtinst): on a trap the value written 'is either zero or a "
                  "transformation of the trapping instruction': Spike writes zero where stepvisor transforms",
                  (0x34a, 0x64a), lambda a, b, ctx: 0 in (a, b))


class VsatpModeWarl(Rule):
    """A write of vsatp with an unsupported MODE (V=0): stepvisor ignores
    it, as for satp; Spike keeps the MODE and takes the other fields. From
    that write (each side's vsatp keeping its old MODE) to the next write
    on which both agree, vsatp and a register that read it may differ."""
    name = "vsatp-mode-warl"
    reference = ("priv spec, H extension, vsatp: 'When V=0, a write to vsatp with an unsupported MODE value is "
                 "either ignored as it is for satp, or the fields of vsatp are treated as WARL in the normal way'")
    key = "c640_vsatp"

    def accept(self, s, v, ctx):
        if not (s.len == 4 and (s.insn & 0x7f) == 0x73 and (s.insn >> 12) & 3 and (s.insn >> 20) == 0x280):
            return False
        if not _same_except(s, v, {s.rd(), self.key}):
            return False
        if self.key in s.regs:  # the write
            before_s, before_v = ctx["spike_csr"].get(self.key), ctx["sv_csr"].get(self.key)
            if before_v != v.regs[self.key] or before_s is None or before_s >> 60 != s.regs[self.key] >> 60:
                return False
            ctx["vsatp_apart"] = True
            return True
        return ctx.get("vsatp_apart", False)


class SpikeVstimecmpLag(Rule):
    """Spike's write of vstimecmp sets VSTIP from time >= vstimecmp without
    htimedelta (riscv-isa-sim stimecmp_csr_t::unlogged_write reads the time
    CSR as M-mode sees it) and corrects it at its next timer tick. While
    htimedelta is not zero, a plain read of mip or hip (VSTIP, bit 6) or
    vsip (bit 5) after a write of vstimecmp may differ in that bit only;
    rd is tainted (a loop waiting for the bit runs longer on Spike)."""
    name = "spike-vstimecmp-lag"
    reference = ("Spike deviation: priv spec, H extension, Sstc: VSTIP is pending whenever time + htimedelta "
                 ">= vstimecmp (hip.VSTIP 'reflects' it); Spike leaves htimedelta out until its next tick")
    bits = {0x344: 1 << 6, 0x644: 1 << 6, 0x244: 1 << 5}

    def accept(self, s, v, ctx):
        if not (s.is_csr_read(self.bits) and v.is_csr_read(self.bits)):
            return False
        if not ctx["spike_csr"].get("c1541_htimedelta") or "c589_vstimecmp" not in ctx["written"]:
            return False
        rd = s.rd()
        return (s.regs.get(rd, 0) ^ v.regs.get(rd, 0)) == self.bits[s.insn >> 20] and _same_except(s, v, {rd})


class MtimeValue(Rule):
    """A load of the CLINT's mtime (0x200bff8, the same on both platforms)
    reads the platform's real-time counter, whose rate is the platform's
    (Spike: one tick per 100 instructions, in steps of 50; stepvisor: its
    timebase against its cycle model)."""
    name = "mtime-value"
    reference = "priv spec 3.2.1: 'mtime ... increment at constant frequency' (the platform's)"
    address = 0x200bff8

    def accept(self, s, v, ctx):
        return s.loads == v.loads == [self.address] and _same_except(s, v, {s.rd()})


class InstretOffset(Rule):
    """instret/minstret count from reset, and reset runs each platform's own
    boot code (Spike's 5-instruction ROM, stepvisor's stub): a read differs by
    exactly the difference in instructions retired before it, measured from
    the logs (a line per retired instruction: the boot code, and the lines
    other rules skipped on one side) since reset or since the program last
    wrote minstret (the same value on both sides)."""
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
        return diff == (ctx["i"] - ctx["j"] - ctx["instret_base"]) & (2**64 - 1) and _same_except(s, v, {rd})


class TimeDerived(Rule):
    """A value computed from a tainted one (counter-value, mtime-value,
    instret-from-reset): the same instruction with the same accesses may
    write different values where it read a tainted register, CSR or
    memory word; what it wrote is tainted in turn."""
    name = "time-derived"
    reference = "follows from the rules it propagates"

    def accept(self, s, v, ctx):
        return _same_shape(s, v) and ctx["taint"].reads_tainted(s)


class TimeLoop(Rule):
    """A loop that waits for time (or counts until it has passed) runs a
    different number of times: where the two sides go different ways after
    the same branch or jump on a tainted value, the side that went on
    looping is skipped until it reaches the other side's instruction (within
    MAX_SKIP lines, staying in the pc range of the loop's first iteration,
    which comes back to the branch within MAX_BODY lines); what it wrote
    there is tainted."""
    name = "time-loop"
    reference = "follows from the rule that tainted the loop's exit condition (a counter, mtime, a pending timer bit)"
    MAX_SKIP, MAX_BODY = 200_000, 256

    def resync(self, S, i, V, j, taint):
        if i == 0 or j == 0:
            return None
        bs, bv = S[i - 1], V[j - 1]
        if (bs.pc, bs.insn) != (bv.pc, bv.insn) or not taint.reads_tainted(bs) or not self.control(bs):
            return None
        for A, k0, B, t in ((S, i, V, j), (V, j, S, i)):
            lo = hi = bs.pc
            looped = False  # the loop's pc range is that of its first iteration, back to the branch
            for k in range(k0, min(len(A), k0 + self.MAX_SKIP)):
                if looped and (A[k].pc, A[k].insn) == (B[t].pc, B[t].insn):
                    for x in A[k0:k]:
                        taint.skipped(x)
                    return (k, j) if A is S else (i, k)
                if not looped:
                    lo, hi = min(lo, A[k].pc), max(hi, A[k].pc)
                    looped = A[k].pc == bs.pc
                    if k - k0 > self.MAX_BODY:
                        break
                elif not lo <= A[k].pc <= hi:
                    break
        return None

    @staticmethod
    def control(l):
        b = l.insn
        if l.len == 4:
            return (b & 0x7f) in (0x63, 0x67, 0x6f)
        op, f3 = b & 3, b >> 13
        return (op == 1 and f3 in (5, 6, 7)) or (op == 2 and f3 == 4)


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


class ScFailure(Rule):
    """An SC that fails on one side and succeeds on the other (Spike drops
    every reservation each 5000 instructions, at the end of its interleaving
    quantum, riscv-isa-sim sim_t::step): the failing side's lines up to its
    next attempt of the same SC (the retry loop) are skipped -- only when it
    comes back to the same pc and encoding within a few lines."""
    name = "sc-spurious-failure"
    reference = ("unpriv spec, Zalrsc: 'These definitions admit the possibility that SC instructions may "
                 "spuriously fail for implementation reasons, provided progress is eventually made'")

    @staticmethod
    def is_sc(l):
        return l.len == 4 and (l.insn & 0x7f) == 0x2f and (l.insn >> 27) == 0b00011

    def resync(self, S, i, V, j):
        s, v = S[i], V[j]
        if not (self.is_sc(s) and (s.priv, s.pc, s.insn) == (v.priv, v.pc, v.insn)):
            return None
        if bool(s.stores) == bool(v.stores):
            return None
        L, k0 = (S, i) if not s.stores else (V, j)
        for k in range(k0 + 1, min(len(L), k0 + 64)):
            if (L[k].pc, L[k].insn, L[k].priv) == (L[k0].pc, L[k0].insn, L[k0].priv):
                return (k, j) if L is S else (i, k)
        return None


def reset_pending(ctx):
    """The mip bits timecmp-reset leaves to each side: MTIP until the
    program stored to mtimecmp, STIP until it wrote stimecmp."""
    return (0x80 if MTIMECMP not in ctx["written"] else 0) | (0x20 if "c333_stimecmp" not in ctx["written"] else 0)


class MaskedCsr(Rule):
    """CSR bits in which the two may differ: a write of the CSR and every
    later read of it may differ in `mask` only (the CSR's value as logged,
    and rd of a CSR instruction naming it)."""

    def __init__(self, name, reference, csrs, when=None):
        self.name, self.reference, self.csrs = name, reference, csrs  # {address: (log key, mask)}
        self.when = when  # on the comparison's context (its "isa", what was "written"): whether the rule holds

    def masks(self, s, ctx):
        """The bits of each log key (and of rd, for an instruction naming
        one of the CSRs) the rule leaves to each side on line s."""
        if self.when and not self.when(ctx):
            return {}
        keys = {key: mask(ctx) if callable(mask) else mask for key, mask in self.csrs.values()}
        named = s.len == 4 and (s.insn & 0x7f) == 0x73 and (s.insn >> 12) & 3 and (s.insn >> 20) in self.csrs
        if named:
            keys[s.rd()] = keys[self.csrs[s.insn >> 20][0]]
        return keys


def masked_accept(s, v, ctx):
    """The MASKED rules that together cover every difference between s and
    v (the same instruction and accesses; CSR bits and registers that read
    them differing only in the rules' masks), or None."""
    if (s.priv, s.pc, s.insn, s.loads, s.stores) != (v.priv, v.pc, v.insn, v.loads, v.stores) or \
            set(s.regs) != set(v.regs):
        return None
    differ = {k: s.regs[k] ^ v.regs[k] for k in s.regs if s.regs[k] != v.regs[k]}
    if not differ:
        return None
    used, left = [], dict(differ)
    for r in MASKED:
        m = r.masks(s, ctx)
        if any(left.get(k, 0) & m.get(k, 0) for k in left):
            used.append(r)
            left = {k: x & ~m.get(k, 0) for k, x in left.items()}
    return used if not any(left.values()) else None


MASKED = [
    MaskedCsr("medeleg-subset",
              "priv spec 3.1.8: 'An implementation can choose to subset the delegatable traps'; medeleg[0] "
              "(misaligned fetch) cannot be taken with IALIGN=16: Spike keeps it read-only zero, stepvisor "
              "(as QEMU 7.2) writable; Spike lets medeleg[19] (hardware error) be written, stepvisor not",
              {0x302: ("c770_medeleg", 1 | 1 << 19), 0x602: ("c1538_hedeleg", 1 << 19)}),
    MaskedCsr("counteren-warl",
              "priv spec 3.1.11: 'The counter-enable registers mcounteren and scounteren are 32-bit registers "
              "... all fields are WARL and may be read-only zero': Spike keeps the bits of its hpmcounters "
              "(which count nothing) read-only zero",
              {0x306: ("c774_mcounteren", ~7 & 0xffffffff), 0x106: ("c262_scounteren", ~7 & 0xffffffff),
               0x606: ("c1542_hcounteren", ~7 & 0xffffffff)}),
    MaskedCsr("misa-b",
              "priv spec 3.1.1: 'When the B bit is 0, it indicates that the implementation might not support "
              "one or more of the Zba, Zbb, or Zbs extensions': Spike sets misa.B with all three, stepvisor not",
              {0x301: ("c769_misa", 2)}),
    MaskedCsr("timecmp-reset",
              "priv spec 3.4: after reset 'All other hart state is UNSPECIFIED', mtimecmp (the platform's) and "
              "Sstc's stimecmp too: Spike resets both to 0 (MTIP pending from reset, STIP once menvcfg.STCE is "
              "set), stepvisor to the end of time; each bit until the program writes its compare register",
              {0x344: ("c836_mip", lambda ctx: reset_pending(ctx)), 0x144: ("c836_mip", lambda ctx: reset_pending(ctx))}),
    MaskedCsr("hpmevent-warl",
              "priv spec 3.1.11: mhpmevent3-31 are WARL and 'a legal implementation is to make both the counter and "
              "its corresponding event selector be read-only 0': Spike keeps only Sscofpmf's OF and xINH bits",
              {a: (f"c{a}_mhpmevent{a - 0x320}", (1 << 58) - 1) for a in range(0x323, 0x340)}),
    MaskedCsr("fs-without-f",
              "priv spec 3.1.6.6: without F 'FS is read-only zero' only when S-mode is absent too; with S-mode "
              "it may be writable (Spike) or read-only zero (stepvisor)",
              {0x300: ("c768_mstatus", 0x6000 | 1 << 63), 0x100: ("c768_mstatus", 0x6000 | 1 << 63)},
              lambda ctx: "f" not in ctx["isa"].split("_")[0][4:]),
    MaskedCsr("spike-fiom",
              "Spike deviation: priv spec 3.1.18 lets FIOM be read-only zero only 'If S-mode is not supported, "
              "or if satp.MODE is read-only zero'; Spike keeps menvcfg/henvcfg/senvcfg.FIOM read-only zero "
              "with S-mode and paging (riscv-isa-sim csr_init.cc)",
              {0x30a: ("c778_menvcfg", 1), 0x60a: ("c1546_henvcfg", 1), 0x10a: ("c266_senvcfg", 1)}),
    MaskedCsr("menvcfg-reset",
              "priv spec 3.4: after reset 'All other hart state is UNSPECIFIED': stepvisor (as QEMU 7.2) resets "
              "menvcfg.PBMTE to 1 with Svpbmt, Spike to 0; henvcfg.PBMTE follows it ('read-only zero if "
              "menvcfg.PBMTE is zero', 3.1.18)",
              {0x30a: ("c778_menvcfg", 1 << 62), 0x60a: ("c1546_henvcfg", 1 << 62)}),
    MaskedCsr("misa-writable",
              "priv spec 3.1.1: misa is WARL and 'Writing misa may increase or decrease the extensions' if the "
              "implementation allows it: Spike lets software clear extension bits (C here), stepvisor's misa "
              "is read-only",
              {0x301: ("c769_misa", (1 << 26) - 1)}),
    MaskedCsr("tvec-mode-warl",
              "priv spec 3.1.7 (mtvec), 10.1.2 (stvec): MODE is WARL and its values >= 2 are reserved; a write of "
              "MODE 3 leaves the implementation's legal value: Spike clears bit 1 (Vectored), stepvisor "
              "makes it Direct",
              {0x305: ("c773_mtvec", 3), 0x105: ("c261_stvec", 3), 0x205: ("c517_vstvec", 3)}),
    MaskedCsr("sgeie-geilen0",
              "priv spec, H extension, hie: 'A bit in hie shall be writable if the corresponding interrupt can "
              "ever become pending in hip. Bits of hie that are not writable shall be read-only zero': with "
              "GEILEN=0 SGEIP never becomes pending; Spike keeps mie/hie.SGEIE writable, stepvisor read-only zero",
              {0x304: ("c772_mie", 1 << 12), 0x604: ("c772_mie", 1 << 12)},
              lambda ctx: "h" in ctx["isa"].split("_")[0][4:] and not {"smaia", "ssaia"} & set(ctx["isa"].split("_"))),
    MaskedCsr("spike-stateen",
              "Spike deviation: Smstateen 'Bits in any stateen CSR that are defined to control state that a hart "
              "doesn't implement are read-only zeros': Spike keeps C (bit 0, custom state) and, without "
              "Sscsrind, CSRIND (bit 60) writable in mstateen0/hstateen0 (riscv-isa-sim csr_init.cc)",
              {0x30c: ("c780_mstateen0", 1 | 1 << 60), 0x60c: ("c1548_hstateen0", 1 | 1 << 60),
               0x10c: ("c268_sstateen0", 1)}),
]


class SpikeHvipMipLog(Rule):
    """A write of hvip: Spike logs mip from inside the write, after
    mip.VSSIP (hvip's alias) took the new value but before hvip's own
    VSEIP and VSTIP did (riscv-isa-sim hvip_csr_t::unlogged_write), so its
    logged mip may differ from stepvisor's in VSEIP and VSTIP only. The
    mip that later instructions read is the same on both sides."""
    name = "spike-hvip-mip-log"
    reference = "Spike's log: the mip it logs with an hvip write is the value between two steps of the write"
    bits = 1 << 10 | 1 << 6  # VSEIP, VSTIP (and what timecmp-reset leaves to each side)

    def accept(self, s, v, ctx):
        names_hvip = s.len == 4 and (s.insn & 0x7f) == 0x73 and (s.insn >> 12) & 3 and (s.insn >> 20) == 0x645
        if not names_hvip or not _same_except(s, v, {"c836_mip"}) or set(s.regs) != set(v.regs):
            return False
        diff = s.regs.get("c836_mip", 0) ^ v.regs.get("c836_mip", 0)
        return bool(diff & self.bits) and not diff & ~(self.bits | reset_pending(ctx))


class SpikeMvipLog(Rule):
    """Spike logs mvip (0x309) with every write of mip or sip -- its
    storage of the S-level bits -- also when the ISA has no Smaia, where no
    such CSR exists: the key is dropped from Spike's lines."""
    name = "spike-mvip-log"
    reference = "Spike deviation: mvip exists only with Smaia (AIA spec 5.3); riscv-isa-sim logs it regardless"

    def strip(self, S, isa):
        if "smaia" in isa.split("_"):
            return
        for l in S:
            if "c777_mvip" in l.regs:
                del l.regs["c777_mvip"]
                self.count += 1


class HtifExit(Rule):
    """The end: stepvisor stops at the store to tohost; Spike's front-end
    server polls tohost between batches of instructions, so Spike runs on in
    the program's exit loop. Extra lines of Spike after stepvisor's last line
    are accepted when stepvisor ended on the program's report (exit 0 or 1)
    and its last line stored to tohost: at tohost's address, or at a
    virtual address with tohost's page offset (the -v- variants' kernel
    writes it through its own mapping)."""
    name = "htif-exit"
    reference = "HTIF is the simulators' host interface (riscv-isa-sim fesvr), not part of the ISA"

    def accept_tail(self, sv_last, tohost, sv_rc):
        return tohost is not None and sv_rc in (0, 1) and \
            any(a == tohost or (a & 0xfff) == (tohost & 0xfff) for a, _ in sv_last.stores)


class DocumentedOutcome(Rule):
    """Where a branch or jump that read a tainted value (a documented
    difference: a counter, a masked CSR bit, the entropy source) sends the
    two sides different ways and no other rule brings them together again
    (a self-test checking a bit Spike leaves read-only), what follows is the
    consequence of that difference: the rest of the program is not
    compared."""
    name = "documented-outcome"
    reference = "follows from the rule that tainted the value the branch read"

    def applies(self, S, i, V, j, taint):
        if i == 0 or j == 0:
            return False
        bs, bv = S[i - 1], V[j - 1]
        return (bs.pc, bs.insn) == (bv.pc, bv.insn) and TimeLoop.control(bs) and taint.reads_tainted(bs) and \
            S[i].pc != V[j].pc


class DocumentedBranch(Rule):
    """A forward branch on a tainted value (as documented-outcome) that
    one side took and the other did not, where the side that fell through
    runs on forward to the other's target (code that handles both values of
    the bit, as a self-test checking either legal outcome): the fall-through
    side's lines up to the target (at most MAX_SKIP, every pc between the
    branch and the target) are skipped and what they wrote is tainted."""
    name = "documented-branch"
    reference = "follows from the rule that tainted the value the branch read"
    MAX_SKIP = 64

    def resync(self, S, i, V, j, taint):
        if not OUTCOME.applies(S, i, V, j, taint):
            return None
        at = S[i - 1].pc
        for A, k0, B, t in ((S, i, V, j), (V, j, S, i)):
            target = B[t].pc
            if not at < A[k0].pc < target:
                continue
            for k in range(k0, min(len(A), k0 + self.MAX_SKIP)):
                if (A[k].pc, A[k].insn, A[k].priv) == (B[t].pc, B[t].insn, B[t].priv):
                    for x in A[k0:k]:
                        taint.skipped(x)
                    return (k, j) if A is S else (i, k)
                if not at < A[k].pc < target:
                    break
        return None


class SpikeWrsNto(Rule):
    """Spike raises the illegal-instruction (mstatus.TW) or virtual-
    instruction (hstatus.VTW) exception for every wrs.nto below M
    (riscv-isa-sim insns/wrs_nto.h), also for one that completes at once
    because an sc just before left no reservation, which stepvisor retires.
    Where Spike traps on such a wrs.nto, the rest is not compared (the
    program sees the trap on one side only)."""
    name = "spike-wrs-nto-tw"
    reference = ("Spike deviation: Zawrs: with TW (VTW) a wrs.nto below M (in VS/VU) traps only when it 'does "
                 "not complete within an implementation-specific bounded time limit'; with no reservation it "
                 "does not stall")
    WRS_NTO = 0x00d00073

    def applies(self, S, i, V, j):
        if i == 0 or j == 0 or j + 1 >= len(V):
            return False
        sc = V[j - 1]
        is_sc = sc.len == 4 and (sc.insn & 0x7f) == 0x2f and (sc.insn >> 27) == 3
        return V[j].insn == self.WRS_NTO and V[j].priv < 3 and is_sc and same(S[i - 1], sc) and \
            S[i].pc != V[j].pc and S[i].priv > V[j].priv


class PlatformRom(Rule):
    """Code in the boot ROM (a jump below RAM in a random program) is the
    platform's: Spike's reset vector and device tree there, stepvisor's own
    stub. The program is compared up to the first difference in it."""
    name = "platform-rom"
    reference = "priv spec 3.4 Reset: the reset vector (and so the ROM's code) is implementation-defined"
    ROM = range(0x1000, 0x10000)

    def applies(self, S, i, V, j):
        return S[i].pc in self.ROM or V[j].pc in self.ROM or (i > 0 and S[i - 1].pc in self.ROM)


class BootRom(Rule):
    """The reset vector and boot code are the platform's: lines before the
    first instruction at the ELF entry are not compared."""
    name = "boot-rom"
    reference = "priv spec 3.4 Reset: 'the pc is set to an implementation-defined reset vector'"


COUNTER, INSTRET_RULE, AD, HTIF, BOOT = CounterValue(), InstretOffset(), AdUpdate(), HtifExit(), BootRom()
SC, MTIME, DERIVED, LOOP, MVIP = ScFailure(), MtimeValue(), TimeDerived(), TimeLoop(), SpikeMvipLog()
HVIP_MIP, OUTCOME, BRANCH, ROM, WRS = SpikeHvipMipLog(), DocumentedOutcome(), DocumentedBranch(), PlatformRom(), \
    SpikeWrsNto()
VSATP_RULE, VSTIMECMP = VsatpModeWarl(), SpikeVstimecmpLag()
RULES = [BOOT, COUNTER, MTIME, INSTRET_RULE, DERIVED, LOOP, IDENTITY, SEED, CAUSE, TINST, VSATP_RULE, *MASKED, AD, SC,
         HTIF, VSTIMECMP, WRS,
         MVIP, HVIP_MIP, BRANCH, OUTCOME, ROM]


def trapped_amo(ctx):
    """Whether the trap whose cause the line at ctx["i"] reads (mcause,
    scause or vscause) came from an AMO, LR or SC: the handler's first read
    of the matching epc CSR within the next 32 lines of a log (before any
    write of it; Spike's, or stepvisor's where a stopped Spike's ends first)
    gives the trapping pc, and the ELF the instruction."""
    epc = (ctx["S"][ctx["i"]].insn >> 20) - 1
    for L, i in ((ctx["S"], ctx["i"]), (ctx["V"], ctx["j"])):
        for k in range(i + 1, min(len(L), i + 32)):
            l = L[k]
            if l.is_csr_read((epc,)):
                w = fetch_now(ctx, l.regs.get(l.rd(), 0))
                return w is not None and (w & 0x7f) == 0x2f
            if f"c{epc}_" in " ".join(l.regs):
                return False
    return False


def fetch_now(ctx, addr):
    """The word at addr as the program left it: the ELF's, with the bytes
    the compared lines stored since (code the program wrote)."""
    word = ctx["fetch"](addr)
    if word is None:
        return None
    stored = ctx["stored"]
    return sum(stored.get(addr + k, (word >> (8 * k)) & 0xff) << (8 * k) for k in range(4))


def _note_writes(s, v, i, j, ctx):
    """What the program wrote so far (the CSRs' log keys and the stored
    addresses of lines at the same place on both sides), where it last
    wrote minstret (a line of each side, so the count starts over there),
    and each side's last logged value of every CSR. Called before the lines
    are compared: the values are those from before s and v."""
    ctx["written"].update(s.regs)
    ctx["written"].update(a for a, _ in s.stores)
    for a, data in s.stores:
        value = int(data, 16)
        ctx["stored"].update((a + k, (value >> (8 * k)) & 0xff) for k in range((len(data) - 2) // 2))
    if "c2818_minstret" in s.regs:
        ctx["instret_base"] = i - j
    if s.regs.get(VSATP_RULE.key, 0) == v.regs.get(VSATP_RULE.key, 1):
        ctx["vsatp_apart"] = False


def _note_values(s, v, ctx):
    for line, values in ((s, ctx["spike_csr"]), (v, ctx["sv_csr"])):
        values.update((k, x) for k, x in line.regs.items() if k[0] == "c")


def _same_except(s, v, regs):
    if (s.priv, s.pc, s.insn, s.loads, s.stores) != (v.priv, v.pc, v.insn, v.loads, v.stores):
        return False
    a = {k: x for k, x in s.regs.items() if k not in regs}
    b = {k: x for k, x in v.regs.items() if k not in regs}
    return a == b and set(s.regs) == set(v.regs)


def same(s, v):
    return (s.priv, s.pc, s.insn, s.regs, s.loads, s.stores) == (v.priv, v.pc, v.insn, v.regs, v.loads, v.stores)


# ---- Running ---------------------------------------------------------------


def image(elf):
    """A function from an address to the 32-bit little-endian word the
    ELF's PT_LOAD segments put there (physical addresses), or None."""
    import struct
    with open(elf, "rb") as f:
        data = f.read()
    phoff, = struct.unpack_from("<Q", data, 32)
    phentsize, phnum = struct.unpack_from("<HH", data, 54)
    segs = []
    for k in range(phnum):
        ptype, _, off, _, paddr, filesz, _, _ = struct.unpack_from("<IIQQQQQQ", data, phoff + k * phentsize)
        if ptype == 1:
            segs.append((paddr, data[off:off + filesz]))

    def fetch(addr):
        for base, content in segs:
            if base <= addr and addr + 4 <= base + len(content):
                return struct.unpack_from("<I", content, addr - base)[0]
        return None
    return fetch


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


def compare(name, spike_log, sv_log, entry, tohost, isa, sv_rc, spike_cut=False, fetch=lambda a: None):
    """(instructions compared, None) or (n, report). `sv_rc`: stepvisor's
    exit status (3: it stopped at MAX_INSNS, so its log ends there and
    Spike's may go on); `fetch`: the 32-bit word the ELF loads at an
    address (None outside its segments);
    `spike_cut`: Spike was stopped, so its log may end first."""
    S, V = parse(spike_log), parse(sv_log)
    MVIP.strip(S, isa)
    si = next((k for k, l in enumerate(S) if l.pc == entry), None)
    vi = next((k for k, l in enumerate(V) if l.pc == entry), None)
    if si is None or vi is None:
        return 0, f"{name}: no instruction at the entry 0x{entry:x} in {'Spike' if si is None else 'stepvisor'}'s log"
    BOOT.count += 1
    ctx = {"spike_boot": si, "sv_boot": vi, "isa": isa}
    taint = ctx["taint"] = Taint()
    ctx["instret_base"], ctx["written"], ctx["spike_csr"], ctx["sv_csr"] = 0, set(), {}, {}
    ctx["fetch"], ctx["S"], ctx["V"], ctx["stored"] = fetch, S, V, {}
    i, j, n = si, vi, 0
    while i < len(S) and j < len(V):
        s, v = S[i], V[j]
        _note_writes(s, v, i, j, ctx)
        if same(s, v):
            taint.settle(s)
            _note_values(s, v, ctx)
            i, j, n = i + 1, j + 1, n + 1
            continue
        accepted = False
        ctx["i"], ctx["j"] = i, j
        for r in (COUNTER, IDENTITY, SEED, MTIME, INSTRET_RULE, DERIVED, CAUSE, TINST, HVIP_MIP, VSATP_RULE,
                  VSTIMECMP):
            if r.accept(s, v, ctx):
                r.count += 1
                taint.add(s, v)
                _note_values(s, v, ctx)
                i, j, n = i + 1, j + 1, n + 1
                accepted = True
                break
        used = masked_accept(s, v, ctx) if not accepted else None
        if used:
            # The CSRs' masked bits stay the rules'; a register that read them is tainted.
            for r in used:
                r.count += 1
            taint.add_regs(s, v)
            _note_values(s, v, ctx)
            i, j, n = i + 1, j + 1, n + 1
            accepted = True
        if accepted:
            continue
        for r, at in ((AD, lambda: AD.resync(S, i, V, j)), (SC, lambda: SC.resync(S, i, V, j)),
                      (LOOP, lambda: LOOP.resync(S, i, V, j, taint)),
                      (BRANCH, lambda: BRANCH.resync(S, i, V, j, taint))):
            at = at()
            if at:
                r.count += 1
                i, j = at
                accepted = True
                break
        if accepted:
            continue
        for r, applies in ((OUTCOME, lambda: OUTCOME.applies(S, i, V, j, taint)), (ROM, lambda: ROM.applies(S, i, V, j)),
                           (WRS, lambda: WRS.applies(S, i, V, j))):
            if applies():
                r.count += 1
                return n, None
        return n, report(name, S, i, V, j)
    # A stopped Spike's last lines may be in its stdio buffer (BUFSIZ, 8 KiB: some 100 lines).
    if j < len(V) and not (spike_cut and len(V) - j <= 256):
        return n, f"{name}: Spike's log ends at line {i + 1}; stepvisor's goes on:\n" + context(V, j, "stepvisor")
    if i < len(S) and sv_rc != 3:
        if HTIF.accept_tail(V[-1], tohost, sv_rc):
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


def spike_isa(isa):
    """stepvisor's ISA string as Spike takes it. stepvisor carries out
    misaligned loads and stores to RAM, which is what Zicclsm names (a
    profile's name for the behaviour, not in riscv,isa): Spike does so only
    with it in its string. Spike's smstateen has the sstateen and hstateen
    CSRs of Ssstateen with it and refuses the name ssstateen."""
    parts = [p for p in isa.split("_") if p != "ssstateen"]
    return "_".join(parts + ["zicclsm"])


def fdt_property(blob, node_path, name):
    """A string property of the device tree blob `blob` (the FDT format:
    a structure block of tokens and a strings block)."""
    import struct
    magic, _, off_struct, off_strings = struct.unpack_from(">IIII", blob, 0)
    if magic != 0xd00dfeed:
        return None
    path, at = [], off_struct
    while True:
        token, = struct.unpack_from(">I", blob, at)
        at += 4
        if token == 1:  # FDT_BEGIN_NODE
            end = blob.index(b"\0", at)
            path.append(blob[at:end].decode())
            at = (end + 4) & ~3
        elif token == 2:  # FDT_END_NODE
            path.pop()
        elif token == 3:  # FDT_PROP
            size, nameoff = struct.unpack_from(">II", blob, at)
            value = blob[at + 8:at + 8 + size]
            pname = blob[off_strings + nameoff:blob.index(b"\0", off_strings + nameoff)].decode()
            if "/".join(path) == node_path and pname == name:
                return value.rstrip(b"\0").decode()
            at = (at + 8 + size + 3) & ~3
        elif token == 4:  # FDT_NOP
            continue
        else:  # FDT_END
            return None


_isa_cache = {}


def machine_isa(stepvisor, options, tmp):
    """The ISA string of stepvisor's machine with `options`: riscv,isa of
    its first hart in the device tree it generates, without Svadu. With
    Svadu, menvcfg.ADUE's reset value is the implementation's (priv spec
    3.4: 'All other hart state is UNSPECIFIED'; stepvisor sets it as QEMU
    does, Spike clears it), and software that does not write menvcfg sees
    hardware A/D updates on one side and page faults (Svade) on the other;
    without Svadu both are Svade."""
    key = tuple(options)
    if key not in _isa_cache:
        dtb = os.path.join(tmp, "machine-%d.dtb" % len(_isa_cache))
        subprocess.run([stepvisor, "run", *options, "--dump-dtb", dtb], check=True, capture_output=True)
        with open(dtb, "rb") as f:
            isa = fdt_property(f.read(), "/cpus/cpu@0", "riscv,isa")
        _isa_cache[key] = "_".join(p for p in isa.split("_") if p != "svadu")
    return _isa_cache[key]


def run_one(stepvisor, spike, program, tmp):
    elf, isa = program
    base = os.path.join(tmp, os.path.basename(elf))
    slog, vlog = base + ".spike.log", base + ".stepvisor.log"
    # Spike has no trap-loop detector: neither has stepvisor here.
    sv = subprocess.run([stepvisor, "run", "--isa", isa, "--mem", f"{RAM >> 20}M", "--max-insns", str(MAX_INSNS),
                         "--trap-loop", "0", "--log-commits", vlog, elf], capture_output=True, timeout=300)
    # Spike has no instruction limit: it is stopped once its log is longer
    # than stepvisor's (the comparison ends at the shorter one anyway), or
    # when its log stops growing (a WFI nothing wakes). A stopped Spike loses
    # the lines still in its stdio buffer, so its log may end early.
    target = os.path.getsize(vlog) * 5 // 4 + (1 << 20) if os.path.exists(vlog) else 0
    sp = subprocess.Popen([spike, f"--isa={spike_isa(isa)}", f"-m0x80000000:0x{RAM:x}", "--log-commits",
                           f"--log={slog}", elf], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    size, still, cut = -1, 0, False
    while True:
        try:
            sp.wait(timeout=0.1)
            break
        except subprocess.TimeoutExpired:
            now = os.path.getsize(slog) if os.path.exists(slog) else 0
            still = still + 1 if now == size else 0
            size = now
            if now > target or still >= 20:
                cut = True
                break
    sp.kill()
    sp.wait()
    entry, tohost = symbols(elf)
    if entry is None:
        return elf, 0, f"{elf}: not a 64-bit ELF"
    if not os.path.exists(slog) or not os.path.exists(vlog):
        return elf, 0, f"{elf}: a log is missing"
    n, rep = compare(os.path.basename(elf), slog, vlog, entry, tohost, isa, sv.returncode, cut, image(elf))
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


# The fuzz programs are generated --portable (tests/fuzz/gen.py: no device,
# timer or counter access, nothing the platform decides). Of their machine
# options, those that change nothing the program can see are dropped (the
# demo devices, which it never touches, and --mem: both sides have more),
# --isa and --no-sstc go into the ISA string, and a program wanting more
# harts is left out: how harts interleave is each simulator's own.
FUZZ_DROPPED = {"--no-tlb": 0, "--mem": 1, "--demo-devices": 0}  # option: arguments it takes
FUZZ_ISA = {"--isa": 1, "--no-sstc": 0}


def fuzz_programs(stepvisor, gen, count, table, csrs, tmp):
    out, skipped = [], 0
    for k in range(count):
        r = subprocess.run([sys.executable, gen, "--def", table, "--csrs", csrs, "--seed", str(k), "--portable",
                            "--out", tmp],
                           check=True, capture_output=True, text=True)
        name, *machine = r.stdout.split()
        isa_options, other = [], []
        while machine:
            o = machine.pop(0)
            if o in FUZZ_DROPPED:
                del machine[:FUZZ_DROPPED[o]]
            elif o in FUZZ_ISA:
                isa_options += [o] + machine[:FUZZ_ISA[o]]
                del machine[:FUZZ_ISA[o]]
            else:
                other.append(o)
        if other:
            skipped += 1
            continue
        out.append((os.path.join(tmp, name), machine_isa(stepvisor, isa_options, tmp)))
    print(f"lockstep: {count - skipped} of {count} fuzz programs run on one hart and are compared")
    return out


def main():
    args = sys.argv[1:]
    if not args:
        print(__doc__)
        return 2
    stepvisor = args.pop(0)
    programs, selftests, fuzz, table, csrs = [], [], None, None, None
    while args:
        a = args.pop(0)
        if a == "--selftest":
            selftests.append(args.pop(0))
        elif a == "--fuzz":
            fuzz = (args.pop(0), int(args.pop(0)))
        elif a == "--def":
            table = args.pop(0)
        elif a == "--csrs":
            csrs = args.pop(0)
        else:
            programs.append(a)
    if fuzz and not (table and csrs):
        print("lockstep: --fuzz needs --def and --csrs")
        return 2
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
        isa = machine_isa(stepvisor, [], tmp)
        print(f"lockstep: ISA {isa}")
        corpus = [(p, isa) for p in programs + selftests]
        if fuzz:
            corpus += fuzz_programs(stepvisor, *fuzz, table, csrs, tmp)
        total, bad = 0, []
        with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
            for elf, n, rep in pool.map(lambda p: run_one(stepvisor, spike, p, tmp), corpus):
                total += n
                if rep:
                    bad.append(rep)
    for rep in bad:
        print(rep)
    print("documented differences applied:")
    for r in RULES:
        print(f"  {r.name:20} {r.count:7}  ({r.reference})")
    print(f"lockstep: {len(corpus)} programs, {total} instructions compared, {len(bad)} divergences")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
