#include "pmp.hpp"

namespace emu {
namespace {
constexpr uint8_t R = 1, W = 2, X = 4, A_MASK = 0x18, L = 0x80;
constexpr uint8_t A_OFF = 0, A_TOR = 0x08, A_NA4 = 0x10, A_NAPOT = 0x18;
constexpr uint64_t kAddrMask = (1ull << 54) - 1;  // pmpaddr holds bits 55:2
}  // namespace

uint64_t Pmp::read_cfg(unsigned reg) const {
    uint64_t v = 0;
    for (unsigned i = 0; i < 8; ++i) v |= uint64_t(cfg[reg * 4 + i]) << (8 * i);
    return v;
}

void Pmp::write_cfg(unsigned reg, uint64_t value) {
    for (unsigned i = 0; i < 8; ++i) {
        unsigned e = reg * 4 + i;
        if (e >= kEntries || (cfg[e] & L)) continue;
        uint8_t c = uint8_t(value >> (8 * i)) & 0x9f;
        if ((c & (R | W)) == W) c &= uint8_t(~W);  // R=0,W=1 is reserved: read as no access
        cfg[e] = c;
    }
    recompute();
}

uint64_t Pmp::read_addr(unsigned i) const { return addr[i]; }

bool Pmp::addr_locked(unsigned i) const {
    // A locked TOR entry above also locks this address register.
    return (cfg[i] & L) || (i + 1 < kEntries && (cfg[i + 1] & L) && (cfg[i + 1] & A_MASK) == A_TOR);
}

bool Pmp::cfg_locked(unsigned reg) const {
    for (unsigned e = reg * 4; e < reg * 4 + 8 && e < kEntries; ++e)
        if (!(cfg[e] & L)) return false;
    return true;
}

void Pmp::write_addr(unsigned i, uint64_t value) {
    if (addr_locked(i)) return;
    addr[i] = value & kAddrMask;
    recompute();
}

void Pmp::recompute() {
    active_ = false;
    for (unsigned i = 0; i < kEntries; ++i) {
        Range& r = range_[i];
        r.perm = cfg[i] & (R | W | X);
        r.locked = cfg[i] & L;
        r.on = true;
        switch (cfg[i] & A_MASK) {
        case A_TOR:
            r.lo = i ? addr[i - 1] << 2 : 0;
            r.hi = addr[i] << 2;
            break;
        case A_NA4:
            r.lo = addr[i] << 2;
            r.hi = r.lo + 4;
            break;
        case A_NAPOT: {
            uint64_t a = addr[i];
            unsigned ones = 0;
            while (ones < 54 && (a >> ones) & 1) ++ones;
            uint64_t size = 1ull << (ones + 3);
            if (ones >= 54) { r.lo = 0; r.hi = ~0ull; break; }
            r.lo = (a & ~((1ull << ones) - 1)) << 2;
            r.lo &= ~(size - 1);
            r.hi = r.lo + size;
            break;
        }
        default:
            r.on = false;
            continue;
        }
        active_ = true;
    }
}

bool Pmp::check(uint64_t pa, unsigned len, Access acc, Priv priv) const {
    uint8_t need = acc == Access::Read ? R : acc == Access::Write ? W : X;
    for (unsigned i = 0; i < kEntries; ++i) {
        const Range& r = range_[i];
        if (!r.on || r.lo >= r.hi) continue;
        bool any = pa < r.hi && pa + len > r.lo;
        if (!any) continue;
        bool all = pa >= r.lo && pa + len <= r.hi;
        if (!all) return false;  // partial match fails
        if (priv == Priv::M && !r.locked) return true;
        return (r.perm & need) != 0;
    }
    // No match: M succeeds; S/U fail when any entry is implemented (16 are).
    return priv == Priv::M;
}

bool Pmp::uniform_over_page(uint64_t page, Priv priv) const {
    if (!active_) return true;
    for (unsigned i = 0; i < kEntries; ++i) {
        const Range& r = range_[i];
        if (!r.on || r.lo >= r.hi) continue;
        bool overlaps = page < r.hi && page + 4096 > r.lo;
        if (!overlaps) continue;
        // The highest-priority match covers the whole page, or the page is split.
        return r.lo <= page && r.hi >= page + 4096;
    }
    return true;
}

}  // namespace emu
