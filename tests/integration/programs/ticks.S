/* Five sleeps in WFI, each until the hart's mtimecmp 20 ms (200000 ticks)
 * ahead, with mstatus.MIE clear (WFI resumes on the pending MTIP, no trap);
 * then hart 0 reports through tohost. For --idle: the same counters whether
 * guest time jumps or follows the wall clock. */
    .section .text.init
    .globl _start
_start:
    csrci mstatus, 8            /* MIE */
    li t0, 1 << 7               /* MTIE */
    csrw mie, t0
    csrr a0, mhartid
    li s0, 0x02004000           /* CLINT mtimecmp of this hart */
    slli t0, a0, 3
    add s0, s0, t0
    li s1, 0x0200bff8           /* CLINT mtime */
    li s2, 5
1:  ld t1, 0(s1)
    li t2, 200000
    add t1, t1, t2
    sd t1, 0(s0)
2:  wfi
    ld t3, 0(s1)
    bltu t3, t1, 2b
    addi s2, s2, -1
    bnez s2, 1b
    bnez a0, 3f
    li t0, 1
    la t1, tohost
    sd t0, 0(t1)
3:  wfi
    j 3b

    .section .tohost, "aw", @progbits
    .align 6
    .globl tohost
tohost: .dword 0
    .align 6
    .globl fromhost
fromhost: .dword 0
