/*
 * rv64c.S - the C extension (assembled with C; every instruction below that
 * starts with "c." is a 16-bit encoding)
 *
 * Covers every RV64C instruction and checks its result:
 *   Q0: c.addi4spn c.fld c.lw c.ld c.fsd c.sw c.sd
 *   Q1: c.nop c.addi c.addiw c.li c.addi16sp c.lui c.srli c.srai c.andi c.sub
 *       c.xor c.or c.and c.subw c.addw c.j c.beqz c.bnez
 *   Q2: c.slli c.fldsp c.lwsp c.ldsp c.jr c.mv c.ebreak c.jalr c.add c.fsdsp
 *       c.swsp c.sdsp
 * including sign extension of immediates and of 32-bit results, the link
 * value of c.jalr (pc + 2), mixing 16- and 32-bit instructions at 2-byte
 * aligned addresses, c.ebreak (cause 3, mepc at the 16-bit instruction), and
 * the all-zero 16-bit word being an illegal instruction.
 */
#include "selftest.h"
  TEST_BEGIN

  la sp, cstack_top
  /* ---- Q0 ---- */
  TC
  c.addi4spn s0, sp, 16
  addi t0, sp, 16
  CHKR s0, t0
  TC
  c.addi4spn s1, sp, 1020
  addi t0, sp, 1020
  CHKR s1, t0
  la s0, cdata          # cdata: .dword 0x89abcdef01234567, 0xfedcba9876543210 ...
  TC
  c.lw a0, 0(s0)
  CHK a0, 0x01234567
  TC
  c.lw a1, 4(s0)                  # sign extension
  CHK a1, 0xffffffff89abcdef
  TC
  c.ld a2, 8(s0)
  CHK a2, 0xfedcba9876543210
  TC
  c.ld a3, 0(s0)
  CHK a3, 0x89abcdef01234567
  TC
  li a4, 0x1122334455667788
  c.sd a4, 16(s0)
  ld a5, 16(s0)
  CHK a5, 0x1122334455667788
  TC
  li a4, 0xaabbccdd
  c.sw a4, 20(s0)                 # only the upper word of the dword at 16
  ld a5, 16(s0)
  CHK a5, 0xaabbccdd55667788
  TC
  c.fld fs0, 8(s0)
  fmv.x.d a5, fs0
  CHK a5, 0xfedcba9876543210
  TC
  c.fsd fs0, 24(s0)
  ld a5, 24(s0)
  CHK a5, 0xfedcba9876543210
  TC                              # big offsets of CL/CS
  c.ld a5, 248(s0)
  CHK a5, 0x0f1e2d3c4b5a6978
  c.lw a5, 124(s0)
  CHK a5, 0x7a7b7c7d

  /* ---- Q1 ---- */
  TC
  li a0, 7
  c.nop
  c.addi a0, 5
  CHK a0, 12
  TC
  c.addi a0, -32
  CHK a0, -20
  TC
  c.addi a0, 31
  CHK a0, 11
  TC
  li a0, 0x7fffffff
  c.addiw a0, 1                   # 32-bit wrap, sign-extended
  CHK a0, 0xffffffff80000000
  TC
  li a0, 0x1234567800000005
  c.addiw a0, 0                   # sext.w
  CHK a0, 5
  TC
  c.li a1, -32
  CHK a1, -32
  TC
  c.li a1, 31
  CHK a1, 31
  TC
  mv t0, sp
  c.addi16sp sp, 496
  addi t0, t0, 496
  CHKR sp, t0
  TC
  c.addi16sp sp, -512
  addi t0, t0, -512
  CHKR sp, t0
  la sp, cstack_top
  TC
  c.lui a2, 1
  CHK a2, 0x1000
  TC
  c.lui a2, 0xfffe0               # nzimm = -32 << 12, sign-extended
  CHK a2, 0xfffffffffffe0000
  TC
  c.lui a2, 0x1f
  CHK a2, 0x1f000
  TC
  li s1, 0x8000000000000010
  c.srli s1, 4
  CHK s1, 0x0800000000000001
  TC
  li s1, 0x8000000000000010
  c.srli s1, 63
  CHK s1, 1
  TC
  li s1, 0x8000000000000010
  c.srai s1, 4
  CHK s1, 0xf800000000000001
  TC
  li s1, 0x8000000000000010
  c.srai s1, 32
  CHK s1, 0xffffffff80000000
  TC
  li a3, 0xff
  c.andi a3, -16
  CHK a3, 0xf0
  TC
  li a3, -1
  c.andi a3, 15
  CHK a3, 15
  TC
  li a4, 10
  li a5, 3
  c.sub a4, a5
  CHK a4, 7
  TC
  li a4, 0xff00
  li a5, 0x0ff0
  c.xor a4, a5
  CHK a4, 0xf0f0
  TC
  li a4, 0xff00
  c.or a4, a5
  CHK a4, 0xfff0
  TC
  li a4, 0xff00
  c.and a4, a5
  CHK a4, 0x0f00
  TC
  li a4, 0x80000000
  li a5, 1
  c.subw a4, a5
  CHK a4, 0x7fffffff
  TC
  li a4, 0
  c.subw a4, a5
  CHK a4, -1
  TC
  li a4, 0x7fffffff
  c.addw a4, a5
  CHK a4, 0xffffffff80000000
  TC
  li a4, 0x1234567800000001
  li a5, 0x0000000100000001
  c.addw a4, a5
  CHK a4, 2
  TC                              # c.j forward and backward
  li a0, 0
  c.j 2f
1:addi a0, a0, 1
  c.j 3f
2:addi a0, a0, 10
  c.j 1b
3:CHK a0, 11
  TC                              # c.beqz / c.bnez taken and not taken
  li a0, 0
  li s0, 0
  c.bnez s0, 1f
  addi a0, a0, 1
1:c.beqz s0, 2f
  addi a0, a0, 100
2:li s0, 5
  c.beqz s0, 3f
  addi a0, a0, 10
3:c.bnez s0, 4f
  addi a0, a0, 1000
4:CHK a0, 11
  TC                              # backward c.bnez loop
  li s1, 4
  li a0, 0
5:addi a0, a0, 3
  addi s1, s1, -1
  c.bnez s1, 5b
  CHK a0, 12

  /* ---- Q2 ---- */
  TC
  li a0, 3
  c.slli a0, 62
  CHK a0, 0xc000000000000000
  TC
  li a0, 0x81
  c.slli a0, 1
  CHK a0, 0x102
  TC
  li t0, 0x0123456789abcdef
  sd t0, 8(sp)
  li t0, 0x00000000fffffffe
  sd t0, 16(sp)
  c.ldsp a1, 8(sp)
  CHK a1, 0x0123456789abcdef
  TC
  c.lwsp a1, 16(sp)
  CHK a1, -2
  TC
  c.lwsp a1, 12(sp)
  CHK a1, 0x01234567
  TC
  c.fldsp fa0, 8(sp)
  fmv.x.d a1, fa0
  CHK a1, 0x0123456789abcdef
  TC
  c.fsdsp fa0, 32(sp)
  ld a1, 32(sp)
  CHK a1, 0x0123456789abcdef
  TC
  li a2, 0x5566778899aabbcc
  c.sdsp a2, 40(sp)
  ld a1, 40(sp)
  CHK a1, 0x5566778899aabbcc
  TC
  li a2, 0x11112222
  c.swsp a2, 44(sp)
  ld a1, 40(sp)
  CHK a1, 0x1111222299aabbcc
  TC                              # largest sp offsets
  li a2, 0x3333
  c.sdsp a2, 504(sp)
  c.ldsp a3, 504(sp)
  CHK a3, 0x3333
  c.swsp a2, 252(sp)
  c.lwsp a3, 252(sp)
  CHK a3, 0x3333
  TC
  li a3, 0xabc
  c.mv a4, a3
  CHK a4, 0xabc
  TC
  li a4, 100
  li a5, -1
  c.add a4, a5
  CHK a4, 99
  TC                              # c.jr
  la a0, 1f
  c.jr a0
  j fail
1:
  TC                              # c.jalr: link = pc + 2
  la a0, 2f
  c.jalr a0
6:j fail
2:la t0, 6b
  CHKR ra, t0
  TC                              # c.jr ra returns from a call
  li a0, 1
  call cfunc
  CHK a0, 2
  TC                              # c.jalr to a 2-byte aligned target
  la a0, 3f
  c.jalr a0
  j fail
  .align 2
  c.nop
3:c.nop
  la t0, 3b
  andi t0, t0, 3
  CHK t0, 2

  /* ---- c.ebreak ---- */
  TC
  EXPECT_TRAP 1f
7:c.ebreak
  j fail
1:CHK_TRAP TR_CAUSE, CAUSE_BREAKPOINT
  CHK_TRAP_ADDR TR_EPC, 7b
  TC                              # the all-zero halfword is illegal
  EXPECT_TRAP 1f
8:.2byte 0x0000
  j fail
1:CHK_TRAP TR_CAUSE, CAUSE_ILLEGAL_INSN
  CHK_TRAP_ADDR TR_EPC, 8b

  TEST_END

  .text
cfunc:
  c.addi a0, 1
  c.jr ra

  .data
  .align 4
cdata:
  .dword 0x89abcdef01234567, 0xfedcba9876543210, 0, 0
  .skip 88
  .word 0x11111111, 0x7a7b7c7d    # at cdata+120 / +124
  .skip 120
  .dword 0x0f1e2d3c4b5a6978       # at cdata+248
  .align 4
cstack: .skip 1024
cstack_top: .skip 1024
