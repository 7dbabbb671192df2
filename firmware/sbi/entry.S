/* firmware/sbi's entry: every hart arrives here from the boot ROM with
 * a0 = hart id, a1 = device tree, a2 = fw_dynamic information. Per hart:
 * its M stack, the trap vector, PMP open for S, traps and interrupts
 * delegated to S (as OpenSBI does for a hypervisor), counters for S. Then
 * the boot hart (hart 0) learns from the device tree which harts exist and
 * enters the next stage in S-mode; the others wait, HSM-STOPPED, until a
 * hart_start. */
#define STACK_SIZE 4096
#define MAX_HARTS 8

    .section .text.start, "ax"
    .globl _start
_start:
    csrr t0, mhartid
    li t1, MAX_HARTS
    bgeu t0, t1, 9f
    la sp, __stacks
    addi t1, t0, 1
    slli t1, t1, 12
    add sp, sp, t1
    csrw mscratch, sp
    la t1, trap_vector
    csrw mtvec, t1
    csrw mie, zero
    /* PMP entry 0: NAPOT over the whole address space, RWX for S and U. */
    li t1, -1
    csrw pmpaddr0, t1
    li t1, 0x1f
    csrw pmpcfg0, t1
    /* Exceptions S handles itself: misaligned, access faults, illegal,
     * breakpoint, ecall from U and VS, page faults, guest-page faults,
     * virtual instruction. Ecall from S (9) stays here: that is SBI. */
    li t1, 0xf0b5ff
    csrw medeleg, t1
    /* S and VS software/timer/external interrupts and SGEI to S. */
    li t1, 0x1666
    csrw mideleg, t1
    li t1, -1
    csrw mcounteren, t1
    mv s0, a0
    mv s1, a1
    mv s2, a2
    bnez t0, 2f
    /* The boot hart clears .bss (a reset leaves RAM as it was), then lets
     * the others go on. */
    la t1, __bss_start
    la t2, __bss_end
1:  bgeu t1, t2, 3f
    sd zero, 0(t1)
    addi t1, t1, 8
    j 1b
3:  mv a0, s0
    mv a1, s1
    call boot_hart_init
    fence rw, rw
    li t1, 1
    la t2, bss_ready
    sw t1, 0(t2)
    j 4f
2:  la t2, bss_ready
    lw t1, 0(t2)
    beqz t1, 2b
    fence rw, rw
4:  mv a0, s0
    mv a1, s1
    mv a2, s2
    beqz s0, boot_hart_main
    j hart_park
9:  wfi              /* beyond MAX_HARTS: not ours */
    j 9b

/* A stopped hart: its M stack afresh, only the software interrupt enabled
 * (hart_start sends one), and WFI until hart_parked enters S-mode. */
    .globl hart_park
hart_park:
    csrr t0, mhartid
    la sp, __stacks
    addi t0, t0, 1
    slli t0, t0, 12
    add sp, sp, t0
    csrw mscratch, sp
    li t0, 1 << 3
    csrw mie, t0
1:  call hart_parked     /* a hart_start may have come before the hart got here */
    wfi
    j 1b

/* enter_s_mode(addr, a0, a1): mret to S-mode (MPP = 1, MPV = 0) at addr,
 * translation off, with this hart's M stack ready for its traps. */
    .globl enter_s_mode
enter_s_mode:
    csrr t0, mhartid
    la t1, __stacks
    addi t0, t0, 1
    slli t0, t0, 12
    add t1, t1, t0
    csrw mscratch, t1
    li t0, 3 << 11
    csrc mstatus, t0
    li t0, 1 << 11
    csrs mstatus, t0
    li t0, 1
    slli t0, t0, 39          /* MPV */
    csrc mstatus, t0
    csrw satp, zero
    csrw mepc, a0
    li t0, 1 << 3            /* MSIE: IPIs and fences reach M while S runs */
    csrs mie, t0
    mv a0, a1
    mv a1, a2
    mret

/* long try_csr_set_mstateen0(uint64_t bits): 0 when mstateen0 (Smstateen)
   exists, else mcause. */
    .globl try_csr_set_mstateen0
try_csr_set_mstateen0:
    csrr t0, mtvec
    la t1, 1f
    csrw mtvec, t1
    csrs 0x30c, a0
    li a0, 0
    csrw mtvec, t0
    ret
    .align 2
1:  csrr a0, mcause
    csrw mtvec, t0
    ret

/* long try_csr_probe_hgeie(uint64_t *bits): the hgeie bits that stick
   (GEILEN of them, H extension), hgeie left zero; 0, else mcause. */
    .globl try_csr_probe_hgeie
try_csr_probe_hgeie:
    csrr t0, mtvec
    la t1, 1f
    csrw mtvec, t1
    li t2, -1
    csrw 0x607, t2
    csrr t2, 0x607
    csrw 0x607, zero
    sd t2, 0(a0)
    li a0, 0
    csrw mtvec, t0
    ret
    .align 2
1:  csrr a0, mcause
    csrw mtvec, t0
    ret

/* long try_csr_read_stimecmp(void): 0 when stimecmp exists, else mcause. */
    .globl try_csr_read_stimecmp
try_csr_read_stimecmp:
    csrr t0, mtvec
    la t1, 1f
    csrw mtvec, t1
    li a0, 0
    csrr t1, 0x14d
    csrw mtvec, t0
    ret
    .align 2
1:  csrr a0, mcause
    csrw mtvec, t0
    ret

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

    .section .data
    .balign 4
bss_ready:
    .word 0
