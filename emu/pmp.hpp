// Physical memory protection: 16 entries, OFF/TOR/NA4/NAPOT, with lock bits,
// as the privileged spec defines them. Granularity is 4 bytes (G=0).
#pragma once
#include <cstdint>

#include "priv.hpp"
#include "tlb.hpp"

namespace emu {

class Pmp {
public:
    static constexpr unsigned kEntries = 16;
    uint8_t cfg[kEntries] = {};
    uint64_t addr[kEntries] = {};

    // CSR views: pmpcfg0 / pmpcfg2 pack 8 entries each (RV64).
    uint64_t read_cfg(unsigned reg) const;        // reg 0 or 2
    void write_cfg(unsigned reg, uint64_t value);
    uint64_t read_addr(unsigned i) const;
    void write_addr(unsigned i, uint64_t value);
    // Whether a write leaves the register as it is: pmpaddr i locked (its
    // entry, or a locked TOR entry above it), every entry of pmpcfg `reg` locked.
    bool addr_locked(unsigned i) const;
    bool cfg_locked(unsigned reg) const;

    // Whether [pa, pa+len) may be accessed with `acc` at `priv`.
    bool check(uint64_t pa, unsigned len, Access acc, Priv priv) const;
    // Whether the whole 4 KiB page at `page` gets the same answer as `check`
    // for every address in it (so a TLB entry may cache the result).
    bool uniform_over_page(uint64_t page, Priv priv) const;
    // Snapshots: every entry as saved, locks included.
    void load(const uint8_t (&c)[kEntries], const uint64_t (&a)[kEntries]) {
        for (unsigned i = 0; i < kEntries; ++i) cfg[i] = c[i], addr[i] = a[i];
        recompute();
    }

private:
    void recompute();
    struct Range { uint64_t lo, hi; uint8_t perm; bool locked; bool on; };
    Range range_[kEntries] = {};
    bool active_ = false;
};

}  // namespace emu
