// The F and D extensions. Every expected value below comes from IEEE 754 /
// the RISC-V unprivileged spec, with the reasoning written next to it (bit
// patterns worked out by hand), or from the riscv-tests rv64uf/rv64ud
// expectations; none was produced by running this code. Part 1 drives the
// soft-float (emu/fpu_soft.hpp) directly, part 2 runs instructions on a hart
// (NaN boxing, mstatus.FS / vsstatus.FS, rounding-mode legality).
#include <doctest/doctest.h>

#include <string_view>
#include <vector>

#include "emu/fpu_soft.hpp"
#include "emu/hart.hpp"
#include "emu/machine.hpp"
#include "isa/csr.hpp"
#include "isa/insn.hpp"

using namespace emu::fp;
using isa::Csr;

namespace {

constexpr unsigned kAllRm[] = {RNE, RTZ, RDN, RUP, RMM};

// One operation's outcome: value and the flags it raised.
struct R {
    uint64_t v;
    unsigned fl;
    bool operator==(const R&) const = default;
};
doctest::String toString(const R& r) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "{0x%llx, flags 0x%x}", (unsigned long long)r.v, r.fl);
    return buf;
}

template <class F> R fadd(uint64_t a, uint64_t b, unsigned rm) { unsigned fl = 0; uint64_t v = add<F>(a, b, false, rm, fl); return {v, fl}; }
template <class F> R fsub(uint64_t a, uint64_t b, unsigned rm) { unsigned fl = 0; uint64_t v = add<F>(a, b, true, rm, fl); return {v, fl}; }
template <class F> R fmul(uint64_t a, uint64_t b, unsigned rm) { unsigned fl = 0; uint64_t v = mul<F>(a, b, rm, fl); return {v, fl}; }
template <class F> R fdiv(uint64_t a, uint64_t b, unsigned rm) { unsigned fl = 0; uint64_t v = div<F>(a, b, rm, fl); return {v, fl}; }
template <class F> R fsqrt(uint64_t a, unsigned rm) { unsigned fl = 0; uint64_t v = emu::fp::sqrt<F>(a, rm, fl); return {v, fl}; }
template <class F> R fmadd(uint64_t a, uint64_t b, uint64_t c, unsigned rm, bool np = false, bool nc = false) {
    unsigned fl = 0;
    uint64_t v = fma<F>(a, b, c, np, nc, rm, fl);
    return {v, fl};
}
template <class F> R cvt_to(uint64_t a, bool sgn, int bits, unsigned rm) { unsigned fl = 0; uint64_t v = to_int<F>(a, sgn, bits, rm, fl); return {v, fl}; }
template <class F> R cvt_from(uint64_t a, bool sgn, int bits, unsigned rm) { unsigned fl = 0; uint64_t v = from_int<F>(a, sgn, bits, rm, fl); return {v, fl}; }
template <class T, class Fr> R cvt(uint64_t a, unsigned rm) { unsigned fl = 0; uint64_t v = convert<T, Fr>(a, rm, fl); return {v, fl}; }
template <class F> R min_(uint64_t a, uint64_t b) { unsigned fl = 0; uint64_t v = fmin<F>(a, b, fl); return {v, fl}; }
template <class F> R max_(uint64_t a, uint64_t b) { unsigned fl = 0; uint64_t v = fmax<F>(a, b, fl); return {v, fl}; }
template <class F> R eq_(uint64_t a, uint64_t b) { unsigned fl = 0; uint64_t v = feq<F>(a, b, fl); return {v, fl}; }
template <class F> R lt_(uint64_t a, uint64_t b) { unsigned fl = 0; uint64_t v = flt<F>(a, b, fl); return {v, fl}; }
template <class F> R le_(uint64_t a, uint64_t b) { unsigned fl = 0; uint64_t v = fle<F>(a, b, fl); return {v, fl}; }

// Bit patterns used throughout.
constexpr uint64_t S_ONE = 0x3f800000, S_MONE = 0xbf800000, S_TWO = 0x40000000, S_HALF = 0x3f000000;
constexpr uint64_t S_PZERO = 0x00000000, S_MZERO = 0x80000000, S_INF = 0x7f800000, S_MINF = 0xff800000;
constexpr uint64_t S_QNAN = 0x7fc00000, S_SNAN = 0x7f800001, S_MAX = 0x7f7fffff, S_MINNORM = 0x00800000;
constexpr uint64_t D_ONE = 0x3ff0000000000000, D_MONE = 0xbff0000000000000, D_TWO = 0x4000000000000000;
constexpr uint64_t D_PZERO = 0, D_MZERO = 0x8000000000000000, D_INF = 0x7ff0000000000000, D_MINF = 0xfff0000000000000;
constexpr uint64_t D_QNAN = 0x7ff8000000000000, D_SNAN = 0x7ff0000000000001, D_MAX = 0x7fefffffffffffff;

}  // namespace

// ---------------------------------------------------------------------------
// Part 1: arithmetic
// ---------------------------------------------------------------------------

TEST_CASE("RMM: an exact tie rounds away from zero; the other modes as IEEE 754 defines them") {
    // 1 + 2^-24 lies exactly halfway between 1.0 (0x3f800000, even significand)
    // and the next single 1 + 2^-23 (0x3f800001). 2^-24 = exponent 103 = 0x33800000.
    const uint64_t up = 0x3f800001;
    CHECK(fadd<F32>(S_ONE, 0x33800000, RNE) == R{S_ONE, NX});  // ties to even: down
    CHECK(fadd<F32>(S_ONE, 0x33800000, RTZ) == R{S_ONE, NX});
    CHECK(fadd<F32>(S_ONE, 0x33800000, RDN) == R{S_ONE, NX});
    CHECK(fadd<F32>(S_ONE, 0x33800000, RUP) == R{up, NX});
    CHECK(fadd<F32>(S_ONE, 0x33800000, RMM) == R{up, NX});     // ties to max magnitude: up
    // The same tie below zero: RMM goes to the larger magnitude, RDN too, RUP toward zero.
    CHECK(fadd<F32>(S_MONE, 0xb3800000, RNE) == R{S_MONE, NX});
    CHECK(fadd<F32>(S_MONE, 0xb3800000, RTZ) == R{S_MONE, NX});
    CHECK(fadd<F32>(S_MONE, 0xb3800000, RDN) == R{0xbf800001, NX});
    CHECK(fadd<F32>(S_MONE, 0xb3800000, RUP) == R{S_MONE, NX});
    CHECK(fadd<F32>(S_MONE, 0xb3800000, RMM) == R{0xbf800001, NX});
    // 1 + 3*2^-24 is halfway between 1+2^-23 (odd) and 1+2^-22 (even): RNE and RMM agree.
    CHECK(fadd<F32>(S_ONE, 0x34400000, RNE) == R{0x3f800002, NX});
    CHECK(fadd<F32>(S_ONE, 0x34400000, RMM) == R{0x3f800002, NX});
    // Below a tie RMM rounds to nearest: 1 + 2^-25 -> 1.0.
    CHECK(fadd<F32>(S_ONE, 0x33000000, RMM) == R{S_ONE, NX});

    // A product tie: (1 + 3u) * 1.5 = 1.5 + 4.5u (u = 2^-52): between 1.5+4u
    // (0x3ff8000000000004, even) and 1.5+5u (...05).
    CHECK(fmul<F64>(0x3ff0000000000003, 0x3ff8000000000000, RNE) == R{0x3ff8000000000004, NX});
    CHECK(fmul<F64>(0x3ff0000000000003, 0x3ff8000000000000, RMM) == R{0x3ff8000000000005, NX});
    CHECK(fmul<F64>(0x3ff0000000000003, 0x3ff8000000000000, RTZ) == R{0x3ff8000000000004, NX});
    CHECK(fmul<F64>(0x3ff0000000000003, 0x3ff8000000000000, RUP) == R{0x3ff8000000000005, NX});

    // A quotient tie in the subnormal range: 2^-1074 / 2 = 2^-1075, halfway
    // between +0 and the smallest subnormal; tiny and inexact, so UF too.
    CHECK(fdiv<F64>(1, D_TWO, RNE) == R{0, UF | NX});
    CHECK(fdiv<F64>(1, D_TWO, RMM) == R{1, UF | NX});
    CHECK(fdiv<F64>(1, D_TWO, RUP) == R{1, UF | NX});
    CHECK(fdiv<F64>(1, D_TWO, RTZ) == R{0, UF | NX});
    CHECK(fdiv<F64>(0x8000000000000001, D_TWO, RMM) == R{0x8000000000000001, UF | NX});
    CHECK(fdiv<F64>(0x8000000000000001, D_TWO, RDN) == R{0x8000000000000001, UF | NX});
    CHECK(fdiv<F64>(0x8000000000000001, D_TWO, RNE) == R{D_MZERO, UF | NX});

    // Conversions: 2.5 -> 2 (RNE) / 3 (RMM); -2.5 -> -2 / -3; 0.5 -> 0 / 1.
    CHECK(cvt_to<F32>(0x40200000, true, 32, RNE) == R{2, NX});
    CHECK(cvt_to<F32>(0x40200000, true, 32, RMM) == R{3, NX});
    CHECK(cvt_to<F32>(0xc0200000, true, 32, RNE) == R{uint64_t(-2), NX});
    CHECK(cvt_to<F32>(0xc0200000, true, 32, RMM) == R{uint64_t(-3), NX});
    CHECK(cvt_to<F32>(S_HALF, true, 64, RNE) == R{0, NX});
    CHECK(cvt_to<F32>(S_HALF, true, 64, RMM) == R{1, NX});
    CHECK(cvt_to<F64>(0x400c000000000000, true, 64, RNE) == R{4, NX});  // 3.5: both to 4
    CHECK(cvt_to<F64>(0x400c000000000000, true, 64, RMM) == R{4, NX});
    // 16777217 = 2^24 + 1: halfway between 2^24 (0x4b800000) and 2^24 + 2 (0x4b800001).
    CHECK(cvt_from<F32>(16777217, true, 32, RNE) == R{0x4b800000, NX});
    CHECK(cvt_from<F32>(16777217, true, 32, RMM) == R{0x4b800001, NX});
    CHECK(cvt_from<F32>(uint64_t(-16777217), true, 64, RMM) == R{0xcb800001, NX});
    // A double 1 + 2^-24 (0x3ff0000010000000) to single: the tie of the first case.
    CHECK(cvt<F32, F64>(0x3ff0000010000000, RNE) == R{S_ONE, NX});
    CHECK(cvt<F32, F64>(0x3ff0000010000000, RMM) == R{up, NX});
    // fma with the same tie: 1*1 + 2^-24.
    CHECK(fmadd<F32>(S_ONE, S_ONE, 0x33800000, RNE) == R{S_ONE, NX});
    CHECK(fmadd<F32>(S_ONE, S_ONE, 0x33800000, RMM) == R{up, NX});
}

TEST_CASE("fused multiply-add rounds once") {
    // a = b = 1 + 2^-27 (0x3ff0000002000000), c = -(1 + 2^-26) (0xbff0000004000000):
    // a*b = 1 + 2^-26 + 2^-54 exactly, so a*b + c = 2^-54 (0x3c90000000000000), exact.
    // Rounding the product first would give 1 + 2^-26 and a result of 0.
    const uint64_t a = 0x3ff0000002000000, c = 0xbff0000004000000;
    for (unsigned rm : kAllRm) CHECK(fmadd<F64>(a, a, c, rm) == R{0x3c90000000000000, 0});
    CHECK(fmul<F64>(a, a, RNE) == R{0x3ff0000004000000, NX});  // the product alone loses 2^-54
    // Single: a = b = 1 + 2^-12 (0x3f800800), c = -(1 + 2^-11) (0xbf801000): 2^-24 = 0x33800000.
    CHECK(fmadd<F32>(0x3f800800, 0x3f800800, 0xbf801000, RNE) == R{0x33800000, 0});
    // fmsub: a*b - c with c = +(1 + 2^-11); fnmsub: -(a*b) + c; fnmadd: -(a*b) - c.
    CHECK(fmadd<F32>(0x3f800800, 0x3f800800, 0x3f801000, RNE, false, true) == R{0x33800000, 0});
    CHECK(fmadd<F32>(0x3f800800, 0x3f800800, 0x3f801000, RNE, true, false) == R{0xb3800000, 0});
    CHECK(fmadd<F32>(0x3f800800, 0x3f800800, 0xbf801000, RNE, true, true) == R{0xb3800000, 0});
    // riscv-tests rv64ud fmadd: fmadd.d 1.0, 2.5, 1.0 = 3.5; fnmadd.d -> -3.5.
    CHECK(fmadd<F64>(D_ONE, 0x4004000000000000, D_ONE, RNE) == R{0x400c000000000000, 0});
    CHECK(fmadd<F64>(D_ONE, 0x4004000000000000, D_ONE, RNE, true, true) == R{0xc00c000000000000, 0});
    // An exact zero sum is +0, or -0 when rounding down.
    CHECK(fmadd<F64>(D_ONE, D_ONE, D_MONE, RNE) == R{D_PZERO, 0});
    CHECK(fmadd<F64>(D_ONE, D_ONE, D_MONE, RDN) == R{D_MZERO, 0});
    // inf * 0 is invalid even when the addend is a quiet NaN (RISC-V spec, F chapter).
    CHECK(fmadd<F64>(D_INF, D_PZERO, D_QNAN, RNE) == R{D_QNAN, NV});
    CHECK(fmadd<F32>(S_INF, S_PZERO, S_ONE, RNE) == R{S_QNAN, NV});
    // inf - inf through the addend is invalid; a quiet NaN operand alone is not.
    CHECK(fmadd<F64>(D_INF, D_ONE, D_MINF, RNE) == R{D_QNAN, NV});
    CHECK(fmadd<F64>(D_QNAN, D_ONE, D_ONE, RNE) == R{D_QNAN, 0});
    CHECK(fmadd<F64>(D_ONE, D_ONE, D_SNAN, RNE) == R{D_QNAN, NV});
}

TEST_CASE("overflow: the rounding mode picks infinity or the largest finite value") {
    // MAX * 2 overflows. RNE/RMM -> inf; RTZ -> MAX; RDN/RUP toward their side.
    CHECK(fmul<F32>(S_MAX, S_TWO, RNE) == R{S_INF, OF | NX});
    CHECK(fmul<F32>(S_MAX, S_TWO, RMM) == R{S_INF, OF | NX});
    CHECK(fmul<F32>(S_MAX, S_TWO, RTZ) == R{S_MAX, OF | NX});
    CHECK(fmul<F32>(S_MAX, S_TWO, RDN) == R{S_MAX, OF | NX});
    CHECK(fmul<F32>(S_MAX, S_TWO, RUP) == R{S_INF, OF | NX});
    CHECK(fmul<F32>(S_MAX | 0x80000000, S_TWO, RDN) == R{S_MINF, OF | NX});
    CHECK(fmul<F32>(S_MAX | 0x80000000, S_TWO, RUP) == R{0xff7fffff, OF | NX});
    CHECK(fadd<F64>(D_MAX, D_MAX, RNE) == R{D_INF, OF | NX});
    CHECK(fadd<F64>(D_MAX, D_MAX, RTZ) == R{D_MAX, OF | NX});
    // MAX + half its ulp (2^103 = 0x73000000): a tie, to even = 2^128, overflows
    // under RNE and RMM; truncating it gives MAX, which is no overflow at all.
    CHECK(fadd<F32>(S_MAX, 0x73000000, RNE) == R{S_INF, OF | NX});
    CHECK(fadd<F32>(S_MAX, 0x73000000, RMM) == R{S_INF, OF | NX});
    CHECK(fadd<F32>(S_MAX, 0x73000000, RTZ) == R{S_MAX, NX});
    CHECK(fadd<F32>(S_MAX, 0x73000000, RDN) == R{S_MAX, NX});
    CHECK(fadd<F32>(S_MAX, 0x73000000, RUP) == R{S_INF, OF | NX});
    // Division by a tiny number.
    CHECK(fdiv<F64>(D_ONE, 1, RNE) == R{D_INF, OF | NX});
}

TEST_CASE("underflow: tininess is detected after rounding, UF only when also inexact") {
    // 0x380ffffff0000000 is the double 2^-126 * (1 - 2^-25). Rounded to 24 bits
    // with an unbounded exponent it is a tie between 2^-126 - 2^-150 (odd) and
    // 2^-126 (even): RNE/RMM/RUP give 2^-126, so it is not tiny -> NX only,
    // result the smallest normal. RTZ/RDN give 2^-126 - 2^-150: tiny -> UF;
    // in the subnormal format that truncates to 0x007fffff.
    const uint64_t x = 0x380ffffff0000000;
    CHECK(cvt<F32, F64>(x, RNE) == R{S_MINNORM, NX});
    CHECK(cvt<F32, F64>(x, RMM) == R{S_MINNORM, NX});
    CHECK(cvt<F32, F64>(x, RUP) == R{S_MINNORM, NX});
    CHECK(cvt<F32, F64>(x, RTZ) == R{0x007fffff, UF | NX});
    CHECK(cvt<F32, F64>(x, RDN) == R{0x007fffff, UF | NX});
    // (1 - 2^-24) * 2^-126: exactly representable with 24 bits and an unbounded
    // exponent, so tiny in every mode; in the subnormal format it is halfway
    // between 0x007fffff and 0x00800000, and RNE picks the even one -- a
    // result equal to the smallest normal that still raises UF.
    CHECK(fmul<F32>(0x3f7fffff, S_MINNORM, RNE) == R{S_MINNORM, UF | NX});
    CHECK(fmul<F32>(0x3f7fffff, S_MINNORM, RTZ) == R{0x007fffff, UF | NX});
    // An exact tiny result raises nothing.
    CHECK(fmul<F32>(S_MINNORM, S_HALF, RNE) == R{0x00400000, 0});
    CHECK(fsub<F64>(0x0010000000000001, 0x0010000000000000, RNE) == R{1, 0});
    // Flushed to zero: 2^-149 * 2^-10.
    CHECK(fmul<F32>(1, 0x3a800000, RNE) == R{S_PZERO, UF | NX});
    CHECK(fmul<F32>(1, 0x3a800000, RUP) == R{1, UF | NX});
}

TEST_CASE("float to integer: saturation and the invalid flag (RISC-V spec table)") {
    // NaN and +inf -> the largest value; -inf and below range -> the smallest.
    CHECK(cvt_to<F32>(S_QNAN, true, 32, RNE) == R{0x7fffffff, NV});
    CHECK(cvt_to<F32>(S_SNAN, true, 32, RNE) == R{0x7fffffff, NV});
    CHECK(cvt_to<F32>(S_INF, true, 32, RNE) == R{0x7fffffff, NV});
    CHECK(cvt_to<F32>(S_MINF, true, 32, RNE) == R{0xffffffff80000000, NV});
    CHECK(cvt_to<F32>(0x4f32d05e, true, 32, RNE) == R{0x7fffffff, NV});           // 3e9
    CHECK(cvt_to<F32>(0xcf32d05e, true, 32, RNE) == R{0xffffffff80000000, NV});   // -3e9
    // Unsigned 32-bit results are sign-extended: NaN -> 2^32-1 -> all ones.
    CHECK(cvt_to<F32>(S_QNAN, false, 32, RNE) == R{0xffffffffffffffff, NV});
    CHECK(cvt_to<F32>(0x4f32d05e, false, 32, RNE) == R{0xffffffffb2d05e00, 0});   // 3e9 fits
    CHECK(cvt_to<F32>(S_MONE, false, 32, RNE) == R{0, NV});
    CHECK(cvt_to<F32>(S_MINF, false, 32, RNE) == R{0, NV});
    // riscv-tests fcvt_w: fcvt.wu.s -0.9 rtz -> 0 with NX only (rounds to 0, not negative).
    CHECK(cvt_to<F32>(0xbf666666, false, 32, RTZ) == R{0, NX});
    CHECK(cvt_to<F32>(0xbf666666, false, 32, RDN) == R{0, NV});  // rounds to -1
    // riscv-tests fcvt_w: fcvt.w.s -1.1 rtz -> -1 NX; 1.1 -> 1 NX.
    CHECK(cvt_to<F32>(0xbf8ccccd, true, 32, RTZ) == R{uint64_t(-1), NX});
    CHECK(cvt_to<F32>(0x3f8ccccd, true, 32, RTZ) == R{1, NX});
    // 64-bit: 2^63 is out of range, -2^63 is not.
    CHECK(cvt_to<F64>(0x43e0000000000000, true, 64, RNE) == R{0x7fffffffffffffff, NV});
    CHECK(cvt_to<F64>(0xc3e0000000000000, true, 64, RNE) == R{0x8000000000000000, 0});
    CHECK(cvt_to<F64>(D_QNAN, false, 64, RNE) == R{0xffffffffffffffff, NV});
    CHECK(cvt_to<F64>(0x43f0000000000000, false, 64, RNE) == R{0xffffffffffffffff, NV});  // 2^64
    CHECK(cvt_to<F64>(0x41f0000000000000, false, 32, RNE) == R{0xffffffffffffffff, NV});  // 2^32
    CHECK(cvt_to<F64>(D_MZERO, false, 64, RNE) == R{0, 0});
    // -2^31 - 0.5 (0xc1e0000000100000): in range after RTZ/RNE (tie to even
    // -2^31), out of range after RDN/RMM (-2^31 - 1).
    CHECK(cvt_to<F64>(0xc1e0000000100000, true, 32, RTZ) == R{0xffffffff80000000, NX});
    CHECK(cvt_to<F64>(0xc1e0000000100000, true, 32, RNE) == R{0xffffffff80000000, NX});
    CHECK(cvt_to<F64>(0xc1e0000000100000, true, 32, RDN) == R{0xffffffff80000000, NV});
    CHECK(cvt_to<F64>(0xc1e0000000100000, true, 32, RMM) == R{0xffffffff80000000, NV});
    // 2^31 - 0.5 (0x41dfffffffe00000): RTZ gives 2^31 - 1; RNE (tie, to even)
    // and RMM reach 2^31, out of range.
    CHECK(cvt_to<F64>(0x41dfffffffe00000, true, 32, RTZ) == R{0x7fffffff, NX});
    CHECK(cvt_to<F64>(0x41dfffffffe00000, true, 32, RNE) == R{0x7fffffff, NV});
    CHECK(cvt_to<F64>(0x41dfffffffe00000, true, 32, RMM) == R{0x7fffffff, NV});
    // Integer to float: exact and inexact; unsigned 64-bit all ones -> 2^64.
    CHECK(cvt_from<F64>(uint64_t(-2), true, 32, RNE) == R{0xc000000000000000, 0});
    CHECK(cvt_from<F64>(0xffffffff, false, 32, RNE) == R{0x41efffffffe00000, 0});
    CHECK(cvt_from<F64>(~0ull, false, 64, RNE) == R{0x43f0000000000000, NX});
    CHECK(cvt_from<F64>(~0ull, false, 64, RTZ) == R{0x43efffffffffffff, NX});
    CHECK(cvt_from<F32>(0x8000000000000000, true, 64, RNE) == R{0xdf000000, 0});  // -2^63
    CHECK(cvt_from<F32>(0, true, 64, RDN) == R{S_PZERO, 0});                     // never -0
}

TEST_CASE("fmin/fmax: -0 < +0, NaN operands ignored, sNaN signals") {
    CHECK(min_<F32>(S_MZERO, S_PZERO) == R{S_MZERO, 0});
    CHECK(min_<F32>(S_PZERO, S_MZERO) == R{S_MZERO, 0});
    CHECK(max_<F32>(S_MZERO, S_PZERO) == R{S_PZERO, 0});
    CHECK(max_<F32>(S_PZERO, S_MZERO) == R{S_PZERO, 0});
    CHECK(min_<F64>(D_MZERO, D_PZERO) == R{D_MZERO, 0});
    CHECK(max_<F64>(D_PZERO, D_MZERO) == R{D_PZERO, 0});
    CHECK(min_<F32>(S_QNAN, S_ONE) == R{S_ONE, 0});
    CHECK(max_<F32>(S_ONE, S_QNAN) == R{S_ONE, 0});
    CHECK(min_<F32>(S_SNAN, S_ONE) == R{S_ONE, NV});
    CHECK(max_<F64>(D_ONE, D_SNAN) == R{D_ONE, NV});
    // Two NaNs: the canonical NaN, whatever their payloads and signs.
    CHECK(max_<F32>(0x7fc12345, 0xffc00000) == R{S_QNAN, 0});
    CHECK(min_<F64>(D_SNAN, D_QNAN) == R{D_QNAN, NV});
    CHECK(min_<F64>(D_MINF, D_ONE) == R{D_MINF, 0});
    CHECK(max_<F64>(D_MONE, D_MINF) == R{D_MONE, 0});
    // riscv-tests fmin: fmin.s 2.5, 1.0 -> 1.0; fmax.s -1235.1, 1.1 -> 1.1.
    CHECK(min_<F32>(0x40200000, S_ONE) == R{S_ONE, 0});
    CHECK(max_<F32>(0xc49a6333, 0x3f8ccccd) == R{0x3f8ccccd, 0});
}

TEST_CASE("comparisons: feq is quiet, flt and fle signal on any NaN") {
    CHECK(eq_<F32>(S_QNAN, S_ONE) == R{0, 0});
    CHECK(eq_<F32>(S_SNAN, S_ONE) == R{0, NV});
    CHECK(lt_<F32>(S_QNAN, S_ONE) == R{0, NV});
    CHECK(le_<F32>(S_ONE, S_QNAN) == R{0, NV});
    CHECK(eq_<F32>(S_MZERO, S_PZERO) == R{1, 0});
    CHECK(lt_<F32>(S_MZERO, S_PZERO) == R{0, 0});
    CHECK(le_<F32>(S_PZERO, S_MZERO) == R{1, 0});
    CHECK(lt_<F64>(D_MONE, D_ONE) == R{1, 0});
    CHECK(lt_<F64>(0xc000000000000000, D_MONE) == R{1, 0});  // -2 < -1
    CHECK(lt_<F64>(D_MONE, 0xc000000000000000) == R{0, 0});
    CHECK(le_<F64>(D_INF, D_INF) == R{1, 0});
    CHECK(lt_<F64>(D_INF, D_INF) == R{0, 0});
    CHECK(eq_<F64>(D_QNAN, D_QNAN) == R{0, 0});
}

TEST_CASE("fclass: one bit per class") {
    CHECK(classify<F32>(S_MINF) == 1u << 0);
    CHECK(classify<F32>(S_MONE) == 1u << 1);
    CHECK(classify<F32>(0x80000001) == 1u << 2);
    CHECK(classify<F32>(S_MZERO) == 1u << 3);
    CHECK(classify<F32>(S_PZERO) == 1u << 4);
    CHECK(classify<F32>(0x007fffff) == 1u << 5);
    CHECK(classify<F32>(S_ONE) == 1u << 6);
    CHECK(classify<F32>(S_INF) == 1u << 7);
    CHECK(classify<F32>(S_SNAN) == 1u << 8);
    CHECK(classify<F32>(S_QNAN) == 1u << 9);
    CHECK(classify<F64>(0x800fffffffffffff) == 1u << 2);
    CHECK(classify<F64>(0x7ff4000000000000) == 1u << 8);
    CHECK(classify<F64>(0xfff8000000000000) == 1u << 9);
}

TEST_CASE("NaN results are the canonical NaN; division, square root and their flags") {
    CHECK(fsub<F32>(S_INF, S_INF, RNE) == R{S_QNAN, NV});
    CHECK(fadd<F32>(0xffc12345, S_ONE, RNE) == R{S_QNAN, 0});  // a quiet NaN's payload is not kept
    CHECK(fadd<F32>(0xff812345, S_ONE, RNE) == R{S_QNAN, NV});
    CHECK(fmul<F64>(D_INF, D_MZERO, RNE) == R{D_QNAN, NV});
    CHECK(fdiv<F32>(S_ONE, S_PZERO, RNE) == R{S_INF, DZ});
    CHECK(fdiv<F32>(S_MONE, S_PZERO, RNE) == R{S_MINF, DZ});
    CHECK(fdiv<F32>(S_PZERO, S_PZERO, RNE) == R{S_QNAN, NV});
    CHECK(fdiv<F64>(D_INF, D_INF, RNE) == R{D_QNAN, NV});
    CHECK(fdiv<F64>(D_INF, D_PZERO, RNE) == R{D_INF, 0});  // no DZ: the dividend is infinite
    // 1/3 = 0.0101...(binary): 0x3eaaaaab to nearest (the dropped bits are 1010...), 0x3eaaaaaa truncated.
    CHECK(fdiv<F32>(S_ONE, 0x40400000, RNE) == R{0x3eaaaaab, NX});
    CHECK(fdiv<F32>(S_ONE, 0x40400000, RTZ) == R{0x3eaaaaaa, NX});
    CHECK(fdiv<F32>(S_ONE, 0x40400000, RMM) == R{0x3eaaaaab, NX});
    // riscv-tests rv64ud fdiv/fsqrt (decimal constants as binary64 bit patterns):
    // fdiv.d 3.14159265 / 2.71828182 = 1.1557273520668288, NX; fsqrt.d 3.14159265 = 1.7724538498928541, NX.
    CHECK(fdiv<F64>(0x400921fb53c8d4f1, 0x4005bf0a89f1b0dd, RNE) == R{0x3ff27ddbf6c383ec, NX});
    CHECK(fsqrt<F64>(0x400921fb53c8d4f1, RNE) == R{0x3ffc5bf8916f587b, NX});
    // sqrt(2) = 1.41421356237309504880...: the single 0x3fb504f3 is 1.4142135381...
    // (below it, so nearest = truncated, up = 0x3fb504f4); the double
    // 0x3ff6a09e667f3bcd is 1.41421356237309514547... (above it: nearest rounds
    // up, truncation gives ...bcc).
    CHECK(fsqrt<F32>(S_TWO, RNE) == R{0x3fb504f3, NX});
    CHECK(fsqrt<F32>(S_TWO, RTZ) == R{0x3fb504f3, NX});
    CHECK(fsqrt<F32>(S_TWO, RUP) == R{0x3fb504f4, NX});
    CHECK(fsqrt<F64>(D_TWO, RNE) == R{0x3ff6a09e667f3bcd, NX});
    CHECK(fsqrt<F64>(D_TWO, RTZ) == R{0x3ff6a09e667f3bcc, NX});
    CHECK(fsqrt<F64>(D_TWO, RMM) == R{0x3ff6a09e667f3bcd, NX});
    CHECK(fsqrt<F64>(0x4010000000000000, RNE) == R{D_TWO, 0});   // sqrt(4) = 2
    CHECK(fsqrt<F64>(1, RNE) == R{0x1e60000000000000, 0});       // sqrt(2^-1074) = 2^-537
    CHECK(fsqrt<F32>(S_MZERO, RNE) == R{S_MZERO, 0});
    CHECK(fsqrt<F32>(S_MONE, RNE) == R{S_QNAN, NV});
    CHECK(fsqrt<F64>(D_MINF, RNE) == R{D_QNAN, NV});
    CHECK(fsqrt<F64>(D_INF, RNE) == R{D_INF, 0});
    // Between formats: NaNs become canonical (NV for a signalling one).
    CHECK(cvt<F32, F64>(D_SNAN, RNE) == R{S_QNAN, NV});
    CHECK(cvt<F32, F64>(0xfff8000000000123, RNE) == R{S_QNAN, 0});
    CHECK(cvt<F64, F32>(S_SNAN, RNE) == R{D_QNAN, NV});
    CHECK(cvt<F64, F32>(1, RNE) == R{0x36a0000000000000, 0});  // 2^-149, exactly
    CHECK(cvt<F64, F32>(S_MZERO, RNE) == R{D_MZERO, 0});
    // Sums with zero: x + (-x) = +0 except in RDN; -0 + -0 = -0.
    CHECK(fsub<F64>(D_ONE, D_ONE, RNE) == R{D_PZERO, 0});
    CHECK(fsub<F64>(D_ONE, D_ONE, RDN) == R{D_MZERO, 0});
    CHECK(fadd<F32>(S_MZERO, S_MZERO, RNE) == R{S_MZERO, 0});
    CHECK(fadd<F32>(S_MZERO, S_PZERO, RNE) == R{S_PZERO, 0});
    CHECK(fadd<F32>(S_MZERO, S_PZERO, RDN) == R{S_MZERO, 0});
}

// ---------------------------------------------------------------------------
// Part 2: on a hart
// ---------------------------------------------------------------------------

namespace {

// Encodes an instruction of the table by name; register fields and rm go
// where the row leaves bits free.
uint32_t enc(std::string_view name, unsigned rd = 0, unsigned rs1 = 0, unsigned rs2 = 0, unsigned rm = 0,
             unsigned rs3 = 0) {
    for (const auto& i : isa::instruction_table()) {
        if (i.name != name) continue;
        uint32_t w = (rd << 7) | (rm << 12) | (rs1 << 15) | (rs2 << 20) | (rs3 << 27);
        return i.match | (w & ~i.mask);
    }
    FAIL("no instruction " << name);
    return 0;
}
uint32_t enc_mem(std::string_view name, unsigned reg, unsigned base, int imm) {  // flw/fld (reg = rd), fsw/fsd (reg = rs2)
    for (const auto& i : isa::instruction_table()) {
        if (i.name != name) continue;
        const uint32_t u = uint32_t(imm) & 0xfff;
        if (i.format == isa::Format::FSTORE)
            return i.match | ((u >> 5) << 25) | (reg << 20) | (base << 15) | ((u & 31) << 7);
        return i.match | (u << 20) | (base << 15) | (reg << 7);
    }
    FAIL("no instruction " << name);
    return 0;
}

constexpr uint64_t kCode = 0x80000000, kData = 0x80001000;
constexpr uint64_t FS_OFF = 0, FS_INITIAL = 1ull << 13, FS_DIRTY = 3ull << 13;

struct Rig {
    emu::Machine m;
    explicit Rig(const char* isa = "rv64gc") : m(config(isa)) {}
    static emu::MachineConfig config(const char* isa) {
        emu::MachineConfig c;
        c.ram_size = 1 << 20;
        REQUIRE(emu::IsaConfig::parse(isa, c.isa).empty());
        return c;
    }
    emu::Hart& h() { return m.hart(0); }
    // Places the code at kCode and points the hart at it, in M-mode with FS as given.
    void program(const std::vector<uint32_t>& code, uint64_t fs = FS_INITIAL) {
        emu::Image img;
        img.entry = kCode;
        emu::Segment s;
        s.paddr = kCode;
        for (uint32_t w : code)
            for (int i = 0; i < 4; ++i) s.data.push_back(uint8_t(w >> (8 * i)));
        s.memsz = 0x2000;
        img.segments.push_back(s);
        m.load(img);
        h().pc = kCode;
        set(Csr::MSTATUS, (csr(Csr::MSTATUS) & ~emu::mstatus::FS) | fs);
        set(Csr::MTVEC, kCode + 0x800);
    }
    void step(uint64_t n = 1) { m.run(n); }
    // The CSR file as a debugger reaches it: write masks and derived state included.
    uint64_t csr(Csr c) { return h().csr_peek(c).value(); }
    void set(Csr c, uint64_t v) { REQUIRE(h().csr_poke(c, v)); }
    // PMP entry 0 covers everything with RWX, so S/U (and V) code may run.
    void open_pmp() {
        REQUIRE(h().csr_write(0x3b0, ~0ull >> 10));  // pmpaddr0: NAPOT, all of memory
        REQUIRE(h().csr_write(0x3a0, 0x1f));         // pmpcfg0: R W X, NAPOT
    }
    uint64_t fs() { return csr(Csr::MSTATUS) & emu::mstatus::FS; }
    bool trapped_illegal(uint64_t at) {
        return h().pc == kCode + 0x800 && csr(Csr::MCAUSE) == 2 && csr(Csr::MEPC) == at;
    }
};

}  // namespace

TEST_CASE("NaN boxing: an improperly boxed single reads as the canonical NaN") {
    Rig r;
    r.program({
        enc("fadd.s", 3, 1, 2, RNE),  // unboxed + 1.0 -> canonical NaN (quiet: no NV)
        enc("fadd.s", 4, 2, 2, RNE),  // 1.0 + 1.0 = 2.0, boxed
        enc("fmv.x.w", 5, 1),         // moves the low bits as they are
        enc("fsgnj.s", 6, 1, 1),      // fmv.s of an unboxed value: canonical NaN
        enc("fclass.s", 6, 1),        // classifies it as a quiet NaN
        enc("fmv.w.x", 7, 7),         // boxes
        enc("fcvt.d.s", 8, 1, 0, RNE),
        enc("fmv.x.w", 9, 7),         // sign-extends bit 31
        enc("fmv.x.d", 10, 1),
    });
    auto& h = r.h();
    h.f[1] = 0x000000003f800000;  // 1.0 without the box
    h.f[2] = 0xffffffff3f800000;  // 1.0
    h.x[7] = 0x1234567880000000;
    r.step(9);
    CHECK(h.f[3] == 0xffffffff7fc00000);
    CHECK(h.f[4] == 0xffffffff40000000);
    CHECK(h.x[5] == 0x3f800000);
    CHECK(h.f[6] == 0xffffffff7fc00000);
    CHECK(h.x[6] == 0x200);
    CHECK(h.f[7] == 0xffffffff80000000);
    CHECK(h.f[8] == 0x7ff8000000000000);
    CHECK(h.x[9] == 0xffffffff80000000);
    CHECK(h.x[10] == 0x000000003f800000);
    CHECK(r.csr(Csr::FFLAGS) == 0);
}

TEST_CASE("flw/fsw/fld/fsd: bits move unchanged; fsw stores an unboxed single's low bits") {
    Rig r;
    r.program({
        enc_mem("fsw", 1, 5, 0),
        enc_mem("fsd", 2, 5, 8),
        enc_mem("flw", 3, 5, 0),
        enc_mem("fld", 4, 5, 8),   // a signalling NaN is loaded as it is, no flag
        enc_mem("flw", 6, 5, 8),   // the low half of the double, boxed
        enc_mem("fld", 7, 5, 4),   // misaligned: bytes 4..11
    });
    auto& h = r.h();
    h.x[5] = kData;
    h.f[1] = 0x00000000deadbeef;
    h.f[2] = 0x7ff0000000000001;
    r.step(6);
    CHECK(h.f[3] == 0xffffffffdeadbeef);
    CHECK(h.f[4] == 0x7ff0000000000001);
    CHECK(h.f[6] == 0xffffffff00000001);
    CHECK(h.f[7] == 0x0000000100000000);
    CHECK(r.csr(Csr::FFLAGS) == 0);
}

TEST_CASE("mstatus.FS: Off makes F/D illegal; writes to f registers or flags make it Dirty") {
    Rig r;
    const uint32_t fadd_d = enc("fadd.d", 1, 2, 3, RNE);
    r.program({fadd_d}, FS_OFF);
    r.step();
    CHECK(r.trapped_illegal(kCode));
    CHECK(r.csr(Csr::MTVAL) == fadd_d);
    CHECK(r.fs() == FS_OFF);

    // Initial: moving out of an f register, comparing without a flag, or
    // storing leaves FS alone; a register write or a raised flag makes it Dirty.
    r.program({enc("fmv.x.d", 5, 1), enc("feq.d", 5, 1, 1), enc_mem("fsd", 1, 6, 0), enc("fmv.d.x", 1, 0)});
    r.h().x[6] = kData;
    r.step(3);
    CHECK(r.fs() == FS_INITIAL);
    r.step();
    CHECK(r.fs() == FS_DIRTY);
    uint64_t ms = 0;
    REQUIRE(r.h().csr_read(0x300, ms, false));
    CHECK((ms >> 63) == 1);  // SD follows

    r.program({enc("flt.d", 5, 1, 1)});
    r.h().f[1] = D_QNAN;
    r.step();
    CHECK(r.csr(Csr::FFLAGS) == NV);
    CHECK(r.fs() == FS_DIRTY);
}

TEST_CASE("V=1: vsstatus.FS must be on too, and becomes Dirty with mstatus.FS") {
    Rig r("rv64gch");
    const uint64_t MPV = 1ull << 39, MPP_S = 1ull << 11;
    // mret into VS-mode, then an FP instruction.
    r.program({enc("mret"), enc("fmv.d.x", 1, 5)}, FS_INITIAL);
    r.open_pmp();
    r.set(Csr::MSTATUS, r.csr(Csr::MSTATUS) | MPV | MPP_S);
    r.set(Csr::MEPC, kCode + 4);
    r.set(Csr::VSSTATUS, r.csr(Csr::VSSTATUS) & ~emu::mstatus::FS);  // Off
    r.h().x[5] = 42;
    r.step(2);
    CHECK(r.trapped_illegal(kCode + 4));
    CHECK(r.h().f[1] == 0);

    r.program({enc("mret"), enc("fmv.d.x", 1, 5)}, FS_INITIAL);
    r.open_pmp();
    r.set(Csr::MSTATUS, r.csr(Csr::MSTATUS) | MPV | MPP_S);
    r.set(Csr::MEPC, kCode + 4);
    r.set(Csr::VSSTATUS, (r.csr(Csr::VSSTATUS) & ~emu::mstatus::FS) | FS_INITIAL);
    r.h().x[5] = 42;
    r.step(2);
    CHECK(r.h().virt);
    CHECK(r.h().f[1] == 42);
    CHECK((r.csr(Csr::VSSTATUS) & emu::mstatus::FS) == FS_DIRTY);
    CHECK(r.fs() == FS_DIRTY);
}

TEST_CASE("rounding modes: 5 and 6 are reserved, 7 takes frm, and frm 5..7 is illegal") {
    for (unsigned rm : {5u, 6u}) {
        Rig r;
        r.program({enc("fadd.s", 1, 2, 3, rm)});
        r.step();
        CHECK(r.trapped_illegal(kCode));
    }
    for (unsigned frm : {5u, 6u, 7u}) {
        Rig r;
        r.program({enc("fcvt.d.w", 1, 2, 0, 7)});
        r.set(Csr::FRM, frm);
        r.step();
        CHECK(r.trapped_illegal(kCode));
    }
    // Dynamic RMM: the tie 1 + 2^-24 goes up, the static RNE one down.
    Rig r;
    r.program({enc("fadd.s", 1, 2, 3, 7), enc("fadd.s", 4, 2, 3, RNE)});
    r.set(Csr::FRM, RMM);
    r.h().f[2] = 0xffffffff3f800000;
    r.h().f[3] = 0xffffffff33800000;
    r.step(2);
    CHECK(r.h().f[1] == 0xffffffff3f800001);
    CHECK(r.h().f[4] == 0xffffffff3f800000);
    CHECK(r.csr(Csr::FFLAGS) == NX);
}

TEST_CASE("without F (rv64imac) or D (rv64imafc) the instructions are illegal") {
    {
        Rig r("rv64imac");
        r.program({enc("fadd.s", 1, 2, 3, RNE)}, FS_DIRTY);
        r.step();
        CHECK(r.trapped_illegal(kCode));
    }
    {
        Rig r("rv64imafc");
        r.program({enc("fadd.s", 1, 2, 3, RNE), enc("fadd.d", 1, 2, 3, RNE)}, FS_DIRTY);
        r.step(2);
        CHECK(r.trapped_illegal(kCode + 4));
    }
}
