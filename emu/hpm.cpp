// The hardware performance counters (Zihpm) with Sscofpmf's overflow
// interrupt and mode filtering. A counter counts one of the events QEMU virt
// counts and advertises in its device tree (cycles, instructions, data-TLB
// read and write misses, instruction-TLB misses), selected in mhpmevent by
// the SBI PMU's event_idx, as OpenSBI writes it. A TLB miss is a page-table
// walk: translations in Bare mode and M-mode miss nothing. Each source is a
// count the hart keeps anyway (cycle, instret, tlb_misses), so counting
// costs the hot loop nothing: a counter is its source plus an offset, and
// is re-based when it starts or stops counting (a change of mode,
// mcountinhibit or mhpmevent). Overflows are found where the counts move
// (Hart::update_timers, hpm_walked); the run loop stops at the cycle a cycle
// counter overflows and no later than an instruction counter's overflow, so
// LCOFIP rises after the same instruction whatever the dispatch.
#include "hart.hpp"

#include <algorithm>
#include <bit>

namespace emu {
namespace ev = isa::hpmevent;

const uint64_t* Hart::hpm_source_of(uint64_t event) const {
    switch (event & ev::EVENT) {
    case ev::CYCLES: return &cycle;
    case ev::INSTRUCTIONS: return &instret;
    case ev::DTLB_READ_MISS: return &csr.tlb_misses[unsigned(Access::Read)];
    case ev::DTLB_WRITE_MISS: return &csr.tlb_misses[unsigned(Access::Write)];
    case ev::ITLB_READ_MISS: return &csr.tlb_misses[unsigned(Access::Fetch)];
    default: return nullptr;
    }
}

bool Hart::hpm_counts(unsigned i) const {
    const uint64_t e = csr.hpm[i].event;
    if ((csr.mcountinhibit >> (i + 3)) & 1 || !hpm_source_of(e)) return false;
    const uint64_t inh = priv == Priv::M ? ev::MINH
                       : priv == Priv::S ? (virt ? ev::VSINH : ev::SINH)
                                         : (virt ? ev::VUINH : ev::UINH);
    return !(e & inh);  // the INH bits are zero without Sscofpmf
}

uint64_t Hart::hpm_read(unsigned i) const {
    const CsrFile::Hpm& c = csr.hpm[i];
    return c.counting ? *hpm_source_of(c.event) + c.base : c.base;
}

// Sets counter 3+i to v as it counts (or not) now.
void Hart::hpm_write(unsigned i, uint64_t v) {
    CsrFile::Hpm& c = csr.hpm[i];
    c.base = c.counting ? v - *hpm_source_of(c.event) : v;
    c.last = v;  // a write never overflows
    interrupt_state_changed();
}

void Hart::hpm_event_write(unsigned i, uint64_t v) {
    uint64_t mask = ev::EVENT;
    if (ext.has(isa::Ext::Sscofpmf)) mask |= ev::OF | ev::MINH | ev::SINH | ev::UINH | (h_ext ? ev::VSINH | ev::VUINH : 0);
    const uint64_t value = hpm_read(i);
    csr.hpm[i].event = v & mask;
    csr.hpm[i].counting = hpm_counts(i);
    hpm_write(i, value);
    hpm_refresh();
}

void Hart::hpm_refresh() {
    uint32_t armed = 0;
    for (unsigned i = 0; i < kHpmCounters; ++i) {
        CsrFile::Hpm& c = csr.hpm[i];
        if (hpm_source_of(c.event)) armed |= 1u << i;
        const bool on = hpm_counts(i);
        if (on == bool(c.counting)) continue;
        const uint64_t value = hpm_read(i);
        c.counting = on;
        c.base = on ? value - *hpm_source_of(c.event) : value;
    }
    hpm_armed_ = armed;
    interrupt_state_changed();
}

void Hart::hpm_check() {
    hpm_cycle_at_ = hpm_insn_bound_ = ~0ull;
    const bool of = ext.has(isa::Ext::Sscofpmf);
    auto after = [&](uint64_t n) -> uint64_t { return n > ~0ull - cycle ? ~0ull : cycle + n; };
    for (uint32_t m = hpm_armed_; m; m &= m - 1) {
        CsrFile::Hpm& c = csr.hpm[std::countr_zero(m)];
        if (!c.counting) continue;
        const uint64_t v = *hpm_source_of(c.event) + c.base;
        const bool wrapped = v < c.last;
        c.last = v;
        if (!of || (c.event & ev::OF)) continue;
        if (wrapped) {
            c.event |= ev::OF;
            csr.mip |= irq::bit(irq::LCOFI);
            interrupt_state_changed();
            continue;
        }
        if (v == 0) continue;  // 2^64 to go
        const uint64_t to_go = 0 - v;
        if ((c.event & ev::EVENT) == ev::CYCLES) hpm_cycle_at_ = std::min(hpm_cycle_at_, after(to_go));
        // Every instruction costs a cycle at least.
        if ((c.event & ev::EVENT) == ev::INSTRUCTIONS) hpm_insn_bound_ = std::min(hpm_insn_bound_, after(to_go));
    }
}

void Hart::hpm_walked(Access acc) {
    ++csr.tlb_misses[unsigned(acc)];
    if (hpm_armed_) hpm_check();
}

uint64_t Hart::scountovf() const {
    uint64_t v = 0;
    for (unsigned i = 0; i < kHpmCounters; ++i) v |= (csr.hpm[i].event >> 63) << (i + 3);
    if (priv != Priv::M) v &= csr.mcounteren;
    if (virt) v &= csr.hcounteren;
    return v;
}

// Zkr's seed: always ES16 (the source needs no self-test and never fails),
// its 16 bits from a generator (splitmix64) whose state starts from the hart's
// id, so the same run reads the same values.
namespace {
constexpr uint64_t kSeedStep = 0x9e3779b97f4a7c15ull;
}
void Hart::seed_advance() { csr.entropy += kSeedStep; }
uint64_t Hart::seed_value() const {
    uint64_t z = csr.entropy + kSeedStep;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    z ^= z >> 31;
    return (isa::seed::ES16 << isa::seed::OPST_SHIFT) | (z & isa::seed::ENTROPY);
}

}  // namespace emu
