// The fast path of F and D: the host's SSE arithmetic for the common case,
// with the soft-float (fpu_soft.hpp) deciding everything else.
//
// Why it is exact: with MXCSR at its default (round to nearest, ties to even,
// all exceptions masked, no flush-to-zero) SSE computes every IEEE basic
// operation correctly rounded. The fast path is taken only when the guest's
// rounding mode is RNE, every operand is a normal number or zero (NaN-boxed
// for singles), and the result is a normal number or an exact zero with no
// flag but "inexact": there the host result is RISC-V's result bit for bit,
// and the only flag to accrue is NX. Everything else (NaNs, infinities,
// subnormals, overflow, underflow, invalid, division by zero, other
// rounding modes) returns false and runs through the soft-float.
#pragma once
#include <immintrin.h>

#include <cstdint>
#include <cstring>

namespace emu::fphost {

constexpr unsigned kMxcsrDefault = 0x1f80;  // RNE, exceptions masked, flags clear
constexpr unsigned kMxcsrInexact = 0x20, kMxcsrFlags = 0x3f;
constexpr uint32_t kNX = 1;  // RISC-V fflags.NX

inline bool plain64(uint64_t v) {
    const uint64_t e = (v >> 52) & 0x7ff;
    return e != 0x7ff && (e != 0 || (v << 1) == 0);
}
inline bool plain32(uint64_t boxed) {
    if ((boxed >> 32) != 0xffffffffu) return false;  // not NaN-boxed: the soft path reads a canonical NaN
    const uint32_t v = uint32_t(boxed), e = (v >> 23) & 0xff;
    return e != 0xff && (e != 0 || (v << 1) == 0);
}
// The compiler knows nothing of MXCSR: it may move an operation across
// _mm_setcsr/_mm_getcsr. The operands pass through a volatile asm (after the
// set, in order) and so does the result (before the read), so the operation
// runs between the two.
template <typename T> inline T fenced(T v) {
    asm volatile("" : "+x"(v));
    return v;
}
inline double as_d(uint64_t v) { double d; std::memcpy(&d, &v, 8); return fenced(d); }
inline float as_f(uint64_t v) { float f; uint32_t u = uint32_t(v); std::memcpy(&f, &u, 4); return fenced(f); }
inline uint64_t bits(double d) { uint64_t v; std::memcpy(&v, &d, 8); return v; }
inline uint64_t bits(float f) { uint32_t v; std::memcpy(&v, &f, 4); return 0xffffffff00000000ull | v; }

// Runs `op` with clean flags; true when its result may stand (see above).
template <typename Op> inline bool run64(Op op, uint64_t& out, uint32_t& fflags) {
    _mm_setcsr(kMxcsrDefault);
    const uint64_t r = bits(fenced(op()));
    const unsigned f = _mm_getcsr() & kMxcsrFlags;
    if ((f & ~kMxcsrInexact) || !plain64(r)) return false;
    out = r;
    if (f) fflags |= kNX;
    return true;
}
template <typename Op> inline bool run32(Op op, uint64_t& out, uint32_t& fflags) {
    _mm_setcsr(kMxcsrDefault);
    const uint64_t r = bits(fenced(op()));
    const unsigned f = _mm_getcsr() & kMxcsrFlags;
    if ((f & ~kMxcsrInexact) || !plain32(r)) return false;
    out = r;
    if (f) fflags |= kNX;
    return true;
}

// Fused multiply-add in one rounding needs the host's FMA instructions.
bool have_fma();
double fma(double a, double b, double c);
float fmaf(float a, float b, float c);

}  // namespace emu::fphost
