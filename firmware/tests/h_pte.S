/*
 * h_pte.S - Svnapot and Svpbmt in both stages of two-stage translation.
 *
 * G-stage (hgatp = Sv39x4, root g_root; vsatp = Bare for the G-stage cases):
 *   GPA 0x8000_0000  1 GiB leaf -> 0x8000_0000 RWX U (the test image)
 *   GPA 0x4000_0000 + 4K*i through g_l1[0] -> g_l0:
 *     [16..31] one 64 KiB NAPOT leaf (N = 1, PPN[3:0] = 1000) -> napot_data
 *     [32]     N = 1 with PPN[3:0] = 0100 (a reserved NAPOT encoding)
 *     [33]     leaf -> napot_data, PBMT as each case sets it
 *   GPA 0x4020_0000: g_l1[1] a non-leaf PTE with PBMT = 1 (reserved there)
 * VS-stage (vsatp = Sv39, root vs_root, its tables read through the G-stage):
 *   VA 0x8000_0000 1 GiB -> GPA 0x8000_0000 RWX (the code)
 *   VA 0x4000_0000 + 4K*i through vs_l1[0] -> vs_l0:
 *     [16..31] a 64 KiB NAPOT leaf -> GPA napot_data
 *     [33]     leaf -> GPA napot_data, PBMT as each case sets it
 * Covers: a NAPOT leaf at either stage translates with the address's bits
 * 15:12 in place of PPN[3:0] (a load 0x3008 into the range reads
 * napot_data + 0x3008, not the page PPN[3:0] = 1000 names, and 0xf008 into it
 * napot_data + 0xf008); a reserved NAPOT
 * encoding is a (guest-)page fault; PBMT = 1 (NC) and 2 (IO) on main memory
 * load as PMA does with PBMTE set (menvcfg for the G-stage, henvcfg for the
 * VS-stage); PBMT = 3, or any PBMT with the stage's PBMTE clear, or PBMT in
 * a non-leaf PTE, is a guest-page fault (G-stage: cause 21, mtval2 = GPA >> 2)
 * or a page fault (VS-stage: cause 13). Svinval: hinval.gvma (from M) and
 * sinval.vma (from VS) between sfence.w.inval and sfence.inval.ir make a
 * changed leaf visible; hinval.gvma in VS, sfence.w.inval and sinval.vma in
 * VU raise virtual-instruction exceptions, sfence.inval.ir in U an illegal
 * one, sfence.w.inval runs in HS.
 * Runs on QEMU 7.2 with svnapot=true,svpbmt=true,svinval=true.
 */
#define SELFTEST_HEXT
#include "selftest.h"

#define PTE_N        (1 << 63)
#define PBMT_NC      (1 << 61)
#define PBMT_IO      (2 << 61)
#define PBMT_RSV     (3 << 61)
#define ENV_PBMTE    (1 << 62)
#define LEAF         (PTE_V | PTE_R | PTE_W | PTE_A | PTE_D)
#define M1 0x1111222233334444
#define M2 0x5555666677778888
#define M3 0x9999aaaabbbbcccc

/* fill PTEs first..last of table with register pa's PPN | flags (clobbers t0-t3) */
.macro FILL_PTES table, first, last, pa, flags
  li t3, \first
.Lf\@:
  srli t0, \pa, 12
  slli t0, t0, 10
  li t1, \flags
  or t0, t0, t1
  la t1, \table
  slli t2, t3, 3
  add t1, t1, t2
  sd t0, 0(t1)
  addi t3, t3, 1
  li t2, \last
  ble t3, t2, .Lf\@
.endm

/* point PTE idx of table at table `next` (a non-leaf PTE with extra bits) */
.macro LINK table, idx, next, extra
  la t4, \next
  SET_PTE \table, \idx, t4, PTE_V | (\extra)
.endm

/* set-up between cases: a case of its own, because a QEMU run that skips a
   case skips everything up to the next one */
.macro SETUP
  TC
.endm

/* a load from VS at addr succeeds (with value val) */
.macro LOAD_ANY addr
  SETUP
  li a0, \addr
  OK_V PRV_S, ld a1, 0(a0)
.endm
.macro LOAD_OK addr, val
  LOAD_ANY \addr
  TC
  CHK a1, \val
.endm

/* a load from VS at addr raises cause (to M) */
.macro LOAD_FAULT addr, cause
  TC
  li a0, \addr
  EXPECT_TRAP .Lr\@
  DROP_TO_V PRV_S
.Li\@:
  ld a1, 0(a0)
  j fail
.Lr\@:
  CHK_TRAP TR_CAUSE, \cause
  CHK_TRAP_ADDR TR_EPC, .Li\@
  CHK_MPV 1
.endm

/* insn in prv (v = 1: VS/VU) raises cause to M, mepc at it (mtval, which may
   be 0 or the instruction bits, is not checked) */
.macro INSN_TRAP cause, v, prv, insn:vararg
  TC
  EXPECT_TRAP .Lr\@
  .if \v
  DROP_TO_V \prv
  .else
  DROP_TO \prv
  .endif
.Li\@: \insn
  j fail
.Lr\@:
  CHK_TRAP TR_CAUSE, \cause
  CHK_TRAP_ADDR TR_EPC, .Li\@
  CHK_MPV \v
.endm

/* in VS: invalidate a0's translation the Svinval way, then load from it */
.macro VS_SINVAL_LOAD
  sfence.w.inval
  sinval.vma a0, zero
  sfence.inval.ir
  ld a1, 0(a0)
.endm

.macro FENCES
  hfence.gvma
  hfence.vvma
.endm

  TEST_BEGIN
  csrw hedeleg, zero
  csrw hideleg, zero
  csrw mie, zero
  H_INSTALL_HANDLERS
  li t0, ENV_PBMTE
  csrs menvcfg, t0

  /* the data: M1 at napot_data + 0x3008, M2 where PPN[3:0] = 1000 would point */
  la s0, napot_data
  li t0, M1
  li t1, 0x3008
  add t1, t1, s0
  sd t0, 0(t1)
  li t0, M2
  li t1, 0x8008
  add t1, t1, s0
  sd t0, 0(t1)
  li t0, M3
  li t1, 0xf008
  add t1, t1, s0
  sd t0, 0(t1)

  /* G-stage tables */
  li t4, 0x80000000
  SET_PTE g_root, 2, t4, LEAF | PTE_X | PTE_U
  LINK g_root, 1, g_l1, 0
  LINK g_l1, 0, g_l0, 0
  LINK g_l1, 1, g_l0, PBMT_NC
  li t4, 0x8000
  or s1, s0, t4                       /* PPN[3:0] = 1000 */
  FILL_PTES g_l0, 16, 31, s1, LEAF | PTE_U | PTE_N
  li t4, 0x4000
  or s2, s0, t4                       /* PPN[3:0] = 0100: reserved */
  SET_PTE g_l0, 32, s2, LEAF | PTE_U | PTE_N
  la t4, g_root
  srli t4, t4, 12
  li t0, ATP_MODE_SV39
  or t4, t4, t0
  csrw hgatp, t4
  csrw vsatp, zero
  FENCES

  /* ---- G-stage NAPOT ---- */
  LOAD_OK 0x40013008, M1
  LOAD_OK 0x4001f008, M3              /* the range's last page, through its last PTE */
  LOAD_FAULT 0x40020008, CAUSE_LOAD_GUEST_PF

  /* ---- G-stage PBMT ---- */
  SETUP
  SET_PTE g_l0, 33, s0, LEAF | PTE_U | PBMT_NC
  FENCES
  LOAD_ANY 0x40021000
  SETUP
  SET_PTE g_l0, 33, s0, LEAF | PTE_U | PBMT_IO
  FENCES
  LOAD_ANY 0x40021000
  SETUP
  SET_PTE g_l0, 33, s0, LEAF | PTE_U | PBMT_RSV
  FENCES
  LOAD_FAULT 0x40021000, CAUSE_LOAD_GUEST_PF
  SETUP
  SET_PTE g_l0, 33, s0, LEAF | PTE_U | PBMT_NC
  li t0, ENV_PBMTE
  csrc menvcfg, t0
  FENCES
  LOAD_FAULT 0x40021000, CAUSE_LOAD_GUEST_PF  /* PBMT with menvcfg.PBMTE clear: reserved bits */
  SETUP
  li t0, ENV_PBMTE
  csrs menvcfg, t0
  FENCES
  LOAD_FAULT 0x40200000, CAUSE_LOAD_GUEST_PF  /* PBMT in a non-leaf G-stage PTE */

  /* ---- Svinval: a changed G-stage leaf, then hinval.gvma between the orderings ---- */
  SETUP
  li t0, 0x3000
  add t4, s0, t0
  SET_PTE g_l0, 34, t4, LEAF | PTE_U
  FENCES
  LOAD_OK 0x40022008, M1
  SETUP
  li t0, 0xf000
  add t4, s0, t0
  SET_PTE g_l0, 34, t4, LEAF | PTE_U
  sfence.w.inval
  hinval.gvma zero, zero
  sfence.inval.ir
  LOAD_OK 0x40022008, M3
  INSN_TRAP CAUSE_VIRTUAL_INSN, 1, PRV_S, hinval.gvma zero, zero
  INSN_TRAP CAUSE_VIRTUAL_INSN, 1, PRV_U, sfence.w.inval
  INSN_TRAP CAUSE_VIRTUAL_INSN, 1, PRV_U, sinval.vma zero, zero
  INSN_TRAP CAUSE_ILLEGAL_INSN, 0, PRV_U, sfence.inval.ir
  TEST_OK_IN PRV_S, sfence.w.inval

  /* ---- VS-stage ---- */
  SETUP
  li t4, 0x80000000
  SET_PTE vs_root, 2, t4, LEAF | PTE_X
  LINK vs_root, 1, vs_l1, 0
  LINK vs_l1, 0, vs_l0, 0
  FILL_PTES vs_l0, 16, 31, s1, LEAF | PTE_N
  SET_PTE vs_l0, 33, s0, LEAF | PBMT_NC
  la t4, vs_root
  srli t4, t4, 12
  li t0, ATP_MODE_SV39
  or t4, t4, t0
  csrw vsatp, t4
  li t0, ENV_PBMTE
  csrs henvcfg, t0
  FENCES
  LOAD_OK 0x40013008, M1
  LOAD_OK 0x4001f008, M3
  LOAD_OK 0x40021008, 0               /* napot_data + 8 through a PBMT = NC leaf */
  SETUP
  li t0, ENV_PBMTE
  csrc henvcfg, t0
  FENCES
  LOAD_FAULT 0x40021008, CAUSE_LOAD_PAGE_FAULT  /* henvcfg.PBMTE clear: PBMT is reserved in the VS-stage */
  SETUP
  li t0, ENV_PBMTE
  csrs henvcfg, t0
  SET_PTE vs_l0, 33, s0, LEAF | PBMT_RSV
  FENCES
  LOAD_FAULT 0x40021008, CAUSE_LOAD_PAGE_FAULT

  /* ---- Svinval in VS: sinval.vma by address after a VS-stage leaf changes ---- */
  SETUP
  li t0, 0x3000
  add t4, s0, t0
  SET_PTE vs_l0, 34, t4, LEAF
  FENCES
  LOAD_OK 0x40022008, M1
  SETUP
  li t0, 0xf000
  add t4, s0, t0
  SET_PTE vs_l0, 34, t4, LEAF
  li a0, 0x40022008
  OK_V PRV_S, VS_SINVAL_LOAD
  TC
  CHK a1, M3

  csrw vsatp, zero
  csrw hgatp, zero
  FENCES
  TEST_END
  H_HANDLERS

  .data
  .align 14
g_root: .skip 16384
  .align 12
g_l1:   .skip 4096
g_l0:   .skip 4096
vs_root: .skip 4096
vs_l1:  .skip 4096
vs_l0:  .skip 4096
  .align 16
napot_data: .skip 65536
