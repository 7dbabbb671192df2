/*
 * h_aia_stateen.S - Smstateen with the AIA (machine option --aia aplic-imsic):
 * the three mstateen0/hstateen0 bits for the AIA's state (github
 * riscv/riscv-aia, src/CSRs.adoc, "Access control by the state-enable CSRs"):
 *   bit 60 CSRIND: siselect, sireg, vsiselect, vsireg;
 *   bit 59 AIA: the rest of the AIA's state (stopi, vstopi, hvien, hvictl,
 *     hviprio1/2, the iprio array through siselect + sireg);
 *   bit 58 IMSIC: the IMSIC's state (stopei, vstopei, *ireg on 0x70..0xff).
 * A bit clear in mstateen0: illegal below M, from VS and VU too (mstateen0's
 * CSRIND clear even overrides VU's virtual instruction for siselect); M-mode
 * unaffected; hgeie/hgeip not gated. Set there and clear in hstateen0: from
 * VS a virtual instruction for siselect/sireg (CSRIND), stopi (AIA), stopei
 * and sireg on the guest file (IMSIC); HS unaffected. hstateen0 holds only
 * what mstateen0 has. hstatus.VGEIN = 1 for the VS cases (guest file 1).
 * QEMU 7.2 has no Smstateen.
 */
#define SELFTEST_HEXT
#include "selftest.h"

#define SISELECT  0x150
#define SIREG     0x151
#define STOPEI    0x15c
#define STOPI     0xdb0
#define VSISELECT 0x250
#define VSIREG    0x251
#define VSTOPEI   0x25c
#define VSTOPI    0xeb0
#define HVIEN     0x608
#define HVICTL    0x609
#define HVIPRIO1  0x646
#define HVIPRIO2  0x647
#define HGEIE     0x607
#define HGEIP     0xe12

#define SE0     (1 << 63)
#define ENVCFG  (1 << 62)
#define CSRIND  (1 << 60)
#define AIA     (1 << 59)
#define IMSIC   (1 << 58)
#define ALL     (CSRIND | AIA | IMSIC)
#define EIDELIVERY 0x70            /* an IMSIC register */
#define IPRIO0     0x30            /* an iprio register (S level) */

/* siselect (S) and vsiselect, written from M-mode */
.macro SELECT s, vs
  li t0, \s
  csrw SISELECT, t0
  li t0, \vs
  csrw VSISELECT, t0
.endm

  TEST_BEGIN
  H_CLEAR_STATE
  csrw mie, zero
  H_INSTALL_HANDLERS
  li t0, 1 << 12                   /* hstatus.VGEIN = 1 */
  csrs hstatus, t0

  /* ---- the writable bits ---- */
  TC                               # mstateen0 and hstateen0 take the three bits
  li t0, -1
  csrw mstateen0, t0
  csrw hstateen0, t0
  csrr t1, mstateen0
  CHK t1, SE0 | ENVCFG | ALL
  csrr t1, hstateen0
  CHK t1, SE0 | ENVCFG | ALL
  TC                               # hstateen0 loses what mstateen0 clears, and cannot set it
  li t0, AIA
  csrc mstateen0, t0
  li t0, -1
  csrw hstateen0, t0
  csrr t1, hstateen0
  CHK t1, SE0 | ENVCFG | CSRIND | IMSIC

  /* ---- mstateen0: all three clear ---- */
  STATEEN SE0, 0
  SELECT EIDELIVERY, EIDELIVERY
  TEST_ILLEGAL_IN PRV_S, csrr a0, SISELECT
  TEST_ILLEGAL_IN PRV_S, csrr a0, SIREG
  TEST_ILLEGAL_IN PRV_S, csrr a0, VSISELECT
  TEST_ILLEGAL_IN PRV_S, csrr a0, VSIREG
  TEST_ILLEGAL_IN PRV_S, csrr a0, STOPEI
  TEST_ILLEGAL_IN PRV_S, csrr a0, VSTOPEI
  TEST_ILLEGAL_IN PRV_S, csrr a0, STOPI
  TEST_ILLEGAL_IN PRV_S, csrr a0, VSTOPI
  TEST_ILLEGAL_IN PRV_S, csrr a0, HVIEN
  TEST_ILLEGAL_IN PRV_S, csrr a0, HVICTL
  TEST_ILLEGAL_IN PRV_S, csrr a0, HVIPRIO1
  TEST_ILLEGAL_IN PRV_S, csrr a0, HVIPRIO2
  TEST_OK_IN PRV_S, csrr a0, HGEIE         /* hgeie, hgeip: never gated */
  TEST_OK_IN PRV_S, csrr a0, HGEIP
  ILLEGAL_V PRV_S, csrr a0, SISELECT
  ILLEGAL_V PRV_S, csrr a0, SIREG
  ILLEGAL_V PRV_S, csrr a0, STOPI
  ILLEGAL_V PRV_S, csrr a0, STOPEI
  ILLEGAL_V PRV_U, csrr a0, SISELECT       /* not VU's virtual instruction */
  TEST_OK_IN PRV_M, csrr a0, SISELECT
  TEST_OK_IN PRV_M, csrr a0, STOPEI

  /* ---- IMSIC clear: the IMSIC's state only ---- */
  STATEEN SE0 | CSRIND | AIA, ALL
  SELECT EIDELIVERY, EIDELIVERY
  TEST_OK_IN PRV_S, csrr a0, SISELECT
  TEST_ILLEGAL_IN PRV_S, csrr a0, SIREG
  TEST_ILLEGAL_IN PRV_S, csrr a0, VSIREG
  TEST_ILLEGAL_IN PRV_S, csrr a0, STOPEI
  TEST_ILLEGAL_IN PRV_S, csrr a0, VSTOPEI
  TEST_OK_IN PRV_S, csrr a0, STOPI
  TEST_OK_IN PRV_S, csrr a0, HGEIP
  ILLEGAL_V PRV_S, csrr a0, SIREG          /* vsireg on guest file 1 */
  ILLEGAL_V PRV_S, csrr a0, STOPEI
  OK_V PRV_S, csrr a0, STOPI
  SELECT IPRIO0, EIDELIVERY
  TEST_OK_IN PRV_S, csrr a0, SIREG         /* the iprio array is the AIA bit's */

  /* ---- AIA clear: the rest of the AIA's state ---- */
  STATEEN SE0 | CSRIND | IMSIC, ALL
  SELECT IPRIO0, EIDELIVERY
  TEST_ILLEGAL_IN PRV_S, csrr a0, SIREG
  TEST_ILLEGAL_IN PRV_S, csrr a0, STOPI
  TEST_ILLEGAL_IN PRV_S, csrr a0, VSTOPI
  TEST_ILLEGAL_IN PRV_S, csrr a0, HVIEN
  TEST_ILLEGAL_IN PRV_S, csrr a0, HVICTL
  TEST_ILLEGAL_IN PRV_S, csrr a0, HVIPRIO1
  TEST_ILLEGAL_IN PRV_S, csrr a0, HVIPRIO2
  TEST_OK_IN PRV_S, csrr a0, STOPEI
  TEST_OK_IN PRV_S, csrr a0, VSIREG        /* vsiselect 0x70: the guest file's */
  ILLEGAL_V PRV_S, csrr a0, STOPI
  OK_V PRV_S, csrr a0, STOPEI
  OK_V PRV_S, csrr a0, SIREG
  SELECT EIDELIVERY, EIDELIVERY
  TEST_OK_IN PRV_S, csrr a0, SIREG

  /* ---- CSRIND clear: only the four select/register CSRs ---- */
  STATEEN SE0 | AIA | IMSIC, ALL
  TEST_ILLEGAL_IN PRV_S, csrr a0, SISELECT
  TEST_ILLEGAL_IN PRV_S, csrr a0, SIREG
  TEST_ILLEGAL_IN PRV_S, csrr a0, VSISELECT
  TEST_ILLEGAL_IN PRV_S, csrr a0, VSIREG
  TEST_OK_IN PRV_S, csrr a0, STOPEI
  TEST_OK_IN PRV_S, csrr a0, STOPI
  ILLEGAL_V PRV_S, csrr a0, SISELECT
  OK_V PRV_S, csrr a0, STOPEI

  /* ---- mstateen0 open, hstateen0 closed: virtual instructions from VS ---- */
  STATEEN SE0 | ALL, 0
  SELECT EIDELIVERY, EIDELIVERY
  VIRT_INSN PRV_S, csrr a0, SISELECT
  VIRT_INSN PRV_S, csrr a0, SIREG
  VIRT_INSN PRV_S, csrr a0, STOPI
  VIRT_INSN PRV_S, csrr a0, STOPEI
  VIRT_INSN PRV_U, csrr a0, SISELECT
  TEST_OK_IN PRV_S, csrr a0, SISELECT      /* HS: hstateen0 is not its */
  TEST_OK_IN PRV_S, csrr a0, VSIREG
  TEST_OK_IN PRV_S, csrr a0, VSTOPEI

  STATEEN SE0 | ALL, CSRIND | AIA         /* the guest file closed to VS */
  OK_V PRV_S, csrr a0, SISELECT
  VIRT_INSN PRV_S, csrr a0, SIREG
  VIRT_INSN PRV_S, csrr a0, STOPEI
  OK_V PRV_S, csrr a0, STOPI

  STATEEN SE0 | ALL, CSRIND | IMSIC       /* stopi closed to VS */
  VIRT_INSN PRV_S, csrr a0, STOPI
  OK_V PRV_S, csrr a0, STOPEI
  OK_V PRV_S, csrr a0, SIREG

  STATEEN SE0 | ALL, ALL
  OK_V PRV_S, csrr a0, SISELECT
  OK_V PRV_S, csrr a0, SIREG
  OK_V PRV_S, csrr a0, STOPI
  OK_V PRV_S, csrr a0, STOPEI

  STATEEN 0, 0
  TEST_END
  H_HANDLERS
