/* What Linux's KVM does on every vCPU load (arch/riscv/kvm/vcpu_timer.c):
 * htimedelta = -time (the guest's time starts at 0), vstimecmp = ~0 (no
 * event), with Sstc on for HS and VS (menvcfg.STCE, henvcfg.STCE). No
 * future time reaches ~0, so mip.VSTIP never rises and the program spins
 * until a run limit stops it. Built with -DFIRE, vstimecmp is the guest's
 * time 1000 instead: VSTIP must be clear at first, rise, and the program
 * passes through HTIF. */
    .section .text.init
    .globl _start
_start:
    li t0, 1000                 /* let time move away from 0 first */
1:  csrr t1, time
    bltu t1, t0, 1b
    li t0, 1
    slli t0, t0, 63             /* STCE */
    csrs menvcfg, t0
    csrs henvcfg, t0
    csrr t1, time
    neg t1, t1
    csrw htimedelta, t1
#ifdef FIRE
    li t2, 1000
#else
    li t2, -1
#endif
    csrw vstimecmp, t2
    li t3, 1 << 6               /* mip.VSTIP */
    csrr t4, mip
    and t4, t4, t3
    li t0, (2 << 1) | 1         /* test 2: VSTIP was set at once */
    bnez t4, report
2:  csrr t4, mip
    and t4, t4, t3
    beqz t4, 2b
    li t0, 1
report:
    la t1, tohost
    sd t0, 0(t1)
3:  j 3b

    .section .tohost, "aw", @progbits
    .align 6
    .globl tohost
tohost: .dword 0
    .align 6
    .globl fromhost
fromhost: .dword 0
