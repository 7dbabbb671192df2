// Debug triggers (Sdtrig): two mcontrol (type 2) triggers matching an exact
// address on execute, load or store, with action "breakpoint exception".
// While any trigger is armed the hart runs its checking loop and every load
// and store takes the slow path, so unarmed runs pay nothing.
#pragma once
#include <cstdint>

#include "priv.hpp"
#include "tlb.hpp"

namespace emu {

struct Triggers {
    static constexpr unsigned kCount = 2;
    static constexpr uint64_t kTypeMcontrol = 2ull << 60;
    static constexpr uint64_t M = 1 << 6, S = 1 << 4, U = 1 << 3, EXECUTE = 1 << 2, STORE = 1 << 1, LOAD = 1 << 0;
    static constexpr uint64_t kWritable = M | S | U | EXECUTE | STORE | LOAD;

    uint64_t select = 0;
    uint64_t tdata1[kCount] = {kTypeMcontrol, kTypeMcontrol};
    uint64_t tdata2[kCount] = {};

    bool armed() const {
        for (unsigned i = 0; i < kCount; ++i)
            if (tdata1[i] & (EXECUTE | STORE | LOAD)) return true;
        return false;
    }
    void write_select(uint64_t v) { if (v < kCount) select = v; }
    void write_tdata1(uint64_t v) { tdata1[select] = kTypeMcontrol | (v & kWritable); }
    void write_tdata2(uint64_t v) { tdata2[select] = v; }

    // Whether an access of `kind` at `addr` from mode `p` fires a trigger.
    // In M-mode triggers fire only with mstatus.MIE set (no tcontrol), so a
    // trap handler cannot re-trigger itself.
    bool hit(Access kind, uint64_t addr, Priv p, bool mie) const {
        if (p == Priv::M && !mie) return false;
        const uint64_t mode = p == Priv::M ? M : p == Priv::S ? S : U;
        const uint64_t what = kind == Access::Fetch ? EXECUTE : kind == Access::Write ? STORE : LOAD;
        for (unsigned i = 0; i < kCount; ++i)
            if ((tdata1[i] & mode) && (tdata1[i] & what) && tdata2[i] == addr) return true;
        return false;
    }
};

}  // namespace emu
