/*
 * h_gstage.S - two-stage address translation: the G-stage alone (vsatp =
 * Bare) and the VS-stage (vsatp = Sv39) over it, guest-page faults and the
 * trap values they write, fences.
 *
 * Built twice: h_gstage_sv39x4 (-DG_LEVELS=3, hgatp = Sv39x4) and
 * h_gstage_sv48x4 (-DG_LEVELS=4, hgatp = Sv48x4; that variant requires
 * Sv48x4, which the spec leaves optional - the first case checks it sticks).
 *
 * Guest physical map (G-stage, built at run time; GT(i) = 0x4000_0000 + 4K*i):
 *   GPA 0x8000_0000  1 GiB leaf -> 0x8000_0000, RWX U (the test image)
 *   GPA_HI0, GPA_HI1, GPA_HI2 1 GiB leaves -> 0x8000_0000 in the x4 root's
 *                    2nd, 3rd and 4th page (GPA bits 40:39 = 1, 2, 3;
 *                    Sv48x4: bits 49:48)
 *   GPA 0xc000_0000  1 GiB leaf with a misaligned PPN
 *   GPA 0x4020_0000  2 MiB leaf -> 0x8000_0000 RWX U;  0x4040_0000 misaligned;
 *   GPA 0x4060_0000  2 MiB leaf without U
 *   GT(0) RW U -> page 0     GT(1) R U -> page 1      GT(2) invalid
 *   GT(3) RW (no U)          GT(4) X U -> code page   GT(5) RW U, A = 0
 *   GT(6) RW U, D = 0        GT(7) W only (reserved)  GT(8) R U -> vs_l0b
 *   GT(9) invalid            GT(10) RW U -> page 3 (remapped to page 4)
 *   GT(11) X (no U) -> code page
 * Guest virtual map (VS-stage Sv39, tables in the image, read through GPA =
 * their address; VT(i) = 0x6000_0000 + 4K*i):
 *   VA 0x8000_0000 1 GiB -> GPA 0x8000_0000 RWX (no U): code, data, vs_vec
 *   VA 0xc000_0000 1 GiB -> GPA 0x8000_0000 RWX U: the VU alias of the code
 *   VA 0x1_0000_0000 1 GiB -> GPA_HI1;  VA 0x1_4000_0000 1 GiB -> GPA_BAD
 *   VT(0) -> GT(0) RW   VT(1) -> GT(2) R      VT(2) invalid
 *   VT(3) -> GT(1) RW   VT(4) -> GT(0) R U    VT(5) -> GT(0) RW, A = 0
 *   VT(6) -> GT(3) R    VT(7) -> GT(10) R     VT(8) -> GT(4) X
 *   VT(9) -> GT(0) R (remapped by the SFENCE/HFENCE.VVMA cases)
 *   VA 0x4020_0000: its level-0 table is at GT(9) (not mapped in the G-stage)
 *   VA 0x4040_0000 2 MiB -> GPA 0x8000_0000 R (VS superpage)
 *   VA 0x4060_0000: level-0 table vs_l0b at GT(8) (G-stage read-only):
 *                   [0] -> GT(0) R with A = 0, [1] -> GT(0) R
 *   VA 0x4080_0000 2 MiB -> GPA 0x4020_0000 (superpages at both stages)
 *   VA 0x40a0_0000: its level-0 table is at GT(3) (G-stage leaf without U)
 * Covers: loads, stores, fetches through either stage and both; superpages
 * at both stages (misaligned ones fault); the x4 root (GPA bits above 39
 * select among its 4 pages) and GPAs wider than 41 (50) bits faulting, with
 * the VS-stage Bare and from a VS-stage leaf; the G-stage treating every
 * access as U-mode (explicit ones and VS page-table reads); reserved W-only
 * leaves; execute-only G pages (fetch ok, load faults; HS-level
 * sstatus.MXR overrides it, vsstatus.MXR does not); A/D at the G-stage and
 * at the VS-stage (either policy), including a VS PTE with A = 0 in a page
 * the G-stage maps read-only (the update must fault: as a load guest-page
 * fault with the write pseudoinstruction 0x3020, or as the VS page fault);
 * guest-page faults 20/21/23 with mtval/stval = the guest virtual address,
 * mtval2/htval = 0 or the faulting GPA >> 2 (for a VS page-table read: that
 * PTE's GPA >> 2, with mtinst/htinst = the read pseudoinstruction 0x3000),
 * mtinst/htinst = 0 or the transformed load/store/compressed/AMO
 * instruction (0 for fetches), MPV/SPV/SPVP, mstatus.GVA/hstatus.GVA;
 * VS-stage page faults (13) with GVA = 1 and mtval2 = 0; delegation of
 * guest-page faults to HS (medeleg); VS-stage U/SUM rules; VU through the
 * alias; MPRV with MPV = 1 (M-mode loads as VS/VU, vsstatus.SUM); SFENCE.VMA
 * in VS, HFENCE.VVMA and HFENCE.GVMA (global, by address, by VMID) making
 * changed PTEs visible.
 */
#define SELFTEST_HEXT
#include "selftest.h"

#ifndef G_LEVELS
#define G_LEVELS 3
#endif
#if G_LEVELS == 3
#define HGATP_MODE ATP_MODE_SV39
#define GPA_HI0 0x8080000000       /* root index 0x202: root page 1 */
#define GPA_HI1 0x10080000000      /* root index 0x402: root page 2 */
#define GPA_HI2 0x18080000000      /* root index 0x602: root page 3 */
#define GPA_BAD 0x20080000000      /* bit 41 set */
#else
#define HGATP_MODE ATP_MODE_SV48
#define GPA_HI0 0x1000080000000    /* root index 0x200 (bits 49:39), then 2 */
#define GPA_HI1 0x2000080000000    /* root index 0x400 */
#define GPA_HI2 0x3000080000000    /* root index 0x600 */
#define GPA_BAD 0x4000080000000    /* bit 50 set */
#endif

#define GT(i) (0x40000000+0x1000*(i))
#define VT(i) (0x60000000+0x1000*(i))
#define ALIAS_OFF 0x40000000       /* VU alias VA - PA of the code */
#define MARK 0x600dc0de12345678

/* continue in VU at the next instruction's alias (vsatp must be on) */
.macro DROP_TO_VU_ALIAS
  li t5, MSTATUS_MPP
  csrc mstatus, t5
  li t5, MSTATUS_MPV
  csrs mstatus, t5
  la t5, .Ld\@
  li t6, ALIAS_OFF
  add t5, t5, t6
  csrw mepc, t5
  mret
.Ld\@:
.endm

/* r = the guest address `base` + (marker - 0x8000_0000) */
.macro MARK_ADDR r, base
  la \r, marker
  li t0, 0x80000000
  sub \r, \r, t0
  li t0, \base
  add \r, \r, t0
.endm

/* vsatp on (Sv39, root vs_root) / off */
.macro VS_ON
  la t0, vs_root
  srli t0, t0, 12
  li t1, ATP_MODE_SV39
  or t0, t0, t1
  csrw vsatp, t0
  hfence.vvma
.endm
.macro VS_OFF
  csrw vsatp, zero
  hfence.vvma
.endm

/* fail unless the trap in trap_rec is a guest-page fault `cause` from V = 1
   (MPV = 1, GVA = 1) with mtval = register va and mtval2 = 0 or (register
   gpa) >> 2 */
.macro CHK_GPF cause, va, gpa
  CHK_TRAP TR_CAUSE, \cause
  CHK_MPV 1
  CHK_GVA 1
  la t0, trap_rec
  ld t1, TR_TVAL(t0)
  CHKR t1, \va
  csrr t1, mtval2
  beqz t1, .Lz\@
  srli t2, \gpa, 2
  CHKR t1, t2
.Lz\@:
.endm

/* fail unless mtinst is 0 or (the bits at label & mask) [with bit 1 cleared
   for a compressed instruction, whose bits the caller passes expanded in
   register exp instead: use CHK_TINST_REG] */
.macro CHK_TINST label, mask
  csrr t1, mtinst
  beqz t1, .Lok\@
  la t2, \label
  lhu t3, 2(t2)
  lhu t2, 0(t2)
  slli t3, t3, 16
  or t2, t2, t3
  li t3, \mask
  and t2, t2, t3
  CHKR t1, t2
.Lok\@:
.endm
.macro CHK_TINST_REG r
  csrr t1, mtinst
  beqz t1, .Lok\@
  CHKR t1, \r
.Lok\@:
.endm

/* a guest-page-fault case in VS (vsatp on if vs = 1): with s2 = va and
   s3 = gpa (constants), insn faults with `cause` at s2, the faulting GPA
   being s3; mepc = the instruction (fetch: = va, mtinst = 0) */
.macro GPF_CASE vs, cause, va, gpa, insn:vararg
  TC
  .if \vs
  VS_ON
  .else
  VS_OFF
  .endif
  li s2, \va
  li s3, \gpa
  EXPECT_TRAP .Lr\@
  DROP_TO_V PRV_S
  .option push
  .option norvc
.Li\@: \insn
  .option pop
  j fail
.Lr\@:
  CHK_GPF \cause, s2, s3
  .if (\cause) == CAUSE_FETCH_GUEST_PF
  la t0, trap_rec
  ld t1, TR_EPC(t0)
  CHKR t1, s2
  CHK_CSR mtinst, 0
  .else
  CHK_TRAP_ADDR TR_EPC, .Li\@
  .endif
.endm

/* the same for a VS-stage page-table read that faults at the G-stage: mtval2
   = 0 or pte >> 2 and then mtinst = the read pseudoinstruction (0 allowed
   only with mtval2 = 0) */
.macro PTE_GPF_CASE cause, va, pte, insn:vararg
  TC
  VS_ON
  li s2, \va
  li s3, \pte
  EXPECT_TRAP .Lr\@
  DROP_TO_V PRV_S
.Li\@: \insn
  j fail
.Lr\@:
  CHK_GPF \cause, s2, s3
  csrr t1, mtval2
  csrr t2, mtinst
  beqz t1, .Lz\@
  CHK t2, TINST_PTE_READ
  j .Ld\@
.Lz\@:
  beqz t2, .Ld\@
  CHK t2, TINST_PTE_READ
.Ld\@:
.endm

/* a VS-stage page fault case in VS: cause 12/13/15, mtval = va, GVA = 1, mtval2 = 0 */
.macro VSPF_CASE cause, va, insn:vararg
  TC
  VS_ON
  li s2, \va
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
  CHKR t1, s2
  CHK_CSR mtval2, 0
.endm

/* a case: in VS, a0 := *(va) (ld); then a0 == val */
.macro VS_LOAD_CASE va, val
  TC
  VS_OFF
  li s2, \va
  li a0, 0
  EXPECT_TRAP .Lr\@
  DROP_TO_V PRV_S
  ld a0, 0(s2)
  ecall
  j fail
.Lr\@:
  CHK_TRAP TR_CAUSE, CAUSE_ECALL_VS
  CHK a0, \val
.endm

  TEST_BEGIN
  /* ---- build the tables (before the first case: never skipped) ---- */
  la s0, gs_pages                 # page i: first dword 0xcccc0000 + i
  li t1, 0
1:li t2, 0xcccc0000
  add t2, t2, t1
  slli t3, t1, 12
  add t3, t3, s0
  sd t2, 0(t3)
  addi t1, t1, 1
  li t2, 5
  blt t1, t2, 1b
  la t0, code_page                # the code page: addi a0, a0, 1; ecall
  li t1, 0x00150513
  sw t1, 0(t0)
  li t1, 0x00000073
  sw t1, 4(t0)
  fence.i

#define G_RWXU (PTE_V | PTE_R | PTE_W | PTE_X | PTE_U | PTE_A | PTE_D)
#define V_RWX  (PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D)
  li s1, 0x80000000
  SET_PTE g_root, 2, s1, G_RWXU
#if G_LEVELS == 3
  SET_PTE g_root, 0x202, s1, G_RWXU
  SET_PTE g_root, 0x402, s1, G_RWXU
  SET_PTE g_root, 0x602, s1, G_RWXU
#else
  la s1, g_root
  SET_PTE g_root4, 0, s1, PTE_V
  SET_PTE g_root4, 0x200, s1, PTE_V
  SET_PTE g_root4, 0x400, s1, PTE_V
  SET_PTE g_root4, 0x600, s1, PTE_V
  li s1, 0x80000000
#endif
  li s1, 0x80200000
  SET_PTE g_root, 3, s1, G_RWXU             # misaligned 1 GiB
  la s1, g_l1
  SET_PTE g_root, 1, s1, PTE_V
  la s1, g_l0
  SET_PTE g_l1, 0, s1, PTE_V
  li s1, 0x80000000
  SET_PTE g_l1, 1, s1, G_RWXU
  li s1, 0x80001000
  SET_PTE g_l1, 2, s1, G_RWXU               # misaligned 2 MiB
  li s1, 0x80000000
  SET_PTE g_l1, 3, s1, V_RWX                # 2 MiB without U
.macro GPAGE i, pa, flags
  la s1, \pa
  SET_PTE g_l0, \i, s1, \flags
.endm
  GPAGE 0, gs_pages, PTE_V | PTE_R | PTE_W | PTE_U | PTE_A | PTE_D
  GPAGE 1, gs_pages + 0x1000, PTE_V | PTE_R | PTE_U | PTE_A | PTE_D
  GPAGE 3, gs_pages + 0x2000, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D
  GPAGE 4, code_page, PTE_V | PTE_X | PTE_U | PTE_A
  GPAGE 5, gs_pages + 0x2000, PTE_V | PTE_R | PTE_W | PTE_U
  GPAGE 6, gs_pages + 0x2000, PTE_V | PTE_R | PTE_W | PTE_U | PTE_A
  GPAGE 7, gs_pages + 0x2000, PTE_V | PTE_W | PTE_U | PTE_A | PTE_D
  GPAGE 8, vs_l0b, PTE_V | PTE_R | PTE_U | PTE_A | PTE_D
  GPAGE 10, gs_pages + 0x3000, PTE_V | PTE_R | PTE_W | PTE_U | PTE_A | PTE_D
  GPAGE 11, code_page, PTE_V | PTE_X | PTE_A

  /* VS-stage */
  li s1, 0x80000000
  SET_PTE vs_root, 2, s1, V_RWX
  SET_PTE vs_root, 3, s1, V_RWX | PTE_U
  li s1, GPA_HI1
  SET_PTE vs_root, 4, s1, V_RWX
  li s1, GPA_BAD
  SET_PTE vs_root, 5, s1, V_RWX
  la s1, vs_l1
  SET_PTE vs_root, 1, s1, PTE_V
  la s1, vs_l0
  SET_PTE vs_l1, 256, s1, PTE_V             # VA 0x6000_0000: VT(i)
  li s1, GT(9)
  SET_PTE vs_l1, 1, s1, PTE_V               # level-0 table not mapped in the G-stage
  li s1, 0x80000000
  SET_PTE vs_l1, 2, s1, PTE_V | PTE_R | PTE_A
  li s1, GT(8)
  SET_PTE vs_l1, 3, s1, PTE_V               # vs_l0b, G-stage read-only
  li s1, 0x40200000
  SET_PTE vs_l1, 4, s1, PTE_V | PTE_R | PTE_A
  li s1, GT(3)
  SET_PTE vs_l1, 5, s1, PTE_V               # level-0 table in a G page without U
.macro VPAGE i, gpa, flags
  li s1, \gpa
  SET_PTE vs_l0, \i, s1, \flags
.endm
  VPAGE 0, GT(0), PTE_V | PTE_R | PTE_W | PTE_A | PTE_D
  VPAGE 1, GT(2), PTE_V | PTE_R | PTE_A
  VPAGE 3, GT(1), PTE_V | PTE_R | PTE_W | PTE_A | PTE_D
  VPAGE 4, GT(0), PTE_V | PTE_R | PTE_U | PTE_A
  VPAGE 5, GT(0), PTE_V | PTE_R | PTE_W
  VPAGE 6, GT(3), PTE_V | PTE_R | PTE_A
  VPAGE 7, GT(10), PTE_V | PTE_R | PTE_A
  VPAGE 8, GT(4), PTE_V | PTE_X | PTE_A
  VPAGE 9, GT(0), PTE_V | PTE_R | PTE_A
  li s1, GT(0)
  SET_PTE vs_l0b, 0, s1, PTE_V | PTE_R
  SET_PTE vs_l0b, 1, s1, PTE_V | PTE_R | PTE_A

  csrw hedeleg, zero
  csrw hideleg, zero
  csrw medeleg, zero
  H_INSTALL_HANDLERS

  TC                              # hgatp takes the mode and the root
#if G_LEVELS == 3
  la t0, g_root
#else
  la t0, g_root4
#endif
  srli t0, t0, 12
  li t1, HGATP_MODE
  or t0, t0, t1
  csrw hgatp, t0
  csrr a0, hgatp
  CHKR a0, t0
  hfence.gvma
  VS_OFF

  /* ================= G-stage alone (vsatp = Bare) ================= */
  VS_LOAD_CASE GT(0), 0xcccc0000
  TC                              # the x4 root's second page: GPA_HI0 (GPA bit 39) reaches the image
  VS_OFF
  MARK_ADDR s2, GPA_HI0
  EXPECT_TRAP 1f
  DROP_TO_V PRV_S
  ld a0, 0(s2)
  ecall
1:CHK_TRAP TR_CAUSE, CAUSE_ECALL_VS
  CHK a0, MARK
  TC                              # its third and fourth: GPA_HI1, GPA_HI2 (GPA bit 40, 48 + 49)
  VS_OFF
  MARK_ADDR s2, GPA_HI1
  MARK_ADDR s3, GPA_HI2
  EXPECT_TRAP 1f
  DROP_TO_V PRV_S
  ld a0, 0(s2)
  ld a1, 0(s3)
  ecall
1:CHK_TRAP TR_CAUSE, CAUSE_ECALL_VS
  CHK a0, MARK
  CHK a1, MARK
  TC                              # G-stage 2 MiB superpage (GPA 0x4020_0000 + offset)
  MARK_ADDR s2, 0x40200000
  EXPECT_TRAP 1f
  DROP_TO_V PRV_S
  ld a0, 0(s2)
  ecall
1:CHK_TRAP TR_CAUSE, CAUSE_ECALL_VS
  CHK a0, MARK
  /* GPA wider than the mode: guest-page faults */
  GPF_CASE 0, CAUSE_LOAD_GUEST_PF, GPA_BAD, GPA_BAD, ld a0, 0(s2)
  GPF_CASE 0, CAUSE_STORE_GUEST_PF, GPA_BAD, GPA_BAD, sd a0, 0(s2)
  GPF_CASE 0, CAUSE_FETCH_GUEST_PF, GPA_BAD, GPA_BAD, jr s2
  /* misaligned 2 MiB superpage */
  GPF_CASE 0, CAUSE_LOAD_GUEST_PF, 0x40400000+0x3008, 0x40400000+0x3008, ld a0, 0(s2)
  /* misaligned 1 GiB superpage */
  GPF_CASE 0, CAUSE_LOAD_GUEST_PF, 0xc0000010, 0xc0000010, ld a0, 0(s2)
  /* 2 MiB leaf without U */
  GPF_CASE 0, CAUSE_LOAD_GUEST_PF, 0x40600000+0x18, 0x40600000+0x18, ld a0, 0(s2)
  /* 4 KiB leaf without U: store, fetch */
  GPF_CASE 0, CAUSE_STORE_GUEST_PF, GT(3)+8, GT(3)+8, sd a0, 0(s2)
  GPF_CASE 0, CAUSE_FETCH_GUEST_PF, GT(11), GT(11), jalr s2
  /* W without R: reserved */
  GPF_CASE 0, CAUSE_LOAD_GUEST_PF, GT(7)+16, GT(7)+16, ld a0, 0(s2)
  GPF_CASE 0, CAUSE_STORE_GUEST_PF, GT(7)+16, GT(7)+16, sd a0, 0(s2)
  /* read-only page */
  GPF_CASE 0, CAUSE_STORE_GUEST_PF, GT(1), GT(1), sw a0, 0(s2)
  /* no X */
  GPF_CASE 0, CAUSE_FETCH_GUEST_PF, GT(0), GT(0), jr s2
  TC                              # execute-only G page: VS runs code there
  VS_OFF
  li s2, GT(4)
  li a0, 41
  EXPECT_TRAP 1f
  DROP_TO_V PRV_S
  jr s2
1:CHK_TRAP TR_CAUSE, CAUSE_ECALL_VS
  CHK a0, 42
  la t0, trap_rec
  ld t1, TR_EPC(t0)
  addi t2, s2, 4
  CHKR t1, t2
  /* ... but cannot load from it */
  GPF_CASE 0, CAUSE_LOAD_GUEST_PF, GT(4), GT(4), lw a0, 0(s2)
  TC                              # vsstatus.MXR does not open the G-stage
  li t0, (2 << 32) | MSTATUS_MXR
  csrw vsstatus, t0
  li s2, GT(4)
  EXPECT_TRAP 1f
  DROP_TO_V PRV_S
2:lw a0, 0(s2)
  j fail
1:li t0, 2 << 32
  csrw vsstatus, t0
  CHK_GPF CAUSE_LOAD_GUEST_PF, s2, s2
  TC                              # HS-level sstatus.MXR does
  li t0, MSTATUS_MXR
  csrs mstatus, t0
  li s2, GT(4)
  EXPECT_TRAP 1f
  DROP_TO_V PRV_S
  lw a0, 0(s2)
  ecall
1:li t0, MSTATUS_MXR
  csrc mstatus, t0
  CHK_TRAP TR_CAUSE, CAUSE_ECALL_VS
  CHK a0, 0x00150513
  TC                              # G-stage A = 0: a guest-page fault or A set by hardware
  VS_OFF
  li s2, GT(5) + 8
  li a0, 0
  EXPECT_TRAP 1f
  DROP_TO_V PRV_S
  ld a0, 0(s2)
  ecall
1:la t0, g_l0
  ld s3, 5 * 8(t0)
  la t0, trap_rec
  ld t1, TR_CAUSE(t0)
  li t2, CAUSE_ECALL_VS
  beq t1, t2, 2f
  CHK_GPF CAUSE_LOAD_GUEST_PF, s2, s2
  andi t1, s3, PTE_A | PTE_D
  CHK t1, 0
  j 3f
2:CHK a0, 0                       # (page 2 holds 0 at offset 8)
  andi t1, s3, PTE_A | PTE_D
  CHK t1, PTE_A
3:
  TC                              # G-stage D = 0 on a store: a guest-page fault or D set
  VS_OFF
  li s2, GT(6) + 16
  li a1, 0x6666
  EXPECT_TRAP 1f
  DROP_TO_V PRV_S
  sd a1, 0(s2)
  ecall
1:la t0, g_l0
  ld s3, 6 * 8(t0)
  la t0, trap_rec
  ld t1, TR_CAUSE(t0)
  li t2, CAUSE_ECALL_VS
  beq t1, t2, 2f
  CHK_GPF CAUSE_STORE_GUEST_PF, s2, s2
  andi t1, s3, PTE_D
  CHK t1, 0
  j 3f
2:andi t1, s3, PTE_D
  CHK t1, PTE_D
  CHK_MEM gs_pages + 0x2010, 0x6666
3:

  /* ---- the transformed instruction in mtinst (or 0) ---- */
  TC                              # load: funct3, rd, opcode kept; offset and rs1 zeroed
  VS_OFF
  li s2, GT(2) + 0x20
  addi s3, s2, 0x10
  EXPECT_TRAP 1f
  DROP_TO_V PRV_S
  .option push
  .option norvc
2:ld a3, 0x10(s2)
  .option pop
  j fail
1:CHK_GPF CAUSE_LOAD_GUEST_PF, s3, s3
  CHK_TINST 2b, 0x00007fff
  TC                              # store: rs2, funct3, opcode kept
  VS_OFF
  li s2, GT(2) + 0x20
  addi s3, s2, 0x18
  EXPECT_TRAP 1f
  DROP_TO_V PRV_S
  .option push
  .option norvc
2:sw a4, 0x18(s2)
  .option pop
  j fail
1:CHK_GPF CAUSE_STORE_GUEST_PF, s3, s3
  CHK_TINST 2b, 0x01f0707f
  TC                              # compressed c.lw a0, 4(a1): expanded lw, transformed, bit 1 = 0
  VS_OFF
  li a1, GT(2) + 0x40
  addi s3, a1, 4
  EXPECT_TRAP 1f
  DROP_TO_V PRV_S
  .option push
  .option rvc
2:c.lw a0, 4(a1)
  .option pop
  j fail
1:CHK_GPF CAUSE_LOAD_GUEST_PF, s3, s3
  li t3, 0x00002501               # lw a0, 0(x0) with bit 1 clear
  CHK_TINST_REG t3
  TC                              # AMO: all fields but rs1 kept
  VS_OFF
  li s2, GT(1) + 0x40
  EXPECT_TRAP 1f
  DROP_TO_V PRV_S
  .option push
  .option norvc
2:amoadd.w.aqrl a2, a5, (s2)
  .option pop
  j fail
1:CHK_GPF CAUSE_STORE_GUEST_PF, s2, s2
  CHK_TINST 2b, ~(0x1f << 15)

  /* ---- guest-page faults delegated to HS ---- */
  TC                              # load guest-page fault from VS -> HS: stval, htval, htinst, GVA, SPV, SPVP
  VS_OFF
  li t0, 1 << CAUSE_LOAD_GUEST_PF
  csrw medeleg, t0
  li t0, HSTATUS_SPVP | HSTATUS_GVA
  csrc hstatus, t0
  li s2, GT(2) + 0x28
  HS_CLEAR
  EXPECT_TRAP 1f
  DROP_TO_V PRV_S
2:ld a0, 0(s2)
  j fail
1:csrw medeleg, zero
  CHK_TRAP TR_CAUSE, CAUSE_ECALL_S
  CHK_HS HR_CAUSE, CAUSE_LOAD_GUEST_PF
  CHK_HS_ADDR HR_EPC, 2b
  CHK_HSR HR_TVAL, s2
  la t0, hs_rec
  ld t1, HR_HTVAL(t0)
  beqz t1, 3f
  srli t2, s2, 2
  CHKR t1, t2
3:ld t1, HR_HTINST(t0)
  beqz t1, 4f
  li t2, 0x00003503               # ld a0, 0(x0)
  CHKR t1, t2
4:CHK_HSTATUS_BIT 7, 1            # SPV
  CHK_HSTATUS_BIT 8, 1            # SPVP
  CHK_HSTATUS_BIT 6, 1            # GVA
  TC                              # fetch guest-page fault from VU -> HS: SPVP = 0, htinst = 0
  VS_OFF
  li t0, 1 << CAUSE_FETCH_GUEST_PF
  csrw medeleg, t0
  li t0, HSTATUS_SPVP
  csrs hstatus, t0
  li s2, GT(2)
  HS_CLEAR
  EXPECT_TRAP 1f
  DROP_TO_V PRV_U
  jr s2
  j fail
1:csrw medeleg, zero
  CHK_HS HR_CAUSE, CAUSE_FETCH_GUEST_PF
  CHK_HSR HR_EPC, s2
  CHK_HSR HR_TVAL, s2
  CHK_HS HR_HTINST, 0
  CHK_HSTATUS_BIT 7, 1
  CHK_HSTATUS_BIT 8, 0
  CHK_HSTATUS_BIT 6, 1
  TC                              # a guest-page fault from VU to M: MPV = 1, MPP = U, GVA = 1
  VS_OFF
  li s2, GT(1) + 8
  EXPECT_TRAP 1f
  DROP_TO_V PRV_U
2:sd zero, 0(s2)
  j fail
1:CHK_GPF CAUSE_STORE_GUEST_PF, s2, s2
  CHK_TRAP TR_PRIV, PRV_U
  CHK_TRAP_ADDR TR_EPC, 2b

  /* ---- HFENCE.GVMA ---- */
  TC                              # a changed G-stage PTE is used after hfence.gvma (global)
  VS_OFF
  li s2, GT(10)
  EXPECT_TRAP 1f                  # first use: page 3
  DROP_TO_V PRV_S
  ld a0, 0(s2)
  ecall
1:CHK a0, 0xcccc0003
  la s1, gs_pages + 0x4000
  SET_PTE g_l0, 10, s1, PTE_V | PTE_R | PTE_W | PTE_U | PTE_A | PTE_D
  hfence.gvma
  EXPECT_TRAP 1f
  DROP_TO_V PRV_S
  ld a0, 0(s2)
  ecall
1:CHK a0, 0xcccc0004
  TC                              # ... by guest physical address (rs1 = GPA >> 2)
  VS_OFF
  li s2, GT(10)
  la s1, gs_pages + 0x3000
  SET_PTE g_l0, 10, s1, PTE_V | PTE_R | PTE_W | PTE_U | PTE_A | PTE_D
  srli t0, s2, 2
  hfence.gvma t0, zero
  EXPECT_TRAP 1f
  DROP_TO_V PRV_S
  ld a0, 0(s2)
  ecall
1:CHK a0, 0xcccc0003
  TC                              # ... by VMID (rs2 = the current VMID)
  VS_OFF
  li s2, GT(10)
  la s1, gs_pages + 0x4000
  SET_PTE g_l0, 10, s1, PTE_V | PTE_R | PTE_W | PTE_U | PTE_A | PTE_D
  csrr t0, hgatp
  srli t0, t0, HGATP_VMID_SHIFT
  li t1, 0x3fff
  and t0, t0, t1
  hfence.gvma zero, t0
  EXPECT_TRAP 1f
  DROP_TO_V PRV_S
  ld a0, 0(s2)
  ecall
1:CHK a0, 0xcccc0004
  la s1, gs_pages + 0x3000
  SET_PTE g_l0, 10, s1, PTE_V | PTE_R | PTE_W | PTE_U | PTE_A | PTE_D
  hfence.gvma

  /* ================= VS-stage Sv39 over the G-stage ================= */
  TC                              # VS runs from its own mapping and loads VT(0)
  VS_ON
  li s2, VT(0)
  EXPECT_TRAP 1f
  DROP_TO_V PRV_S
  ld a0, 0(s2)
  ecall
1:CHK_TRAP TR_CAUSE, CAUSE_ECALL_VS
  CHK a0, 0xcccc0000
  TC                              # VS store, seen at the host physical page
  VS_ON
  li s2, VT(0)
  li a1, 0x1234
  EXPECT_TRAP 1f
  DROP_TO_V PRV_S
  sd a1, 0x30(s2)
  ecall
1:CHK_MEM gs_pages + 0x30, 0x1234
  TC                              # VS-stage 2 MiB superpage
  VS_ON
  MARK_ADDR s2, 0x40400000
  EXPECT_TRAP 1f
  DROP_TO_V PRV_S
  ld a0, 0(s2)
  ecall
1:CHK a0, MARK
  TC                              # 2 MiB superpages at both stages
  VS_ON
  MARK_ADDR s2, 0x40800000
  EXPECT_TRAP 1f
  DROP_TO_V PRV_S
  ld a0, 0(s2)
  ecall
1:CHK a0, MARK
  TC                              # a VS-stage leaf into the x4 root's upper pages
  VS_ON
  MARK_ADDR s2, 0x100000000
  EXPECT_TRAP 1f
  DROP_TO_V PRV_S
  ld a0, 0(s2)
  ecall
1:CHK a0, MARK
  TC                              # a VS-stage leaf to a GPA wider than the mode
  VS_ON
  li s2, 0x140000000 + 0x88
  li s3, GPA_BAD + 0x88
  EXPECT_TRAP 1f
  DROP_TO_V PRV_S
  ld a0, 0(s2)
  j fail
1:CHK_GPF CAUSE_LOAD_GUEST_PF, s2, s3
  TC                              # a VS-stage leaf to a GPA the G-stage does not map
  VS_ON
  li s2, VT(1) + 0x48
  li s3, GT(2) + 0x48
  EXPECT_TRAP 1f
  DROP_TO_V PRV_S
  .option push
  .option norvc
2:ld a0, 0(s2)
  .option pop
  j fail
1:CHK_GPF CAUSE_LOAD_GUEST_PF, s2, s3
  CHK_TRAP_ADDR TR_EPC, 2b
  CHK_TINST 2b, 0x00007fff
  TC                              # a store through a VS leaf to a G-stage read-only page
  VS_ON
  li s2, VT(3) + 0x50
  li s3, GT(1) + 0x50
  EXPECT_TRAP 1f
  DROP_TO_V PRV_S
  sd a0, 0(s2)
  j fail
1:CHK_GPF CAUSE_STORE_GUEST_PF, s2, s3
  TC                              # G-stage leaf without U under a VS leaf (VS-mode access)
  VS_ON
  li s2, VT(6) + 0x60
  li s3, GT(3) + 0x60
  EXPECT_TRAP 1f
  DROP_TO_V PRV_S
  ld a0, 0(s2)
  j fail
1:CHK_GPF CAUSE_LOAD_GUEST_PF, s2, s3
  /* VS-stage invalid: a page fault, not a guest-page fault */
  VSPF_CASE CAUSE_LOAD_PAGE_FAULT, VT(2)+8, ld a0, 0(s2)
  VSPF_CASE CAUSE_STORE_PAGE_FAULT, VT(2)+8, sd a0, 0(s2)
  VSPF_CASE CAUSE_FETCH_PAGE_FAULT, VT(2)+8, jr s2
  /* VS-stage U page from VS with vsstatus.SUM = 0 */
  VSPF_CASE CAUSE_LOAD_PAGE_FAULT, VT(4), ld a0, 0(s2)
  TC                              # ... vsstatus.SUM = 1 allows it (the HS-level SUM is ignored)
  VS_ON
  li t0, (2 << 32) | MSTATUS_SUM
  csrw vsstatus, t0
  li t0, MSTATUS_SUM
  csrc sstatus, t0
  li s2, VT(4)
  EXPECT_TRAP 1f
  DROP_TO_V PRV_S
  ld a0, 0(s2)
  ecall
1:li t0, 2 << 32
  csrw vsstatus, t0
  CHK_TRAP TR_CAUSE, CAUSE_ECALL_VS
  CHK a0, 0xcccc0000
  TC                              # HS-level SUM = 1 with vsstatus.SUM = 0: still a fault
  VS_ON
  li t0, MSTATUS_SUM
  csrs sstatus, t0
  li s2, VT(4)
  EXPECT_TRAP 1f
  DROP_TO_V PRV_S
  ld a0, 0(s2)
  j fail
1:li t0, MSTATUS_SUM
  csrc sstatus, t0
  CHK_TRAP TR_CAUSE, CAUSE_LOAD_PAGE_FAULT
  /* VS X-only page: VS loads fault at the VS-stage */
  VSPF_CASE CAUSE_LOAD_PAGE_FAULT, VT(8), lw a0, 0(s2)
  TC                              # ... vsstatus.MXR: the VS-stage allows, the G-stage (X only) faults
  VS_ON
  li t0, (2 << 32) | MSTATUS_MXR
  csrw vsstatus, t0
  li s2, VT(8) + 4
  li s3, GT(4) + 4
  EXPECT_TRAP 1f
  DROP_TO_V PRV_S
  lw a0, 0(s2)
  j fail
1:li t0, 2 << 32
  csrw vsstatus, t0
  CHK_GPF CAUSE_LOAD_GUEST_PF, s2, s3
  TC                              # ... HS-level MXR opens both stages
  VS_ON
  li t0, MSTATUS_MXR
  csrs mstatus, t0
  li s2, VT(8) + 4
  EXPECT_TRAP 1f
  DROP_TO_V PRV_S
  lw a0, 0(s2)
  ecall
1:li t0, MSTATUS_MXR
  csrc mstatus, t0
  CHK_TRAP TR_CAUSE, CAUSE_ECALL_VS
  CHK a0, 0x00000073
  TC                              # VS runs code in its X-only page (X at both stages)
  VS_ON
  li s2, VT(8)
  li a0, 7
  EXPECT_TRAP 1f
  DROP_TO_V PRV_S
  jr s2
1:CHK_TRAP TR_CAUSE, CAUSE_ECALL_VS
  CHK a0, 8

  /* ---- VS page-table reads go through the G-stage ---- */
  VS_ON
  /* its level-0 table is at GT(9): not mapped */
  PTE_GPF_CASE CAUSE_LOAD_GUEST_PF, 0x40200000+5*0x1000+0x10, GT(9)+5*8, ld a0, 0(s2)
  PTE_GPF_CASE CAUSE_STORE_GUEST_PF, 0x40200000+5*0x1000+0x10, GT(9)+5*8, sd a0, 0(s2)
  PTE_GPF_CASE CAUSE_FETCH_GUEST_PF, 0x40200000+5*0x1000+0x10, GT(9)+5*8, jr s2
  /* its level-0 table is in a G page without U */
  PTE_GPF_CASE CAUSE_LOAD_GUEST_PF, 0x40a00000+2*0x1000, GT(3)+2*8, ld a0, 0(s2)
  TC                              # a PTE-read guest-page fault delegated to HS: htval, htinst, GVA
  VS_ON
  li t0, 1 << CAUSE_LOAD_GUEST_PF
  csrw medeleg, t0
  li s2, 0x40200000 + 7 * 0x1000
  li s3, GT(9) + 7 * 8
  HS_CLEAR
  EXPECT_TRAP 1f
  DROP_TO_V PRV_S
  ld a0, 0(s2)
  j fail
1:csrw medeleg, zero
  CHK_HS HR_CAUSE, CAUSE_LOAD_GUEST_PF
  CHK_HSR HR_TVAL, s2
  CHK_HSTATUS_BIT 6, 1
  la t0, hs_rec
  ld t1, HR_HTVAL(t0)
  ld t2, HR_HTINST(t0)
  beqz t1, 2f
  srli t3, s3, 2
  CHKR t1, t3
  CHK t2, TINST_PTE_READ
  j 3f
2:beqz t2, 3f
  CHK t2, TINST_PTE_READ
3:
  TC                              # reading through a VS table the G-stage maps read-only works
  VS_ON
  li s2, 0x40600000 + 0x1000
  EXPECT_TRAP 1f
  DROP_TO_V PRV_S
  ld a0, 0(s2)
  ecall
1:CHK_TRAP TR_CAUSE, CAUSE_ECALL_VS
  CHK a0, 0xcccc0000
  TC                              # VS PTE with A = 0 in that read-only table: the update must fault
  VS_ON
  li s2, 0x40600000 + 0x20
  li s3, GT(8)                    # the PTE's GPA (entry 0)
  EXPECT_TRAP 1f
  DROP_TO_V PRV_S
  ld a0, 0(s2)
  j fail
1:CHK_MPV 1
  CHK_GVA 1
  la t0, trap_rec
  ld t1, TR_TVAL(t0)
  CHKR t1, s2
  CHK_MEM vs_l0b, ((GT(0) >> 12) << 10) | PTE_V | PTE_R    # PTE unchanged
  ld t1, TR_CAUSE(t0)
  li t2, CAUSE_LOAD_PAGE_FAULT
  beq t1, t2, 3f                  # no hardware A update: the VS-stage page fault
  CHK t1, CAUSE_LOAD_GUEST_PF     # hardware update: the implicit store faults
  csrr t1, mtval2
  csrr t2, mtinst
  beqz t1, 2f
  srli t3, s3, 2
  CHKR t1, t3
  CHK t2, TINST_PTE_WRITE
  j 3f
2:beqz t2, 3f
  CHK t2, TINST_PTE_WRITE
3:
  TC                              # VS-stage A = 0 (table writable): a page fault or A set
  VS_ON
  li s2, VT(5) + 8
  li a0, -1
  EXPECT_TRAP 1f
  DROP_TO_V PRV_S
  ld a0, 0(s2)
  ecall
1:la t0, vs_l0
  ld s3, 5 * 8(t0)
  la t0, trap_rec
  ld t1, TR_CAUSE(t0)
  li t2, CAUSE_ECALL_VS
  beq t1, t2, 2f
  CHK t1, CAUSE_LOAD_PAGE_FAULT
  andi t1, s3, PTE_A | PTE_D
  CHK t1, 0
  j 3f
2:andi t1, s3, PTE_A | PTE_D
  CHK t1, PTE_A
3:

  /* ---- VU (at the code's U alias) ---- */
  TC                              # VU loads a VS U page
  VS_ON
  li s2, VT(4)
  EXPECT_TRAP 1f
  DROP_TO_VU_ALIAS
  ld a0, 0(s2)
  ecall
1:CHK_TRAP TR_CAUSE, CAUSE_ECALL_U
  CHK_MPV 1
  CHK a0, 0xcccc0000
  TC                              # VU loading a VS-mode page faults at the VS-stage
  VS_ON
  li s2, VT(0)
  EXPECT_TRAP 1f
  DROP_TO_VU_ALIAS
  ld a0, 0(s2)
  j fail
1:CHK_TRAP TR_CAUSE, CAUSE_LOAD_PAGE_FAULT
  CHK_TRAP TR_PRIV, PRV_U
  CHK_MPV 1
  CHK_GVA 1

  /* ---- MPRV with MPV = 1: M-mode loads translated as VS / VU ---- */
  TC                              # MPP = S, MPV = 1: two-stage translation
  VS_ON
  li s2, VT(0)
  li t0, MSTATUS_MPP
  csrc mstatus, t0
  li t0, MSTATUS_MPRV | MSTATUS_MPV | MSTATUS_MPP_S
  csrs mstatus, t0
  ld a0, 0(s2)
  li t0, MSTATUS_MPRV | MSTATUS_MPV
  csrc mstatus, t0
  CHK a0, 0xcccc0000
  TC                              # MPP = S: a VS U page needs vsstatus.SUM
  VS_ON
  li s2, VT(4)
  li t0, MSTATUS_MPP
  csrc mstatus, t0
  EXPECT_TRAP 1f                  # (before MPRV: it stores to trap_rec)
  li t0, MSTATUS_MPRV | MSTATUS_MPV | MSTATUS_MPP_S
  csrs mstatus, t0
2:ld a0, 0(s2)
  j fail
1:CHK_TRAP TR_CAUSE, CAUSE_LOAD_PAGE_FAULT
  CHK_TRAP_ADDR TR_EPC, 2b
  CHK_TRAP TR_PRIV, PRV_M
  CHK_MPV 0
  CHK_GVA 1
  la t0, trap_rec
  ld t1, TR_TVAL(t0)
  CHKR t1, s2
  TC                              # MPP = U, MPV = 1: a VS-mode page faults
  VS_ON
  li s2, VT(0)
  li t0, MSTATUS_MPP
  csrc mstatus, t0
  EXPECT_TRAP 1f
  li t0, MSTATUS_MPRV | MSTATUS_MPV
  csrs mstatus, t0
2:ld a0, 0(s2)
  j fail
1:CHK_TRAP TR_CAUSE, CAUSE_LOAD_PAGE_FAULT
  CHK_TRAP_ADDR TR_EPC, 2b
  la t0, trap_rec
  ld t1, TR_TVAL(t0)
  CHKR t1, s2
  TC                              # MPRV with MPV = 1 and a G-stage fault: load guest-page fault
  VS_ON
  li s2, VT(1) + 8
  li s3, GT(2) + 8
  li t0, MSTATUS_MPP
  csrc mstatus, t0
  EXPECT_TRAP 1f
  li t0, MSTATUS_MPRV | MSTATUS_MPV | MSTATUS_MPP_S
  csrs mstatus, t0
2:ld a0, 0(s2)
  j fail
1:CHK_TRAP TR_CAUSE, CAUSE_LOAD_GUEST_PF
  CHK_TRAP_ADDR TR_EPC, 2b
  CHK_MPV 0
  CHK_GVA 1
  la t0, trap_rec
  ld t1, TR_TVAL(t0)
  CHKR t1, s2
  csrr t1, mtval2
  beqz t1, 3f
  srli t2, s3, 2
  CHKR t1, t2
3:

  /* ---- SFENCE.VMA in VS, HFENCE.VVMA ---- */
  TC                              # VS rewrites its PTE, sfence.vma, sees the new page
  VS_ON
  li s2, VT(9)
  la s4, vs_l0 + 9 * 8            # (VA = GPA = PA for the image)
  li s5, ((GT(10) >> 12) << 10) | PTE_V | PTE_R | PTE_A
  EXPECT_TRAP 1f
  DROP_TO_V PRV_S
  ld a0, 0(s2)
  sd s5, 0(s4)
  sfence.vma
  ld a1, 0(s2)
  ecall
1:CHK_TRAP TR_CAUSE, CAUSE_ECALL_VS
  CHK a0, 0xcccc0000
  CHK a1, 0xcccc0003
  TC                              # M rewrites the VS PTE, hfence.vvma, VS sees it
  VS_ON
  li s2, VT(9)
  li s1, GT(0)
  SET_PTE vs_l0, 9, s1, PTE_V | PTE_R | PTE_A
  hfence.vvma
  EXPECT_TRAP 1f
  DROP_TO_V PRV_S
  ld a0, 0(s2)
  ecall
1:CHK a0, 0xcccc0000
  li s1, GT(10)
  SET_PTE vs_l0, 9, s1, PTE_V | PTE_R | PTE_A
  li t0, VT(9)
  hfence.vvma t0, zero            # by address
  EXPECT_TRAP 1f
  DROP_TO_V PRV_S
  ld a0, 0(s2)
  ecall
1:CHK a0, 0xcccc0003
  VS_OFF

  TEST_END
  H_HANDLERS

  .data
  .align 3
marker: .dword MARK
  .align 14
g_root: .skip 16384
#if G_LEVELS == 4
g_root4: .skip 16384
#endif
g_l1: .skip 4096
g_l0: .skip 4096
vs_root: .skip 4096
vs_l1: .skip 4096
vs_l0: .skip 4096
vs_l0b: .skip 4096
code_page: .skip 4096
gs_pages: .skip 5 * 4096
