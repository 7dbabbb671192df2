#!/usr/bin/env python3
"""The disassembler against Capstone 5, a second oracle beside GNU objdump
(the primary one, disasm_vs_objdump.py). The same encodings: every row of
isa/instructions.def with edge and random operands, and every 16-bit value;
so rows added to the table are covered without touching this file.

Capstone 5 comes from the npm package @alexaltea/capstone-js 5.0.9 run under
Node (Debian 12's libcapstone 4.0.2 has no RISC-V). It is installed on first
use into a cache outside the source tree ($STEPVISOR_CAPSTONE_CACHE, default
~/.cache/stepvisor-capstone); without Node, npm or the package the test is
skipped (exit 77).

Capstone is compared where it decodes the instruction (it has no H
extension, for one). Its text matches when it equals the disassembler's with
objdump's aliases or without them, once spaces after commas are dropped.
Numbers are compared by value (Capstone prints hexadecimal immediates).
Every other difference belongs to a named class in DIFFERENCES (Capstone's
conventions, not errors of either side); a difference in no class fails.

usage: disasm_vs_capstone.py --tool DISASM_DUMP --def isa/instructions.def
"""
import argparse
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from disasm_vs_objdump import BASE16, BASE32, first_row, gen32, parse_def, run_tool  # noqa: E402

PACKAGE = "@alexaltea/capstone-js@5.0.9"
HERE = os.path.dirname(os.path.abspath(__file__))

# Named classes of difference: (name, predicate over (our texts with and
# without aliases, Capstone's, the address)), all normalised.
U_CSRS = {"ustatus": 0x000, "uie": 0x004, "utvec": 0x005, "uscratch": 0x040, "uepc": 0x041, "ucause": 0x042,
          "utval": 0x043, "uip": 0x044, "sedeleg": 0x102, "sideleg": 0x103}


def _split(t):
    m, _, ops = t.partition(" ")
    return m, ops.split(",") if ops else []


def _pc_relative(ours, c, addr):
    for o in ours:
        (om, oo), (cm, co) = _split(o), _split(c)
        if (om == cm and len(oo) == len(co) and oo and oo[:-1] == co[:-1] and re.fullmatch(r"[0-9a-f]+", oo[-1])
                and re.fullmatch(r"-?\d+", co[-1])):
            if (int(oo[-1], 16) - addr) % (1 << 64) == int(co[-1]) % (1 << 64):
                return True
    return False


def _u_csr(ours, c, addr):
    cm, co = _split(c)
    co = [str(U_CSRS[x]) if x in U_CSRS else x for x in co]
    return any(_split(o) == (cm, co) or _split(o)[1] == co and _split(o)[0] + "i" == cm for o in ours) \
        and any(x in U_CSRS for x in _split(c)[1])


# Names Capstone gives differently, undone before the comparison: (name, rewrite of Capstone's text).
RENAMES = [
    ("Capstone 5's CSR table swaps pmpaddr13 and pmpaddr14 (the spec: pmpaddrN is 0x3b0 + N, "
     "so 0x3bd is pmpaddr13); a Capstone error",
     lambda c: re.sub(r"pmpaddr1([34])\b", lambda m: "pmpaddr1" + ("4" if m.group(1) == "3" else "3"), c)),
    ("Capstone calls 0x7b2 dscratch, the Debug spec 0.13's name; 1.0 and objdump call it dscratch0",
     lambda c: re.sub(r"\bdscratch\b", "dscratch0", c)),
    ("Capstone prints csrrs rd,cycleh/timeh/instreth,zero as rdcycleh/rdtimeh/rdinstreth "
     "(RV32-only CSRs; objdump: csrr rd,cycleh)",
     lambda c: re.sub(r"^rd(cycleh|timeh|instreth) (\w+)$", r"csrr \2,\1", c)),
]

CSR_ADDR = {}   # the disassembler's CSR names (isa/csrs.def), filled in main()


def _csr_number(ours, c, addr):
    """Capstone prints a number where the disassembler names the CSR at that address."""
    cm, co = _split(c)
    for o in ours:
        om, oo = _split(o)
        if om.rstrip("i") != cm.rstrip("i") or len(oo) != len(co):
            continue
        diff = [(x, y) for x, y in zip(oo, co) if x != y]
        if (len(diff) == 1 and re.fullmatch(r"\d+", diff[0][1]) and re.fullmatch(r"[a-z][a-z0-9]*", diff[0][0])
                and CSR_ADDR.get(diff[0][0], int(diff[0][1])) == int(diff[0][1])):
            return True
    return False


def _prefetch(ours, c, addr):
    """Capstone 5 has no Zicbop: prefetch.i/r/w off(rs1) is ori zero,rs1,off + 0/1/3 to it."""
    m = re.fullmatch(r"ori zero,(\w+),(-?\d+)", c)
    for o in ours:
        p = re.fullmatch(r"prefetch\.([irw]) (-?\d+)\((\w+)\)", o)
        if m and p and p.group(3) == m.group(1) and int(p.group(2)) + "ir.w".index(p.group(1)) == int(m.group(2)):
            return True
    return False


DIFFERENCES = [
    ("Capstone 5 has no Zicbop: it prints prefetch.i/r/w off(rs1) as the ori zero,rs1,imm they are "
     "(checked: imm = off + 0, 1 or 3)", _prefetch),
    ("Capstone 5 has no names for the V extension's, the H extension's and some counter CSRs "
     "(vstart, hgatp, mhpmevent31h, ...): it prints their numbers (checked against isa/csrs.def where the name is there)",
     _csr_number),
    ("Capstone prints branch and jump targets as offsets from pc, objdump as addresses (checked to agree)",
     _pc_relative),
    ("Capstone names the N extension's CSRs (ustatus, ..., uip, sedeleg, sideleg), "
     "which the privileged spec 1.12 no longer has; objdump and the disassembler print their numbers",
     _u_csr),
    ("objdump writes csrrwi/csrrsi/csrrci with rd = zero as csrw/csrs/csrc with an immediate, "
     "Capstone as csrwi/csrsi/csrci",
     lambda ours, c, a: _split(c)[0] in ("csrwi", "csrsi", "csrci") and _split(ours[0])[0] + "i" == _split(c)[0]
     and _split(ours[0])[1] == _split(c)[1]),
    ("Capstone leaves out rd = zero of fsrmi/fsflagsi (objdump: fsrmi zero,N)",
     lambda ours, c, a: re.sub(r"^(fs\w+) zero,", r"\1 ", ours[0]) == c),
    ("Capstone prints C.NOP's hint immediate nowhere (objdump: c.nop N)",
     lambda ours, c, a: c == "c.nop" and (ours[0] == "nop" or ours[0].startswith("c.nop "))),
    ("Capstone prints addi rd,zero,0 as mv rd,zero (objdump: li rd,0)",
     lambda ours, c, a: re.fullmatch(r"li (\w+),0", ours[0]) is not None and c == "mv %s,zero" % ours[0][3:-2]),
    ("Capstone prints the shift-by-zero forms c.slli64/c.srli64/c.srai64 as c.slli/c.srli/c.srai with 0",
     lambda ours, c, a: re.fullmatch(r"c\.(slli|srli|srai)64 (\w+)", ours[1]) is not None
     and c == "c.%s %s,0" % (ours[1][2:6], ours[1].split(" ")[1])),
    ("Capstone writes jalr's operands as rd,rs1,imm (objdump: rd,imm(rs1))",
     lambda ours, c, a: any(re.sub(r"^(jalr \w+),(-?\d+)\((\w+)\)$", r"\1,\3,\2", o) == c for o in ours)),
    ("Capstone 5 has no Zihintntl, Zihintpause or Zcmop: it prints ntl.*, c.ntl.*, pause and c.mop.N "
     "as the add zero,zero,xN / c.add zero,xN / fence w,unknown / c.lui xN,0 they are encodings of "
     "(checked: the register is the hint's)",
     lambda ours, c, a: re.fullmatch(r"add zero,zero,(sp|gp|tp|t0)", c) is not None and ours[0].startswith("ntl.")
     and "sp gp tp t0".split().index(c.split(",")[2]) == ["ntl.p1", "ntl.pall", "ntl.s1", "ntl.all"].index(ours[0])
     or re.fullmatch(r"c\.add zero,(sp|gp|tp|t0)", c) is not None and ours[1].startswith("c.ntl.")
     or c == "fence w,unknown" and ours[0] == "pause"
     or re.fullmatch(r"c\.lui (\w+),0", c) is not None and ours[0].startswith("c.mop.")
     and ["ra", "gp", "t0", "t2", "s1", "a1", "a3", "a5"].index(c.split(" ")[1].split(",")[0]) * 2 + 1
     == int(ours[0][6:])),
    ("Capstone decodes RVC encodings the spec reserves (e.g. C.LUI with immediate 0); "
     "the disassembler prints them as .2byte, as objdump does",
     lambda ours, c, a: ours[0].startswith(".2byte")),
]


def norm(t):
    """One space after the mnemonic, none after commas, every number in decimal."""
    t = re.sub(r"\s+", " ", t.strip())
    t = re.sub(r",\s*", ",", t)
    return re.sub(r"(?<![\w.])(-?)(0x[0-9a-f]+|\d+)\b", lambda m: str(int(m.group(1) + m.group(2), 0)), t)


def module_dir():
    cache = os.environ.get("STEPVISOR_CAPSTONE_CACHE", os.path.expanduser("~/.cache/stepvisor-capstone"))
    mod = os.path.join(cache, "node_modules", "@alexaltea", "capstone-js")
    if os.path.exists(os.path.join(mod, "dist", "capstone.js")):
        return mod
    if not shutil.which("npm"):
        return None
    os.makedirs(cache, exist_ok=True)
    r = subprocess.run(["npm", "install", "--prefix", cache, "--no-audit", "--no-fund", "--silent", PACKAGE],
                       capture_output=True, text=True, timeout=300)
    if r.returncode != 0:
        print(r.stderr[-500:])
        return None
    return mod if os.path.exists(os.path.join(mod, "dist", "capstone.js")) else None


def capstone(mod, lines):
    """{addr: text} for "addr hex" lines ('' where Capstone does not decode)."""
    r = subprocess.run(["node", os.path.join(HERE, "capstone_disasm.js"), mod], input="\n".join(lines) + "\n",
                       capture_output=True, text=True, check=True, timeout=600)
    out = {}
    for l in r.stdout.splitlines():
        a, h, t = (l.split("\t", 2) + [""])[:3]
        out[int(a, 16)] = t
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--tool", required=True)
    ap.add_argument("--def", dest="deffile", required=True)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--random-per-row", type=int, default=8)
    ap.add_argument("--show", type=int, default=3, help="examples per row")
    args = ap.parse_args()
    if not shutil.which("node"):
        print("skipped: node is not installed")
        return 77
    mod = module_dir()
    if not mod:
        print(f"skipped: {PACKAGE} is not installed and npm could not install it")
        return 77

    rows = parse_def(args.deffile)
    with open(os.path.join(os.path.dirname(args.deffile), "csrs.def")) as f:
        for m in re.finditer(r'^CSR\(\s*\w+\s*,\s*"(\w+)"\s*,\s*(0x[0-9a-f]+)\)', f.read(), re.M):
            CSR_ADDR[m.group(1)] = int(m.group(2), 16)
    words, _, _ = gen32(rows, args.seed, args.random_per_row)
    halves = [v for v in range(65536) if v & 3 != 3]
    per_row = {}   # row id -> [compared, equal, {class: n}, [unnamed examples]]
    unnamed = 0
    with tempfile.TemporaryDirectory(prefix="disasm-vs-capstone-") as tmp:
        syms = os.path.join(tmp, "syms")
        open(syms, "w").close()
        for label, code, addr, width in (("32-bit", b"".join(struct.pack("<I", w) for w in words), BASE32, 4),
                                         ("16-bit", b"".join(struct.pack("<H", v) for v in halves), BASE16, 2)):
            path = os.path.join(tmp, label + ".bin")
            with open(path, "wb") as f:
                f.write(code)
            ours = {a: (h, t) for a, h, t in run_tool(args.tool, path, addr, False, syms)}
            raw = {a: t for a, h, t in run_tool(args.tool, path, addr, True, syms)}
            cs = capstone(mod, [f"{a:x} {h}" for a, (h, _) in sorted(ours.items())])
            for a, (h, t) in sorted(ours.items()):
                c = norm(cs.get(a, ""))
                if not c:
                    continue  # Capstone does not decode it
                w = int(h, 16)
                if width == 2:
                    # The 16-bit stream: the row of the expansion is not known here; name it by the text.
                    rid = norm(raw[a]).split(" ")[0].upper()
                    row = {"fmt": "C", "id": rid}
                else:
                    i = first_row(rows, w)
                    row = rows[i] if i is not None else {"fmt": "", "id": "(no row)"}
                st = per_row.setdefault(row["id"], [0, 0, {}, []])
                st[0] += 1
                if c in (norm(t), norm(raw[a])):
                    st[1] += 1
                    continue
                renamed = []
                for name, f in RENAMES:
                    if f(c) != c:
                        c = f(c)
                        renamed.append(name)
                for name in renamed:
                    st[2][name] = st[2].get(name, 0) + 1
                if renamed and c in (norm(t), norm(raw[a])):
                    continue
                for name, pred in DIFFERENCES:
                    if pred((norm(t), norm(raw[a])), c, a):
                        st[2][name] = st[2].get(name, 0) + 1
                        break
                else:
                    unnamed += 1
                    if len(st[3]) < args.show:
                        st[3].append(f"{h}: ours '{norm(t)}' / '{norm(raw[a])}'  capstone '{c}'")
    compared = sum(s[0] for s in per_row.values())
    equal = sum(s[1] for s in per_row.values())
    print(f"{compared} encodings Capstone decodes, {equal} equal, over {len(per_row)} instructions")
    named = {}
    for rid, (n, eq, classes, ex) in sorted(per_row.items()):
        for k, v in classes.items():
            named[k] = named.get(k, 0) + v
        if ex:
            print(f"DIFFERENT {rid}: {n - eq} of {n}")
            for e in ex:
                print("    " + e)
    for k, v in named.items():
        print(f"named difference ({v} encodings): {k}")
    print(f"{unnamed} differences in no named class")
    return 1 if unnamed else 0


if __name__ == "__main__":
    sys.exit(main())
