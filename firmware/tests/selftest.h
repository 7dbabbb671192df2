/*
 * selftest.h - the environment shared by stepvisor's ISA self-tests.
 *
 * Written for this project (not derived from riscv-tests' headers); it follows
 * the same external ABI so that any riscv-tests runner (Spike, stepvisor) can
 * run the tests:
 *   - ELF64, loaded and entered at 0x8000_0000 in M-mode;
 *   - harts other than hart 0 park in a WFI loop;
 *   - `tohost` (8-byte aligned, section .tohost, followed by `fromhost`):
 *     the test writes 1 on success, (N << 1) | 1 when test case N failed,
 *     then spins.
 *
 * Conventions used by every test:
 *   gp  (x3)  number of the current test case (set by TC, never touched by the
 *             trap handler), so a failure report names the case that failed;
 *   t3-t6     scratch of the CHK and TEST_ macros;
 *   sp        a small stack in .bss (rarely needed).
 *
 * Trap handling: the default M-mode handler (mtrap_vec) records mcause, mepc,
 * mtval and mstatus (as seen on entry) in `trap_rec` and then resumes where the
 * test asked with EXPECT_TRAP (at a label, in M-mode) or EXPECT_TRAP_SKIP (after
 * the trapping instruction, in the privilege mode that trapped). A trap nobody
 * asked for fails the current test case. A resume request is used once.
 * Resuming at a label also clears mstatus.MPRV and mstatus.MPV.
 *
 * Test cases are numbered automatically: each TC increments the counter; the
 * number of a failing case is the `li gp, N` before it in the disassembly. The
 * total count is exported as the absolute symbol `selftest_cases`.
 *
 * Build-time switch: -DSELFTEST_QEMU builds the variant for QEMU's `virt`
 * machine (no HTIF there): the verdict goes to the sifive-test finisher at
 * 0x10_0000 (0x5555 = pass, (N << 16) | 0x3333 = case N failed), after a
 * line on UART0 (see qemu/finisher.h). `tohost` stays defined but unused;
 * the rest of the test is identical.
 */
#ifndef STEPVISOR_SELFTEST_H
#define STEPVISOR_SELFTEST_H

#ifdef SELFTEST_QEMU
#include "qemu/finisher.h"
#endif

/* ---- CSR bits ---------------------------------------------------------- */
#define MSTATUS_SIE   (1 << 1)
#define MSTATUS_MIE   (1 << 3)
#define MSTATUS_SPIE  (1 << 5)
#define MSTATUS_UBE   (1 << 6)
#define MSTATUS_MPIE  (1 << 7)
#define MSTATUS_SPP   (1 << 8)
#define MSTATUS_MPP   (3 << 11)
#define MSTATUS_MPP_S (1 << 11)
#define MSTATUS_FS    (3 << 13)
#define MSTATUS_MPRV  (1 << 17)
#define MSTATUS_SUM   (1 << 18)
#define MSTATUS_MXR   (1 << 19)
#define MSTATUS_TVM   (1 << 20)
#define MSTATUS_TW    (1 << 21)
#define MSTATUS_TSR   (1 << 22)
#define MSTATUS_MPV   (1 << 39)     /* H only; reads 0 without H */

#define IRQ_SSI 1
#define IRQ_MSI 3
#define IRQ_STI 5
#define IRQ_MTI 7
#define IRQ_SEI 9
#define IRQ_MEI 11
#define MIP_SSIP (1 << IRQ_SSI)
#define MIP_MSIP (1 << IRQ_MSI)
#define MIP_STIP (1 << IRQ_STI)
#define MIP_MTIP (1 << IRQ_MTI)
#define MIP_SEIP (1 << IRQ_SEI)
#define MIP_MEIP (1 << IRQ_MEI)

#define CAUSE_MISALIGNED_FETCH  0
#define CAUSE_FETCH_ACCESS      1
#define CAUSE_ILLEGAL_INSN      2
#define CAUSE_BREAKPOINT        3
#define CAUSE_MISALIGNED_LOAD   4
#define CAUSE_LOAD_ACCESS       5
#define CAUSE_MISALIGNED_STORE  6
#define CAUSE_STORE_ACCESS      7
#define CAUSE_ECALL_U           8
#define CAUSE_ECALL_S           9
#define CAUSE_ECALL_M          11
#define CAUSE_FETCH_PAGE_FAULT 12
#define CAUSE_LOAD_PAGE_FAULT  13
#define CAUSE_STORE_PAGE_FAULT 15
#define CAUSE_INTR (1 << 63)

#define PRV_U 0
#define PRV_S 1
#define PRV_M 3

/* CLINT (QEMU virt / Spike layout) - only the interrupt and counter tests use it */
#define CLINT_MSIP     0x02000000
#define CLINT_MTIMECMP 0x02004000
#define CLINT_MTIME    0x0200bff8

/* trap_rec layout (8-byte slots) */
#define TR_CAUSE   0
#define TR_EPC     8
#define TR_TVAL   16
#define TR_STATUS 24
#define TR_COUNT  32
#define TR_RESUME 40
#define TR_SAVE1  48
#define TR_SAVE2  56
#define TR_PRIV   64   /* privilege the trap came from (from mstatus.MPP) */
#define TR_SIZE   72

#define RESUME_SKIP 1

/* ---- test case numbering and checks ------------------------------------ */
.set _tc, 0

/* start a new test case: gp = next number (the QEMU variant may skip it: see
   QEMU_TC in qemu/finisher.h; that check clobbers t6) */
.macro TC
  .set _tc, _tc + 1
#ifdef SELFTEST_QEMU
  QEMU_TC
#else
  li gp, _tc
#endif
.endm

/* fail the current case unless register r == constant val (r must not be t5/t6) */
.macro CHK r, val
  li t6, \val
  beq \r, t6, .Lchk_ok\@
  j fail
.Lchk_ok\@:
.endm

/* fail unless registers a == b */
.macro CHKR a, b
  beq \a, \b, .Lchk_ok\@
  j fail
.Lchk_ok\@:
.endm

/* fail unless CSR csr == val */
.macro CHK_CSR csr, val
  csrr t5, \csr
  li t6, \val
  beq t5, t6, .Lchk_ok\@
  j fail
.Lchk_ok\@:
.endm

/* fail unless the 64-bit word at label == val */
.macro CHK_MEM label, val
  la t5, \label
  ld t5, 0(t5)
  li t6, \val
  beq t5, t6, .Lchk_ok\@
  j fail
.Lchk_ok\@:
.endm

/* ---- trap expectation --------------------------------------------------- */
/* reset the trap record (cause := -1, count := 0) */
.macro TRAP_CLEAR
  la t6, trap_rec
  li t5, -1
  sd t5, TR_CAUSE(t6)
  sd t5, TR_EPC(t6)
  sd t5, TR_TVAL(t6)
  sd zero, TR_COUNT(t6)
.endm

/* the next trap resumes at `label`, in M-mode */
.macro EXPECT_TRAP label
  TRAP_CLEAR
  la t5, \label
  sd t5, TR_RESUME(t6)
.endm

/* the next trap resumes after the trapping instruction, in the mode it came from */
.macro EXPECT_TRAP_SKIP
  TRAP_CLEAR
  li t5, RESUME_SKIP
  sd t5, TR_RESUME(t6)
.endm

/* cancel an expectation that did not fire */
.macro EXPECT_NONE
  la t6, trap_rec
  sd zero, TR_RESUME(t6)
.endm

/* check a trap_rec slot */
.macro CHK_TRAP slot, val
  la t5, trap_rec
  ld t5, \slot(t5)
  li t6, \val
  beq t5, t6, .Lchk_ok\@
  j fail
.Lchk_ok\@:
.endm

/* check a trap_rec slot against a label's address */
.macro CHK_TRAP_ADDR slot, label
  la t5, trap_rec
  ld t5, \slot(t5)
  la t6, \label
  beq t5, t6, .Lchk_ok\@
  j fail
.Lchk_ok\@:
.endm


/* fail unless trap_rec's mtval holds the instruction bits at `label`
   (16 bits for a compressed instruction, else 32); clobbers t3-t6 */
.macro CHK_TVAL_INSN label
  la t4, \label
  lhu t6, 0(t4)
  andi t5, t6, 3
  li t3, 3
  bne t5, t3, .Lshort\@
  lhu t5, 2(t4)               /* 2-byte aligned: two halfword loads */
  slli t5, t5, 16
  or t6, t6, t5
.Lshort\@:
  la t5, trap_rec
  ld t5, TR_TVAL(t5)
  beq t5, t6, .Lok\@
  j fail
.Lok\@:
.endm

/* a test case: `insn`, executed in privilege prv (entered from M-mode),
   raises illegal instruction with mepc and mtval (instruction bits) right */
.macro TEST_ILLEGAL_IN prv, insn:vararg
  TC
  EXPECT_TRAP .Lr\@
  .if (\prv) != PRV_M
  DROP_TO \prv
  .endif
.Li\@: \insn
  j fail
.Lr\@:
  CHK_TRAP TR_CAUSE, CAUSE_ILLEGAL_INSN
  CHK_TRAP_ADDR TR_EPC, .Li\@
  CHK_TVAL_INSN .Li\@
  CHK_TRAP TR_PRIV, \prv
.endm

/* a test case: `insn` executed in privilege prv does not trap; back in M after it */
.macro TEST_OK_IN prv, insn:vararg
  TC
  .if (\prv) != PRV_M
  EXPECT_TRAP .Lback\@
  DROP_TO \prv
  \insn
  ecall
  j fail
.Lback\@:
  CHK_TRAP TR_CAUSE, CAUSE_ECALL_U + (\prv)
  .else
  \insn
  .endif
.endm

/* ---- privilege changes (from M-mode) ------------------------------------ */
/* continue at the next instruction in privilege `prv` (PRV_S or PRV_U; not
   virtualized: MPV is cleared too) */
.macro DROP_TO prv
  li t5, MSTATUS_MPP | MSTATUS_MPV
  csrc mstatus, t5
  li t5, (\prv) << 11
  csrs mstatus, t5
  la t5, .Ldrop\@
  csrw mepc, t5
  mret
.Ldrop\@:
.endm

/* from any mode: ecall to M and continue at the next instruction in M-mode */
.macro BACK_TO_M
  EXPECT_TRAP .Lback\@
  ecall
  j fail
.Lback\@:
.endm

/* ---- the H extension (tests that #define SELFTEST_HEXT before including) --
 * Constants, mode changes and the HS/VS trap recorders shared by hext.S and
 * h_*.S. The recorders: an HS-mode handler (install with `la t0, hs_vec;
 * csrw stvec, t0`) records scause, sepc, stval, htval, htinst, hstatus and
 * sstatus in hs_rec, a VS-mode handler (vstvec = vs_vec) records vscause,
 * vsepc, vstval and vsstatus (as it sees them through the S CSR names) in
 * vs_rec; both then ecall to M, so the test expects that ecall with
 * EXPECT_TRAP (cause 9 from HS, 10 from VS) and checks the records. Both
 * handlers clobber sscratch (vsscratch in VS). vs_vec runs in VS-mode at its
 * own address: the guest's mappings must map the test image identically. */
#ifdef SELFTEST_HEXT
#define MSTATUS_GVA   (1 << 38)
#define MSTATUS_SD    (1 << 63)
#define HSTATUS_VSBE  (1 << 5)
#define HSTATUS_GVA   (1 << 6)
#define HSTATUS_SPV   (1 << 7)
#define HSTATUS_SPVP  (1 << 8)
#define HSTATUS_HU    (1 << 9)
#define HSTATUS_VGEIN (0x3f << 12)
#define HSTATUS_VTVM  (1 << 20)
#define HSTATUS_VTW   (1 << 21)
#define HSTATUS_VTSR  (1 << 22)
#define HSTATUS_VSXL  (3 << 32)
#define IRQ_VSSI  2
#define IRQ_VSTI  6
#define IRQ_VSEI 10
#define IRQ_SGEI 12
#define MIP_VSSIP (1 << IRQ_VSSI)
#define MIP_VSTIP (1 << IRQ_VSTI)
#define MIP_VSEIP (1 << IRQ_VSEI)
#define MIP_SGEIP (1 << IRQ_SGEI)
#define MIP_VS_ALL (MIP_VSSIP | MIP_VSTIP | MIP_VSEIP)
#define CAUSE_ECALL_VS        10
#define CAUSE_FETCH_GUEST_PF  20
#define CAUSE_LOAD_GUEST_PF   21
#define CAUSE_VIRTUAL_INSN    22
#define CAUSE_STORE_GUEST_PF  23
#define MENVCFG_STCE  (1 << 63)
#define HENVCFG_STCE  (1 << 63)
#define ATP_MODE_SV39   (8 << 60)
#define ATP_MODE_SV48   (9 << 60)
#define HGATP_VMID_SHIFT 44
/* htinst/mtinst pseudoinstructions for implicit VS-stage PTE accesses (RV64) */
#define TINST_PTE_READ  0x3000
#define TINST_PTE_WRITE 0x3020

#define PTE_V 0x01
#define PTE_R 0x02
#define PTE_W 0x04
#define PTE_X 0x08
#define PTE_U 0x10
#define PTE_G 0x20
#define PTE_A 0x40
#define PTE_D 0x80

/* hs_rec / vs_rec layouts (8-byte slots) */
#define HR_CAUSE    0
#define HR_EPC      8
#define HR_TVAL    16
#define HR_HTVAL   24
#define HR_HTINST  32
#define HR_HSTATUS 40
#define HR_SSTATUS 48
#define HR_COUNT   56
#define HR_SAVE    64
#define HR_SIZE    80
#define VR_CAUSE    0
#define VR_EPC      8
#define VR_TVAL    16
#define VR_STATUS  24
#define VR_COUNT   32
#define VR_SAVE    40
#define VR_SIZE    56

/* no G-stage or VS-stage translation, no delegation from HS to VS */
.macro H_CLEAR_STATE
  csrw hgatp, zero
  csrw vsatp, zero
  csrw hedeleg, zero
  csrw hideleg, zero
.endm

/* continue at the next instruction in a virtual mode (prv = PRV_S: VS, PRV_U: VU) */
.macro DROP_TO_V prv
  li t5, MSTATUS_MPP
  csrc mstatus, t5
  li t5, ((\prv) << 11) | MSTATUS_MPV
  csrs mstatus, t5
  la t5, .Ld\@
  csrw mepc, t5
  mret
.Ld\@:
.endm

/* write PTE `idx` of `table` (a label): PPN from register pa, flags (clobbers t0-t2) */
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

/* fail unless the trap recorded in trap_rec came with mstatus.MPV (GVA) == v */
.macro CHK_MPV v
  la t5, trap_rec
  ld t5, TR_STATUS(t5)
  srli t5, t5, 39
  andi t5, t5, 1
  li t6, \v
  beq t5, t6, .Lok\@
  j fail
.Lok\@:
.endm
.macro CHK_GVA v
  la t5, trap_rec
  ld t5, TR_STATUS(t5)
  srli t5, t5, 38
  andi t5, t5, 1
  li t6, \v
  beq t5, t6, .Lok\@
  j fail
.Lok\@:
.endm

/* fail unless (register r >> shift) & 1 == v */
.macro CHK_BIT r, shift, v
  srli t5, \r, \shift
  andi t5, t5, 1
  li t6, \v
  beq t5, t6, .Lok\@
  j fail
.Lok\@:
.endm

/* fail unless register r (not t3-t6) holds the instruction bits at `label`
   (16 bits for a compressed instruction, else 32) */
.macro CHK_INSN_BITS r, label
  la t4, \label
  lhu t6, 0(t4)
  andi t5, t6, 3
  li t3, 3
  bne t5, t3, .Lshort\@
  lhu t5, 2(t4)
  slli t5, t5, 16
  or t6, t6, t5
.Lshort\@:
  beq \r, t6, .Lok\@
  j fail
.Lok\@:
.endm

/* a test case: insn in privilege prv (not virtualized, entered from M)
   raises illegal instruction; mtval = the instruction bits or 0 (both are
   allowed by the spec) */
.macro TEST_ILLEGAL_IN_TV prv, insn:vararg
  TC
  EXPECT_TRAP .Lr\@
  .if (\prv) != PRV_M
  DROP_TO \prv
  .endif
.Li\@: \insn
  j fail
.Lr\@:
  CHK_TRAP TR_CAUSE, CAUSE_ILLEGAL_INSN
  CHK_TRAP_ADDR TR_EPC, .Li\@
  CHK_TRAP TR_PRIV, \prv
  la t0, trap_rec
  ld t1, TR_TVAL(t0)
  beqz t1, .Lz\@
  CHK_INSN_BITS t1, .Li\@
.Lz\@:
.endm

/* a test case: insn in VS (prv = PRV_S) or VU raises a virtual-instruction
   exception to M: mepc, mtval = the instruction bits, MPV = 1, MPP,
   mtval2 = 0 and mtinst = 0 (no transformation is defined for it). (GVA = 0
   is checked by cases of its own in h_traps.S.) */
.macro VIRT_INSN prv, insn:vararg
  TC
  EXPECT_TRAP .Lr\@
  DROP_TO_V \prv
.Li\@: \insn
  j fail
.Lr\@:
  CHK_TRAP TR_CAUSE, CAUSE_VIRTUAL_INSN
  CHK_TRAP_ADDR TR_EPC, .Li\@
  CHK_TVAL_INSN .Li\@
  CHK_TRAP TR_PRIV, \prv
  CHK_MPV 1
  CHK_CSR mtval2, 0
  CHK_CSR mtinst, 0
.endm

/* Smstateen: mstateen0 := m, hstateen0 := h (by number: the assembler
   names them only with smstateen in -march) */
.macro STATEEN m, h
  li t0, \m
  csrw 0x30c, t0
  li t0, \h
  csrw 0x60c, t0
.endm

/* a test case: insn in VS or VU raises an illegal-instruction exception (MPV = 1) */
.macro ILLEGAL_V prv, insn:vararg
  TC
  EXPECT_TRAP .Lr\@
  DROP_TO_V \prv
.Li\@: \insn
  j fail
.Lr\@:
  CHK_TRAP TR_CAUSE, CAUSE_ILLEGAL_INSN
  CHK_TRAP_ADDR TR_EPC, .Li\@
  CHK_TVAL_INSN .Li\@
  CHK_TRAP TR_PRIV, \prv
  CHK_MPV 1
  CHK_CSR mtinst, 0
.endm

/* a test case: insn runs in VS or VU without a trap (ends with an ecall to M) */
.macro OK_V prv, insn:vararg
  TC
  EXPECT_TRAP .Lr\@
  DROP_TO_V \prv
  \insn
  ecall
  j fail
.Lr\@:
  .if (\prv) == PRV_S
  CHK_TRAP TR_CAUSE, CAUSE_ECALL_VS
  .else
  CHK_TRAP TR_CAUSE, CAUSE_ECALL_U
  .endif
  CHK_MPV 1
.endm

/* reset hs_rec / vs_rec (cause := -1, count := 0) */
.macro HS_CLEAR
  la t6, hs_rec
  li t5, -1
  sd t5, HR_CAUSE(t6)
  sd t5, HR_EPC(t6)
  sd t5, HR_TVAL(t6)
  sd t5, HR_HTVAL(t6)
  sd t5, HR_HTINST(t6)
  sd zero, HR_COUNT(t6)
.endm
.macro VS_CLEAR
  la t6, vs_rec
  li t5, -1
  sd t5, VR_CAUSE(t6)
  sd t5, VR_EPC(t6)
  sd t5, VR_TVAL(t6)
  sd zero, VR_COUNT(t6)
.endm

/* check a slot of hs_rec / vs_rec against a constant, a register or a label */
.macro CHK_HS slot, val
  la t5, hs_rec
  ld t5, \slot(t5)
  li t6, \val
  beq t5, t6, .Lok\@
  j fail
.Lok\@:
.endm
.macro CHK_HSR slot, r
  la t5, hs_rec
  ld t5, \slot(t5)
  beq t5, \r, .Lok\@
  j fail
.Lok\@:
.endm
.macro CHK_HS_ADDR slot, label
  la t5, hs_rec
  ld t5, \slot(t5)
  la t6, \label
  beq t5, t6, .Lok\@
  j fail
.Lok\@:
.endm
.macro CHK_VS slot, val
  la t5, vs_rec
  ld t5, \slot(t5)
  li t6, \val
  beq t5, t6, .Lok\@
  j fail
.Lok\@:
.endm
.macro CHK_VSR slot, r
  la t5, vs_rec
  ld t5, \slot(t5)
  beq t5, \r, .Lok\@
  j fail
.Lok\@:
.endm
.macro CHK_VS_ADDR slot, label
  la t5, vs_rec
  ld t5, \slot(t5)
  la t6, \label
  beq t5, t6, .Lok\@
  j fail
.Lok\@:
.endm

/* fail unless bit `shift` of hs_rec's hstatus (sstatus) is v */
.macro CHK_HSTATUS_BIT shift, v
  la t5, hs_rec
  ld t5, HR_HSTATUS(t5)
  CHK_BIT t5, \shift, \v
.endm
.macro CHK_HS_SSTATUS_BIT shift, v
  la t5, hs_rec
  ld t5, HR_SSTATUS(t5)
  CHK_BIT t5, \shift, \v
.endm

/* the HS and VS recording handlers and their records; place after TEST_END */
.macro H_HANDLERS
  .text
  .option push
  .option norvc
  .align 6
hs_vec:
  csrw sscratch, t0
  la t0, hs_rec
  sd t1, HR_SAVE(t0)
  csrr t1, scause
  sd t1, HR_CAUSE(t0)
  csrr t1, sepc
  sd t1, HR_EPC(t0)
  csrr t1, stval
  sd t1, HR_TVAL(t0)
  csrr t1, htval
  sd t1, HR_HTVAL(t0)
  csrr t1, htinst
  sd t1, HR_HTINST(t0)
  csrr t1, hstatus
  sd t1, HR_HSTATUS(t0)
  csrr t1, sstatus
  sd t1, HR_SSTATUS(t0)
  ld t1, HR_COUNT(t0)
  addi t1, t1, 1
  sd t1, HR_COUNT(t0)
  ld t1, HR_SAVE(t0)
  csrr t0, sscratch
  ecall
  j fail

  .align 6
vs_vec:
  csrw sscratch, t0
  la t0, vs_rec
  sd t1, VR_SAVE(t0)
  csrr t1, scause
  sd t1, VR_CAUSE(t0)
  csrr t1, sepc
  sd t1, VR_EPC(t0)
  csrr t1, stval
  sd t1, VR_TVAL(t0)
  csrr t1, sstatus
  sd t1, VR_STATUS(t0)
  ld t1, VR_COUNT(t0)
  addi t1, t1, 1
  sd t1, VR_COUNT(t0)
  ld t1, VR_SAVE(t0)
  csrr t0, sscratch
  ecall
  j fail
  .option pop

  .data
  .align 4
hs_rec: .skip HR_SIZE
vs_rec: .skip VR_SIZE
.endm

/* install the recorders: stvec = hs_vec, vstvec = vs_vec (clobbers t0) */
.macro H_INSTALL_HANDLERS
  la t0, hs_vec
  csrw stvec, t0
  la t0, vs_vec
  csrw vstvec, t0
.endm
#endif /* SELFTEST_HEXT */

/* ---- program frame ------------------------------------------------------ */
/*
 * TEST_BEGIN: entry point, hart parking, machine set-up:
 *   mtvec = mtrap_vec (direct), stvec = fail trampoline, no delegation,
 *   interrupts off, satp = 0, PMP entry 15 = NAPOT over the whole address
 *   space with RWX (so S/U may access everything unless a test narrows it),
 *   FS = initial (F/D usable), counters enabled for S/U.
 */
.macro TEST_BEGIN
  .section .text.init, "ax", @progbits
  .globl _start
#ifdef SELFTEST_QEMU
  QEMU_TC_TABLE_BEGIN
#endif
  .option push
  .option norvc              /* the handler must work while misa.C is clear */
_start:
  csrr t0, mhartid
  bnez t0, park
  la t0, mtrap_vec
  csrw mtvec, t0
  csrwi mie, 0
  csrwi mip, 0
  csrwi medeleg, 0
  csrwi mideleg, 0
  csrwi satp, 0
  la t0, strap_fail
  csrw stvec, t0
  li t0, -1
  csrw mcounteren, t0
  csrw scounteren, t0
  li t0, -1
  csrw pmpaddr15, t0
  li t0, (0x1f << 56)        /* pmp15cfg: NAPOT | X | W | R */
  csrw pmpcfg2, t0
  li t0, (1 << 13)                 /* FS = Initial */
  csrw mstatus, t0
  la sp, selftest_stack_top
  li gp, 0
  fence.i
  j selftest_main

park:
  wfi
  j park

/* M-mode trap handler: record the trap, then resume as requested */
  .align 6
mtrap_vec:
  csrw mscratch, t0
  la t0, trap_rec
  sd t1, TR_SAVE1(t0)
  sd t2, TR_SAVE2(t0)
  csrr t1, mcause
  sd t1, TR_CAUSE(t0)
  csrr t1, mepc
  sd t1, TR_EPC(t0)
  csrr t1, mtval
  sd t1, TR_TVAL(t0)
  csrr t1, mstatus
  sd t1, TR_STATUS(t0)
  srli t1, t1, 11
  andi t1, t1, 3
  sd t1, TR_PRIV(t0)
  ld t1, TR_COUNT(t0)
  addi t1, t1, 1
  sd t1, TR_COUNT(t0)
  ld t1, TR_RESUME(t0)
  beqz t1, mtrap_unexpected
  sd zero, TR_RESUME(t0)
  li t2, RESUME_SKIP
  beq t1, t2, 1f
  /* resume at the requested label, in M-mode, with MPRV off (mret to M
     keeps MPRV, and MPP becomes U after the mret); MPV is cleared too: an
     mret with MPP = M ignores MPV, so this changes nothing on a machine that
     follows the spec, but keeps QEMU 7.2 (whose mret sets V = MPV even then)
     from continuing in a virtualized M-mode */
  csrw mepc, t1
  li t1, MSTATUS_MPP
  csrs mstatus, t1
  li t1, MSTATUS_MPRV | MSTATUS_MPV
  csrc mstatus, t1
  j 2f
1: /* skip the trapping instruction (mepc must be readable as a physical address) */
  csrr t1, mepc
  lhu t2, 0(t1)
  andi t2, t2, 3
  addi t1, t1, 2
  li t0, 3
  bne t2, t0, 3f
  addi t1, t1, 2
3:
  csrw mepc, t1
  la t0, trap_rec
2:
  ld t1, TR_SAVE1(t0)
  ld t2, TR_SAVE2(t0)
  csrr t0, mscratch
  mret

mtrap_unexpected:
  j fail

/* S-mode vector used when a test does not install one: any trap there fails */
  .align 6
strap_fail:
  j fail

/* fail/pass: reachable from M-mode (or any mode that may store to tohost).
   A failure before the first case (gp = 0, whose report would read as a
   pass) is reported as case SETUP_CASE. */
#define SETUP_CASE 0x7ff
fail:
  fence
  bnez gp, 1f
  li gp, SETUP_CASE
1:
#ifdef SELFTEST_QEMU
  SELFTEST_REPORT_FAIL
#else
  slli gp, gp, 1
  ori gp, gp, 1
  la t0, tohost
  sd gp, 0(t0)
1: j 1b
#endif

pass:
  fence
#ifdef SELFTEST_QEMU
  SELFTEST_REPORT_PASS
#else
  li gp, 1
  la t0, tohost
  sd gp, 0(t0)
1: j 1b
#endif
  .option pop

  .text
  .align 2
selftest_main:
.endm

/* TEST_END: reaching it means every case passed */
.macro TEST_END
#ifdef SELFTEST_QEMU
  QEMU_TC_TABLE_END
#endif
  j pass

  .globl selftest_cases
  .set selftest_cases, _tc

  .section .tohost, "aw", @progbits
  .align 6
  .globl tohost
tohost: .dword 0
  .align 6
  .globl fromhost
fromhost: .dword 0

#ifdef SELFTEST_QEMU
  SELFTEST_REPORT_DATA
#endif
  .data
  .align 4
trap_rec: .skip TR_SIZE
  .align 4
selftest_stack: .skip 1024
selftest_stack_top:
.endm

#endif
