/* Entering a guest and coming back from it.
 *
 * hv runs like KVM's vcpu_run loop: C calls vcpu_enter(v), which saves
 * hv's callee-saved registers on hv's stack, loads the guest's registers
 * and srets into VS-mode. Every trap from the guest lands in
 * hv_trap_vector, which saves the guest's registers into v and returns
 * from vcpu_enter as if it were an ordinary call. hv itself runs with
 * sstatus.SIE=0, so the only traps from HS-mode are hv's own bugs. */
#include "hart.h"
#include "vcpu.h"

#define HOST_FRAME 128   /* ra, gp, tp, s0-s11: 15 registers, 16-byte aligned */

    .option arch, +h
    .section .text
    .globl vcpu_enter
vcpu_enter:
    addi sp, sp, -HOST_FRAME
    sd ra, 0(sp)
    sd gp, 8(sp)
    sd tp, 16(sp)
    sd s0, 24(sp)
    sd s1, 32(sp)
    sd s2, 40(sp)
    sd s3, 48(sp)
    sd s4, 56(sp)
    sd s5, 64(sp)
    sd s6, 72(sp)
    sd s7, 80(sp)
    sd s8, 88(sp)
    sd s9, 96(sp)
    sd s10, 104(sp)
    sd s11, 112(sp)
    sd sp, VCPU_HOST_SP(a0)

    ld t0, VCPU_SEPC(a0)
    csrw sepc, t0
    ld t0, VCPU_HSTATUS(a0)       /* SPV=1: sret goes to V=1 */
    csrw hstatus, t0
    ld t0, VCPU_SSTATUS(a0)       /* SPP: VS-mode or VU-mode */
    csrw sstatus, t0
    /* sscratch non-zero tells hv_trap_vector the trap came from a guest. */
    csrw sscratch, a0

    ld x1, VCPU_X(1)(a0)
    ld x2, VCPU_X(2)(a0)
    ld x3, VCPU_X(3)(a0)
    ld x4, VCPU_X(4)(a0)
    ld x5, VCPU_X(5)(a0)
    ld x6, VCPU_X(6)(a0)
    ld x7, VCPU_X(7)(a0)
    ld x8, VCPU_X(8)(a0)
    ld x9, VCPU_X(9)(a0)
    ld x11, VCPU_X(11)(a0)
    ld x12, VCPU_X(12)(a0)
    ld x13, VCPU_X(13)(a0)
    ld x14, VCPU_X(14)(a0)
    ld x15, VCPU_X(15)(a0)
    ld x16, VCPU_X(16)(a0)
    ld x17, VCPU_X(17)(a0)
    ld x18, VCPU_X(18)(a0)
    ld x19, VCPU_X(19)(a0)
    ld x20, VCPU_X(20)(a0)
    ld x21, VCPU_X(21)(a0)
    ld x22, VCPU_X(22)(a0)
    ld x23, VCPU_X(23)(a0)
    ld x24, VCPU_X(24)(a0)
    ld x25, VCPU_X(25)(a0)
    ld x26, VCPU_X(26)(a0)
    ld x27, VCPU_X(27)(a0)
    ld x28, VCPU_X(28)(a0)
    ld x29, VCPU_X(29)(a0)
    ld x30, VCPU_X(30)(a0)
    ld x31, VCPU_X(31)(a0)
    ld x10, VCPU_X(10)(a0)
    sret

    .align 2
    .globl hv_trap_vector
hv_trap_vector:
    csrrw a0, sscratch, a0        /* a0 = vcpu, sscratch = guest a0 */
    beqz a0, hv_self_trap
    sd x1, VCPU_X(1)(a0)
    sd x2, VCPU_X(2)(a0)
    sd x3, VCPU_X(3)(a0)
    sd x4, VCPU_X(4)(a0)
    sd x5, VCPU_X(5)(a0)
    csrr t0, cycle                /* hv's handling starts now */
    sd t0, VCPU_EXIT_CYCLE(a0)
    sd x6, VCPU_X(6)(a0)
    sd x7, VCPU_X(7)(a0)
    sd x8, VCPU_X(8)(a0)
    sd x9, VCPU_X(9)(a0)
    sd x11, VCPU_X(11)(a0)
    sd x12, VCPU_X(12)(a0)
    sd x13, VCPU_X(13)(a0)
    sd x14, VCPU_X(14)(a0)
    sd x15, VCPU_X(15)(a0)
    sd x16, VCPU_X(16)(a0)
    sd x17, VCPU_X(17)(a0)
    sd x18, VCPU_X(18)(a0)
    sd x19, VCPU_X(19)(a0)
    sd x20, VCPU_X(20)(a0)
    sd x21, VCPU_X(21)(a0)
    sd x22, VCPU_X(22)(a0)
    sd x23, VCPU_X(23)(a0)
    sd x24, VCPU_X(24)(a0)
    sd x25, VCPU_X(25)(a0)
    sd x26, VCPU_X(26)(a0)
    sd x27, VCPU_X(27)(a0)
    sd x28, VCPU_X(28)(a0)
    sd x29, VCPU_X(29)(a0)
    sd x30, VCPU_X(30)(a0)
    sd x31, VCPU_X(31)(a0)
    csrrw t0, sscratch, zero      /* guest a0; sscratch = 0: back in hv */
    sd t0, VCPU_X(10)(a0)
    csrr t0, sepc
    sd t0, VCPU_SEPC(a0)

    ld sp, VCPU_HOST_SP(a0)
    ld ra, 0(sp)
    ld gp, 8(sp)
    ld tp, 16(sp)
    ld s0, 24(sp)
    ld s1, 32(sp)
    ld s2, 40(sp)
    ld s3, 48(sp)
    ld s4, 56(sp)
    ld s5, 64(sp)
    ld s6, 72(sp)
    ld s7, 80(sp)
    ld s8, 88(sp)
    ld s9, 96(sp)
    ld s10, 104(sp)
    ld s11, 112(sp)
    addi sp, sp, HOST_FRAME
    ret                           /* from vcpu_enter */

hv_self_trap:
    csrrw a0, sscratch, a0        /* a0 back, sscratch = 0 again */
    /* An access hv expected might fault (hv_try_hlvx_hu) resumes at its
     * recovery point; anything else is a bug in hv. sscratch holds t0
     * meanwhile (it is 0 again when hv runs). */
    csrw sscratch, t0
    ld t0, PCPU_FAULT_RECOVER(tp)
    beqz t0, 1f
    csrw sepc, t0
    sd zero, PCPU_FAULT_RECOVER(tp)
    csrrw t0, sscratch, zero
    sret                          /* SPP=1 (from HS), SPV=0: back to hv */
1:  csrrw t0, sscratch, zero
    j hv_panic_trap               /* C, on hv's stack; does not return */

/* struct { value, scause } hv_try_hlvx_hu(gva): the guest's halfword at gva
 * read as the guest fetches it (VS-stage and G-stage, execute permission),
 * or scause != 0 when that faults. */
    .globl hv_try_hlvx_hu
hv_try_hlvx_hu:
    la t1, 2f
    sd t1, PCPU_FAULT_RECOVER(tp)
    mv a1, zero
    hlvx.hu a0, (a0)
    sd zero, PCPU_FAULT_RECOVER(tp)
    ret
2:  csrr a1, scause               /* the trap cleared the recovery point */
    mv a0, zero
    ret

/* long hv_try_read_vstimecmp(void): 0 when vstimecmp can be read, else the
 * scause of the fault (an illegal instruction on a hart without Sstc). */
    .globl hv_try_read_vstimecmp
hv_try_read_vstimecmp:
    la t1, 2f
    sd t1, PCPU_FAULT_RECOVER(tp)
    csrr a0, 0x24d                /* vstimecmp */
    sd zero, PCPU_FAULT_RECOVER(tp)
    li a0, 0
    ret
2:  csrr a0, scause               /* the trap cleared the recovery point */
    ret

/* long hv_try_write_siselect(value): 0 when HS-mode may use siselect, its
 * own interrupt file's window (Ssaia, mstateen0.CSRIND), else the scause. */
    .globl hv_try_write_siselect
hv_try_write_siselect:
    la t1, 2f
    sd t1, PCPU_FAULT_RECOVER(tp)
    csrw 0x150, a0                /* siselect */
    sd zero, PCPU_FAULT_RECOVER(tp)
    li a0, 0
    ret
2:  csrr a0, scause
    ret

/* long hv_try_set_hstateen0(bits): 0 when hstateen0 (Smstateen) took the
 * bits, else the scause of the fault (no such CSR). */
    .globl hv_try_set_hstateen0
hv_try_set_hstateen0:
    la t1, 2f
    sd t1, PCPU_FAULT_RECOVER(tp)
    csrs 0x60c, a0                /* hstateen0 */
    sd zero, PCPU_FAULT_RECOVER(tp)
    li a0, 0
    ret
2:  csrr a0, scause
    ret

/* long hv_try_write_vsiselect(value): 0 when HS-mode may use vsiselect
 * (Smaia, and mstateen0.CSRIND open where Smstateen is), else the scause. */
    .globl hv_try_write_vsiselect
hv_try_write_vsiselect:
    la t1, 2f
    sd t1, PCPU_FAULT_RECOVER(tp)
    csrw 0x250, a0                /* vsiselect */
    sd zero, PCPU_FAULT_RECOVER(tp)
    li a0, 0
    ret
2:  csrr a0, scause
    ret
