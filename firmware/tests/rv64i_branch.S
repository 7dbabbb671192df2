/*
 * rv64i_branch.S - RV64I control transfer
 *
 * Covers: beq bne blt bge bltu bgeu, each taken and not taken, with signed vs.
 * unsigned comparisons of the same bit patterns, equal operands, x0 operands,
 * forward and backward targets; jal (link = pc + 4, x0 link = plain jump,
 * backward jump); jalr (link = pc + 4, target = rs1 + imm with bit 0 cleared,
 * negative offsets, rd == rs1 using the old rs1, x0 link); with C present a
 * target that is only 2-byte aligned is legal (no trap).
 */
#include "selftest.h"

/* BR op, a, b, taken(1/0) */
.macro BR op, a, b, taken
  TC
  li a1, \a
  li a2, \b
  li a0, 0
  \op a1, a2, .Lt\@
  li a0, 1                 # fall through
  j .Le\@
.Lt\@:
  li a0, 2                 # taken
.Le\@:
  .if \taken
  CHK a0, 2
  .else
  CHK a0, 1
  .endif
.endm

  TEST_BEGIN

  BR beq, 0, 0, 1
  BR beq, 1, 1, 1
  BR beq, -1, -1, 1
  BR beq, 0, 1, 0
  BR beq, 0x100000000, 0, 0
  BR beq, -1, 0xffffffff, 0
  BR bne, 0, 0, 0
  BR bne, -1, -1, 0
  BR bne, 0, 1, 1
  BR bne, 0x100000000, 0, 1
  BR bne, 0x8000000000000000, 0, 1
  BR blt, 0, 1, 1
  BR blt, 1, 0, 0
  BR blt, -1, 0, 1
  BR blt, 0, -1, 0
  BR blt, -1, -1, 0
  BR blt, 0x8000000000000000, 0x7fffffffffffffff, 1
  BR blt, 0x7fffffffffffffff, 0x8000000000000000, 0
  BR blt, 0xffffffff, 0x100000000, 1
  BR bge, 0, 1, 0
  BR bge, 1, 0, 1
  BR bge, -1, 0, 0
  BR bge, 0, -1, 1
  BR bge, -1, -1, 1
  BR bge, 0x8000000000000000, 0x7fffffffffffffff, 0
  BR bge, 0x7fffffffffffffff, 0x8000000000000000, 1
  BR bltu, 0, 1, 1
  BR bltu, 1, 0, 0
  BR bltu, -1, 0, 0
  BR bltu, 0, -1, 1
  BR bltu, -1, -1, 0
  BR bltu, 0x8000000000000000, 0x7fffffffffffffff, 0
  BR bltu, 0x7fffffffffffffff, 0x8000000000000000, 1
  BR bltu, 0xffffffff, 0x100000000, 1
  BR bgeu, 0, 1, 0
  BR bgeu, 1, 0, 1
  BR bgeu, -1, 0, 1
  BR bgeu, 0, -1, 0
  BR bgeu, -1, -1, 1
  BR bgeu, 0x8000000000000000, 0x7fffffffffffffff, 1
  BR bgeu, 0x7fffffffffffffff, 0x8000000000000000, 0

  TC                        # x0 operands
  li a1, 5
  bne x0, x0, fail_here
  beq x0, a1, fail_here
  blt a1, x0, fail_here
  bltu a1, x0, fail_here
  bge x0, a1, fail_here
  bgeu x0, a1, fail_here
  j 1f
fail_here:
  j fail
1:
  TC                        # backward branch loop: sum 1..10
  li a0, 0
  li a1, 10
2:add a0, a0, a1
  addi a1, a1, -1
  bnez a1, 2b
  CHK a0, 55
  TC                        # bltu backward loop
  li a0, 0
  li a1, 0
  li a2, 7
3:addi a0, a0, 3
  addi a1, a1, 1
  bltu a1, a2, 3b
  CHK a0, 21

  /* ---- jal ---- */
  TC
  li ra, 0
  jal ra, 1f
4:j fail
1:la a1, 4b
  CHKR ra, a1
  TC                        # jal with another link register
  jal a5, 1f
5:j fail
1:la a1, 5b
  CHKR a5, a1
  TC                        # jal x0 = j: no link
  li ra, 0x77
  jal x0, 1f
  j fail
1:CHK ra, 0x77
  TC                        # backward jal
  li a0, 0
  j 2f
1:addi a0, a0, 1
  j 3f
2:addi a0, a0, 10
  jal x0, 1b
3:CHK a0, 11

  /* ---- jalr ---- */
  TC
  la a1, 1f
  jalr ra, 0(a1)
6:j fail
1:la a2, 6b
  CHKR ra, a2
  TC                        # positive offset
  la a1, 1f
  addi a1, a1, -16
  jalr ra, 16(a1)
  j fail
1:
  TC                        # negative offset
  la a1, 1f
  addi a1, a1, 32
  jalr ra, -32(a1)
  j fail
1:
  TC                        # bit 0 of the target is cleared
  la a1, 1f
  addi a1, a1, 1
  jalr ra, 0(a1)
  j fail
  .align 2
1:
  TC                        # bit 0 from the offset is cleared too
  la a1, 1f
  jalr ra, 1(a1)
  j fail
  .align 2
1:
  TC                        # odd offset on an odd base: base+off even
  la a1, 1f
  addi a1, a1, -1
  jalr ra, 1(a1)
  j fail
  .align 2
1:
  TC                        # rd == rs1: the target uses the old value
  la a1, 1f
  jalr a1, 0(a1)
7:j fail
1:la a2, 7b
  CHKR a1, a2
  TC                        # jalr x0 = jr: no link
  li ra, 0x99
  la a1, 1f
  jalr x0, 0(a1)
  j fail
1:CHK ra, 0x99
  TC                        # call/return through a function
  li a0, 20
  call double_it
  CHK a0, 40
  TC                        # with C: a 2-byte aligned (not 4-byte aligned) target is legal
  la a1, 8f
  jalr ra, 0(a1)
  j fail
  .align 2
  c.nop
8:nop                       # 8 is at 4k+2
  la a1, 8b
  andi a1, a1, 3
  CHK a1, 2

  TEST_END

  .text
double_it:
  add a0, a0, a0
  ret
