/* Loops that only wait for time, as firmware writes them: U-Boot's udelay
 * (a call that stores the time it read on the stack, returns it, and a
 * compare against the deadline), a bare `csrr; bltu` loop, and a
 * countdown with time - start against a delta (signed compare). Between
 * the waits it prints a digit through the UART, and a loop that also
 * counts its iterations (not a plain wait) runs once. Time skipping must
 * give the same counters and output as executing every iteration. */
    .section .text.init
    .globl _start
_start:
    la sp, stack_top
    li s1, 3                    /* three rounds */
round:
    /* udelay(2 ms): 20000 ticks at 10 MHz */
    li a0, 20000
    call udelay
    li a0, '0'
    add a0, a0, s1
    call putc
    /* bare loop: until time >= now + 1000 */
    csrr t0, time
    li t1, 1000
    add t1, t0, t1
1:  csrr t0, time
    bltu t0, t1, 1b
    /* countdown: while (time - start < 5000) */
    csrr t2, time
    li t3, 5000
2:  csrr t0, time
    sub t0, t0, t2
    blt t0, t3, 2b
    addi s1, s1, -1
    bnez s1, round
    /* a wait that counts its iterations: every one executes */
    csrr t0, time
    li t1, 300
    add t1, t0, t1
    li t4, 0
3:  addi t4, t4, 1
    csrr t0, time
    bltu t0, t1, 3b
    li a0, '\n'
    call putc
    li t0, 1
    la t1, tohost
    sd t0, 0(t1)
4:  j 4b

/* a0 = ticks to wait */
udelay:
    addi sp, sp, -32
    sd ra, 24(sp)
    sd s0, 16(sp)
    sd a0, 8(sp)
    call get_ticks
    ld t0, 8(sp)
    add s0, a0, t0              /* the deadline */
5:  call get_ticks
    bltu a0, s0, 5b
    ld ra, 24(sp)
    ld s0, 16(sp)
    addi sp, sp, 32
    ret

/* The time, through a store and a load on the stack, as U-Boot's timer_get_count. */
get_ticks:
    addi sp, sp, -16
    sd ra, 8(sp)
    csrr a1, time
    sd a1, 0(sp)
    ld a0, 0(sp)
    ld ra, 8(sp)
    addi sp, sp, 16
    ret

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
