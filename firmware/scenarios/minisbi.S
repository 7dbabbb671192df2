/* minisbi: the project's own minimal SBI firmware, just enough to start hv in
 * HS-mode without OpenSBI. M-mode set-up (PMP open, traps and interrupts
 * delegated to S, counters and Sstc's stimecmp given to S), then mret to the
 * next stage at 0x8020_0000 with a0 = hart id, a1 = device tree. Afterwards
 * M-mode only answers ecalls from S (minisbi.c). Other harts park in WFI. */
    .equ NEXT_STAGE, 0x80200000
    .section .text.start, "ax"
    .globl _start
_start:
    csrr t0, mhartid
    bnez t0, park
    la sp, __stack_top
    csrw mscratch, sp
    la t0, trap_vector
    csrw mtvec, t0
    /* PMP entry 0: NAPOT over the whole address space, RWX for S and U. */
    li t0, -1
    csrw pmpaddr0, t0
    li t0, 0x1f
    csrw pmpcfg0, t0
    /* Exceptions S handles itself: misaligned, access faults, illegal,
     * breakpoint, ecall from U and VS, page faults, guest-page faults,
     * virtual instruction. Ecall from S (9) stays here: that is SBI. */
    li t0, 0xf0b5ff
    csrw medeleg, t0
    /* S and VS software/timer/external interrupts and SGEI to S. */
    li t0, 0x1666
    csrw mideleg, t0
    li t0, -1
    csrw mcounteren, t0
    /* Sstc: S programs stimecmp itself (our set_timer writes it for S). */
    li t0, 1
    slli t0, t0, 63
    csrw menvcfg, t0
    li t0, -1
    csrw stimecmp, t0
    /* mret to S-mode (MPP = 1, MPV = 0) at the next stage. */
    li t0, 3 << 11
    csrc mstatus, t0
    li t0, 1 << 11
    csrs mstatus, t0
    li t0, NEXT_STAGE
    csrw mepc, t0
    csrr a0, mhartid
    mret
park:
    wfi
    j park

/* Traps into M-mode: every register into a frame on the M stack (mscratch
 * holds its top), m_trap(frame) in C, and back. */
    .align 2
trap_vector:
    csrrw sp, mscratch, sp
    addi sp, sp, -256
    .irp r, 1,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    sd x\r, (\r * 8)(sp)
    .endr
    csrr t0, mscratch
    sd t0, 16(sp)
    mv a0, sp
    call m_trap
    addi t0, sp, 256
    csrw mscratch, t0
    .irp r, 1,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    ld x\r, (\r * 8)(sp)
    .endr
    ld sp, 16(sp)
    mret
