/* hv's entry from the SBI firmware: HS-mode, translation off, a0 = hart id,
 * a1 = device tree. Only the boot hart arrives here (OpenSBI holds the
 * others until an SBI HSM hart_start). */
    .section .text.boot, "ax"
    .globl _start
_start:
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
