/* Loops that wait for time by reading the CLINT's mtime (0x200bff8) with
 * `ld`, as M-mode firmware does without the time CSR: a bare `ld; bltu`
 * loop, and a countdown with mtime - start against a delta (signed
 * compare). Between the waits it prints a digit through the UART, and a
 * loop that also counts its iterations (not a plain wait) runs once. Time
 * skipping must give the same counters and output as executing every
 * iteration. */
    .section .text.init
    .globl _start
_start:
    la sp, stack_top
    li s2, 0x200bff8            /* mtime */
    li s1, 3                    /* three rounds */
round:
    /* bare loop: until mtime >= now + 20000 (2 ms at 10 MHz) */
    ld t0, 0(s2)
    li t1, 20000
    add t1, t0, t1
1:  ld t0, 0(s2)
    bltu t0, t1, 1b
    li a0, '0'
    add a0, a0, s1
    call putc
    /* countdown: while (mtime - start < 5000) */
    ld t2, 0(s2)
    li t3, 5000
2:  ld t0, 0(s2)
    sub t0, t0, t2
    blt t0, t3, 2b
    addi s1, s1, -1
    bnez s1, round
    /* a wait that counts its iterations: every one executes */
    ld t0, 0(s2)
    li t1, 300
    add t1, t0, t1
    li t4, 0
3:  addi t4, t4, 1
    ld t0, 0(s2)
    bltu t0, t1, 3b
    li a0, '\n'
    call putc
    li t0, 1
    la t1, tohost
    sd t0, 0(t1)
4:  j 4b

putc:
    li t5, 0x10000000
6:  lbu t6, 5(t5)               /* LSR.THRE */
    andi t6, t6, 0x20
    beqz t6, 6b
    sb a0, 0(t5)
    ret

    .section .tohost, "aw", @progbits
    .align 6
    .globl tohost
tohost: .dword 0
    .align 6
    .globl fromhost
fromhost: .dword 0

    .bss
    .align 4
    .space 4096
stack_top:
