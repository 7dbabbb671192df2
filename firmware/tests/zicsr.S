/*
 * zicsr.S - Zicsr: CSR access instructions and CSR access rules
 *
 * Covers: csrrw csrrs csrrc csrrwi csrrsi csrrci (old value returned, new value
 * written, set/clear masks, 5-bit zero-extended immediates, rd = x0 still
 * writes); csrrs/csrrc with rs1 = x0 and csrrsi/csrrci with uimm = 0 do not
 * write (so they are legal on read-only CSRs), while the same with a non-x0
 * register holding zero, or csrrw/csrrwi, on a read-only CSR is an illegal
 * instruction (mtval = the instruction bits, rd not written); CSR privilege:
 * M-level CSRs illegal from S and U, S-level CSRs illegal from U, user
 * counters read-only; an unimplemented CSR number is illegal; misa (MXL = 64,
 * I M A C S U present), mhartid = 0; sstatus/sie/sip as restricted views of
 * mstatus/mie/mip; fcsr = frm:fflags.
 */
#include "selftest.h"
  TEST_BEGIN

  /* ---- basic read/write semantics on mscratch ---- */
  TC
  li a1, 0x0123456789abcdef
  csrw mscratch, a1
  csrr a0, mscratch
  CHK a0, 0x0123456789abcdef
  TC
  li a1, 0x1111
  csrrw a0, mscratch, a1          # returns the old value
  CHK a0, 0x0123456789abcdef
  csrr a0, mscratch
  CHK a0, 0x1111
  TC
  li a1, 0xf0f0
  csrrs a0, mscratch, a1
  CHK a0, 0x1111
  csrr a0, mscratch
  CHK a0, 0xf1f1
  TC
  li a1, 0x0101
  csrrc a0, mscratch, a1
  CHK a0, 0xf1f1
  csrr a0, mscratch
  CHK a0, 0xf0f0
  TC
  csrrwi a0, mscratch, 31         # 5-bit zero-extended immediate
  CHK a0, 0xf0f0
  csrr a0, mscratch
  CHK a0, 31
  TC
  csrrci a0, mscratch, 0x11
  CHK a0, 31
  csrr a0, mscratch
  CHK a0, 14
  TC
  csrrsi a0, mscratch, 0x10
  CHK a0, 14
  csrr a0, mscratch
  CHK a0, 30
  TC                              # rd = x0 forms still write
  li a1, -1
  csrrw x0, mscratch, a1
  csrr a0, mscratch
  CHK a0, -1
  TC
  li a1, 0xff
  csrrc x0, mscratch, a1
  csrr a0, mscratch
  CHK a0, 0xffffffffffffff00
  TC
  csrrs a0, mscratch, x0          # rs1 = x0: read only
  CHK a0, 0xffffffffffffff00
  csrrc a0, mscratch, x0
  CHK a0, 0xffffffffffffff00
  csrrsi a0, mscratch, 0
  CHK a0, 0xffffffffffffff00
  csrrci a0, mscratch, 0
  CHK a0, 0xffffffffffffff00
  TC                              # rd == rs1 on csrrw: old value to rd, old rs1 to the CSR
  li a1, 0x42
  csrrw a1, mscratch, a1
  CHK a1, 0xffffffffffffff00
  csrr a0, mscratch
  CHK a0, 0x42
  TC                              # sscratch is separate from mscratch
  li a1, 0x5555
  csrw sscratch, a1
  csrr a0, mscratch
  CHK a0, 0x42
  csrr a0, sscratch
  CHK a0, 0x5555

  /* ---- identity CSRs ---- */
  TC
  csrr a0, mhartid
  CHK a0, 0
  TC
  csrr a0, misa
  srli a1, a0, 62
  CHK a1, 2                       # MXL = 64
  li a2, (1 << 8) | (1 << 12) | (1 << 0) | (1 << 2) | (1 << 18) | (1 << 20)   # I M A C S U
  and a1, a0, a2
  CHKR a1, a2
  TC                              # read-only CSRs are readable
  csrr a0, mvendorid
  csrr a0, marchid
  csrr a0, mimpid

  /* ---- writes to read-only CSRs are illegal; x0 forms are not writes ---- */
  TEST_OK_IN PRV_M, csrrs a0, mhartid, x0
  TEST_OK_IN PRV_M, csrrc a0, mvendorid, x0
  TEST_OK_IN PRV_M, csrrsi a0, marchid, 0
  TEST_OK_IN PRV_M, csrrci a0, mimpid, 0
  TEST_ILLEGAL_IN PRV_M, csrrw a0, mhartid, a1
  TEST_ILLEGAL_IN PRV_M, csrrw x0, mvendorid, x0
  TEST_ILLEGAL_IN PRV_M, csrrwi a0, marchid, 0
  TEST_ILLEGAL_IN PRV_M, csrrsi a0, mimpid, 1
  TEST_ILLEGAL_IN PRV_M, csrrci a0, mhartid, 1
  TC                              # csrrs with a zero-valued register that is not x0 still writes
  li a1, 0
  li a0, 0x777
  EXPECT_TRAP 1f
2:csrrs a0, mhartid, a1
  j fail
1:CHK_TRAP TR_CAUSE, CAUSE_ILLEGAL_INSN
  CHK_TVAL_INSN 2b
  CHK a0, 0x777                   # rd not written by the trapping instruction
  TEST_ILLEGAL_IN PRV_M, csrrc a0, mhartid, a1
  TEST_ILLEGAL_IN PRV_M, csrw cycle, a1       # user counters are read-only
  TEST_ILLEGAL_IN PRV_M, csrw instret, a1
  TEST_ILLEGAL_IN PRV_M, csrw time, a1
  TEST_ILLEGAL_IN PRV_M, csrr a0, 0x7c0       # unimplemented (custom) CSR
  TEST_ILLEGAL_IN PRV_M, csrw 0x7c0, a1

  /* ---- CSR privilege ---- */
  TEST_OK_IN PRV_S, csrr a0, sscratch
  TEST_OK_IN PRV_S, csrw sscratch, a0
  TEST_OK_IN PRV_S, csrr a0, sstatus
  TEST_ILLEGAL_IN PRV_S, csrr a0, mscratch
  TEST_ILLEGAL_IN PRV_S, csrw mstatus, x0
  TEST_ILLEGAL_IN PRV_S, csrr a0, mhartid
  TEST_ILLEGAL_IN PRV_S, csrr a0, misa
  TEST_ILLEGAL_IN PRV_S, csrrs a0, medeleg, x0
  TEST_ILLEGAL_IN PRV_U, csrr a0, sscratch
  TEST_ILLEGAL_IN PRV_U, csrr a0, sstatus
  TEST_ILLEGAL_IN PRV_U, csrr a0, satp
  TEST_ILLEGAL_IN PRV_U, csrr a0, mstatus
  TEST_ILLEGAL_IN PRV_U, csrw stvec, a0
  TEST_OK_IN PRV_U, csrr a0, fcsr
  TC                              # an S write to sscratch is visible to M
  li a0, 0xabcdef
  EXPECT_TRAP 1f
  DROP_TO PRV_S
  csrw sscratch, a0
  ecall
  j fail
1:CHK_CSR sscratch, 0xabcdef

  /* ---- sstatus is a view of mstatus ---- */
  TC
  csrci mstatus, MSTATUS_SIE
  csrsi sstatus, MSTATUS_SIE
  csrr a0, mstatus
  andi a0, a0, MSTATUS_SIE
  CHK a0, MSTATUS_SIE
  TC
  li a1, MSTATUS_SPP
  csrs mstatus, a1
  csrr a0, sstatus
  and a0, a0, a1
  CHKR a0, a1
  csrc sstatus, a1
  csrr a0, mstatus
  and a0, a0, a1
  CHK a0, 0
  TC                              # M-only fields are invisible in sstatus
  li a1, MSTATUS_MPP | MSTATUS_MIE | MSTATUS_MPIE
  csrs mstatus, a1
  csrr a0, sstatus
  and a0, a0, a1
  CHK a0, 0
  TC                              # and not writable through it
  li a1, MSTATUS_MPP | MSTATUS_MIE
  csrc mstatus, a1
  csrs sstatus, a1
  csrr a0, mstatus
  and a0, a0, a1
  CHK a0, 0
  csrci sstatus, MSTATUS_SIE

  /* ---- sie/sip are views of mie/mip for delegated interrupts ---- */
  TC
  li a1, MIP_SSIP | MIP_STIP | MIP_SEIP
  csrw mideleg, a1
  csrw mie, x0
  csrw sie, a1
  csrr a0, mie
  CHKR a0, a1
  TC
  li a2, MIP_MSIP | MIP_MTIP
  csrs mie, a2
  csrr a0, sie                    # M bits invisible
  CHKR a0, a1
  TC
  csrw mip, x0
  csrsi sip, MIP_SSIP             # SSIP writable through sip
  csrr a0, mip
  andi a0, a0, MIP_SSIP
  CHK a0, MIP_SSIP
  csrci sip, MIP_SSIP
  csrr a0, mip
  andi a0, a0, MIP_SSIP
  CHK a0, 0
  csrw mie, x0
  csrw mideleg, x0

  /* ---- fcsr = frm:fflags ---- */
  TC
  li a1, 0xff
  csrw fcsr, a1
  csrr a0, frm
  CHK a0, 7
  csrr a0, fflags
  CHK a0, 0x1f
  TC
  csrwi frm, 2
  csrr a0, fcsr
  CHK a0, 0x5f
  TC
  csrwi fflags, 1
  csrr a0, fcsr
  CHK a0, 0x41
  TC
  li a1, 0x1ff
  csrw fcsr, a1                   # bits above 7 are ignored
  csrr a0, fcsr
  CHK a0, 0xff
  csrw fcsr, x0

  TEST_END
