/*
 * rv64i_mem.S - RV64I loads and stores
 *
 * Covers: lb lh lw ld lbu lhu lwu with sign/zero extension of positive and
 * negative values, at every naturally aligned offset inside a doubleword,
 * positive and negative 12-bit offsets (both ends of the range); sb sh sw sd
 * writing only their own bytes (little-endian byte order), store-then-load,
 * a load into x0 (no register write), rd == rs1 for loads (base used before it
 * is overwritten), storing x0; misaligned loads and stores: either performed
 * correctly or raising address-misaligned (cause 4/6) with mtval = address
 * (both are allowed by the spec, Spike traps by default).
 */
#include "selftest.h"
  TEST_BEGIN

  /* ---- loads, sign/zero extension, every offset ---- */
  la s0, ldata         # ldata: 00 ff 7f 80 01 fe 34 12 | 88 77 66 55 44 33 22 11 ...
  TC
  lb a0, 0(s0)
  CHK a0, 0
  TC
  lb a0, 1(s0)
  CHK a0, -1
  TC
  lb a0, 2(s0)
  CHK a0, 0x7f
  TC
  lb a0, 3(s0)
  CHK a0, -128
  TC
  lbu a0, 1(s0)
  CHK a0, 0xff
  TC
  lbu a0, 3(s0)
  CHK a0, 0x80
  TC
  lbu a0, 5(s0)
  CHK a0, 0xfe
  TC
  lh a0, 0(s0)
  CHK a0, 0xffffffffffffff00
  TC
  lh a0, 2(s0)
  CHK a0, 0xffffffffffff807f
  TC
  lh a0, 4(s0)
  CHK a0, 0xfffffffffffffe01
  TC
  lh a0, 6(s0)
  CHK a0, 0x1234
  TC
  lhu a0, 0(s0)
  CHK a0, 0xff00
  TC
  lhu a0, 2(s0)
  CHK a0, 0x807f
  TC
  lw a0, 0(s0)
  CHK a0, 0xffffffff807fff00
  TC
  lw a0, 4(s0)
  CHK a0, 0x1234fe01
  TC
  lwu a0, 0(s0)
  CHK a0, 0x807fff00
  TC
  lwu a0, 4(s0)
  CHK a0, 0x1234fe01
  TC
  ld a0, 0(s0)
  CHK a0, 0x1234fe01807fff00
  TC
  ld a0, 8(s0)
  CHK a0, 0x1122334455667788
  TC
  lw a0, 12(s0)
  CHK a0, 0x11223344
  TC
  lwu a0, 16(s0)
  CHK a0, 0xdeadbeef
  TC
  lw a0, 16(s0)
  CHK a0, 0xffffffffdeadbeef
  TC
  lh a0, 18(s0)
  CHK a0, 0xffffffffffffdead
  TC
  lhu a0, 18(s0)
  CHK a0, 0xdead

  /* ---- negative and extreme offsets ---- */
  TC
  addi s1, s0, 8
  lb a0, -7(s1)
  CHK a0, -1
  TC
  lhu a0, -8(s1)
  CHK a0, 0xff00
  TC
  ld a0, -8(s1)
  CHK a0, 0x1234fe01807fff00
  TC
  la s1, bigbuf
  li t0, 2048
  add s1, s1, t0                 # s1 = bigbuf + 2048
  li a1, 0x0123456789abcdef
  sd a1, -2048(s1)               # lowest offset
  la t1, bigbuf
  ld a0, 0(t1)
  CHK a0, 0x0123456789abcdef
  TC
  li a1, 0x55
  sb a1, 2047(s1)                # highest offset
  la t1, bigbuf
  li t0, 4095
  add t1, t1, t0
  lbu a0, 0(t1)
  CHK a0, 0x55
  TC
  lbu a0, 2047(s1)
  CHK a0, 0x55
  TC
  ld a0, -2048(s1)
  CHK a0, 0x0123456789abcdef

  /* ---- stores write exactly their bytes ---- */
  la s2, sdata
  TC
  li a1, -1
  sd a1, 0(s2)
  sd a1, 8(s2)
  sb zero, 3(s2)
  ld a0, 0(s2)
  CHK a0, 0xffffffff00ffffff
  TC
  li a1, 0x1234
  sh a1, 6(s2)
  ld a0, 0(s2)
  CHK a0, 0x1234ffff00ffffff
  TC
  li a1, 0xabcdef0198765432       # sw stores only the low 32 bits
  sw a1, 8(s2)
  ld a0, 8(s2)
  CHK a0, 0xffffffff98765432
  TC
  li a1, 0x1ab                    # sb stores only the low 8 bits
  sb a1, 15(s2)
  ld a0, 8(s2)
  CHK a0, 0xabffffff98765432
  TC
  li a1, 0x7777fedc               # sh stores only the low 16 bits
  sh a1, 0(s2)
  ld a0, 0(s2)
  CHK a0, 0x1234ffff00fffedc
  TC
  sd zero, 0(s2)
  ld a0, 0(s2)
  CHK a0, 0
  TC                              # little-endian: bytes of a doubleword
  li a1, 0x0807060504030201
  sd a1, 16(s2)
  lbu a0, 16(s2)
  CHK a0, 1
  lbu a0, 23(s2)
  CHK a0, 8
  lhu a0, 20(s2)
  CHK a0, 0x0605
  TC
  sw a1, 24(s2)
  sw a1, 28(s2)
  ld a0, 24(s2)
  CHK a0, 0x0403020104030201

  /* ---- x0 destination, rd == rs1 ---- */
  TC
  ld x0, 0(s0)
  CHK x0, 0
  TC
  la a2, ptrword
  ld a2, 0(a2)                    # base overwritten by the loaded value
  CHK a2, 0x8765432112345678
  TC
  la a2, ptrword
  lw a2, 4(a2)
  CHK a2, 0xffffffff87654321

  /* ---- misaligned: either performed or trapping with cause 4/6 ---- */
  la s3, mdata
  TC                              # misaligned ld
  li a0, 0x3333
  EXPECT_TRAP_SKIP
  ld a0, 1(s3)                    # mdata: 00 11 22 33 44 55 66 77 88 99 ...
  EXPECT_NONE
  la t0, trap_rec
  ld t1, TR_COUNT(t0)
  beqz t1, 1f
  CHK_TRAP TR_CAUSE, CAUSE_MISALIGNED_LOAD
  addi t2, s3, 1
  ld t1, TR_TVAL(t0)
  CHKR t1, t2
  CHK a0, 0x3333                  # not written on a trap
  j 2f
1:CHK a0, 0x8877665544332211
2:
  TC                              # misaligned lw crossing nothing special
  EXPECT_TRAP_SKIP
  li a0, 0x3333
  lw a0, 2(s3)
  EXPECT_NONE
  la t0, trap_rec
  ld t1, TR_COUNT(t0)
  beqz t1, 1f
  CHK_TRAP TR_CAUSE, CAUSE_MISALIGNED_LOAD
  j 2f
1:CHK a0, 0x0000000055443322
2:
  TC                              # misaligned lh (sign extension)
  EXPECT_TRAP_SKIP
  li a0, 0x3333
  lh a0, 9(s3)
  EXPECT_NONE
  la t0, trap_rec
  ld t1, TR_COUNT(t0)
  beqz t1, 1f
  CHK_TRAP TR_CAUSE, CAUSE_MISALIGNED_LOAD
  j 2f
1:CHK a0, 0xffffffffffffaa99
2:
  TC                              # misaligned sw
  li a1, 0xa1b2c3d4
  EXPECT_TRAP_SKIP
  sw a1, 5(s3)
  EXPECT_NONE
  la t0, trap_rec
  ld t1, TR_COUNT(t0)
  beqz t1, 1f
  CHK_TRAP TR_CAUSE, CAUSE_MISALIGNED_STORE
  addi t2, s3, 5
  ld t1, TR_TVAL(t0)
  CHKR t1, t2
  ld a0, 0(s3)                    # memory unchanged
  CHK a0, 0x7766554433221100
  j 2f
1:ld a0, 0(s3)
  CHK a0, 0xb2c3d44433221100
  lbu a0, 8(s3)
  CHK a0, 0xa1
2:
  TC                              # misaligned sd
  li a1, 0x0102030405060708
  EXPECT_TRAP_SKIP
  sd a1, 20(s3)
  EXPECT_NONE
  la t0, trap_rec
  ld t1, TR_COUNT(t0)
  beqz t1, 1f
  CHK_TRAP TR_CAUSE, CAUSE_MISALIGNED_STORE
  j 2f
1:ld a0, 16(s3)
  CHK a0, 0x0506070800000000
  ld a0, 24(s3)
  CHK a0, 0x01020304
2:

  TEST_END

  .data
  .align 3
ldata:
  .byte 0x00, 0xff, 0x7f, 0x80, 0x01, 0xfe, 0x34, 0x12
  .dword 0x1122334455667788
  .word 0xdeadbeef, 0
ptrword:
  .dword 0x8765432112345678
sdata:
  .skip 32
mdata:
  .byte 0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff
  .skip 16
  .align 4
bigbuf:
  .skip 4096
