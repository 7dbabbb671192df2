/*
 * deleg.S - exception delegation (medeleg) to S-mode
 *
 * Covers: medeleg is writable for delegable causes and bit 11 (ecall from M)
 * reads 0; a delegated U-mode ecall is taken by the S-mode handler (stvec):
 * scause = 8, sepc = the ecall, stval = 0, sstatus.SPP = U, SPIE = old SIE,
 * SIE = 0; sret back to U after it (sepc + 4); delegated
 * illegal instructions from U and from S go to S (SPP = S, stval = bits);
 * non-delegated causes (ebreak, S ecall) from U/S still go to M; a delegated
 * cause raised in M-mode is taken in M (traps never go to a lower mode);
 * vectored stvec still sends exceptions to the base.
 */
#include "selftest.h"

#define SR_CAUSE   0
#define SR_EPC     8
#define SR_TVAL   16
#define SR_STATUS 24
#define SR_COUNT  32
#define SR_SKIP   40
#define SR_SAVE   48

/* S_EXPECT skip: clear the S record; skip=1: the S handler srets past the
   instruction, skip=0: it ecalls to M (which must be expecting it) */
.macro S_EXPECT skip
  la t6, strap_rec
  li t5, -1
  sd t5, SR_CAUSE(t6)
  sd t5, SR_EPC(t6)
  sd t5, SR_TVAL(t6)
  sd zero, SR_COUNT(t6)
  li t5, \skip
  sd t5, SR_SKIP(t6)
.endm

.macro CHK_SREC slot, val
  la t5, strap_rec
  ld t5, \slot(t5)
  li t6, \val
  beq t5, t6, .Lok\@
  j fail
.Lok\@:
.endm

.macro CHK_SREC_ADDR slot, label
  la t5, strap_rec
  ld t5, \slot(t5)
  la t6, \label
  beq t5, t6, .Lok\@
  j fail
.Lok\@:
.endm

  TEST_BEGIN

  la t0, strap_vec
  csrw stvec, t0

  TC                              # medeleg WARL: U ecall and illegal are delegable; M ecall is not
  li t0, -1
  csrw medeleg, t0
  csrr a0, medeleg
  li t1, (1 << CAUSE_ECALL_U) | (1 << CAUSE_ILLEGAL_INSN) | (1 << CAUSE_BREAKPOINT)
  and a1, a0, t1
  CHKR a1, t1
  li t1, 1 << CAUSE_ECALL_M
  and a1, a0, t1
  CHK a1, 0
  csrw medeleg, zero

  /* ---- delegated U ecall ---- */
  TC
  li t0, 1 << CAUSE_ECALL_U
  csrw medeleg, t0
  csrsi sstatus, MSTATUS_SIE      # SIE = 1 before: SPIE must become 1
  li t0, MSTATUS_SPP
  csrs sstatus, t0                # SPP = 1 before: must become U (0)
  S_EXPECT 0
  EXPECT_TRAP 1f
  DROP_TO PRV_U
2:ecall
  j fail
1:CHK_TRAP TR_CAUSE, CAUSE_ECALL_S        # the S handler's own ecall to M
  CHK_TRAP TR_PRIV, PRV_S
  CHK_SREC SR_CAUSE, CAUSE_ECALL_U
  CHK_SREC_ADDR SR_EPC, 2b
  CHK_SREC SR_TVAL, 0
  CHK_SREC SR_COUNT, 1
  la t0, strap_rec
  ld t1, SR_STATUS(t0)
  andi t1, t1, MSTATUS_SPP | MSTATUS_SPIE | MSTATUS_SIE
  CHK t1, MSTATUS_SPIE
  TC                              # S handler returns to U with sret (sepc + 4)
  S_EXPECT 1
  EXPECT_TRAP 1f
  DROP_TO PRV_U
  li a0, 5
  ecall                           # -> S, skipped
  addi a0, a0, 1
  ecall                           # -> S, skipped
  addi a0, a0, 1
  ebreak                          # not delegated -> M
  j fail
1:CHK_TRAP TR_CAUSE, CAUSE_BREAKPOINT
  CHK_TRAP TR_PRIV, PRV_U
  CHK_SREC SR_COUNT, 2
  CHK a0, 7
  TC                              # ecall from S is not delegated: goes to M
  EXPECT_TRAP 1f
  DROP_TO PRV_S
2:ecall
  j fail
1:CHK_TRAP TR_CAUSE, CAUSE_ECALL_S
  CHK_TRAP_ADDR TR_EPC, 2b
  csrw medeleg, zero
  TC                              # not delegated any more: U ecall goes to M
  S_EXPECT 0
  EXPECT_TRAP 1f
  DROP_TO PRV_U
  ecall
  j fail
1:CHK_TRAP TR_CAUSE, CAUSE_ECALL_U
  CHK_SREC SR_COUNT, 0

  /* ---- delegated illegal instruction ---- */
  li t0, 1 << CAUSE_ILLEGAL_INSN
  csrw medeleg, t0
  TC                              # from U
  S_EXPECT 0
  EXPECT_TRAP 1f
  DROP_TO PRV_U
2:csrr a0, sscratch
  j fail
1:CHK_TRAP TR_CAUSE, CAUSE_ECALL_S
  CHK_SREC SR_CAUSE, CAUSE_ILLEGAL_INSN
  CHK_SREC_ADDR SR_EPC, 2b
  la t0, 2b
  lhu t1, 0(t0)
  lhu t2, 2(t0)
  slli t2, t2, 16
  or t1, t1, t2
  la t0, strap_rec
  ld t2, SR_TVAL(t0)
  CHKR t1, t2
  TC                              # from S: SPP = S, SIE was 0 -> SPIE = 0
  csrci sstatus, MSTATUS_SIE
  S_EXPECT 0
  EXPECT_TRAP 1f
  DROP_TO PRV_S
2:mret
  j fail
1:CHK_TRAP TR_CAUSE, CAUSE_ECALL_S
  CHK_SREC SR_CAUSE, CAUSE_ILLEGAL_INSN
  CHK_SREC_ADDR SR_EPC, 2b
  la t0, strap_rec
  ld t1, SR_STATUS(t0)
  andi t1, t1, MSTATUS_SPP | MSTATUS_SPIE | MSTATUS_SIE
  CHK t1, MSTATUS_SPP
  TC                              # a delegated cause raised in M stays in M
  S_EXPECT 0
  EXPECT_TRAP 1f
2:.word 0x0000201b
  j fail
1:CHK_TRAP TR_CAUSE, CAUSE_ILLEGAL_INSN
  CHK_TRAP_ADDR TR_EPC, 2b
  CHK_SREC SR_COUNT, 0
  TC                              # compressed illegal from U: stval = 16 bits
  S_EXPECT 0
  EXPECT_TRAP 1f
  DROP_TO PRV_U
2:.2byte 0x0004
  j fail
1:CHK_TRAP TR_CAUSE, CAUSE_ECALL_S
  CHK_SREC SR_CAUSE, CAUSE_ILLEGAL_INSN
  CHK_SREC SR_TVAL, 0x0004
  CHK_SREC_ADDR SR_EPC, 2b
  TC                              # vectored stvec: exceptions still at the base
  la t0, strap_vec
  ori t0, t0, 1
  csrw stvec, t0
  S_EXPECT 1
  DROP_TO PRV_U
  .word 0x0000201b                # -> S, skipped
  BACK_TO_M
  CHK_SREC SR_COUNT, 1
  la t0, strap_vec
  csrw stvec, t0
  csrw medeleg, zero

  TEST_END

/* S-mode handler: record, then either sret past the instruction or ecall to M */
  .text
  .align 6
strap_vec:
  csrw sscratch, t0
  la t0, strap_rec
  sd t1, SR_SAVE(t0)
  csrr t1, scause
  sd t1, SR_CAUSE(t0)
  csrr t1, sepc
  sd t1, SR_EPC(t0)
  csrr t1, stval
  sd t1, SR_TVAL(t0)
  csrr t1, sstatus
  sd t1, SR_STATUS(t0)
  ld t1, SR_COUNT(t0)
  addi t1, t1, 1
  sd t1, SR_COUNT(t0)
  ld t1, SR_SKIP(t0)
  beqz t1, 1f
  csrr t1, sepc
  lhu t1, 0(t1)
  andi t1, t1, 3
  addi t1, t1, -3
  csrr t0, sepc
  addi t0, t0, 2
  bnez t1, 2f
  addi t0, t0, 2
2:csrw sepc, t0
  la t0, strap_rec
  ld t1, SR_SAVE(t0)
  csrr t0, sscratch
  sret
1:ld t1, SR_SAVE(t0)
  csrr t0, sscratch
  ecall
  j fail

  .data
  .align 4
strap_rec: .skip 64
