/*
 * zkr.S - Zkr: the seed CSR and mseccfg's access bits.
 *   seed reads ES16 (OPST = 10) with bits 29:16 zero, and changes from read
 *   to read; only read-write instructions may access it: csrrs/csrrc with
 *   rs1 = x0 and csrrsi/csrrci with uimm = 0 are illegal in every mode;
 *   S-mode needs mseccfg.SSEED, U-mode mseccfg.USEED (illegal instruction
 *   otherwise); VS and VU always trap: a virtual-instruction exception when
 *   SSEED = 1, illegal instruction when SSEED = 0 (USEED plays no part);
 *   mseccfg keeps USEED and SSEED (no Smepmp here).
 * QEMU 7.2 needs zkr=true and x-epmp=true (its mseccfg exists only with
 * ePMP); Spike has no mseccfg access rules for seed.
 */
#define SELFTEST_HEXT
#include "selftest.h"

#define USEED (1 << 8)
#define SSEED (1 << 9)

.macro SECCFG v
  li t0, \v
  csrw mseccfg, t0
.endm

  TEST_BEGIN
  H_CLEAR_STATE
  csrw mie, zero
  li t0, -1
  csrw hcounteren, t0

  TC                              # ES16, bits 29:16 zero
  csrrw a0, seed, zero
  srli a1, a0, 16
  CHK a1, 0x8000
  TC                              # the entropy changes: 8 reads are not all equal
  csrrw a0, seed, zero
  li t1, 0xffff
  and a0, a0, t1
  li a2, 8
1:csrrw a1, seed, zero
  and a1, a1, t1
  bne a1, a0, 2f
  addi a2, a2, -1
  bnez a2, 1b
  j fail
2:
  TC                              # csrrs with rs1 != x0 is a read-write access
  li t0, 1
  csrrs a0, seed, t0
  srli a1, a0, 30
  CHK a1, 2
  TEST_ILLEGAL_IN PRV_M, csrr a0, seed
  TEST_ILLEGAL_IN PRV_M, csrrsi a0, seed, 0
  TEST_ILLEGAL_IN PRV_M, csrrc a0, seed, zero

  TC                              # mseccfg: USEED and SSEED
  SECCFG USEED | SSEED
  CHK_CSR mseccfg, USEED | SSEED
  SECCFG 0
  CHK_CSR mseccfg, 0

  /* S and U */
  SECCFG 0
  TEST_ILLEGAL_IN PRV_S, csrrw a0, seed, zero
  TEST_ILLEGAL_IN PRV_U, csrrw a0, seed, zero
  SECCFG SSEED
  TEST_OK_IN PRV_S, csrrw a0, seed, zero
  TEST_ILLEGAL_IN PRV_U, csrrw a0, seed, zero
  TEST_ILLEGAL_IN PRV_S, csrr a0, seed
  SECCFG USEED
  TEST_ILLEGAL_IN PRV_S, csrrw a0, seed, zero
  TEST_OK_IN PRV_U, csrrw a0, seed, zero
  TEST_ILLEGAL_IN PRV_U, csrrs a0, seed, zero

  /* VS and VU */
  SECCFG 0
  ILLEGAL_V PRV_S, csrrw a0, seed, zero
  ILLEGAL_V PRV_U, csrrw a0, seed, zero
  SECCFG USEED
  ILLEGAL_V PRV_U, csrrw a0, seed, zero
  SECCFG SSEED | USEED
  VIRT_INSN PRV_S, csrrw a0, seed, zero
  VIRT_INSN PRV_U, csrrw a0, seed, zero
  ILLEGAL_V PRV_S, csrr a0, seed           /* read-only: illegal whatever SSEED says */

  TC                              # mseccfg's other bits (Smepmp's aside) are read-only zero
  li t0, ~7
  csrw mseccfg, t0
  CHK_CSR mseccfg, USEED | SSEED
  TEST_END
  H_HANDLERS
