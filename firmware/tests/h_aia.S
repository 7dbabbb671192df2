/*
 * h_aia.S - Smaia/Ssaia with IMSICs (machine option --aia aplic-imsic; QEMU
 * -M virt,aia=aplic-imsic,aia-guests=7), hart 0, GEILEN = 7. The spec is the
 * AIA's (github riscv/riscv-aia: src/CSRs.adoc, src/IMSIC.adoc,
 * src/VSLevel.adoc, src/MSLevel.adoc):
 *   the indirect registers: miselect/mireg, siselect/sireg and
 *     vsiselect/vsireg reach eidelivery, eithreshold and the eip/eie arrays of
 *     the M, S and VGEIN-selected guest file; bit 0 of eip0/eie0 read-only
 *     zero; odd eip/eie and odd iprio numbers do not exist on RV64 (illegal);
 *   an MSI written to an interrupt file's page (seteipnum_le) makes an identity
 *     pending: mip.MEIP/SEIP, hgeip and, with hgeie, SGEIP; VGEIN selects the
 *     guest file behind hip.VSEIP, vstopei and vsireg;
 *   *topei report identity and priority (bits 26:16 and 10:0); a CSRRW claims
 *     the reported identity; eithreshold hides identities at or above it;
 *   mtopi/stopi/vstopi report the highest pending-and-enabled interrupt's IID;
 *   the VS rules: vsireg from VS is a virtual instruction, and so is sireg
 *     (really vsireg) with vsiselect in 0x30..0x3f, or in 0x70..0xff without
 *     a guest file (VGEIN = 0), or odd; stopei from VS without a guest file;
 *     from HS the same accesses of vsireg/vstopei are illegal; siselect from
 *     VU is a virtual instruction, from U illegal; hvictl.VTI makes the
 *     guest's sip/sie accesses virtual instructions;
 *   hvictl.VTI with IID != 9: an interrupt of that IID taken in VS (vscause);
 *   the write masks of hgeie (GEILEN:1), hvictl and hstatus.VGEIN.
 * mideleg delegates S interrupts; hgatp = vsatp = Bare.
 */
#define SELFTEST_HEXT
#include "selftest.h"

#define MISELECT  0x350
#define MIREG     0x351
#define MTOPEI    0x35c
#define MTOPI     0xfb0
#define SISELECT  0x150
#define SIREG     0x151
#define STOPEI    0x15c
#define STOPI     0xdb0
#define VSISELECT 0x250
#define VSIREG    0x251
#define VSTOPEI   0x25c
#define VSTOPI    0xeb0
#define HVICTL    0x609
#define HGEIE     0x607
#define HGEIP     0xe12

#define EIDELIVERY  0x70
#define EITHRESHOLD 0x72
#define EIP0        0x80
#define EIE0        0xc0

#define IMSIC_M     0x24000000
#define IMSIC_S     0x28000000     /* hart 0: S file, then guests 1..7 a page each */
#define HVICTL_VTI  (1 << 30)
#define STATEEN_AIA ((1 << 60) | (1 << 59) | (1 << 58))   /* CSRIND, AIA, IMSIC */
#define INTR(n) (0x8000000000000000 | (n))

/* write value v to indirect register sel through the (sel csr, reg csr) pair (M-mode) */
.macro IWRITE selcsr, regcsr, sel, v
  li t0, \sel
  csrw \selcsr, t0
  li t0, \v
  csrw \regcsr, t0
.endm

/* an MSI: identity id to the page at address a */
.macro MSI a, id
  li t0, \a
  li t1, \id
  sw t1, 0(t0)
  fence
.endm

/* fail unless (CSR >> 16) & 0xfff == iid */
.macro CHK_IID csr, iid
  csrr t1, \csr
  srli t1, t1, 16
  andi t1, t1, 0x7ff
  CHK t1, \iid
.endm

  TEST_BEGIN
  csrw hgatp, zero
  csrw vsatp, zero
  csrw hedeleg, zero
  li t0, MIP_SSIP | MIP_STIP | MIP_SEIP
  csrw mideleg, t0
  csrw mie, zero
  H_INSTALL_HANDLERS
  /* With Smstateen, open the AIA's state to S and VS (mstateen0/hstateen0
     CSRIND, AIA, IMSIC); without it (QEMU 7.2) the writes trap and are skipped. */
  li t0, STATEEN_AIA
  EXPECT_TRAP_SKIP
  csrs 0x30c, t0
  EXPECT_NONE
  EXPECT_TRAP_SKIP
  csrs 0x60c, t0
  EXPECT_NONE

  /* ---- the M file through miselect/mireg ---- */
  TC                              # eidelivery and eithreshold hold what is written
  IWRITE MISELECT, MIREG, EIDELIVERY, 1
  csrr t1, MIREG
  CHK t1, 1
  IWRITE MISELECT, MIREG, EITHRESHOLD, 5
  csrr t1, MIREG
  CHK t1, 5
  IWRITE MISELECT, MIREG, EITHRESHOLD, 0
  TC                              # eie0: bit 0 (identity 0) read-only zero
  IWRITE MISELECT, MIREG, EIE0, -1
  csrr t1, MIREG
  CHK t1, -2
  IWRITE MISELECT, MIREG, EIE0, 0
  TC                              # odd eip/eie: illegal on RV64
  li t0, EIP0 + 1
  csrw MISELECT, t0
  EXPECT_TRAP 1f
2:csrr a0, MIREG
  j fail
1:CHK_TRAP TR_CAUSE, CAUSE_ILLEGAL_INSN
  CHK_TRAP_ADDR TR_EPC, 2b
  TC                              # iprio0 reads (zero here); odd iprio1: illegal on RV64
  li t0, 0x30
  csrw MISELECT, t0
  csrr a0, MIREG
  li t0, 0x31
  csrw MISELECT, t0
  EXPECT_TRAP 1f
2:csrr a0, MIREG
  j fail
1:CHK_TRAP TR_CAUSE, CAUSE_ILLEGAL_INSN

  /* ---- an MSI into the M file ---- */
  TC                              # seteipnum_le makes identity 5 pending: MEIP, mtopei, mtopi
  IWRITE MISELECT, MIREG, EIE0, 1 << 5
  MSI IMSIC_M, 5
  li t0, EIP0
  csrw MISELECT, t0
  csrr t1, MIREG
  CHK t1, 1 << 5
  csrr t1, mip
  CHK_BIT t1, IRQ_MEI, 1
  csrr t1, MTOPEI
  CHK t1, (5 << 16) | 5
  li t0, MIP_MEIP
  csrw mie, t0
  CHK_IID MTOPI, IRQ_MEI
  TC                              # eithreshold 5 hides identity 5 (and MEIP); 6 shows it again
  IWRITE MISELECT, MIREG, EITHRESHOLD, 5
  csrr t1, MTOPEI
  CHK t1, 0
  csrr t1, mip
  CHK_BIT t1, IRQ_MEI, 0
  CHK_CSR MTOPI, 0
  IWRITE MISELECT, MIREG, EITHRESHOLD, 6
  csrr t1, MTOPEI
  CHK t1, (5 << 16) | 5
  TC                              # csrrw mtopei claims what it reads
  MSI IMSIC_M, 9                  # (not enabled: stays pending, not reported)
  csrrw t1, MTOPEI, zero
  CHK t1, (5 << 16) | 5
  csrr t1, MTOPEI
  CHK t1, 0
  csrr t1, mip
  CHK_BIT t1, IRQ_MEI, 0
  li t0, EIP0
  csrw MISELECT, t0
  csrr t1, MIREG
  CHK t1, 1 << 9
  csrw MIREG, zero
  csrw mie, zero
  IWRITE MISELECT, MIREG, EIDELIVERY, 0
  IWRITE MISELECT, MIREG, EIE0, 0

  /* ---- the S file ---- */
  TC                              # through siselect/sireg from S-mode; SEIP and stopei, stopi
  IWRITE SISELECT, SIREG, EIDELIVERY, 1
  IWRITE SISELECT, SIREG, EIE0 + 2, 1 << 1        # identity 65
  MSI IMSIC_S, 65
  csrr t1, mip
  CHK_BIT t1, IRQ_SEI, 1
  li t0, MIP_SEIP
  csrw mie, t0
  EXPECT_TRAP 1f
  DROP_TO PRV_S
  csrr a1, STOPEI
  csrr a2, STOPI
  ecall
1:CHK_TRAP TR_CAUSE, CAUSE_ECALL_S
  CHK a1, (65 << 16) | 65
  srli a2, a2, 16
  CHK a2, IRQ_SEI
  TC                              # mtopi leaves the delegated SEI out
  CHK_CSR MTOPI, 0
  csrrw t1, STOPEI, zero
  CHK t1, (65 << 16) | 65
  csrr t1, mip
  CHK_BIT t1, IRQ_SEI, 0
  csrw mie, zero
  IWRITE SISELECT, SIREG, EIDELIVERY, 0

  /* ---- hgeie, hvictl, VGEIN ---- */
  TC                              # hgeie: bits GEILEN:1 (GEILEN = 7)
  li t0, -1
  csrw HGEIE, t0
  csrr t1, HGEIE
  CHK t1, 0xfe
  csrw HGEIE, zero
  TC                              # hvictl: VTI, IID, DPR, IPRIOM, IPRIO
  li t0, -1
  csrw HVICTL, t0
  csrr t1, HVICTL
  CHK t1, 0x4fff03ff
  csrw HVICTL, zero
  TC                              # hstatus.VGEIN holds 1..GEILEN
  li t0, 7 << 12
  csrs hstatus, t0
  csrr t1, hstatus
  li t0, HSTATUS_VGEIN
  and t1, t1, t0
  CHK t1, 7 << 12
  li t0, HSTATUS_VGEIN
  csrc hstatus, t0

  /* ---- guest file 1 ---- */
  TC                              # VGEIN = 1: vsiselect/vsireg reach guest file 1; its MSI page is S + 4K
  li t0, 1 << 12
  csrs hstatus, t0
  IWRITE VSISELECT, VSIREG, EIDELIVERY, 1
  IWRITE VSISELECT, VSIREG, EIE0, 1 << 3
  MSI IMSIC_S + 0x1000, 3
  CHK_CSR HGEIP, 1 << 1
  csrr t1, VSTOPEI
  CHK t1, (3 << 16) | 3
  csrr t1, hip
  CHK_BIT t1, IRQ_VSEI, 1
  CHK_BIT t1, IRQ_SGEI, 0
  TC                              # hgeie bit 1: SGEIP
  li t0, 1 << 1
  csrw HGEIE, t0
  csrr t1, hip
  CHK_BIT t1, IRQ_SGEI, 1
  csrw HGEIE, zero
  TC                              # VGEIN = 2: another file; VSEIP follows VGEIN, hgeip does not
  li t0, HSTATUS_VGEIN
  csrc hstatus, t0
  li t0, 2 << 12
  csrs hstatus, t0
  csrr t1, hip
  CHK_BIT t1, IRQ_VSEI, 0
  CHK_CSR HGEIP, 1 << 1
  CHK_CSR VSTOPEI, 0
  li t0, HSTATUS_VGEIN
  csrc hstatus, t0
  li t0, 1 << 12
  csrs hstatus, t0
  TC                              # the guest's view: sireg and stopei in VS reach guest file 1
  li t0, EIP0
  csrw VSISELECT, t0
  EXPECT_TRAP 1f
  DROP_TO_V PRV_S
  csrr a1, SIREG
  csrr a2, STOPEI
  ecall
1:CHK_TRAP TR_CAUSE, CAUSE_ECALL_VS
  CHK a1, 1 << 3
  CHK a2, (3 << 16) | 3
  TC                              # the VS external interrupt is taken in VS: vscause 2^63 + 9, vstopi IID 9
  li t0, MIP_VSEIP
  csrw hideleg, t0
  csrw hie, t0
  CHK_IID VSTOPI, 9
  VS_CLEAR
  li t0, (2 << 32) | MSTATUS_SIE
  csrw vsstatus, t0
  EXPECT_TRAP 1f
  DROP_TO_V PRV_S
  nop
  nop
  j fail
1:CHK_TRAP TR_CAUSE, CAUSE_ECALL_VS
  CHK_VS VR_CAUSE, INTR(9)
  csrw hie, zero
  csrw hideleg, zero
  TC                              # csrrw vstopei claims in guest file 1
  csrrw t1, VSTOPEI, zero
  CHK t1, (3 << 16) | 3
  CHK_CSR HGEIP, 0
  csrr t1, hip
  CHK_BIT t1, IRQ_VSEI, 0

  /* ---- the access rules from VS, VU, HS and U ---- */
  li t0, EIDELIVERY
  csrw VSISELECT, t0
  OK_V PRV_S, csrr a0, SIREG               /* vsiselect 0x70 with a guest file */
  VIRT_INSN PRV_S, csrr a0, VSIREG         /* vsireg itself from VS */
  li t0, 0x30
  csrw VSISELECT, t0
  VIRT_INSN PRV_S, csrr a0, SIREG          /* no iprio array at VS level */
  TEST_ILLEGAL_IN PRV_S, csrr a0, VSIREG   /* ... inaccessible from HS too */
  li t0, EIP0 + 1
  csrw VSISELECT, t0
  VIRT_INSN PRV_S, csrr a0, SIREG          /* odd eip */
  li t0, HSTATUS_VGEIN
  csrc hstatus, t0                         /* VGEIN = 0: no guest file */
  li t0, EIDELIVERY
  csrw VSISELECT, t0
  VIRT_INSN PRV_S, csrr a0, SIREG
  VIRT_INSN PRV_S, csrr a0, STOPEI
  TEST_ILLEGAL_IN PRV_S, csrr a0, VSIREG
  TEST_ILLEGAL_IN PRV_S, csrr a0, VSTOPEI
  VIRT_INSN PRV_U, csrr a0, SISELECT
  TEST_ILLEGAL_IN PRV_U, csrr a0, SISELECT
  TEST_ILLEGAL_IN PRV_S, csrr a0, MTOPEI
  TEST_ILLEGAL_IN PRV_S, csrr a0, MISELECT
  VIRT_INSN PRV_S, csrr a0, HVICTL
  OK_V PRV_S, csrr a0, STOPI               /* vstopi */
  OK_V PRV_S, csrr a0, sip
  li t0, HVICTL_VTI | (9 << 16)            /* VTI: the guest's sip and sie trap */
  csrw HVICTL, t0
  VIRT_INSN PRV_S, csrr a0, sip
  VIRT_INSN PRV_S, csrw sie, zero
  csrw HVICTL, zero

  /* ---- hvictl's own interrupt ---- */
  TC                              # VTI = 1, IID = 13: vstopi says 13 ...
  li t0, HVICTL_VTI | (13 << 16)
  csrw HVICTL, t0
  CHK_IID VSTOPI, 13
  TC                              # ... and VS takes it (vscause 2^63 + 13)
  VS_CLEAR
  li t0, (2 << 32) | MSTATUS_SIE
  csrw vsstatus, t0
  EXPECT_TRAP 1f
  DROP_TO_V PRV_S
  nop
  nop
  j fail
1:CHK_TRAP TR_CAUSE, CAUSE_ECALL_VS
  CHK_VS VR_CAUSE, INTR(13)
  csrw HVICTL, zero
  CHK_CSR VSTOPI, 0

  TEST_END
  H_HANDLERS
