/*
 * h_csrs.S - the H extension's CSRs: write masks, read-only bits, aliases,
 * and the VS CSRs standing in for the S CSRs while V = 1.
 *
 * Runs with hgatp = Bare and vsatp = Bare (guest addresses are physical).
 * Covers (privileged spec, "Hypervisor and Virtual Supervisor CSRs",
 * "Machine-Level CSRs", Sstc):
 *   hstatus: VTSR/VTW/VTVM/HU/SPVP/SPV/GVA writable, VSXL a legal XLEN
 *     (WARL), unimplemented (WPRI) bits read zero; VGEIN holds 0..GEILEN;
 *   hgeie: bits GEILEN:1 writable, the rest zero (GEILEN is probed, any value
 *     passes); hgeip read-only (a write is illegal), zero outside GEILEN:1;
 *     hip.SGEIP = 0 while hgeip & hgeie = 0;
 *   hedeleg: bits 9-11, 16, 20-23 read-only zero, 1-8, 12, 13, 15 writable;
 *   hideleg: only the VS bits (2, 6, 10) of 1/5/9/12 and 2/6/10 writable;
 *     mideleg's VS bits read-only one (and SGEI if GEILEN > 0);
 *   hvip: exactly VSSIP/VSTIP/VSEIP writable in bits 15:0; hip/mip show them;
 *     sip never does; hip.VSSIP (and mip.VSSIP) is a writable alias of
 *     hvip.VSSIP, hip/mip.VSTIP and VSEIP are read-only; hie holds the VS
 *     enables (SGEIE only if GEILEN > 0 or writable), mie aliases them, sie
 *     never shows them;
 *   hcounteren: 32 bits, zero writable; htimedelta 64-bit read/write; `time`
 *     read in VS and in VU = time + htimedelta (a positive and a "negative"
 *     delta); htval/htinst/mtval2/mtinst hold zero;
 *   hgatp: Sv39x4 with the root's PPN and VMID (VMIDLEN <= 14, low bits
 *     first), PPN[1:0] read zero in the x4 modes, Sv48x4 and reserved MODE
 *     values read back a legal MODE (WARL), Bare; mstatus.TVM makes hgatp and
 *     hfence.gvma illegal in HS (not vsatp, not hfence.vvma, not in M);
 *   henvcfg: only defined fields, STCE writable (Sstc), STCE read-only zero
 *     while menvcfg.STCE = 0 (FIOM is not required writable: Spike makes it
 *     read-only zero; the henvcfg text does not allow that explicitly, but
 *     its only effect, fence ordering, cannot be observed by a self-test);
 *   vsstatus: only sstatus' fields, SIE/SPIE/SPP/SUM/MXR/FS writable, UXL a
 *     legal XLEN, SD follows FS; independent of mstatus/sstatus while V = 0;
 *   vsie/vsip: read-only zero while hideleg's bit is clear, aliases of
 *     hie/hip's VS bits (shifted down by one) while it is set, vsip.STIP/SEIP
 *     read-only;
 *   vstvec, vsscratch, vsepc (bit 0 zero), vscause, vstval, vsatp (MODE,
 *     ASID low bits first; a reserved MODE written while V = 0 is ignored or
 *     leaves a legal MODE);
 *   with V = 1 every S CSR name reaches the VS CSR (sstatus, sie, stvec,
 *     sscratch, sepc, scause, stval, sip, satp) and the HS copies keep their
 *     values; a write of a reserved MODE to satp while V = 1 is ignored;
 *   mstatus.MPV and GVA writable; MRET with MPP = M stays in M with V = 0
 *     (MPV ignored) and clears MPV;
 *   Sstc: stimecmp/vstimecmp read/write; in VS `stimecmp` is vstimecmp; the
 *     access rules (menvcfg.STCE = 0: illegal; hcounteren.TM = 0 or
 *     henvcfg.STCE = 0 with V = 1: virtual instruction); mip.STIP follows
 *     time >= stimecmp, hip.VSTIP follows time + htimedelta >= vstimecmp
 *     (and falls back to hvip.VSTIP when henvcfg.STCE = 0).
 */
#define SELFTEST_HEXT
#include "selftest.h"

#define HSTATUS_W_REQ (HSTATUS_VTSR | HSTATUS_VTW | HSTATUS_VTVM | HSTATUS_HU | \
                       HSTATUS_SPVP | HSTATUS_SPV | HSTATUS_GVA)
/* every field hstatus defines (HUPMM = bits 49:48) */
#define HSTATUS_DEFINED (HSTATUS_W_REQ | HSTATUS_VSBE | HSTATUS_VGEIN | HSTATUS_VSXL | (3 << 48))
/* henvcfg fields: FIOM, LPE, SSE, CBIE, CBCFE, CBZE, PMM, DTE, ADUE, PBMTE, STCE */
#define HENVCFG_DEFINED (0x1 | 0x4 | 0x8 | 0x30 | 0x40 | 0x80 | (3 << 32) | \
                         (1 << 59) | (1 << 61) | (1 << 62) | (1 << 63))
/* sstatus fields visible in vsstatus: SIE SPIE UBE SPP VS FS XS SUM MXR SPELP SDT UXL SD */
#define VSSTATUS_DEFINED (0x2 | 0x20 | 0x40 | 0x100 | 0x600 | 0x6000 | 0x18000 | \
                          (1 << 18) | (1 << 19) | (1 << 23) | (1 << 24) | (3 << 32) | (1 << 63))
#define VSSTATUS_W_REQ (MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP | MSTATUS_SUM | \
                        MSTATUS_MXR | MSTATUS_FS)
/* hedeleg bits the spec requires read-only zero / writable */
#define HEDELEG_RO0 ((1 << 9) | (1 << 10) | (1 << 11) | (1 << 16) | (1 << 20) | \
                     (1 << 21) | (1 << 22) | (1 << 23))
#define HEDELEG_W ((0xff << 1) | (1 << 12) | (1 << 13) | (1 << 15))

/* fail unless (r >> 32) & 3 (an XLEN field at bit 32 of r) is 1 or 2 */
.macro CHK_XLEN_FIELD r
  srli t5, \r, 32
  andi t5, t5, 3
  addi t5, t5, -1
  li t6, 2
  bltu t5, t6, .Lok\@
  j fail
.Lok\@:
.endm

/* fail unless the MODE field (bits 63:60) of r is 0, 8, 9 or 10 */
.macro CHK_LEGAL_ATP_MODE r
  srli t5, \r, 60
  beqz t5, .Lok\@
  addi t5, t5, -8
  li t6, 3
  bltu t5, t6, .Lok\@
  j fail
.Lok\@:
.endm

/* fail unless register r is 2^k - 1 for some k <= maxk (clobbers t4-t6) */
.macro CHK_LOW_ONES r, maxk
  addi t5, \r, 1
  and t6, t5, \r
  beqz t6, .Lpow\@
  j fail
.Lpow\@:
  li t6, 1 << (\maxk)
  bleu t5, t6, .Lok\@
  j fail
.Lok\@:
.endm

/* fail unless lo + d <= v <= hi + d (mod 2^64; the delta d in a register):
   i.e. (v - lo - d) <= (hi - lo), unsigned */
.macro CHK_TIME_WINDOW v, lo, hi, d
  sub t5, \v, \lo
  sub t5, t5, \d
  sub t6, \hi, \lo
  bleu t5, t6, .Lok\@
  j fail
.Lok\@:
.endm

/* wait until (csr & mask) == val, at most ~100000 polls; fail on time-out */
.macro WAIT_CSR_BITS csr, mask, val
  li t4, 100000
.Lpoll\@:
  csrr t5, \csr
  li t6, \mask
  and t5, t5, t6
  li t6, \val
  beq t5, t6, .Lok\@
  addi t4, t4, -1
  bnez t4, .Lpoll\@
  j fail
.Lok\@:
.endm

  TEST_BEGIN
  H_CLEAR_STATE
  csrw hvip, zero
  csrw hie, zero
  csrw henvcfg, zero
  csrw hcounteren, zero
  csrw htimedelta, zero
  H_INSTALL_HANDLERS

  /* ---- hstatus ---- */
  TC                              # the required writable fields
  li t0, -1
  csrw hstatus, t0
  csrr a0, hstatus
  li t1, HSTATUS_W_REQ
  and a1, a0, t1
  CHKR a1, t1
  CHK_XLEN_FIELD a0               # VSXL: writing 3 (reserved) leaves 1 or 2
  TC                              # fields hstatus does not define read zero (WPRI)
  li t0, -1
  csrw hstatus, t0
  csrr a0, hstatus
  li t1, ~HSTATUS_DEFINED
  and a1, a0, t1
  CHK a1, 0
  TC                              # writing zero clears them; VSXL stays legal
  csrw hstatus, zero
  csrr a0, hstatus
  li t1, ~(HSTATUS_VSXL | HSTATUS_VSBE)
  and a1, a0, t1
  CHK a1, 0
  CHK_XLEN_FIELD a0
  li t0, 2 << 32                  # back to VSXL = 64
  csrw hstatus, t0
  csrr a0, hstatus
  srli a0, a0, 32
  andi a0, a0, 3
  CHK a0, 2

  /* ---- guest external interrupts: GEILEN probed from hgeie ---- */
  TC                              # hgeie: bits GEILEN:1 writable, bit 0 and the rest zero
  li t0, -1
  csrw hgeie, t0
  csrr s0, hgeie                  # s0 = the implemented hgeie bits (kept)
  andi a0, s0, 1
  CHK a0, 0
  addi a0, s0, 2                  # s0 = 2^(GEILEN+1) - 2  <=>  s0 + 2 is a power of 2
  addi a1, a0, -1
  and a1, a1, a0
  CHK a1, 0
  csrw hgeie, zero
  CHK_CSR hgeie, 0
  TC                              # hstatus.VGEIN holds 0 .. GEILEN
  li t0, -1
  csrw hgeie, t0
  csrr s0, hgeie
  csrw hgeie, zero
  li s1, 0                        # s1 = GEILEN
  mv t0, s0
1:beqz t0, 2f
  srli t0, t0, 1
  addi s1, s1, 1
  j 1b
2:addi s1, s1, -1
  bgez s1, 3f
  li s1, 0
3:li t0, HSTATUS_VGEIN
  csrc hstatus, t0
  slli t0, s1, 12
  csrs hstatus, t0
  csrr a0, hstatus
  srli a0, a0, 12
  andi a0, a0, 0x3f
  CHKR a0, s1
  li t0, HSTATUS_VGEIN
  csrc hstatus, t0
  csrr a0, hstatus
  and a0, a0, t0
  CHK a0, 0
  TEST_ILLEGAL_IN PRV_M, csrw hgeip, zero    # hgeip is read-only
  TEST_ILLEGAL_IN PRV_S, csrs hgeip, t0
  TC                              # hgeip: zero outside GEILEN:1; SGEIP = 0 with hgeie = 0
  li t0, -1
  csrw hgeie, t0
  csrr s0, hgeie
  csrw hgeie, zero
  csrr a0, hgeip
  not t0, s0
  and a0, a0, t0
  CHK a0, 0
  csrr a0, hip
  srli a0, a0, IRQ_SGEI
  andi a0, a0, 1
  CHK a0, 0
  csrr a0, mip
  srli a0, a0, IRQ_SGEI
  andi a0, a0, 1
  CHK a0, 0

  /* ---- delegation registers ---- */
  TC                              # hedeleg: the required read-only zero bits
  li t0, -1
  csrw hedeleg, t0
  csrr a0, hedeleg
  csrw hedeleg, zero
  li t0, HEDELEG_RO0
  and a1, a0, t0
  CHK a1, 0
  TC                              # hedeleg: the required writable bits
  li t0, -1
  csrw hedeleg, t0
  csrr a0, hedeleg
  li t0, HEDELEG_W
  and a1, a0, t0
  CHKR a1, t0
  csrw hedeleg, zero
  CHK_CSR hedeleg, 0
  TC                              # hideleg: VS bits writable, S bits (1, 5, 9) and SGEI (12) zero
  li t0, -1
  csrw hideleg, t0
  csrr a0, hideleg
  csrw hideleg, zero
  li t0, 0x1666
  and a1, a0, t0
  CHK a1, 0x444
  CHK_CSR hideleg, 0
  TC                              # mideleg: VS bits read-only one; SGEI too if GEILEN > 0
  li t0, -1
  csrw hgeie, t0
  csrr s0, hgeie
  csrw hgeie, zero
  csrw mideleg, zero
  csrr a0, mideleg
  andi a1, a0, 0x444
  CHK a1, 0x444
  li t0, 1 << 12                  # (with GEILEN = 0 the spec leaves bit 12 open)
  and a1, a0, t0
  beqz s0, 1f
  CHK a1, 1 << 12
1:

  /* ---- hvip, hip, hie, and their views in mip/mie/sip/sie ---- */
  TC                              # hvip: exactly VSEIP, VSTIP, VSSIP writable in 15:0
  csrw henvcfg, zero
  li t0, -1
  csrw hvip, t0
  csrr a0, hvip
  csrw hvip, zero
  li t0, 0xffff
  and a0, a0, t0
  CHK a0, 0x444
  CHK_CSR hvip, 0
  TC                              # hvip's bits appear in hip and mip, never in sip
  li t0, MIP_VS_ALL
  csrw hvip, t0
  csrr a0, hip
  csrr a1, mip
  csrr a2, sip
  csrw hvip, zero
  li t0, 0x1666
  and a0, a0, t0
  CHK a0, 0x444
  andi a1, a1, 0x444
  CHK a1, 0x444
  andi a2, a2, 0x444
  CHK a2, 0
  csrr a0, hip
  andi a0, a0, 0x444
  CHK a0, 0
  TC                              # hip: VSSIP writes through to hvip; VSTIP/VSEIP are read-only
  li t0, MIP_VS_ALL
  csrw hvip, t0
  csrw hip, zero
  csrr a0, hvip
  csrr a1, hip
  csrw hvip, zero
  CHK a0, MIP_VSTIP | MIP_VSEIP
  andi a1, a1, 0x444
  CHK a1, MIP_VSTIP | MIP_VSEIP
  csrs hip, MIP_VSSIP
  CHK_CSR hvip, MIP_VSSIP
  csrw hvip, zero
  TC                              # hip never holds the S bits (1, 5, 9)
  li t0, 0x222
  csrs hip, t0
  csrr a0, hip
  andi a0, a0, 0x222
  CHK a0, 0
  TC                              # mip.VSSIP is the same bit; mip.VSTIP/VSEIP read-only
  csrs mip, MIP_VSSIP
  CHK_CSR hvip, MIP_VSSIP
  csrc mip, MIP_VSSIP
  CHK_CSR hvip, 0
  li t0, MIP_VSTIP | MIP_VSEIP
  csrw hvip, t0
  csrc mip, t0
  csrr a0, mip
  csrw hvip, zero
  li t0, MIP_VSTIP | MIP_VSEIP
  and a0, a0, t0
  CHKR a0, t0
  TC                              # hie: the VS enables (and SGEIE, required iff GEILEN > 0)
  li t0, -1
  csrw hgeie, t0
  csrr s0, hgeie
  csrw hgeie, zero
  li t0, -1
  csrw hie, t0
  csrr a0, hie
  csrr a1, mie
  csrr a2, sie
  csrw hie, zero
  li t0, 0xffff
  and a3, a0, t0
  li t0, 0x1444
  beq a3, t0, 1f
  CHK s0, 0                       # GEILEN > 0: SGEIE must be there
  CHK a3, 0x444
1:li t0, 0x1444                   # mie shows the same bits
  and a1, a1, t0
  and a0, a0, t0
  CHKR a0, a1
  and a2, a2, t0                  # sie does not
  CHK a2, 0
  CHK_CSR hie, 0
  TC                              # mie.VSSIE written from M is hie.VSSIE
  csrw mie, MIP_VSSIP
  CHK_CSR hie, MIP_VSSIP
  csrw hie, zero
  csrr a0, mie
  andi a0, a0, 0x444
  CHK a0, 0
  csrw mie, zero

  /* ---- counters and time ---- */
  TC                              # hcounteren: 32 bits, zero holds
  li t0, -1
  csrw hcounteren, t0
  csrr a0, hcounteren
  srli a0, a0, 32
  CHK a0, 0
  csrw hcounteren, zero
  CHK_CSR hcounteren, 0
  TC                              # htimedelta: 64-bit read/write
  li t0, 0x123456789abcdef0
  csrw htimedelta, t0
  csrr a0, htimedelta
  csrw htimedelta, zero
  CHKR a0, t0
  TC                              # time in VS = time + htimedelta (delta 2^40)
  li t0, -1
  csrw hcounteren, t0
  csrr t0, hcounteren
  andi t0, t0, 2                  # TM read-only zero is allowed: then the read traps
  beqz t0, 5f
  li s0, 1 << 40
  csrw htimedelta, s0
  csrr s1, time
  EXPECT_TRAP 1f
  DROP_TO_V PRV_S
  csrr a0, time
  ecall
1:csrr s2, time
  csrw htimedelta, zero
  CHK_TRAP TR_CAUSE, CAUSE_ECALL_VS
  CHK_TIME_WINDOW a0, s1, s2, s0
  j 6f
5:VS_CLEAR                        # hcounteren.TM = 0: virtual instruction
  EXPECT_TRAP 1f
  DROP_TO_V PRV_S
  csrr a0, time
  j fail
1:CHK_TRAP TR_CAUSE, CAUSE_VIRTUAL_INSN
6:csrw hcounteren, zero
  TC                              # ... with a "negative" delta (-2^20, wrapping)
  li t0, -1
  csrw hcounteren, t0
  csrr t0, hcounteren
  andi t0, t0, 2
  beqz t0, 6f
  li s0, -(1 << 20)
  csrw htimedelta, s0
  csrr s1, time
  EXPECT_TRAP 1f
  DROP_TO_V PRV_S
  rdtime a0
  ecall
1:csrr s2, time
  csrw htimedelta, zero
  CHK_TRAP TR_CAUSE, CAUSE_ECALL_VS
  CHK_TIME_WINDOW a0, s1, s2, s0
6:csrw hcounteren, zero
  TC                              # ... and in VU (hcounteren.TM = scounteren.TM = 1)
  li t0, -1
  csrw hcounteren, t0
  csrw scounteren, t0
  csrr t0, hcounteren
  andi t0, t0, 2
  beqz t0, 6f
  li s0, 0x5000000000
  csrw htimedelta, s0
  csrr s1, time
  EXPECT_TRAP 1f
  DROP_TO_V PRV_U
  rdtime a0
  ecall
1:csrr s2, time
  csrw htimedelta, zero
  CHK_TRAP TR_CAUSE, CAUSE_ECALL_U
  CHK_TIME_WINDOW a0, s1, s2, s0
6:csrw hcounteren, zero
  TC                              # HS and M read time without the delta
  li s0, 1 << 40
  csrw htimedelta, s0
  csrr s1, time
  EXPECT_TRAP 1f
  DROP_TO PRV_S
  rdtime a0
  ecall
1:csrr s2, time
  csrw htimedelta, zero
  li s0, 0
  CHK_TIME_WINDOW a0, s1, s2, s0

  /* ---- trap value registers hold zero ---- */
  TC
  csrw htval, zero
  CHK_CSR htval, 0
  csrw htinst, zero
  CHK_CSR htinst, 0
  csrw mtval2, zero
  CHK_CSR mtval2, 0
  csrw mtinst, zero
  CHK_CSR mtinst, 0

  /* ---- hgatp ---- */
  TC                              # Sv39x4: MODE and PPN read back, VMID = low bits (<= 14)
  la s0, g_root
  srli s0, s0, 12
  li t0, ATP_MODE_SV39 | (0x3fff << HGATP_VMID_SHIFT)
  or t0, t0, s0
  csrw hgatp, t0
  csrr a0, hgatp
  csrw hgatp, zero
  srli a1, a0, 60
  CHK a1, 8
  li t0, (1 << 44) - 1
  and a1, a0, t0
  CHKR a1, s0
  srli a1, a0, HGATP_VMID_SHIFT
  li t0, 0xffff
  and a1, a1, t0
  CHK_LOW_ONES a1, 14
  TC                              # PPN[1:0] read zero in the x4 modes
  la s0, g_root
  srli s0, s0, 12
  li t0, ATP_MODE_SV39 | 3
  or t0, t0, s0
  csrw hgatp, t0
  csrr a0, hgatp
  csrw hgatp, zero
  andi a1, a0, 3
  CHK a1, 0
  TC                              # Sv48x4, if supported, else a legal MODE (WARL)
  la s0, g_root
  srli s0, s0, 12
  li t0, ATP_MODE_SV48
  or t0, t0, s0
  csrw hgatp, t0
  csrr a0, hgatp
  csrw hgatp, zero
  CHK_LEGAL_ATP_MODE a0
  TC                              # a reserved MODE (1, 15) never reads back (WARL)
  la s0, g_root
  srli s0, s0, 12
  li t0, ATP_MODE_SV39
  or t0, t0, s0
  csrw hgatp, t0
  li t0, (1 << 60)
  or t0, t0, s0
  csrw hgatp, t0
  csrr a0, hgatp
  CHK_LEGAL_ATP_MODE a0
  li t0, (15 << 60)
  or t0, t0, s0
  csrw hgatp, t0
  csrr a0, hgatp
  CHK_LEGAL_ATP_MODE a0
  csrw hgatp, zero
  CHK_CSR hgatp, 0
  TC                              # mstatus.TVM = 1: hgatp is illegal in HS
  li t0, MSTATUS_TVM
  csrs mstatus, t0
  EXPECT_TRAP 1f
  DROP_TO PRV_S
2:csrr a0, hgatp
  j fail
1:li t0, MSTATUS_TVM
  csrc mstatus, t0
  CHK_TRAP TR_CAUSE, CAUSE_ILLEGAL_INSN
  CHK_TRAP_ADDR TR_EPC, 2b
  CHK_TVAL_INSN 2b
  TC                              # ... and so is hfence.gvma
  li t0, MSTATUS_TVM
  csrs mstatus, t0
  EXPECT_TRAP 1f
  DROP_TO PRV_S
2:hfence.gvma
  j fail
1:li t0, MSTATUS_TVM
  csrc mstatus, t0
  CHK_TRAP TR_CAUSE, CAUSE_ILLEGAL_INSN
  CHK_TRAP_ADDR TR_EPC, 2b
  TC                              # ... but not vsatp or hfence.vvma (HS), nor hfence.gvma in M
  li t0, MSTATUS_TVM
  csrs mstatus, t0
  hfence.gvma
  EXPECT_TRAP 1f
  DROP_TO PRV_S
  csrr a0, vsatp
  csrw vsatp, zero
  hfence.vvma
  ecall
1:li t0, MSTATUS_TVM
  csrc mstatus, t0
  CHK_TRAP TR_CAUSE, CAUSE_ECALL_S
  TC                              # TVM = 0: hgatp and both fences are fine in HS
  EXPECT_TRAP 1f
  DROP_TO PRV_S
  csrr a0, hgatp
  hfence.gvma
  hfence.vvma
  ecall
1:CHK_TRAP TR_CAUSE, CAUSE_ECALL_S

  /* ---- henvcfg ---- */
  TC                              # only defined fields; STCE writable (FIOM: see the header)
  li t0, MENVCFG_STCE
  csrs menvcfg, t0
  li t0, -1
  csrw henvcfg, t0
  csrr a0, henvcfg
  csrw henvcfg, zero
  li t0, ~HENVCFG_DEFINED
  and a1, a0, t0
  CHK a1, 0
  CHK_BIT a0, 63, 1
  CHK_CSR henvcfg, 0
  TC                              # henvcfg.STCE is read-only zero while menvcfg.STCE = 0
  li t0, MENVCFG_STCE
  csrc menvcfg, t0
  li t0, HENVCFG_STCE
  csrw henvcfg, t0
  csrr a0, henvcfg
  csrw henvcfg, zero
  CHK_BIT a0, 63, 0

  /* ---- vsstatus ---- */
  TC                              # only sstatus' fields, the required ones writable
  csrr s0, mstatus
  li t0, -1
  csrw vsstatus, t0
  csrr a0, vsstatus
  csrr s1, mstatus
  CHKR s0, s1                     # mstatus untouched
  li t0, ~VSSTATUS_DEFINED
  and a1, a0, t0
  CHK a1, 0
  li t0, VSSTATUS_W_REQ
  and a1, a0, t0
  CHKR a1, t0
  CHK_XLEN_FIELD a0               # UXL
  CHK_BIT a0, 63, 1               # SD: FS = Dirty
  TC                              # writing zero: SD = 0, UXL legal
  csrw vsstatus, zero
  csrr a0, vsstatus
  CHK_BIT a0, 63, 0
  CHK_XLEN_FIELD a0
  li t0, VSSTATUS_W_REQ
  and a1, a0, t0
  CHK a1, 0
  li t0, 2 << 32
  csrw vsstatus, t0
  TC                              # sstatus writes (V = 0) leave vsstatus alone
  li t0, 2 << 32
  csrw vsstatus, t0
  li t0, MSTATUS_SPP | MSTATUS_SUM
  csrs sstatus, t0
  csrr a0, vsstatus
  csrc sstatus, t0
  and a0, a0, t0
  CHK a0, 0

  /* ---- vsie / vsip ---- */
  TC                              # hideleg = 0: vsie/vsip read-only zero
  csrw hideleg, zero
  li t0, -1
  csrw vsie, t0
  csrw vsip, t0
  csrr a0, vsie
  csrr a1, vsip
  csrr a2, hie
  csrr a3, hvip
  csrw vsie, zero
  csrw vsip, zero
  andi a0, a0, 0x222
  CHK a0, 0
  andi a1, a1, 0x222
  CHK a1, 0
  CHK a2, 0
  CHK a3, 0
  TC                              # hideleg = VS bits: vsie.{SSIE,STIE,SEIE} = hie.{VSSIE,VSTIE,VSEIE}
  li t0, MIP_VS_ALL
  csrw hideleg, t0
  li t0, 0x222
  csrw vsie, t0
  csrr a0, hie
  csrr a1, vsie
  csrw hie, MIP_VSSIP
  csrr a2, vsie
  csrw hie, zero
  csrw hideleg, zero
  andi a0, a0, 0x444
  CHK a0, 0x444
  andi a1, a1, 0x222
  CHK a1, 0x222
  andi a2, a2, 0x222
  CHK a2, 0x2
  TC                              # vsip.SSIP = hip.VSSIP (writable); STIP/SEIP read-only views
  li t0, MIP_VS_ALL
  csrw hideleg, t0
  csrw vsip, 2
  csrr a0, hvip
  li t0, MIP_VSTIP | MIP_VSEIP
  csrw hvip, t0
  csrr a1, vsip
  csrw vsip, zero
  csrr a2, hvip
  csrw hvip, zero
  csrw hideleg, zero
  CHK a0, MIP_VSSIP
  andi a1, a1, 0x222
  CHK a1, 0x220
  CHK a2, MIP_VSTIP | MIP_VSEIP

  /* ---- the other VS CSRs (V = 0) ---- */
  TC                              # vstvec: direct and vectored
  la t0, vs_vec
  ori t0, t0, 1
  csrw vstvec, t0
  csrr a0, vstvec
  CHKR a0, t0
  la t0, vs_vec
  csrw vstvec, t0
  csrr a0, vstvec
  CHKR a0, t0
  TC                              # vsscratch
  li t0, 0xfedcba9876543210
  csrw vsscratch, t0
  csrr a0, vsscratch
  CHKR a0, t0
  TC                              # vsepc: bit 0 reads zero
  li t0, 0x80001003
  csrw vsepc, t0
  CHK_CSR vsepc, 0x80001002
  TC                              # vscause holds exception and interrupt causes
  li t0, 0x8000000000000009
  csrw vscause, t0
  CHK_CSR vscause, 0x8000000000000009
  li t0, 13
  csrw vscause, t0
  CHK_CSR vscause, 13
  TC                              # vstval
  li t0, 0x80001234
  csrw vstval, t0
  CHK_CSR vstval, 0x80001234
  TC                              # vsatp: Sv39, PPN, ASID (low bits, <= 16)
  la s0, g_root
  srli s0, s0, 12
  li t0, ATP_MODE_SV39 | (0xffff << 44)
  or t0, t0, s0
  csrw vsatp, t0
  csrr a0, vsatp
  csrw vsatp, zero
  srli a1, a0, 60
  CHK a1, 8
  li t0, (1 << 44) - 1
  and a1, a0, t0
  CHKR a1, s0
  srli a1, a0, 44
  li t0, 0xffff
  and a1, a1, t0
  CHK_LOW_ONES a1, 16
  TC                              # vsatp (V = 0): a reserved MODE is ignored or made legal
  la s0, g_root
  srli s0, s0, 12
  li t0, ATP_MODE_SV39
  or t0, t0, s0
  csrw vsatp, t0
  li t0, 1 << 60
  csrw vsatp, t0
  csrr a0, vsatp
  csrw vsatp, zero
  CHK_LEGAL_ATP_MODE a0

  /* ---- with V = 1 the S CSR names reach the VS CSRs ---- */
  TC                              # sstatus, sscratch, sepc, scause, stval
  li t0, 2 << 32
  csrw vsstatus, t0               # VS: SPP = 0, SUM = 0
  li t0, MSTATUS_SUM              # HS: SUM = 1
  csrs sstatus, t0
  li t0, 0x11
  csrw sscratch, t0
  li t0, 0x22
  csrw vsscratch, t0
  li t0, 0x80000100
  csrw sepc, t0
  li t0, 0x80000200
  csrw vsepc, t0
  li t0, 5
  csrw scause, t0
  li t0, 7
  csrw vscause, t0
  li t0, 0x1111
  csrw stval, t0
  li t0, 0x2222
  csrw vstval, t0
  li s0, MSTATUS_SUM
  li a5, 0x33
  li a6, 0x80000300
  li a7, 0x3333
  EXPECT_TRAP 1f
  DROP_TO_V PRV_S
  csrr a0, sstatus
  csrs sstatus, s0                # sets vsstatus.SUM
  csrr a1, sscratch
  csrw sscratch, a5
  csrr a2, sepc
  csrw sepc, a6
  csrr a3, scause
  csrw scause, zero
  csrr a4, stval
  csrw stval, a7
  ecall
1:CHK_TRAP TR_CAUSE, CAUSE_ECALL_VS
  CHK_BIT a0, 18, 0               # VS saw vsstatus.SUM = 0
  CHK a1, 0x22
  CHK a2, 0x80000200
  CHK a3, 7
  CHK a4, 0x2222
  csrr a0, vsstatus
  CHK_BIT a0, 18, 1
  csrr a0, sstatus
  CHK_BIT a0, 18, 1
  CHK_CSR vsscratch, 0x33
  CHK_CSR sscratch, 0x11
  CHK_CSR vsepc, 0x80000300
  CHK_CSR sepc, 0x80000100
  CHK_CSR vscause, 0
  CHK_CSR scause, 5
  CHK_CSR vstval, 0x3333
  CHK_CSR stval, 0x1111
  li t0, MSTATUS_SUM
  csrc sstatus, t0
  TC                              # stvec
  la s0, vs_vec
  csrw vstvec, s0
  la s1, hs_vec
  csrw stvec, s1
  la a5, strap_fail
  EXPECT_TRAP 1f
  DROP_TO_V PRV_S
  csrr a0, stvec
  csrw stvec, a5
  ecall
1:CHK_TRAP TR_CAUSE, CAUSE_ECALL_VS
  CHKR a0, s0
  csrr a0, vstvec
  CHKR a0, a5
  csrr a0, stvec
  CHKR a0, s1
  H_INSTALL_HANDLERS
  TC                              # sie / sip (hideleg = VS bits; vsstatus.SIE = 0)
  li t0, MIP_VS_ALL
  csrw hideleg, t0
  csrw hie, zero
  csrw hvip, zero
  li t0, 2 << 32
  csrw vsstatus, t0
  li a5, 0x222
  EXPECT_TRAP 1f
  DROP_TO_V PRV_S
  csrr a0, sie
  csrw sie, a5
  csrsi sip, 2
  csrr a1, sip
  ecall
1:csrr a2, hie
  csrr a3, hvip
  csrw hvip, zero
  csrw hie, zero
  csrw hideleg, zero
  CHK_TRAP TR_CAUSE, CAUSE_ECALL_VS
  CHK a0, 0
  andi a1, a1, 0x222
  CHK a1, 2
  andi a2, a2, 0x444
  CHK a2, 0x444
  CHK a3, MIP_VSSIP
  CHK_CSR sie, 0
  TC                              # satp reads vsatp; a reserved MODE written to it is ignored
  la s0, g_root
  srli s0, s0, 12
  li t0, ATP_MODE_SV39
  or s0, s0, t0
  csrw satp, s0                   # HS satp (not used: nothing runs in HS here)
  csrw vsatp, zero
  li a5, (1 << 60) | 5
  EXPECT_TRAP 1f
  DROP_TO_V PRV_S
  csrr a0, satp
  csrw satp, a5
  csrr a1, satp
  ecall
1:csrr a2, satp
  csrw satp, zero
  CHK_TRAP TR_CAUSE, CAUSE_ECALL_VS
  CHK a0, 0
  CHK a1, 0
  CHK_CSR vsatp, 0
  CHKR a2, s0

  /* ---- mstatus.MPV / GVA; MRET with MPP = M ---- */
  TC                              # MPV and GVA are writable
  li t0, MSTATUS_MPV | MSTATUS_GVA
  csrs mstatus, t0
  csrr a0, mstatus
  csrc mstatus, t0
  and a0, a0, t0
  CHKR a0, t0
  csrr a0, mstatus
  and a0, a0, t0
  CHK a0, 0
  TC                              # MRET with MPP = M and MPV = 1 stays in M with V = 0, clears MPV
  li t0, 0x11
  csrw sscratch, t0
  li t0, 0x22
  csrw vsscratch, t0
  li t0, MSTATUS_MPP | MSTATUS_MPV
  csrs mstatus, t0
  la t0, 1f
  csrw mepc, t0
  mret
1:csrr a0, sscratch               # with V = 1 this would be vsscratch
  csrr a1, mstatus
  li t0, MSTATUS_MPV
  csrc mstatus, t0
  CHK a0, 0x11
  CHK_BIT a1, 39, 0

  /* ---- Sstc: stimecmp, vstimecmp ---- */
  TC                              # read/write (menvcfg.STCE = 1)
  li t0, MENVCFG_STCE
  csrs menvcfg, t0
  li t0, 0x123456789a
  csrw stimecmp, t0
  csrr a0, stimecmp
  CHKR a0, t0
  li t1, 0x56789abcde
  csrw vstimecmp, t1
  csrr a0, vstimecmp
  CHKR a0, t1
  csrr a0, stimecmp
  CHKR a0, t0
  li t0, -1
  csrw stimecmp, t0
  csrw vstimecmp, t0
  TC                              # in VS, stimecmp is vstimecmp (STCE = 1 in both, TM = 1)
  li t0, MENVCFG_STCE
  csrs menvcfg, t0
  li t0, HENVCFG_STCE
  csrw henvcfg, t0
  li t0, 2
  csrw hcounteren, t0
  li t0, 0x1111111111
  csrw stimecmp, t0
  li t0, -1
  csrw vstimecmp, t0
  li a5, 0x2222222222
  EXPECT_TRAP 1f
  DROP_TO_V PRV_S
  csrr a0, stimecmp
  csrw stimecmp, a5
  ecall
1:CHK_TRAP TR_CAUSE, CAUSE_ECALL_VS
  CHK a0, -1
  CHK_CSR vstimecmp, 0x2222222222
  CHK_CSR stimecmp, 0x1111111111
  li t0, -1
  csrw stimecmp, t0
  csrw vstimecmp, t0
  csrw henvcfg, zero
  csrw hcounteren, zero
  TC                              # VS: henvcfg.STCE = 0 -> virtual instruction
  li t0, MENVCFG_STCE
  csrs menvcfg, t0
  csrw henvcfg, zero
  li t0, 2
  csrw hcounteren, t0
  EXPECT_TRAP 1f
  DROP_TO_V PRV_S
2:csrr a0, stimecmp
  j fail
1:csrw hcounteren, zero
  CHK_TRAP TR_CAUSE, CAUSE_VIRTUAL_INSN
  CHK_TRAP_ADDR TR_EPC, 2b
  CHK_TVAL_INSN 2b
  TC                              # VS: hcounteren.TM = 0 (mcounteren.TM = 1) -> virtual instruction
  li t0, MENVCFG_STCE
  csrs menvcfg, t0
  li t0, HENVCFG_STCE
  csrw henvcfg, t0
  csrw hcounteren, zero
  EXPECT_TRAP 1f
  DROP_TO_V PRV_S
2:csrw stimecmp, zero
  j fail
1:csrw henvcfg, zero
  CHK_TRAP TR_CAUSE, CAUSE_VIRTUAL_INSN
  CHK_TRAP_ADDR TR_EPC, 2b
  TC                              # menvcfg.STCE = 0 -> illegal in HS ...
  li t0, MENVCFG_STCE
  csrc menvcfg, t0
  EXPECT_TRAP 1f
  DROP_TO PRV_S
2:csrr a0, stimecmp
  j fail
1:CHK_TRAP TR_CAUSE, CAUSE_ILLEGAL_INSN
  CHK_TRAP_ADDR TR_EPC, 2b
  TC                              # ... and in VS (illegal, not virtual)
  li t0, MENVCFG_STCE
  csrc menvcfg, t0
  li t0, 2
  csrw hcounteren, t0
  EXPECT_TRAP 1f
  DROP_TO_V PRV_S
2:csrr a0, stimecmp
  j fail
1:csrw hcounteren, zero
  CHK_TRAP TR_CAUSE, CAUSE_ILLEGAL_INSN
  CHK_TRAP_ADDR TR_EPC, 2b
  TC                              # mip.STIP follows time >= stimecmp (STCE = 1)
  li t0, MENVCFG_STCE
  csrs menvcfg, t0
  csrw stimecmp, zero
  WAIT_CSR_BITS mip, MIP_STIP, MIP_STIP
  li t0, -1
  csrw stimecmp, t0
  WAIT_CSR_BITS mip, MIP_STIP, 0
  TC                              # ... and is then read-only in mip
  li t0, MENVCFG_STCE
  csrs menvcfg, t0
  li t0, -1
  csrw stimecmp, t0
  li t0, MIP_STIP
  csrs mip, t0
  csrr a0, mip
  andi a0, a0, MIP_STIP
  CHK a0, 0
  TC                              # hip.VSTIP follows time + htimedelta >= vstimecmp
  li t0, MENVCFG_STCE
  csrs menvcfg, t0
  li t0, HENVCFG_STCE
  csrw henvcfg, t0
  csrw htimedelta, zero
  csrw vstimecmp, zero
  WAIT_CSR_BITS hip, MIP_VSTIP, MIP_VSTIP
  li t0, -1
  csrw vstimecmp, t0
  WAIT_CSR_BITS hip, MIP_VSTIP, 0
  TC                              # the comparison uses the delta: 2^62 + time >= 2^62 ...
  li t0, MENVCFG_STCE
  csrs menvcfg, t0
  li t0, HENVCFG_STCE
  csrw henvcfg, t0
  li t0, 1 << 62
  csrw htimedelta, t0
  csrw vstimecmp, t0
  WAIT_CSR_BITS hip, MIP_VSTIP, MIP_VSTIP
  csrr a0, mip                    # (mip shows it too)
  andi a0, a0, MIP_VSTIP
  CHK a0, MIP_VSTIP
  TC                              # ... also when htimedelta changes after vstimecmp was written
  li t0, MENVCFG_STCE
  csrs menvcfg, t0
  li t0, HENVCFG_STCE
  csrw henvcfg, t0
  csrw htimedelta, zero
  li t0, 1 << 62
  csrw vstimecmp, t0
  csrr a0, hip                    # not pending yet: time < 2^62
  andi a0, a0, MIP_VSTIP
  CHK a0, 0
  li t0, 1 << 62
  csrw htimedelta, t0
  WAIT_CSR_BITS hip, MIP_VSTIP, MIP_VSTIP
  TC                              # ... but 2^62 - 2^50 + time < 2^62
  li t0, MENVCFG_STCE
  csrs menvcfg, t0
  li t0, HENVCFG_STCE
  csrw henvcfg, t0
  li t0, (1 << 62) - (1 << 50)
  csrw htimedelta, t0
  li t0, 1 << 62
  csrw vstimecmp, t0
  WAIT_CSR_BITS hip, MIP_VSTIP, 0
  TC                              # henvcfg.STCE = 0: hip.VSTIP is hvip.VSTIP alone
  li t0, MENVCFG_STCE
  csrs menvcfg, t0
  csrw henvcfg, zero
  csrw htimedelta, zero
  csrw vstimecmp, zero            # would be pending with STCE = 1
  csrw hvip, zero
  csrr a0, hip
  andi a0, a0, MIP_VSTIP
  CHK a0, 0
  li t0, MIP_VSTIP
  csrw hvip, t0
  csrr a0, hip
  csrw hvip, zero
  andi a0, a0, MIP_VSTIP
  CHK a0, MIP_VSTIP
  li t0, -1
  csrw vstimecmp, t0
  csrw stimecmp, t0
  csrw htimedelta, zero
  li t0, MENVCFG_STCE
  csrc menvcfg, t0

  TEST_END
  H_HANDLERS

  .data
  .align 14
g_root: .skip 16384
