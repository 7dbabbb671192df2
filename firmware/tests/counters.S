/*
 * counters.S - Zicntr counters and their access control
 *
 * Covers: mcycle and minstret advance; minstret counts exactly the retired
 * instructions between two reads; instret/cycle are the unprivileged views of
 * minstret/mcycle; mcycle/minstret are writable; mcountinhibit.CY/IR stop
 * them; time reads the CLINT's mtime; mhpmcounter3 is present; access from
 * S/U: S may read cycle/time/instret only when the mcounteren bit is set, U
 * only when both mcounteren and scounteren bits are set, otherwise illegal
 * instruction (mtval = the instruction bits); M reads them regardless.
 * Spike implements cycle/time/instret only with Zicntr in its ISA string:
 * run it as `spike --isa=rv64gc_zicntr counters.elf`.
 */
#include "selftest.h"

#define CY 1
#define TM 2
#define IR 4

.macro COUNTEREN m, s
  li t0, \m
  csrw mcounteren, t0
  li t0, \s
  csrw scounteren, t0
.endm

  TEST_BEGIN
  csrw mcountinhibit, zero

  TC                              # mcycle advances
  csrr a0, mcycle
  li t0, 100
1:addi t0, t0, -1
  bnez t0, 1b
  csrr a1, mcycle
  bleu a1, a0, fail_c
  TC                              # minstret counts retired instructions exactly
  .option push
  .option norvc
  csrr a0, minstret
  nop
  nop
  nop
  nop
  nop
  nop
  nop
  nop
  nop
  nop
  csrr a1, minstret
  .option pop
  sub a2, a1, a0
  CHK a2, 11
  TC                              # a loop of 3 instructions x 50
  li t0, 50
  csrr a0, minstret
1:addi t0, t0, -1
  nop
  bnez t0, 1b
  csrr a1, minstret
  sub a2, a1, a0
  CHK a2, 151
  TC                              # instret / cycle are views of minstret / mcycle
  csrr a0, minstret
  csrr a1, instret
  sub a2, a1, a0
  CHK a2, 1
  csrr a0, mcycle
  csrr a1, cycle
  bltu a1, a0, fail_c
  TC                              # minstret is writable
  li t0, 1000000
  csrw minstret, t0
  csrr a0, minstret
  li t1, 1000000
  bltu a0, t1, fail_c
  addi t1, t1, 4
  bgtu a0, t1, fail_c
  TC                              # mcycle is writable
  li t0, 0x100000000
  csrw mcycle, t0
  csrr a0, mcycle
  li t1, 0x100000000
  bltu a0, t1, fail_c
  li t1, 0x100010000
  bgtu a0, t1, fail_c
  TC                              # mcountinhibit.IR freezes minstret
  csrwi mcountinhibit, IR
  csrr a0, minstret
  nop
  nop
  csrr a1, minstret
  CHKR a0, a1
  TC                              # mcountinhibit.CY freezes mcycle
  csrwi mcountinhibit, CY
  csrr a0, mcycle
  nop
  nop
  csrr a1, mcycle
  CHKR a0, a1
  csrwi mcountinhibit, 0
  TC                              # time follows the CLINT's mtime
  csrr a0, time
  li t0, CLINT_MTIME
  ld a1, 0(t0)
  bltu a1, a0, fail_c
  TC                              # time advances (within a million iterations)
  csrr a0, time
  li t1, 1000000
1:addi t1, t1, -1
  beqz t1, fail_c
  csrr a1, time
  beq a1, a0, 1b
  bltu a1, a0, fail_c

  /* ---- access control ---- */
  COUNTEREN 0, 0
  TEST_OK_IN PRV_M, csrr a0, cycle
  TEST_OK_IN PRV_M, csrr a0, time
  TEST_OK_IN PRV_M, csrr a0, instret
  TEST_ILLEGAL_IN PRV_S, csrr a0, cycle
  TEST_ILLEGAL_IN PRV_S, csrr a0, time
  TEST_ILLEGAL_IN PRV_S, csrr a0, instret
  TEST_ILLEGAL_IN PRV_U, csrr a0, cycle
  TEST_ILLEGAL_IN PRV_U, csrr a0, time
  TEST_ILLEGAL_IN PRV_U, csrr a0, instret
  TEST_ILLEGAL_IN PRV_S, csrr a0, mcycle          # M counters never from S/U
  TEST_ILLEGAL_IN PRV_U, csrr a0, minstret
  COUNTEREN CY, 0
  TEST_OK_IN PRV_S, csrr a0, cycle
  TEST_ILLEGAL_IN PRV_S, csrr a0, time
  TEST_ILLEGAL_IN PRV_S, csrr a0, instret
  TEST_ILLEGAL_IN PRV_U, csrr a0, cycle
  COUNTEREN CY | TM | IR, 0
  TEST_OK_IN PRV_S, csrr a0, cycle
  TEST_OK_IN PRV_S, csrr a0, time
  TEST_OK_IN PRV_S, csrr a0, instret
  TEST_ILLEGAL_IN PRV_U, csrr a0, cycle
  TEST_ILLEGAL_IN PRV_U, csrr a0, time
  TEST_ILLEGAL_IN PRV_U, csrr a0, instret
  COUNTEREN CY | TM | IR, IR
  TEST_OK_IN PRV_U, csrr a0, instret
  TEST_ILLEGAL_IN PRV_U, csrr a0, cycle
  TEST_ILLEGAL_IN PRV_U, csrr a0, time
  COUNTEREN IR, CY | TM | IR                     # scounteren alone is not enough
  TEST_OK_IN PRV_U, csrr a0, instret
  TEST_ILLEGAL_IN PRV_U, csrr a0, cycle
  TEST_ILLEGAL_IN PRV_U, csrr a0, time
  COUNTEREN CY | TM | IR, CY | TM | IR
  TEST_OK_IN PRV_U, csrr a0, cycle
  TEST_OK_IN PRV_U, csrr a0, time
  TEST_OK_IN PRV_U, csrr a0, instret
  TC                              # the values read in U advance too
  EXPECT_TRAP 1f
  DROP_TO PRV_U
  rdinstret a0
  rdcycle a2
  nop
  rdinstret a1
  rdcycle a3
  ecall
1:bleu a1, a0, fail_c
  bltu a3, a2, fail_c

  TEST_END
fail_c:
  j fail
