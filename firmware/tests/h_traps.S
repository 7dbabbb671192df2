/*
 * h_traps.S - the H extension's trap entry, delegation and trap return.
 *
 * Runs with hgatp = Bare and vsatp = Bare. HS traps land in hs_vec, VS traps
 * in vs_vec (selftest.h), which record the CSRs and ecall to M.
 * Covers (privileged spec, "Traps", "Trap Entry", "Trap Return"):
 *   traps into M from VS/VU: mcause (ecall 10 from VS, 8 from VU), mepc,
 *     mstatus.MPV = 1 with MPP = the nominal privilege, mtval2 = mtinst = 0
 *     for an ecall; GVA = 0 for an ecall, an illegal and a virtual
 *     instruction (mtval holds instruction bits, not an address); an ebreak
 *     from VS sets GVA = 1 exactly when mtval holds the (guest virtual) pc;
 *   medeleg without hedeleg: a trap from VS/VU goes to HS with scause, sepc,
 *     stval, hstatus.SPV = 1, SPVP = the nominal privilege (VS 1, VU 0),
 *     sstatus.SPP, SPIE = the old SIE, SIE = 0, GVA = 0, htval = htinst = 0;
 *     a trap from HS or U (V = 0) into HS writes SPV = 0 and leaves SPVP;
 *     a delegated virtual-instruction exception: scause 22, stval = the bits;
 *   hedeleg: a trap from VU/VS delegated by medeleg and hedeleg goes to VS
 *     (vstvec) with vscause/vsepc/vstval and vsstatus.SPP/SPIE/SIE, V stays
 *     1, hstatus and the HS CSRs untouched; hedeleg alone (medeleg clear)
 *     delegates nothing; traps from HS never go to VS;
 *   SRET executed with V = 0 (in HS and in M) goes to VS, VU or HS as
 *     hstatus.SPV and sstatus.SPP say and clears SPV, SPP, keeps SPVP;
 *     SRET in VS goes to VS or VU as vsstatus.SPP says and updates
 *     vsstatus.SIE/SPIE/SPP only; mstatus.TSR does not affect SRET in VS;
 *   MRET with MPV = 1 enters VS or VU as MPP says.
 */
#define SELFTEST_HEXT
#include "selftest.h"

#define VS_STATUS_BITS (MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP)

  TEST_BEGIN
  csrw hgatp, zero
  csrw vsatp, zero
  csrw hedeleg, zero
  csrw hideleg, zero
  csrw hvip, zero
  csrw hie, zero
  H_INSTALL_HANDLERS

  /* ---- traps into M from V = 1 ---- */
  TC                              # ecall from VS: cause 10, MPV = 1, MPP = S, mtval2 = mtinst = 0
  li t0, 0x1234
  csrw mtval2, zero
  csrw mtinst, zero
  EXPECT_TRAP 1f
  DROP_TO_V PRV_S
2:ecall
  j fail
1:CHK_TRAP TR_CAUSE, CAUSE_ECALL_VS
  CHK_TRAP_ADDR TR_EPC, 2b
  CHK_TRAP TR_TVAL, 0
  CHK_TRAP TR_PRIV, PRV_S
  CHK_MPV 1
  CHK_CSR mtval2, 0
  CHK_CSR mtinst, 0
  TC                              # ecall from VU: cause 8, MPV = 1, MPP = U
  EXPECT_TRAP 1f
  DROP_TO_V PRV_U
2:ecall
  j fail
1:CHK_TRAP TR_CAUSE, CAUSE_ECALL_U
  CHK_TRAP_ADDR TR_EPC, 2b
  CHK_TRAP TR_PRIV, PRV_U
  CHK_MPV 1
  TC                              # GVA = 0 for an ecall from VS
  li t0, MSTATUS_GVA
  csrs mstatus, t0                # (stale 1: the trap must write 0)
  EXPECT_TRAP 1f
  DROP_TO_V PRV_S
  ecall
1:CHK_TRAP TR_CAUSE, CAUSE_ECALL_VS
  CHK_GVA 0
  TC                              # GVA = 0 for an illegal instruction from VS (mtval = bits)
  EXPECT_TRAP 1f
  DROP_TO_V PRV_S
2:csrr a0, mstatus
  j fail
1:CHK_TRAP TR_CAUSE, CAUSE_ILLEGAL_INSN
  CHK_TRAP_ADDR TR_EPC, 2b
  CHK_MPV 1
  CHK_GVA 0
  TC                              # GVA = 0 for a virtual instruction from VS (mtval = bits)
  EXPECT_TRAP 1f
  DROP_TO_V PRV_S
2:csrr a0, hstatus
  j fail
1:CHK_TRAP TR_CAUSE, CAUSE_VIRTUAL_INSN
  CHK_TVAL_INSN 2b
  CHK_GVA 0
  TC                              # ebreak from VS: GVA = 1 iff mtval = the pc (else mtval = 0)
  EXPECT_TRAP 1f
  DROP_TO_V PRV_S
2:ebreak
  j fail
1:CHK_TRAP TR_CAUSE, CAUSE_BREAKPOINT
  CHK_TRAP_ADDR TR_EPC, 2b
  CHK_MPV 1
  la t0, trap_rec
  ld t1, TR_TVAL(t0)
  beqz t1, 3f
  la t2, 2b
  CHKR t1, t2
  CHK_GVA 1
  j 4f
3:CHK_GVA 0
4:

  /* ---- medeleg: V = 1 traps into HS ---- */
  TC                              # ecall from VS delegated (medeleg bit 10) -> HS
  li t0, 1 << CAUSE_ECALL_VS
  csrw medeleg, t0
  li t0, HSTATUS_SPVP | HSTATUS_GVA
  csrc hstatus, t0
  li t0, MSTATUS_SIE
  csrs sstatus, t0                # HS SIE = 1 (must become SPIE)
  li t0, 0x5555
  csrw htval, t0
  csrw htinst, t0
  HS_CLEAR
  EXPECT_TRAP 1f
  DROP_TO_V PRV_S
2:ecall
  j fail
1:csrw medeleg, zero
  CHK_TRAP TR_CAUSE, CAUSE_ECALL_S          # hs_vec's own ecall
  CHK_MPV 0
  CHK_HS HR_CAUSE, CAUSE_ECALL_VS
  CHK_HS_ADDR HR_EPC, 2b
  CHK_HS HR_TVAL, 0
  CHK_HS HR_HTVAL, 0
  CHK_HS HR_HTINST, 0
  CHK_HSTATUS_BIT 7, 1                      # SPV
  CHK_HSTATUS_BIT 8, 1                      # SPVP = S
  CHK_HS_SSTATUS_BIT 8, 1                   # SPP = S
  CHK_HS_SSTATUS_BIT 5, 1                   # SPIE = old SIE
  CHK_HS_SSTATUS_BIT 1, 0                   # SIE = 0
  TC                              # ... hstatus.GVA = 0 for it
  li t0, 1 << CAUSE_ECALL_VS
  csrw medeleg, t0
  li t0, HSTATUS_GVA
  csrs hstatus, t0
  HS_CLEAR
  EXPECT_TRAP 1f
  DROP_TO_V PRV_S
  ecall
1:csrw medeleg, zero
  CHK_HS HR_CAUSE, CAUSE_ECALL_VS
  CHK_HSTATUS_BIT 6, 0
  TC                              # ecall from VU delegated (medeleg bit 8) -> HS: SPVP = 0, SPP = 0
  li t0, 1 << CAUSE_ECALL_U
  csrw medeleg, t0
  li t0, HSTATUS_SPVP
  csrs hstatus, t0
  li t0, MSTATUS_SPP | MSTATUS_SIE
  csrs sstatus, t0
  HS_CLEAR
  EXPECT_TRAP 1f
  DROP_TO_V PRV_U
2:ecall
  j fail
1:csrw medeleg, zero
  CHK_TRAP TR_CAUSE, CAUSE_ECALL_S
  CHK_HS HR_CAUSE, CAUSE_ECALL_U
  CHK_HS_ADDR HR_EPC, 2b
  CHK_HSTATUS_BIT 7, 1
  CHK_HSTATUS_BIT 8, 0
  CHK_HS_SSTATUS_BIT 8, 0
  TC                              # illegal instruction from VS delegated -> HS: stval = bits or 0
  li t0, 1 << CAUSE_ILLEGAL_INSN
  csrw medeleg, t0
  HS_CLEAR
  EXPECT_TRAP 1f
  DROP_TO_V PRV_S
2:csrr a0, mscratch
  j fail
1:csrw medeleg, zero
  CHK_HS HR_CAUSE, CAUSE_ILLEGAL_INSN
  CHK_HS_ADDR HR_EPC, 2b
  CHK_HS HR_HTVAL, 0
  CHK_HSTATUS_BIT 7, 1
  la t0, hs_rec
  ld t1, HR_TVAL(t0)
  beqz t1, 3f
  CHK_INSN_BITS t1, 2b
3:
  TC                              # virtual instruction delegated (medeleg bit 22) -> HS: stval = bits
  li t0, 1 << CAUSE_VIRTUAL_INSN
  csrw medeleg, t0
  HS_CLEAR
  EXPECT_TRAP 1f
  DROP_TO_V PRV_S
2:csrr a0, hstatus
  j fail
1:csrw medeleg, zero
  CHK_HS HR_CAUSE, CAUSE_VIRTUAL_INSN
  CHK_HS_ADDR HR_EPC, 2b
  CHK_HS HR_HTVAL, 0
  CHK_HS HR_HTINST, 0
  CHK_HSTATUS_BIT 7, 1
  CHK_HSTATUS_BIT 8, 1
  la t0, hs_rec
  ld t1, HR_TVAL(t0)
  CHK_INSN_BITS t1, 2b
  TC                              # ... with hstatus.GVA = 0
  li t0, 1 << CAUSE_VIRTUAL_INSN
  csrw medeleg, t0
  li t0, HSTATUS_GVA
  csrs hstatus, t0
  HS_CLEAR
  EXPECT_TRAP 1f
  DROP_TO_V PRV_S
  csrr a0, hstatus
  j fail
1:csrw medeleg, zero
  CHK_HS HR_CAUSE, CAUSE_VIRTUAL_INSN
  CHK_HSTATUS_BIT 6, 0
  TC                              # a trap from U (V = 0) into HS: SPV = 0, SPVP unchanged (1)
  li t0, 1 << CAUSE_ECALL_U
  csrw medeleg, t0
  li t0, HSTATUS_SPVP | HSTATUS_SPV
  csrs hstatus, t0
  HS_CLEAR
  EXPECT_TRAP 1f
  DROP_TO PRV_U
  ecall
  j fail
1:csrw medeleg, zero
  CHK_HS HR_CAUSE, CAUSE_ECALL_U
  CHK_HSTATUS_BIT 7, 0
  CHK_HSTATUS_BIT 8, 1
  CHK_HS_SSTATUS_BIT 8, 0
  TC                              # a trap from HS into HS: SPV = 0, SPVP unchanged (0)
  li t0, 1 << CAUSE_ILLEGAL_INSN
  csrw medeleg, t0
  li t0, HSTATUS_SPVP
  csrc hstatus, t0
  li t0, HSTATUS_SPV
  csrs hstatus, t0
  HS_CLEAR
  EXPECT_TRAP 1f
  DROP_TO PRV_S
2:csrr a0, mscratch
  j fail
1:csrw medeleg, zero
  CHK_HS HR_CAUSE, CAUSE_ILLEGAL_INSN
  CHK_HS_ADDR HR_EPC, 2b
  CHK_HSTATUS_BIT 7, 0
  CHK_HSTATUS_BIT 8, 0
  CHK_HS_SSTATUS_BIT 8, 1

  /* ---- hedeleg: V = 1 traps into VS ---- */
  TC                              # VU ecall, medeleg + hedeleg bit 8 -> VS; HS state untouched
  li t0, 1 << CAUSE_ECALL_U
  csrw medeleg, t0
  csrw hedeleg, t0
  li t0, HSTATUS_SPVP
  csrs hstatus, t0
  li t0, HSTATUS_SPV
  csrc hstatus, t0
  li t0, 0x80000abc
  csrw sepc, t0
  li t0, 3
  csrw scause, t0
  li t0, (2 << 32) | MSTATUS_SIE | MSTATUS_SPP
  csrw vsstatus, t0
  csrr s0, hstatus
  VS_CLEAR
  EXPECT_TRAP 1f
  DROP_TO_V PRV_U
2:ecall
  j fail
1:csrw medeleg, zero
  csrw hedeleg, zero
  CHK_TRAP TR_CAUSE, CAUSE_ECALL_VS         # vs_vec's own ecall
  CHK_MPV 1
  CHK_VS VR_CAUSE, CAUSE_ECALL_U
  CHK_VS_ADDR VR_EPC, 2b
  CHK_VS VR_TVAL, 0
  la t0, vs_rec
  ld t1, VR_STATUS(t0)
  andi t1, t1, VS_STATUS_BITS
  CHK t1, MSTATUS_SPIE                      # SPP = U, SPIE = old SIE, SIE = 0
  csrr t1, hstatus
  CHKR t1, s0
  CHK_CSR sepc, 0x80000abc
  CHK_CSR scause, 3
  CHK_CSR vscause, CAUSE_ECALL_U
  TC                              # illegal instruction from VS, delegated to VS: SPP = S
  li t0, 1 << CAUSE_ILLEGAL_INSN
  csrw medeleg, t0
  csrw hedeleg, t0
  li t0, 2 << 32
  csrw vsstatus, t0
  VS_CLEAR
  EXPECT_TRAP 1f
  DROP_TO_V PRV_S
2:csrr a0, mscratch
  j fail
1:csrw medeleg, zero
  csrw hedeleg, zero
  CHK_TRAP TR_CAUSE, CAUSE_ECALL_VS
  CHK_VS VR_CAUSE, CAUSE_ILLEGAL_INSN
  CHK_VS_ADDR VR_EPC, 2b
  la t0, vs_rec
  ld t1, VR_STATUS(t0)
  andi t1, t1, VS_STATUS_BITS
  CHK t1, MSTATUS_SPP
  ld t1, VR_TVAL(t0)
  beqz t1, 3f
  CHK_INSN_BITS t1, 2b
3:
  TC                              # hedeleg without medeleg delegates nothing: -> M
  csrw medeleg, zero
  li t0, 1 << CAUSE_ECALL_U
  csrw hedeleg, t0
  EXPECT_TRAP 1f
  DROP_TO_V PRV_U
  ecall
  j fail
1:csrw hedeleg, zero
  CHK_TRAP TR_CAUSE, CAUSE_ECALL_U
  CHK_MPV 1
  TC                              # a trap from HS with medeleg + hedeleg goes to HS, not VS
  li t0, 1 << CAUSE_ILLEGAL_INSN
  csrw medeleg, t0
  csrw hedeleg, t0
  HS_CLEAR
  VS_CLEAR
  EXPECT_TRAP 1f
  DROP_TO PRV_S
  csrr a0, mscratch
  j fail
1:csrw medeleg, zero
  csrw hedeleg, zero
  CHK_TRAP TR_CAUSE, CAUSE_ECALL_S
  CHK_HS HR_CAUSE, CAUSE_ILLEGAL_INSN
  CHK_VS VR_COUNT, 0

  /* ---- SRET with V = 0 ---- */
  TC                              # HS sret with SPV = 1, SPP = S -> VS; SPV, SPP cleared, SPVP kept
  li t0, HSTATUS_SPV | HSTATUS_SPVP
  csrs hstatus, t0
  li t0, MSTATUS_SPP
  csrs sstatus, t0
  la t0, 2f
  csrw sepc, t0
  EXPECT_TRAP 1f
  DROP_TO PRV_S
  sret
  j fail
2:ecall
  j fail
1:CHK_TRAP TR_CAUSE, CAUSE_ECALL_VS
  CHK_TRAP_ADDR TR_EPC, 2b
  CHK_MPV 1
  csrr a0, hstatus
  CHK_BIT a0, 7, 0
  CHK_BIT a0, 8, 1
  csrr a0, sstatus
  CHK_BIT a0, 8, 0
  TC                              # HS sret with SPV = 1, SPP = U -> VU
  li t0, HSTATUS_SPV
  csrs hstatus, t0
  li t0, MSTATUS_SPP
  csrc sstatus, t0
  la t0, 2f
  csrw sepc, t0
  EXPECT_TRAP 1f
  DROP_TO PRV_S
  sret
  j fail
2:ecall
  j fail
1:CHK_TRAP TR_CAUSE, CAUSE_ECALL_U
  CHK_TRAP_ADDR TR_EPC, 2b
  CHK_MPV 1
  TC                              # HS sret with SPV = 0, SPP = S -> HS
  li t0, HSTATUS_SPV
  csrc hstatus, t0
  li t0, MSTATUS_SPP
  csrs sstatus, t0
  la t0, 2f
  csrw sepc, t0
  EXPECT_TRAP 1f
  DROP_TO PRV_S
  sret
  j fail
2:ecall
  j fail
1:CHK_TRAP TR_CAUSE, CAUSE_ECALL_S
  CHK_TRAP_ADDR TR_EPC, 2b
  CHK_MPV 0
  TC                              # sret executed in M with SPV = 1, SPP = S -> VS
  li t0, HSTATUS_SPV
  csrs hstatus, t0
  li t0, MSTATUS_SPP
  csrs sstatus, t0
  la t0, 2f
  csrw sepc, t0
  EXPECT_TRAP 1f
  sret
  j fail
2:ecall
  j fail
1:CHK_TRAP TR_CAUSE, CAUSE_ECALL_VS
  CHK_TRAP_ADDR TR_EPC, 2b
  CHK_MPV 1
  csrr a0, hstatus
  CHK_BIT a0, 7, 0

  /* ---- SRET in VS ---- */
  TC                              # vsstatus.SPP = U -> VU; SIE := SPIE, SPIE := 1, SPP := U
  li t0, (2 << 32) | MSTATUS_SPIE
  csrw vsstatus, t0
  la t0, 2f
  csrw vsepc, t0
  li t0, HSTATUS_SPV | HSTATUS_SPVP
  csrc hstatus, t0
  csrr s0, hstatus
  li t0, MSTATUS_SPP | MSTATUS_SPIE
  csrs sstatus, t0
  csrr s1, sstatus
  EXPECT_TRAP 1f
  DROP_TO_V PRV_S
  sret
  j fail
2:ecall
  j fail
1:CHK_TRAP TR_CAUSE, CAUSE_ECALL_U
  CHK_TRAP_ADDR TR_EPC, 2b
  CHK_MPV 1
  csrr a0, vsstatus
  andi a0, a0, VS_STATUS_BITS
  CHK a0, MSTATUS_SIE | MSTATUS_SPIE
  csrr a0, hstatus                # HS state untouched
  CHKR a0, s0
  csrr a0, sstatus
  CHKR a0, s1
  TC                              # vsstatus.SPP = S -> VS; SPIE = 0 gives SIE = 0
  li t0, (2 << 32) | MSTATUS_SPP | MSTATUS_SIE
  csrw vsstatus, t0
  la t0, 2f
  csrw vsepc, t0
  EXPECT_TRAP 1f
  DROP_TO_V PRV_S
  sret
  j fail
2:ecall
  j fail
1:CHK_TRAP TR_CAUSE, CAUSE_ECALL_VS
  CHK_TRAP_ADDR TR_EPC, 2b
  csrr a0, vsstatus
  andi a0, a0, VS_STATUS_BITS
  CHK a0, MSTATUS_SPIE
  TC                              # mstatus.TSR does not affect SRET in VS
  li t0, MSTATUS_TSR
  csrs mstatus, t0
  li t0, (2 << 32) | MSTATUS_SPP
  csrw vsstatus, t0
  la t0, 2f
  csrw vsepc, t0
  EXPECT_TRAP 1f
  DROP_TO_V PRV_S
  sret
  j fail
2:ecall
  j fail
1:li t0, MSTATUS_TSR
  csrc mstatus, t0
  CHK_TRAP TR_CAUSE, CAUSE_ECALL_VS
  CHK_TRAP_ADDR TR_EPC, 2b

  TEST_END
  H_HANDLERS
