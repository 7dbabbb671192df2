/*
 * qemu/finisher.h - the pass/fail shim of the self-tests' QEMU variant
 * (selftest.h includes it when built with -DSELFTEST_QEMU).
 *
 * QEMU's `virt` machine has no HTIF, so the verdict goes to its sifive-test
 * finisher at 0x10_0000 instead of `tohost`:
 *   pass: 0x5555                 (QEMU exits with status 0)
 *   fail: (N << 16) | 0x3333     (QEMU exits with status N & 0xff)
 * Because an exit status keeps only 8 bits, the shim first prints one line on
 * the ns16550a UART at 0x1000_0000, which the runner
 * (tests/integration/qemu_selftests.py) reads:
 *   "selftest: PASS"   or   "selftest: FAIL 0x<N in hex>"
 * Everything else about the test (entry, trap handler, case numbering) is the
 * same as in the HTIF variant.
 */
#ifndef STEPVISOR_QEMU_FINISHER_H
#define STEPVISOR_QEMU_FINISHER_H

#define QEMU_FINISHER   0x100000
#define QEMU_UART0      0x10000000
#define QEMU_UART_LSR   5
#define QEMU_FINISHER_PASS 0x5555
#define QEMU_FINISHER_FAIL 0x3333

/* print the NUL-terminated string at `label` on UART0 (clobbers t0-t2) */
.macro QEMU_PUTS label
  la t0, \label
  li t1, QEMU_UART0
.Lnext\@:
  lbu t2, 0(t0)
  beqz t2, .Ldone\@
.Lwait\@:
  lbu t2, QEMU_UART_LSR(t1)
  andi t2, t2, 0x20              /* THRE */
  beqz t2, .Lwait\@
  lbu t2, 0(t0)
  sb t2, 0(t1)
  addi t0, t0, 1
  j .Lnext\@
.Ldone\@:
.endm

/* print register r (not t0-t3) as hex digits, no leading zeros (clobbers t0-t3) */
.macro QEMU_PUTHEX r
  li t1, QEMU_UART0
  li t3, 60                      /* shift of the current digit */
.Lskip\@:                        /* skip leading zero digits, keep the last one */
  beqz t3, .Ldigit\@
  srl t0, \r, t3
  andi t0, t0, 15
  bnez t0, .Ldigit\@
  addi t3, t3, -4
  j .Lskip\@
.Ldigit\@:
  srl t0, \r, t3
  andi t0, t0, 15
  addi t0, t0, '0'
  li t2, '9'
  ble t0, t2, .Lwait\@
  addi t0, t0, 'a' - '9' - 1
.Lwait\@:
  lbu t2, QEMU_UART_LSR(t1)
  andi t2, t2, 0x20
  beqz t2, .Lwait\@
  sb t0, 0(t1)
  addi t3, t3, -4
  bgez t3, .Ldigit\@
.endm

/*
 * Skipping test cases. QEMU deviates from the spec in a few places; the
 * runner keeps a table of those cases and, so that every case after one of
 * them still runs, tells the test to skip it: a bitmap at QEMU_SKIP_MAP (bit
 * N of the map = skip case N), which the runner fills with QEMU's generic
 * loader (`-device loader,addr=...,data=...,data-len=8`) before the start;
 * the RAM there is zero otherwise, so nothing is skipped by default. Each TC
 * reads its bit (in whatever mode it runs; TCs run in M-mode) and, when set,
 * jumps to the start of the next case, found in a table of case start
 * addresses that TC and TEST_END build in .data.selftest_tc. QEMU_SKIP_MAP is
 * the last page of the runner's 128 MiB of RAM, which no test uses.
 */
#define QEMU_SKIP_MAP   0x87fff000

.macro QEMU_TC_TABLE_BEGIN
  .pushsection .data.selftest_tc, "aw", @progbits
  .balign 8
selftest_tc_table:
  .popsection
.endm

.macro QEMU_TC_TABLE_END
  .pushsection .data.selftest_tc, "aw", @progbits
  .dword .Lend\@
  .popsection
.Lend\@:
.endm

/* TC's QEMU form: table entry, gp = _tc, skip check (clobbers t6) */
.macro QEMU_TC
  .pushsection .data.selftest_tc, "aw", @progbits
  .dword .Lstart\@
  .popsection
.Lstart\@:
  li gp, _tc
  li t6, QEMU_SKIP_MAP + (_tc / 64) * 8
  ld t6, 0(t6)
  srli t6, t6, _tc % 64
  andi t6, t6, 1
  beqz t6, .Lrun\@
  la t6, selftest_tc_table + _tc * 8   /* entry _tc: start of case _tc + 1 */
  ld t6, 0(t6)
  jr t6
.Lrun\@:
.endm

/* the verdicts: reached from fail/pass with gp = the failing case number */
.macro SELFTEST_REPORT_FAIL
  QEMU_PUTS qemu_msg_fail
  QEMU_PUTHEX gp
  QEMU_PUTS qemu_msg_nl
  slli t0, gp, 16
  li t1, QEMU_FINISHER_FAIL
  or t0, t0, t1
  li t1, QEMU_FINISHER
  sw t0, 0(t1)
1: j 1b
.endm

.macro SELFTEST_REPORT_PASS
  QEMU_PUTS qemu_msg_pass
  li t0, QEMU_FINISHER_PASS
  li t1, QEMU_FINISHER
  sw t0, 0(t1)
1: j 1b
.endm

/* the strings (emitted once, by TEST_END) */
.macro SELFTEST_REPORT_DATA
  .data
qemu_msg_pass: .asciz "selftest: PASS\n"
qemu_msg_fail: .asciz "selftest: FAIL 0x"
qemu_msg_nl:   .asciz "\n"
.endm

#endif
