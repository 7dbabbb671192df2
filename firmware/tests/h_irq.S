/*
 * h_irq.S - interrupts with the H extension: VS-level interrupts injected
 * through hvip (and vstimecmp), their routing by hideleg, enables, priorities
 * across M, HS and VS, and the state written on interrupt entry.
 *
 * Runs with hgatp = Bare, vsatp = Bare; mideleg delegates SSI/STI/SEI to HS
 * (its VS bits are read-only one). The machine software interrupt comes from
 * the CLINT's msip (0x0200_0000, QEMU virt / Spike layout).
 * Covers (privileged spec, "Hypervisor Interrupt Registers", "Trap Entry"):
 *   VSSIP/VSTIP/VSEIP from hvip, delegated by hideleg, arrive in VS as its
 *     supervisor interrupts: vscause = 2^63 + 1 / 5 / 9, vsepc = the
 *     interrupted instruction, vsstatus.SPP/SPIE/SIE, V stays 1, HS untouched;
 *     vectored vstvec uses the translated cause (base + 4 * 1);
 *   enables: vsstatus.SIE gates them in VS, not in VU; vsie (= hie) gates
 *     them always; delegated VS interrupts are never taken with V = 0 (HS, M);
 *   not delegated by hideleg: taken in HS with the untranslated cause
 *     (2^63 + 2 / 6 / 10) from VS whatever sstatus.SIE says (SPV = 1,
 *     SPVP = 1, htval = htinst = 0, GVA = 0), and from HS only with
 *     sstatus.SIE = 1 (SPV = 0);
 *   M-level interrupts (MSI) are taken from VS with mstatus.MIE = 0 (MPV = 1,
 *     mtinst = mtval2 = 0); HS-level interrupts (SSI) from VS with the HS
 *     sstatus.SIE = 0;
 *   priorities: HS-level before VS-level (SSI over a delegated VSSI); in HS:
 *     SEI > SSI > STI > VSEI > VSSI > VSTI; in VS (translated): SEI > SSI > STI;
 *   Sstc: a VS timer interrupt from vstimecmp (henvcfg.STCE = 1, hideleg.6)
 *     arrives in VS as cause 2^63 + 5, and goes away when vstimecmp is raised.
 */
#define SELFTEST_HEXT
#include "selftest.h"

#define INTR(n) (0x8000000000000000 | (n))
#define MIP_S_ALL (MIP_SSIP | MIP_STIP | MIP_SEIP)

/* clear every pending/enable bit this test uses (M-mode, clobbers t0) */
.macro IRQ_RESET
  csrw mie, zero
  csrw hie, zero
  csrw hvip, zero
  li t0, MIP_S_ALL
  csrc mip, t0
  csrw hideleg, zero
  li t0, CLINT_MSIP
  sw zero, 0(t0)
  li t0, MSTATUS_SIE
  csrc sstatus, t0
.endm

/* run in VS (prv = PRV_S) or VU with vsstatus = status: a few nops, then
   ecall; the case expects some handler's ecall (or ours) at label `back` */
.macro RUN_V prv, status, back
  li t0, \status
  csrw vsstatus, t0
  EXPECT_TRAP \back
  DROP_TO_V \prv
  nop
  nop
  nop
  nop
.endm

/* fail unless the last trap into M was the ecall at label `l` (no interrupt taken) */
.macro CHK_NO_IRQ_BEFORE l
  CHK_TRAP_ADDR TR_EPC, \l
  CHK_VS VR_COUNT, 0
  CHK_HS HR_COUNT, 0
.endm

/* fail unless lo <= r <= hi (labels) */
.macro CHK_IN_RANGE r, lo, hi
  la t5, \lo
  bgeu \r, t5, .Lge\@
  j fail
.Lge\@:
  la t5, \hi
  bleu \r, t5, .Lok\@
  j fail
.Lok\@:
.endm

#define VSS_ON ((2 << 32) | MSTATUS_SIE)
#define VSS_OFF (2 << 32)

  TEST_BEGIN
  csrw hgatp, zero
  csrw vsatp, zero
  csrw hedeleg, zero
  li t0, MIP_S_ALL
  csrw mideleg, t0
  IRQ_RESET
  H_INSTALL_HANDLERS

  /* ---- VS-level interrupts delegated to VS ---- */
  TC                              # VSSIP -> VS: vscause 2^63+1, vsepc, SPP = S, SPIE = 1, SIE = 0
  IRQ_RESET
  li t0, MIP_VSSIP
  csrw hideleg, t0
  csrw hie, t0
  csrw hvip, t0
  csrr s0, hstatus
  VS_CLEAR
  HS_CLEAR
  li t0, VSS_ON
  csrw vsstatus, t0
  EXPECT_TRAP 1f
  DROP_TO_V PRV_S
3:nop
  nop
  nop
4:j fail
1:IRQ_RESET
  CHK_TRAP TR_CAUSE, CAUSE_ECALL_VS         # vs_vec's ecall
  CHK_VS VR_CAUSE, INTR(1)
  CHK_VS VR_COUNT, 1
  la t0, vs_rec
  ld t1, VR_STATUS(t0)
  andi t1, t1, MSTATUS_SPP | MSTATUS_SPIE | MSTATUS_SIE
  CHK t1, MSTATUS_SPP | MSTATUS_SPIE
  ld t1, VR_EPC(t0)               # vsepc: one of the nops (the first one in practice)
  CHK_IN_RANGE t1, 3b, 4b
  csrr t1, hstatus
  CHKR t1, s0
  CHK_HS HR_COUNT, 0
  TC                              # VSTIP -> VS: vscause 2^63+5
  IRQ_RESET
  li t0, MIP_VSTIP
  csrw hideleg, t0
  csrw hie, t0
  csrw hvip, t0
  VS_CLEAR
  RUN_V PRV_S, VSS_ON, 1f
  j fail
1:IRQ_RESET
  CHK_VS VR_CAUSE, INTR(5)
  TC                              # VSEIP -> VS: vscause 2^63+9
  IRQ_RESET
  li t0, MIP_VSEIP
  csrw hideleg, t0
  csrw hie, t0
  csrw hvip, t0
  VS_CLEAR
  RUN_V PRV_S, VSS_ON, 1f
  j fail
1:IRQ_RESET
  CHK_VS VR_CAUSE, INTR(9)
  TC                              # vsstatus.SIE = 0 in VS: not taken
  IRQ_RESET
  li t0, MIP_VS_ALL
  csrw hideleg, t0
  csrw hie, t0
  csrw hvip, t0
  VS_CLEAR
  HS_CLEAR
  RUN_V PRV_S, VSS_OFF, 1f
2:ecall
  j fail
1:IRQ_RESET
  CHK_TRAP TR_CAUSE, CAUSE_ECALL_VS
  CHK_NO_IRQ_BEFORE 2b
  TC                              # in VU: taken whatever vsstatus.SIE says (SPP = U)
  IRQ_RESET
  li t0, MIP_VSSIP
  csrw hideleg, t0
  csrw hie, t0
  csrw hvip, t0
  VS_CLEAR
  RUN_V PRV_U, VSS_OFF, 1f
  j fail
1:IRQ_RESET
  CHK_TRAP TR_CAUSE, CAUSE_ECALL_VS
  CHK_VS VR_CAUSE, INTR(1)
  la t0, vs_rec
  ld t1, VR_STATUS(t0)
  andi t1, t1, MSTATUS_SPP
  CHK t1, 0
  TC                              # hie (vsie) clear: not taken, in VS or VU
  IRQ_RESET
  li t0, MIP_VS_ALL
  csrw hideleg, t0
  csrw hvip, t0
  VS_CLEAR
  HS_CLEAR
  RUN_V PRV_U, VSS_ON, 1f
2:ecall
  j fail
1:IRQ_RESET
  CHK_TRAP TR_CAUSE, CAUSE_ECALL_U
  CHK_NO_IRQ_BEFORE 2b
  TC                              # delegated VS interrupts are not taken in HS (V = 0), even with SIE = 1
  IRQ_RESET
  li t0, MIP_VS_ALL
  csrw hideleg, t0
  csrw hie, t0
  csrw hvip, t0
  li t0, MSTATUS_SIE
  csrs sstatus, t0
  VS_CLEAR
  HS_CLEAR
  EXPECT_TRAP 1f
  DROP_TO PRV_S
  nop
  nop
2:ecall
  j fail
1:IRQ_RESET
  CHK_TRAP TR_CAUSE, CAUSE_ECALL_S
  CHK_NO_IRQ_BEFORE 2b
  TC                              # ... nor in M (mstatus.MIE = 1, mie = all)
  IRQ_RESET
  li t0, MIP_VS_ALL
  csrw hideleg, t0
  csrw hie, t0
  csrw hvip, t0
  csrsi mstatus, MSTATUS_MIE
  nop
  nop
  csrci mstatus, MSTATUS_MIE
  IRQ_RESET
  TC                              # vectored vstvec: an interrupt goes to base + 4 * translated cause
  IRQ_RESET
  la t0, vs_vtab
  ori t0, t0, 1
  csrw vstvec, t0
  li t0, MIP_VSSIP
  csrw hideleg, t0
  csrw hie, t0
  csrw hvip, t0
  la t0, vs_slot
  li t1, -1
  sd t1, 0(t0)
  VS_CLEAR
  RUN_V PRV_S, VSS_ON, 1f
  j fail
1:IRQ_RESET
  H_INSTALL_HANDLERS
  CHK_VS VR_CAUSE, INTR(1)
  CHK_MEM vs_slot, 1

  /* ---- VS-level interrupts not delegated: HS ---- */
  TC                              # from VS, HS sstatus.SIE = 0: taken in HS with cause 2^63+2
  IRQ_RESET
  li t0, MIP_VSSIP
  csrw hie, t0
  csrw hvip, t0
  li t0, HSTATUS_SPVP | HSTATUS_GVA
  csrc hstatus, t0
  li t0, 0x77
  csrw htval, t0
  csrw htinst, t0
  HS_CLEAR
  VS_CLEAR
  RUN_V PRV_S, VSS_OFF, 1f
  j fail
1:IRQ_RESET
  CHK_TRAP TR_CAUSE, CAUSE_ECALL_S
  CHK_HS HR_CAUSE, INTR(2)
  CHK_HS HR_HTVAL, 0
  CHK_HS HR_HTINST, 0
  CHK_HS HR_TVAL, 0
  CHK_HSTATUS_BIT 7, 1            # SPV
  CHK_HSTATUS_BIT 8, 1            # SPVP
  CHK_HSTATUS_BIT 6, 0            # GVA
  CHK_VS VR_COUNT, 0
  TC                              # VSTIP / VSEIP not delegated: 2^63+6 / 2^63+10
  IRQ_RESET
  li t0, MIP_VSTIP
  csrw hie, t0
  csrw hvip, t0
  HS_CLEAR
  RUN_V PRV_U, VSS_OFF, 1f
  j fail
1:IRQ_RESET
  CHK_HS HR_CAUSE, INTR(6)
  CHK_HSTATUS_BIT 8, 0            # SPVP = U
  TC
  IRQ_RESET
  li t0, MIP_VSEIP
  csrw hie, t0
  csrw hvip, t0
  HS_CLEAR
  RUN_V PRV_S, VSS_ON, 1f
  j fail
1:IRQ_RESET
  CHK_HS HR_CAUSE, INTR(10)
  TC                              # from HS: only with sstatus.SIE = 1 (then SPV = 0)
  IRQ_RESET
  li t0, MIP_VSSIP
  csrw hie, t0
  csrw hvip, t0
  HS_CLEAR
  EXPECT_TRAP 1f
  DROP_TO PRV_S
  nop
  nop
  csrsi sstatus, MSTATUS_SIE
3:nop
  nop
2:ecall
  j fail
1:IRQ_RESET
  CHK_TRAP TR_CAUSE, CAUSE_ECALL_S
  CHK_HS HR_CAUSE, INTR(2)
  CHK_HSTATUS_BIT 7, 0
  la t0, hs_rec
  ld t1, HR_EPC(t0)
  CHK_IN_RANGE t1, 3b, 2b         # taken after the csrsi, before the ecall

  /* ---- higher levels preempt VS ---- */
  TC                              # machine software interrupt from VS with mstatus.MIE = 0
  IRQ_RESET
  li t0, MSTATUS_MIE | MSTATUS_MPIE         # MIE = 0 now and after the mret
  csrc mstatus, t0
  li t0, MIP_MSIP
  csrw mie, t0
  li t0, CLINT_MSIP
  li t1, 1
  sw t1, 0(t0)
  li t0, 0x99
  csrw mtinst, t0
  csrw mtval2, t0
  RUN_V PRV_S, VSS_ON, 1f
  j fail
1:IRQ_RESET
  CHK_TRAP TR_CAUSE, INTR(IRQ_MSI)
  CHK_MPV 1
  CHK_TRAP TR_PRIV, PRV_S
  CHK_CSR mtinst, 0
  CHK_CSR mtval2, 0
  TC                              # ... it writes mstatus.GVA = 0
  IRQ_RESET
  li t0, MSTATUS_MIE | MSTATUS_MPIE
  csrc mstatus, t0
  li t0, MIP_MSIP
  csrw mie, t0
  li t0, CLINT_MSIP
  li t1, 1
  sw t1, 0(t0)
  li t0, MSTATUS_GVA
  csrs mstatus, t0
  RUN_V PRV_S, VSS_ON, 1f
  j fail
1:IRQ_RESET
  CHK_TRAP TR_CAUSE, INTR(IRQ_MSI)
  CHK_GVA 0
  TC                              # SSI (HS level) from VS with the HS sstatus.SIE = 0
  IRQ_RESET
  li t0, MIP_SSIP
  csrs mip, t0
  csrw mie, t0
  HS_CLEAR
  VS_CLEAR
  RUN_V PRV_S, VSS_ON, 1f
  j fail
1:IRQ_RESET
  CHK_HS HR_CAUSE, INTR(IRQ_SSI)
  CHK_HSTATUS_BIT 7, 1
  CHK_VS VR_COUNT, 0

  /* ---- priorities ---- */
  TC                              # SSI (to HS) before a delegated VSSI (to VS)
  IRQ_RESET
  li t0, MIP_SSIP
  csrs mip, t0
  li t0, MIP_SSIP | MIP_VSSIP
  csrw mie, t0
  li t0, MIP_VSSIP
  csrw hideleg, t0
  csrw hvip, t0
  HS_CLEAR
  VS_CLEAR
  RUN_V PRV_S, VSS_ON, 1f
  j fail
1:IRQ_RESET
  CHK_HS HR_CAUSE, INTR(IRQ_SSI)
  CHK_VS VR_COUNT, 0

.macro PRIO_HS pending, expect
  TC
  IRQ_RESET
  li t0, (\pending) & MIP_S_ALL
  csrs mip, t0
  li t0, (\pending) & MIP_VS_ALL
  csrw hvip, t0
  li t0, MIP_S_ALL | MIP_VS_ALL
  csrw mie, t0
  HS_CLEAR
  RUN_V PRV_S, VSS_OFF, .Lb\@
  j fail
.Lb\@:
  IRQ_RESET
  CHK_HS HR_CAUSE, INTR(\expect)
.endm
  /* in HS (taken from VS): SEI > SSI > STI > VSEI > VSSI > VSTI */
  PRIO_HS MIP_S_ALL | MIP_VS_ALL, IRQ_SEI
  PRIO_HS MIP_SSIP | MIP_STIP | MIP_VS_ALL, IRQ_SSI
  PRIO_HS MIP_STIP | MIP_VS_ALL, IRQ_STI
  PRIO_HS MIP_VS_ALL, IRQ_VSEI
  PRIO_HS MIP_VSSIP | MIP_VSTIP, IRQ_VSSI
  PRIO_HS MIP_VSTIP, IRQ_VSTI

.macro PRIO_VS pending, expect
  TC
  IRQ_RESET
  li t0, MIP_VS_ALL
  csrw hideleg, t0
  csrw hie, t0
  li t0, \pending
  csrw hvip, t0
  VS_CLEAR
  RUN_V PRV_S, VSS_ON, .Lb\@
  j fail
.Lb\@:
  IRQ_RESET
  CHK_VS VR_CAUSE, INTR(\expect)
.endm
  /* in VS (translated causes): SEI > SSI > STI */
  PRIO_VS MIP_VS_ALL, IRQ_SEI
  PRIO_VS MIP_VSSIP | MIP_VSTIP, IRQ_SSI
  PRIO_VS MIP_VSTIP, IRQ_STI

  /* ---- Sstc: vstimecmp ---- */
  TC                              # vstimecmp <= time + htimedelta: VS timer interrupt in VS
  IRQ_RESET
  li t0, MENVCFG_STCE
  csrs menvcfg, t0
  li t0, HENVCFG_STCE
  csrw henvcfg, t0
  csrw htimedelta, zero
  csrw vstimecmp, zero
  li t0, MIP_VSTIP
  csrw hideleg, t0
  csrw hie, t0
  VS_CLEAR
  EXPECT_TRAP 1f
  li t0, VSS_ON
  csrw vsstatus, t0
  DROP_TO_V PRV_S
  li t0, 100000                   # (the pending bit may take a while)
2:addi t0, t0, -1
  bnez t0, 2b
  j fail
1:li t0, -1
  csrw vstimecmp, t0
  IRQ_RESET
  CHK_VS VR_CAUSE, INTR(5)
  TC                              # raising vstimecmp above time + htimedelta clears it
  IRQ_RESET
  li t0, MENVCFG_STCE
  csrs menvcfg, t0
  li t0, HENVCFG_STCE
  csrw henvcfg, t0
  li t0, -1
  csrw vstimecmp, t0
  li t0, MIP_VSTIP
  csrw hideleg, t0
  csrw hie, t0
  VS_CLEAR
  HS_CLEAR
  RUN_V PRV_S, VSS_ON, 1f
2:ecall
  j fail
1:IRQ_RESET
  csrw henvcfg, zero
  li t0, MENVCFG_STCE
  csrc menvcfg, t0
  CHK_TRAP TR_CAUSE, CAUSE_ECALL_VS
  CHK_NO_IRQ_BEFORE 2b

  TEST_END
  H_HANDLERS

  .text
/* vectored VS trap table: entry i jumps to vs_vtab_common with t0 = its
   address + 4; vs_slot = i, then the usual VS recorder */
  .align 8
vs_vtab:
  .option push
  .option norvc
  .rept 16
  jal t0, vs_vtab_common
  .endr
vs_vtab_common:
  la t1, vs_vtab + 4
  sub t0, t0, t1
  srli t0, t0, 2
  la t1, vs_slot
  sd t0, 0(t1)
  j vs_vec
  .option pop

  .data
  .align 3
vs_slot: .dword 0
