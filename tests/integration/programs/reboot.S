/* A program that asks the syscon for a reset once: the first boot leaves a
 * mark in RAM (outside the image, which a reset copies in again), spins
 * 10000 times and resets; the second boot finds the mark and passes. Its
 * instructions add up over both boots. */
    .section .text.init
    .globl _start
_start:
    li t0, 0x80100000
    li t1, 0x544f4f424552      /* "REBOOT" */
    ld t2, 0(t0)
    beq t2, t1, second
    sd t1, 0(t0)
    li t3, 10000
1:  addi t3, t3, -1
    bnez t3, 1b
    li t4, 0x100000            /* syscon */
    li t5, 0x7777              /* reset */
    sw t5, 0(t4)
2:  j 2b
second:
    sd zero, 0(t0)
    li t0, 1
    la t1, tohost
    sd t0, 0(t1)
3:  j 3b

    .section .tohost, "aw", @progbits
    .align 6
    .globl tohost
tohost: .dword 0
    .align 6
    .globl fromhost
fromhost: .dword 0
