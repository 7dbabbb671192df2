#!/usr/bin/env python3
"""Generates bitmanip.S (Zba, Zbb, Zbc, Zbs, Zbkb, Zbkc, Zbkx) and zicond.S.

The expected values come from the reference model below, written from the
bit-manipulation and Zicond specifications' pseudocode; every generated test
is also run on Spike and on QEMU 7.2 (tests/integration/qemu_selftests.py),
so a mistake in this model shows up as a failing test rather than as a wrong
"expected" value in the emulator's favour.
Run:  python3 gen_bitmanip.py   (from this folder); commit the generated files.
"""
import random

from gen_arith import M32, M64, s64, sx32


def sext(x, bits):
    x &= (1 << bits) - 1
    return (x - (1 << bits) if x >> (bits - 1) else x) & M64


def rol(x, n, w):
    m = (1 << w) - 1
    n %= w
    x &= m
    return ((x << n) | (x >> (w - n))) & m


def clz(x, w):
    for i in range(w - 1, -1, -1):
        if (x >> i) & 1:
            return w - 1 - i
    return w


def ctz(x, w):
    for i in range(w):
        if (x >> i) & 1:
            return i
    return w


def clmul_full(a, b):
    r = 0
    for i in range(64):
        if (b >> i) & 1:
            r ^= a << i
    return r


def bytes_of(x):
    return [(x >> (8 * i)) & 0xff for i in range(8)]


def from_bytes(bs):
    return sum(b << (8 * i) for i, b in enumerate(bs))


def xperm(a, idx, bits):
    r = 0
    for i in range(0, 64, bits):
        sel = (idx >> i) & ((1 << bits) - 1)
        if sel * bits < 64:
            r |= ((a >> (sel * bits)) & ((1 << bits) - 1)) << i
    return r


RR = {  # name: (extension, fn)
    'add.uw': ('zba', lambda a, b: (b + (a & M32)) & M64),
    'sh1add': ('zba', lambda a, b: (b + (a << 1)) & M64),
    'sh2add': ('zba', lambda a, b: (b + (a << 2)) & M64),
    'sh3add': ('zba', lambda a, b: (b + (a << 3)) & M64),
    'sh1add.uw': ('zba', lambda a, b: (b + ((a & M32) << 1)) & M64),
    'sh2add.uw': ('zba', lambda a, b: (b + ((a & M32) << 2)) & M64),
    'sh3add.uw': ('zba', lambda a, b: (b + ((a & M32) << 3)) & M64),
    'andn': ('zbb', lambda a, b: a & ~b & M64),
    'orn': ('zbb', lambda a, b: (a | ~b) & M64),
    'xnor': ('zbb', lambda a, b: ~(a ^ b) & M64),
    'max': ('zbb', lambda a, b: a if s64(a) > s64(b) else b),
    'maxu': ('zbb', lambda a, b: max(a, b)),
    'min': ('zbb', lambda a, b: a if s64(a) < s64(b) else b),
    'minu': ('zbb', lambda a, b: min(a, b)),
    'rol': ('zbb', lambda a, b: rol(a, b & 63, 64)),
    'ror': ('zbb', lambda a, b: rol(a, 64 - (b & 63), 64)),
    'rolw': ('zbb', lambda a, b: sx32(rol(a, b & 31, 32))),
    'rorw': ('zbb', lambda a, b: sx32(rol(a, 32 - (b & 31), 32))),
    'clmul': ('zbc', lambda a, b: clmul_full(a, b) & M64),
    'clmulh': ('zbc', lambda a, b: clmul_full(a, b) >> 64),
    'clmulr': ('zbc', lambda a, b: (clmul_full(a, b) >> 63) & M64),
    'bclr': ('zbs', lambda a, b: a & ~(1 << (b & 63)) & M64),
    'bext': ('zbs', lambda a, b: (a >> (b & 63)) & 1),
    'binv': ('zbs', lambda a, b: a ^ (1 << (b & 63))),
    'bset': ('zbs', lambda a, b: a | (1 << (b & 63))),
    'pack': ('zbkb', lambda a, b: ((b & M32) << 32) | (a & M32)),
    'packh': ('zbkb', lambda a, b: ((b & 0xff) << 8) | (a & 0xff)),
    'packw': ('zbkb', lambda a, b: sx32(((b & 0xffff) << 16) | (a & 0xffff))),
    'xperm8': ('zbkx', lambda a, b: xperm(a, b, 8)),
    'xperm4': ('zbkx', lambda a, b: xperm(a, b, 4)),
    'czero.eqz': ('zicond', lambda a, b: 0 if b == 0 else a),
    'czero.nez': ('zicond', lambda a, b: 0 if b != 0 else a),
}

R1 = {
    'clz': ('zbb', lambda a: clz(a, 64)),
    'clzw': ('zbb', lambda a: clz(a & M32, 32)),
    'ctz': ('zbb', lambda a: ctz(a, 64)),
    'ctzw': ('zbb', lambda a: ctz(a & M32, 32)),
    'cpop': ('zbb', lambda a: bin(a).count('1')),
    'cpopw': ('zbb', lambda a: bin(a & M32).count('1')),
    'sext.b': ('zbb', lambda a: sext(a, 8)),
    'sext.h': ('zbb', lambda a: sext(a, 16)),
    'zext.h': ('zbb', lambda a: a & 0xffff),
    'orc.b': ('zbb', lambda a: from_bytes([0xff if b else 0 for b in bytes_of(a)])),
    'rev8': ('zbb', lambda a: from_bytes(bytes_of(a)[::-1])),
    'brev8': ('zbkb', lambda a: from_bytes([int('{:08b}'.format(b)[::-1], 2) for b in bytes_of(a)])),
}

RI = {  # name: (extension, fn, shift-amount bits)
    'slli.uw': ('zba', lambda a, i: ((a & M32) << i) & M64, 6),
    'rori': ('zbb', lambda a, i: rol(a, 64 - i, 64), 6),
    'roriw': ('zbb', lambda a, i: sx32(rol(a, 32 - i, 32)), 5),
    'bclri': ('zbs', lambda a, i: a & ~(1 << i) & M64, 6),
    'bexti': ('zbs', lambda a, i: (a >> i) & 1, 6),
    'binvi': ('zbs', lambda a, i: a ^ (1 << i), 6),
    'bseti': ('zbs', lambda a, i: a | (1 << i), 6),
}

EDGE = [0, 1, 2, 0x80, 0xff, 0x8000, M64, M64 - 1, 0x7fffffffffffffff, 0x8000000000000000,
        0x7fffffff, 0x80000000, 0xffffffff, 0xffffffff80000000, 0x123456789abcdef0,
        0xfedcba9876543210, 0x00ff00000000ff00, 0x5555555555555555, 0x0706050403020100,
        0x0f0e0d0c0b0a0908]
SHIFTS = [0, 1, 7, 31, 32, 63, 64 + 5, M64]


def h(x):
    return '0x%016x' % (x & M64)


# Instructions binutils 2.40 does not know, as .insn r (opcode, funct3, funct7).
INSN_R = {'czero.eqz': (0x33, 5, 7), 'czero.nez': (0x33, 7, 7)}


def asm_rr(name, rd, rs1, rs2):
    if name in INSN_R:
        o, f3, f7 = INSN_R[name]
        return f'.insn r {o:#x}, {f3}, {f7}, {rd}, {rs1}, {rs2}  # {name}'
    return f'{name} {rd}, {rs1}, {rs2}'


def case(out, desc, lines, reg, exp):
    out.append(f'  TC  # {desc}')
    out += ['  ' + l for l in lines]
    out.append(f'  CHK {reg}, {h(exp)}')


def gen(exts, rng, title, covers):
    out = [f'/*\n * {title} (GENERATED by gen_bitmanip.py; edit that)\n *',
           f' * Covers: {covers}', ' * over edge and random operands, W forms ignoring the upper 32 bits of',
           ' * their sources and sign-extending their results, rd == rs aliasing, and',
           ' * rd = x0 writing nothing.\n */', '#include "selftest.h"', '  TEST_BEGIN', '']
    for name, (ext, fn) in RR.items():
        if ext not in exts:
            continue
        out.append(f'\n  /* ---- {name} ---- */')
        pairs = [(a, b) for a in EDGE[::3] for b in EDGE[1::4]]
        pairs += [(a, s) for a in EDGE[::5] for s in SHIFTS] if name in ('rol', 'ror', 'rolw', 'rorw', 'bclr', 'bext', 'binv', 'bset') else []
        pairs += [(rng.getrandbits(64), rng.getrandbits(64)) for _ in range(6)]
        if name.startswith('czero'):
            pairs += [(a, 0) for a in EDGE[:6]]
        if name.startswith('xperm'):
            pairs += [(0x0123456789abcdef, 0x0706050403020100), (0xfedcba9876543210, 0x0f08100901ff0203),
                      (0x0123456789abcdef, 0xfedcba9876543210), (0x0123456789abcdef, 0x1f0e2d3c4b5a6978)]
        op = lambda rd, rs1, rs2: asm_rr(name, rd, rs1, rs2)
        for a, b in pairs:
            case(out, f'{name} {h(a)}, {h(b)}', [f'li a1, {h(a)}', f'li a2, {h(b)}', op('a3', 'a1', 'a2')], 'a3', fn(a, b))
        a, b = EDGE[12], EDGE[15]
        case(out, f'{name} rd == rs1', [f'li a1, {h(a)}', f'li a2, {h(b)}', op('a1', 'a1', 'a2')], 'a1', fn(a, b))
        case(out, f'{name} rd == rs2', [f'li a1, {h(a)}', f'li a2, {h(b)}', op('a2', 'a1', 'a2')], 'a2', fn(a, b))
        case(out, f'{name} rd = x0', [f'li a1, {h(a)}', f'li a2, {h(b)}', op('zero', 'a1', 'a2'), 'mv a3, zero'], 'a3', 0)
    for name, (ext, fn) in R1.items():
        if ext not in exts:
            continue
        out.append(f'\n  /* ---- {name} ---- */')
        vals = EDGE + [rng.getrandbits(64) for _ in range(6)] + [1 << i for i in (5, 15, 16, 31, 32, 47, 62)]
        for a in vals:
            case(out, f'{name} {h(a)}', [f'li a1, {h(a)}', f'{name} a3, a1'], 'a3', fn(a))
        case(out, f'{name} rd == rs1', [f'li a1, {h(EDGE[12])}', f'{name} a1, a1'], 'a1', fn(EDGE[12]))
    for name, (ext, fn, bits) in RI.items():
        if ext not in exts:
            continue
        out.append(f'\n  /* ---- {name} ---- */')
        shs = sorted({0, 1, 5, 15, 16, 31, (1 << bits) - 1, 1 << (bits - 1), rng.randrange(1 << bits)})
        for a in EDGE[::2] + [rng.getrandbits(64) for _ in range(3)]:
            for i in shs:
                case(out, f'{name} {h(a)}, {i}', [f'li a1, {h(a)}', f'{name} a3, a1, {i}'], 'a3', fn(a, i))
        case(out, f'{name} rd == rs1', [f'li a1, {h(EDGE[12])}', f'{name} a1, a1, 3'], 'a1', fn(EDGE[12], 3))
    out += ['', '  TEST_END', '']
    return '\n'.join(out)


def main():
    rng = random.Random(2024)
    with open('bitmanip.S', 'w') as f:
        f.write(gen({'zba', 'zbb', 'zbc', 'zbs', 'zbkb', 'zbkx'}, rng,
                    'bitmanip.S - Zba, Zbb, Zbc, Zbs, Zbkb, Zbkc (clmul, clmulh), Zbkx',
                    'every instruction of the seven extensions'))
    with open('zicond.S', 'w') as f:
        f.write(gen({'zicond'}, rng, 'zicond.S - Zicond', 'czero.eqz czero.nez'))


if __name__ == '__main__':
    main()
