/*
 * interrupts.S - interrupts: timer (CLINT), software, priority, delegation, WFI
 *
 * Uses the CLINT at 0x0200_0000 (msip at +0, mtimecmp at +0x4000, mtime at
 * +0xbff8; QEMU virt / Spike layout); the S-level pending bits are set by
 * writing mip from M-mode. Covers: mip.MTIP follows mtime >= mtimecmp and is
 * read-only in mip; a machine timer interrupt wakes WFI and is taken with
 * mcause = 2^63 + 7 and mepc after the wfi; WFI with mstatus.MIE = 0 still
 * wakes on an enabled pending interrupt without trapping; machine software
 * interrupt via msip (cause 3); when MSI, MTI, SEI, SSI and STI are all
 * pending and enabled they are taken in the order MSI > MTI > SEI > SSI > STI
 * (MEI cannot be raised without a PLIC and is not used); nothing is taken
 * with mstatus.MIE = 0 in M-mode or with the bit clear in mie; M-level and
 * non-delegated interrupts are taken in S and U even when mstatus.MIE = 0;
 * mideleg: a delegated SSI is never taken in M, is taken in S only with
 * sstatus.SIE = 1 and always in U, goes to stvec with scause = 2^63 + 1 and
 * SPP/SPIE set; vectored mtvec sends interrupt n to base + 4n.
 */
#include "selftest.h"

/* offsets from irq_log of the words after it */
#define LOG_EPC     136
#define LOG_PRV     144
#define LOG_SSTATUS 152

#define INTR(n) (0x8000000000000000 | (n))

/* reset the interrupt log */
.macro LOG_CLEAR
  la t6, irq_log
  sd zero, 0(t6)
.endm

/* check the log: count, then entries */
.macro CHK_LOG n
  la t5, irq_log
  ld t5, 0(t5)
  li t6, \n
  beq t5, t6, .Lok\@
  j fail
.Lok\@:
.endm
.macro CHK_LOG_AT i, val
  la t5, irq_log
  ld t5, (8 + 8 * (\i))(t5)
  li t6, \val
  beq t5, t6, .Lok\@
  j fail
.Lok\@:
.endm

.macro TIMER_OFF
  li t0, CLINT_MTIMECMP
  li t1, -1
  sd t1, 0(t0)
.endm

/* mtimecmp = mtime + delta */
.macro TIMER_IN delta
  li t0, CLINT_MTIME
  ld t1, 0(t0)
  li t2, \delta
  add t1, t1, t2
  li t0, CLINT_MTIMECMP
  sd t1, 0(t0)
.endm

  TEST_BEGIN

  TIMER_OFF
  li t0, CLINT_MSIP
  sw zero, 0(t0)
  la t0, irq_vec
  csrw mtvec, t0
  la t0, s_irq_vec
  csrw stvec, t0
  LOG_CLEAR

  /* ---- MTIP follows mtime/mtimecmp ---- */
  TC
  csrr a0, mip
  andi a0, a0, MIP_MTIP
  CHK a0, 0
  TC
  li t0, CLINT_MTIMECMP
  sd zero, 0(t0)
  csrr a0, mip
  andi a0, a0, MIP_MTIP
  CHK a0, MIP_MTIP
  TC                              # not clearable through mip
  li t0, MIP_MTIP
  csrc mip, t0
  csrr a0, mip
  andi a0, a0, MIP_MTIP
  CHK a0, MIP_MTIP
  TC                              # pending but not enabled: nothing taken
  csrsi mstatus, MSTATUS_MIE
  nop
  nop
  csrci mstatus, MSTATUS_MIE
  CHK_LOG 0
  TC                              # enabled in mie, mstatus.MIE = 0: nothing taken
  li t0, MIP_MTIP
  csrs mie, t0
  nop
  nop
  CHK_LOG 0
  csrw mie, zero
  TIMER_OFF
  TC
  csrr a0, mip
  andi a0, a0, MIP_MTIP
  CHK a0, 0
  TC                              # mtime advances (within a million loop iterations)
  li t0, CLINT_MTIME
  ld a0, 0(t0)
  li t1, 1000000
1:addi t1, t1, -1
  beqz t1, fail_far
  ld a1, 0(t0)
  beq a1, a0, 1b
  bltu a1, a0, fail_far

  /* ---- WFI wakes on the timer; the interrupt is taken after the wfi ---- */
  TC
  LOG_CLEAR
  TIMER_IN 200
  li t0, MIP_MTIP
  csrw mie, t0
  csrsi mstatus, MSTATUS_MIE
2:wfi
  csrci mstatus, MSTATUS_MIE
  CHK_LOG 1
  CHK_LOG_AT 0, INTR(IRQ_MTI)
  la t0, irq_epc
  ld t1, 0(t0)
  la t2, 2b
  addi t2, t2, 4
  CHKR t1, t2
  TC                              # WFI with MIE = 0 wakes without a trap
  LOG_CLEAR
  TIMER_IN 200
1:wfi
  csrr a0, mip
  andi a0, a0, MIP_MTIP
  beqz a0, 1b                     # (wfi may also return early; wait until pending)
  CHK_LOG 0
  TIMER_OFF
  csrw mie, zero

  /* ---- machine software interrupt ---- */
  TC
  LOG_CLEAR
  li t0, CLINT_MSIP
  li t1, 1
  sw t1, 0(t0)
  csrr a0, mip
  andi a0, a0, MIP_MSIP
  CHK a0, MIP_MSIP
  li t0, MIP_MSIP
  csrw mie, t0
  csrsi mstatus, MSTATUS_MIE
  nop
  csrci mstatus, MSTATUS_MIE
  CHK_LOG 1
  CHK_LOG_AT 0, INTR(IRQ_MSI)
  csrr a0, mip
  andi a0, a0, MIP_MSIP
  CHK a0, 0
  csrw mie, zero

  /* ---- priority: MSI > MTI > SEI > SSI > STI ---- */
  TC
  LOG_CLEAR
  csrw mideleg, zero
  li t0, CLINT_MSIP
  li t1, 1
  sw t1, 0(t0)
  li t0, CLINT_MTIMECMP
  sd zero, 0(t0)
  li t0, MIP_SEIP | MIP_SSIP | MIP_STIP
  csrs mip, t0
  li t0, MIP_MSIP | MIP_MTIP | MIP_SEIP | MIP_SSIP | MIP_STIP
  csrw mie, t0
  csrsi mstatus, MSTATUS_MIE
  nop
  csrci mstatus, MSTATUS_MIE
  CHK_LOG 5
  CHK_LOG_AT 0, INTR(IRQ_MSI)
  CHK_LOG_AT 1, INTR(IRQ_MTI)
  CHK_LOG_AT 2, INTR(IRQ_SEI)
  CHK_LOG_AT 3, INTR(IRQ_SSI)
  CHK_LOG_AT 4, INTR(IRQ_STI)
  TC                              # the same without MSI/MTI, and SEI disabled in mie
  LOG_CLEAR
  li t0, MIP_SEIP | MIP_SSIP | MIP_STIP
  csrs mip, t0
  li t0, MIP_SSIP | MIP_STIP
  csrw mie, t0
  csrsi mstatus, MSTATUS_MIE
  nop
  csrci mstatus, MSTATUS_MIE
  CHK_LOG 2
  CHK_LOG_AT 0, INTR(IRQ_SSI)
  CHK_LOG_AT 1, INTR(IRQ_STI)
  li t0, MIP_SEIP
  csrc mip, t0
  csrw mie, zero

  /* ---- M-level interrupts in S/U regardless of mstatus.MIE ---- */
  TC                              # MSI taken from S with MIE = 0; mepc = first S instruction
  LOG_CLEAR
  li t0, MIP_MSIP
  csrw mie, t0
  li t0, CLINT_MSIP
  li t1, 1
  sw t1, 0(t0)
  csrci mstatus, MSTATUS_MIE
  li t0, MSTATUS_MPIE
  csrc mstatus, t0
  EXPECT_TRAP 1f
  DROP_TO PRV_S
2:nop
  ecall
  j fail
1:CHK_TRAP TR_CAUSE, CAUSE_ECALL_S
  CHK_LOG 1
  CHK_LOG_AT 0, INTR(IRQ_MSI)
  la t0, irq_epc
  ld t1, 0(t0)
  la t2, 2b
  CHKR t1, t2
  la t0, irq_prv
  ld t1, 0(t0)
  CHK t1, PRV_S
  TC                              # MTI taken from U
  LOG_CLEAR
  li t0, MIP_MTIP
  csrw mie, t0
  li t0, CLINT_MTIMECMP
  sd zero, 0(t0)
  EXPECT_TRAP 1f
  DROP_TO PRV_U
  nop
  ecall
  j fail
1:CHK_TRAP TR_CAUSE, CAUSE_ECALL_U
  CHK_LOG 1
  CHK_LOG_AT 0, INTR(IRQ_MTI)
  la t0, irq_prv
  ld t1, 0(t0)
  CHK t1, PRV_U
  TC                              # non-delegated SSI is taken to M from S
  LOG_CLEAR
  li t0, MIP_SSIP
  csrw mie, t0
  csrs mip, t0
  EXPECT_TRAP 1f
  DROP_TO PRV_S
  nop
  ecall
  j fail
1:CHK_LOG 1
  CHK_LOG_AT 0, INTR(IRQ_SSI)
  csrw mie, zero

  /* ---- delegated S-level interrupts ---- */
  li t0, MIP_SSIP | MIP_STIP | MIP_SEIP
  csrw mideleg, t0
  TC                              # delegated SSI is never taken in M
  LOG_CLEAR
  li t0, MIP_SSIP
  csrw mie, t0
  csrs mip, t0
  csrsi mstatus, MSTATUS_MIE
  nop
  nop
  csrci mstatus, MSTATUS_MIE
  CHK_LOG 0
  TC                              # ... nor in S with SIE = 0
  csrci sstatus, MSTATUS_SIE
  EXPECT_TRAP 1f
  DROP_TO PRV_S
  nop
  nop
  ecall
  j fail
1:CHK_TRAP TR_CAUSE, CAUSE_ECALL_S
  CHK_LOG 0
  TC                              # ... but in S with SIE = 1, via stvec
  EXPECT_TRAP 1f
  DROP_TO PRV_S
  csrsi sstatus, MSTATUS_SIE
2:nop
  csrci sstatus, MSTATUS_SIE
  ecall
  j fail
1:CHK_TRAP TR_CAUSE, CAUSE_ECALL_S
  CHK_LOG 1
  CHK_LOG_AT 0, INTR(IRQ_SSI) | 0x100       # 0x100: taken in S
  la t0, s_irq_status
  ld t1, 0(t0)
  andi t1, t1, MSTATUS_SPP | MSTATUS_SPIE | MSTATUS_SIE
  CHK t1, MSTATUS_SPP | MSTATUS_SPIE
  la t0, irq_epc
  ld t1, 0(t0)
  la t2, 2b
  CHKR t1, t2
  TC                              # ... and in U even with SIE = 0
  LOG_CLEAR
  li t0, MIP_SSIP
  csrs mip, t0
  csrci sstatus, MSTATUS_SIE
  EXPECT_TRAP 1f
  DROP_TO PRV_U
  nop
  ecall
  j fail
1:CHK_TRAP TR_CAUSE, CAUSE_ECALL_U
  CHK_LOG 1
  CHK_LOG_AT 0, INTR(IRQ_SSI) | 0x100
  la t0, s_irq_status
  ld t1, 0(t0)
  andi t1, t1, MSTATUS_SPP | MSTATUS_SPIE | MSTATUS_SIE
  CHK t1, 0
  TC                              # disabled in sie: not taken in U
  LOG_CLEAR
  csrw sie, zero
  li t0, MIP_SSIP
  csrs mip, t0
  EXPECT_TRAP 1f
  DROP_TO PRV_U
  nop
  ecall
  j fail
1:CHK_LOG 0
  li t0, MIP_SSIP
  csrc mip, t0
  TC                              # M-level interrupt outranks a pending delegated one in U
  LOG_CLEAR
  li t0, MIP_SSIP
  csrw mie, t0
  csrs mip, t0
  li t0, CLINT_MSIP
  li t1, 1
  sw t1, 0(t0)
  li t0, MIP_MSIP
  csrs mie, t0
  EXPECT_TRAP 1f
  DROP_TO PRV_U
  nop
  ecall
  j fail
1:CHK_LOG 2
  CHK_LOG_AT 0, INTR(IRQ_MSI)
  CHK_LOG_AT 1, INTR(IRQ_SSI) | 0x100
  csrw mie, zero
  csrw mideleg, zero

  /* ---- vectored mtvec ---- */
  TC
  LOG_CLEAR
  la t0, vec_table
  ori t0, t0, 1
  csrw mtvec, t0
  li t0, MIP_MTIP
  csrw mie, t0
  li t0, CLINT_MTIMECMP
  sd zero, 0(t0)
  csrsi mstatus, MSTATUS_MIE
  nop
  csrci mstatus, MSTATUS_MIE
  CHK_LOG 1
  CHK_LOG_AT 0, INTR(IRQ_MTI) | 0x200       # 0x200: arrived through vector entry 7
  TC                              # exceptions use the base in vectored mode
  EXPECT_TRAP 1f
  ecall
  j fail
1:CHK_TRAP TR_CAUSE, CAUSE_ECALL_M
  la t0, irq_vec
  csrw mtvec, t0
  csrw mie, zero

  TEST_END

fail_far:
  j fail

/* M handler: interrupts are logged and their source silenced; exceptions go
   to the default recording handler */
  .text
  .align 6
irq_vec:
  csrw mscratch, t0
  csrr t0, mcause
  bltz t0, 1f
  csrr t0, mscratch
  j mtrap_vec
1:la t0, irq_save
  sd t1, 0(t0)
  sd t2, 8(t0)
  csrr t1, mcause
call_log:
  la t0, irq_log
  ld t2, 0(t0)
  addi t2, t2, 1
  sd t2, 0(t0)
  slli t2, t2, 3
  add t2, t2, t0
  sd t1, 0(t2)
  csrr t2, mepc
  sd t2, LOG_EPC(t0)
  csrr t2, mstatus
  srli t2, t2, 11
  andi t2, t2, 3
  sd t2, LOG_PRV(t0)
  /* silence the source */
  li t2, 0xff
  and t1, t1, t2
  li t2, IRQ_MSI
  bne t1, t2, 2f
  li t0, CLINT_MSIP
  sw zero, 0(t0)
  j 9f
2:li t2, IRQ_MTI
  bne t1, t2, 3f
  li t0, CLINT_MTIMECMP
  li t2, -1
  sd t2, 0(t0)
  j 9f
3:li t2, IRQ_MEI
  beq t1, t2, fail_far
  li t2, 1
  sll t2, t2, t1
  csrc mip, t2
9:la t0, irq_save
  ld t1, 0(t0)
  ld t2, 8(t0)
  csrr t0, mscratch
  mret

/* vectored table: entry 7 marks its log entry with 0x200 */
  .align 8
vec_table:
  .option push
  .option norvc
  .rept 7
  j vec_other
  .endr
  j vec_mti
  .rept 8
  j vec_other
  .endr
  .option pop
vec_other:
  j irq_vec
vec_mti:
  csrw mscratch, t0
  la t0, irq_save
  sd t1, 0(t0)
  sd t2, 8(t0)
  csrr t1, mcause
  li t2, 0x200
  or t1, t1, t2
  j call_log

/* S handler for delegated interrupts (SSI only): log with 0x100, clear sip.SSIP */
  .align 6
s_irq_vec:
  csrw sscratch, t0
  la t0, s_irq_save
  sd t1, 0(t0)
  sd t2, 8(t0)
  csrr t1, scause
  bgez t1, fail_far
  li t2, 0x100
  or t1, t1, t2
  la t0, irq_log
  ld t2, 0(t0)
  addi t2, t2, 1
  sd t2, 0(t0)
  slli t2, t2, 3
  add t2, t2, t0
  sd t1, 0(t2)
  csrr t2, sepc
  sd t2, LOG_EPC(t0)
  csrr t2, sstatus
  sd t2, LOG_SSTATUS(t0)
  csrci sip, MIP_SSIP
  la t0, s_irq_save
  ld t1, 0(t0)
  ld t2, 8(t0)
  csrr t0, sscratch
  sret

  .data
  .align 4
irq_log: .skip 8 * 17
irq_epc: .dword 0
irq_prv: .dword 0
s_irq_status: .dword 0
irq_save: .skip 16
s_irq_save: .skip 16
