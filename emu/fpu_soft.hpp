// IEEE 754 binary16/binary32/binary64 arithmetic in software, as RISC-V F, D
// and Zfh define it: five rounding modes (RNE, RTZ, RDN, RUP, RMM), the accrued flags NX, UF,
// OF, DZ, NV with tininess detected after rounding, the canonical NaN for
// every NaN result, and RISC-V's saturating float-to-integer conversions.
//
// Every operation computes its exact result as an integer significand and a
// power of two -- exactly, or (where the exact result is wider than 128 bits)
// with all discarded bits ORed into bit 0 ("sticky") far below the rounding
// position -- and then rounds once, in round_pack(). See emu/fpu.cpp for why
// each operation's intermediate is exact.
//
// Values are passed as raw bit patterns in uint64_t (a binary32 or binary16
// in the low bits, upper bits zero). Flags are ORed into `fl`. Pure functions: no host
// floating-point results (the host's sqrt only seeds an integer square root
// that is then corrected exactly), no host rounding mode or flags, no
// allocation, no exceptions.
#pragma once
#include <bit>
#include <cstdint>
#include <utility>

#include "isa/fli.hpp"

namespace emu::fp {

using u128 = unsigned __int128;

enum Rm : unsigned { RNE = 0, RTZ = 1, RDN = 2, RUP = 3, RMM = 4 };
enum Flag : unsigned { NX = 1, UF = 2, OF = 4, DZ = 8, NV = 16 };

// Format parameters: P = precision (significand bits with the hidden one), EW = exponent width.
template <int P_, int EW_> struct Format {
    static constexpr int P = P_, EW = EW_;
    static constexpr int BIAS = (1 << (EW - 1)) - 1;
    static constexpr int EMAX_FIELD = (1 << EW) - 1;  // exponent field of inf/NaN
    static constexpr uint64_t MANT = (1ull << (P - 1)) - 1;
    static constexpr uint64_t HIDDEN = 1ull << (P - 1);
    static constexpr uint64_t SIGN = 1ull << (P - 1 + EW);
    static constexpr uint64_t EXP = uint64_t(EMAX_FIELD) << (P - 1);
    static constexpr uint64_t QUIET = 1ull << (P - 2);
    static constexpr uint64_t CANON = EXP | QUIET;  // RISC-V canonical NaN (positive, quiet, payload 0)
    static constexpr uint64_t INF = EXP;
    static constexpr uint64_t MAXF = EXP - 1;        // largest finite magnitude
    static constexpr int EMIN_LSB = 1 - BIAS - (P - 1);  // exponent of a subnormal's lsb

    static bool is_nan(uint64_t a) { return (a & EXP) == EXP && (a & MANT) != 0; }
    static bool is_snan(uint64_t a) { return is_nan(a) && !(a & QUIET); }
    static bool is_inf(uint64_t a) { return (a & ~SIGN) == EXP; }
    static bool is_zero(uint64_t a) { return (a & ~SIGN) == 0; }
    static bool sign(uint64_t a) { return (a & SIGN) != 0; }
};
using F16 = Format<11, 5>;
using F32 = Format<24, 8>;
using F64 = Format<53, 11>;

namespace detail {

// A finite nonzero value: sig * 2^exp, exactly.
struct Unpacked {
    bool sign;
    int exp;
    uint64_t sig;
};

template <class F> inline Unpacked unpack(uint64_t a) {
    const int e = int((a >> (F::P - 1)) & F::EMAX_FIELD);
    const uint64_t m = a & F::MANT;
    if (e == 0) return {F::sign(a), F::EMIN_LSB, m};
    return {F::sign(a), e - F::BIAS - (F::P - 1), m | F::HIDDEN};
}

inline int msb64(uint64_t v) { return 63 - __builtin_clzll(v); }
inline int msb128(u128 v) {
    const uint64_t hi = uint64_t(v >> 64);
    return hi ? 64 + msb64(hi) : msb64(uint64_t(v));
}
// v >> n with every shifted-out bit ORed into bit 0.
inline u128 shr_jam128(u128 v, int n) {
    if (n <= 0) return v;
    if (n >= 128) return v != 0;
    return (v >> n) | u128((v & ((u128(1) << n) - 1)) != 0);
}
inline uint64_t shr_jam64(uint64_t v, int n) {
    if (n <= 0) return v;
    if (n >= 64) return v != 0;
    return (v >> n) | uint64_t((v & ((1ull << n) - 1)) != 0);
}

// Rounds s (with x bits below the kept part; x >= 2, so bit x-1 is the round
// bit and the bits below it are exact or sticky) to an integer by mode rm.
inline uint64_t round_bits(uint64_t s, int x, bool sign, unsigned rm, bool& inexact) {
    const uint64_t q = s >> x, rem = s & ((1ull << x) - 1), half = 1ull << (x - 1);
    inexact = rem != 0;
    bool inc = false;
    switch (rm) {
    case RNE: inc = rem > half || (rem == half && (q & 1)); break;
    case RTZ: inc = false; break;
    case RDN: inc = rem != 0 && sign; break;
    case RUP: inc = rem != 0 && !sign; break;
    case RMM: inc = rem >= half; break;
    default: break;
    }
    return q + inc;
}

}  // namespace detail

// Rounds sig * 2^exp (sig != 0; bit 0 may be sticky, provided the leading one
// is at least P+2 bits above it) to format F by mode rm, with the flags.
template <class F> inline uint64_t round_pack(bool sign, int exp, u128 sig, unsigned rm, unsigned& fl) {
    using namespace detail;
    // Normalize to 64 bits with the leading one at bit 62.
    const int l = msb128(sig);
    uint64_t s;
    if (l > 62) {
        s = uint64_t(shr_jam128(sig, l - 62));
        exp += l - 62;
    } else {
        s = uint64_t(sig) << (62 - l);
        exp -= 62 - l;
    }
    constexpr int X = 63 - F::P;  // bits below the kept significand: 10 (D) or 39 (S)
    const uint64_t sbit = sign ? F::SIGN : 0;
    int e = exp + 62 + F::BIAS;   // biased exponent of the leading one
    bool inexact;
    if (e >= 1) {
        uint64_t q = round_bits(s, X, sign, rm, inexact);
        if (q >> F::P) { q >>= 1; ++e; }  // rounded up to the next power of two
        if (e >= F::EMAX_FIELD) {
            fl |= OF | NX;
            const bool to_inf = rm == RNE || rm == RMM || (rm == RDN && sign) || (rm == RUP && !sign);
            return sbit | (to_inf ? F::INF : F::MAXF);
        }
        if (inexact) fl |= NX;
        return sbit | ((uint64_t(e - 1) << (F::P - 1)) + q);
    }
    // Below the normal range. Tininess after rounding: tiny unless rounding
    // to P bits with an unbounded exponent gives 2^emin or more.
    bool tiny = true;
    if (e == 0) {
        bool ix;
        tiny = !(round_bits(s, X, sign, rm, ix) >> F::P);
    }
    s = shr_jam64(s, 1 - e);
    const uint64_t q = round_bits(s, X, sign, rm, inexact);
    if (inexact) {
        fl |= NX;
        if (tiny) fl |= UF;
    }
    return sbit | q;  // q == HIDDEN encodes the smallest normal
}

// a + b (sub: a - b).
template <class F> inline uint64_t add(uint64_t a, uint64_t b, bool sub, unsigned rm, unsigned& fl) {
    using namespace detail;
    if (F::is_nan(a) || F::is_nan(b)) {
        if (F::is_snan(a) || F::is_snan(b)) fl |= NV;
        return F::CANON;
    }
    if (sub) b ^= F::SIGN;
    if (F::is_inf(a)) {
        if (F::is_inf(b) && F::sign(a) != F::sign(b)) { fl |= NV; return F::CANON; }
        return a;
    }
    if (F::is_inf(b)) return b;
    if (F::is_zero(b)) {
        if (F::is_zero(a) && F::sign(a) != F::sign(b)) return rm == RDN ? F::SIGN : 0;
        return a;
    }
    if (F::is_zero(a)) return b;
    Unpacked x = unpack<F>(a), y = unpack<F>(b);
    if (x.exp < y.exp) std::swap(x, y);
    // x has the larger exponent; when they differ x is normal. Work in units
    // of 2^(x.exp-64): x exactly; y exactly when d <= 64, else y < 2^-11 units
    // of x's lsb, jammed -- while x's leading one stays above bit 86.
    const int d = x.exp - y.exp;
    const u128 A = u128(x.sig) << 64;
    const u128 B = d <= 64 ? u128(y.sig) << (64 - d) : u128(shr_jam64(y.sig, d - 64));
    u128 r;
    bool sign = x.sign;
    if (x.sign == y.sign) r = A + B;
    else if (A >= B) r = A - B;
    else { r = B - A; sign = y.sign; }
    if (r == 0) return rm == RDN ? F::SIGN : 0;  // exact cancellation: +0 (-0 rounding down)
    return round_pack<F>(sign, x.exp - 64, r, rm, fl);
}

template <class F> inline uint64_t mul(uint64_t a, uint64_t b, unsigned rm, unsigned& fl) {
    using namespace detail;
    if (F::is_nan(a) || F::is_nan(b)) {
        if (F::is_snan(a) || F::is_snan(b)) fl |= NV;
        return F::CANON;
    }
    const uint64_t sbit = (a ^ b) & F::SIGN;
    if (F::is_inf(a) || F::is_inf(b)) {
        if (F::is_zero(a) || F::is_zero(b)) { fl |= NV; return F::CANON; }
        return sbit | F::INF;
    }
    if (F::is_zero(a) || F::is_zero(b)) return sbit;
    const Unpacked x = unpack<F>(a), y = unpack<F>(b);
    // The product of two P-bit integers is exact in 2P <= 106 bits.
    return round_pack<F>(sbit != 0, x.exp + y.exp, u128(x.sig) * y.sig, rm, fl);
}

template <class F> inline uint64_t div(uint64_t a, uint64_t b, unsigned rm, unsigned& fl) {
    using namespace detail;
    if (F::is_nan(a) || F::is_nan(b)) {
        if (F::is_snan(a) || F::is_snan(b)) fl |= NV;
        return F::CANON;
    }
    const uint64_t sbit = (a ^ b) & F::SIGN;
    if (F::is_inf(a)) {
        if (F::is_inf(b)) { fl |= NV; return F::CANON; }
        return sbit | F::INF;
    }
    if (F::is_inf(b)) return sbit;
    if (F::is_zero(b)) {
        if (F::is_zero(a)) { fl |= NV; return F::CANON; }
        fl |= DZ;
        return sbit | F::INF;
    }
    if (F::is_zero(a)) return sbit;
    Unpacked x = unpack<F>(a), y = unpack<F>(b);
    // Dividend with its leading one at bit 62+64, divisor at bit 63: the
    // quotient lies in [2^62, 2^64) and the remainder decides the sticky bit.
    const int sa = 62 - msb64(x.sig), sb = 63 - msb64(y.sig);
    const uint64_t n = x.sig << sa, m = y.sig << sb;
    const u128 num = u128(n) << 64;
    const uint64_t q = uint64_t(num / m);
    const uint64_t rem = uint64_t(num - u128(q) * m);
    return round_pack<F>(sbit != 0, (x.exp - sa) - 64 - (y.exp - sb), u128(q | (rem != 0)), rm, fl);
}

// floor(sqrt(m)) for m < 2^126.
inline uint64_t isqrt128(u128 m) {
    // Start from the double-precision estimate (relative error ~2^-52),
    // one Newton step, then fix the last unit exactly.
    uint64_t r = uint64_t(__builtin_sqrt(double(m)));
    if (r == 0) r = 1;
    r = uint64_t((u128(r) + m / r) >> 1);
    while (u128(r) * r > m) --r;
    while (u128(r + 1) * (r + 1) <= m) ++r;
    return r;
}

template <class F> inline uint64_t sqrt(uint64_t a, unsigned rm, unsigned& fl) {
    using namespace detail;
    if (F::is_nan(a)) {
        if (F::is_snan(a)) fl |= NV;
        return F::CANON;
    }
    if (F::is_zero(a)) return a;  // sqrt(-0) = -0
    if (F::sign(a)) { fl |= NV; return F::CANON; }
    if (F::is_inf(a)) return a;
    const Unpacked x = unpack<F>(a);
    // m * 2^e with the leading one of m at bit 124 or 125 and e even: the
    // integer root has 63 bits, the remainder decides the sticky bit.
    const int sh = 124 - msb64(x.sig);
    u128 m = u128(x.sig) << sh;
    int e = x.exp - sh;
    if (e & 1) { m <<= 1; --e; }
    const uint64_t r = isqrt128(m);
    const bool rem = u128(r) * r != m;
    return round_pack<F>(false, e / 2, u128(r | rem), rm, fl);
}

// (a*b negated if neg_prod) + (c negated if neg_c), rounded once.
template <class F>
inline uint64_t fma(uint64_t a, uint64_t b, uint64_t c, bool neg_prod, bool neg_c, unsigned rm, unsigned& fl) {
    using namespace detail;
    const bool ab_nan = F::is_nan(a) || F::is_nan(b);
    const bool inf_zero = (F::is_inf(a) && F::is_zero(b)) || (F::is_zero(a) && F::is_inf(b));
    if (ab_nan || F::is_nan(c)) {
        // RISC-V: inf*0 is invalid even when the addend is a quiet NaN.
        if (F::is_snan(a) || F::is_snan(b) || F::is_snan(c) || (!ab_nan && inf_zero)) fl |= NV;
        return F::CANON;
    }
    if (inf_zero) { fl |= NV; return F::CANON; }
    const bool sp = F::sign(a) ^ F::sign(b) ^ neg_prod;
    const bool sc = F::sign(c) ^ neg_c;
    if (F::is_inf(a) || F::is_inf(b)) {
        if (F::is_inf(c) && sc != sp) { fl |= NV; return F::CANON; }
        return (sp ? F::SIGN : 0) | F::INF;
    }
    if (F::is_inf(c)) return (sc ? F::SIGN : 0) | F::INF;
    if (F::is_zero(a) || F::is_zero(b)) {
        if (F::is_zero(c)) return sp == sc ? (sp ? F::SIGN : 0) : (rm == RDN ? F::SIGN : 0);
        return (c & ~F::SIGN) | (sc ? F::SIGN : 0);
    }
    const Unpacked x = unpack<F>(a), y = unpack<F>(b);
    u128 p = u128(x.sig) * y.sig;  // exact, at most 2P bits
    int ep = x.exp + y.exp;
    if (F::is_zero(c)) return round_pack<F>(sp, ep, p, rm, fl);
    const Unpacked z = unpack<F>(c);
    // Both operands with the leading one at bit 125. The product has at most
    // 106 significant bits (bits 0..19 zero), the addend 53 (bits 0..72
    // zero), so aligning by d <= 19 is exact; for larger d the smaller one is
    // below 2^106 while the larger is above 2^125, the result keeps its
    // leading one at bit 124 or higher, and the jammed bit stays sticky.
    int sh = 125 - msb128(p);
    p <<= sh;
    ep -= sh;
    sh = 125 - msb64(z.sig);
    u128 q = u128(z.sig) << sh;
    int eq = z.exp - sh;
    bool sbig = sp, ssmall = sc;
    int e = ep;
    if (eq > ep) {
        std::swap(p, q);
        std::swap(sbig, ssmall);
        e = eq;
        q = shr_jam128(q, eq - ep);
    } else {
        q = shr_jam128(q, ep - eq);
    }
    u128 r;
    bool sign = sbig;
    if (sbig == ssmall) r = p + q;
    else if (p >= q) r = p - q;
    else { r = q - p; sign = ssmall; }
    if (r == 0) return rm == RDN ? F::SIGN : 0;
    return round_pack<F>(sign, e, r, rm, fl);
}

// Float to integer (bits = 32 or 64, signed or not), the x-register value:
// 32-bit results sign-extended. NaN and overflow saturate with NV (and no NX).
template <class F> inline uint64_t to_int(uint64_t a, bool is_signed, int bits, unsigned rm, unsigned& fl) {
    using namespace detail;
    const uint64_t umax = bits == 64 ? ~0ull : 0xffffffffull;
    const uint64_t smax = bits == 64 ? 0x7fffffffffffffffull : 0x7fffffffull;
    const uint64_t pos_sat = is_signed ? smax : umax;
    const uint64_t neg_sat = is_signed ? ~smax : 0;  // -2^(bits-1) as 64 bits, or 0
    auto finish = [&](uint64_t v) { return bits == 32 ? uint64_t(int64_t(int32_t(uint32_t(v)))) : v; };
    if (F::is_nan(a)) { fl |= NV; return finish(pos_sat); }
    const bool sign = F::sign(a);
    if (F::is_inf(a)) { fl |= NV; return finish(sign ? neg_sat : pos_sat); }
    if (F::is_zero(a)) return 0;
    const Unpacked x = unpack<F>(a);
    u128 mag;
    bool inexact = false;
    if (x.exp >= 0) {
        if (x.exp > 70) { fl |= NV; return finish(sign ? neg_sat : pos_sat); }
        mag = u128(x.sig) << x.exp;
    } else if (-x.exp >= 64) {
        // |a| < 2^53 / 2^64: below one half.
        inexact = true;
        mag = (rm == RDN && sign) || (rm == RUP && !sign);
    } else {
        // Two guard positions: shift so the fraction has -exp bits, round.
        const int s = -x.exp;
        const uint64_t q = x.sig >> s, rem = x.sig & ((1ull << s) - 1), half = 1ull << (s - 1);
        inexact = rem != 0;
        bool inc = false;
        switch (rm) {
        case RNE: inc = rem > half || (rem == half && (q & 1)); break;
        case RDN: inc = rem != 0 && sign; break;
        case RUP: inc = rem != 0 && !sign; break;
        case RMM: inc = rem >= half; break;
        default: break;
        }
        mag = u128(q) + inc;
    }
    if (is_signed) {
        const u128 limit = u128(smax) + (sign ? 1 : 0);
        if (mag > limit) { fl |= NV; return finish(sign ? neg_sat : pos_sat); }
    } else {
        if (sign && mag != 0) { fl |= NV; return finish(neg_sat); }
        if (mag > umax) { fl |= NV; return finish(pos_sat); }
    }
    if (inexact) fl |= NX;
    const uint64_t v = uint64_t(mag);
    return finish(sign ? uint64_t(0) - v : v);
}

// Integer (the x-register value; bits = 32 uses its low 32 bits) to float.
template <class F> inline uint64_t from_int(uint64_t v, bool is_signed, int bits, unsigned rm, unsigned& fl) {
    bool sign = false;
    uint64_t mag;
    if (bits == 32) {
        if (is_signed) {
            const int32_t s = int32_t(uint32_t(v));
            sign = s < 0;
            mag = sign ? uint64_t(-int64_t(s)) : uint64_t(s);
        } else {
            mag = uint32_t(v);
        }
    } else if (is_signed) {
        sign = int64_t(v) < 0;
        mag = sign ? uint64_t(0) - v : v;
    } else {
        mag = v;
    }
    if (mag == 0) return 0;
    return round_pack<F>(sign, 0, u128(mag), rm, fl);
}

// Between formats (to a narrower one rounds; to a wider one is exact).
template <class To, class From> inline uint64_t convert(uint64_t a, unsigned rm, unsigned& fl) {
    if (From::is_nan(a)) {
        if (From::is_snan(a)) fl |= NV;
        return To::CANON;
    }
    const uint64_t sbit = From::sign(a) ? To::SIGN : 0;
    if (From::is_inf(a)) return sbit | To::INF;
    if (From::is_zero(a)) return sbit;
    const detail::Unpacked x = detail::unpack<From>(a);
    return round_pack<To>(x.sign, x.exp, u128(x.sig), rm, fl);
}

// Ordering for non-NaN values with -0 below +0.
template <class F> inline bool lt_total(uint64_t a, uint64_t b) {
    const bool sa = F::sign(a), sb = F::sign(b);
    if (sa != sb) return sa;
    return sa ? a > b : a < b;
}

template <class F> inline bool feq(uint64_t a, uint64_t b, unsigned& fl) {
    if (F::is_nan(a) || F::is_nan(b)) {
        if (F::is_snan(a) || F::is_snan(b)) fl |= NV;
        return false;
    }
    return a == b || (F::is_zero(a) && F::is_zero(b));
}
template <class F> inline bool flt(uint64_t a, uint64_t b, unsigned& fl) {
    if (F::is_nan(a) || F::is_nan(b)) { fl |= NV; return false; }
    if (F::is_zero(a) && F::is_zero(b)) return false;
    return lt_total<F>(a, b);
}
template <class F> inline bool fle(uint64_t a, uint64_t b, unsigned& fl) {
    if (F::is_nan(a) || F::is_nan(b)) { fl |= NV; return false; }
    if (F::is_zero(a) && F::is_zero(b)) return true;
    return a == b || lt_total<F>(a, b);
}

// fmin/fmax (IEEE 754-2019 minimumNumber/maximumNumber): a NaN operand is
// ignored, two NaNs give the canonical NaN, a signalling NaN raises NV.
template <class F> inline uint64_t fmin(uint64_t a, uint64_t b, unsigned& fl) {
    if (F::is_snan(a) || F::is_snan(b)) fl |= NV;
    if (F::is_nan(a)) return F::is_nan(b) ? F::CANON : b;
    if (F::is_nan(b)) return a;
    return lt_total<F>(a, b) ? a : b;
}
template <class F> inline uint64_t fmax(uint64_t a, uint64_t b, unsigned& fl) {
    if (F::is_snan(a) || F::is_snan(b)) fl |= NV;
    if (F::is_nan(a)) return F::is_nan(b) ? F::CANON : b;
    if (F::is_nan(b)) return a;
    return lt_total<F>(a, b) ? b : a;
}

// ---- Zfa

// fminm/fmaxm (IEEE 754-2019 minimum/maximum): any NaN operand gives the
// canonical NaN; a signalling one raises NV.
template <class F> inline uint64_t fminm(uint64_t a, uint64_t b, unsigned& fl) {
    if (F::is_snan(a) || F::is_snan(b)) fl |= NV;
    if (F::is_nan(a) || F::is_nan(b)) return F::CANON;
    return lt_total<F>(a, b) ? a : b;
}
template <class F> inline uint64_t fmaxm(uint64_t a, uint64_t b, unsigned& fl) {
    if (F::is_snan(a) || F::is_snan(b)) fl |= NV;
    if (F::is_nan(a) || F::is_nan(b)) return F::CANON;
    return lt_total<F>(a, b) ? b : a;
}

// fltq/fleq: the comparisons that raise NV only for a signalling NaN.
template <class F> inline bool fltq(uint64_t a, uint64_t b, unsigned& fl) {
    if (F::is_nan(a) || F::is_nan(b)) {
        if (F::is_snan(a) || F::is_snan(b)) fl |= NV;
        return false;
    }
    if (F::is_zero(a) && F::is_zero(b)) return false;
    return lt_total<F>(a, b);
}
template <class F> inline bool fleq(uint64_t a, uint64_t b, unsigned& fl) {
    if (F::is_nan(a) || F::is_nan(b)) {
        if (F::is_snan(a) || F::is_snan(b)) fl |= NV;
        return false;
    }
    if (F::is_zero(a) && F::is_zero(b)) return true;
    return a == b || lt_total<F>(a, b);
}

// fround/froundnx: a rounded to an integral value in its own format by rm,
// the sign kept (-0.25 rounds to -0); NX only for froundnx (`exact`) when
// the value changed; NaNs become canonical (NV for a signalling one).
template <class F> inline uint64_t round_to_integral(uint64_t a, unsigned rm, bool exact, unsigned& fl) {
    using namespace detail;
    if (F::is_nan(a)) {
        if (F::is_snan(a)) fl |= NV;
        return F::CANON;
    }
    if (F::is_inf(a) || F::is_zero(a)) return a;
    const Unpacked x = unpack<F>(a);
    if (x.exp >= 0) return a;  // no fraction bits: integral already
    const int s = -x.exp;
    const bool sign = x.sign;
    uint64_t q = 0, rem = x.sig, half = 0;
    if (s < 64) {
        q = x.sig >> s;
        rem = x.sig & ((1ull << s) - 1);
        half = 1ull << (s - 1);
    }
    if (rem == 0) return a;
    bool inc = false;
    switch (rm) {
    case RNE: inc = s < 64 && (rem > half || (rem == half && (q & 1))); break;
    case RDN: inc = sign; break;
    case RUP: inc = !sign; break;
    case RMM: inc = s < 64 && rem >= half; break;
    default: break;
    }
    if (exact) fl |= NX;
    const uint64_t mag = q + inc;
    if (mag == 0) return sign ? F::SIGN : 0;
    unsigned ignored = 0;  // mag < 2^P: exact
    return round_pack<F>(sign, 0, u128(mag), RNE, ignored);
}

// fli: entry i of Zfa's constant table (isa/fli.hpp) in format F (2^-16 and
// 2^-15 are subnormal in binary16, where 2^16 overflows to infinity).
template <class F> inline uint64_t fli(unsigned i) {
    i &= 31;
    if (i == isa::kFliMinNormal) return F::HIDDEN;
    if (i == isa::kFliInf) return F::INF;
    if (i == isa::kFliNan) return F::CANON;
    unsigned ignored = 0;
    return convert<F, F64>(std::bit_cast<uint64_t>(isa::kFliValue[i]), RNE, ignored);
}

// fcvtmod.w.d: the integer part of a (toward zero) modulo 2^32, sign-extended;
// NV when a is NaN, infinite or outside int32 (the result then still the
// modular one, 0 for NaN and infinities), else NX when a had a fraction.
inline uint64_t fcvtmod_w(uint64_t a, unsigned& fl) {
    using namespace detail;
    if (F64::is_nan(a) || F64::is_inf(a)) { fl |= NV; return 0; }
    if (F64::is_zero(a)) return 0;
    const Unpacked x = unpack<F64>(a);
    uint64_t mag = 0;  // |integer part| modulo 2^64
    bool inexact = false;
    if (x.exp >= 0) {
        mag = x.exp < 64 ? x.sig << x.exp : 0;
    } else if (x.exp > -64) {
        mag = x.sig >> -x.exp;
        inexact = (x.sig & ((1ull << -x.exp) - 1)) != 0;
    } else {
        inexact = true;
    }
    const int msb = x.exp + msb64(x.sig);  // a's binary exponent
    if (msb > 31 || mag > (x.sign ? 0x80000000ull : 0x7fffffffull)) fl |= NV;
    else if (inexact) fl |= NX;
    const uint64_t v = x.sign ? uint64_t(0) - mag : mag;
    return uint64_t(int64_t(int32_t(uint32_t(v))));
}

// fclass: one bit of ten.
template <class F> inline uint64_t classify(uint64_t a) {
    const bool s = F::sign(a);
    if (F::is_nan(a)) return (a & F::QUIET) ? 1u << 9 : 1u << 8;
    if (F::is_inf(a)) return s ? 1u << 0 : 1u << 7;
    if (F::is_zero(a)) return s ? 1u << 3 : 1u << 4;
    if ((a & F::EXP) == 0) return s ? 1u << 2 : 1u << 5;
    return s ? 1u << 1 : 1u << 6;
}

}  // namespace emu::fp
