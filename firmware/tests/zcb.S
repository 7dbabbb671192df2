/*
 * zcb.S - Zcb: c.lbu c.lhu c.lh c.sb c.sh c.zext.b c.sext.b c.zext.h
 * c.sext.h c.zext.w c.not c.mul, each checked against its 32-bit equivalent's
 * result: the offsets (uimm[1:0] for bytes, uimm[1] for halfwords), sign and
 * zero extension, the bits above the part a unary form keeps, and the low
 * 64 bits of c.mul's product.
 * binutils 2.40 has no Zcb: the encodings are built here from the Zc
 * specification's tables (macros below, register numbers 8..15 for the
 * rd'/rs1'/rs2' fields). c.sext.*, c.zext.h need Zbb, c.zext.w Zba, c.mul M.
 * QEMU 7.2 has no Zcb (qemu_selftests.py leaves it out).
 */
#include "selftest.h"

/* quadrant 0, funct3 100: loads and stores; rd/rs2 and rs1 as x8..x15 */
.macro C_LBU rd, rs1, uimm
  .2byte 0x8000 | (((\rs1) - 8) << 7) | (((\uimm) & 1) << 6) | ((((\uimm) >> 1) & 1) << 5) | (((\rd) - 8) << 2)
.endm
.macro C_LHU rd, rs1, uimm
  .2byte 0x8400 | (((\rs1) - 8) << 7) | ((((\uimm) >> 1) & 1) << 5) | (((\rd) - 8) << 2)
.endm
.macro C_LH rd, rs1, uimm
  .2byte 0x8440 | (((\rs1) - 8) << 7) | ((((\uimm) >> 1) & 1) << 5) | (((\rd) - 8) << 2)
.endm
.macro C_SB rs2, rs1, uimm
  .2byte 0x8800 | (((\rs1) - 8) << 7) | (((\uimm) & 1) << 6) | ((((\uimm) >> 1) & 1) << 5) | (((\rs2) - 8) << 2)
.endm
.macro C_SH rs2, rs1, uimm
  .2byte 0x8c00 | (((\rs1) - 8) << 7) | ((((\uimm) >> 1) & 1) << 5) | (((\rs2) - 8) << 2)
.endm
/* quadrant 1, 100 111: the unary group (funct2 11, bits 4:2 select) and c.mul (funct2 10) */
.macro C_UNARY sel, rd
  .2byte 0x9c61 | (((\rd) - 8) << 7) | ((\sel) << 2)
.endm
.macro C_MUL rd, rs2
  .2byte 0x9c41 | (((\rd) - 8) << 7) | (((\rs2) - 8) << 2)
.endm
#define ZEXT_B 0
#define SEXT_B 1
#define ZEXT_H 2
#define SEXT_H 3
#define ZEXT_W 4
#define NOT    5

#define S0 8
#define S1 9
#define A0 10
#define A1 11
#define A5 15

  TEST_BEGIN
  la s0, zdata                  /* .byte 0x81, 0x7f, 0x34, 0x92 */
  la s1, zbuf

  /* ---- loads ---- */
  TC
  C_LBU A0, S0, 0
  CHK a0, 0x81
  TC
  C_LBU A0, S0, 1
  CHK a0, 0x7f
  TC
  C_LBU A1, S0, 2
  CHK a1, 0x34
  TC
  C_LBU A5, S0, 3
  CHK a5, 0x92
  TC
  C_LHU A0, S0, 0
  CHK a0, 0x7f81
  TC
  C_LHU A0, S0, 2
  CHK a0, 0x9234
  TC
  C_LH A0, S0, 2                /* sign-extended */
  CHK a0, 0xffffffffffff9234
  TC
  C_LH A1, S0, 0
  CHK a1, 0x7f81
  TC
  mv a5, s0                     /* base and destination the same register */
  C_LBU A5, A5, 3
  CHK a5, 0x92

  /* ---- stores ---- */
  TC
  sd zero, 0(s1)
  li a0, 0x1234567890abcdef
  C_SB A0, S1, 0
  li a1, 0x55aa
  C_SB A1, S1, 3                /* only the low byte */
  ld t0, 0(s1)
  CHK t0, 0xaa0000ef
  TC
  sd zero, 0(s1)
  C_SH A0, S1, 2
  ld t0, 0(s1)
  CHK t0, 0xcdef0000
  TC
  C_SH A1, S1, 0
  ld t0, 0(s1)
  CHK t0, 0xcdef55aa

  /* ---- unary ---- */
  TC
  li a0, 0xffffffffffffff80
  C_UNARY ZEXT_B, A0
  CHK a0, 0x80
  TC
  li a0, 0x80
  C_UNARY SEXT_B, A0
  CHK a0, 0xffffffffffffff80
  TC
  li a0, 0x1237f
  C_UNARY SEXT_B, A0
  CHK a0, 0x7f
  TC
  li a1, 0xffffffffffff8001
  C_UNARY ZEXT_H, A1
  CHK a1, 0x8001
  TC
  li a1, 0x18000
  C_UNARY SEXT_H, A1
  CHK a1, 0xffffffffffff8000
  TC
  li a1, 0x7fff7fff
  C_UNARY SEXT_H, A1
  CHK a1, 0x7fff
  TC
  li s0, 0xffffffff80000000
  C_UNARY ZEXT_W, S0
  CHK s0, 0x80000000
  TC
  li a5, 0x0f
  C_UNARY NOT, A5
  CHK a5, 0xfffffffffffffff0

  /* ---- c.mul ---- */
  TC
  li a0, 7
  li a1, -3
  C_MUL A0, A1
  CHK a0, -21
  TC
  li a0, 0x100000001
  mv a1, a0
  C_MUL A0, A1                  /* 2^64 + 2^33 + 1: the low 64 bits */
  CHK a0, 0x200000001
  TC
  li a1, 0x10000
  C_MUL A1, A1
  CHK a1, 0x100000000

  TEST_END

  .data
zdata: .byte 0x81, 0x7f, 0x34, 0x92
  .align 3
zbuf: .dword 0
