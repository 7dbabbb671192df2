/* WFI with every interrupt disabled and no timer armed: nothing can wake the hart. */
    .section .text.init
    .globl _start
_start:
    csrw mie, zero
1:  wfi
    j 1b
