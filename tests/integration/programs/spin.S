/* A program that never ends: for --max-insns and --timeout. */
    .section .text.init
    .globl _start
_start:
1:  addi t0, t0, 1
    j 1b
