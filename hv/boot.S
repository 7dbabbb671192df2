/* hv's entries from the SBI firmware: HS-mode, translation off.
 * _start: the boot hart, a0 = hart id, a1 = device tree (the firmware
 * holds the others until hv starts them with SBI HSM hart_start).
 * _start_secondary: those others, a0 = hart id, a1 = opaque (unused). */
#define HART_STACK 16384
#define MAX_HARTS 8

    .section .text.boot, "ax"
    .globl _start
_start:
    /* Only the first hart here boots hv. OpenSBI 1.1 on QEMU virt can send a
     * hart that hv starts (HSM) while it is still in its own warm boot to
     * the firmware's next address, here, instead of _start_secondary: as a
     * second boot it would clear .bss under the running hv. */
    la t0, boot_taken
    li t1, 1
    amoswap.w t1, t1, (t0)
    bnez t1, _start_secondary
    la sp, __stack_top
    la t0, __bss_start
    la t1, __bss_end
1:  bgeu t0, t1, 2f
    sd zero, 0(t0)
    addi t0, t0, 8
    j 1b
2:  call hv_main          /* (hartid, fdt); does not return */
3:  wfi
    j 3b

    .globl _start_secondary
_start_secondary:
    li t0, MAX_HARTS
    bgeu a0, t0, 3b
    la sp, hart_stacks
    addi t0, a0, 1
    li t1, HART_STACK
    mul t0, t0, t1
    add sp, sp, t0
    call hv_secondary_main   /* (hartid); does not return */
    j 3b

    .section .data
    .balign 4
boot_taken:
    .word 0

    .section .bss
    .balign 16
hart_stacks:
    .space MAX_HARTS * HART_STACK
