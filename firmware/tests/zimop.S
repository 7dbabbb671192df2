/*
 * zimop.S - Zimop and Zcmop, the may-be-operations:
 *   mop.r.N rd, rs1 (N 0..31) and mop.rr.N rd, rs1, rs2 (N 0..7) write 0 to
 *   rd and leave their sources alone (also with rd = rs1, and rd = x0);
 *   c.mop.N (N 1, 3, .., 15) writes no register at all (not xN either).
 * binutils 2.40 has neither: the encodings are built here from the Zimop and
 * Zcmop specifications' tables. QEMU 7.2 has neither (qemu_selftests.py
 * leaves it out). Without them every one of these is an illegal instruction.
 */
#include "selftest.h"

/* mop.r.N: 1 n[4] 00 n[3:2] 0111 n[1:0] rs1 100 rd 1110011 */
.macro MOP_R n, rd, rs1
  .4byte 0x81c04073 | ((((\n) >> 4) & 1) << 30) | ((((\n) >> 2) & 3) << 26) | (((\n) & 3) << 20) | ((\rs1) << 15) | ((\rd) << 7)
.endm
/* mop.rr.N: 1 n[2] 00 n[1:0] 1 rs2 rs1 100 rd 1110011 */
.macro MOP_RR n, rd, rs1, rs2
  .4byte 0x82004073 | ((((\n) >> 2) & 1) << 30) | (((\n) & 3) << 26) | ((\rs2) << 20) | ((\rs1) << 15) | ((\rd) << 7)
.endm
/* c.mop.N: 0110 0 n[3:1] 1 00000 01 */
.macro C_MOP n
  .2byte 0x6081 | ((((\n) >> 1) & 7) << 8)
.endm

  TEST_BEGIN

  .irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
  TC                            /* mop.r.\n a0, a1 */
  li a0, -1
  li a1, 0x1234
  MOP_R \n, 10, 11
  CHK a0, 0
  CHK a1, 0x1234
  TC                            /* mop.r.\n a2, a2 and mop.r.\n zero, a3 */
  li a2, 0x5555
  MOP_R \n, 12, 12
  CHK a2, 0
  li a3, 7
  MOP_R \n, 0, 13
  CHK a3, 7
  .endr

  .irp n, 0,1,2,3,4,5,6,7
  TC                            /* mop.rr.\n a0, a1, a2 */
  li a0, -1
  li a1, 0x1234
  li a2, 0x5678
  MOP_RR \n, 10, 11, 12
  CHK a0, 0
  CHK a1, 0x1234
  CHK a2, 0x5678
  TC                            /* mop.rr.\n a2, a1, a2 and with rd = x0 */
  MOP_RR \n, 12, 11, 12
  CHK a2, 0
  MOP_RR \n, 0, 11, 11
  CHK a1, 0x1234
  .endr

  /* c.mop.N: x1..x15 (but gp, the case number, and sp) hold values they keep */
  TC
  li x1, 101
  li x5, 105
  li x6, 106
  li x7, 107
  li x8, 108
  li x9, 109
  li x10, 110
  li x11, 111
  li x12, 112
  li x13, 113
  li x14, 114
  li x15, 115
  .irp n, 1,3,5,7,9,11,13,15
  C_MOP \n
  .endr
  CHK x1, 101
  CHK x5, 105
  CHK x6, 106
  CHK x7, 107
  CHK x8, 108
  CHK x9, 109
  CHK x10, 110
  CHK x11, 111
  CHK x12, 112
  CHK x13, 113
  CHK x14, 114
  CHK x15, 115
  mv t0, gp
  C_MOP 3
  CHKR gp, t0

  TEST_END
