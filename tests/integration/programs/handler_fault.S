/* The shape of riscv-tests' `v` environment run without an extension its
 * M-mode code was compiled for: a Zba instruction before any test, whose
 * illegal-instruction trap enters a handler that stores to a stack where
 * there is no memory, so each trap's handler traps again at the same store.
 * With Zba the program reports pass through HTIF. Built with -march=..._zba. */
    .section .text.init
    .globl _start
_start:
    la t0, trap_vector
    csrw mtvec, t0
    li sp, 0x40000000
    sh2add a0, a0, a1
    li t0, 1
    la t1, tohost
    sd t0, 0(t1)
1:  j 1b

    .align 2
trap_vector:
    j wtf
wtf:
    addi sp, sp, -16
    sd ra, 8(sp)
    li t0, (841 << 1) | 1
    la t1, tohost
    sd t0, 0(t1)
2:  j 2b

    .section .tohost, "aw", @progbits
    .align 6
    .globl tohost
tohost: .dword 0
    .align 6
    .globl fromhost
fromhost: .dword 0
