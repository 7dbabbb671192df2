/*
 * hext.S - the hypervisor extension (H): VS/VU modes, virtual-instruction
 * exceptions, two-stage translation (G-stage Sv39x4, VS-stage Bare),
 * HLV/HSV, hedeleg/hideleg, hvip injection.
 *
 * The overview of the H extension; h_csrs.S, h_traps.S, h_virtinst.S,
 * h_irq.S, h_gstage.S and h_hlv.S go through each area in detail. Every case
 * sets up what it needs after its TC (the QEMU runner may skip a case).
 * Build with the assembler's H support; run on Spike with
 * `spike --isa=rv64gch_zicntr_sstc hext.elf`.
 *
 * G-stage map (hgatp Sv39x4, 16 KiB root):
 *   GPA 0x8000_0000  1 GiB -> HPA 0x8000_0000, RWX U (guest code and data)
 *   GPA 0x4000_0000 + 4K*i test pages: 0 RW U, 1 R U, 2 invalid, 3 RW without U
 * Covers: misa.H; hstatus.VSXL = 64; mideleg's VS-level bits read-only one;
 * mret with MPV = 1 entering VS and VU (ecall causes 10 and 8, mstatus.MPV
 * and MPP on the trap); VS CSR aliasing (sstatus -> vsstatus, sscratch ->
 * vsscratch); virtual-instruction exceptions (cause 22, mtval = the bits):
 * hypervisor CSRs and hfence from VS, S CSRs from VU, sret with VTSR, wfi with
 * VTW, satp with VTVM, HLV from VS; HLV from U without hstatus.HU is illegal;
 * G-stage faults: load/store/fetch guest-page faults (21/23/20) with mtval =
 * the guest address, mtval2 = GPA >> 2, mstatus.GVA = 1, including a leaf
 * without U; HLV/HSV from M through the G-stage (loads work, a store to a
 * read-only page faults with MPV = 0 and GVA = 1); hedeleg: a VU ecall
 * delegated to VS (vstvec, vscause = 8), a cause delegated only by medeleg
 * goes to HS with hstatus.SPV = 1; a VS software interrupt injected with
 * hvip.VSSIP and delegated with hideleg arrives in VS as scause = 2^63 + 1.
 */
#define SELFTEST_HEXT
#include "selftest.h"

#define CSR_MTINST 0x34a
#define CSR_MTVAL2 0x34b
#define TV(i) (0x40000000 + 0x1000 * (i))

/* a test case: insn in VS faults with a guest-page fault at areg */
.macro GUEST_PF cause, areg, insn:vararg
  TC
  EXPECT_TRAP .Lr\@
  DROP_TO_V PRV_S
.Li\@: \insn
  j fail
.Lr\@:
  CHK_TRAP TR_CAUSE, \cause
  CHK_MPV 1
  CHK_GVA 1
  la t0, trap_rec
  ld t1, TR_TVAL(t0)
  CHKR t1, \areg
  csrr t1, CSR_MTVAL2
  srli t2, \areg, 2
  CHKR t1, t2
  .if (\cause) == CAUSE_FETCH_GUEST_PF
  ld t1, TR_EPC(t0)
  CHKR t1, \areg
  .else
  CHK_TRAP_ADDR TR_EPC, .Li\@
  .endif
.endm

  TEST_BEGIN

  /* every case carries its own set-up (the QEMU runner may skip a case) */
  TC                              # misa.H
  csrr a0, misa
  andi a0, a0, 1 << 7
  CHK a0, 1 << 7
  TC                              # hstatus.VSXL = 2 (64-bit)
  csrr a0, hstatus
  srli a0, a0, 32
  andi a0, a0, 3
  CHK a0, 2
  TC                              # mideleg: VSSIP/VSTIP/VSEIP read-only one
  csrw mideleg, zero
  csrr a0, mideleg
  andi a0, a0, 0x444
  CHK a0, 0x444

  TC                              # hgatp = Sv39x4 with the 16 KiB root
  /* G-stage tables */
  la s0, g_pages
  li t1, 0
1:li t2, 0xbbbb0000
  add t2, t2, t1
  slli t3, t1, 12
  add t3, t3, s0
  sd t2, 0(t3)
  addi t1, t1, 1
  li t2, 4
  blt t1, t2, 1b
  li s1, 0x80000000
  SET_PTE g_root, 2, s1, PTE_V | PTE_R | PTE_W | PTE_X | PTE_U | PTE_A | PTE_D
  la s1, g_l1
  SET_PTE g_root, 1, s1, PTE_V
  la s1, g_l0
  SET_PTE g_l1, 0, s1, PTE_V
  mv s1, s0
  SET_PTE g_l0, 0, s1, PTE_V | PTE_R | PTE_W | PTE_U | PTE_A | PTE_D
  li t0, 0x1000
  add s1, s0, t0
  SET_PTE g_l0, 1, s1, PTE_V | PTE_R | PTE_U | PTE_A | PTE_D
  li t0, 0x3000
  add s1, s0, t0
  SET_PTE g_l0, 3, s1, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D
  la t0, g_root
  srli t0, t0, 12
  li t1, 8 << 60
  or t0, t0, t1
  csrw hgatp, t0
  csrr a0, hgatp
  CHKR a0, t0
  csrw vsatp, zero
  hfence.gvma
  hfence.vvma
  H_INSTALL_HANDLERS

  /* ---- entering VS / VU ---- */
  TC
  EXPECT_TRAP 1f
  DROP_TO_V PRV_S
2:ecall
  j fail
1:CHK_TRAP TR_CAUSE, CAUSE_ECALL_VS
  CHK_TRAP_ADDR TR_EPC, 2b
  CHK_TRAP TR_PRIV, PRV_S
  CHK_MPV 1
  TC
  EXPECT_TRAP 1f
  DROP_TO_V PRV_U
2:ecall
  j fail
1:CHK_TRAP TR_CAUSE, CAUSE_ECALL_U
  CHK_TRAP_ADDR TR_EPC, 2b
  CHK_TRAP TR_PRIV, PRV_U
  CHK_MPV 1
  TC                              # an ecall from HS after that: MPV = 0, cause 9
  EXPECT_TRAP 1f
  li t0, MSTATUS_MPV
  csrc mstatus, t0
  DROP_TO PRV_S
  ecall
1:CHK_TRAP TR_CAUSE, CAUSE_ECALL_S
  CHK_MPV 0

  /* ---- VS sees the vs* CSRs ---- */
  TC
  li t0, MSTATUS_SPP
  csrc sstatus, t0
  csrs vsstatus, t0
  li t0, 0x1234
  csrw sscratch, t0
  csrw vsscratch, zero
  li a1, 0x5678
  EXPECT_TRAP 1f
  DROP_TO_V PRV_S
  csrr a0, sstatus
  csrr a2, sscratch
  csrw sscratch, a1
  ecall
1:CHK_TRAP TR_CAUSE, CAUSE_ECALL_VS
  andi a0, a0, MSTATUS_SPP
  CHK a0, MSTATUS_SPP
  CHK a2, 0
  CHK_CSR vsscratch, 0x5678
  CHK_CSR sscratch, 0x1234

  /* ---- virtual-instruction exceptions ---- */
  VIRT_INSN PRV_S, csrr a0, hstatus
  VIRT_INSN PRV_S, csrw hgatp, zero
  VIRT_INSN PRV_S, hfence.gvma
  VIRT_INSN PRV_S, hlv.d a0, (sp)
  VIRT_INSN PRV_U, csrr a0, sstatus
  VIRT_INSN PRV_U, csrr a0, sscratch
  VIRT_INSN PRV_U, sret
  TC
  li t0, HSTATUS_VTSR
  csrs hstatus, t0
  EXPECT_TRAP 1f
  DROP_TO_V PRV_S
2:sret
  j fail
1:li t0, HSTATUS_VTSR
  csrc hstatus, t0
  CHK_TRAP TR_CAUSE, CAUSE_VIRTUAL_INSN
  CHK_TRAP_ADDR TR_EPC, 2b
  CHK_TVAL_INSN 2b
  TC
  li t0, HSTATUS_VTW
  csrs hstatus, t0
  csrw mie, zero
  EXPECT_TRAP 1f
  DROP_TO_V PRV_S
2:wfi
  j fail
1:li t0, HSTATUS_VTW
  csrc hstatus, t0
  CHK_TRAP TR_CAUSE, CAUSE_VIRTUAL_INSN
  CHK_TRAP_ADDR TR_EPC, 2b
  CHK_TVAL_INSN 2b
  TC
  li t0, HSTATUS_VTVM
  csrs hstatus, t0
  EXPECT_TRAP 1f
  DROP_TO_V PRV_S
2:csrr a0, satp
  j fail
1:CHK_TRAP TR_CAUSE, CAUSE_VIRTUAL_INSN
  CHK_TRAP_ADDR TR_EPC, 2b
  CHK_TVAL_INSN 2b
  TC
  li t0, HSTATUS_VTVM
  csrs hstatus, t0
  EXPECT_TRAP 1f
  DROP_TO_V PRV_S
2:sfence.vma
  j fail
1:li t0, HSTATUS_VTVM
  csrc hstatus, t0
  CHK_TRAP TR_CAUSE, CAUSE_VIRTUAL_INSN
  CHK_TRAP_ADDR TR_EPC, 2b
  CHK_TVAL_INSN 2b
  TEST_ILLEGAL_IN PRV_U, hlv.d a0, (sp)   # U (not virtual) without HU: illegal
  TEST_ILLEGAL_IN PRV_S, csrr a0, mstatus # an M CSR from HS: illegal
  TC                              # an M CSR from VS is illegal (not virtual)
  EXPECT_TRAP 1f
  DROP_TO_V PRV_S
2:csrr a0, mstatus
  j fail
1:CHK_TRAP TR_CAUSE, CAUSE_ILLEGAL_INSN
  CHK_MPV 1

  /* ---- G-stage translation (s2-s5: the four test pages' addresses) ---- */
  TC                              # VS loads/stores through the G-stage
  li s2, TV(0)
  li s3, TV(1)
  li s4, TV(2)
  li s5, TV(3)
  li a1, 0x4242
  EXPECT_TRAP 1f
  DROP_TO_V PRV_S
  ld a0, 0(s2)
  sd a1, 8(s2)
  ld a2, 0(s3)
  ecall
1:CHK_TRAP TR_CAUSE, CAUSE_ECALL_VS
  CHK a0, 0xbbbb0000
  CHK a2, 0xbbbb0001
  la t0, g_pages
  ld a0, 8(t0)
  CHK a0, 0x4242
  GUEST_PF CAUSE_STORE_GUEST_PF, s3, sd zero, 0(s3)
  GUEST_PF CAUSE_LOAD_GUEST_PF, s4, ld a0, 0(s4)
  GUEST_PF CAUSE_STORE_GUEST_PF, s4, sw a0, 0(s4)
  GUEST_PF CAUSE_FETCH_GUEST_PF, s4, jr s4
  GUEST_PF CAUSE_LOAD_GUEST_PF, s5, ld a0, 0(s5)      # G-stage leaf without U
  TC                              # VU also goes through the G-stage
  EXPECT_TRAP 1f
  DROP_TO_V PRV_U
  ld a0, 0(s3)
  ecall
1:CHK_TRAP TR_CAUSE, CAUSE_ECALL_U
  CHK a0, 0xbbbb0001

  /* ---- HLV/HSV from M (hstatus.SPVP = 1: as VS) ---- */
  TC
  li t0, HSTATUS_SPVP
  csrs hstatus, t0
  hlv.d a0, (s3)
  CHK a0, 0xbbbb0001
  TC
  li t0, HSTATUS_SPVP
  csrs hstatus, t0
  hlv.wu a0, (s2)
  CHK a0, 0xbbbb0000
  TC
  li t0, HSTATUS_SPVP
  csrs hstatus, t0
  hlv.w a0, (s2)
  CHK a0, 0xffffffffbbbb0000
  TC
  li t0, HSTATUS_SPVP
  csrs hstatus, t0
  li a1, 0x77
  addi t0, s2, 16
  hsv.d a1, (t0)
  la t0, g_pages
  ld a0, 16(t0)
  CHK a0, 0x77
  TC                              # a store to the read-only page: guest-page fault, from M (MPV = 0)
  li t0, HSTATUS_SPVP
  csrs hstatus, t0
  EXPECT_TRAP 1f
2:hsv.w a1, (s3)
  j fail
1:CHK_TRAP TR_CAUSE, CAUSE_STORE_GUEST_PF
  CHK_TRAP_ADDR TR_EPC, 2b
  CHK_MPV 0
  CHK_GVA 1
  la t0, trap_rec
  ld t1, TR_TVAL(t0)
  CHKR t1, s3
  csrr t1, CSR_MTVAL2
  srli t2, s3, 2
  CHKR t1, t2

  /* ---- hedeleg ---- */
  TC                              # a VU ecall delegated by medeleg + hedeleg goes to VS
  li t0, (1 << CAUSE_ECALL_U) | (1 << CAUSE_BREAKPOINT)
  csrw medeleg, t0
  li t0, 1 << CAUSE_ECALL_U
  csrw hedeleg, t0
  VS_CLEAR
  EXPECT_TRAP 1f
  DROP_TO_V PRV_U
2:ecall
  j fail
1:csrw medeleg, zero
  csrw hedeleg, zero
  CHK_TRAP TR_CAUSE, CAUSE_ECALL_VS       # vs_vec's own ecall
  CHK_VS VR_CAUSE, CAUSE_ECALL_U
  CHK_VS_ADDR VR_EPC, 2b
  TC                              # ebreak from VU: delegated by medeleg only -> HS, SPV = 1
  li t0, (1 << CAUSE_ECALL_U) | (1 << CAUSE_BREAKPOINT)
  csrw medeleg, t0
  li t0, 1 << CAUSE_ECALL_U
  csrw hedeleg, t0
  HS_CLEAR
  EXPECT_TRAP 1f
  DROP_TO_V PRV_U
2:ebreak
  j fail
1:csrw medeleg, zero
  csrw hedeleg, zero
  CHK_TRAP TR_CAUSE, CAUSE_ECALL_S        # hs_vec's own ecall
  CHK_MPV 0
  CHK_HS HR_CAUSE, CAUSE_BREAKPOINT
  CHK_HSTATUS_BIT 7, 1                    # SPV

  /* ---- interrupt injection: hvip.VSSIP, delegated by hideleg ---- */
  TC
  li t0, 1 << 2
  csrw hideleg, t0
  csrs hie, t0                    # VSSIE
  csrs hvip, t0                   # VSSIP pending
  csrsi vsstatus, MSTATUS_SIE
  VS_CLEAR
  EXPECT_TRAP 1f
  DROP_TO_V PRV_S
  nop
  nop
  j fail
1:li t0, 1 << 2
  csrc hvip, t0
  csrw hideleg, zero
  csrw hie, zero
  CHK_TRAP TR_CAUSE, CAUSE_ECALL_VS
  CHK_VS VR_CAUSE, 0x8000000000000001

  TEST_END
  H_HANDLERS

  .data
  .align 14
g_root: .skip 16384
g_l1: .skip 4096
g_l0: .skip 4096
g_pages: .skip 4 * 4096
