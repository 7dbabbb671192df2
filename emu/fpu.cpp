// The F and D extensions: every instruction, exact to IEEE 754 as RISC-V
// defines it.
//
// Approach: a soft-float of our own (emu/fpu_soft.hpp) for everything the
// host cannot answer bit for bit; the hot loop runs the common case (RNE,
// normal operands and results) on the host's SSE (emu/fpu_host.hpp), where
// its answer is RISC-V's. Host SSE alone would not do: it lacks RMM (round to nearest, ties to max magnitude), raises
// x86's default NaN instead of RISC-V's canonical one, and would need MXCSR
// switched and its sticky flags read back around every instruction; a
// soft-float gives all five rounding modes and all five flags from one code
// path, and is deterministic whatever the host's floating-point state.
//
// Why it is exact: each operation forms its exact result as an integer
// significand times a power of two, then rounds it once (round_pack):
//   - add/sub: the operand with the larger exponent is shifted left 64 bits
//     into a 128-bit integer; the other is aligned to it exactly when the
//     exponents differ by at most 64, otherwise it is below 2^-11 of the
//     larger one's last bit and only its "nonzero" survives, in bit 0
//     (sticky), while the result's leading one stays above bit 86.
//   - mul: the product of two P-bit significands is exact in 2P <= 106 bits.
//   - fma: the exact 106-bit product and the addend, both normalized to bit
//     125 of 128; aligning by up to 19 bits loses nothing (the low bits are
//     zero), and when more is shifted out the larger operand dominates so the
//     result's leading one is at bit 124 or above: the sticky bit is ~60 bits
//     below the rounding position. One rounding, no double rounding.
//   - div: a 128-by-64-bit integer division giving a quotient of at least 63
//     bits; a nonzero remainder becomes the sticky bit.
//   - sqrt: the integer square root of a 126-bit integer (63-bit root), with
//     a nonzero remainder as the sticky bit.
//   - conversions: integer sources are exact in 64 bits; float to integer
//     rounds the exact fixed-point value by its remainder against one half.
// round_pack then rounds by the mode (ties-to-even, toward zero, down, up,
// ties-to-max-magnitude: the round bit and sticky bits decide), detects
// overflow (the mode picks infinity or the largest finite), and underflow with
// tininess detected after rounding (tiny unless rounding to P bits with an
// unbounded exponent reaches 2^emin), UF raised only when also inexact.
// Speed: a few dozen integer instructions per operation, no allocation, no
// exceptions, no host state.
//
// Register conventions: a single in a 64-bit f register is NaN-boxed (upper
// 32 bits all ones); an improperly boxed one reads as the canonical NaN
// (except for fmv.x.w and fsw, which move the low bits as they are). Any
// instruction that writes an f register or accrues a flag makes mstatus.FS
// Dirty (and vsstatus.FS while V=1).
#include "fpu_soft.hpp"
#include "commit_log.hpp"
#include "isa/csr.hpp"
#include "hart.hpp"

namespace emu {
using isa::Op;

namespace {

constexpr uint64_t kBox = 0xffffffff00000000ull;
constexpr uint64_t kMisaF = 1u << 5, kMisaD = 1u << 3;

inline uint64_t unbox(uint64_t v) { return (v >> 32) == 0xffffffffu ? uint32_t(v) : fp::F32::CANON; }
constexpr uint64_t kBoxH = 0xffffffffffff0000ull;
inline uint64_t unbox_h(uint64_t v) { return (v >> 16) == 0xffffffffffffull ? uint16_t(v) : fp::F16::CANON; }
inline uint64_t sx32(uint64_t v) { return uint64_t(int64_t(int32_t(uint32_t(v)))); }

// Whether the instruction has a rounding-mode field (funct3 = rm).
bool has_rm(isa::Format f) {
    switch (f) {
    case isa::Format::R4: case isa::Format::FR_RM: case isa::Format::F1_RM: case isa::Format::F2X_RM:
    case isa::Format::X2F_RM:
        return true;
    default: return false;
    }
}

}  // namespace

bool Hart::exec_fp(const isa::Decoded& d) {
    using fp::F16;
    using fp::F32;
    using fp::F64;
    const isa::InsnInfo& in = isa::info(d.op);
    // Present (misa.F, and misa.D for D), enabled (mstatus.FS, and
    // vsstatus.FS while V=1), and a valid rounding mode.
    if (!fp_enabled() || ((in.ext == isa::Ext::D || in.ext == isa::Ext::Zfa_and_D) && !(csr.misa & kMisaD))) {
        illegal(d);
        return false;
    }
    unsigned rm = 0;
    if (has_rm(in.format)) {
        rm = d.rm == 7 ? csr.frm : d.rm;
        if (rm > 4) { illegal(d); return false; }
    }

    auto dirty = [&] {
        mark_fs_dirty();
    };
    auto wf = [&](uint64_t v) { f[d.rd] = v; dirty(); };
    auto ws = [&](uint64_t v) { f[d.rd] = kBox | v; dirty(); };
    auto wh = [&](uint64_t v) { f[d.rd] = kBoxH | v; dirty(); };
    auto wx = [&](uint64_t v) { if (d.rd != 0) x[d.rd] = v; };
    const uint64_t s1 = unbox(f[d.rs1]), s2 = unbox(f[d.rs2]), s3 = unbox(f[d.rs3()]);
    const uint64_t d1 = f[d.rs1], d2 = f[d.rs2], d3 = f[d.rs3()];
    const uint64_t h1 = unbox_h(f[d.rs1]), h2 = unbox_h(f[d.rs2]), h3 = unbox_h(f[d.rs3()]);
    unsigned fl = 0;

    switch (d.op) {
    // ---- loads and stores
    case Op::FLW: {
        uint64_t v;
        if (!load_slow(x[d.rs1] + uint64_t(d.imm), 4, v)) return false;
        ws(uint32_t(v));
        return true;
    }
    case Op::FLD: {
        uint64_t v;
        if (!load_slow(x[d.rs1] + uint64_t(d.imm), 8, v)) return false;
        wf(v);
        return true;
    }
    case Op::FSW: return store_slow(x[d.rs1] + uint64_t(d.imm), 4, uint32_t(f[d.rs2]));
    case Op::FSD: return store_slow(x[d.rs1] + uint64_t(d.imm), 8, f[d.rs2]);

    // ---- single
    case Op::FMADD_S: ws(fp::fma<F32>(s1, s2, s3, false, false, rm, fl)); break;
    case Op::FMSUB_S: ws(fp::fma<F32>(s1, s2, s3, false, true, rm, fl)); break;
    case Op::FNMSUB_S: ws(fp::fma<F32>(s1, s2, s3, true, false, rm, fl)); break;
    case Op::FNMADD_S: ws(fp::fma<F32>(s1, s2, s3, true, true, rm, fl)); break;
    case Op::FADD_S: ws(fp::add<F32>(s1, s2, false, rm, fl)); break;
    case Op::FSUB_S: ws(fp::add<F32>(s1, s2, true, rm, fl)); break;
    case Op::FMUL_S: ws(fp::mul<F32>(s1, s2, rm, fl)); break;
    case Op::FDIV_S: ws(fp::div<F32>(s1, s2, rm, fl)); break;
    case Op::FSQRT_S: ws(fp::sqrt<F32>(s1, rm, fl)); break;
    case Op::FSGNJ_S: ws((s1 & ~F32::SIGN) | (s2 & F32::SIGN)); break;
    case Op::FSGNJN_S: ws((s1 & ~F32::SIGN) | (~s2 & F32::SIGN)); break;
    case Op::FSGNJX_S: ws(s1 ^ (s2 & F32::SIGN)); break;
    case Op::FMIN_S: ws(fp::fmin<F32>(s1, s2, fl)); break;
    case Op::FMAX_S: ws(fp::fmax<F32>(s1, s2, fl)); break;
    case Op::FCVT_W_S: wx(fp::to_int<F32>(s1, true, 32, rm, fl)); break;
    case Op::FCVT_WU_S: wx(fp::to_int<F32>(s1, false, 32, rm, fl)); break;
    case Op::FCVT_L_S: wx(fp::to_int<F32>(s1, true, 64, rm, fl)); break;
    case Op::FCVT_LU_S: wx(fp::to_int<F32>(s1, false, 64, rm, fl)); break;
    case Op::FMV_X_W: wx(sx32(f[d.rs1])); break;
    case Op::FCLASS_S: wx(fp::classify<F32>(s1)); break;
    case Op::FEQ_S: wx(fp::feq<F32>(s1, s2, fl)); break;
    case Op::FLT_S: wx(fp::flt<F32>(s1, s2, fl)); break;
    case Op::FLE_S: wx(fp::fle<F32>(s1, s2, fl)); break;
    case Op::FCVT_S_W: ws(fp::from_int<F32>(x[d.rs1], true, 32, rm, fl)); break;
    case Op::FCVT_S_WU: ws(fp::from_int<F32>(x[d.rs1], false, 32, rm, fl)); break;
    case Op::FCVT_S_L: ws(fp::from_int<F32>(x[d.rs1], true, 64, rm, fl)); break;
    case Op::FCVT_S_LU: ws(fp::from_int<F32>(x[d.rs1], false, 64, rm, fl)); break;
    case Op::FMV_W_X: ws(uint32_t(x[d.rs1])); break;

    // ---- double
    case Op::FMADD_D: wf(fp::fma<F64>(d1, d2, d3, false, false, rm, fl)); break;
    case Op::FMSUB_D: wf(fp::fma<F64>(d1, d2, d3, false, true, rm, fl)); break;
    case Op::FNMSUB_D: wf(fp::fma<F64>(d1, d2, d3, true, false, rm, fl)); break;
    case Op::FNMADD_D: wf(fp::fma<F64>(d1, d2, d3, true, true, rm, fl)); break;
    case Op::FADD_D: wf(fp::add<F64>(d1, d2, false, rm, fl)); break;
    case Op::FSUB_D: wf(fp::add<F64>(d1, d2, true, rm, fl)); break;
    case Op::FMUL_D: wf(fp::mul<F64>(d1, d2, rm, fl)); break;
    case Op::FDIV_D: wf(fp::div<F64>(d1, d2, rm, fl)); break;
    case Op::FSQRT_D: wf(fp::sqrt<F64>(d1, rm, fl)); break;
    case Op::FSGNJ_D: wf((d1 & ~F64::SIGN) | (d2 & F64::SIGN)); break;
    case Op::FSGNJN_D: wf((d1 & ~F64::SIGN) | (~d2 & F64::SIGN)); break;
    case Op::FSGNJX_D: wf(d1 ^ (d2 & F64::SIGN)); break;
    case Op::FMIN_D: wf(fp::fmin<F64>(d1, d2, fl)); break;
    case Op::FMAX_D: wf(fp::fmax<F64>(d1, d2, fl)); break;
    case Op::FCVT_S_D: ws(fp::convert<F32, F64>(d1, rm, fl)); break;
    case Op::FCVT_D_S: wf(fp::convert<F64, F32>(s1, rm, fl)); break;
    case Op::FEQ_D: wx(fp::feq<F64>(d1, d2, fl)); break;
    case Op::FLT_D: wx(fp::flt<F64>(d1, d2, fl)); break;
    case Op::FLE_D: wx(fp::fle<F64>(d1, d2, fl)); break;
    case Op::FCLASS_D: wx(fp::classify<F64>(d1)); break;
    case Op::FCVT_W_D: wx(fp::to_int<F64>(d1, true, 32, rm, fl)); break;
    case Op::FCVT_WU_D: wx(fp::to_int<F64>(d1, false, 32, rm, fl)); break;
    case Op::FCVT_L_D: wx(fp::to_int<F64>(d1, true, 64, rm, fl)); break;
    case Op::FCVT_LU_D: wx(fp::to_int<F64>(d1, false, 64, rm, fl)); break;
    case Op::FCVT_D_W: wf(fp::from_int<F64>(x[d.rs1], true, 32, rm, fl)); break;
    case Op::FCVT_D_WU: wf(fp::from_int<F64>(x[d.rs1], false, 32, rm, fl)); break;
    case Op::FCVT_D_L: wf(fp::from_int<F64>(x[d.rs1], true, 64, rm, fl)); break;
    case Op::FCVT_D_LU: wf(fp::from_int<F64>(x[d.rs1], false, 64, rm, fl)); break;
    case Op::FMV_X_D: wx(f[d.rs1]); break;
    case Op::FMV_D_X: wf(x[d.rs1]); break;

    // ---- half (Zfhmin, Zfh)
    case Op::FLH: {
        uint64_t v;
        if (!load_slow(x[d.rs1] + uint64_t(d.imm), 2, v)) return false;
        wh(uint16_t(v));
        return true;
    }
    case Op::FSH: return store_slow(x[d.rs1] + uint64_t(d.imm), 2, uint16_t(f[d.rs2]));
    case Op::FMV_X_H: wx(uint64_t(int64_t(int16_t(f[d.rs1])))); break;
    case Op::FMV_H_X: wh(uint16_t(x[d.rs1])); break;
    case Op::FCVT_S_H: ws(fp::convert<F32, F16>(h1, rm, fl)); break;
    case Op::FCVT_H_S: wh(fp::convert<F16, F32>(s1, rm, fl)); break;
    case Op::FCVT_D_H: wf(fp::convert<F64, F16>(h1, rm, fl)); break;
    case Op::FCVT_H_D: wh(fp::convert<F16, F64>(d1, rm, fl)); break;
    case Op::FMADD_H: wh(fp::fma<F16>(h1, h2, h3, false, false, rm, fl)); break;
    case Op::FMSUB_H: wh(fp::fma<F16>(h1, h2, h3, false, true, rm, fl)); break;
    case Op::FNMSUB_H: wh(fp::fma<F16>(h1, h2, h3, true, false, rm, fl)); break;
    case Op::FNMADD_H: wh(fp::fma<F16>(h1, h2, h3, true, true, rm, fl)); break;
    case Op::FADD_H: wh(fp::add<F16>(h1, h2, false, rm, fl)); break;
    case Op::FSUB_H: wh(fp::add<F16>(h1, h2, true, rm, fl)); break;
    case Op::FMUL_H: wh(fp::mul<F16>(h1, h2, rm, fl)); break;
    case Op::FDIV_H: wh(fp::div<F16>(h1, h2, rm, fl)); break;
    case Op::FSQRT_H: wh(fp::sqrt<F16>(h1, rm, fl)); break;
    case Op::FSGNJ_H: wh((h1 & ~F16::SIGN) | (h2 & F16::SIGN)); break;
    case Op::FSGNJN_H: wh((h1 & ~F16::SIGN) | (~h2 & F16::SIGN)); break;
    case Op::FSGNJX_H: wh(h1 ^ (h2 & F16::SIGN)); break;
    case Op::FMIN_H: wh(fp::fmin<F16>(h1, h2, fl)); break;
    case Op::FMAX_H: wh(fp::fmax<F16>(h1, h2, fl)); break;
    case Op::FEQ_H: wx(fp::feq<F16>(h1, h2, fl)); break;
    case Op::FLT_H: wx(fp::flt<F16>(h1, h2, fl)); break;
    case Op::FLE_H: wx(fp::fle<F16>(h1, h2, fl)); break;
    case Op::FCLASS_H: wx(fp::classify<F16>(h1)); break;
    case Op::FCVT_W_H: wx(fp::to_int<F16>(h1, true, 32, rm, fl)); break;
    case Op::FCVT_WU_H: wx(fp::to_int<F16>(h1, false, 32, rm, fl)); break;
    case Op::FCVT_L_H: wx(fp::to_int<F16>(h1, true, 64, rm, fl)); break;
    case Op::FCVT_LU_H: wx(fp::to_int<F16>(h1, false, 64, rm, fl)); break;
    case Op::FCVT_H_W: wh(fp::from_int<F16>(x[d.rs1], true, 32, rm, fl)); break;
    case Op::FCVT_H_WU: wh(fp::from_int<F16>(x[d.rs1], false, 32, rm, fl)); break;
    case Op::FCVT_H_L: wh(fp::from_int<F16>(x[d.rs1], true, 64, rm, fl)); break;
    case Op::FCVT_H_LU: wh(fp::from_int<F16>(x[d.rs1], false, 64, rm, fl)); break;

    // ---- Zfa
    case Op::FLI_S: ws(fp::fli<F32>(d.rs1)); break;
    case Op::FLI_D: wf(fp::fli<F64>(d.rs1)); break;
    case Op::FLI_H: wh(fp::fli<F16>(d.rs1)); break;
    case Op::FMINM_S: ws(fp::fminm<F32>(s1, s2, fl)); break;
    case Op::FMAXM_S: ws(fp::fmaxm<F32>(s1, s2, fl)); break;
    case Op::FMINM_D: wf(fp::fminm<F64>(d1, d2, fl)); break;
    case Op::FMAXM_D: wf(fp::fmaxm<F64>(d1, d2, fl)); break;
    case Op::FMINM_H: wh(fp::fminm<F16>(h1, h2, fl)); break;
    case Op::FMAXM_H: wh(fp::fmaxm<F16>(h1, h2, fl)); break;
    case Op::FROUND_S: ws(fp::round_to_integral<F32>(s1, rm, false, fl)); break;
    case Op::FROUNDNX_S: ws(fp::round_to_integral<F32>(s1, rm, true, fl)); break;
    case Op::FROUND_D: wf(fp::round_to_integral<F64>(d1, rm, false, fl)); break;
    case Op::FROUNDNX_D: wf(fp::round_to_integral<F64>(d1, rm, true, fl)); break;
    case Op::FROUND_H: wh(fp::round_to_integral<F16>(h1, rm, false, fl)); break;
    case Op::FROUNDNX_H: wh(fp::round_to_integral<F16>(h1, rm, true, fl)); break;
    case Op::FLEQ_S: wx(fp::fleq<F32>(s1, s2, fl)); break;
    case Op::FLTQ_S: wx(fp::fltq<F32>(s1, s2, fl)); break;
    case Op::FLEQ_D: wx(fp::fleq<F64>(d1, d2, fl)); break;
    case Op::FLTQ_D: wx(fp::fltq<F64>(d1, d2, fl)); break;
    case Op::FLEQ_H: wx(fp::fleq<F16>(h1, h2, fl)); break;
    case Op::FLTQ_H: wx(fp::fltq<F16>(h1, h2, fl)); break;
    case Op::FCVTMOD_W_D: wx(fp::fcvtmod_w(d1, fl)); break;
    default: illegal(d); return false;
    }
    if (fl) {
        csr.fflags |= fl;
        if (commit_) commit_->csr_written(uint16_t(isa::Csr::FFLAGS));
        dirty();
    }
    return true;
}

}  // namespace emu
