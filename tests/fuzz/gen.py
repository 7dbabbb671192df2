#!/usr/bin/env python3
"""Guest programs for fuzzing, deterministic from a seed.

Each program is an RV64 ELF for stepvisor's virt machine (and Spike: HTIF
tohost, RAM at 0x80000000). Every hart sets up M-mode (PMP open, trap
handlers that count traps and step over the faulting instruction), picks
random delegation, counter enables, timers and envcfg bits, builds random
but valid page tables for satp, vsatp and hgatp (Bare, Sv39, Sv48, with
gigapages, megapages and 4K pages, A/D set or clear, random permissions,
MXR/SUM), and enters a random stream in M, S, U, HS, VS or VU. The stream
mixes instructions drawn from isa/instructions.def with random operands
(every CSR number, SYSTEM and H instructions, AMOs and LR/SC, FP with any
rounding mode), random compressed parcels, misaligned and faulting
accesses, accesses to every device's registers with random widths and
values, and self-modifying code with and without FENCE.I. Machines come
with 1-4 harts, Sstc on or off, and the PLIC or the AIA (--aia aplic or
aplic-imsic: the interrupt files and APLIC domains set up at random, the
*iselect/*ireg registers, *topei claims, hvictl and the APLIC and IMSIC
registers at random widths in the stream). A hart whose
handler has counted enough traps reports pass through tohost.

The stream is a list of units; `--keep` selects some of them by index, so a
shrunk program is named by its seed and the units kept.

`--portable` keeps to what the ISA alone decides, for comparing two
implementations of it (tests/integration/lockstep_spike.py): the PLIC, and
no access to a device or below 0x1000 (the platform's) but the set-up's
store to the CLINT's mtimecmp; a1 (the boot code's device-tree address)
cleared; no timer interrupts (mtimecmp, stimecmp and
vstimecmp at the end of time, never written by the stream); no counter,
timer or identity CSR (cycle, time, instret, the hpmcounters and their
events, mvendorid, marchid, mimpid, mconfigptr) nor trigger CSR; misa only
read; the f registers written before the stream (their reset value is
UNSPECIFIED); no wrs.nto (with TW its trap is the implementation's); medeleg/hedeleg delegating a misaligned AMO's two possible
causes alike; and a FENCE.I after every
store into code (without one, fetch may or may not see the store).

usage: gen.py --def isa/instructions.def --csrs isa/csrs.def --seed N [--count K]
              [--keep I,J,...] [--portable] --out DIR
Writes DIR/fuzz-N.elf and prints, one line per program, its name and the
machine options it wants (`fuzz-N.elf --harts 2 --isa rv64gc`).
"""
import argparse
import os
import random
import re
import struct

RAM = 0x80000000
TOHOST = RAM + 0x1000
FROMHOST = RAM + 0x1040
SCRATCH = RAM + 0x2000        # per hart: M area at +0, S area at +0x40 (hart * 0x80)
PT_BASE = RAM + 0x10000       # page tables, bump-allocated (64 KiB)
PT_END = RAM + 0x30000
STREAM = RAM + 0x40000        # the random stream, the same for every hart
DATA = RAM + 0x100000         # zero-filled data (a segment with no file bytes)
DATA_SIZE = 0x10000
MEM = 16 << 20                # --mem the programs are built for
# WARL bits that may be read-only zero (priv spec), which --portable leaves 0:
# the counter enables of the hpmcounters, envcfg.FIOM, and mie.SGEIE (with no
# guest interrupt file SGEIP never becomes pending).
HPM_ENABLES, FIOM, SGEIE = ~7 & 0xffffffff, 1, 1 << 12
M_TRAPS = 3000                # traps the M handler counts before the hart reports pass
S_TRAPS = 1500

# Device windows (emu/machine.hpp) and how far into each an access may go.
DEVICES = [(0x100000, 0x1000), (0x2000000, 0x10000), (0xc000000, 0x600000), (0x10000000, 0x100),
           (0x10001000, 0x100), (0x10010000, 0x5000), (0x1000, 0x1000), (TOHOST, 0x100)]
# With --aia (emu/machine.hpp map, devices/aplic.hpp, devices/imsic.hpp): the
# APLIC's M and S domains, the IMSICs' M-level pages and S-level pages (each
# hart's S page followed by its guest pages).
APLIC_M, APLIC_S, IMSIC_M, IMSIC_S = 0xc000000, 0xd000000, 0x24000000, 0x28000000
APLIC_REGS = [0x0, 0x4, 0x8, 0x100, 0x180, 0x1bc0, 0x1bc4, 0x1bc8, 0x1bcc, 0x1c00, 0x1c04, 0x1cdc, 0x1d00, 0x1ddc,
              0x1e00, 0x1e04, 0x1edc, 0x1f00, 0x1fdc, 0x2000, 0x2004, 0x3000, 0x3004, 0x3008, 0x3100]
APLIC_IDC = [0x00, 0x04, 0x08, 0x18, 0x1c]      # idelivery iforce ithreshold topi claimi, 32 bytes a hart
# *iselect numbers: major priorities (iprio0..15), eidelivery, eithreshold and the reserved 0x71/0x73..0x7f,
# eip0..63, eie0..63 (odd ones reserved on RV64), and some beyond.
ISELECTS = list(range(0x30, 0x40)) + list(range(0x70, 0x100)) + [0, 0x2f, 0x40, 0x100, 0xfff]
AIA_CSRS = [0x308, 0x309, 0x607, 0x608, 0x609, 0x646, 0x647, 0x35c, 0x15c, 0x25c, 0xfb0, 0xdb0, 0xeb0, 0xe12,
            0x30c, 0x60c, 0x10c, 0x600]        # mvien mvip hgeie hvien hvictl hviprio1/2 *topei *topi hgeip, stateen0s, hstatus
# CSRs whose values are the implementation's or the time's (--portable leaves them out):
# the counters and timers with their upper halves and events, and the identity registers.
TIMING_CSRS = set(range(0xc00, 0xc20)) | set(range(0xb00, 0xb20)) | set(range(0x320, 0x340)) | \
    {0x14d, 0x24d, 0x605, 0x615, 0xf11, 0xf12, 0xf13, 0xf15}
# The trigger module (Sdtrig): which triggers and types exist, and their reset
# state, are the implementation's: --portable leaves tselect, tdata1-3, tinfo,
# tcontrol and the context registers out too.
TIMING_CSRS |= set(range(0x7a0, 0x7a9)) | {0x5a8, 0x6a8}
# CSRs an implementation may keep read-only or writable, where a write changes
# what later instructions do (misa: which extensions are on): --portable only
# reads them.
WARL_CSRS = {0x301}
BASE_REGS = [5, 6, 7, 8, 9]   # t0-t2, s0, s1: bases for loads, stores and AMOs
T5, T6 = 30, 31               # the handlers' scratch registers


# ---------------------------------------------------------------- encoding

def r_type(op, rd, f3, rs1, rs2, f7):
    return (f7 << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | op


def i_type(op, rd, f3, rs1, imm):
    return ((imm & 0xfff) << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | op


def s_type(op, f3, rs1, rs2, imm):
    imm &= 0xfff
    return ((imm >> 5) << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | ((imm & 0x1f) << 7) | op


def b_type(f3, rs1, rs2, off):
    off &= 0x1fff
    return (((off >> 12) & 1) << 31) | (((off >> 5) & 0x3f) << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | \
        (((off >> 1) & 0xf) << 8) | (((off >> 11) & 1) << 7) | 0x63


def jal(rd, off):
    off &= 0x1fffff
    return (((off >> 20) & 1) << 31) | (((off >> 1) & 0x3ff) << 21) | (((off >> 11) & 1) << 20) | \
        (((off >> 12) & 0xff) << 12) | (rd << 7) | 0x6f


def addi(rd, rs1, imm): return i_type(0x13, rd, 0, rs1, imm)
def addiw(rd, rs1, imm): return i_type(0x1b, rd, 0, rs1, imm)
def slli(rd, rs1, sh): return i_type(0x13, rd, 1, rs1, sh & 0x3f)
def lui(rd, imm20): return ((imm20 & 0xfffff) << 12) | (rd << 7) | 0x37
def auipc(rd, imm20): return ((imm20 & 0xfffff) << 12) | (rd << 7) | 0x17
def ld(rd, rs1, imm): return i_type(0x03, rd, 3, rs1, imm)
def sd(rs2, rs1, imm): return s_type(0x23, 3, rs1, rs2, imm)
def sw(rs2, rs1, imm): return s_type(0x23, 2, rs1, rs2, imm)
def add(rd, rs1, rs2): return r_type(0x33, rd, 0, rs1, rs2, 0)
def csrrw(rd, csr, rs1): return i_type(0x73, rd, 1, rs1, csr)
def csrrs(rd, csr, rs1): return i_type(0x73, rd, 2, rs1, csr)
def csrrc(rd, csr, rs1): return i_type(0x73, rd, 3, rs1, csr)
WIDTH_F3 = {1: 0, 2: 1, 4: 2, 8: 3}
def load(width, rd, rs1, unsigned=False): return i_type(0x03, rd, WIDTH_F3[width] | 4 * (unsigned and width < 8), rs1, 0)
def store(width, rs2, rs1): return s_type(0x23, WIDTH_F3[width], rs1, rs2, 0)
def csrr(rd, csr): return csrrs(rd, csr, 0)
def csrw(csr, rs1): return csrrw(0, csr, rs1)


def sub_imm(rd, n):
    """rd -= n in addi steps (an immediate holds at most 2048)."""
    out = []
    while n > 0:
        out.append(addi(rd, rd, -min(n, 2048)))
        n -= min(n, 2048)
    return out


MRET, SRET, FENCE_I, ECALL, NOP = 0x30200073, 0x10200073, 0x0000100f, 0x00000073, 0x00000013


def li(rd, v):
    """Instructions that put the 64-bit value v in rd (no memory read)."""
    v &= (1 << 64) - 1
    if v >= 1 << 63:
        v -= 1 << 64
    if -2048 <= v < 2048:
        return [addi(rd, 0, v)]
    if -(1 << 31) <= v < (1 << 31):
        lo = ((v & 0xfff) ^ 0x800) - 0x800
        hi = ((v - lo) >> 12) & 0xfffff
        return [lui(rd, hi)] + ([addiw(rd, rd, lo)] if lo else [])
    lo = ((v & 0xfff) ^ 0x800) - 0x800
    hi = (v - lo) >> 12
    shift = 12
    while hi and not (hi & 1):
        hi >>= 1
        shift += 1
    return li(rd, hi) + [slli(rd, rd, shift)] + ([addi(rd, rd, lo)] if lo else [])


# ---------------------------------------------------------------- the tables

def read_table(path):
    rows = []
    for line in open(path):
        m = re.match(r'\s*INSN\((\w+),\s*"([^"]+)",\s*(0x[0-9a-fA-F]+),\s*(0x[0-9a-fA-F]+),\s*(\w+),\s*(\w+)\)', line)
        if m and int(m.group(4), 16) & 3 == 3:   # (a 16-bit row, c.mop.N: among the compressed parcels)
            rows.append((m.group(2), int(m.group(3), 16), int(m.group(4), 16), m.group(5), m.group(6)))
    return rows


def read_csrs(path):
    return [int(m.group(1), 16) for line in open(path)
            for m in [re.match(r'\s*CSR\(\w+,\s*"[^"]+",\s*(0x[0-9a-fA-F]+)\)', line)] if m]


# ---------------------------------------------------------------- page tables

class PageTables:
    """Sv39/Sv48 (and their x4 G-stage forms) built into a byte image."""

    def __init__(self, rng, image):
        self.rng, self.image, self.next = rng, image, PT_BASE

    def alloc(self, size=0x1000):
        self.next = (self.next + size - 1) & ~(size - 1)
        at = self.next
        self.next += size
        if self.next > PT_END:
            raise RuntimeError("page tables overflow")
        return at

    def put(self, pa, pte):
        off = pa - RAM
        self.image[off:off + 8] = struct.pack("<Q", pte)

    def get(self, pa):
        off = pa - RAM
        return struct.unpack("<Q", bytes(self.image[off:off + 8]))[0]

    def flags(self, user, gstage):
        r = self.rng
        f = 0x1  # V
        perms = r.choice([0xe, 0xe, 0xe, 0xa, 0x2, 0x6, 0x8, 0xc])  # XWR; mostly RWX, sometimes less
        f |= perms
        if r.random() < 0.85:
            f |= 0x40       # A
        if r.random() < 0.8:
            f |= 0x80       # D
        if user or gstage:
            f |= 0x10 if r.random() < 0.95 else 0   # G-stage leaves need U
        elif r.random() < 0.1:
            f |= 0x10
        if r.random() < 0.05:
            f |= 0x20       # G
        return f

    def map(self, root, levels, va, pa, leaf_level, flags, root_size=0x1000):
        """A leaf for va at leaf_level (0: 4K, 1: 2M, 2: 1G) in the table at root."""
        table = root
        for level in range(levels - 1, leaf_level, -1):
            bits = 11 if (level == levels - 1 and root_size == 0x4000) else 9
            idx = (va >> (12 + 9 * level)) & ((1 << bits) - 1)
            pte = self.get(table + 8 * idx)
            if pte & 1 and not (pte & 0xe):
                table = (pte >> 10) << 12
            else:
                nxt = self.alloc()
                self.put(table + 8 * idx, ((nxt >> 12) << 10) | 1)
                table = nxt
        bits = 11 if (leaf_level == levels - 1 and root_size == 0x4000) else 9
        idx = (va >> (12 + 9 * leaf_level)) & ((1 << bits) - 1)
        self.put(table + 8 * idx, ((pa >> 12) << 10) | flags)

    def build(self, user, gstage):
        """(mode for the atp register, root PA): a random regime mapping RAM (and the devices) onto itself."""
        r = self.rng
        mode = r.choice([0, 8, 8, 9])     # Bare, Sv39, Sv48
        if mode == 0:
            return 0, 0
        levels = 3 if mode == 8 else 4
        root_size = 0x4000 if gstage else 0x1000
        root = self.alloc(root_size)
        # The first 2 MiB of RAM (code, handlers, tables, data) in 4K or 2M pages, the rest in gigapages.
        if r.random() < 0.5:
            for page in range(0, 0x200000, 0x1000):
                if page < 0x180000 or r.random() < 0.1:
                    self.map(root, levels, RAM + page, RAM + page, 0, self.flags(user, gstage), root_size)
        else:
            self.map(root, levels, RAM, RAM, 1, self.flags(user, gstage), root_size)
        self.map(root, levels, RAM + 0x40000000, RAM + 0x40000000, 2, self.flags(user, gstage), root_size)
        self.map(root, levels, 0, 0, 2, self.flags(user, gstage), root_size)          # the devices
        for _ in range(r.randrange(4)):      # random extra leaves, some pointing nowhere
            va = r.randrange(0, 1 << (12 + 9 * levels)) & ~0xfff
            self.map(root, levels, va, r.choice([RAM, 0, r.randrange(1 << 40)]) & ~0x3fffffff, 2,
                     self.flags(user, gstage), root_size)
        return mode, root


# ---------------------------------------------------------------- the program

class Program:
    def __init__(self, seed, table, csrs, keep=None, portable=False):
        self.seed = seed
        self.rng = random.Random(seed)
        self.portable = portable
        # wrs.nto below M with TW (or VTW) set traps only after an implementation-specific time limit,
        # which may be zero: --portable leaves it out.
        self.table = [t for t in table if not (portable and t[0] == "wrs.nto")]
        self.csrs = [c for c in csrs if not (portable and c in TIMING_CSRS)]
        r = self.rng
        self.harts = r.choice([1, 1, 1, 2, 3, 4])
        self.isa = r.choice(["", "", "", "rv64gc", "rv64imac"])
        self.h = self.isa == ""
        self.sstc = r.random() < 0.8
        self.demo_devices = r.random() < 0.3
        self.no_tlb = r.random() < 0.1
        self.entry = r.choice(["M", "S", "U"] + (["HS", "VS", "VS", "VU", "VU"] if self.h else []))
        self.image = bytearray(STREAM - RAM)
        self.units = self.make_stream()
        self.keep = keep
        # Choices added since: drawn from a generator of their own, and their
        # units after the others, so that earlier seeds (and the reproducers
        # kept as SEED UNITS) still make the programs they made.
        self.x = x = random.Random(f"aia:{seed}")
        self.aia = x.choice(["none", "none", "aplic", "aplic-imsic", "aplic-imsic"])
        self.aia_guests = x.choice([0, 1, 7, 7]) if self.aia == "aplic-imsic" and self.h else 7
        if portable:
            self.aia = "none"   # the interrupt controllers are the platform's
        self.devices = DEVICES + self.aia_windows()
        if not portable:
            self.units += [self.device_access() if x.random() < 0.6 else self.aia_csr_access()
                           for _ in range(x.randrange(10, 60))]

    def options(self):
        o = ["--mem", "16M"]
        if self.harts > 1:
            o += ["--harts", str(self.harts)]
        if self.isa:
            o += ["--isa", self.isa]
        if not self.sstc:
            o += ["--no-sstc"]
        if self.demo_devices:
            o += ["--demo-devices"]
        if self.no_tlb:
            o += ["--no-tlb"]
        if self.aia != "none":
            o += ["--aia", self.aia]
        if self.aia_guests != 7:
            o += ["--aia-guests", str(self.aia_guests)]
        return o

    def aia_windows(self):
        """(base, size) of the AIA devices the machine has."""
        if self.aia == "none":
            return []
        aplic = 0x4000 + ((32 * self.harts + 0x3fff) & ~0x3fff)
        w = [(APLIC_M, aplic), (APLIC_S, aplic)]
        if self.aia == "aplic-imsic":
            guest_bits = (self.aia_guests).bit_length() if self.h else 0   # ceil(log2(GEILEN + 1))
            w += [(IMSIC_M, 0x1000 * self.harts), (IMSIC_S, (0x1000 << guest_bits) * self.harts)]
        return w

    # -- the stream

    def random_row(self):
        r = self.rng
        # Bias: SYSTEM, H and A rows (few in the table) a third of the time.
        special = [t for t in self.table if (t[2] & 0x7f) in (0x73, 0x2f)]
        return r.choice(special if r.random() < 0.35 else self.table)

    def table_insn(self):
        r = self.rng
        name, mask, match, fmt, ext = self.random_row()
        insn = match | (r.getrandbits(32) & ~mask & 0xffffffff)
        op = match & 0x7f
        if op in (0x03, 0x23, 0x07, 0x27, 0x2f) or (op == 0x73 and (match >> 25) in (0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37)):
            if r.random() < 0.8:      # a base register: RAM, a device, or a misaligned neighbour of them
                insn = (insn & ~(0x1f << 15)) | (r.choice(BASE_REGS) << 15)
            if op in (0x03, 0x07) and r.random() < 0.7:
                insn = (insn & 0x000fffff) | ((r.randrange(-64, 64) & 0xfff) << 20)
            if op in (0x23, 0x27) and r.random() < 0.7:
                imm = r.randrange(-64, 64) & 0xfff
                insn = (insn & 0x01fff07f) | ((imm >> 5) << 25) | ((imm & 0x1f) << 7)
        if op in (0x63, 0x6f, 0x67) and r.random() < 0.8:
            # Branches and jumps mostly stay near: forward, a few instructions.
            if op == 0x63:
                insn = b_type((insn >> 12) & 7, (insn >> 15) & 31, (insn >> 20) & 31, 4 * r.randrange(1, 8))
            elif op == 0x6f:
                insn = jal((insn >> 7) & 31, 4 * r.randrange(1, 8))
            else:
                insn = NOP
        if ((insn >> 7) & 31) in BASE_REGS and r.random() < 0.7:
            insn = (insn & ~(0x1f << 7)) | (r.choice([10, 11, 12, 13, 14, 15, 16, 17]) << 7)
        if self.portable and op == 0x73 and (insn >> 12) & 3 and (insn >> 20) in TIMING_CSRS:
            insn = (insn & 0xfffff) | (r.choice(self.csrs) << 20)
        return [self.read_only_warl(insn)]

    def read_only_warl(self, insn):
        """With --portable, a CSR instruction naming one of WARL_CSRS becomes a plain read of it."""
        if self.portable and insn & 0x7f == 0x73 and (insn >> 12) & 3 and (insn >> 20) in WARL_CSRS:
            return i_type(0x73, (insn >> 7) & 31, 2, 0, insn >> 20)
        return insn

    def csr_insn(self):
        r = self.rng
        csr = r.choice(self.csrs) if r.random() < 0.7 else r.getrandbits(12)
        while self.portable and csr in TIMING_CSRS:
            csr = r.getrandbits(12)
        f3 = r.choice([1, 2, 3, 5, 6, 7])
        rd = r.choice([0, 10, 11, 12, 13])
        rs1 = r.choice([0, 10, 11, 12, 13, 14, 15, 16, 17]) if f3 < 4 else r.getrandbits(5)
        seq = []
        if f3 < 4 and rs1 and r.random() < 0.5:
            seq += li(rs1, r.choice([0, -1, r.getrandbits(64), 1 << r.randrange(64), r.getrandbits(12)]))
        return seq + [self.read_only_warl(i_type(0x73, rd, f3, rs1, csr))]

    def rebase(self):
        r = self.rng
        reg = r.choice(BASE_REGS)
        if r.random() < 0.45 and not self.portable:
            base, size = r.choice(DEVICES)
            v = base + (r.randrange(size) & ~r.choice([0, 3, 7]))
        elif r.random() < 0.8:
            v = DATA + r.randrange(DATA_SIZE - 64) + r.choice([0, 0, 1, 2, 3, 4, 6, 7])
        else:
            v = r.choice([0, r.getrandbits(64), RAM + MEM - 8, RAM + MEM, STREAM + r.randrange(0x1000), PT_BASE])
            if self.portable and v < 0x1000:
                v = RAM + MEM
            while self.portable and not (RAM <= v < 1 << 63):   # beyond RAM: nothing, on any platform
                v = r.getrandbits(64)
        return li(reg, v)

    def device_access(self):
        """A load or store of any width at a device register (or near one), with a random or telling value."""
        x = self.x
        aia = self.aia_windows()
        base, size = x.choice(aia) if aia and x.random() < 0.6 else x.choice(self.devices)
        if base in (APLIC_M, APLIC_S) and x.random() < 0.8:
            off = x.choice(APLIC_REGS + [0x4 * x.randrange(1, 97), 0x3004 + 4 * x.randrange(96),
                                         0x4000 + 32 * x.randrange(self.harts) + x.choice(APLIC_IDC)])
        elif base in (IMSIC_M, IMSIC_S) and x.random() < 0.8:
            off = x.randrange(size) & ~0xfff | x.choice([0, 4, 8, 0xffc])   # seteipnum_le, _be, beyond
        else:
            off = x.randrange(size)
        width = x.choice([1, 2, 4, 4, 8])
        off &= ~(width - 1) if x.random() < 0.85 else ~0
        value = x.choice([x.randrange(64), x.randrange(2048), x.getrandbits(32), x.getrandbits(64), 0, (1 << 64) - 1,
                          (1 << 8) | (1 << 2) | 0x80000000, x.randrange(8), 1 << x.randrange(64)])
        seq = li(12, base + off)
        if x.random() < 0.55:
            return seq + li(13, value) + [store(width, 13, 12)]
        return seq + [load(width, 13, 12, x.random() < 0.5)]

    def aia_csr_access(self):
        """An *iselect write then an access to its *ireg, or an AIA CSR written or read (claims through *topei)."""
        x = self.x
        seq = []
        if x.random() < 0.6:
            select, reg = x.choice([(0x350, 0x351), (0x150, 0x151), (0x250, 0x251)])
            seq += li(12, x.choice(ISELECTS) if x.random() < 0.9 else x.getrandbits(64)) + [csrw(select, 12)]
            csr = reg
        else:
            csr = x.choice(AIA_CSRS)
        value = x.choice([0, 1, (1 << 64) - 1, x.getrandbits(64), x.getrandbits(12), 1 << x.randrange(64),
                          x.randrange(64) << 12])
        seq += li(13, value)
        return seq + [x.choice([csrrw, csrrs, csrrc])(x.choice([0, 14]), csr, x.choice([0, 13]))]

    def aia_setup(self):
        """M-mode: the interrupt files and the APLIC domains sometimes set up to deliver (x's draws)."""
        x = self.x
        if self.aia == "none":
            return []
        code = []
        csr = lambda num, value: li(T5, value) + [csrw(num, T5)]
        # mstateen0 and hstateen0: CSRIND (60), AIA (59), IMSIC (58), mostly on; SE0 (63) too
        on = (1 << 63) | (7 << 58)
        code += csr(0x30c, on if x.random() < 0.8 else x.getrandbits(64))
        if self.h:
            code += csr(0x60c, on if x.random() < 0.7 else x.getrandbits(64))
            code += csr(0x600, (x.randrange(self.aia_guests + 2) << 12) | (1 << 7) * x.randrange(2))  # VGEIN, SPV
            code += csr(0x607, x.getrandbits(8) << 1)                          # hgeie
        if self.aia == "aplic-imsic":
            for select, reg in [(0x350, 0x351), (0x150, 0x151)] + ([(0x250, 0x251)] if self.h else []):
                if x.random() < 0.7:
                    code += csr(select, 0x70) + csr(reg, 1)                  # eidelivery on
                    code += csr(select, 0x72) + csr(reg, x.choice([0, 0, x.randrange(64)]))   # eithreshold
                    code += csr(select, 0xc0) + csr(reg, x.getrandbits(64))   # eie0..63
                    code += csr(select, 0x80) + csr(reg, x.getrandbits(64) * (x.random() < 0.3))   # eip0..63
        for dom in (APLIC_M, APLIC_S):
            if x.random() < 0.6:
                put = lambda off, value: li(T6, dom + off) + li(T5, value) + [sw(T5, T6, 0)]
                for _ in range(x.randrange(1, 5)):   # a source: its mode, its target (hart, guest, EIID), enabled
                    src = x.randrange(1, 97)
                    code += put(4 * src, x.randrange(8))                                          # sourcecfg
                    code += put(0x3000 + 4 * src, (x.randrange(self.harts) << 18) | (x.randrange(2) << 12) |
                                x.randrange(64))                                                  # target
                    code += put(0x1edc, src)                                                      # setienum
                # domaincfg: IE, and DM (MSI delivery) when there are IMSICs
                code += put(0, 0x80000000 | (1 << 8) | (4 if self.aia == "aplic-imsic" else 0))
        return code

    def compressed(self):
        r = self.rng
        parcels = []
        for _ in range(2):
            c = r.getrandbits(16)
            if c & 3 == 3:
                c &= ~1
            parcels.append(c)
        return [parcels[0] | (parcels[1] << 16)]

    def self_modify(self):
        r = self.rng
        name, mask, match, fmt, ext = self.random_row()
        new = self.read_only_warl(match | (r.getrandbits(32) & ~mask & 0xffffffff))
        slots = r.randrange(2, 8)
        fence = self.portable or r.random() < 0.6
        # The store goes to one of the NOPs that follow: auipc, sw, [fence.i], then the NOPs.
        target = 4 * (2 + fence + r.randrange(slots))
        seq = li(12, new) + [auipc(13, 0), sw(12, 13, target)]
        if fence:
            seq.append(FENCE_I)
        return seq + [NOP] * slots

    def make_stream(self):
        r = self.rng
        units = []
        n = r.randrange(40, 400)
        for _ in range(n):
            k = r.random()
            if k < 0.45:
                units.append(self.table_insn())
            elif k < 0.65:
                units.append(self.csr_insn())
            elif k < 0.80:
                units.append(self.rebase())
            elif k < 0.90:
                units.append(self.compressed())
            elif k < 0.95:
                units.append(self.self_modify())
            else:
                units.append([r.choice([MRET, SRET, ECALL, 0x10500073, 0x00100073, FENCE_I, 0x12000073])])
        return units

    # -- set-up and handlers (M-mode, physical addresses)

    def setup(self, pt):
        r = self.rng
        code = []
        csr = lambda num, value: li(T5, value) + [csrw(num, T5)]
        if self.portable:
            code.append(addi(11, 0, 0))     # a1: the device tree's address, the platform's
        # mscratch: this hart's M area (a0 = hart id from the boot ROM).
        code += li(T6, SCRATCH) + [slli(T5, 10, 7), add(T6, T6, T5), csrw(0x340, T6)]
        code += [addi(T5, T6, 0x40), csrw(0x140, T5)]           # sscratch: the S area
        code += csr(0x305, RAM + 0x800)                        # mtvec: the M handler
        code += csr(0x3b0, (1 << 54) - 1) + csr(0x3a0, 0x1f)    # pmpaddr0, pmpcfg0: NAPOT RWX over everything
        no_ecall_s = ~((1 << 9) | (1 << 10)) & 0xffff
        code += csr(0x302, self.deleg(r.getrandbits(16) & no_ecall_s if r.random() < 0.7 else 0))   # medeleg
        code += csr(0x303, r.getrandbits(16) if r.random() < 0.6 else 0)                # mideleg
        code += csr(0x105, RAM + 0xa00)                                                 # stvec: the S handler
        mstatus = r.getrandbits(64) & ((1 << 18) | (1 << 19) | (3 << 13) | (1 << 20) | (1 << 21) | (1 << 22) |
                                      (1 << 1) | (1 << 3) | (1 << 5))   # SUM MXR FS TVM TW TSR SIE MIE SPIE
        if r.random() < 0.7:
            mstatus |= 1 << 13                                  # FS on
        if r.random() < 0.6:
            mstatus &= ~((1 << 20) | (1 << 21) | (1 << 22))     # mostly no TVM/TW/TSR
        code += csr(0x30a, self.settled(r.getrandbits(64) & ((1 << 63) | (1 << 62) | 0xf1 | (1 << 61)), FIOM))  # menvcfg
        code += csr(0x306, self.settled(r.getrandbits(32), HPM_ENABLES))              # mcounteren
        code += csr(0x106, self.settled(r.getrandbits(32), HPM_ENABLES))              # scounteren
        code += csr(0x304, self.settled(r.getrandbits(16) if r.random() < 0.5 else 0, SGEIE))   # mie
        if self.sstc:
            code += csr(0x14d, self.timer(r.choice([0, r.randrange(1 << 16), (1 << 64) - 1])))  # stimecmp
        # mtimecmp of this hart through the CLINT
        code += li(T5, 0x2004000) + [slli(T6, 10, 3), add(T5, T5, T6)]
        code += li(T6, self.timer(r.choice([r.randrange(1 << 14), (1 << 64) - 1, r.getrandbits(64)]))) + [sd(T6, T5, 0)]
        satp_mode, satp_root = pt.build(self.entry in ("U", "VU"), False)
        code += csr(0x180, (satp_mode << 60) | (r.getrandbits(16) << 44) * (r.random() < 0.3) | (satp_root >> 12))
        if self.h:
            code += csr(0x602, self.deleg(r.getrandbits(16) & no_ecall_s & ~(1 << 8) if r.random() < 0.7 else 0))  # hedeleg
            code += csr(0x603, r.getrandbits(16) if r.random() < 0.6 else 0)           # hideleg
            code += csr(0x600, r.getrandbits(64) & ((1 << 22) | (1 << 21) | (1 << 20) | (1 << 9) | (1 << 8) | (1 << 7)))
            code += csr(0x60a, self.settled(r.getrandbits(64) & ((1 << 63) | (1 << 62) | 0xf1), FIOM))  # henvcfg
            code += csr(0x606, self.settled(r.getrandbits(32), HPM_ENABLES))           # hcounteren
            code += csr(0x205, RAM + 0xa00)                                            # vstvec
            code += [addi(T5, 0, 0), csrr(T5, 0x140), csrw(0x240, T5)]                 # vsscratch = sscratch
            code += csr(0x605, 0 if self.portable else r.choice([0, r.getrandbits(64)]))  # htimedelta
            if self.sstc:
                code += csr(0x24d, self.timer(r.choice([0, r.randrange(1 << 16), (1 << 64) - 1])))  # vstimecmp
            code += csr(0x645, r.getrandbits(16) if r.random() < 0.2 else 0)           # hvip
            g_mode, g_root = pt.build(True, True)
            code += csr(0x680, (g_mode << 60) | (r.getrandbits(14) << 44) * (r.random() < 0.3) | (g_root >> 12))
            vs_mode, vs_root = pt.build(self.entry == "VU", False)
            code += csr(0x280, (vs_mode << 60) | (vs_root >> 12))
            code += csr(0x200, self.without_f(r.getrandbits(64) & ((1 << 18) | (1 << 19) | (3 << 13) | (1 << 1) |
                                                                  (1 << 5))))  # vsstatus
        mpp = {"M": 3, "S": 1, "HS": 1, "U": 0, "VS": 1, "VU": 0}[self.entry]
        mstatus = self.without_f(mstatus)
        mstatus |= mpp << 11
        if self.entry in ("VS", "VU"):
            mstatus |= 1 << 39                                  # MPV
        code += self.aia_setup()
        code += self.fp_init()
        code += csr(0x300, mstatus)
        for reg in BASE_REGS:
            code += self.rebase_reg(reg)
        code += li(T5, STREAM) + [csrw(0x341, T5), MRET]
        return code

    def deleg(self, value):
        """medeleg/hedeleg: with --portable a misaligned AMO or LR/SC's two
        causes (misaligned or access fault, the implementation's choice) go to
        the same mode: bits 4 and 6 follow bits 5 and 7; bit 0 (misaligned
        fetch, which may be read-only zero with IALIGN 16) is left 0."""
        if self.portable:
            value = (value & ~0x51) | ((value >> 1) & 0x50)
        return value

    def settled(self, value, bits):
        """A set-up CSR value: with --portable, `bits` (WARL bits whose
        writability is the implementation's) left 0."""
        return value & ~bits if self.portable else value

    def without_f(self, status):
        """mstatus/vsstatus: with --portable and no F, FS left 0 (without F
        it may be writable or read-only zero: the implementation's)."""
        return status & ~(3 << 13) if self.portable and self.isa == "rv64imac" else status

    def fp_init(self):
        """With --portable and D: every f register written (+0.0), as its reset
        value is UNSPECIFIED; FS Initial for the writes (mstatus is written after)."""
        if not self.portable or self.isa == "rv64imac":
            return []
        return li(T5, 1 << 13) + [csrrs(0, 0x300, T5)] + [0xf2000053 | (f << 7) for f in range(32)]   # fmv.d.x f, x0

    def timer(self, value):
        """A compare value for a timer: `value`, or never with --portable."""
        return (1 << 64) - 1 if self.portable else value

    def rebase_reg(self, reg):
        r = self.rng
        base, size = r.choice(DEVICES) if r.random() < 0.4 and not self.portable else (DATA, DATA_SIZE - 64)
        return li(reg, base + r.randrange(size))

    def m_handler(self):
        c = [csrrw(T6, 0x340, T6), sd(T5, T6, 0), ld(T5, T6, 8), addi(T5, T5, 1), sd(T5, T6, 8)]
        c += sub_imm(T5, M_TRAPS)
        done = len(c)
        c += [0]                                            # bge t5, x0, done (patched below)
        c += [csrr(T5, 0x342)]                              # mcause
        intr = len(c)
        c += [0]                                            # blt t5, x0, interrupt
        c += [csrr(T5, 0x341), addi(T5, T5, 4), csrw(0x341, T5)]
        resume = len(c)
        c += [ld(T5, T6, 0), csrrw(T6, 0x340, T6), MRET]
        interrupt = len(c)
        c += [csrw(0x304, 0), jal(0, 4 * (resume - interrupt - 1))]   # mask what interrupted, resume
        finish = len(c)
        c += li(T5, 1) + li(T6, TOHOST) + [sd(T5, T6, 0), jal(0, 0)]
        c[done] = b_type(5, T5, 0, 4 * (finish - done))
        c[intr] = b_type(4, T5, 0, 4 * (interrupt - intr))
        return c

    def s_handler(self):
        c = [csrrw(T6, 0x140, T6), sd(T5, T6, 0), ld(T5, T6, 8), addi(T5, T5, 1), sd(T5, T6, 8)]
        c += sub_imm(T5, S_TRAPS)
        give_up = len(c)
        c += [0]
        c += [csrr(T5, 0x142)]                              # scause
        intr = len(c)
        c += [0]
        c += [csrr(T5, 0x141), addi(T5, T5, 4), csrw(0x141, T5)]
        resume = len(c)
        c += [ld(T5, T6, 0), csrrw(T6, 0x140, T6), SRET]
        interrupt = len(c)
        c += [csrw(0x104, 0), jal(0, 4 * (resume - interrupt - 1))]   # sie = 0
        stop = len(c)
        c += [ECALL, jal(0, -4)]                            # to M, which counts until it reports
        c[give_up] = b_type(5, T5, 0, 4 * (stop - give_up))
        c[intr] = b_type(4, T5, 0, 4 * (interrupt - intr))
        return c

    # -- the ELF

    def build(self):
        pt = PageTables(self.rng, self.image)
        setup = self.setup(pt)
        mh, sh = self.m_handler(), self.s_handler()
        assert len(setup) * 4 <= 0x800 and len(mh) * 4 <= 0x200 and len(sh) * 4 <= 0x200, "set-up too long"
        put = lambda at, words: struct.pack_into("<%dI" % len(words), self.image, at - RAM, *words)
        put(RAM, setup)
        put(RAM + 0x800, mh)
        put(RAM + 0xa00, sh)
        stream = []
        for i, u in enumerate(self.units):
            if self.keep is None or i in self.keep:
                stream += u
        stream.append(jal(0, -4 * len(stream)))             # round again
        code = struct.pack("<%dI" % len(stream), *stream)
        return elf(bytes(self.image) + code, RAM)


def elf(data, base):
    """An ET_EXEC RISC-V ELF: the image as one segment, a zero-filled data segment, tohost/fromhost symbols."""
    strtab = b"\0tohost\0fromhost\0_start\0"
    shstr = b"\0.text\0.bss\0.symtab\0.strtab\0.shstrtab\0"
    sym = lambda name, value, shndx, info: struct.pack("<IBBHQQ", name, info, 0, shndx, value, 0)
    symtab = sym(0, 0, 0, 0) + sym(1, TOHOST, 1, 0x11) + sym(8, FROMHOST, 1, 0x11) + sym(17, base, 1, 0x12)
    ehsize, phsize = 64, 56
    off_data = 0x1000
    off_sym = off_data + len(data)
    off_str = off_sym + len(symtab)
    off_shstr = off_str + len(strtab)
    off_sh = (off_shstr + len(shstr) + 7) & ~7
    ph = struct.pack("<IIQQQQQQ", 1, 7, off_data, base, base, len(data), len(data), 0x1000)
    ph += struct.pack("<IIQQQQQQ", 1, 6, off_data + len(data), DATA, DATA, 0, DATA_SIZE, 0x1000)
    sh = lambda name, typ, flags, addr, off, size, link, info, align, ent: struct.pack(
        "<IIQQQQIIQQ", name, typ, flags, addr, off, size, link, info, align, ent)
    shdrs = sh(0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
    shdrs += sh(1, 1, 7, base, off_data, len(data), 0, 0, 4, 0)
    shdrs += sh(7, 8, 3, DATA, off_data + len(data), DATA_SIZE, 0, 0, 8, 0)
    shdrs += sh(12, 2, 0, 0, off_sym, len(symtab), 4, 1, 8, 24)
    shdrs += sh(20, 3, 0, 0, off_str, len(strtab), 0, 0, 1, 0)
    shdrs += sh(28, 3, 0, 0, off_shstr, len(shstr), 0, 0, 1, 0)
    eh = b"\x7fELF" + bytes([2, 1, 1, 0]) + bytes(8)
    eh += struct.pack("<HHIQQQIHHHHHH", 2, 243, 1, base, ehsize, off_sh, 0x5, ehsize, phsize, 2, 64, 6, 5)
    out = bytearray(eh + ph)
    out += bytes(off_data - len(out)) + data + symtab + strtab + shstr
    out += bytes(off_sh - len(out)) + shdrs
    return bytes(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--def", dest="table", required=True)
    ap.add_argument("--csrs", required=True)
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--count", type=int, default=1)
    ap.add_argument("--keep", help="stream units to keep, by index (a shrunk program)")
    ap.add_argument("--portable", action="store_true", help="only what the ISA decides (see above)")
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    table, csrs = read_table(a.table), read_csrs(a.csrs)
    keep = None if a.keep is None else {int(x) for x in a.keep.split(",") if x}
    os.makedirs(a.out, exist_ok=True)
    for seed in range(a.seed, a.seed + a.count):
        p = Program(seed, table, csrs, keep, a.portable)
        name = f"fuzz-{seed}.elf"
        with open(os.path.join(a.out, name), "wb") as f:
            f.write(p.build())
        print(name, " ".join(p.options()))


if __name__ == "__main__":
    main()
