/*
 * h_zawrs.S - Zawrs: wrs.nto and wrs.sto in every mode, as zawrs.adoc says:
 *   - both are legal in all modes, U-mode too (unlike WFI);
 *   - the hart stalls while the reservation set is valid and no interrupt
 *     is pending, following WFI's rule for resuming (an interrupt enabled in
 *     mie wakes it, with mstatus.MIE clear too); wrs.sto's stall is short;
 *   - a wrs.nto that does not complete within a bounded time raises an
 *     illegal-instruction exception with mstatus.TW set below M, and a
 *     virtual-instruction exception in VS and VU with hstatus.VTW set and TW
 *     clear. stepvisor's bound is 0: a wrs.nto that would stall (valid
 *     reservation, nothing pending) traps, one that completes at once (no
 *     reservation: lr then sc) does not; wrs.sto never traps.
 * Where implementations differ (each permitted "an implementation-specific
 * bounded time limit" and to "terminate the stall for any reason"): Spike
 * (riscv/insns/wrs_nto.h) traps on wrs.nto with TW/VTW whether or not a
 * reservation is held, which the spec's "does not complete within" does not
 * ask for when the reservation is already invalid, so the cases "no
 * reservation: it completes" (after the other trap cases, so that the
 * lockstep check against Spike compares those) fail there; QEMU 7.2 has no Zawrs (8.0 added
 * it as a stall-free instruction), so qemu_selftests.py leaves this test
 * out. The stall's length cases (mcycle) are stepvisor's:
 * wrs.sto about 2000 cycles, wrs.nto until the timer interrupt it waits for.
 * hgatp = vsatp = satp = Bare, no delegation: every trap goes to M.
 */
#define SELFTEST_HEXT
#include "selftest.h"

/* mstatus.TW and hstatus.VTW := tw, vtw */
.macro TRAPWAIT tw, vtw
  li t0, MSTATUS_TW
  .if \tw
  csrs mstatus, t0
  .else
  csrc mstatus, t0
  .endif
  li t0, HSTATUS_VTW
  .if \vtw
  csrs hstatus, t0
  .else
  csrc hstatus, t0
  .endif
.endm

/* enter prv (virtualized when v) from M */
.macro ENTER prv, v
  .if \v
  DROP_TO_V \prv
  .elseif (\prv) != PRV_M
  DROP_TO \prv
  .endif
.endm

/* in prv (V = v), with a valid reservation, `insn` traps with `cause` */
.macro WRS_TRAPS prv, v, cause, insn:vararg
  TC
  EXPECT_TRAP .Lr\@
  ENTER \prv, \v
  lr.d t0, (s0)
.Li\@: \insn
  j fail
.Lr\@:
  CHK_TRAP TR_CAUSE, \cause
  CHK_TRAP_ADDR TR_EPC, .Li\@
  CHK_TVAL_INSN .Li\@
  CHK_TRAP TR_PRIV, \prv
  CHK_MPV \v
.endm

/* in prv (V = v) `insn` completes: with a valid reservation (clear = 0) or
   with none, dropped by an sc (clear = 1); then ecall back to M */
.macro WRS_OK prv, v, clear, insn:vararg
  TC
  .if (\prv) == PRV_M
  lr.d t0, (s0)
  .if \clear
  sc.d t1, t0, (s0)
  .endif
  \insn
  .else
  EXPECT_TRAP .Lr\@
  ENTER \prv, \v
  lr.d t0, (s0)
  .if \clear
  sc.d t1, t0, (s0)
  .endif
  \insn
  ecall
  j fail
.Lr\@:
  .if (\prv) == PRV_U
  CHK_TRAP TR_CAUSE, CAUSE_ECALL_U
  .elseif \v
  CHK_TRAP TR_CAUSE, CAUSE_ECALL_VS
  .else
  CHK_TRAP TR_CAUSE, CAUSE_ECALL_S
  .endif
  .endif
.endm

/* s1 := mcycle now */
.macro CYCLES_FROM
  csrr s1, mcycle
.endm
/* fail unless lo <= mcycle - s1 < hi */
.macro CYCLES_WITHIN lo, hi
  csrr t0, mcycle
  sub t0, t0, s1
  li t1, \lo
  bgeu t0, t1, .Llo\@
  j fail
.Llo\@:
  li t1, \hi
  bltu t0, t1, .Lhi\@
  j fail
.Lhi\@:
.endm

  TEST_BEGIN
  csrw hgatp, zero
  csrw vsatp, zero
  csrw satp, zero
  csrw hedeleg, zero
  csrw hideleg, zero
  csrw mie, zero
  csrw mcountinhibit, zero
  H_INSTALL_HANDLERS
  la s0, rsv

  /* ---- no trap bits: legal everywhere, with or without a reservation ---- */
  TRAPWAIT 0, 0
  .irp insn, wrs.nto, wrs.sto
  WRS_OK PRV_M, 0, 0, \insn
  WRS_OK PRV_M, 0, 1, \insn
  WRS_OK PRV_S, 0, 0, \insn
  WRS_OK PRV_U, 0, 0, \insn     /* U-mode: no TW, no trap (unlike WFI) */
  WRS_OK PRV_S, 1, 0, \insn
  WRS_OK PRV_U, 1, 0, \insn
  .endr

  /* ---- mstatus.TW: wrs.nto below M traps as illegal, also with V = 1 ---- */
  TRAPWAIT 1, 0
  WRS_OK PRV_M, 0, 0, wrs.nto   /* M-mode: TW does not apply */
  WRS_TRAPS PRV_S, 0, CAUSE_ILLEGAL_INSN, wrs.nto
  WRS_TRAPS PRV_U, 0, CAUSE_ILLEGAL_INSN, wrs.nto
  WRS_TRAPS PRV_S, 1, CAUSE_ILLEGAL_INSN, wrs.nto
  WRS_TRAPS PRV_U, 1, CAUSE_ILLEGAL_INSN, wrs.nto
  TRAPWAIT 1, 1                 /* TW set: illegal even with VTW */
  WRS_TRAPS PRV_S, 1, CAUSE_ILLEGAL_INSN, wrs.nto
  WRS_OK PRV_S, 0, 0, wrs.sto   /* wrs.sto is never trapped */
  WRS_OK PRV_U, 1, 0, wrs.sto

  /* ---- hstatus.VTW (TW clear): virtual instruction in VS and VU only ---- */
  TRAPWAIT 0, 1
  WRS_TRAPS PRV_S, 1, CAUSE_VIRTUAL_INSN, wrs.nto
  WRS_TRAPS PRV_U, 1, CAUSE_VIRTUAL_INSN, wrs.nto
  WRS_OK PRV_S, 0, 0, wrs.nto   /* V = 0: VTW does not apply */
  WRS_OK PRV_U, 0, 0, wrs.nto
  WRS_OK PRV_S, 1, 0, wrs.sto
  TRAPWAIT 0, 0

  /* ---- after the others, as Spike traps them (see above): TW or VTW with no reservation ---- */
  TRAPWAIT 1, 0
  WRS_OK PRV_S, 0, 1, wrs.nto   /* no reservation: it completes at once, within any bound */
  WRS_OK PRV_U, 1, 1, wrs.nto
  TRAPWAIT 0, 1
  WRS_OK PRV_S, 1, 1, wrs.nto
  TRAPWAIT 0, 0

  /* ---- the stall (M-mode, mstatus.MIE clear: interrupts wake it, never taken) ---- */
  csrci mstatus, MSTATUS_MIE
  TC                            /* no reservation: no stall */
  lr.d t0, (s0)
  sc.d t1, t0, (s0)
  CYCLES_FROM
  wrs.nto
  CYCLES_WITHIN 0, 500
  TC                            /* wrs.sto: a short stall */
  lr.d t0, (s0)
  CYCLES_FROM
  wrs.sto
  CYCLES_WITHIN 1000, 100000
  TC                            /* a pending interrupt enabled in mie: no stall */
  li t0, CLINT_MSIP
  li t1, 1
  sw t1, 0(t0)
  li t0, MIP_MSIP
  csrw mie, t0
  lr.d t0, (s0)
  CYCLES_FROM
  wrs.nto
  CYCLES_WITHIN 0, 500
  li t0, CLINT_MSIP
  sw zero, 0(t0)
  csrw mie, zero
  TC                            /* wrs.nto waits for the timer interrupt (100 ticks = 10000 cycles) */
  li t0, CLINT_MTIME
  ld t1, 0(t0)
  addi t1, t1, 100
  li t0, CLINT_MTIMECMP
  sd t1, 0(t0)
  li t0, MIP_MTIP
  csrw mie, t0
  lr.d t0, (s0)
  CYCLES_FROM
  wrs.nto
  CYCLES_WITHIN 5000, 100000
  csrr t0, mip
  andi t0, t0, MIP_MTIP
  CHK t0, MIP_MTIP
  csrw mie, zero
  li t0, CLINT_MTIMECMP
  li t1, -1
  sd t1, 0(t0)
  TC                            /* nothing to wake it: wrs.nto's bound ends the stall */
  lr.d t0, (s0)
  CYCLES_FROM
  wrs.nto
  CYCLES_WITHIN 100000, 10000000

  TEST_END
  H_HANDLERS

  .data
  .align 3
rsv: .dword 0
