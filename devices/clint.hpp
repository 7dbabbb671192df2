// SiFive CLINT (as on QEMU virt, 0x0200_0000, window 0x10000):
//   0x0000 + 4*hart  msip      (bit 0; other bits read 0)
//   0x4000 + 8*hart  mtimecmp  (64-bit; resets to all-ones: no timer interrupt)
//   0xbff8           mtime     (64-bit)
// 4- and 8-byte naturally aligned accesses; a 4-byte access to mtimecmp or
// mtime reaches one half, an 8-byte access to the msip array reaches two
// harts' registers. Other sizes or misaligned accesses fail (access fault);
// unused offsets inside the window read 0 and ignore writes.
//
// Time is not kept here: mtime = mtime_now() + offset, where mtime_now comes
// from the machine (derived from cycles, for determinism) and a guest write to
// mtime only changes the offset.
#pragma once
#include <cstdint>
#include <functional>
#include <vector>

#include "devices/device.hpp"

namespace dev {

class Clint final : public Device {
public:
    static constexpr uint64_t kMsipBase = 0x0000;
    static constexpr uint64_t kMtimecmpBase = 0x4000;
    static constexpr uint64_t kMtime = 0xbff8;
    static constexpr uint64_t kSize = 0x10000;

    // mtime_now: the machine's time base in mtime ticks.
    // changed: called after any write that can change interrupt state (msip,
    // mtimecmp, mtime) so the machine recomputes MSIP/MTIP and deadlines.
    Clint(unsigned harts, std::function<uint64_t()> mtime_now, std::function<void()> changed);

    std::string_view name() const override { return "clint"; }
    bool read(uint64_t offset, unsigned size, uint64_t& value) override;
    bool write(uint64_t offset, unsigned size, uint64_t value) override;
    void save(StateOut& out) const override;
    void restore(StateIn& in) override;

    unsigned harts() const { return unsigned(msip_.size()); }
    bool msip(unsigned hart) const { return hart < msip_.size() && msip_[hart]; }
    uint64_t mtimecmp(unsigned hart) const {
        return hart < mtimecmp_.size() ? mtimecmp_[hart] : ~uint64_t{0};
    }
    uint64_t mtime() const { return mtime_now_() + offset_; }
    // True when mtime >= mtimecmp[hart] (the MTIP level).
    bool timer_pending(unsigned hart) const { return mtime() >= mtimecmp(hart); }

    // The difference mtime - mtime_now() that guest writes to mtime created
    // (for snapshots); set_mtime_offset does not call changed().
    uint64_t mtime_offset() const { return offset_; }
    void set_mtime_offset(uint64_t off) { offset_ = off; }

    // Back to the reset state: msip 0, mtimecmp all-ones, offset 0.
    void reset();

private:
    bool read32(uint64_t offset, uint32_t& v) const;
    bool write32(uint64_t offset, uint32_t v);  // returns whether state changed
    void notify() { if (changed_) changed_(); }

    std::vector<uint8_t> msip_;
    std::vector<uint64_t> mtimecmp_;
    uint64_t offset_ = 0;
    std::function<uint64_t()> mtime_now_;
    std::function<void()> changed_;
};

}  // namespace dev
