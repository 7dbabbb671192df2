/* A program that reports failure of test 3 through HTIF, the way a failing
 * riscv-test does: tohost = (3 << 1) | 1. */
    .section .text.init
    .globl _start
_start:
    li t0, (3 << 1) | 1
    la t1, tohost
    sd t0, 0(t1)
1:  j 1b

    .section .tohost, "aw", @progbits
    .align 6
    .globl tohost
tohost: .dword 0
    .align 6
    .globl fromhost
fromhost: .dword 0
