/*
 * fencei.S - Zifencei: self-modifying code
 *
 * Covers: a routine is executed (so any decoded-instruction cache holds it),
 * then one of its instructions is overwritten with a store, fence.i is
 * executed, and the routine runs again with the new instruction; 32-bit and
 * 16-bit (compressed) instructions replaced, an instruction replaced
 * repeatedly in a loop, code written into a data page and executed, an
 * instruction patched by sw halves / sh (partial writes of one instruction),
 * and a patched branch changing control flow.
 */
#include "selftest.h"

#define ADDI_A0(imm) ((((imm) & 0xfff) << 20) | 0x513)      /* addi a0, zero, imm */
#define CLI_A0(imm)  (0x4501 | (((imm) & 0x1f) << 2) | ((((imm) >> 5) & 1) << 12))  /* c.li a0, imm */

  TEST_BEGIN

  TC                              # the routine as assembled
  call patch_fn
  CHK a0, 1
  TC                              # replace its first instruction
  la t0, patch_fn
  li t1, ADDI_A0(2)
  sw t1, 0(t0)
  fence.i
  call patch_fn
  CHK a0, 2
  TC                              # again, with a negative immediate
  la t0, patch_fn
  li t1, ADDI_A0(-7)
  sw t1, 0(t0)
  fence.i
  call patch_fn
  CHK a0, -7
  TC                              # loop: patch and run 20 times
  li s0, 0
  li s1, 0
1:la t0, patch_fn
  li t1, ADDI_A0(0)
  slli t2, s0, 20
  or t1, t1, t2                   # addi a0, zero, s0
  sw t1, 0(t0)
  fence.i
  call patch_fn
  add s1, s1, a0
  addi s0, s0, 1
  li t0, 20
  blt s0, t0, 1b
  CHK s1, 190
  TC                              # a compressed instruction
  call patch_c
  CHK a0, 3
  la t0, patch_c
  li t1, CLI_A0(-5)
  sh t1, 0(t0)
  fence.i
  call patch_c
  CHK a0, -5
  TC                              # a 32-bit instruction written in two halves
  la t0, patch_fn
  li t1, ADDI_A0(0x123)
  sh t1, 0(t0)
  srli t1, t1, 16
  sh t1, 2(t0)
  fence.i
  call patch_fn
  CHK a0, 0x123
  TC                              # replace a 32-bit instruction by two 16-bit ones
  la t0, patch_fn
  li t1, CLI_A0(9) | (0x0001 << 16)   # c.li a0, 9 ; c.nop
  sw t1, 0(t0)
  fence.i
  call patch_fn
  CHK a0, 9
  TC                              # a patched branch: beq -> bne
  call patch_br
  CHK a0, 10
  la t0, patch_br_insn
  lw t1, 0(t0)
  li t2, 1 << 12
  xor t1, t1, t2                  # funct3 000 (beq) -> 001 (bne)
  sw t1, 0(t0)
  fence.i
  call patch_br
  CHK a0, 20
  TC                              # code generated into a data buffer and executed
  la t0, codebuf
  li t1, ADDI_A0(55)
  sw t1, 0(t0)
  li t1, 0x00008067               # ret (jalr x0, 0(ra))
  sw t1, 4(t0)
  fence.i
  jalr ra, 0(t0)
  CHK a0, 55
  TC                              # ... rewritten and executed again
  la t0, codebuf
  li t1, ADDI_A0(66)
  sw t1, 0(t0)
  fence.i
  jalr ra, 0(t0)
  CHK a0, 66

  TEST_END

  .text
  .align 2
patch_fn:
  .option push
  .option norvc
  addi a0, zero, 1
  ret
  .option pop

  .align 2
patch_c:
  c.li a0, 3
  c.jr ra

  .align 2
patch_br:
  .option push
  .option norvc
  li a0, 10
patch_br_insn:
  beq zero, zero, 1f
  li a0, 20
1:ret
  .option pop

  .data
  .align 12
codebuf:
  .skip 64
