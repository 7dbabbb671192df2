/* Writes three known words into the signature region, then passes. */
    .section .text.init
    .globl _start
_start:
    la t0, begin_signature
    li t1, 0x11223344
    sw t1, 0(t0)
    li t1, 0xdeadbeef
    sw t1, 4(t0)
    li t1, 0x00000007
    sw t1, 8(t0)
    li t0, 1
    la t1, tohost
    sd t0, 0(t1)
1:  j 1b

    .section .tohost, "aw", @progbits
    .align 6
    .globl tohost
tohost: .dword 0
    .align 6
    .globl fromhost
fromhost: .dword 0

    .data
    .align 4
    .globl begin_signature
begin_signature:
    .word 0, 0, 0, 0
    .globl end_signature
end_signature:
