#!/usr/bin/env python3
"""Generates zfh.S, the Zfhmin/Zfh self-test. Every operand and expected
result is a binary16 bit pattern written out here by hand from IEEE 754's
binary16 format (bias 15, 10 fraction bits; 0x3c00 = 1.0, 0x7bff = 65504,
0x0001 = 2^-24, 0x7e00 the canonical NaN), with the flags the F extension's
rules give; the generated test also runs on QEMU 7.2 (Zfh=true).
Run:  python3 gen_zfh.py   (from this folder); commit the generated file."""

NX, UF, OF, DZ, NV = 1, 2, 4, 8, 16
BOXH = 0xffffffffffff0000
BOXS = 0xffffffff00000000
RM = {'rne': 0, 'rtz': 1, 'rdn': 2, 'rup': 3, 'rmm': 4}

out = []


def hx(v):
    return '0x%016x' % (v & ((1 << 64) - 1))


def tc(comment):
    out.append('  TC  # ' + comment)


def load(freg, bits):
    out.append('  li t0, %s' % hx(bits))
    out.append('  fmv.d.x %s, t0' % freg)


def check_f(freg, exp, flags):
    out.append('  fmv.x.d a0, %s' % freg)
    out.append('  CHK a0, %s' % hx(exp))
    out.append('  csrr a1, fflags')
    out.append('  CHK a1, %d' % flags)


def check_x(reg, exp, flags):
    out.append('  CHK %s, %s' % (reg, hx(exp)))
    out.append('  csrr a1, fflags')
    out.append('  CHK a1, %d' % flags)


def op_h(op, srcs, exp, flags, rm=None, boxed=True, comment=''):
    """An instruction with f sources (binary16, NaN-boxed unless boxed=False) and an f result."""
    tc('%s %s %s' % (op, ' '.join('%#06x' % s for s in srcs), comment))
    for i, s in enumerate(srcs):
        load('f%d' % (i + 1), (BOXH | s) if boxed else s)
    out.append('  csrw fflags, zero')
    regs = ', '.join('f%d' % (i + 1) for i in range(len(srcs)))
    out.append('  %s f4, %s%s' % (op, regs, (', ' + rm) if rm else ''))
    check_f('f4', exp, flags)


def op_x(op, srcs, exp, flags, rm=None):
    """f sources, x result."""
    tc('%s %s' % (op, ' '.join('%#06x' % s for s in srcs)))
    for i, s in enumerate(srcs):
        load('f%d' % (i + 1), BOXH | s)
    out.append('  csrw fflags, zero')
    regs = ', '.join('f%d' % (i + 1) for i in range(len(srcs)))
    out.append('  %s a2, %s%s' % (op, regs, (', ' + rm) if rm else ''))
    check_x('a2', exp, flags)


def from_x(op, v, exp, flags, rm=None):
    tc('%s %s' % (op, hx(v)))
    out.append('  li a3, %s' % hx(v))
    out.append('  csrw fflags, zero')
    out.append('  %s f4, a3%s' % (op, (', ' + rm) if rm else ''))
    check_f('f4', exp, flags)


def main():
    H = BOXH
    # ---- moves and NaN-boxing (Zfhmin)
    tc('fmv.h.x boxes the low 16 bits')
    out.extend(['  li a3, 0x123456789abc3c00', '  fmv.h.x f4, a3'])
    check_f('f4', H | 0x3c00, 0)
    tc('fmv.x.h sign-extends bit 15')
    load('f1', H | 0xbc00)
    out.extend(['  fmv.x.h a2, f1'])
    check_x('a2', 0xffffffffffffbc00, 0)
    tc('fmv.x.h moves the low bits of an improperly boxed value as they are')
    load('f1', 0x0000000000007bff)
    out.extend(['  fmv.x.h a2, f1'])
    check_x('a2', 0x7bff, 0)
    tc('flh boxes, fsh stores two bytes')
    out.extend(['  la a4, zfh_buf', '  li a3, -1', '  sd a3, 0(a4)', '  li a3, 0x4248', '  sh a3, 2(a4)',
            '  flh f4, 2(a4)'])
    check_f('f4', H | 0x4248, 0)
    load('f1', H | 0x5555)
    out.extend(['  fsh f1, 4(a4)', '  ld a2, 0(a4)'])
    check_x('a2', 0xffff55554248ffff, 0)
    # an improperly boxed half reads as the canonical NaN
    op_h('fadd.h', [0x3c00, 0x3c00], H | 0x7e00, 0, boxed=False, comment='(unboxed: both canonical NaN)')
    op_h('fsgnj.h', [0x3c00, 0x3c00], H | 0x7e00, 0, boxed=False, comment='(unboxed)')
    tc('fsgnjn.h of a single-precision value (boxed as single, not as half): the canonical NaN, sign flipped')
    load('f1', BOXS | 0x3f800000)
    out.extend(['  csrw fflags, zero', '  fsgnjn.h f4, f1, f1'])
    check_f('f4', H | 0xfe00, 0)

    # ---- conversions (Zfhmin)
    for src, rm, exp, fl, why in [
        (0x3f800000, 'rne', 0x3c00, 0, '1.0'),
        (0x3f801000, 'rne', 0x3c00, NX, '1 + 2^-11: tie, to even'),
        (0x3f801000, 'rup', 0x3c01, NX, '1 + 2^-11 up'),
        (0x3f803000, 'rne', 0x3c02, NX, '1 + 3*2^-11: tie, to even (up)'),
        (0x3f801000, 'rmm', 0x3c01, NX, '1 + 2^-11: tie, away'),
        (0x477ff000, 'rne', 0x7c00, OF | NX, '65520: overflow to inf'),
        (0x477ff000, 'rtz', 0x7bff, NX, '65520 toward zero: 65504, no overflow'),
        (0xc77ff000, 'rup', 0xfbff, NX, '-65520 up: -65504, no overflow'),
        (0x33800000, 'rne', 0x0001, 0, '2^-24: the smallest subnormal, exact'),
        (0x33000000, 'rne', 0x0000, UF | NX, '2^-25: tie, to even zero'),
        (0x33000000, 'rup', 0x0001, UF | NX, '2^-25 up'),
        (0x33400000, 'rne', 0x0001, UF | NX, '3*2^-26'),
        (0x387fc000, 'rne', 0x03ff, 0, '2^-14 - 2^-24: the largest subnormal, exact'),
        (0x387fe000, 'rne', 0x0400, UF | NX, '2^-14 - 2^-25: tie, to the smallest normal; tiny (UF) as it is below 2^-14 with 11 bits and an unbounded exponent'),
        (0x7f800000, 'rne', 0x7c00, 0, '+inf'),
        (0x7fa00000, 'rne', 0x7e00, NV, 'sNaN: canonical NaN, NV'),
        (0xffc00001, 'rne', 0x7e00, 0, 'qNaN with payload: canonical NaN'),
    ]:
        tc('fcvt.h.s %#010x %s: %s' % (src, rm, why))
        load('f1', BOXS | src)
        out.extend(['  csrw fflags, zero', '  fcvt.h.s f4, f1, %s' % rm])
        check_f('f4', H | exp, fl)
    for src, exp, fl, why in [
        (0x3c00, 0x3f800000, 0, '1.0'),
        (0x0001, 0x33800000, 0, '2^-24'),
        (0xfbff, 0xc77fe000, 0, '-65504'),
        (0x7d00, 0x7fc00000, NV, 'sNaN'),
        (0x7c00, 0x7f800000, 0, 'inf'),
    ]:
        tc('fcvt.s.h %#06x: %s' % (src, why))
        load('f1', H | src)
        out.extend(['  csrw fflags, zero', '  fcvt.s.h f4, f1'])
        check_f('f4', BOXS | exp, fl)
    for src, exp, fl in [(0x0001, 0x3e70000000000000, 0), (0x8400, 0xbf10000000000000, 0),
                         (0x7d00, 0x7ff8000000000000, NV)]:
        tc('fcvt.d.h %#06x' % src)
        load('f1', H | src)
        out.extend(['  csrw fflags, zero', '  fcvt.d.h f4, f1'])
        check_f('f4', exp, fl)
    for src, rm, exp, fl in [(0x3e70000000000000, 'rne', 0x0001, 0), (0x3ff0020000000000, 'rne', 0x3c00, NX),
                             (0x3ff0020000000001, 'rne', 0x3c01, NX), (0x40effc0000000000, 'rne', 0x7bff, 0),
                             (0x40effe0000000000, 'rne', 0x7c00, OF | NX), (0x40effe0000000000, 'rdn', 0x7bff, NX)]:
        tc('fcvt.h.d %#018x %s' % (src, rm))
        load('f1', src)
        out.extend(['  csrw fflags, zero', '  fcvt.h.d f4, f1, %s' % rm])
        check_f('f4', H | exp, fl)

    # ---- arithmetic (Zfh)
    op_h('fadd.h', [0x3c00, 0x3c00], H | 0x4000, 0)
    op_h('fadd.h', [0x3c00, 0x1000], H | 0x3c00, NX, comment='1 + 2^-11: tie to even')
    op_h('fadd.h', [0x3c00, 0x1001], H | 0x3c01, NX, comment='1 + a bit more than 2^-11')
    op_h('fadd.h', [0x7bff, 0x5000], H | 0x7c00, OF | NX, comment='65504 + 32: overflow')
    op_h('fadd.h', [0x7c00, 0xfc00], H | 0x7e00, NV, comment='inf - inf')
    op_h('fsub.h', [0x3c00, 0x3c00], H | 0x0000, 0)
    op_h('fsub.h', [0x3c00, 0x3c00], H | 0x8000, 0, rm='rdn', comment='x - x rounding down: -0')
    op_h('fmul.h', [0x5c00, 0x5c00], H | 0x7c00, OF | NX, comment='256 * 256')
    op_h('fmul.h', [0x0400, 0x3800], H | 0x0200, 0, comment='2^-14 * 0.5: exact subnormal')
    op_h('fmul.h', [0x0001, 0x3800], H | 0x0000, UF | NX, comment='2^-24 * 0.5: tie to even zero')
    op_h('fdiv.h', [0x3c00, 0x0000], H | 0x7c00, DZ)
    op_h('fdiv.h', [0x0000, 0x0000], H | 0x7e00, NV)
    op_h('fdiv.h', [0x3c00, 0x4200], H | 0x3555, NX, comment='1/3')
    op_h('fdiv.h', [0x3c00, 0x4200], H | 0x3556, NX, rm='rup', comment='1/3 up')
    op_h('fsqrt.h', [0x4400], H | 0x4000, 0, comment='sqrt 4')
    op_h('fsqrt.h', [0x4000], H | 0x3da8, NX, comment='sqrt 2')
    op_h('fsqrt.h', [0xbc00], H | 0x7e00, NV, comment='sqrt -1')
    op_h('fsqrt.h', [0x8000], H | 0x8000, 0, comment='sqrt -0')
    op_h('fmadd.h', [0x3c01, 0x3c01, 0xbc00], H | 0x1800, NX, comment='(1+2^-10)^2 - 1 = 2^-9 + 2^-20, one rounding')
    op_h('fmadd.h', [0x3c00, 0x3c00, 0x3c00], H | 0x4000, 0)
    op_h('fmsub.h', [0x4000, 0x4000, 0x3c00], H | 0x4200, 0, comment='2*2 - 1')
    op_h('fnmsub.h', [0x4000, 0x4000, 0x3c00], H | 0xc200, 0, comment='-(2*2) + 1')
    op_h('fnmadd.h', [0x4000, 0x4000, 0x3c00], H | 0xc500, 0, comment='-(2*2) - 1')
    op_h('fmadd.h', [0x7c00, 0x0000, 0x7e00], H | 0x7e00, NV, comment='inf*0 + qNaN is invalid')
    op_h('fsgnj.h', [0x3c00, 0x8000], H | 0xbc00, 0)
    op_h('fsgnjn.h', [0x3c00, 0x8000], H | 0x3c00, 0)
    op_h('fsgnjx.h', [0xbc00, 0x8000], H | 0x3c00, 0)
    op_h('fmin.h', [0x8000, 0x0000], H | 0x8000, 0, comment='-0 < +0')
    op_h('fmax.h', [0x8000, 0x0000], H | 0x0000, 0)
    op_h('fmin.h', [0x7d00, 0x3c00], H | 0x3c00, NV, comment='sNaN ignored, NV')
    op_h('fmax.h', [0x7e00, 0x7e00], H | 0x7e00, 0, comment='two qNaNs')
    op_x('feq.h', [0x3c00, 0x3c00], 1, 0)
    op_x('feq.h', [0x7d00, 0x3c00], 0, NV)
    op_x('feq.h', [0x7e00, 0x3c00], 0, 0)
    op_x('flt.h', [0x7e00, 0x3c00], 0, NV)
    op_x('flt.h', [0xbc00, 0x3c00], 1, 0)
    op_x('fle.h', [0x8000, 0x0000], 1, 0)
    for v, cls in [(0xfc00, 1), (0xbc00, 2), (0x8001, 4), (0x8000, 8), (0x0000, 16), (0x0001, 32),
                   (0x3c00, 64), (0x7c00, 128), (0x7d00, 256), (0x7e00, 512)]:
        op_x('fclass.h', [v], cls, 0)
    tc('fclass.h of an improperly boxed value: the canonical NaN (quiet)')
    load('f1', 0x3c00)
    out.extend(['  fclass.h a2, f1'])
    check_x('a2', 512, 0)
    # ---- float <-> integer (Zfh)
    op_x('fcvt.w.h', [0x7bff], 65504, 0, rm='rtz')
    op_x('fcvt.w.h', [0xbe00], 0xfffffffffffffffe, NX, rm='rne')   # -1.5 -> -2
    op_x('fcvt.w.h', [0xbe00], 0xffffffffffffffff, NX, rm='rtz')   # -1.5 -> -1
    op_x('fcvt.w.h', [0x7c00], 0x7fffffff, NV, rm='rtz')
    op_x('fcvt.w.h', [0x7e00], 0x7fffffff, NV, rm='rtz')
    op_x('fcvt.wu.h', [0xbc00], 0, NV, rm='rtz')
    op_x('fcvt.wu.h', [0xb800], 0, NX, rm='rtz')                   # -0.5 -> 0, inexact only
    op_x('fcvt.wu.h', [0x7bff], 65504, 0, rm='rtz')
    op_x('fcvt.l.h', [0xfbff], 0xffffffffffff0020, 0, rm='rtz')
    op_x('fcvt.lu.h', [0xfc00], 0, NV, rm='rtz')
    op_x('fcvt.lu.h', [0x3a00], 1, NX, rm='rmm')                   # 0.75 -> 1
    from_x('fcvt.h.w', 2049, H | 0x6800, NX, rm='rne')             # tie -> 2048
    from_x('fcvt.h.w', 2051, H | 0x6802, NX, rm='rne')             # tie -> 2052
    from_x('fcvt.h.w', 65535, H | 0x7c00, OF | NX, rm='rne')
    from_x('fcvt.h.w', 65535, H | 0x7bff, NX, rm='rtz')
    from_x('fcvt.h.w', 0xffffffff00000001, H | 0x3c00, 0, rm='rne')  # only the low 32 bits
    from_x('fcvt.h.wu', 0xffffffff, H | 0x7c00, OF | NX, rm='rne')
    from_x('fcvt.h.l', 0xfffffffffffff800, H | 0xe800, 0, rm='rne')  # -2048
    from_x('fcvt.h.lu', 0xffffffffffffffff, H | 0x7c00, OF | NX, rm='rne')
    from_x('fcvt.h.lu', 0xffffffffffffffff, H | 0x7bff, OF | NX, rm='rtz')
    tc('frm applies to dyn: fcvt.h.s 1 + 2^-11 with frm = rup')
    load('f1', BOXS | 0x3f801000)
    out.extend(['  fsrmi zero, 3', '  csrw fflags, zero', '  fcvt.h.s f4, f1', '  fsrmi zero, 0'])
    check_f('f4', H | 0x3c01, NX)

    head = ('/*\n * zfh.S - Zfhmin and Zfh (GENERATED by gen_zfh.py; edit that)\n *\n'
            ' * Covers: NaN-boxing of halves (flh, fmv.h.x, improperly boxed operands),\n'
            ' * fmv.x.h sign extension, fsh width; conversions to and from single and double\n'
            ' * with rounding modes, overflow and subnormal underflow; arithmetic, fused\n'
            ' * multiply-add, sign injection, min/max, comparisons, fclass; integer\n'
            ' * conversions with saturation; flags for each.\n */\n'
            '#include "selftest.h"\n  TEST_BEGIN\n')
    tail = '\n  TEST_END\n\n  .data\n  .align 3\nzfh_buf: .dword 0\n'
    with open('zfh.S', 'w') as f:
        f.write(head + '\n'.join(o for o in out if o) + tail)


if __name__ == '__main__':
    main()
