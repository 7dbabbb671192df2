/*
 * hints.S - the HINT extensions: Zihintpause's pause (fence w,0),
 * Zihintntl's ntl.p1/ntl.pall/ntl.s1/ntl.all (add x0, x0, x2..x5) and their
 * compressed forms c.ntl.* (c.add x0, x2..x5), and Zicbop's prefetch.i/r/w
 * (ori x0 forms). Each is an encoding of an instruction that writes x0, so
 * with or without the extension it changes nothing but pc: this test passes
 * with the default ISA and with --isa rv64gc alike. It checks that each
 * retires (minstret counts it), that the registers it names keep their values,
 * and that an ntl hint before a load or store leaves that access alone.
 * binutils 2.40 has no Zihintntl: its encodings are built here from the
 * specification's table.
 */
#include "selftest.h"

.macro NTL rs2                  /* add x0, x0, rs2 */
  .4byte 0x00000033 | ((\rs2) << 20)
.endm
.macro C_NTL rs2                /* c.add x0, rs2 */
  .2byte 0x9002 | ((\rs2) << 2)
.endm

/* one case: the instructions retire as many as they are and change no register */
.macro HINT_OK insn:vararg
  TC
  li t0, 0x1111
  li t1, 0x2222
  li t2, 0x3333
  mv s0, sp
  mv s1, tp
  csrr a4, minstret
  \insn
  csrr a5, minstret
  sub a5, a5, a4
  CHK a5, 2                     /* the first csrr and the hint */
  CHK t0, 0x1111
  CHK t1, 0x2222
  CHK t2, 0x3333
  CHKR s0, sp
  CHKR s1, tp
.endm

  TEST_BEGIN
  csrw mcountinhibit, zero

  HINT_OK pause
  HINT_OK NTL 2                 /* ntl.p1 */
  HINT_OK NTL 3                 /* ntl.pall */
  HINT_OK NTL 4                 /* ntl.s1 */
  HINT_OK NTL 5                 /* ntl.all */
  HINT_OK C_NTL 2               /* c.ntl.p1 */
  HINT_OK C_NTL 3               /* c.ntl.pall */
  HINT_OK C_NTL 4               /* c.ntl.s1 */
  HINT_OK C_NTL 5               /* c.ntl.all */
  la a0, hdata
  HINT_OK prefetch.i 0(a0)
  HINT_OK prefetch.r 32(a0)
  HINT_OK prefetch.w 64(a0)

  /* a hint before a memory access: the access happens as it would without */
  TC
  la a0, hdata
  li a1, 0x77
  NTL 5
  sd a1, 0(a0)
  C_NTL 2
  ld a2, 0(a0)
  CHK a2, 0x77

  TEST_END

  .data
  .align 6
hdata: .dword 0, 0, 0, 0, 0, 0, 0, 0
