/* WFI with the machine timer enabled in mie but mstatus.MIE clear, and
 * mtimecmp 2^40 ticks (30 hours of guest time) ahead: the interrupt is never
 * taken; once the timer reaches it, WFI only falls through. The program
 * never ends; run limits must stop it while it sleeps and after. */
    .section .text.init
    .globl _start
_start:
    csrci mstatus, 8            /* MIE */
    li t0, 0x0200bff8           /* CLINT mtime */
    ld t1, 0(t0)
    li t2, 1
    slli t2, t2, 40
    add t1, t1, t2
    li t0, 0x02004000           /* CLINT mtimecmp, hart 0 */
    sd t1, 0(t0)
    li t0, 1 << 7               /* MTIE */
    csrw mie, t0
1:  wfi
    j 1b
