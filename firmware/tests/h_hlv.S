/*
 * h_hlv.S - the virtual-machine load/store instructions HLV.*, HLVX.*, HSV.*
 * executed with V = 0 (M, HS, and U with hstatus.HU = 1).
 *
 * G-stage Sv39x4 (GT(i) = 0x4000_0000 + 4K*i):
 *   GT(0) RW U -> data page      GT(1) R U -> read-only page
 *   GT(2) X U -> code page       GT(3) invalid
 *   GT(4) R U -> code page (no X)
 * VS-stage Sv39 (vsatp; VT(i) = 0x6000_0000 + 4K*i):
 *   VT(0) -> GT(0) RW            VT(1) -> GT(0) R U
 *   VT(2) -> GT(2) X             VT(3) -> GT(2) R (no X)
 *   VT(4) -> GT(4) X             VT(5) -> GT(2) RX
 *   VT(6) invalid                VT(7) -> GT(1) RW
 *   VT(8) -> GT(3) R             VT(9) -> GT(2) X U
 * Covers (privileged spec, "Hypervisor Virtual-Machine Load and Store
 * Instructions"): every HLV width with its sign/zero extension and every HSV
 * width, through both stages (vsatp and hgatp apply although V = 0), also
 * with vsatp = Bare; hstatus.SPVP selects VS (1) or VU (0) permissions for
 * the VS-stage U bit, vsstatus.SUM applies with SPVP = 1 and the HS-level
 * sstatus.SUM does not; HLVX.HU/WU need execute permission at both stages
 * instead of read (an R-only page faults as a load page fault, a G-stage
 * page without X as a load guest-page fault); HS-level MXR opens execute-only
 * pages of both stages to HLV, vsstatus.MXR only the VS-stage; MPRV does not
 * affect them; from U they work with hstatus.HU = 1 (and are illegal with
 * HU = 0); faults: load/store page faults and guest-page faults with
 * mtval = the guest virtual address, mtval2 = 0 or GPA >> 2, mstatus.GVA = 1
 * while MPV = 0, mtinst = 0 or the transformed HLV/HSV (rs1 field zeroed);
 * delegated to HS: stval, htval, htinst, hstatus.GVA = 1 with SPV = 0.
 */
#define SELFTEST_HEXT
#include "selftest.h"

#define GT(i) (0x40000000+0x1000*(i))
#define VT(i) (0x60000000+0x1000*(i))
#define DATA0 0xf1f2f3f4f5f6f7f8

/* vsatp on / off (clobbers t0, t1) */
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
/* hstatus.SPVP := v */
.macro SPVP v
  li t0, HSTATUS_SPVP
  .if \v
  csrs hstatus, t0
  .else
  csrc hstatus, t0
  .endif
.endm

/* a case (in M): vsatp on/off, SPVP = spvp; s2 = va; insn must not trap; a0 == val */
.macro HLV_OK vs, spvp, va, val, insn:vararg
  TC
  .if \vs
  VS_ON
  .else
  VS_OFF
  .endif
  SPVP \spvp
  li s2, \va
  li a0, 0x5a5a
  \insn
  CHK a0, \val
.endm

/* a case (in M): insn faults with cause; mtval = s2 = va; MPV = 0, GVA = 1;
   mtval2 = 0 or gpa >> 2 (gpa = -1: must be 0); mtinst = 0 or the
   instruction with its rs1 field zeroed */
.macro HLV_FAULT vs, spvp, cause, va, gpa, insn:vararg
  TC
  .if \vs
  VS_ON
  .else
  VS_OFF
  .endif
  SPVP \spvp
  li s2, \va
  li s3, \gpa
  EXPECT_TRAP .Lr\@
.Li\@: \insn
  j fail
.Lr\@:
  CHK_TRAP TR_CAUSE, \cause
  CHK_TRAP_ADDR TR_EPC, .Li\@
  CHK_MPV 0
  la t0, trap_rec
  ld t1, TR_TVAL(t0)
  CHKR t1, s2
  csrr t1, mtval2
  beqz t1, .Lz\@
  srli t2, s3, 2
  CHKR t1, t2
.Lz\@:
  csrr t1, mtinst
  beqz t1, .Lt\@
  la t2, .Li\@
  lhu t3, 2(t2)
  lhu t2, 0(t2)
  slli t3, t3, 16
  or t2, t2, t3
  li t3, ~(0x1f << 15)
  and t2, t2, t3
  CHKR t1, t2
.Lt\@:
.endm

  TEST_BEGIN
  /* ---- tables (before the first case) ---- */
  la t0, data_page
  li t1, DATA0
  sd t1, 0(t0)
  li t1, 0x0102030405060708
  sd t1, 8(t0)
  la t0, ro_page
  li t1, 0x7777
  sd t1, 0(t0)
  la t0, code_page
  li t1, 0x00150513
  sw t1, 0(t0)
  li t1, 0x00000073
  sw t1, 4(t0)
  fence.i

  li s1, 0x80000000
  SET_PTE g_root, 2, s1, PTE_V | PTE_R | PTE_W | PTE_X | PTE_U | PTE_A | PTE_D
  la s1, g_l1
  SET_PTE g_root, 1, s1, PTE_V
  la s1, g_l0
  SET_PTE g_l1, 0, s1, PTE_V
  la s1, data_page
  SET_PTE g_l0, 0, s1, PTE_V | PTE_R | PTE_W | PTE_U | PTE_A | PTE_D
  la s1, ro_page
  SET_PTE g_l0, 1, s1, PTE_V | PTE_R | PTE_U | PTE_A
  la s1, code_page
  SET_PTE g_l0, 2, s1, PTE_V | PTE_X | PTE_U | PTE_A
  SET_PTE g_l0, 4, s1, PTE_V | PTE_R | PTE_U | PTE_A

  li s1, 0x80000000
  SET_PTE vs_root, 2, s1, PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D
  la s1, vs_l1
  SET_PTE vs_root, 1, s1, PTE_V
  la s1, vs_l0
  SET_PTE vs_l1, 256, s1, PTE_V             # VA 0x6000_0000: VT(i)
.macro VPAGE i, gpa, flags
  li s1, \gpa
  SET_PTE vs_l0, \i, s1, \flags
.endm
  VPAGE 0, GT(0), PTE_V | PTE_R | PTE_W | PTE_A | PTE_D
  VPAGE 1, GT(0), PTE_V | PTE_R | PTE_U | PTE_A
  VPAGE 2, GT(2), PTE_V | PTE_X | PTE_A
  VPAGE 3, GT(2), PTE_V | PTE_R | PTE_A
  VPAGE 4, GT(4), PTE_V | PTE_X | PTE_A
  VPAGE 5, GT(2), PTE_V | PTE_R | PTE_X | PTE_A
  VPAGE 7, GT(1), PTE_V | PTE_R | PTE_W | PTE_A | PTE_D
  VPAGE 8, GT(3), PTE_V | PTE_R | PTE_A
  VPAGE 9, GT(2), PTE_V | PTE_X | PTE_U | PTE_A

  la t0, g_root
  srli t0, t0, 12
  li t1, ATP_MODE_SV39
  or t0, t0, t1
  csrw hgatp, t0
  hfence.gvma
  li t0, 2 << 32
  csrw vsstatus, t0
  csrw medeleg, zero
  csrw hedeleg, zero
  H_INSTALL_HANDLERS

  /* ---- every width, vsatp = Bare (G-stage only), then Sv39 ---- */
  HLV_OK 0, 1, GT(0), 0xfffffffffffffff8, hlv.b a0, (s2)
  HLV_OK 0, 1, GT(0), 0xf8, hlv.bu a0, (s2)
  HLV_OK 0, 1, GT(0), 0xfffffffffffff7f8, hlv.h a0, (s2)
  HLV_OK 0, 1, GT(0), 0xf7f8, hlv.hu a0, (s2)
  HLV_OK 0, 1, GT(0), 0xfffffffff5f6f7f8, hlv.w a0, (s2)
  HLV_OK 0, 1, GT(0), 0xf5f6f7f8, hlv.wu a0, (s2)
  HLV_OK 0, 1, GT(0), DATA0, hlv.d a0, (s2)
  HLV_OK 1, 1, VT(0), DATA0, hlv.d a0, (s2)
  HLV_OK 1, 1, VT(0), 0xfffffffffffffff8, hlv.b a0, (s2)
  HLV_OK 1, 1, VT(0), 0xfffffffff5f6f7f8, hlv.w a0, (s2)
  TC                              # HSV.B/H/W/D through both stages
  VS_ON
  SPVP 1
  li s2, VT(0) + 16
  li a1, 0x1122334455667788
  hsv.d a1, (s2)
  addi t0, s2, 8
  hsv.w a1, (t0)
  addi t0, s2, 12
  hsv.h a1, (t0)
  addi t0, s2, 14
  hsv.b a1, (t0)
  CHK_MEM data_page + 16, 0x1122334455667788
  CHK_MEM data_page + 24, 0x0088778855667788
  TC                              # HSV.D with vsatp = Bare
  VS_OFF
  SPVP 1
  li s2, GT(0) + 32
  li a1, 0xabcdef
  hsv.d a1, (s2)
  CHK_MEM data_page + 32, 0xabcdef

  /* ---- SPVP: VS or VU permissions; SUM ---- */
  HLV_FAULT 1, 1, CAUSE_LOAD_PAGE_FAULT, VT(1), -1, hlv.d a0, (s2)    # VS, U page, SUM = 0
  TC                              # vsstatus.SUM = 1 opens U pages to SPVP = VS
  VS_ON
  SPVP 1
  li t0, (2 << 32) | MSTATUS_SUM
  csrw vsstatus, t0
  li s2, VT(1)
  hlv.d a0, (s2)
  li t0, 2 << 32
  csrw vsstatus, t0
  CHK a0, DATA0
  TC                              # the HS-level SUM does not
  VS_ON
  SPVP 1
  li t0, MSTATUS_SUM
  csrs mstatus, t0
  li s2, VT(1)
  EXPECT_TRAP 1f
2:hlv.d a0, (s2)
  j fail
1:li t0, MSTATUS_SUM
  csrc mstatus, t0
  CHK_TRAP TR_CAUSE, CAUSE_LOAD_PAGE_FAULT
  HLV_OK 1, 0, VT(1), DATA0, hlv.d a0, (s2)                           # VU, U page
  HLV_FAULT 1, 0, CAUSE_LOAD_PAGE_FAULT, VT(0), -1, hlv.d a0, (s2)    # VU, VS page
  HLV_FAULT 1, 0, CAUSE_STORE_PAGE_FAULT, VT(0)+8, -1, hsv.d a0, (s2)

  /* ---- HLVX: execute permission instead of read ---- */
  HLV_OK 1, 1, VT(2), 0x0513, hlvx.hu a0, (s2)          # X at both stages
  HLV_OK 1, 1, VT(2), 0x00150513, hlvx.wu a0, (s2)
  HLV_OK 1, 1, VT(5)+4, 0x73, hlvx.wu a0, (s2)        # VS RX over G X-only
  HLV_OK 1, 0, VT(9), 0x00150513, hlvx.wu a0, (s2)      # as VU on a U page
  HLV_OK 0, 1, GT(2)+2, 0x0015, hlvx.hu a0, (s2)      # vsatp = Bare, G X-only
  HLV_FAULT 1, 1, CAUSE_LOAD_PAGE_FAULT, VT(2), -1, hlv.w a0, (s2)           # HLV needs R
  HLV_FAULT 1, 1, CAUSE_LOAD_PAGE_FAULT, VT(3), -1, hlvx.wu a0, (s2)         # VS R only: a load page fault
  HLV_FAULT 1, 1, CAUSE_LOAD_GUEST_PF, VT(4), GT(4), hlvx.hu a0, (s2)        # G-stage R only
  HLV_FAULT 1, 1, CAUSE_LOAD_GUEST_PF, VT(5), GT(2), hlv.w a0, (s2)          # VS RX, G X only
  HLV_FAULT 0, 1, CAUSE_LOAD_GUEST_PF, GT(2), GT(2), hlv.hu a0, (s2)         # Bare, G X only
  HLV_FAULT 1, 0, CAUSE_LOAD_PAGE_FAULT, VT(2), -1, hlvx.wu a0, (s2)         # VU, VS page

  /* ---- MXR ---- */
  TC                              # HS-level MXR: HLV reads VS and G execute-only pages
  VS_ON
  SPVP 1
  li t0, MSTATUS_MXR
  csrs mstatus, t0
  li s2, VT(2)
  hlv.w a0, (s2)
  li t0, MSTATUS_MXR
  csrc mstatus, t0
  CHK a0, 0x00150513
  TC                              # vsstatus.MXR: the VS-stage only (G X-only still faults)
  VS_ON
  SPVP 1
  li t0, (2 << 32) | MSTATUS_MXR
  csrw vsstatus, t0
  li s2, VT(2)
  li s3, GT(2)
  EXPECT_TRAP 1f
2:hlv.w a0, (s2)
  j fail
1:li t0, 2 << 32
  csrw vsstatus, t0
  CHK_TRAP TR_CAUSE, CAUSE_LOAD_GUEST_PF
  la t0, trap_rec
  ld t1, TR_TVAL(t0)
  CHKR t1, s2
  TC                              # ... and it does open a VS X-only page over a readable G page
  VS_ON
  SPVP 1
  li t0, (2 << 32) | MSTATUS_MXR
  csrw vsstatus, t0
  li s2, VT(4)                    # VS X over G R
  hlv.w a0, (s2)
  li t0, 2 << 32
  csrw vsstatus, t0
  CHK a0, 0x00150513

  /* ---- MPRV does not apply ---- */
  TC
  VS_ON
  SPVP 1
  li t0, MSTATUS_MPP | MSTATUS_MPV
  csrc mstatus, t0                # MPRV with MPP = U, MPV = 0: would be a U access
  li s2, VT(0)
  li t0, MSTATUS_MPRV
  csrs mstatus, t0
  hlv.d a0, (s2)
  li t0, MSTATUS_MPRV
  csrc mstatus, t0
  CHK a0, DATA0

  /* ---- guest-page faults and stores ---- */
  HLV_FAULT 1, 1, CAUSE_LOAD_GUEST_PF, VT(8)+8, GT(3)+8, hlv.d a0, (s2)
  HLV_FAULT 1, 1, CAUSE_STORE_GUEST_PF, VT(7)+4, GT(1)+4, hsv.w a0, (s2)
  HLV_FAULT 1, 1, CAUSE_LOAD_PAGE_FAULT, VT(6)+2, -1, hlv.hu a0, (s2)
  HLV_FAULT 0, 1, CAUSE_STORE_GUEST_PF, GT(3)+1, GT(3)+1, hsv.b a0, (s2)
  TC                              # mstatus.GVA = 1 for an HLV fault taken with V = 0
  VS_ON
  SPVP 1
  li t0, MSTATUS_GVA
  csrc mstatus, t0
  li s2, VT(8)
  EXPECT_TRAP 1f
  hlv.d a0, (s2)
  j fail
1:CHK_TRAP TR_CAUSE, CAUSE_LOAD_GUEST_PF
  CHK_MPV 0
  CHK_GVA 1

  /* ---- from HS and from U ---- */
  TC                              # HLV/HSV in HS
  VS_ON
  SPVP 1
  li s2, VT(0)
  EXPECT_TRAP 1f
  DROP_TO PRV_S
  hlv.d a0, (s2)
  addi t0, s2, 40
  hsv.d a0, (t0)
  ecall
1:CHK_TRAP TR_CAUSE, CAUSE_ECALL_S
  CHK a0, DATA0
  CHK_MEM data_page + 40, DATA0
  TC                              # in U with hstatus.HU = 1 (SPVP still selects)
  VS_ON
  SPVP 0
  li t0, HSTATUS_HU
  csrs hstatus, t0
  li s2, VT(1)
  li a1, 0x4455
  EXPECT_TRAP 1f
  DROP_TO PRV_U
  hlv.d a0, (s2)
  hlvx.wu a2, (s2)                # (VT(1) is not executable: faults below if reached)
  j fail
1:li t0, HSTATUS_HU
  csrc hstatus, t0
  CHK_TRAP TR_CAUSE, CAUSE_LOAD_PAGE_FAULT
  CHK_TRAP TR_PRIV, PRV_U
  CHK a0, DATA0
  TC                              # HSV in U with HU = 1
  VS_ON
  SPVP 1
  li t0, HSTATUS_HU
  csrs hstatus, t0
  li s2, VT(0) + 48
  li a1, 0x4455
  EXPECT_TRAP 1f
  DROP_TO PRV_U
  hsv.d a1, (s2)
  ecall
1:li t0, HSTATUS_HU
  csrc hstatus, t0
  CHK_TRAP TR_CAUSE, CAUSE_ECALL_U
  CHK_MEM data_page + 48, 0x4455
  TEST_ILLEGAL_IN_TV PRV_U, hsv.d zero, (sp)  # HU = 0: illegal
  TEST_ILLEGAL_IN_TV PRV_U, hlvx.hu a0, (sp)

  /* ---- delegated to HS ---- */
  TC                              # an HLV guest-page fault in HS -> HS: stval, htval, htinst, GVA, SPV = 0
  VS_ON
  SPVP 1
  li t0, 1 << CAUSE_LOAD_GUEST_PF
  csrw medeleg, t0
  li t0, HSTATUS_GVA | HSTATUS_SPV
  csrc hstatus, t0
  li s2, VT(8) + 16
  li s3, GT(3) + 16
  HS_CLEAR
  EXPECT_TRAP 1f
  DROP_TO PRV_S
2:hlv.w a0, (s2)
  j fail
1:csrw medeleg, zero
  CHK_TRAP TR_CAUSE, CAUSE_ECALL_S
  CHK_HS HR_CAUSE, CAUSE_LOAD_GUEST_PF
  CHK_HS_ADDR HR_EPC, 2b
  CHK_HSR HR_TVAL, s2
  CHK_HSTATUS_BIT 6, 1            # GVA
  CHK_HSTATUS_BIT 7, 0            # SPV
  CHK_HSTATUS_BIT 8, 1            # SPVP unchanged
  la t0, hs_rec
  ld t1, HR_HTVAL(t0)
  beqz t1, 3f
  srli t2, s3, 2
  CHKR t1, t2
3:ld t1, HR_HTINST(t0)
  beqz t1, 4f
  la t2, 2b
  lhu t3, 2(t2)
  lhu t2, 0(t2)
  slli t3, t3, 16
  or t2, t2, t3
  li t3, ~(0x1f << 15)
  and t2, t2, t3
  CHKR t1, t2
4:
  TC                              # an HSV page fault in HS -> HS (store page fault 15), GVA = 1
  VS_ON
  SPVP 0
  li t0, 1 << CAUSE_STORE_PAGE_FAULT
  csrw medeleg, t0
  li t0, HSTATUS_GVA
  csrc hstatus, t0
  li s2, VT(0) + 8                # a VS page, accessed as VU
  HS_CLEAR
  EXPECT_TRAP 1f
  DROP_TO PRV_S
2:hsv.d zero, (s2)
  j fail
1:csrw medeleg, zero
  CHK_HS HR_CAUSE, CAUSE_STORE_PAGE_FAULT
  CHK_HSR HR_TVAL, s2
  CHK_HS HR_HTVAL, 0
  CHK_HSTATUS_BIT 6, 1
  CHK_HSTATUS_BIT 7, 0
  VS_OFF

  TEST_END
  H_HANDLERS

  .data
  .align 14
g_root: .skip 16384
g_l1: .skip 4096
g_l0: .skip 4096
vs_root: .skip 4096
vs_l1: .skip 4096
vs_l0: .skip 4096
data_page: .skip 4096
ro_page: .skip 4096
code_page: .skip 4096
