#include "devices/clint.hpp"

#include <algorithm>
#include <utility>

namespace dev {

Clint::Clint(unsigned harts, std::function<uint64_t()> mtime_now, std::function<void()> changed)
    : msip_(harts, 0), mtimecmp_(harts, ~uint64_t{0}), mtime_now_(std::move(mtime_now)),
      changed_(std::move(changed)) {
    if (!mtime_now_) mtime_now_ = [] { return uint64_t{0}; };
}

void Clint::reset() {
    std::fill(msip_.begin(), msip_.end(), 0);
    std::fill(mtimecmp_.begin(), mtimecmp_.end(), ~uint64_t{0});
    offset_ = 0;
}

// One 32-bit word of the register file.
bool Clint::read32(uint64_t offset, uint32_t& v) const {
    v = 0;
    if (offset < kMtimecmpBase) {
        uint64_t hart = (offset - kMsipBase) / 4;
        if (hart < msip_.size()) v = msip_[hart];
    } else if (offset >= kMtime && offset < kMtime + 8) {
        v = uint32_t(mtime() >> (8 * (offset - kMtime)));
    } else if (offset < kMtimecmpBase + 8 * mtimecmp_.size()) {
        uint64_t rel = offset - kMtimecmpBase;
        v = uint32_t(mtimecmp_[rel / 8] >> (8 * (rel % 8)));
    }
    return true;
}

bool Clint::write32(uint64_t offset, uint32_t v) {
    if (offset < kMtimecmpBase) {
        uint64_t hart = (offset - kMsipBase) / 4;
        if (hart < msip_.size()) { msip_[hart] = v & 1; return true; }
    } else if (offset >= kMtime && offset < kMtime + 8) {
        unsigned shift = unsigned(8 * (offset - kMtime));
        uint64_t mask = uint64_t{0xffffffff} << shift;
        uint64_t now = mtime_now_();
        uint64_t cur = now + offset_;
        uint64_t want = (cur & ~mask) | (uint64_t(v) << shift);
        offset_ = want - now;
        return true;
    } else if (offset < kMtimecmpBase + 8 * mtimecmp_.size()) {
        uint64_t rel = offset - kMtimecmpBase;
        unsigned shift = unsigned(8 * (rel % 8));
        uint64_t mask = uint64_t{0xffffffff} << shift;
        uint64_t& r = mtimecmp_[rel / 8];
        r = (r & ~mask) | (uint64_t(v) << shift);
        return true;
    }
    return false;
}

bool Clint::read(uint64_t offset, unsigned size, uint64_t& value) {
    if ((size != 4 && size != 8) || offset >= kSize || offset % size) return false;
    if (size == 8 && offset == kMtime) {  // one sample of the time base
        value = mtime();
        return true;
    }
    uint32_t lo = 0, hi = 0;
    read32(offset, lo);
    if (size == 8) read32(offset + 4, hi);
    value = uint64_t(lo) | (uint64_t(hi) << 32);
    return true;
}

bool Clint::write(uint64_t offset, unsigned size, uint64_t value) {
    if ((size != 4 && size != 8) || offset >= kSize || offset % size) return false;
    bool touched;
    if (size == 8 && offset == kMtime) {
        offset_ = value - mtime_now_();
        touched = true;
    } else {
        touched = write32(offset, uint32_t(value));
        if (size == 8) touched |= write32(offset + 4, uint32_t(value >> 32));
    }
    if (touched) notify();
    return true;
}

}  // namespace dev

namespace dev {

void Clint::save(StateOut& out) const {
    out.vec(msip_);
    out.vec(mtimecmp_);
    out.u64(offset_);
}

void Clint::restore(StateIn& in) {
    auto msip = in.vec<uint8_t>(msip_.size());
    auto cmp = in.vec<uint64_t>(mtimecmp_.size());
    uint64_t off = in.u64();
    for (uint8_t b : msip)
        if (b > 1) throw StateError("clint: msip is neither 0 nor 1");
    msip_ = std::move(msip);
    mtimecmp_ = std::move(cmp);
    offset_ = off;
}

}  // namespace dev
