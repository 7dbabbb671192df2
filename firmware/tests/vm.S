/*
 * vm.S - single-stage virtual memory: Sv39 (-DVM_LEVELS=3) or Sv48 (-DVM_LEVELS=4)
 *
 * Page tables are built at run time in M-mode. Address space (same for both
 * modes; Sv48 adds a root whose entry 0 points at the Sv39-style table):
 *   0x8000_0000   1 GiB leaf -> PA 0x8000_0000, RWX, S      (code and data)
 *   0x1_4000_0000 1 GiB leaf -> PA 0x8000_0000, RWX, U      (U-mode code alias)
 *   0xC000_0000   1 GiB leaf whose PPN is not 1 GiB aligned (misaligned superpage)
 *   0x4000_0000 + 4K*i  4 KiB test pages (see the table in build_tables)
 *   0x4020_0000   2 MiB leaf, PPN not 2 MiB aligned (misaligned superpage)
 *   0x4040_0000   2 MiB leaf -> PA 0x8000_0000, R (superpage offset check)
 * Covers: satp mode write/read; S and U loads, stores, fetches with R/W/X/U
 * permissions (page faults 12/13/15, mepc, mtval = the virtual address);
 * W-without-R and reserved PTE bits fault; invalid PTE; a non-leaf PTE at the
 * last level; misaligned 2 MiB and 1 GiB superpages fault; superpage offset
 * translation; non-canonical addresses fault; SUM (S access to U pages, never
 * S fetch from U pages); MXR (loads from execute-only pages); MPRV with
 * MPP = S/U translating M-mode loads; the A/D policy: both allowed behaviours
 * pass - either a page fault when A (or D for a store) is clear, or the
 * hardware setting A (and D on a store only) in the PTE; sfence.vma making a
 * changed PTE visible (global and by address).
 */
#include "selftest.h"

#ifndef VM_LEVELS
#define VM_LEVELS 3
#endif
#if VM_LEVELS == 3
#define SATP_MODE (8 << 60)
#else
#define SATP_MODE (9 << 60)
#endif
#define NONCANON (1 << (12 + 9 * VM_LEVELS - 1))

#define PTE_V 0x01
#define PTE_R 0x02
#define PTE_W 0x04
#define PTE_X 0x08
#define PTE_U 0x10
#define PTE_G 0x20
#define PTE_A 0x40
#define PTE_D 0x80

#define TV(i)     (0x40000000 + 0x1000 * (i))
#define ALIAS_OFF 0xc0000000    /* U alias VA - PA of the code */
#define MEGA_VA   0x40400000

/* set_pte table, index, pa register, flags (clobbers t0-t2) */
.macro SET_PTE table, idx, pa, flags
  srli t0, \pa, 12
  slli t0, t0, 10
  li t1, \flags
  or t0, t0, t1
  la t1, \table
  li t2, (\idx) * 8
  add t1, t1, t2
  sd t0, 0(t1)
.endm

/* t0 = address of PTE idx of vm_l0 */
.macro L0_PTE_ADDR idx
  la t0, vm_l0
  addi t0, t0, (\idx) * 8
.endm

/* continue in U-mode at the next instruction's U alias */
.macro DROP_TO_U_ALIAS
  li t5, MSTATUS_MPP
  csrc mstatus, t5
  la t5, .Ld\@
  li t6, ALIAS_OFF
  add t5, t5, t6
  csrw mepc, t5
  mret
.Ld\@:
.endm

/* a test case: `insn` in S faults with `cause`, mtval = areg (and mepc = areg for fetches) */
.macro S_FAULT cause, areg, insn:vararg
  TC
  EXPECT_TRAP .Lr\@
  DROP_TO PRV_S
.Li\@: \insn
  j fail
.Lr\@:
  CHK_TRAP TR_CAUSE, \cause
  CHK_TRAP TR_PRIV, PRV_S
  la t0, trap_rec
  ld t1, TR_TVAL(t0)
  CHKR t1, \areg
  .if (\cause) == CAUSE_FETCH_PAGE_FAULT
  ld t1, TR_EPC(t0)
  CHKR t1, \areg
  .else
  CHK_TRAP_ADDR TR_EPC, .Li\@
  .endif
.endm

/* the same from U-mode (running at the code's U alias) */
.macro U_FAULT cause, areg, insn:vararg
  TC
  EXPECT_TRAP .Lr\@
  DROP_TO_U_ALIAS
.Li\@: \insn
  j fail
.Lr\@:
  CHK_TRAP TR_CAUSE, \cause
  CHK_TRAP TR_PRIV, PRV_U
  la t0, trap_rec
  ld t1, TR_TVAL(t0)
  CHKR t1, \areg
  ld t1, TR_EPC(t0)
  .if (\cause) == CAUSE_FETCH_PAGE_FAULT
  CHKR t1, \areg
  .else
  la t2, .Li\@
  li t3, ALIAS_OFF
  add t2, t2, t3
  CHKR t1, t2
  .endif
.endm

/* a test case: `insn` runs without a trap in S (or in U at the alias) */
.macro S_OK insn:vararg
  TEST_OK_IN PRV_S, \insn
.endm
.macro U_OK insn:vararg
  TC
  EXPECT_TRAP .Lr\@
  DROP_TO_U_ALIAS
  \insn
  ecall
  j fail
.Lr\@:
  CHK_TRAP TR_CAUSE, CAUSE_ECALL_U
.endm

  TEST_BEGIN

  /* ---- build the tables ---- */
build_tables:
  /* test pages: first dword = 0xaaaa0000 + i; pages 2, 8, 14 hold code */
  la s0, vm_pages
  li t1, 0
1:li t2, 0xaaaa0000
  add t2, t2, t1
  slli t3, t1, 12
  add t3, t3, s0
  sd t2, 0(t3)
  addi t1, t1, 1
  li t2, 16
  blt t1, t2, 1b
  li t0, 0x00150513               # addi a0, a0, 1
  li t1, 0x00000073               # ecall
  li t2, 0x1000 * 2
  add t2, t2, s0
  sw t0, 0(t2)
  sw t1, 4(t2)
  li t2, 0x1000 * 8
  add t2, t2, s0
  sw t0, 0(t2)
  sw t1, 4(t2)
  li t2, 0x1000 * 14
  add t2, t2, s0
  sw t0, 0(t2)
  sw t1, 4(t2)
  fence.i

  li s1, 0x80000000
  SET_PTE vm_l2, 2, s1, PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D
  SET_PTE vm_l2, 5, s1, PTE_V | PTE_R | PTE_W | PTE_X | PTE_U | PTE_A | PTE_D
  li s1, 0x80200000
  SET_PTE vm_l2, 3, s1, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D      # misaligned 1 GiB
  la s1, vm_l1
  SET_PTE vm_l2, 1, s1, PTE_V
  la s1, vm_l0
  SET_PTE vm_l1, 0, s1, PTE_V
  li s1, 0x80001000
  SET_PTE vm_l1, 1, s1, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D      # misaligned 2 MiB
  li s1, 0x80000000
  SET_PTE vm_l1, 2, s1, PTE_V | PTE_R | PTE_A                      # 2 MiB, read-only
#if VM_LEVELS == 4
  la s1, vm_l2
  SET_PTE vm_l3, 0, s1, PTE_V
#endif

  /* 4 KiB test pages */
.macro PAGE i, flags
  li s1, 0x1000 * (\i)
  add s1, s1, s0
  SET_PTE vm_l0, \i, s1, \flags
.endm
  PAGE 0,  PTE_V | PTE_R | PTE_W | PTE_A | PTE_D          # S data
  PAGE 1,  PTE_V | PTE_R | PTE_A                          # S read-only
  PAGE 2,  PTE_V | PTE_X | PTE_A                          # S execute-only (code)
  PAGE 3,  PTE_V | PTE_R | PTE_W | PTE_U | PTE_A | PTE_D  # U data
  PAGE 4,  PTE_V | PTE_W | PTE_A | PTE_D                  # W without R: reserved
  /* 5: invalid (left 0) */
  PAGE 6,  PTE_V | PTE_R | PTE_W | PTE_X                  # A = 0, D = 0: load
  PAGE 7,  PTE_V | PTE_R | PTE_W | PTE_A                  # D = 0: store
  PAGE 8,  PTE_V | PTE_X | PTE_U | PTE_A                  # U execute-only (code)
  PAGE 9,  PTE_V | PTE_R | PTE_U | PTE_A                  # U read-only
  PAGE 10, PTE_V | PTE_R | PTE_A                          # remapped to page 11 later
  PAGE 12, PTE_V                                          # non-leaf at the last level
  PAGE 13, PTE_V | PTE_R | PTE_W                          # A = 0, D = 0: store
  PAGE 14, PTE_V | PTE_X                                  # A = 0: fetch (code)
  PAGE 15, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D          # + a reserved bit (54), below
  la t0, vm_l0
  ld t1, 15 * 8(t0)
  li t2, 1 << 54
  or t1, t1, t2
  sd t1, 15 * 8(t0)

  TC                              # satp: mode and root read back
#if VM_LEVELS == 4
  la t0, vm_l3
#else
  la t0, vm_l2
#endif
  srli t0, t0, 12
  li t1, SATP_MODE
  or t0, t0, t1
  csrw satp, t0
  csrr a0, satp
  CHKR a0, t0
  sfence.vma

  /* registers with test addresses (survive traps) */
  li s2, TV(0)
  li s3, TV(1)
  li s4, TV(2)
  li s5, TV(3)
  li s6, TV(4)
  li s7, TV(5)
  li s8, TV(8)
  li s9, TV(9)

  /* ---- basic translation ---- */
  TC                              # S reads its page through the mapping
  EXPECT_TRAP 1f
  DROP_TO PRV_S
  ld a0, 0(s2)
  ld a1, 0(s3)
  ld a2, 0(s5)                    # (SUM = 0, page 3 is U: must fault - checked below)
  j fail
1:CHK_TRAP TR_CAUSE, CAUSE_LOAD_PAGE_FAULT
  CHK a0, 0xaaaa0000
  CHK a1, 0xaaaa0001
  TC                              # S store, then M sees it at the physical address
  li a0, 0x5150
  EXPECT_TRAP 1f
  DROP_TO PRV_S
  sd a0, 8(s2)
  ecall
1:CHK_TRAP TR_CAUSE, CAUSE_ECALL_S
  la t0, vm_pages
  ld a1, 8(t0)
  CHK a1, 0x5150
  TC                              # 2 MiB superpage: offset within it
  la t0, mega_probe
  li t1, 0x80000000
  sub t0, t0, t1
  li t1, MEGA_VA
  add s10, t0, t1
  EXPECT_TRAP 1f
  DROP_TO PRV_S
  ld a0, 0(s10)
  ecall
1:CHK_TRAP TR_CAUSE, CAUSE_ECALL_S
  CHK a0, 0x13579bdf2468ace0
  S_FAULT CAUSE_STORE_PAGE_FAULT, s10, sd zero, 0(s10)   # that superpage is read-only

  /* ---- R/W/X ---- */
  S_OK sd zero, 16(s2)
  S_FAULT CAUSE_STORE_PAGE_FAULT, s3, sd zero, 0(s3)
  S_FAULT CAUSE_STORE_PAGE_FAULT, s3, amoswap.d zero, zero, (s3)
  TC                              # lr.d works on a read-only page, the sc.d faults
  li a0, 0
  EXPECT_TRAP 1f
  DROP_TO PRV_S
  lr.d a0, (s3)
2:sc.d a1, a0, (s3)
  j fail
1:CHK_TRAP TR_CAUSE, CAUSE_STORE_PAGE_FAULT
  CHK_TRAP_ADDR TR_EPC, 2b
  CHK a0, 0xaaaa0001
  S_FAULT CAUSE_LOAD_PAGE_FAULT, s4, ld a0, 0(s4)         # execute-only, MXR = 0
  S_FAULT CAUSE_FETCH_PAGE_FAULT, s2, jr s2               # no X
  TC                              # S runs code in its execute-only page
  li a0, 1
  EXPECT_TRAP 1f
  DROP_TO PRV_S
  jr s4
1:CHK_TRAP TR_CAUSE, CAUSE_ECALL_S
  CHK a0, 2
  addi t0, s4, 4
  la t1, trap_rec
  ld t1, TR_EPC(t1)
  CHKR t0, t1
  S_FAULT CAUSE_LOAD_PAGE_FAULT, s6, ld a0, 0(s6)         # W without R
  S_FAULT CAUSE_STORE_PAGE_FAULT, s6, sd a0, 0(s6)
  S_FAULT CAUSE_LOAD_PAGE_FAULT, s7, ld a0, 0(s7)         # invalid
  S_FAULT CAUSE_STORE_PAGE_FAULT, s7, sd a0, 0(s7)
  S_FAULT CAUSE_FETCH_PAGE_FAULT, s7, jalr s7
  li s11, TV(12)
  S_FAULT CAUSE_LOAD_PAGE_FAULT, s11, ld a0, 0(s11)       # non-leaf at level 0
  li s11, TV(15)
  S_FAULT CAUSE_LOAD_PAGE_FAULT, s11, ld a0, 0(s11)       # reserved PTE bit
  li s11, TV(16)
  S_FAULT CAUSE_LOAD_PAGE_FAULT, s11, ld a0, 0(s11)       # beyond the test pages: invalid
  li s11, 0x40200000 + 0x3008
  S_FAULT CAUSE_LOAD_PAGE_FAULT, s11, ld a0, 0(s11)       # misaligned 2 MiB superpage
  S_FAULT CAUSE_STORE_PAGE_FAULT, s11, sd a0, 0(s11)
  li s11, 0xc0000010
  S_FAULT CAUSE_LOAD_PAGE_FAULT, s11, ld a0, 0(s11)       # misaligned 1 GiB superpage
  li s11, NONCANON
  S_FAULT CAUSE_LOAD_PAGE_FAULT, s11, ld a0, 0(s11)       # non-canonical
  S_FAULT CAUSE_STORE_PAGE_FAULT, s11, sd a0, 0(s11)
  S_FAULT CAUSE_FETCH_PAGE_FAULT, s11, jr s11
  li s11, 0x8000000080000000      # non-canonical alias of the code region
  S_FAULT CAUSE_LOAD_PAGE_FAULT, s11, ld a0, 0(s11)

  /* ---- U pages, SUM ---- */
  U_OK ld a0, 0(s5)
  U_OK sd a0, 8(s5)
  U_OK ld a0, 0(s9)
  U_FAULT CAUSE_STORE_PAGE_FAULT, s9, sd a0, 0(s9)        # U read-only
  U_FAULT CAUSE_LOAD_PAGE_FAULT, s2, ld a0, 0(s2)         # S page from U
  U_FAULT CAUSE_STORE_PAGE_FAULT, s2, sd a0, 0(s2)
  U_FAULT CAUSE_FETCH_PAGE_FAULT, s4, jr s4               # S code page from U
  U_FAULT CAUSE_FETCH_PAGE_FAULT, s5, jr s5               # U page without X
  U_FAULT CAUSE_LOAD_PAGE_FAULT, s8, ld a0, 0(s8)         # U execute-only, MXR = 0
  TC                              # U runs code in its execute-only page
  li a0, 10
  EXPECT_TRAP 1f
  DROP_TO_U_ALIAS
  jr s8
1:CHK_TRAP TR_CAUSE, CAUSE_ECALL_U
  CHK a0, 11
  S_FAULT CAUSE_LOAD_PAGE_FAULT, s5, ld a0, 0(s5)         # SUM = 0
  S_FAULT CAUSE_STORE_PAGE_FAULT, s5, sd a0, 0(s5)
  li t0, MSTATUS_SUM
  csrs mstatus, t0
  TC                              # SUM = 1: S may load/store U pages
  li a1, 0x3333
  EXPECT_TRAP 1f
  DROP_TO PRV_S
  ld a0, 0(s5)
  sd a1, 16(s5)
  ecall
1:CHK_TRAP TR_CAUSE, CAUSE_ECALL_S
  CHK a0, 0xaaaa0003
  la t0, vm_pages
  li t1, 0x3000
  add t0, t0, t1
  ld a0, 16(t0)
  CHK a0, 0x3333
  S_FAULT CAUSE_FETCH_PAGE_FAULT, s8, jr s8               # ... but never fetch from them
  TC                              # S jumping into the U alias of its own code faults too
  la s11, 1f
  li t0, ALIAS_OFF
  add s11, s11, t0
  EXPECT_TRAP 2f
  DROP_TO PRV_S
  jr s11
1:j fail
2:CHK_TRAP TR_CAUSE, CAUSE_FETCH_PAGE_FAULT
  CHK_TRAP TR_PRIV, PRV_S
  la t0, trap_rec
  ld t1, TR_TVAL(t0)
  CHKR t1, s11
  li t0, MSTATUS_SUM
  csrc mstatus, t0

  /* ---- MXR ---- */
  li t0, MSTATUS_MXR
  csrs mstatus, t0
  TC                              # loads from execute-only pages now succeed
  EXPECT_TRAP 1f
  DROP_TO PRV_S
  lw a0, 0(s4)
  ecall
1:CHK_TRAP TR_CAUSE, CAUSE_ECALL_S
  CHK a0, 0x00150513
  TC
  EXPECT_TRAP 1f
  DROP_TO_U_ALIAS
  lw a0, 4(s8)
  ecall
1:CHK_TRAP TR_CAUSE, CAUSE_ECALL_U
  CHK a0, 0x00000073
  S_FAULT CAUSE_STORE_PAGE_FAULT, s4, sw a0, 0(s4)        # still no stores
  S_FAULT CAUSE_LOAD_PAGE_FAULT, s6, ld a0, 0(s6)         # W-only is still reserved
  li t0, MSTATUS_MXR
  csrc mstatus, t0

  /* ---- MPRV: M loads/stores translated with MPP's privilege ---- */
  TC
  li t0, MSTATUS_MPP
  csrc mstatus, t0
  li t0, MSTATUS_MPRV | MSTATUS_MPP_S
  csrs mstatus, t0
  ld a0, 0(s3)                    # TV(1) through the page table
  li t0, MSTATUS_MPRV
  csrc mstatus, t0
  CHK a0, 0xaaaa0001
  TC                              # MPP = U: the S page faults
  li t0, MSTATUS_MPP
  csrc mstatus, t0
  EXPECT_TRAP 1f                  # (before MPRV: it stores to trap_rec)
  li t0, MSTATUS_MPRV
  csrs mstatus, t0
2:ld a0, 0(s2)
  j fail
1:CHK_TRAP TR_CAUSE, CAUSE_LOAD_PAGE_FAULT
  CHK_TRAP_ADDR TR_EPC, 2b
  la t0, trap_rec
  ld t1, TR_TVAL(t0)
  CHKR t1, s2
  li t0, MSTATUS_MPRV
  csrc mstatus, t0

  /* ---- A/D: either a page fault or the bits set by hardware ---- */
  TC                              # load from a page with A = 0 (page 6)
  li s11, TV(6)
  li a0, 0
  EXPECT_TRAP 1f
  DROP_TO PRV_S
  ld a0, 0(s11)
  ecall
1:L0_PTE_ADDR 6
  ld t1, 0(t0)
  la t0, trap_rec
  ld t2, TR_CAUSE(t0)
  li t3, CAUSE_ECALL_S
  beq t2, t3, 2f
  CHK t2, CAUSE_LOAD_PAGE_FAULT   # fault policy: PTE unchanged
  ld t2, TR_TVAL(t0)
  CHKR t2, s11
  andi t1, t1, PTE_A | PTE_D
  CHK t1, 0
  j 3f
2:CHK a0, 0xaaaa0006              # update policy: A set, D not (it was a load)
  andi t1, t1, PTE_A | PTE_D
  CHK t1, PTE_A
3:
  TC                              # store to a page with A = 1, D = 0 (page 7)
  li s11, TV(7)
  li a1, 0x7777
  EXPECT_TRAP 1f
  DROP_TO PRV_S
  sd a1, 0(s11)
  ecall
1:L0_PTE_ADDR 7
  ld t1, 0(t0)
  la t0, trap_rec
  ld t2, TR_CAUSE(t0)
  li t3, CAUSE_ECALL_S
  la t4, vm_pages
  li t5, 0x7000
  add t4, t4, t5
  ld t4, 0(t4)
  beq t2, t3, 2f
  CHK t2, CAUSE_STORE_PAGE_FAULT
  ld t2, TR_TVAL(t0)
  CHKR t2, s11
  andi t1, t1, PTE_D
  CHK t1, 0
  CHK t4, 0xaaaa0007              # memory not written
  j 3f
2:andi t1, t1, PTE_A | PTE_D
  CHK t1, PTE_A | PTE_D
  CHK t4, 0x7777
3:
  TC                              # store to a page with A = 0, D = 0 (page 13)
  li s11, TV(13)
  li a1, 0x1313
  EXPECT_TRAP 1f
  DROP_TO PRV_S
  sd a1, 0(s11)
  ecall
1:L0_PTE_ADDR 13
  ld t1, 0(t0)
  la t0, trap_rec
  ld t2, TR_CAUSE(t0)
  li t3, CAUSE_ECALL_S
  beq t2, t3, 2f
  CHK t2, CAUSE_STORE_PAGE_FAULT
  andi t1, t1, PTE_A | PTE_D
  CHK t1, 0
  j 3f
2:andi t1, t1, PTE_A | PTE_D
  CHK t1, PTE_A | PTE_D
3:
  TC                              # fetch from a page with A = 0 (page 14)
  li s11, TV(14)
  li a0, 100
  EXPECT_TRAP 1f
  DROP_TO PRV_S
  jr s11
1:L0_PTE_ADDR 14
  ld t1, 0(t0)
  la t0, trap_rec
  ld t2, TR_CAUSE(t0)
  li t3, CAUSE_ECALL_S
  beq t2, t3, 2f
  CHK t2, CAUSE_FETCH_PAGE_FAULT
  ld t2, TR_EPC(t0)
  CHKR t2, s11
  andi t1, t1, PTE_A
  CHK t1, 0
  j 3f
2:CHK a0, 101
  andi t1, t1, PTE_A | PTE_D
  CHK t1, PTE_A
3:

  /* ---- sfence.vma makes a changed PTE visible ---- */
  li s11, TV(10)
  TC
  EXPECT_TRAP 1f
  DROP_TO PRV_S
  ld a0, 0(s11)
  ecall
1:CHK a0, 0xaaaa000a
  TC                              # remap page 10 -> physical page 11, sfence.vma (all)
  la s1, vm_pages
  li t0, 0x1000 * 11
  add s1, s1, t0
  SET_PTE vm_l0, 10, s1, PTE_V | PTE_R | PTE_A
  EXPECT_TRAP 1f
  DROP_TO PRV_S
  sfence.vma
  ld a0, 0(s11)
  ecall
1:CHK a0, 0xaaaa000b
  TC                              # back, with sfence.vma of that address only
  la s1, vm_pages
  li t0, 0x1000 * 10
  add s1, s1, t0
  SET_PTE vm_l0, 10, s1, PTE_V | PTE_R | PTE_A
  EXPECT_TRAP 1f
  DROP_TO PRV_S
  sfence.vma s11, zero
  ld a0, 0(s11)
  ecall
1:CHK a0, 0xaaaa000a
  TC                              # invalidate it, sfence.vma with ASID 0
  L0_PTE_ADDR 10
  sd zero, 0(t0)
  EXPECT_TRAP 1f
  DROP_TO PRV_S
  sfence.vma s11, zero
2:ld a0, 0(s11)
  j fail
1:CHK_TRAP TR_CAUSE, CAUSE_LOAD_PAGE_FAULT
  CHK_TRAP_ADDR TR_EPC, 2b
  TC                              # and valid again: U-mode page
  la s1, vm_pages
  li t0, 0x1000 * 10
  add s1, s1, t0
  SET_PTE vm_l0, 10, s1, PTE_V | PTE_R | PTE_U | PTE_A
  sfence.vma
  U_OK ld a0, 0(s11)
  CHK a0, 0xaaaa000a

  TC                              # satp = 0 (Bare) turns translation off again
  csrw satp, zero
  csrr a0, satp
  CHK a0, 0
  sfence.vma
  TEST_OK_IN PRV_S, nop

  TEST_END

  .data
  .align 3
mega_probe: .dword 0x13579bdf2468ace0
  .align 12
vm_l3: .skip 4096
vm_l2: .skip 4096
vm_l1: .skip 4096
vm_l0: .skip 4096
vm_pages: .skip 16 * 4096
