/*
 * pmp.S - physical memory protection
 *
 * Layout: five 4 KiB pages A..E in .data, protected by
 *   entry 0  NAPOT A    R          entry 3  TOR [pmpaddr2, pmpaddr3) = C   X
 *   entry 1  NAPOT B    R W        entry 4  NAPOT D    (no permission)
 *   entry 2  OFF (bottom of the TOR)
 *   entry 15 NAPOT everything RWX (set up by the environment; lowest priority)
 * Covers: pmpaddr/pmpcfg read back; S and U loads/stores/fetches inside the
 * allowed permissions succeed and outside fault with load (5), store/AMO (7)
 * or instruction (1) access fault, mepc = the access (for a fetch: the
 * target), mtval = the address;
 * an execute-only TOR region runs code but cannot be read; the lowest-numbered
 * matching entry wins (entry 0 over entry 15); with no matching entry S/U
 * accesses fault (fetch fault on entering S with entry 15 off); M ignores
 * unlocked entries, but with MPRV = 1 and MPP = U/S its loads and stores are
 * checked with the MPP privilege; a locked entry applies to M-mode too (load
 * allowed, store faults) and its pmpcfg byte and pmpaddr can no longer be
 * written (until reset: this part runs last).
 */
#include "selftest.h"

#define PMP_R 0x01
#define PMP_W 0x02
#define PMP_X 0x04
#define PMP_TOR 0x08
#define PMP_NAPOT 0x18
#define PMP_L 0x80

/* a test case: `insn` run in privilege prv faults with `cause`, mtval == reg */
.macro PMP_FAULT prv, cause, areg, insn:vararg
  TC
  EXPECT_TRAP .Lr\@
  DROP_TO \prv
.Li\@: \insn
  j fail
.Lr\@:
  CHK_TRAP TR_CAUSE, \cause
  CHK_TRAP TR_PRIV, \prv
  la t0, trap_rec
  ld t1, TR_TVAL(t0)
  CHKR t1, \areg
  .if (\cause) == CAUSE_FETCH_ACCESS
  ld t1, TR_EPC(t0)               /* a fetch faults at the target */
  CHKR t1, \areg
  .else
  CHK_TRAP_ADDR TR_EPC, .Li\@
  .endif
.endm

/* napot_page reg, page: reg = NAPOT pmpaddr of a 4 KiB page */
.macro NAPOT4K reg, page
  la \reg, \page
  srli \reg, \reg, 2
  ori \reg, \reg, 0x1ff
.endm

  TEST_BEGIN

  la s2, page_a
  la s3, page_b
  la s4, page_c
  la s5, page_d
  la s6, page_e
  /* execute-only page C holds: addi a0, a0, 1 ; ecall */
  li t0, 0x00150513
  sw t0, 0(s4)
  li t0, 0x00000073
  sw t0, 4(s4)
  fence.i

  TC                              # program the entries and read them back
  NAPOT4K t0, page_a
  csrw pmpaddr0, t0
  csrr a0, pmpaddr0
  CHKR a0, t0
  NAPOT4K t0, page_b
  csrw pmpaddr1, t0
  srli t0, s4, 2
  csrw pmpaddr2, t0
  li t1, 4096
  add t0, s4, t1
  srli t0, t0, 2
  csrw pmpaddr3, t0
  csrr a0, pmpaddr3
  CHKR a0, t0
  NAPOT4K t0, page_d
  csrw pmpaddr4, t0
  li t0, (PMP_NAPOT | PMP_R) | ((PMP_NAPOT | PMP_R | PMP_W) << 8) | ((PMP_TOR | PMP_X) << 24) | (PMP_NAPOT << 32)
  csrw pmpcfg0, t0
  csrr a0, pmpcfg0
  CHKR a0, t0
  sfence.vma

  /* ---- page A: read only ---- */
  TEST_OK_IN PRV_U, ld a0, 0(s2)
  TEST_OK_IN PRV_S, lbu a0, 2047(s2)
  PMP_FAULT PRV_U, CAUSE_STORE_ACCESS, s2, sd zero, 0(s2)
  PMP_FAULT PRV_S, CAUSE_STORE_ACCESS, s2, sb zero, 0(s2)
  PMP_FAULT PRV_U, CAUSE_STORE_ACCESS, s2, amoadd.w zero, zero, (s2)
  PMP_FAULT PRV_S, CAUSE_FETCH_ACCESS, s2, jr s2
  TC                              # the faulting store did not write; M may write (entry not locked)
  li t0, 0x1234
  sd t0, 8(s2)
  ld a0, 8(s2)
  CHK a0, 0x1234
  ld a0, 0(s2)
  CHK a0, 0x5a5a5a5a5a5a5a5a

  /* ---- page B: read/write ---- */
  TEST_OK_IN PRV_U, sd s3, 0(s3)
  TEST_OK_IN PRV_S, amoadd.d a0, s3, (s3)
  TC
  ld a0, 0(s3)
  slli t0, s3, 1
  CHKR a0, t0
  PMP_FAULT PRV_U, CAUSE_FETCH_ACCESS, s3, jalr s3

  /* ---- page C: execute only (TOR) ---- */
  TC                              # U runs the code in C: a0 + 1, then ecall
  li a0, 41
  EXPECT_TRAP 1f
  DROP_TO PRV_U
  jalr s4
  j fail
1:CHK_TRAP TR_CAUSE, CAUSE_ECALL_U
  CHK a0, 42
  addi t0, s4, 4
  la t1, trap_rec
  ld t1, TR_EPC(t1)
  CHKR t0, t1
  PMP_FAULT PRV_U, CAUSE_LOAD_ACCESS, s4, lw a0, 0(s4)
  PMP_FAULT PRV_S, CAUSE_STORE_ACCESS, s4, sw a0, 0(s4)
  TC                              # the word below C is outside the TOR range (entry 15 allows it)
  addi a1, s4, -8
  EXPECT_TRAP 1f
  DROP_TO PRV_S
  ld a0, 0(a1)
  ecall
  j fail
1:CHK_TRAP TR_CAUSE, CAUSE_ECALL_S
  TC                              # the last word of C is inside it
  li t0, 4092
  add a1, s4, t0
  PMP_FAULT PRV_S, CAUSE_LOAD_ACCESS, a1, lw a0, 0(a1)

  /* ---- page D: no permission ---- */
  PMP_FAULT PRV_U, CAUSE_LOAD_ACCESS, s5, ld a0, 0(s5)
  PMP_FAULT PRV_S, CAUSE_LOAD_ACCESS, s5, lb a0, 0(s5)
  PMP_FAULT PRV_S, CAUSE_STORE_ACCESS, s5, sd a0, 0(s5)
  PMP_FAULT PRV_U, CAUSE_FETCH_ACCESS, s5, jr s5
  TC                              # M ignores the unlocked entry
  ld a0, 0(s5)
  sd a0, 0(s5)
  TC                              # ... unless MPRV = 1 with MPP = U: loads/stores checked as U
  li t0, MSTATUS_MPP
  csrc mstatus, t0
  li t0, MSTATUS_MPRV
  csrs mstatus, t0
  EXPECT_TRAP 1f
2:ld a0, 0(s5)
  j fail
1:CHK_TRAP TR_CAUSE, CAUSE_LOAD_ACCESS
  CHK_TRAP_ADDR TR_EPC, 2b
  CHK_TRAP TR_PRIV, PRV_M         # (MPP was set back to M by the trap itself)
  TC                              # ... and with MPP = S, stores too
  li t0, MSTATUS_MPP
  csrc mstatus, t0
  li t0, MSTATUS_MPP_S | MSTATUS_MPRV
  csrs mstatus, t0
  EXPECT_TRAP 1f
  sd a0, 0(s3)                    # page B: allowed
  sd a0, 0(s5)                    # page D: faults
  j fail
1:CHK_TRAP TR_CAUSE, CAUSE_STORE_ACCESS
  TC                              # MPRV does not affect fetches: M code still runs
  li t0, MSTATUS_MPP
  csrc mstatus, t0
  li t0, MSTATUS_MPRV
  csrs mstatus, t0
  nop
  li t0, MSTATUS_MPRV | MSTATUS_MPP
  csrc mstatus, t0
  li t0, MSTATUS_MPP
  csrs mstatus, t0

  /* ---- priority: entry 0 (R) wins over entry 15 (RWX) for page A ---- */
  addi a1, s2, 100
  PMP_FAULT PRV_U, CAUSE_STORE_ACCESS, a1, sw zero, 0(a1)

  /* ---- no matching entry: S/U denied ---- */
  TC
  csrw pmpcfg2, zero              # entry 15 off: S code is no longer executable
  EXPECT_TRAP 1f
  DROP_TO PRV_S
2:nop
  j fail
1:CHK_TRAP TR_CAUSE, CAUSE_FETCH_ACCESS
  CHK_TRAP_ADDR TR_EPC, 2b
  CHK_TRAP_ADDR TR_TVAL, 2b
  CHK_TRAP TR_PRIV, PRV_S
  li t0, (0x1f << 56)
  csrw pmpcfg2, t0
  TEST_OK_IN PRV_S, nop

  /* ---- a locked entry (last: cannot be undone) ---- */
  TC
  NAPOT4K t0, page_e
  csrw pmpaddr6, t0
  li t0, (PMP_L | PMP_NAPOT | PMP_R) << 48
  csrs pmpcfg0, t0
  ld a0, 0(s6)                    # M load allowed
  CHK a0, 0x6666666666666666
  TC                              # M store faults
  EXPECT_TRAP 1f
2:sd zero, 0(s6)
  j fail
1:CHK_TRAP TR_CAUSE, CAUSE_STORE_ACCESS
  CHK_TRAP_ADDR TR_EPC, 2b
  CHK_TRAP_ADDR TR_TVAL, page_e
  CHK_TRAP TR_PRIV, PRV_M
  ld a0, 0(s6)
  CHK a0, 0x6666666666666666
  TC                              # M fetch from it faults (no X)
  EXPECT_TRAP 1f
  jr s6
  j fail
1:CHK_TRAP TR_CAUSE, CAUSE_FETCH_ACCESS
  CHK_TRAP_ADDR TR_TVAL, page_e
  TC                              # the locked pmpcfg byte ignores writes
  li t0, 0xff << 48
  csrc pmpcfg0, t0
  csrr a0, pmpcfg0
  srli a0, a0, 48
  andi a0, a0, 0xff
  CHK a0, PMP_L | PMP_NAPOT | PMP_R
  TC                              # and so does its pmpaddr
  csrw pmpaddr6, zero
  csrr a0, pmpaddr6
  NAPOT4K t0, page_e
  CHKR a0, t0
  TC                              # the other bytes of pmpcfg0 are still writable
  li t0, PMP_W << 8
  csrc pmpcfg0, t0
  csrr a0, pmpcfg0
  srli a0, a0, 8
  andi a0, a0, 0xff
  CHK a0, PMP_NAPOT | PMP_R
  PMP_FAULT PRV_U, CAUSE_STORE_ACCESS, s3, sd zero, 0(s3)

  TEST_END

  .data
  .align 12
page_a:
  .rept 512
  .dword 0x5a5a5a5a5a5a5a5a
  .endr
page_b: .fill 512, 8, 0
page_c: .fill 512, 8, 0
page_d: .fill 512, 8, 0
page_e:
  .rept 512
  .dword 0x6666666666666666
  .endr
