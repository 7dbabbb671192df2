// The fast path of F and D: the host's SSE arithmetic for the common case,
// with the soft-float (fpu_soft.hpp) deciding everything else.
//
// Why it is exact: with MXCSR's control bits at their default (round to
// nearest, ties to even, all exceptions masked, no flush-to-zero, no
// denormals-are-zero) SSE computes every IEEE basic operation correctly
// rounded and raises IEEE's flags, detecting tininess after rounding as
// RISC-V does. The fast path is taken only when the guest's rounding mode is
// RNE, every operand is a normal number or zero (NaN-boxed for singles), and
// the result is a normal number or zero: there the host result is RISC-V's
// result bit for bit and the host's flags are RISC-V's. Everything else (NaN
// and infinite results or operands, subnormals, other rounding modes) runs
// through the soft-float.
//
// The flags are not read per operation: in the fast loop MXCSR's flags accrue
// those of the fast paths since the last fold(), which every out-of-line call
// and the loop's exit do first (so nothing outside sees fflags late); what the
// out-of-line code raises on the host (the soft-float's square-root estimate)
// is dropped by discard() after it, and at the loop's entry.
#pragma once
#include <cstdint>
#include <cstring>

namespace emu::fphost {

constexpr unsigned kMxcsrDefault = 0x1f80;  // RNE, exceptions masked, flags clear
constexpr unsigned kMxcsrFlags = 0x3f;

inline bool plain64(uint64_t v) {
    const uint64_t e = (v >> 52) & 0x7ff;
    return e != 0x7ff && (e != 0 || (v << 1) == 0);
}
inline bool plain32(uint64_t boxed) {
    if ((boxed >> 32) != 0xffffffffu) return false;  // not NaN-boxed: the soft path reads a canonical NaN
    const uint32_t v = uint32_t(boxed), e = (v >> 23) & 0xff;
    return e != 0xff && (e != 0 || (v << 1) == 0);
}
// The compiler knows nothing of MXCSR: it may move an operation across a
// read of it. The operands pass through a volatile asm and so does the
// result, whose store comes before the next fold() (a memory barrier).
template <typename T> inline T fenced(T v) {
    asm volatile("" : "+x"(v));
    return v;
}
inline double as_d(uint64_t v) { double d; std::memcpy(&d, &v, 8); return fenced(d); }
inline float as_f(uint64_t v) { float f; uint32_t u = uint32_t(v); std::memcpy(&f, &u, 4); return fenced(f); }
inline uint64_t bits(double d) { uint64_t v; std::memcpy(&v, &d, 8); return v; }
inline uint64_t bits(float f) { uint32_t v; std::memcpy(&v, &f, 4); return 0xffffffff00000000ull | v; }

// MXCSR, read and written as memory barriers: an operation whose result
// is stored before a fold() runs before it.
inline unsigned mxcsr() {
    unsigned m;
    asm volatile("stmxcsr %0" : "=m"(m) : : "memory");
    return m;
}
inline void set_mxcsr(unsigned m) { asm volatile("ldmxcsr %0" : : "m"(m) : "memory"); }
// RISC-V's fflags of MXCSR's IE, ZE, OE, UE and PE (DE, a denormal operand, has none).
constexpr uint32_t riscv_flags(unsigned m) {
    return (m & 0x01 ? 0x10 : 0) | (m & 0x04 ? 0x08 : 0) | (m & 0x08 ? 0x04 : 0) | (m & 0x10 ? 0x02 : 0) |
           (m & 0x20 ? 0x01 : 0);
}
// The flags raised since the last fold into fflags, and MXCSR's cleared.
inline void fold(uint32_t& fflags) {
    const unsigned m = mxcsr();
    if (__builtin_expect((m & kMxcsrFlags) != 0, 0)) {
        fflags |= riscv_flags(m);
        set_mxcsr(kMxcsrDefault);
    }
}
// MXCSR back at its default, whatever the host code since raised or set.
inline void discard() {
    if (__builtin_expect(mxcsr() != kMxcsrDefault, 0)) set_mxcsr(kMxcsrDefault);
}

// Runs `op`; true when its result may stand (see above). Its flags stay in MXCSR.
template <typename Op> inline bool run64(Op op, uint64_t& out) {
    const uint64_t r = bits(fenced(op()));
    if (!plain64(r)) return false;
    out = r;
    return true;
}
template <typename Op> inline bool run32(Op op, uint64_t& out) {
    const uint64_t r = bits(fenced(op()));
    if (!plain32(r)) return false;
    out = r;
    return true;
}

// Fused multiply-add in one rounding needs the host's FMA instructions.
bool have_fma();
double fma(double a, double b, double c);
float fmaf(float a, float b, float c);

}  // namespace emu::fphost
