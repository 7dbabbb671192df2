/*
 * h_stateen.S - Smstateen/Ssstateen: mstateen0 and hstateen0 gating the
 * state-enable CSRs themselves (SE0) and senvcfg/henvcfg (ENVCFG).
 *   mstateen0 bit clear: the CSRs it covers are illegal below M, from VS too
 *     (HS could not reach them either, so no virtual-instruction exception);
 *   mstateen0 bit set, hstateen0 bit clear: senvcfg and sstateen0 from VS
 *     raise virtual-instruction exceptions, HS reaches them;
 *   both set: VS reaches them.
 * Then the writable bits: mstateen0 keeps SE0 and ENVCFG only, mstateen1..3
 * their SE bit; hstateen0 only what mstateen0 has, and loses a bit when
 * mstateen0 clears it; sstateen0 is read-only zero (no state of its own here).
 * hgatp = vsatp = Bare, no delegation. QEMU 7.2 has no Smstateen.
 */
#define SELFTEST_HEXT
#include "selftest.h"

#define SE0     (1 << 63)
#define ENVCFG  (1 << 62)

  TEST_BEGIN
  H_CLEAR_STATE
  csrw mie, zero
  H_INSTALL_HANDLERS

  STATEEN 0, 0
  TEST_ILLEGAL_IN PRV_S, csrr a0, senvcfg
  TEST_ILLEGAL_IN PRV_S, csrr a0, henvcfg
  TEST_ILLEGAL_IN PRV_S, csrr a0, hstateen0
  TEST_ILLEGAL_IN PRV_S, csrr a0, sstateen0
  ILLEGAL_V PRV_S, csrr a0, senvcfg
  ILLEGAL_V PRV_S, csrr a0, sstateen0
  ILLEGAL_V PRV_S, csrr a0, henvcfg
  TEST_OK_IN PRV_M, csrr a0, henvcfg

  STATEEN SE0 | ENVCFG, 0
  TEST_OK_IN PRV_S, csrr a0, senvcfg
  TEST_OK_IN PRV_S, csrr a0, henvcfg
  TEST_OK_IN PRV_S, csrr a0, hstateen0
  TEST_OK_IN PRV_S, csrr a0, sstateen0
  VIRT_INSN PRV_S, csrr a0, senvcfg
  VIRT_INSN PRV_S, csrr a0, sstateen0
  VIRT_INSN PRV_S, csrr a0, henvcfg        /* an H CSR from VS, as without Smstateen */

  STATEEN SE0 | ENVCFG, SE0 | ENVCFG
  OK_V PRV_S, csrr a0, senvcfg
  OK_V PRV_S, csrw sstateen0, zero

  STATEEN ENVCFG, 0                        /* senvcfg open, the stateen CSRs closed */
  TEST_OK_IN PRV_S, csrr a0, senvcfg
  TEST_ILLEGAL_IN PRV_S, csrr a0, hstateen0
  ILLEGAL_V PRV_S, csrr a0, sstateen0

  /* the writable bits */
  TC
  li t0, -1
  csrw mstateen0, t0
  csrw mstateen1, t0
  csrw hstateen0, t0
  csrw sstateen0, t0
  csrr t1, mstateen0
  CHK t1, SE0 | ENVCFG
  csrr t1, mstateen1
  CHK t1, SE0
  csrr t1, hstateen0
  CHK t1, SE0 | ENVCFG
  csrr t1, sstateen0
  CHK t1, 0
  TC
  li t0, ENVCFG
  csrc mstateen0, t0
  csrr t1, hstateen0
  CHK t1, SE0
  li t0, -1
  csrw hstateen0, t0
  csrr t1, hstateen0
  CHK t1, SE0
  STATEEN 0, 0
  csrw mstateen1, zero

  TEST_END
  H_HANDLERS
