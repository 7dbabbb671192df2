/* sbitest's entry: the boot hart at _start, the others at secondary_start
 * (through HSM hart_start), each on its own stack; traps to trap_handler. */
#define STACK_SIZE 4096
    .section .text.start, "ax"
    .globl _start
_start:
    la sp, stacks + STACK_SIZE
    la t0, __bss_start
    la t1, __bss_end
1:  bgeu t0, t1, 2f
    sd zero, 0(t0)
    addi t0, t0, 8
    j 1b
2:  la t0, trap_entry
    csrw stvec, t0
    call main
3:  j 3b

    .globl secondary_start
secondary_start:
    la sp, stacks + STACK_SIZE
    addi t0, a0, 1
    slli t0, t0, 12
    add sp, sp, t0
    la t0, trap_entry
    csrw stvec, t0
    call secondary_main
4:  j 4b

    .align 2
trap_entry:
    addi sp, sp, -136
    sd ra, 0(sp)
    sd t0, 8(sp)
    sd t1, 16(sp)
    sd t2, 24(sp)
    sd a0, 32(sp)
    sd a1, 40(sp)
    sd a2, 48(sp)
    sd a3, 56(sp)
    sd a4, 64(sp)
    sd a5, 72(sp)
    sd a6, 80(sp)
    sd a7, 88(sp)
    sd t3, 96(sp)
    sd t4, 104(sp)
    sd t5, 112(sp)
    sd t6, 120(sp)
    csrr a0, scause
    call trap_handler
    ld ra, 0(sp)
    ld t0, 8(sp)
    ld t1, 16(sp)
    ld t2, 24(sp)
    ld a0, 32(sp)
    ld a1, 40(sp)
    ld a2, 48(sp)
    ld a3, 56(sp)
    ld a4, 64(sp)
    ld a5, 72(sp)
    ld a6, 80(sp)
    ld a7, 88(sp)
    ld t3, 96(sp)
    ld t4, 104(sp)
    ld t5, 112(sp)
    ld t6, 120(sp)
    addi sp, sp, 136
    sret

    .section .bss
    .balign 16
stacks:
    .space 5 * STACK_SIZE
