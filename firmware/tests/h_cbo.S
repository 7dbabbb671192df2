/*
 * h_cbo.S - Zicbom and Zicboz: which of menvcfg, henvcfg and senvcfg enable
 * cbo.inval (CBIE), cbo.clean/cbo.flush (CBCFE) and cbo.zero (CBZE) in each
 * mode, as the CMO specification's table gives it:
 *   M: always executes;
 *   HS, U, VS, VU with the menvcfg field clear: illegal instruction;
 *   U (V = 0) with the senvcfg field clear: illegal instruction;
 *   VS and VU with the henvcfg field clear, VU with the senvcfg field clear:
 *     virtual instruction (mtval = the instruction bits, mtinst = 0).
 * cbo.inval's CBIE = 01 (execute as a flush) and 11 (invalidate) both enable
 * it. Then cbo.zero from VU zeroes exactly the 64-byte block holding rs1
 * (rs1 not aligned; the bytes around the block untouched), and the envcfg
 * fields read back as written.
 * hgatp = vsatp = satp = Bare, no delegation: every trap goes to M.
 * QEMU 7.2 has neither Zicbom nor Zicboz (qemu_selftests.py leaves it out).
 */
#define SELFTEST_HEXT
#include "selftest.h"

#define CBIE_FLUSH  (1 << 4)
#define CBIE_INVAL  (3 << 4)
#define CBCFE       (1 << 6)
#define CBZE        (1 << 7)

/* menvcfg, henvcfg, senvcfg := m, h, s */
.macro ENV m, h, s
  li t0, \m
  csrw menvcfg, t0
  li t0, \h
  csrw henvcfg, t0
  li t0, \s
  csrw senvcfg, t0
.endm

/* every mode against the envcfg field f for one instruction */
.macro CBO_RULES f, insn:vararg
  ENV 0, 0, 0
  TC
  \insn                         /* M-mode: no trap */
  TEST_ILLEGAL_IN PRV_S, \insn
  TEST_ILLEGAL_IN PRV_U, \insn
  ILLEGAL_V PRV_S, \insn
  ILLEGAL_V PRV_U, \insn
  ENV 0, \f, \f                 /* henvcfg and senvcfg cannot enable what menvcfg does not */
  TEST_ILLEGAL_IN PRV_S, \insn
  ILLEGAL_V PRV_S, \insn
  ILLEGAL_V PRV_U, \insn
  ENV \f, 0, 0
  TEST_OK_IN PRV_S, \insn
  TEST_ILLEGAL_IN PRV_U, \insn
  VIRT_INSN PRV_S, \insn
  VIRT_INSN PRV_U, \insn
  ENV \f, \f, 0
  OK_V PRV_S, \insn
  VIRT_INSN PRV_U, \insn
  TEST_ILLEGAL_IN PRV_U, \insn
  ENV \f, 0, \f
  TEST_OK_IN PRV_U, \insn
  VIRT_INSN PRV_S, \insn
  VIRT_INSN PRV_U, \insn
  ENV \f, \f, \f
  OK_V PRV_S, \insn
  OK_V PRV_U, \insn
  TEST_OK_IN PRV_U, \insn
.endm

  TEST_BEGIN
  csrw hgatp, zero
  csrw vsatp, zero
  csrw satp, zero
  csrw hedeleg, zero
  csrw hideleg, zero
  csrw mie, zero
  H_INSTALL_HANDLERS
  la s0, block

  CBO_RULES CBIE_FLUSH, cbo.inval 0(s0)
  CBO_RULES CBIE_INVAL, cbo.inval 0(s0)
  CBO_RULES CBCFE, cbo.clean 0(s0)
  CBO_RULES CBCFE, cbo.flush 0(s0)
  CBO_RULES CBZE, cbo.zero 0(s0)

  /* cbo.zero from VU with rs1 in the middle of the block */
  ENV CBZE, CBZE, CBZE
  la t0, before
  li t1, -1
  li t2, 48                     /* before (64), block (64), after (64) as 8-byte words, minus 0 */
1:sd t1, 0(t0)
  addi t0, t0, 8
  addi t2, t2, -1
  bnez t2, 1b
  addi s1, s0, 0x2a
  OK_V PRV_U, cbo.zero 0(s1)
  TC
  la t0, block
  li t2, 8
1:ld t1, 0(t0)
  CHK t1, 0
  addi t0, t0, 8
  addi t2, t2, -1
  bnez t2, 1b
  TC
  la t0, before
  ld t1, 56(t0)
  CHK t1, -1
  la t0, after
  ld t1, 0(t0)
  CHK t1, -1

  /* the fields read back */
  ENV CBIE_INVAL | CBCFE | CBZE, CBIE_FLUSH | CBCFE | CBZE, CBIE_INVAL | CBZE
  TC
  csrr t1, menvcfg
  andi t1, t1, 0xff
  CHK t1, CBIE_INVAL | CBCFE | CBZE
  csrr t1, henvcfg
  andi t1, t1, 0xff
  CHK t1, CBIE_FLUSH | CBCFE | CBZE
  csrr t1, senvcfg
  andi t1, t1, 0xff
  CHK t1, CBIE_INVAL | CBZE
  ENV 0, 0, 0

  TEST_END
  H_HANDLERS

  .data
  .align 6
before: .skip 64
block:  .skip 64
after:  .skip 64
