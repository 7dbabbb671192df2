// A hart's part of a snapshot. Besides the architectural state it carries
// the TLB's entries and the fetch page: the cycle model charges page-table
// reads on a miss, so a restored hart with a cold TLB would drift in mcycle
// and mtime from the run it was saved from.
#include "hart.hpp"

#include "machine.hpp"

namespace emu {

namespace {
struct SavedEntry {
    uint8_t ctx, acc;
    uint16_t slot;
    uint32_t pad;
    uint64_t vpn, tag, ppage;
};
}  // namespace

void Hart::save(dev::StateOut& o) const {
    o.raw(x, 32 * sizeof x[0]);
    o.raw(f, sizeof f);
    o.u64(pc);
    o.u8(uint8_t(priv));
    o.boolean(virt);
    o.u64(sizeof csr);
    o.raw(&csr, sizeof csr);
    o.raw(&aia, sizeof aia);
    o.raw(pmp.cfg, sizeof pmp.cfg);
    o.raw(pmp.addr, sizeof pmp.addr);
    o.u64(triggers.select);
    o.raw(triggers.tdata1, sizeof triggers.tdata1);
    o.raw(triggers.tdata2, sizeof triggers.tdata2);
    o.u64(cycle);
    o.u64(instret);
    o.raw(&walk_stats, sizeof walk_stats);
    o.boolean(wfi);
    o.u64(stall_until_);
    o.boolean(lr_valid);
    o.u64(lr_addr);
    o.u64(hw_mip_);
    o.u64(next_timer_cycle_);
    o.boolean(suppress_instret_);
    o.u64(fetch_page_va_);
    o.u64(fetch_page_pa_);
    std::vector<SavedEntry> entries;
    for (unsigned c = 0; c < IDX_COUNT; ++c)
        for (unsigned a = 0; a < 3; ++a)
            for (unsigned s = 0; s < kTlbSize; ++s) {
                const TlbEntry& e = tlb_.e[c][a][s];
                if (tlb_.present(c, e)) entries.push_back({uint8_t(c), uint8_t(a), uint16_t(s), 0, e.vpn, e.tag, e.ppage});
            }
    o.vec(entries);
}

void Hart::restore(dev::StateIn& in) {
    uint64_t nx[32], nf[32];
    in.raw(nx, sizeof nx);
    in.raw(nf, sizeof nf);
    const uint64_t npc = in.u64();
    const uint8_t np = in.u8();
    if (np != uint8_t(Priv::U) && np != uint8_t(Priv::S) && np != uint8_t(Priv::M))
        throw dev::StateError("hart" + std::to_string(id) + ": privilege level " + std::to_string(np) + " does not exist");
    const bool nv = in.boolean();
    if (in.u64() != sizeof(CsrFile)) throw dev::StateError("hart" + std::to_string(id) + ": the CSR layout differs from this build's");
    CsrFile ncsr;
    in.raw(&ncsr, sizeof ncsr);
    AiaCsrFile naia;
    in.raw(&naia, sizeof naia);
    if ((naia.hvictl & ~hvictl::MASK) || (naia.hviprio1 & ~kHviprio1Mask) || naia.miselect > 0xff ||
        naia.siselect > 0x1ff || naia.vsiselect > 0x1ff)
        throw dev::StateError("hart" + std::to_string(id) + ": an AIA CSR out of range");
    uint8_t pcfg[Pmp::kEntries];
    uint64_t paddr[Pmp::kEntries];
    in.raw(pcfg, sizeof pcfg);
    in.raw(paddr, sizeof paddr);
    Triggers nt;
    nt.select = in.u64();
    in.raw(nt.tdata1, sizeof nt.tdata1);
    in.raw(nt.tdata2, sizeof nt.tdata2);
    if (nt.select >= Triggers::kCount) throw dev::StateError("hart" + std::to_string(id) + ": tselect out of range");
    const uint64_t ncycle = in.u64(), ninstret = in.u64();
    WalkStats nws;
    in.raw(&nws, sizeof nws);
    const bool nwfi = in.boolean();
    const uint64_t nstall = in.u64();
    const bool nlr = in.boolean();
    const uint64_t nlr_addr = in.u64(), nhw = in.u64(), ntimer = in.u64();
    const bool nsup = in.boolean();
    const uint64_t fva = in.u64(), fpa = in.u64();
    const auto entries = in.vec_up_to<SavedEntry>(size_t(IDX_COUNT) * 3 * kTlbSize);
    for (const SavedEntry& e : entries)
        if (e.ctx >= IDX_COUNT || e.acc >= 3 || e.slot >= kTlbSize || (e.vpn & (kTlbSize - 1)) != e.slot)
            throw dev::StateError("hart" + std::to_string(id) + ": a TLB entry out of place");
    if (!h_ext && (nv || ncsr.hgatp || ncsr.vsatp))
        throw dev::StateError("hart" + std::to_string(id) + ": H-extension state on a hart without it");

    for (unsigned i = 0; i < 32; ++i) x[i] = nx[i], f[i] = nf[i];
    x[0] = 0;
    pc = npc;
    priv = Priv(np);
    virt = nv;
    csr = ncsr;
    aia = naia;
    pmp.load(pcfg, paddr);
    triggers = nt;
    triggers_armed_ = triggers.armed();
    cycle = ncycle;
    instret = ninstret;
    walk_stats = nws;
    wfi = nwfi;
    stall_until_ = nwfi ? nstall : ~0ull;
    lr_valid = nlr;
    lr_addr = nlr_addr;
    hw_mip_ = nhw;
    next_timer_cycle_ = ntimer;
    suppress_instret_ = nsup;
    c_enabled_ = csr.misa & (1u << 2);
    cur_insn_ = nullptr;
    hpm_refresh();
    flush_tlb();
    context_changed();
    {
        for (const SavedEntry& s : entries) {
            TlbEntry& e = tlb_.e[s.ctx][s.acc][s.slot];
            e.vpn = s.vpn;
            e.tag = s.tag;
            e.epoch = tlb_.epoch[s.ctx];
            e.ppage = s.ppage;
            e.host = nullptr;
            e.code = nullptr;
            HostRegion* r = bus_.region(s.ppage, kPageSize);
            if (!r) continue;
            const uint64_t page = (s.ppage - r->base) >> kPageShift;
            const bool store = s.acc == unsigned(Access::Write);
            const bool fast = s.acc == unsigned(Access::Fetch) ||
                              (!watching_ && (!store || (r->writable && !(r->slow_store[page] & (2 | kCleanPage)))));
            if (fast) e.host = &r->bytes[s.ppage - r->base];
            if (store) e.code = r->code[page].get();
        }
        if (fva != 1) {
            if (HostRegion* r = bus_.region(fpa, kPageSize)) {
                fetch_page_va_ = fva;
                fetch_page_pa_ = fpa;
                fetch_page_ = bus_.decoded_page(*r, fpa);
            }
        }
    }
    interrupt_state_changed();
}

void Hart::slow_all_stores() {
    for (auto& idx : tlb_.e)
        for (auto& t : idx[unsigned(Access::Write)]) t.host = nullptr;
    tlb_.new_gen_all();
}

}  // namespace emu
