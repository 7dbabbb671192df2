/*
 * h_virtinst.S - virtual-instruction exceptions (cause 22) against
 * illegal-instruction exceptions (cause 2) for V = 1, case by case as the
 * privileged spec's list ("Trap Cause Codes") gives them.
 *
 * Runs with hgatp = Bare and vsatp = Bare, no delegation: every trap goes to
 * M, where mcause, mepc, mtval (= the instruction bits), MPV and MPP, and for
 * virtual-instruction traps mtval2 = mtinst = 0, are checked.
 * Covers:
 *   counters: cycle/time/instret from VS with hcounteren clear and mcounteren
 *     set (virtual), from VU with hcounteren or scounteren clear (virtual),
 *     with mcounteren clear (illegal, whatever hcounteren says), readable
 *     with all three set;
 *   the hypervisor instructions (HLV.*, HLVX.*, HSV.*, HFENCE.VVMA/GVMA) in
 *     VS and VU (virtual), HFENCE in U even with hstatus.HU = 1 (illegal);
 *   every hypervisor CSR and every VS CSR by its own address, from VS and
 *     from VU (virtual); a write to the read-only hgeip or to time from VS
 *     (illegal: not allowed in HS either);
 *   the supervisor CSRs from VU (virtual);
 *   M-level CSRs and MRET from VS/VU (illegal: not HS-qualified);
 *   WFI: VU with TW = 0 (virtual), VU or VS with TW = 1 (illegal), VS with
 *     VTW = 1 (virtual), VS with VTW = TW = 0 and an enabled pending
 *     interrupt (completes);
 *   SRET and SFENCE.VMA in VU (virtual), satp/SFENCE.VMA in VS with VTVM
 *     (virtual) and with mstatus.TVM = 1, VTVM = 0 (allowed: TVM is for HS);
 *   FS = 0 in vsstatus or in the HS-level sstatus: an FP instruction in VS is
 *     illegal, never virtual; an FP write in VS sets both FS fields to Dirty;
 *   CSRs of an absent extension (the AIA's hvien and siselect on the default
 *     machine) from VS/VU: illegal, never virtual (the virtual-instruction
 *     rules are for implemented CSRs; QEMU 7.2 and Spike agree).
 */
#define SELFTEST_HEXT
#include "selftest.h"

/* a counter case: mcounteren = m, hcounteren = h, scounteren = s; kind =
   virt (virtual instruction), ill (illegal) or ok (readable) */
.macro CTR kind, prv, m, h, s, insn:vararg
  TC
  li t0, \m
  csrw mcounteren, t0
  li t0, \h
  csrw hcounteren, t0
  li t0, \s
  csrw scounteren, t0
  EXPECT_TRAP .Lr\@
  .ifc \prv, PRV_S
  DROP_TO_V PRV_S
  .else
  DROP_TO_V PRV_U
  .endif
.Li\@: \insn
  .ifc \kind, ok
  ecall
  .endif
  j fail
.Lr\@:
  li t0, -1
  csrw mcounteren, t0
  csrw scounteren, t0
  csrw hcounteren, zero
  .ifc \kind, virt
  CHK_TRAP TR_CAUSE, CAUSE_VIRTUAL_INSN
  CHK_TRAP_ADDR TR_EPC, .Li\@
  CHK_TVAL_INSN .Li\@
  .endif
  .ifc \kind, ill
  CHK_TRAP TR_CAUSE, CAUSE_ILLEGAL_INSN
  CHK_TRAP_ADDR TR_EPC, .Li\@
  .endif
  .ifc \kind, ok
  .ifc \prv, PRV_S
  CHK_TRAP TR_CAUSE, CAUSE_ECALL_VS
  .else
  CHK_TRAP TR_CAUSE, CAUSE_ECALL_U
  .endif
  .endif
  CHK_MPV 1
.endm

/* VIRT_INSN in VS and in VU */
.macro VIRT_BOTH insn:vararg
  VIRT_INSN PRV_S, \insn
  VIRT_INSN PRV_U, \insn
.endm

/* a case with hstatus/mstatus bits set inside it: kind virt|ill, in prv */
.macro WITH_BITS kind, csr, bits, prv, insn:vararg
  TC
  li t0, \bits
  csrs \csr, t0
  EXPECT_TRAP .Lr\@
  DROP_TO_V \prv
.Li\@: \insn
  j fail
.Lr\@:
  li t0, \bits
  csrc \csr, t0
  .ifc \kind, virt
  CHK_TRAP TR_CAUSE, CAUSE_VIRTUAL_INSN
  CHK_CSR mtinst, 0
  .else
  CHK_TRAP TR_CAUSE, CAUSE_ILLEGAL_INSN
  .endif
  CHK_TRAP_ADDR TR_EPC, .Li\@
  CHK_TVAL_INSN .Li\@
  CHK_TRAP TR_PRIV, \prv
  CHK_MPV 1
.endm

/* a case with bits set that runs insn in prv (VS/VU) without a trap */
.macro WITH_BITS_OK csr, bits, prv, insn:vararg
  TC
  li t0, \bits
  csrs \csr, t0
  EXPECT_TRAP .Lr\@
  DROP_TO_V \prv
  \insn
  ecall
  j fail
.Lr\@:
  li t0, \bits
  csrc \csr, t0
  .if (\prv) == PRV_S
  CHK_TRAP TR_CAUSE, CAUSE_ECALL_VS
  .else
  CHK_TRAP TR_CAUSE, CAUSE_ECALL_U
  .endif
.endm

  TEST_BEGIN
  H_CLEAR_STATE
  csrw hvip, zero
  csrw hie, zero
  csrw mie, zero
  csrw hcounteren, zero
  li t0, MENVCFG_STCE
  csrs menvcfg, t0
  /* With Smstateen, mstateen0 resets to 0 and would make henvcfg and senvcfg
     illegal from HS and so from VS: open them (SE0, ENVCFG) where it exists. */
  EXPECT_TRAP_SKIP
  li t0, (1 << 63) | (1 << 62)
  csrs 0x30c, t0
  EXPECT_NONE
  H_INSTALL_HANDLERS

  /* ---- counters ---- */
  CTR virt, PRV_S, -1, 0, -1, csrr a0, cycle
  CTR virt, PRV_S, -1, 0, -1, csrr a0, time
  CTR virt, PRV_S, -1, 0, -1, csrr a0, instret
  CTR virt, PRV_S, -1, ~2, -1, csrr a0, time      # only TM clear
  CTR ok,   PRV_S, -1, -1, 0, csrr a0, cycle      # scounteren does not matter in VS
  CTR virt, PRV_U, -1, 0, -1, csrr a0, cycle
  CTR virt, PRV_U, -1, -1, 0, csrr a0, instret    # VU: scounteren clear -> virtual too
  CTR ok,   PRV_U, -1, -1, -1, csrr a0, time
  CTR ill,  PRV_S, 0, -1, -1, csrr a0, cycle      # mcounteren clear: illegal
  CTR ill,  PRV_S, 0, 0, -1, csrr a0, time
  CTR ill,  PRV_U, 0, -1, -1, csrr a0, instret
  CTR ill,  PRV_U, 0, 0, 0, csrr a0, cycle

  /* ---- hypervisor instructions ---- */
  VIRT_BOTH hlv.b a0, (sp)
  VIRT_BOTH hlv.hu a0, (sp)
  VIRT_BOTH hlv.w a0, (sp)
  VIRT_BOTH hlv.d a0, (sp)
  VIRT_BOTH hlvx.hu a0, (sp)
  VIRT_BOTH hlvx.wu a0, (sp)
  VIRT_BOTH hsv.b zero, (sp)
  VIRT_BOTH hsv.d zero, (sp)
  VIRT_BOTH hfence.vvma
  VIRT_BOTH hfence.gvma
  VIRT_INSN PRV_S, hfence.vvma a0, a1
  VIRT_INSN PRV_S, hfence.gvma a0, a1
  TC                              # HFENCE in U is illegal, even with hstatus.HU = 1
  li t0, HSTATUS_HU
  csrs hstatus, t0
  EXPECT_TRAP 1f
  DROP_TO PRV_U
2:hfence.vvma
  j fail
1:CHK_TRAP TR_CAUSE, CAUSE_ILLEGAL_INSN
  CHK_TRAP_ADDR TR_EPC, 2b
  CHK_MPV 0
  TC
  li t0, HSTATUS_HU
  csrs hstatus, t0
  EXPECT_TRAP 1f
  DROP_TO PRV_U
2:hfence.gvma
  j fail
1:li t0, HSTATUS_HU
  csrc hstatus, t0
  CHK_TRAP TR_CAUSE, CAUSE_ILLEGAL_INSN
  CHK_TRAP_ADDR TR_EPC, 2b

  /* ---- hypervisor CSRs ---- */
  VIRT_BOTH csrr a0, hstatus
  VIRT_BOTH csrw hedeleg, zero
  VIRT_BOTH csrr a0, hideleg
  VIRT_BOTH csrr a0, hie
  VIRT_BOTH csrs hip, zero
  VIRT_BOTH csrr a0, hvip
  VIRT_BOTH csrr a0, hgeie
  VIRT_BOTH csrr a0, hgeip
  VIRT_BOTH csrr a0, hcounteren
  VIRT_BOTH csrr a0, htimedelta
  VIRT_BOTH csrr a0, htval
  VIRT_BOTH csrr a0, htinst
  VIRT_BOTH csrr a0, hgatp
  VIRT_BOTH csrr a0, henvcfg
  ILLEGAL_V PRV_S, csrw hgeip, zero          # read-only CSR: a write is illegal in HS too
  ILLEGAL_V PRV_S, csrw time, zero

  /* ---- VS CSRs by their own addresses ---- */
  VIRT_BOTH csrr a0, vsstatus
  VIRT_BOTH csrr a0, vsie
  VIRT_BOTH csrr a0, vstvec
  VIRT_BOTH csrw vsscratch, zero
  VIRT_BOTH csrr a0, vsepc
  VIRT_BOTH csrr a0, vscause
  VIRT_BOTH csrr a0, vstval
  VIRT_BOTH csrr a0, vsip
  VIRT_BOTH csrr a0, vsatp
  VIRT_INSN PRV_S, csrr a0, vstimecmp

  /* ---- supervisor CSRs from VU ---- */
  VIRT_INSN PRV_U, csrr a0, sstatus
  VIRT_INSN PRV_U, csrr a0, sie
  VIRT_INSN PRV_U, csrr a0, stvec
  VIRT_INSN PRV_U, csrr a0, scounteren
  VIRT_INSN PRV_U, csrr a0, senvcfg
  VIRT_INSN PRV_U, csrw sscratch, zero
  VIRT_INSN PRV_U, csrr a0, sepc
  VIRT_INSN PRV_U, csrr a0, scause
  VIRT_INSN PRV_U, csrr a0, stval
  VIRT_INSN PRV_U, csrr a0, sip
  VIRT_INSN PRV_U, csrr a0, satp

  /* ---- M level: illegal ---- */
  ILLEGAL_V PRV_S, csrr a0, mstatus
  ILLEGAL_V PRV_U, csrr a0, mstatus
  ILLEGAL_V PRV_S, csrw mepc, zero
  ILLEGAL_V PRV_S, mret
  ILLEGAL_V PRV_U, mret

  /* ---- WFI ---- */
  VIRT_INSN PRV_U, wfi                        # TW = 0
  WITH_BITS ill, mstatus, MSTATUS_TW, PRV_U, wfi
  WITH_BITS ill, mstatus, MSTATUS_TW, PRV_S, wfi
  WITH_BITS virt, hstatus, HSTATUS_VTW, PRV_S, wfi
  TC                              # VS, VTW = TW = 0: wfi completes (enabled interrupt pending)
  li t0, MIP_VSSIP
  csrw hideleg, t0
  csrw hie, t0
  csrw hvip, t0                   # pending, enabled in vsie, but vsstatus.SIE = 0
  li t0, 2 << 32
  csrw vsstatus, t0
  EXPECT_TRAP 1f
  DROP_TO_V PRV_S
  wfi
  ecall
  j fail
1:csrw hvip, zero
  csrw hie, zero
  csrw hideleg, zero
  CHK_TRAP TR_CAUSE, CAUSE_ECALL_VS

  /* ---- SRET, SFENCE.VMA, satp ---- */
  VIRT_INSN PRV_U, sret
  VIRT_INSN PRV_U, sfence.vma
  VIRT_INSN PRV_U, sfence.vma a0, a1
  WITH_BITS virt, hstatus, HSTATUS_VTSR, PRV_S, sret
  WITH_BITS virt, hstatus, HSTATUS_VTVM, PRV_S, sfence.vma
  WITH_BITS virt, hstatus, HSTATUS_VTVM, PRV_S, sfence.vma a0, zero
  WITH_BITS virt, hstatus, HSTATUS_VTVM, PRV_S, csrr a0, satp
  WITH_BITS virt, hstatus, HSTATUS_VTVM, PRV_S, csrw satp, zero
  WITH_BITS_OK mstatus, MSTATUS_TVM, PRV_S, csrr a0, satp
  WITH_BITS_OK mstatus, MSTATUS_TVM, PRV_S, sfence.vma

  /* ---- FS = 0: illegal, never virtual ---- */
  TC                              # vsstatus.FS = 0
  li t0, (2 << 32)
  csrw vsstatus, t0
  EXPECT_TRAP 1f
  DROP_TO_V PRV_S
2:fadd.d f0, f1, f2
  j fail
1:CHK_TRAP TR_CAUSE, CAUSE_ILLEGAL_INSN
  CHK_TRAP_ADDR TR_EPC, 2b
  CHK_MPV 1
  TC                              # HS-level sstatus.FS = 0 (vsstatus.FS = Initial)
  li t0, (2 << 32) | (1 << 13)
  csrw vsstatus, t0
  li t0, MSTATUS_FS
  csrc mstatus, t0
  EXPECT_TRAP 1f
  DROP_TO_V PRV_S
2:fadd.d f0, f1, f2
  j fail
1:li t0, 1 << 13
  csrs mstatus, t0
  CHK_TRAP TR_CAUSE, CAUSE_ILLEGAL_INSN
  CHK_TRAP_ADDR TR_EPC, 2b
  TC                              # both Initial: an FP write in VS makes both Dirty
  li t0, (2 << 32) | (1 << 13)
  csrw vsstatus, t0
  li t0, MSTATUS_FS
  csrc mstatus, t0
  li t0, 1 << 13
  csrs mstatus, t0
  EXPECT_TRAP 1f
  DROP_TO_V PRV_S
  fmv.d.x f0, zero                # (its source an x register: the f registers' reset values are unspecified)
  ecall
1:CHK_TRAP TR_CAUSE, CAUSE_ECALL_VS
  csrr a0, vsstatus
  srli a0, a0, 13
  andi a0, a0, 3
  CHK a0, 3
  csrr a0, mstatus
  srli a0, a0, 13
  andi a0, a0, 3
  CHK a0, 3

  /* ---- CSRs of an extension the hart lacks (no AIA): illegal, never virtual ---- */
  ILLEGAL_V PRV_S, csrr a0, 0x608   # hvien (Ssaia)
  ILLEGAL_V PRV_U, csrr a0, 0x608
  ILLEGAL_V PRV_S, csrr a0, 0x150   # siselect (Ssaia), vsiselect with V = 1

  TEST_END
  H_HANDLERS
