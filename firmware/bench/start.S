/* stepvisor CPU benchmark: entry (M-mode, hart 0, at 0x8000_0000) and the
 * M-mode trap entry. */

    .section .text.start, "ax"
    .globl _start
_start:
    .option push
    .option norelax
    la      gp, __global_pointer$
    .option pop
    csrr    t0, mhartid
    bnez    t0, park
    la      sp, __stack_top
    la      t0, m_trap_entry
    csrw    mtvec, t0
    la      t0, __mtrap_stack_top
    csrw    mscratch, t0

    /* zero .bss (the loader may or may not have done it) */
    la      t0, __bss_start
    la      t1, __bss_end
1:  bgeu    t0, t1, 2f
    sd      zero, 0(t0)
    addi    t0, t0, 8
    j       1b
2:
    /* enable the FPU: mstatus.FS = Initial */
    li      t0, (1 << 13)
    csrs    mstatus, t0
    fscsr   zero

    call    m_main
park:
    wfi
    j       park

#ifdef BENCH_SMODE
    .text
    .globl s_entry
s_entry:
    la      sp, __sstack_top
    call    s_main
3:  j       3b
#endif

/* M-mode trap entry: swap to the trap stack held in mscratch, save the
 * integer registers as x[0..31], call m_trap(x), restore, mret. */
    .text
    .balign 4
    .globl m_trap_entry
m_trap_entry:
    csrrw   sp, mscratch, sp
    addi    sp, sp, -256
    sd      x1, 8(sp)
    .irp n, 3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    sd      x\n, (\n*8)(sp)
    .endr
    mv      a0, sp
    call    m_trap
    ld      x1, 8(sp)
    .irp n, 3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    ld      x\n, (\n*8)(sp)
    .endr
    addi    sp, sp, 256
    csrrw   sp, mscratch, sp
    mret
