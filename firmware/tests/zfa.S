/*
 * zfa.S - Zfa for S, D and H (with Zfh): every fli.s/fli.d/fli.h constant;
 * fminm/fmaxm (any NaN gives the canonical NaN, unlike fmin/fmax; -0 < +0);
 * fround/froundnx in each rounding mode and dyn (froundnx alone raises NX;
 * the sign of a zero result kept; NaNs canonical, NV for a signalling one);
 * fleq/fltq (quiet: NV only for a signalling NaN, unlike fle/flt);
 * fcvtmod.w.d (toward zero modulo 2^32: NV out of int32 range with the
 * modular result, 0 for NaN and infinities; NX for a lost fraction).
 * Expected values: the Zfa specification's table and rules (the binary
 * patterns written out by hand; Spike's riscv/insns/fli_*.h agree).
 * binutils 2.40 has no Zfa: the encodings are built here from the
 * specification's table. QEMU 7.2 has no Zfa (qemu_selftests.py leaves it
 * out). fmvh.x.d and fmvp.d.x exist on RV32 only.
 */
#include "selftest.h"

#define FLAG_NX 1
#define FLAG_NV 16
#define RNE 0
#define RTZ 1
#define RDN 2
#define RUP 3
#define RMM 4
#define DYN 7

/* fd, the constant rs1 selects */
.macro FLI base, rd, i
  .4byte \base | ((\i) << 15) | ((\rd) << 7)
.endm
/* an R-type floating-point instruction: rd, rs1, rs2 (f or x numbers) */
.macro FOP match, rd, rs1, rs2
  .4byte \match | ((\rs2) << 20) | ((\rs1) << 15) | ((\rd) << 7)
.endm
/* fround/froundnx/fcvtmod: rd, rs1 and a rounding mode */
.macro FRM match, rd, rs1, rm
  .4byte \match | ((\rs1) << 15) | ((\rm) << 12) | ((\rd) << 7)
.endm
#define FLI_S 0xf0100053
#define FLI_D 0xf2100053
#define FLI_H 0xf4100053
#define FMINM_S 0x28002053
#define FMAXM_S 0x28003053
#define FMINM_D 0x2a002053
#define FMAXM_D 0x2a003053
#define FMINM_H 0x2c002053
#define FMAXM_H 0x2c003053
#define FROUND_S 0x40400053
#define FROUNDNX_S 0x40500053
#define FROUND_D 0x42400053
#define FROUNDNX_D 0x42500053
#define FROUND_H 0x44400053
#define FROUNDNX_H 0x44500053
#define FLEQ_S 0xa0004053
#define FLTQ_S 0xa0005053
#define FLEQ_D 0xa2004053
#define FLTQ_D 0xa2005053
#define FLEQ_H 0xa4004053
#define FLTQ_H 0xa4005053
#define FCVTMOD_W_D 0xc2800053   /* rm (rtz, 001) added by FRM */

#define FA0 10
#define FA1 11
#define FA2 12
#define A0 10

/* fa1, fa2 := bits a, b moved in by `mv` (fmv.w.x, fmv.d.x, fmv.h.x); fflags := 0 */
.macro LD2 mv, a, b
  li t0, \a
  \mv fa1, t0
  li t0, \b
  \mv fa2, t0
  csrw fflags, zero
.endm
#define SS LD2 fmv.w.x,
#define DD LD2 fmv.d.x,
#define HH LD2 fmv.h.x,
/* fail unless fa0's bits (as `mv`, fmv.x.*, reads them) == v and fflags == fl */
.macro CHKF mv, v, fl
  \mv a1, fa0
  CHK a1, \v
  CHK_CSR fflags, \fl
.endm
#define CHK_S CHKF fmv.x.w,
#define CHK_D CHKF fmv.x.d,
#define CHK_H CHKF fmv.x.h,
.macro CHK_X v, fl
  CHK a0, \v
  CHK_CSR fflags, \fl
.endm

  TEST_BEGIN
  li t0, MSTATUS_FS
  csrs mstatus, t0
  csrw fcsr, zero

  /* ---- fli: every entry, in each format ---- */
  .irp i, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
  TC                            /* fli.s/d/h fa0, entry \i */
  FLI FLI_S, FA0, \i
  fmv.x.w a0, fa0
  la t0, fli_s
  lw t1, 4 * \i(t0)
  CHKR a0, t1
  FLI FLI_D, FA0, \i
  fmv.x.d a0, fa0
  la t0, fli_d
  ld t1, 8 * \i(t0)
  CHKR a0, t1
  FLI FLI_H, FA0, \i
  fmv.x.h a0, fa0
  la t0, fli_h
  lh t1, 2 * \i(t0)
  CHKR a0, t1
  .endr
  TC                            /* NaN-boxed: fli.s and fli.h fill the upper bits with ones */
  FLI FLI_S, FA0, 16
  fmv.x.d a0, fa0
  CHK a0, 0xffffffff3f800000
  FLI FLI_H, FA0, 16
  fmv.x.d a0, fa0
  CHK a0, 0xffffffffffff3c00

  /* ---- fminm / fmaxm ---- */
  TC
  SS 0x3f800000, 0x40000000     /* 1.0, 2.0 */
  FOP FMINM_S, FA0, FA1, FA2
  CHK_S 0x3f800000, 0
  FOP FMAXM_S, FA0, FA1, FA2
  CHK_S 0x40000000, 0
  TC
  SS 0x80000000, 0x00000000     /* -0, +0 */
  FOP FMINM_S, FA0, FA1, FA2
  CHK_S 0xffffffff80000000, 0
  FOP FMAXM_S, FA0, FA2, FA1
  CHK_S 0, 0
  TC                            /* a quiet NaN: canonical NaN, no NV (fmin.s gives 1.0) */
  SS 0x7fc12345, 0x3f800000
  FOP FMINM_S, FA0, FA1, FA2
  CHK_S 0x7fc00000, 0
  FOP FMAXM_S, FA0, FA2, FA1
  CHK_S 0x7fc00000, 0
  fmin.s fa0, fa1, fa2
  CHK_S 0x3f800000, 0
  TC                            /* a signalling NaN: canonical NaN and NV */
  SS 0x3f800000, 0x7f800001
  FOP FMAXM_S, FA0, FA1, FA2
  CHK_S 0x7fc00000, FLAG_NV
  TC
  DD 0x3ff0000000000000, 0x7ff8000000000000
  FOP FMINM_D, FA0, FA1, FA2
  CHK_D 0x7ff8000000000000, 0
  DD 0xc000000000000000, 0x3ff0000000000000   /* -2.0, 1.0 */
  FOP FMINM_D, FA0, FA1, FA2
  CHK_D 0xc000000000000000, 0
  FOP FMAXM_D, FA0, FA1, FA2
  CHK_D 0x3ff0000000000000, 0
  TC
  HH 0x7e00, 0x3c00
  FOP FMAXM_H, FA0, FA1, FA2
  CHK_H 0x7e00, 0
  HH 0x3c00, 0x4000
  FOP FMINM_H, FA0, FA1, FA2
  CHK_H 0x3c00, 0

  /* ---- fround / froundnx ---- */
  TC                            /* 2.5: RNE 2, RMM 3, RUP 3, RDN 2, RTZ 2 */
  SS 0x40200000, 0
  FRM FROUND_S, FA0, FA1, RNE
  CHK_S 0x40000000, 0           /* fround: no NX */
  FRM FROUNDNX_S, FA0, FA1, RNE
  CHK_S 0x40000000, FLAG_NX
  csrw fflags, zero
  FRM FROUND_S, FA0, FA1, RMM
  CHK_S 0x40400000, 0
  FRM FROUND_S, FA0, FA1, RUP
  CHK_S 0x40400000, 0
  FRM FROUND_S, FA0, FA1, RDN
  CHK_S 0x40000000, 0
  FRM FROUND_S, FA0, FA1, RTZ
  CHK_S 0x40000000, 0
  TC                            /* the sign of a zero result stays */
  SS 0xbe800000, 0x3e800000     /* -0.25, 0.25 */
  FRM FROUND_S, FA0, FA1, RUP
  CHK_S 0xffffffff80000000, 0
  FRM FROUND_S, FA0, FA2, RDN
  CHK_S 0, 0
  FRM FROUND_S, FA0, FA1, RDN
  CHK_S 0xffffffffbf800000, 0   /* -1.0 */
  TC                            /* -2.5 toward zero; dyn uses frm */
  SS 0xc0200000, 0
  FRM FROUND_S, FA0, FA1, RTZ
  CHK_S 0xffffffffc0000000, 0
  li t0, RMM
  csrw frm, t0
  FRM FROUNDNX_S, FA0, FA1, DYN
  CHK_S 0xffffffffc0400000, FLAG_NX
  csrw fcsr, zero
  TC                            /* integral already (2^23 + 1), infinity: unchanged, no flags */
  SS 0x4b000001, 0xff800000
  FRM FROUNDNX_S, FA0, FA1, RNE
  CHK_S 0x4b000001, 0
  FRM FROUNDNX_S, FA0, FA2, RNE
  CHK_S 0xffffffffff800000, 0
  TC                            /* NaNs: canonical, NV for the signalling one */
  SS 0x7fc00001, 0x7f800001
  FRM FROUND_S, FA0, FA1, RNE
  CHK_S 0x7fc00000, 0
  FRM FROUND_S, FA0, FA2, RNE
  CHK_S 0x7fc00000, FLAG_NV
  TC
  DD 0x4004000000000000, 0xbff8000000000000   /* 2.5, -1.5 */
  FRM FROUND_D, FA0, FA1, RNE
  CHK_D 0x4000000000000000, 0
  FRM FROUNDNX_D, FA0, FA2, RDN
  CHK_D 0xc000000000000000, FLAG_NX
  TC
  HH 0x4100, 0x3800             /* 2.5, 0.5 */
  FRM FROUND_H, FA0, FA1, RNE
  CHK_H 0x4000, 0
  FRM FROUNDNX_H, FA0, FA2, RUP
  CHK_H 0x3c00, FLAG_NX

  /* ---- fleq / fltq ---- */
  TC
  SS 0x3f800000, 0x40000000     /* 1 < 2 */
  FOP FLTQ_S, A0, FA1, FA2
  CHK_X 1, 0
  FOP FLEQ_S, A0, FA1, FA2
  CHK_X 1, 0
  FOP FLTQ_S, A0, FA2, FA1
  CHK_X 0, 0
  TC
  SS 0x40000000, 0x40000000
  FOP FLTQ_S, A0, FA1, FA2
  CHK_X 0, 0
  FOP FLEQ_S, A0, FA1, FA2
  CHK_X 1, 0
  TC                            /* -0 and +0 are equal */
  SS 0x80000000, 0
  FOP FLTQ_S, A0, FA1, FA2
  CHK_X 0, 0
  FOP FLEQ_S, A0, FA1, FA2
  CHK_X 1, 0
  TC                            /* a quiet NaN: false, no NV (flt.s raises it) */
  SS 0x7fc00000, 0x3f800000
  FOP FLTQ_S, A0, FA1, FA2
  CHK_X 0, 0
  FOP FLEQ_S, A0, FA2, FA1
  CHK_X 0, 0
  flt.s a0, fa1, fa2
  CHK_X 0, FLAG_NV
  TC                            /* a signalling NaN: NV */
  SS 0x3f800000, 0x7f800001
  FOP FLEQ_S, A0, FA1, FA2
  CHK_X 0, FLAG_NV
  TC
  DD 0xc000000000000000, 0x7ff8000000000000
  FOP FLTQ_D, A0, FA1, FA2
  CHK_X 0, 0
  DD 0xc000000000000000, 0x3ff0000000000000
  FOP FLTQ_D, A0, FA1, FA2
  CHK_X 1, 0
  FOP FLEQ_D, A0, FA2, FA1
  CHK_X 0, 0
  TC
  HH 0x7e00, 0x3c00
  FOP FLEQ_H, A0, FA1, FA2
  CHK_X 0, 0
  HH 0x3c00, 0x3c00
  FOP FLEQ_H, A0, FA1, FA2
  CHK_X 1, 0
  FOP FLTQ_H, A0, FA1, FA2
  CHK_X 0, 0

  /* ---- fcvtmod.w.d ---- */
  .macro MOD bits, v, fl
  TC
  li t0, \bits
  fmv.d.x fa1, t0
  csrw fflags, zero
  FRM FCVTMOD_W_D, A0, FA1, RTZ
  CHK_X \v, \fl
  .endm
  MOD 0x3ff8000000000000, 1, FLAG_NX                        /* 1.5 */
  MOD 0xbff8000000000000, -1, FLAG_NX                       /* -1.5 */
  MOD 0x419d6f3454000000, 123456789, 0                      /* exact */
  MOD 0x8000000000000000, 0, 0                              /* -0 */
  MOD 0x01a56e1fc2f8f359, 0, FLAG_NX                        /* 1e-300 */
  MOD 0xc1e0000000000000, 0xffffffff80000000, 0             /* -2^31: in range */
  MOD 0x41e0000000000000, 0xffffffff80000000, FLAG_NV       /* 2^31: modular, NV */
  MOD 0x41e65a0bc0000000, 0xffffffffb2d05e00, FLAG_NV       /* 3e9 */
  MOD 0x41f0000000500000, 5, FLAG_NV                        /* 2^32 + 5 */
  MOD 0x44f0000000000000, 0, FLAG_NV                        /* 2^80 */
  MOD 0x7ff8000000000000, 0, FLAG_NV                        /* NaN */
  MOD 0xfff0000000000000, 0, FLAG_NV                        /* -inf */

  TEST_END

  .data
  .align 3
fli_d:
  .dword 0xbff0000000000000, 0x0010000000000000, 0x3ef0000000000000, 0x3f00000000000000
  .dword 0x3f70000000000000, 0x3f80000000000000, 0x3fb0000000000000, 0x3fc0000000000000
  .dword 0x3fd0000000000000, 0x3fd4000000000000, 0x3fd8000000000000, 0x3fdc000000000000
  .dword 0x3fe0000000000000, 0x3fe4000000000000, 0x3fe8000000000000, 0x3fec000000000000
  .dword 0x3ff0000000000000, 0x3ff4000000000000, 0x3ff8000000000000, 0x3ffc000000000000
  .dword 0x4000000000000000, 0x4004000000000000, 0x4008000000000000, 0x4010000000000000
  .dword 0x4020000000000000, 0x4030000000000000, 0x4060000000000000, 0x4070000000000000
  .dword 0x40e0000000000000, 0x40f0000000000000, 0x7ff0000000000000, 0x7ff8000000000000
fli_s:
  .word 0xbf800000, 0x00800000, 0x37800000, 0x38000000, 0x3b800000, 0x3c000000, 0x3d800000, 0x3e000000
  .word 0x3e800000, 0x3ea00000, 0x3ec00000, 0x3ee00000, 0x3f000000, 0x3f200000, 0x3f400000, 0x3f600000
  .word 0x3f800000, 0x3fa00000, 0x3fc00000, 0x3fe00000, 0x40000000, 0x40200000, 0x40400000, 0x40800000
  .word 0x41000000, 0x41800000, 0x43000000, 0x43800000, 0x47000000, 0x47800000, 0x7f800000, 0x7fc00000
fli_h:                          /* 2^-16, 2^-15 subnormal; 2^16 is +inf */
  .half 0xbc00, 0x0400, 0x0100, 0x0200, 0x1c00, 0x2000, 0x2c00, 0x3000
  .half 0x3400, 0x3500, 0x3600, 0x3700, 0x3800, 0x3900, 0x3a00, 0x3b00
  .half 0x3c00, 0x3d00, 0x3e00, 0x3f00, 0x4000, 0x4100, 0x4200, 0x4400
  .half 0x4800, 0x4c00, 0x5800, 0x5c00, 0x7800, 0x7c00, 0x7c00, 0x7e00
