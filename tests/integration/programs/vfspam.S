/* Writes to the SR-IOV console's VF 0 without end (--demo-devices): the
   host keeps a bounded tail of it, whatever the guest sends. */
    .section .text.init
    .globl _start
_start:
    li   t0, 0x10010000      /* the PF */
    li   t1, 1
    sw   t1, 4(t0)           /* NUM_VFS = 1 */
    li   t2, 0x10011000      /* VF 0's TX */
    li   t3, 'x'
1:  sw   t3, 0(t2)
    sw   t3, 0(t2)
    sw   t3, 0(t2)
    sw   t3, 0(t2)
    j    1b
