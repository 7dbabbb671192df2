/*
 * traps.S - synchronous exceptions and xRET (no delegation: every trap goes to M)
 *
 * Covers: ecall from M, S and U (mcause 11/9/8, mepc = the ecall, mtval = 0);
 * ebreak and c.ebreak from M and U (cause 3, mepc; mtval 0 or the pc);
 * illegal instructions with mtval = the instruction bits: reserved 32-bit
 * encodings, reserved 16-bit encodings (c.addi4spn with zero immediate, c.lui
 * with zero immediate, c.addiw/c.jr with x0) and the all-zero halfword
 * (mtval = 0); privileged instructions in the wrong mode (mret from S/U, sret
 * from U, sret from S with TSR, wfi from S with TW, sfence.vma and satp from S
 * with TVM); trap entry state (MPP, MPIE, MIE); mret (MIE := MPIE, MPIE := 1,
 * MPP := U, MPRV cleared when returning below M); sret executed in M and S
 * (SIE := SPIE, SPIE := 1, SPP := U, returning to S or U); mepc bit 0 reads 0;
 * vectored mtvec still sends exceptions to the base; jumps: with C, jalr to an
 * address with bit 0 set clears it and a 2-byte aligned target is fine; if
 * misa.C can be cleared, taken jalr/jal/branches to a 2-byte aligned target
 * raise instruction-address-misaligned (cause 0, mepc = the jump, mtval = the
 * target) while a not-taken branch does not (skipped if misa.C is read-only).
 */
#include "selftest.h"

/* an instruction (given as its encoding) that must be illegal in M-mode */
.macro ILLEGAL_WORD w
  TC
  EXPECT_TRAP .Lr\@
.Li\@: .word \w
  j fail
.Lr\@:
  CHK_TRAP TR_CAUSE, CAUSE_ILLEGAL_INSN
  CHK_TRAP_ADDR TR_EPC, .Li\@
  CHK_TRAP TR_TVAL, \w
.endm
.macro ILLEGAL_HALF h
  TC
  EXPECT_TRAP .Lr\@
.Li\@: .2byte \h
  j fail
.Lr\@:
  CHK_TRAP TR_CAUSE, CAUSE_ILLEGAL_INSN
  CHK_TRAP_ADDR TR_EPC, .Li\@
  CHK_TRAP TR_TVAL, \h
.endm

/* ebreak-like check: cause 3, mepc = label, mtval = 0 or the pc */
.macro CHK_BREAK label
  CHK_TRAP TR_CAUSE, CAUSE_BREAKPOINT
  CHK_TRAP_ADDR TR_EPC, \label
  la t0, trap_rec
  ld t1, TR_TVAL(t0)
  beqz t1, .Lok\@
  la t2, \label
  CHKR t1, t2
.Lok\@:
.endm

  TEST_BEGIN

  /* ---- ecall ---- */
  TC
  EXPECT_TRAP 1f
2:ecall
  j fail
1:CHK_TRAP TR_CAUSE, CAUSE_ECALL_M
  CHK_TRAP_ADDR TR_EPC, 2b
  CHK_TRAP TR_TVAL, 0
  CHK_TRAP TR_PRIV, PRV_M
  TC
  EXPECT_TRAP 1f
  DROP_TO PRV_S
2:ecall
  j fail
1:CHK_TRAP TR_CAUSE, CAUSE_ECALL_S
  CHK_TRAP_ADDR TR_EPC, 2b
  CHK_TRAP TR_TVAL, 0
  CHK_TRAP TR_PRIV, PRV_S
  TC
  EXPECT_TRAP 1f
  DROP_TO PRV_U
2:ecall
  j fail
1:CHK_TRAP TR_CAUSE, CAUSE_ECALL_U
  CHK_TRAP_ADDR TR_EPC, 2b
  CHK_TRAP TR_TVAL, 0
  CHK_TRAP TR_PRIV, PRV_U
  TC                              # registers survive a trap and skip-resume in the same mode
  li a0, 1
  EXPECT_TRAP_SKIP
  ecall
  addi a0, a0, 1
  CHK a0, 2
  CHK_TRAP TR_COUNT, 1

  /* ---- ebreak ---- */
  TC
  EXPECT_TRAP 1f
2:ebreak
  j fail
1:CHK_BREAK 2b
  TC
  EXPECT_TRAP 1f
2:c.ebreak
  j fail
1:CHK_BREAK 2b
  TC
  EXPECT_TRAP 1f
  DROP_TO PRV_U
2:ebreak
  j fail
1:CHK_BREAK 2b
  CHK_TRAP TR_PRIV, PRV_U

  /* ---- illegal instructions: mtval holds the bits ---- */
  ILLEGAL_WORD 0x0000201b         # OP-IMM-32 with reserved funct3 010
  ILLEGAL_WORD 0x0200101b         # slliw with shamt[5] = 1
  ILLEGAL_WORD 0xfe000033         # OP with reserved funct7
  ILLEGAL_WORD 0x0000707b         # OP-32 reserved funct3 with funct7 0 (111)
  ILLEGAL_WORD 0x00007503         # LOAD with funct3 111 (reserved)
  ILLEGAL_WORD 0x00004023         # STORE funct3 100 (reserved)
  ILLEGAL_HALF 0x0004             # c.addi4spn s1, sp, 0 (reserved: nzuimm = 0)
  ILLEGAL_HALF 0x6201             # c.lui tp, 0 (reserved: nzimm = 0; odd rd is c.mop.N with Zcmop)
  ILLEGAL_HALF 0x2001             # c.addiw x0, 0 (reserved: rd = 0)
  ILLEGAL_HALF 0x8002             # c.jr x0 (reserved)
  TC                              # the all-zero halfword: illegal, mtval = 0
  EXPECT_TRAP 1f
2:.2byte 0
  j fail
1:CHK_TRAP TR_CAUSE, CAUSE_ILLEGAL_INSN
  CHK_TRAP_ADDR TR_EPC, 2b
  CHK_TRAP TR_TVAL, 0
  TEST_ILLEGAL_IN PRV_U, .word 0x0000201b   # also from U: same mtval, MPP = U

  /* ---- privileged instructions in the wrong mode ---- */
  TEST_ILLEGAL_IN PRV_S, mret
  TEST_ILLEGAL_IN PRV_U, mret
  TEST_ILLEGAL_IN PRV_U, sret
  TEST_ILLEGAL_IN PRV_U, sfence.vma
  TC                              # TSR: sret from S is illegal
  li t0, MSTATUS_TSR
  csrs mstatus, t0
  EXPECT_TRAP 1f
  DROP_TO PRV_S
2:sret
  j fail
1:CHK_TRAP TR_CAUSE, CAUSE_ILLEGAL_INSN
  CHK_TRAP_ADDR TR_EPC, 2b
  CHK_TVAL_INSN 2b
  li t0, MSTATUS_TSR
  csrc mstatus, t0
  TC                              # TVM: sfence.vma and satp from S are illegal
  li t0, MSTATUS_TVM
  csrs mstatus, t0
  EXPECT_TRAP 1f
  DROP_TO PRV_S
2:sfence.vma
  j fail
1:CHK_TRAP TR_CAUSE, CAUSE_ILLEGAL_INSN
  CHK_TVAL_INSN 2b
  TC
  EXPECT_TRAP 1f
  DROP_TO PRV_S
2:csrr a0, satp
  j fail
1:CHK_TRAP TR_CAUSE, CAUSE_ILLEGAL_INSN
  CHK_TVAL_INSN 2b
  li t0, MSTATUS_TVM
  csrc mstatus, t0
  TEST_OK_IN PRV_S, sfence.vma    # without TVM it is legal
  TC                              # TW: wfi from S (nothing can wake it) is illegal
  li t0, MSTATUS_TW
  csrs mstatus, t0
  csrw mie, zero
  EXPECT_TRAP 1f
  DROP_TO PRV_S
2:wfi
  j fail
1:CHK_TRAP TR_CAUSE, CAUSE_ILLEGAL_INSN
  CHK_TRAP_ADDR TR_EPC, 2b
  CHK_TVAL_INSN 2b
  li t0, MSTATUS_TW
  csrc mstatus, t0

  /* ---- trap entry and mret ---- */
  TC                              # entry from S: MPP = S, MPIE = old MIE (1), MIE = 0
  li t0, MSTATUS_MPIE             # mret to S with MPIE = 1 -> MIE = 1 while in S
  csrs mstatus, t0
  EXPECT_TRAP 1f
  DROP_TO PRV_S
  ecall
1:la t0, trap_rec
  ld t1, TR_STATUS(t0)
  li t2, MSTATUS_MPP | MSTATUS_MPIE | MSTATUS_MIE
  and t1, t1, t2
  CHK t1, MSTATUS_MPP_S | MSTATUS_MPIE
  TC                              # entry from U with MIE = 0 before: MPIE = 0
  li t0, MSTATUS_MPIE
  csrc mstatus, t0
  EXPECT_TRAP 1f
  DROP_TO PRV_U
  ecall
1:la t0, trap_rec
  ld t1, TR_STATUS(t0)
  li t2, MSTATUS_MPP | MSTATUS_MPIE | MSTATUS_MIE
  and t1, t1, t2
  CHK t1, 0
  TC                              # mret to M: MIE := MPIE (1), MPIE := 1, MPP := U
  csrw mie, zero
  li t0, MSTATUS_MIE
  csrc mstatus, t0
  li t0, MSTATUS_MPP | MSTATUS_MPIE
  csrs mstatus, t0
  la t0, 1f
  csrw mepc, t0
  mret
  j fail
1:csrr t1, mstatus
  li t2, MSTATUS_MPP | MSTATUS_MPIE | MSTATUS_MIE
  and t1, t1, t2
  CHK t1, MSTATUS_MPIE | MSTATUS_MIE
  TC                              # mret with MPIE = 0: MIE := 0, MPIE := 1
  li t0, MSTATUS_MPIE
  csrc mstatus, t0
  li t0, MSTATUS_MPP
  csrs mstatus, t0
  la t0, 1f
  csrw mepc, t0
  mret
  j fail
1:csrr t1, mstatus
  li t2, MSTATUS_MPP | MSTATUS_MPIE | MSTATUS_MIE
  and t1, t1, t2
  CHK t1, MSTATUS_MPIE
  TC                              # mret below M clears MPRV
  li t0, MSTATUS_MPRV
  csrs mstatus, t0
  EXPECT_TRAP 1f
  DROP_TO PRV_U
  ecall
1:CHK_TRAP TR_CAUSE, CAUSE_ECALL_U
  la t0, trap_rec
  ld t1, TR_STATUS(t0)
  li t2, MSTATUS_MPRV
  and t1, t1, t2
  CHK t1, 0
  TC                              # mret to M keeps MPRV
  li t0, MSTATUS_MPRV | MSTATUS_MPP
  csrs mstatus, t0
  la t0, 1f
  csrw mepc, t0
  mret
1:csrr t1, mstatus
  li t2, MSTATUS_MPRV
  and t1, t1, t2
  CHKR t1, t2
  csrc mstatus, t2

  /* ---- sret ---- */
  TC                              # sret in M with SPP = S, SPIE = 1, SIE = 0 -> S-mode, SIE = 1, SPIE = 1, SPP = U
  li t0, MSTATUS_SPP | MSTATUS_SPIE
  csrs mstatus, t0
  csrci mstatus, MSTATUS_SIE
  la t0, 2f
  csrw sepc, t0
  EXPECT_TRAP 1f
  sret
  j fail
2:csrr a0, sstatus               # legal only in S or M
  ecall
  j fail
1:CHK_TRAP TR_CAUSE, CAUSE_ECALL_S
  li t2, MSTATUS_SPP | MSTATUS_SPIE | MSTATUS_SIE
  and a0, a0, t2
  CHK a0, MSTATUS_SPIE | MSTATUS_SIE
  TC                              # sret in S with SPP = U, SPIE = 0 -> U-mode, SIE = 0
  csrci mstatus, MSTATUS_SIE
  li t0, MSTATUS_SPP | MSTATUS_SPIE
  csrc mstatus, t0
  csrsi mstatus, MSTATUS_SIE
  la t0, 2f
  csrw sepc, t0
  EXPECT_TRAP 1f
  DROP_TO PRV_S
  sret
  j fail
2:ecall
  j fail
1:CHK_TRAP TR_CAUSE, CAUSE_ECALL_U
  la t0, trap_rec
  ld t1, TR_STATUS(t0)
  li t2, MSTATUS_SPP | MSTATUS_SPIE | MSTATUS_SIE
  and t1, t1, t2
  CHK t1, MSTATUS_SPIE

  /* ---- mepc, mtvec ---- */
  TC                              # mepc bit 0 is always 0 (bit 1 kept with C)
  li t0, 0x80001003
  csrw mepc, t0
  csrr a0, mepc
  CHK a0, 0x80001002
  TC                              # vectored mtvec: exceptions still go to the base
  la t0, mtrap_vec
  ori t0, t0, 1
  csrw mtvec, t0
  csrr a0, mtvec
  CHKR a0, t0
  EXPECT_TRAP 1f
  ecall
  j fail
1:CHK_TRAP TR_CAUSE, CAUSE_ECALL_M
  la t0, mtrap_vec
  csrw mtvec, t0

  /* ---- jumps with C: only bit 0 is cleared, 2-byte targets fine ---- */
  TC
  la a1, 3f
  addi a1, a1, 1
  jalr ra, 0(a1)
  j fail
  .align 2
  c.nop
3:la a1, 3b
  andi a1, a1, 3
  CHK a1, 2

  /* ---- without C (if misa.C is writable): misaligned targets ---- */
  .option push
  .option norvc
  .align 3
  TC
  csrr s0, misa
  li t0, 1 << 2
  csrc misa, t0
  csrr s1, misa
  and t1, s1, t0
  bnez t1, nocsw                  # misa.C is read-only: skip this part
  TC                              # jalr to pc + 2k+2
  la a1, 4f
  addi a1, a1, 2
  EXPECT_TRAP 1f
2:jalr ra, 0(a1)
  j fail
1:CHK_TRAP TR_CAUSE, CAUSE_MISALIGNED_FETCH
  CHK_TRAP_ADDR TR_EPC, 2b
  la t0, trap_rec
  ld t1, TR_TVAL(t0)
  CHKR t1, a1
  TC                              # taken branch with offset 6
  EXPECT_TRAP 1f
2:.word 0x00000363                # beq x0, x0, . + 6
  j fail
1:CHK_TRAP TR_CAUSE, CAUSE_MISALIGNED_FETCH
  CHK_TRAP_ADDR TR_EPC, 2b
  la t0, trap_rec
  ld t1, TR_TVAL(t0)
  la t2, 2b
  addi t2, t2, 6
  CHKR t1, t2
  TC                              # not-taken branch with offset 6: no trap
  .word 0x00001363                # bne x0, x0, . + 6
  nop
  TC                              # jal with offset 6
  EXPECT_TRAP 1f
2:.word 0x0060006f                # jal x0, . + 6
  j fail
1:CHK_TRAP TR_CAUSE, CAUSE_MISALIGNED_FETCH
  CHK_TRAP_ADDR TR_EPC, 2b
  la t0, trap_rec
  ld t1, TR_TVAL(t0)
  la t2, 2b
  addi t2, t2, 6
  CHKR t1, t2
  li t0, 1 << 2
  csrs misa, t0
  j nocsw
  .align 3
4:nop
  nop
nocsw:
  .option pop
  csrw misa, s0

  TEST_END
