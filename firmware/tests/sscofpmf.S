/*
 * sscofpmf.S - Zihpm counters with Sscofpmf: mhpmevent's OF and xINH bits,
 * the events QEMU virt advertises (SBI PMU event_idx values: 1 cycles,
 * 2 instructions, 0x10019 / 0x1001b data-TLB read / write misses), scountovf
 * and the local counter overflow interrupt (LCOFI, bit 13).
 *   an instruction counter counts exactly what minstret counts (two reads 11
 *   instructions apart differ by 11); a cycle counter moves as mcycle does;
 *   event 0 and mcountinhibit's bit stop a counter; counters 19..31 are
 *   read-only zero (16 exist, as on QEMU virt);
 *   MINH/SINH/UINH/VSINH/VUINH: with all but one mode inhibited, 10
 *   instructions run in that mode count 10 (the MRET into it retires in M,
 *   the ECALL out of it does not retire);
 *   overflow (all-ones to zero) sets OF and mip.LCOFIP, and the counter
 *   wraps and goes on; with OF already set no LCOFIP; writes never
 *   overflow; LCOFI is taken in M with mcause 2^63 + 13, delegated by
 *   mideleg to HS (scause 2^63 + 13), also from VS (hideleg bit 13 is
 *   read-only zero: no Shlcofideleg), and sip/sie show bit 13 only when
 *   delegated;
 *   scountovf: the OF bits, in S masked by mcounteren, in VS by mcounteren
 *   and hcounteren; illegal from U, virtual instruction from VU, read-only;
 *   TLB misses under Sv39 in S-mode (MINH: M-mode's accesses left out): one
 *   per page-table walk, two loads in one page miss once;
 *   a cycle counter's overflow wakes WFI when LCOFIE is set.
 */
#define SELFTEST_HEXT
#include "selftest.h"

#define OF    (1 << 63)
#define MINH  (1 << 62)
#define SINH  (1 << 61)
#define UINH  (1 << 60)
#define VSINH (1 << 59)
#define VUINH (1 << 58)
#define EV_CYCLES 1
#define EV_INSNS  2
#define EV_DTLB_READ  0x10019
#define EV_DTLB_WRITE 0x1001b
#define IRQ_LCOFI 13
#define LCOFIP (1 << IRQ_LCOFI)
#define INTR(n) (0x8000000000000000 | (n))

.macro EVENT n, v
  li t0, \v
  csrw mhpmevent\n, t0
.endm
.macro COUNTER n, v
  li t0, \v
  csrw mhpmcounter\n, t0
.endm
/* an instruction counter inhibited in every mode but the one `inh` names:
   10 instructions run there (with TEST_OK_IN or OK_V) count 10 */
.macro COUNTED_ONLY_IN inh, run, prv
  EVENT 3, EV_INSNS | ((MINH | SINH | UINH | VSINH | VUINH) & ~(\inh))
  COUNTER 3, 0
  \run \prv, NOPS10
  CHK_CSR mhpmcounter3, 10
.endm
.macro LCOFIP_CLEAR
  li t0, LCOFIP
  csrc mip, t0
.endm
/* in S-mode under Sv39: 3 pages loaded from (one twice), one stored to twice */
.macro TLB_WORK
  sfence.vma
  ld a3, 0(a1)
  ld a3, 8(a1)
  add a4, a1, a2
  ld a3, 0(a4)
  add a4, a4, a2
  ld a3, 0(a4)
  add a4, a4, a2
  sd a3, 0(a4)
  sd a3, 8(a4)
.endm
.macro NOPS10
  .option push
  .option norvc
  nop; nop; nop; nop; nop; nop; nop; nop; nop; nop
  .option pop
.endm

  TEST_BEGIN
  H_CLEAR_STATE
  csrw mie, zero
  csrw mcountinhibit, zero
  li t0, -1
  csrw hcounteren, t0
  H_INSTALL_HANDLERS

  TC                              # mhpmevent keeps OF, the INH bits and the event
  EVENT 3, OF | MINH | SINH | UINH | VSINH | VUINH | EV_INSNS
  CHK_CSR mhpmevent3, OF | MINH | SINH | UINH | VSINH | VUINH | EV_INSNS
  TC                              # event 0 counts nothing
  EVENT 3, 0
  COUNTER 3, 5
  NOPS10
  CHK_CSR mhpmcounter3, 5
  TC                              # instructions, as minstret counts them
  EVENT 3, EV_INSNS
  .option push
  .option norvc
  csrr a0, mhpmcounter3
  NOPS10
  csrr a1, mhpmcounter3
  .option pop
  sub a2, a1, a0
  CHK a2, 11
  TC                              # hpmcounter3 is mhpmcounter3
  csrr a0, mhpmcounter3
  csrr a1, hpmcounter3
  sub a2, a1, a0
  CHK a2, 1
  TC                              # cycles, as mcycle counts them
  EVENT 4, EV_CYCLES
  csrr a0, mcycle
  csrr a1, mhpmcounter4
  li t0, 20
1:addi t0, t0, -1
  bnez t0, 1b
  csrr a2, mcycle
  csrr a3, mhpmcounter4
  sub a0, a2, a0
  sub a1, a3, a1
  CHKR a0, a1
  TC                              # mcountinhibit stops a counter
  li t0, 1 << 3
  csrs mcountinhibit, t0
  csrr a0, mhpmcounter3
  NOPS10
  csrr a1, mhpmcounter3
  CHKR a0, a1
  TC                              # mcountinhibit holds CY, IR and HPM3..18
  li t0, -1
  csrw mcountinhibit, t0
  CHK_CSR mcountinhibit, 0x7fffd
  csrw mcountinhibit, zero
  TC                              # counters beyond the 16 are read-only zero
  li t0, -1
  csrw mhpmcounter19, t0
  csrw mhpmevent19, t0
  CHK_CSR mhpmcounter19, 0
  CHK_CSR mhpmevent19, 0

  /* ---- mode filtering: 10 instructions in the one mode counted ---- */
  COUNTED_ONLY_IN SINH, TEST_OK_IN, PRV_S
  COUNTED_ONLY_IN UINH, TEST_OK_IN, PRV_U
  COUNTED_ONLY_IN VSINH, OK_V, PRV_S
  COUNTED_ONLY_IN VUINH, OK_V, PRV_U

  /* ---- overflow ---- */
  TC                              # -5 + 10 instructions: wrapped to 5, OF, LCOFIP
  LCOFIP_CLEAR
  EVENT 3, EV_INSNS
  COUNTER 3, -5
  NOPS10
  csrr a0, mhpmcounter3
  CHK a0, 5
  csrr a0, mhpmevent3
  CHK_BIT a0, 63, 1
  csrr a0, mip
  CHK_BIT a0, IRQ_LCOFI, 1
  csrr a0, scountovf
  CHK a0, 1 << 3
  TC                              # OF already set: no LCOFIP
  LCOFIP_CLEAR
  COUNTER 3, -5
  NOPS10
  csrr a0, mip
  CHK_BIT a0, IRQ_LCOFI, 0
  TC                              # writes never overflow
  EVENT 3, EV_INSNS
  li t0, 1 << 3
  csrs mcountinhibit, t0
  COUNTER 3, -1
  COUNTER 3, 0
  csrw mcountinhibit, zero
  csrr a0, mhpmevent3
  CHK_BIT a0, 63, 0
  csrr a0, mip
  CHK_BIT a0, IRQ_LCOFI, 0
  TC                              # a cycle counter overflows too
  EVENT 4, EV_CYCLES
  COUNTER 4, -30
  li t0, 30
1:addi t0, t0, -1
  bnez t0, 1b
  csrr a0, mhpmevent4
  CHK_BIT a0, 63, 1
  csrr a0, mip
  CHK_BIT a0, IRQ_LCOFI, 1
  LCOFIP_CLEAR

  TC                              # LCOFI taken in M: mcause 2^63 + 13
  la t0, lcofi_vec
  csrw mtvec, t0
  la t0, lcofi_cause
  sd zero, 0(t0)
  EVENT 3, EV_INSNS
  li t0, LCOFIP
  csrw mie, t0
  COUNTER 3, -4
  csrsi mstatus, MSTATUS_MIE
  NOPS10
  csrci mstatus, MSTATUS_MIE
  la t0, mtrap_vec
  csrw mtvec, t0
  CHK_MEM lcofi_cause, INTR(IRQ_LCOFI)

  /* ---- delegation ---- */
  TC                              # mideleg bit 13; hideleg bit 13 read-only zero
  li t0, -1
  csrw mideleg, t0
  csrr a0, mideleg
  CHK_BIT a0, IRQ_LCOFI, 1
  csrw hideleg, t0
  CHK_CSR hideleg, MIP_VS_ALL
  csrw hideleg, zero
  TC                              # sip/sie show LCOFI only when delegated
  li t0, LCOFIP
  csrs mip, t0
  li t0, LCOFIP
  csrs mie, t0
  csrr a0, sip
  CHK_BIT a0, IRQ_LCOFI, 1
  csrr a0, sie
  CHK_BIT a0, IRQ_LCOFI, 1
  csrw mideleg, zero
  csrr a0, sip
  CHK_BIT a0, IRQ_LCOFI, 0
  csrr a0, sie
  CHK_BIT a0, IRQ_LCOFI, 0
  TC                              # delegated: taken in HS from U
  li t0, LCOFIP
  csrw mideleg, t0
  HS_CLEAR
  EXPECT_TRAP 1f
  DROP_TO PRV_U
  j fail
1:CHK_TRAP TR_CAUSE, CAUSE_ECALL_S
  CHK_HS HR_CAUSE, INTR(IRQ_LCOFI)
  TC                              # ... and from VS (V=1: HS-level interrupts are on), SPV = 1
  HS_CLEAR
  EXPECT_TRAP 1f
  DROP_TO_V PRV_S
  j fail
1:CHK_TRAP TR_CAUSE, CAUSE_ECALL_S
  CHK_HS HR_CAUSE, INTR(IRQ_LCOFI)
  CHK_HSTATUS_BIT 7, 1
  csrw mie, zero
  LCOFIP_CLEAR
  csrw mideleg, zero

  /* ---- scountovf ---- */
  EVENT 3, OF
  EVENT 4, OF
  TC
  CHK_CSR scountovf, (1 << 3) | (1 << 4)
  li t0, ~(1 << 4)
  csrw mcounteren, t0
  TEST_OK_IN PRV_S, csrr a0, scountovf
  CHK a0, 1 << 3
  li t0, -1
  csrw mcounteren, t0
  li t0, ~(1 << 3)
  csrw hcounteren, t0
  OK_V PRV_S, csrr a0, scountovf
  CHK a0, 1 << 4
  li t0, -1
  csrw hcounteren, t0
  TEST_ILLEGAL_IN PRV_U, csrr a0, scountovf
  VIRT_INSN PRV_U, csrr a0, scountovf
  TEST_ILLEGAL_IN PRV_M, csrw scountovf, zero
  EVENT 3, 0
  EVENT 4, 0

  /* ---- TLB misses under Sv39 (S-mode; M-mode inhibited) ---- */
  li t0, 0x80000000
  SET_PTE pt_root, 2, t0, PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D
  la t0, pt_root
  srli t0, t0, 12
  li t1, ATP_MODE_SV39
  or t0, t0, t1
  csrw satp, t0
  EVENT 3, EV_DTLB_READ | MINH
  EVENT 4, EV_DTLB_WRITE | MINH
  COUNTER 3, 0
  COUNTER 4, 0
  la a1, tlb_pages
  li a2, 4096
  TEST_OK_IN PRV_S, TLB_WORK
  csrw satp, zero
  TC
  CHK_CSR mhpmcounter3, 3
  CHK_CSR mhpmcounter4, 1
  EVENT 3, 0
  EVENT 4, 0

  TC                              # a cycle counter's overflow wakes WFI (LCOFIE set, MIE clear)
  LCOFIP_CLEAR
  csrci mstatus, MSTATUS_MIE
  li t0, LCOFIP
  csrw mie, t0
  EVENT 4, EV_CYCLES
  COUNTER 4, -2000
  wfi
  csrr a0, mip
  CHK_BIT a0, IRQ_LCOFI, 1
  csrr a0, mhpmevent4
  CHK_BIT a0, 63, 1
  csrw mie, zero
  LCOFIP_CLEAR
  EVENT 4, 0
  TEST_END
  H_HANDLERS

  .text
  .align 6
lcofi_vec:
  csrw mscratch, t0
  csrr t0, mcause
  sd t0, lcofi_cause, t1
  csrw mie, zero
  csrr t0, mscratch
  mret

  .data
  .align 3
lcofi_cause: .dword 0
  .align 12
pt_root: .skip 4096
tlb_pages: .skip 4 * 4096
