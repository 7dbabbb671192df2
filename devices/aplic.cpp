#include "devices/aplic.hpp"

#include <utility>

namespace dev {

namespace {
constexpr uint32_t kD = 1u << 10;          // sourcecfg.D
constexpr uint32_t kSm = 7;                // sourcecfg.SM
constexpr uint32_t kHartShift = 18;        // target/genmsi hart index, bits 31:18
constexpr uint32_t kGuestShift = 12;       // target guest index, bits 17:12 (MSI mode)
constexpr uint32_t kEiid = 0x7ff;          // target/genmsi EIID, bits 10:0
constexpr uint32_t kLocked = 1u << 31;     // mmsiaddrcfgh.L
constexpr uint32_t kMmsiaddrcfghMask = kLocked | (0x1fu << 24) | (7u << 20) | (7u << 16) | (0xfu << 12) | 0xfff;
constexpr uint32_t kSmsiaddrcfghMask = (7u << 20) | 0xfff;
}  // namespace

Aplic::Aplic(unsigned harts, bool msi_mode, unsigned geilen, std::function<void(unsigned, unsigned, bool)> line,
             std::function<void(uint64_t, uint32_t)> msi)
    : harts_(harts), msi_mode_(msi_mode), geilen_(geilen), line_(std::move(line)), msi_(std::move(msi)) {
    for (auto& d : dom_) {
        d.idc.assign(harts_, Idc{});
        d.out.assign(harts_, 0);
    }
}

void Aplic::reset() {
    for (auto& d : dom_) {
        d.domaincfg_ie = 0;
        d.sourcecfg.fill(0);
        d.target.fill(0);
        d.pending.fill(0);
        d.enabled.fill(0);
        d.genmsi = 0;
        d.idc.assign(harts_, Idc{});
    }
    mmsiaddrcfg_ = mmsiaddrcfgh_ = smsiaddrcfg_ = smsiaddrcfgh_ = 0;
    update();  // every line low again (the wires keep their levels)
}

bool Aplic::active(Domain d, unsigned src) const {
    if (src == 0 || src >= kSources) return false;
    const uint32_t root = dom_[M].sourcecfg[src];
    if (d == M) return !(root & kD) && (root & kSm) != Inactive;
    return (root & kD) && (dom_[S].sourcecfg[src] & kSm) != Inactive;
}

bool Aplic::level_mode(Domain d, unsigned src) const {
    const uint32_t sm = dom_[d].sourcecfg[src] & kSm;
    return active(d, src) && (sm == Level1 || sm == Level0);
}

bool Aplic::rectified(Domain d, unsigned src) const {
    if (!active(d, src)) return false;
    switch (dom_[d].sourcecfg[src] & kSm) {
    case Edge1: case Level1: return wire_[src];
    case Edge0: case Level0: return !wire_[src];
    default: return false;  // detached
    }
}

void Aplic::set_source(unsigned src, bool level) {
    if (src == 0 || src >= kSources || bool(wire_[src]) == level) return;
    bool before[2] = {rectified(M, src), rectified(S, src)};
    wire_[src] = level;
    for (Domain d : {M, S}) {
        if (!active(d, src)) continue;
        const bool now = rectified(d, src);
        const uint32_t sm = dom_[d].sourcecfg[src] & kSm;
        if (sm == Edge1 || sm == Edge0) {
            if (!before[d] && now) dom_[d].pending[src] = 1;
        } else if (sm == Level1 || sm == Level0) {
            if (!msi_mode_) dom_[d].pending[src] = now;  // direct mode: a copy of the input
            else if (!before[d] && now) dom_[d].pending[src] = 1;
            else if (!now) dom_[d].pending[src] = 0;
        }
    }
    update();
}

// A register write asking to set or clear a pending bit ("Precise effects on
// interrupt-pending bits"): a level source in direct mode follows only its
// wire; in MSI mode it may be set only while its input is high.
void Aplic::set_pending(Domain d, unsigned src, bool on) {
    if (!active(d, src)) return;
    if (level_mode(d, src)) {
        if (!msi_mode_) return;
        if (on && !rectified(d, src)) return;
    }
    dom_[d].pending[src] = on;
}

void Aplic::write_sourcecfg(Domain d, unsigned src, uint32_t v) {
    if (src == 0 || src >= kSources) return;
    if (d == S && !(dom_[M].sourcecfg[src] & kD)) return;  // not delegated here: read-only zero
    uint32_t cfg;
    if (v & kD) {
        cfg = d == M ? kD : 0;  // the root's one child has index 0; the leaf S domain cannot delegate
    } else {
        cfg = v & kSm;
        if (cfg == 2 || cfg == 3) cfg = Inactive;  // reserved source modes: WARL, left inactive
    }
    const bool was_active = active(d, src);
    const bool was_delegated = d == M && (dom_[M].sourcecfg[src] & kD);
    dom_[d].sourcecfg[src] = cfg;
    auto clear = [&](Domain x) {
        dom_[x].pending[src] = dom_[x].enabled[src] = 0;
        dom_[x].target[src] = 0;
    };
    if (was_delegated && !(cfg & kD)) {
        dom_[S].sourcecfg[src] = 0;  // taken back from the child
        clear(S);
    }
    if (!active(d, src)) {
        clear(d);
        return;
    }
    if (!was_active) dom_[d].target[src] = msi_mode_ ? 0 : 1;  // IPRIO 0 is not a priority
    if (level_mode(d, src)) {
        if (!msi_mode_) dom_[d].pending[src] = rectified(d, src);
        else if (rectified(d, src)) dom_[d].pending[src] = 1;
    }
}

void Aplic::write_target(Domain d, unsigned src, uint32_t v) {
    if (!active(d, src)) return;
    const uint32_t hart = (v >> kHartShift) << kHartShift;
    if (!msi_mode_) {
        uint32_t prio = v & kMaxPrio;
        dom_[d].target[src] = hart | (prio ? prio : 1);
    } else {
        const uint32_t guest = d == S ? (v >> kGuestShift) & 0x3f : 0;
        dom_[d].target[src] = hart | (guest << kGuestShift) | (v & kEiid);
    }
}

uint64_t Aplic::msi_address(Domain d, unsigned hart, unsigned guest) const {
    const unsigned lhxw = (mmsiaddrcfgh_ >> 12) & 0xf, hhxw = (mmsiaddrcfgh_ >> 16) & 7,
                   hhxs = (mmsiaddrcfgh_ >> 24) & 0x1f;
    const uint64_t g = (uint64_t(hart) >> lhxw) & ((1ull << hhxw) - 1), h = hart & ((1ull << lhxw) - 1);
    if (d == M) {
        const uint64_t ppn = (uint64_t(mmsiaddrcfgh_ & 0xfff) << 32) | mmsiaddrcfg_;
        const unsigned lhxs = (mmsiaddrcfgh_ >> 20) & 7;
        return (ppn | (g << (hhxs + 12)) | (h << lhxs)) << 12;
    }
    const uint64_t ppn = (uint64_t(smsiaddrcfgh_ & 0xfff) << 32) | smsiaddrcfg_;
    const unsigned lhxs = (smsiaddrcfgh_ >> 20) & 7;
    return (ppn | (g << (hhxs + 12)) | (h << lhxs) | guest) << 12;
}

uint32_t Aplic::topi(Domain d, unsigned hart) const {
    if (msi_mode_ || hart >= harts_) return 0;
    const DomainState& s = dom_[d];
    const uint32_t threshold = s.idc[hart].ithreshold;
    unsigned best = 0;
    uint32_t best_prio = kMaxPrio + 1;
    for (unsigned src = 1; src < kSources; ++src) {
        if (!s.pending[src] || !s.enabled[src] || !active(d, src) || (s.target[src] >> kHartShift) != hart) continue;
        const uint32_t prio = s.target[src] & kMaxPrio;
        if (threshold && prio >= threshold) continue;
        if (prio < best_prio) best = src, best_prio = prio;  // ties: the lowest source number
    }
    return best ? (best << 16) | best_prio : 0;
}

void Aplic::update() {
    for (Domain d : {M, S}) {
        DomainState& s = dom_[d];
        if (msi_mode_) {
            if (!s.domaincfg_ie) continue;
            for (unsigned src = 1; src < kSources; ++src) {
                if (!s.pending[src] || !s.enabled[src] || !active(d, src)) continue;
                s.pending[src] = 0;
                const uint32_t t = s.target[src];
                if (msi_) msi_(msi_address(d, t >> kHartShift, (t >> kGuestShift) & 0x3f), t & kEiid);
            }
            continue;
        }
        for (unsigned h = 0; h < harts_; ++h) {
            const Idc& idc = s.idc[h];
            const bool level = s.domaincfg_ie && idc.idelivery && (idc.iforce || topi(d, h) != 0);
            if (level != bool(s.out[h])) {
                s.out[h] = level;
                if (line_) line_(d, h, level);
            }
        }
    }
}

uint32_t Aplic::read32(Domain d, uint64_t off) {
    DomainState& s = dom_[d];
    auto bits = [&](uint64_t base, auto&& f) {
        const unsigned first = unsigned(off - base) / 4 * 32;
        uint32_t v = 0;
        for (unsigned b = 0; b < 32; ++b)
            if (first + b < kSources && f(first + b)) v |= 1u << b;
        return v;
    };
    if (off == kDomaincfg) return 0x80000000u | (s.domaincfg_ie << 8) | (msi_mode_ ? 1u << 2 : 0);
    if (off >= kSourcecfg && off < 0x1000) {
        const uint64_t src = off / 4;
        if (src >= kSources || (d == S && !(dom_[M].sourcecfg[src] & kD))) return 0;
        return s.sourcecfg[src];
    }
    if (off >= kMmsiaddrcfg && off <= kSmsiaddrcfgh) {
        if (d != M || !msi_mode_) return 0;
        return off == kMmsiaddrcfg ? mmsiaddrcfg_ : off == kMmsiaddrcfgh ? mmsiaddrcfgh_
             : off == kSmsiaddrcfg ? smsiaddrcfg_ : smsiaddrcfgh_;
    }
    if (off >= kSetip && off < kSetip + 0x80) return bits(kSetip, [&](unsigned i) { return s.pending[i]; });
    if (off >= kInClrip && off < kInClrip + 0x80) return bits(kInClrip, [&](unsigned i) { return rectified(d, i); });
    if (off >= kSetie && off < kSetie + 0x80) return bits(kSetie, [&](unsigned i) { return s.enabled[i]; });
    if (off == kGenmsi) return msi_mode_ ? s.genmsi : 0;
    if (off >= kTarget && off < kIdc) {
        const uint64_t src = (off - kGenmsi) / 4;
        return src < kSources && active(d, unsigned(src)) ? s.target[src] : 0;
    }
    if (off >= kIdc && !msi_mode_) {
        const uint64_t h = (off - kIdc) / kIdcSize, reg = (off - kIdc) % kIdcSize;
        if (h >= harts_) return 0;
        Idc& idc = s.idc[h];
        switch (reg) {
        case kIdelivery: return idc.idelivery;
        case kIforce: return idc.iforce;
        case kIthreshold: return idc.ithreshold;
        case kTopi: return topi(d, unsigned(h));
        case kClaimi: {
            const uint32_t t = topi(d, unsigned(h));
            if (!t) idc.iforce = 0;  // a spurious claim clears iforce
            else if (!level_mode(d, t >> 16)) s.pending[t >> 16] = 0;
            return t;
        }
        default: return 0;
        }
    }
    return 0;  // setipnum, clripnum, setienum, clrienum, clrie, setipnum_le/_be, reserved
}

void Aplic::write32(Domain d, uint64_t off, uint32_t v) {
    DomainState& s = dom_[d];
    auto each_bit = [&](uint64_t base, auto&& f) {
        const unsigned first = unsigned(off - base) / 4 * 32;
        for (unsigned b = 0; b < 32; ++b)
            if (((v >> b) & 1) && first + b < kSources) f(first + b);
    };
    auto enable = [&](unsigned src, bool on) {
        if (active(d, src)) s.enabled[src] = on;
    };
    if (off == kDomaincfg) {
        s.domaincfg_ie = (v >> 8) & 1;  // DM is the machine's, BE read-only zero
    } else if (off >= kSourcecfg && off < 0x1000) {
        write_sourcecfg(d, unsigned(off / 4), v);
    } else if (off >= kMmsiaddrcfg && off <= kSmsiaddrcfgh) {
        if (d != M || !msi_mode_ || (mmsiaddrcfgh_ & kLocked)) return;
        if (off == kMmsiaddrcfg) mmsiaddrcfg_ = v;
        else if (off == kMmsiaddrcfgh) mmsiaddrcfgh_ = v & kMmsiaddrcfghMask;
        else if (off == kSmsiaddrcfg) smsiaddrcfg_ = v;
        else smsiaddrcfgh_ = v & kSmsiaddrcfghMask;
    } else if (off >= kSetip && off < kSetip + 0x80) {
        each_bit(kSetip, [&](unsigned i) { set_pending(d, i, true); });
    } else if (off == kSetipnum || off == kSetipnumLe || off == kSetipnumBe) {
        const uint32_t src = off == kSetipnumBe ? __builtin_bswap32(v) : v;
        if (src < kSources) set_pending(d, src, true);
    } else if (off >= kInClrip && off < kInClrip + 0x80) {
        each_bit(kInClrip, [&](unsigned i) { set_pending(d, i, false); });
    } else if (off == kClripnum) {
        if (v < kSources) set_pending(d, v, false);
    } else if (off >= kSetie && off < kSetie + 0x80) {
        each_bit(kSetie, [&](unsigned i) { enable(i, true); });
    } else if (off == kSetienum) {
        if (v < kSources) enable(v, true);
    } else if (off >= kClrie && off < kClrie + 0x80) {
        each_bit(kClrie, [&](unsigned i) { enable(i, false); });
    } else if (off == kClrienum) {
        if (v < kSources) enable(v, false);
    } else if (off == kGenmsi) {
        if (!msi_mode_) return;
        // An extempore MSI, sent at once (so Busy is never seen set), whatever IE says.
        s.genmsi = v & ((~0u << kHartShift) | kEiid);
        if (msi_) msi_(msi_address(d, s.genmsi >> kHartShift, 0), s.genmsi & kEiid);
    } else if (off >= kTarget && off < kIdc) {
        const uint64_t src = (off - kGenmsi) / 4;
        if (src < kSources) write_target(d, unsigned(src), v);
    } else if (off >= kIdc && !msi_mode_) {
        const uint64_t h = (off - kIdc) / kIdcSize, reg = (off - kIdc) % kIdcSize;
        if (h >= harts_) return;
        Idc& idc = s.idc[h];
        if (reg == kIdelivery) idc.idelivery = v & 1;
        else if (reg == kIforce) idc.iforce = v & 1;
        else if (reg == kIthreshold) idc.ithreshold = v & kMaxPrio;
    }
}

bool Aplic::read(Domain d, uint64_t offset, unsigned size, uint64_t& value) {
    if (size != 4 || offset % 4) return false;
    value = read32(d, offset);
    update();  // a claim may have taken a pending bit
    return true;
}

bool Aplic::write(Domain d, uint64_t offset, unsigned size, uint64_t value) {
    if (size != 4 || offset % 4) return false;
    write32(d, offset, uint32_t(value));
    update();
    return true;
}

void Aplic::save(StateOut& out) const {
    out.raw(wire_.data(), wire_.size());
    for (const auto& d : dom_) {
        out.u32(d.domaincfg_ie);
        out.raw(d.sourcecfg.data(), sizeof d.sourcecfg);
        out.raw(d.target.data(), sizeof d.target);
        out.raw(d.pending.data(), d.pending.size());
        out.raw(d.enabled.data(), d.enabled.size());
        out.u32(d.genmsi);
        out.vec(d.idc);
        out.vec(d.out);
    }
    out.u32(mmsiaddrcfg_);
    out.u32(mmsiaddrcfgh_);
    out.u32(smsiaddrcfg_);
    out.u32(smsiaddrcfgh_);
}

void Aplic::restore(StateIn& in) {
    std::array<uint8_t, kSources> wire;
    in.raw(wire.data(), wire.size());
    DomainState dom[2];
    for (auto& d : dom) {
        d.domaincfg_ie = in.u32();
        in.raw(d.sourcecfg.data(), sizeof d.sourcecfg);
        in.raw(d.target.data(), sizeof d.target);
        in.raw(d.pending.data(), d.pending.size());
        in.raw(d.enabled.data(), d.enabled.size());
        d.genmsi = in.u32();
        d.idc = in.vec<Idc>(harts_);
        d.out = in.vec<uint8_t>(harts_);
        if (d.domaincfg_ie > 1) throw StateError("aplic: domaincfg out of range");
        for (const Idc& i : d.idc)
            if (i.idelivery > 1 || i.iforce > 1 || i.ithreshold > kMaxPrio) throw StateError("aplic: an IDC register out of range");
    }
    const uint32_t a = in.u32(), b = in.u32(), c = in.u32(), e = in.u32();
    wire_ = wire;
    dom_[0] = std::move(dom[0]);
    dom_[1] = std::move(dom[1]);
    mmsiaddrcfg_ = a, mmsiaddrcfgh_ = b & kMmsiaddrcfghMask, smsiaddrcfg_ = c, smsiaddrcfgh_ = e & kSmsiaddrcfghMask;
}

}  // namespace dev
