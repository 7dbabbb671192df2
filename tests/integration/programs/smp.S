/* Four harts: each adds 1000 to a shared counter with amoadd and 1000 more
 * with an lr/sc loop, then the last to finish wakes hart 0 with a software
 * interrupt through the CLINT (msip); hart 0 sleeps in WFI until then and
 * checks the total. Passes through tohost. Run with --harts 4. */
#define CLINT_MSIP 0x02000000
#define NHARTS 4
#define ADDS 1000
    .section .text.init
    .globl _start
_start:
    la t0, trap
    csrw mtvec, t0
    csrr s0, mhartid
    la s1, counter
    li t1, ADDS
1:  li t2, 1
    amoadd.d zero, t2, (s1)
    addi t1, t1, -1
    bnez t1, 1b
    li t1, ADDS
2:  lr.d t2, (s1)
    addi t2, t2, 1
    sc.d t3, t2, (s1)
    bnez t3, 2b
    addi t1, t1, -1
    bnez t1, 2b
    la s2, finished
    li t2, 1
    amoadd.d t3, t2, (s2)
    li t4, NHARTS - 1
    bne t3, t4, 3f
    li t5, CLINT_MSIP       /* the last one wakes hart 0 */
    li t6, 1
    sw t6, 0(t5)
3:  bnez s0, park
    /* hart 0: wait for the software interrupt (MSIE on, MIE off: WFI still wakes) */
    li t0, 8
    csrw mie, t0
4:  csrr t0, mip
    andi t0, t0, 8
    bnez t0, 5f
    wfi
    j 4b
5:  li t5, CLINT_MSIP
    sw zero, 0(t5)
    ld t0, 0(s1)
    li t1, NHARTS * ADDS * 2
    li a0, 1
    beq t0, t1, 6f
    li a0, (2 << 1) | 1     /* fail: test 2 */
6:  la t1, tohost
    sd a0, 0(t1)
park:
    wfi
    j park
trap:
    li a0, (3 << 1) | 1     /* an unexpected trap: test 3 */
    la t1, tohost
    sd a0, 0(t1)
    j park

    .data
    .align 3
counter: .dword 0
finished: .dword 0

    .section .tohost, "aw", @progbits
    .align 6
    .globl tohost
tohost: .dword 0
    .align 6
    .globl fromhost
fromhost: .dword 0
