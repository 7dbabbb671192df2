// Address translation for the hart: the TLB slow path, the walker call,
// PMP, and the slow paths of fetch, load and store.
#include "hart.hpp"
#include "isa/tinst.hpp"
#include "commit_log.hpp"
#include "machine.hpp"

namespace emu {

#define UNLIKELY_TRIGGERS __builtin_expect(triggers_armed_, 0)
#define UNLIKELY_WATCHING __builtin_expect(watching_, 0)

namespace {
uint64_t pte_read_cost(unsigned reads) { return uint64_t(reads) * CycleModel::kPteRead; }
}  // namespace

bool Hart::translate(uint64_t va, Access acc, unsigned size, uint64_t& pa, uint8_t*& host, bool v, Priv p,
                     bool hlvx, bool fill_tlb, unsigned idx) {
    host = nullptr;
    const uint64_t vpn = va >> kPageShift;
    const unsigned slot = vpn & (kTlbSize - 1);
    TlbEntry& te = tlb_.e[idx][unsigned(acc)][slot];
    // A hit on an entry without a host pointer (a device page, or a page
    // whose stores must be observed): translation is cached, access is slow.
    if (!hlvx && te.vpn == vpn && te.tag == tag_[idx] && te.epoch == tlb_.epoch[idx]) {
        if (!te.host && acc != Access::Fetch) refast(te, acc);
        if (acc != Access::Fetch) set_fast(idx, acc, slot, te);
        pa = te.ppage | (va & (kPageSize - 1));
        host = te.host ? te.host + (va & (kPageSize - 1)) : nullptr;
        return true;
    }
    bool translated = false;
    WalkResult w;
    if (p != Priv::M) {
        if (v || !isa::atp::bare(csr.satp)) {
            WalkRequest rq = walk_request(va, acc, p, v);
            rq.hlvx = hlvx;
            WalkMemory mem{
                [&](uint64_t a, uint64_t& val) {
                    return pmp.check(a, 8, Access::Read, Priv::S) && bus_.read(a, 8, val);
                },
                [&](uint64_t a, uint64_t val) {
                    return pmp.check(a, 8, Access::Write, Priv::S) && bus_.write(a, 8, val);
                }};
            w = walk(rq, mem, nullptr);
            cycle += pte_read_cost(w.mem_reads);
            walk_stats.walks++;
            walk_stats.reads += w.mem_reads;
            hpm_walked(acc);
            if (v) {
                walk_stats.nested_walks++;
                walk_stats.nested_reads[std::min<unsigned>(w.mem_reads, 31)]++;
            }
            if (!w.ok) {
                // Guest-page faults report the guest physical address; traps
                // into M or HS report GVA when the address is a guest virtual one.
                uint64_t tinst = 0;
                if (w.guest_fault && w.implicit)
                    tinst = w.implicit_write ? isa::kTinstPteWrite : isa::kTinstPteRead;
                else if (w.guest_fault)
                    tinst = explicit_tinst(va, acc);
                raise(w.cause, va, w.guest_fault ? w.gpa : 0, tinst, v);
                return false;
            }
            pa = w.pa;
            translated = true;
        }
    }
    if (!translated) pa = va;
    // Physical memory protection for the access itself.
    if (!pmp.check(pa, size, acc, p)) {
        raise(access_fault_cause(acc), va, 0, 0, v);
        return false;
    }
    const uint64_t ppage = pa & ~(kPageSize - 1);
    HostRegion* r = bus_.region(ppage, kPageSize);
    DecodedPage* code = nullptr;
    if (r) {
        uint64_t page = (ppage - r->base) >> kPageShift;
        // Stores to watched pages (HTIF tohost) and to ROM take the slow path;
        // stores to code pages are fast but drop the decoded instructions they hit.
        bool fast = !(acc == Access::Write && ((r->slow_store[page] & (2 | kCleanPage)) || !r->writable));
        if (fast) host = &r->bytes[ppage - r->base] + (pa & (kPageSize - 1));
        if (acc == Access::Write) code = r->code[page].get();
    }
    // Debugger watchpoints send loads and stores down the slow path by
    // leaving entries without host pointers; the TLB fills as it always
    // does, so watching changes nothing in the cycle count.
    if (watching_ && acc != Access::Fetch) host = nullptr;
    if (fill_tlb && tlb_enabled && !hlvx && !triggers_armed_ && !commit_ && pmp.uniform_over_page(ppage, p)) {
        te.vpn = vpn;
        te.tag = tag_[idx];
        te.epoch = tlb_.epoch[idx];
        te.ppage = ppage;
        te.host = host ? host - (pa & (kPageSize - 1)) : nullptr;
        te.code = code;
        if (acc != Access::Fetch) set_fast(idx, acc, slot, te);
        else tlb_.fast[idx][unsigned(acc)][slot].key = TlbFast::kNoKey;  // fetch_slow adds the decoded page
        if (translated) m_.emit(*this, event::tlb_fill(va, pa, acc, this->pc, {p, v}));
    }
    return true;
}

// htinst/mtinst for a guest-page fault of an explicit access: the executing
// instruction, transformed (zero for fetches and when it is not known).
uint64_t Hart::explicit_tinst(uint64_t fault_va, Access acc) {
    if (acc == Access::Fetch || !cur_insn_) return 0;
    const isa::Decoded d = insn();
    const auto fmt = isa::info(d.op).format;
    const bool has_imm = fmt == isa::Format::LOAD || fmt == isa::Format::STORE || fmt == isa::Format::FLOAD ||
                         fmt == isa::Format::FSTORE;
    const uint64_t start = x[d.rs1] + (has_imm ? uint64_t(d.imm) : 0);
    return isa::transformed_instruction(d, fault_va - start);
}

void Hart::stored(uint64_t pa, unsigned size) {
    HostRegion* r = bus_.region(pa, size);
    if (r && (r->slow_store[(pa - r->base) >> kPageShift] & 1)) bus_.invalidate_code(*r, pa, size);
}

// An entry left without its host pointer by watching or dirty tracking
// gets it back once neither applies (a store, once its page is dirty).
void Hart::refast(TlbEntry& te, Access acc) {
    if (watching_ || triggers_armed_) return;
    HostRegion* r = bus_.region(te.ppage, kPageSize);
    if (!r) return;
    if (acc == Access::Write &&
        (!r->writable || (r->slow_store[(te.ppage - r->base) >> kPageShift] & (2 | kCleanPage))))
        return;
    te.host = &r->bytes[te.ppage - r->base];
}

// The fast view of a load or store entry: its host pointer, or none.
void Hart::set_fast(unsigned idx, Access acc, unsigned slot, const TlbEntry& te) {
    TlbFast& f = tlb_.fast[idx][unsigned(acc)][slot];
    if (!te.host) { f.key = TlbFast::kNoKey; return; }
    const uint64_t va = te.vpn << kPageShift;
    f.key = Tlb::key(va, 1, tlb_.gen_bits(idx));
    f.addend = uint64_t(te.host) - va;
    f.code = te.code;
}

void Hart::drop_fast_stores(uint64_t page_pa) {
    HostRegion* r = bus_.region(page_pa, kPageSize);
    if (!r) return;
    const uint64_t page = (page_pa - r->base) >> kPageShift;
    constexpr unsigned W = unsigned(Access::Write);
    for (unsigned idx = 0; idx < IDX_COUNT; ++idx)
        for (unsigned slot = 0; slot < kTlbSize; ++slot) {
            TlbEntry& t = tlb_.e[idx][W][slot];
            if (!tlb_.present(idx, t) || t.ppage != page_pa) continue;
            if (r->slow_store[page] & 2) t.host = nullptr;  // watched: keep the translation, slow the store
            t.code = r->code[page].get();
            if (t.tag == tag_[idx]) set_fast(idx, Access::Write, slot, t);
            else tlb_.fast[idx][W][slot].key = TlbFast::kNoKey;
        }
}

// A debugger watchpoint stops the hart before the access: the instruction
// does nothing (its cycles are given back) and pc stays on it, as gdb
// expects of RISC-V watchpoints; the machine lets it through when resumed.
bool Hart::watch_stop() {
    if (cur_insn_) cycle -= cur_insn_->cost;
    return false;
}

bool Hart::load_slow(uint64_t va, unsigned size, uint64_t& out, bool hlv, bool hlvx) {
    if (__builtin_expect(commit_ != nullptr, 0)) commit_->load(va);
    return load_access(va, size, out, hlv, hlvx);
}

bool Hart::store_slow(uint64_t va, unsigned size, uint64_t val, bool hsv) {
    if (__builtin_expect(commit_ != nullptr, 0)) commit_->store(va, val, size);
    return store_access(va, size, val, hsv);
}

bool Hart::load_access(uint64_t va, unsigned size, uint64_t& out, bool hlv, bool hlvx) {
    if (UNLIKELY_WATCHING && m_.watched_access(*this, va, size, false)) return watch_stop();
    if (UNLIKELY_TRIGGERS && trigger_fires(Access::Read, va)) return false;
    const bool v = hlv ? true : data_virt_;
    const Priv p = hlv ? ((csr.hstatus & hstatus::SPVP) ? Priv::S : Priv::U) : data_priv_;
    unsigned idx = data_idx_;
    if (hlv) idx = p == Priv::U ? IDX_VU : ((csr.vsstatus & mstatus::SUM) ? IDX_VS_SUM : IDX_VS);
    if ((va & (kPageSize - 1)) + size > kPageSize) {
        // Crosses a page: byte by byte, each byte translated on its own.
        uint64_t val = 0;
        for (unsigned i = 0; i < size; ++i) {
            uint64_t b;
            if (!load_access(va + i, 1, b, hlv, hlvx)) return false;
            val |= b << (8 * i);
        }
        out = val;
        return true;
    }
    uint64_t pa;
    uint8_t* host;
    if (!translate(va, Access::Read, size, pa, host, v, p, hlvx, true, idx)) return false;
    if (host) {
        out = 0;
        std::memcpy(&out, host, size);
        return true;
    }
    if ((pa & (size - 1)) != 0 && !bus_.region(pa, size)) {
        // Misaligned device access: as bytes.
        uint64_t val = 0;
        for (unsigned i = 0; i < size; ++i) {
            uint64_t b;
            if (!bus_.read(pa + i, 1, b)) { raise(LOAD_ACCESS, va, 0, 0, v); return false; }
            val |= b << (8 * i);
        }
        out = val;
        return true;
    }
    if (!bus_.read(pa, size, out)) {
        raise(LOAD_ACCESS, va, 0, 0, v);
        return false;
    }
    return true;
}

bool Hart::store_access(uint64_t va, unsigned size, uint64_t val, bool hsv) {
    if (UNLIKELY_WATCHING && m_.watched_access(*this, va, size, true)) return watch_stop();
    if (UNLIKELY_TRIGGERS && trigger_fires(Access::Write, va)) return false;
    const bool v = hsv ? true : data_virt_;
    const Priv p = hsv ? ((csr.hstatus & hstatus::SPVP) ? Priv::S : Priv::U) : data_priv_;
    unsigned idx = data_idx_;
    if (hsv) idx = p == Priv::U ? IDX_VU : ((csr.vsstatus & mstatus::SUM) ? IDX_VS_SUM : IDX_VS);
    if ((va & (kPageSize - 1)) + size > kPageSize) {
        // Check every byte is writable before writing any of them.
        uint64_t pa;
        uint8_t* host;
        for (unsigned i = 0; i < size; ++i)
            if (!translate(va + i, Access::Write, 1, pa, host, v, p, false, true, idx)) return false;
        for (unsigned i = 0; i < size; ++i)
            if (!store_access(va + i, 1, (val >> (8 * i)) & 0xff, hsv)) return false;
        return true;
    }
    uint64_t pa;
    uint8_t* host;
    if (!translate(va, Access::Write, size, pa, host, v, p, false, true, idx)) return false;
    if (host) {
        std::memcpy(host, &val, size);
        stored(pa, size);
        return true;
    }
    if ((pa & (size - 1)) != 0 && !bus_.region(pa, size)) {
        for (unsigned i = 0; i < size; ++i)
            if (!bus_.write(pa + i, 1, (val >> (8 * i)) & 0xff)) { raise(STORE_ACCESS, va, 0, 0, v); return false; }
        return true;
    }
    if (!bus_.write(pa, size, val)) {
        raise(STORE_ACCESS, va, 0, 0, v);
        return false;
    }
    return true;
}

// AMOs and LR/SC: naturally aligned, to a host region or a device.
bool Hart::amo_address(uint64_t va, unsigned size, uint64_t& pa, uint8_t*& host) {
    if (va & (size - 1)) {
        raise(MISALIGNED_STORE, va, 0, 0, data_virt_);
        return false;
    }
    if (UNLIKELY_WATCHING && (m_.watched_access(*this, va, size, false) || m_.watched_access(*this, va, size, true)))
        return watch_stop();
    return translate(va, Access::Write, size, pa, host, data_virt_, data_priv_, false, true, data_idx_);
}

const CachedInsn* Hart::fetch_slow() {
    const uint64_t va = pc;
    {
        const TlbFast& f = tlb_.fast[fetch_idx_][unsigned(Access::Fetch)][(va >> kPageShift) & (kTlbSize - 1)];
        if (f.key == Tlb::key(va, 1, tlb_.gen_bits(fetch_idx_))) {
            CachedInsn& c = f.code->slot[(va & (kPageSize - 1)) >> 1];
            if (c.len != 0) {
                fetch_page_va_ = va & ~(kPageSize - 1);
                fetch_page_ = f.code;
                fetch_page_pa_ = f.addend;
                return &c;
            }
        }
    }
    uint64_t pa;
    uint8_t* host;
    if (!translate(va, Access::Fetch, 2, pa, host, virt, priv, false, true, fetch_idx_)) return nullptr;
    HostRegion* r = bus_.region(pa, 2);
    if (!r) {
        raise(FETCH_ACCESS, va, 0, 0, virt);
        return nullptr;
    }
    uint16_t lo;
    std::memcpy(&lo, &r->bytes[pa - r->base], 2);
    uint32_t raw = lo;
    if ((lo & 3) == 3) {
        if ((va & (kPageSize - 1)) == kPageSize - 2) {
            // The upper half lies on the next page: translated on its own, not cached.
            uint64_t pa2;
            uint8_t* host2;
            pc = va + 2;  // a fault on the second half reports its address
            bool ok = translate(va + 2, Access::Fetch, 2, pa2, host2, virt, priv, false, true, fetch_idx_);
            if (ok) {
                HostRegion* r2 = bus_.region(pa2, 2);
                if (!r2) { raise(FETCH_ACCESS, va + 2, 0, 0, virt); ok = false; }
                else {
                    uint16_t hi;
                    std::memcpy(&hi, &r2->bytes[pa2 - r2->base], 2);
                    raw |= uint32_t(hi) << 16;
                }
            }
            if (!ok) {
                // The trap recorded pc+2 as epc; the instruction starts at va.
                if (priv == Priv::M) csr.mepc = va; else if (virt) csr.vsepc = va; else csr.sepc = va;
                return nullptr;
            }
            pc = va;
            straddle_raw_ = raw;
            prepare(straddle_[0], isa::decode(raw, ext), 0);
            DecodedPage::forget(straddle_[1]);
            DecodedPage::forget(straddle_[2]);
            return &straddle_[0];
        }
        uint16_t hi;
        std::memcpy(&hi, &r->bytes[pa - r->base + 2], 2);
        raw |= uint32_t(hi) << 16;
    }
    DecodedPage* page = bus_.decoded_page(*r, pa);
    CachedInsn& c = page->slot[(pa & (kPageSize - 1)) >> 1];
    if (c.len == 0) {  // memory is unchanged since a slot was decoded: stores forget what they overwrite
        isa::Decoded d = isa::decode(raw, ext);  // an extension the configuration lacks: illegal (or the HINT's base instruction)
        if (!c_enabled_ && d.len == 2) d.op = isa::Op::ILLEGAL;  // misa.C clear
        prepare(c, d, unsigned(pa & (kPageSize - 1)));
    }
    slow_page_ = page;
    slow_page_pa_ = pa & ~(kPageSize - 1);
    if (pmp.uniform_over_page(pa & ~(kPageSize - 1), priv)) {
        fetch_page_va_ = va & ~(kPageSize - 1);
        fetch_page_ = page;
        fetch_page_pa_ = pa & ~(kPageSize - 1);
        // A page entered again finds its decoded page through the fetch TLB.
        const uint64_t vpn = va >> kPageShift;
        const unsigned slot = vpn & (kTlbSize - 1);
        const TlbEntry& te = tlb_.e[fetch_idx_][unsigned(Access::Fetch)][slot];
        if (te.vpn == vpn && te.tag == tag_[fetch_idx_] && tlb_.present(fetch_idx_, te) && te.ppage == fetch_page_pa_) {
            TlbFast& f = tlb_.fast[fetch_idx_][unsigned(Access::Fetch)][slot];
            f.key = Tlb::key(va, 1, tlb_.gen_bits(fetch_idx_));
            f.addend = fetch_page_pa_;
            f.code = page;
        }
    }
    return &c;
}

isa::Decoded Hart::insn() {
    const CachedInsn* c = cur_insn_;
    uint32_t raw;
    if (c >= straddle_ && c < straddle_ + 3) {
        raw = straddle_raw_;
    } else {
        const bool in_fetch_page = fetch_page_ && c >= fetch_page_->slot && c < fetch_page_->slot + kPageSize / 2;
        const DecodedPage* page = in_fetch_page ? fetch_page_ : slow_page_;
        const uint64_t pa = (in_fetch_page ? fetch_page_pa_ : slow_page_pa_) + uint64_t(c - page->slot) * 2;
        const HostRegion* r = bus_.region(pa, c->len);
        uint16_t lo, hi = 0;
        std::memcpy(&lo, &r->bytes[pa - r->base], 2);
        if (c->len == 4) std::memcpy(&hi, &r->bytes[pa - r->base + 2], 2);
        raw = uint32_t(lo) | uint32_t(hi) << 16;
    }
    const uint64_t key = raw | uint64_t(c_enabled_) << 32;
    DecodeMemo& m = decode_memo_[(raw ^ (raw >> 7) ^ (raw >> 15)) & 255];
    if (m.key != key) {
        m.key = key;
        m.d = isa::decode(raw, ext);
        if (!c_enabled_ && m.d.len == 2) m.d.op = isa::Op::ILLEGAL;
        sink_rd(m.d);
        m.d.cost = c->cost;
    }
    return m.d;
}

WalkRequest Hart::walk_request(uint64_t va, Access acc, Priv p, bool v) const {
    WalkRequest rq;
    rq.va = va;
    rq.access = acc;
    rq.priv = p;
    rq.virt = v;
    rq.atp = v ? csr.vsatp : csr.satp;
    rq.hgatp = csr.hgatp;
    rq.sum = v ? (csr.vsstatus & mstatus::SUM) : (csr.mstatus & mstatus::SUM);
    rq.mxr = (csr.mstatus & mstatus::MXR) || (v && (csr.vsstatus & mstatus::MXR));
    rq.gmxr = csr.mstatus & mstatus::MXR;
    namespace env = isa::envcfg;
    const uint64_t first_env = v ? csr.henvcfg : csr.menvcfg;
    rq.first = {ext.has(isa::Ext::Svnapot), bool(first_env & env::PBMTE), bool(first_env & env::ADUE)};
    rq.g = {ext.has(isa::Ext::Svnapot), bool(csr.menvcfg & env::PBMTE), bool(csr.menvcfg & env::ADUE)};
    return rq;
}

WalkMemory debug_walk_memory(Bus& bus) {
    return WalkMemory{[&bus](uint64_t a, uint64_t& v) { return bus.read(a, 8, v); },
                      [](uint64_t, uint64_t) { return false; }};
}

WalkResult Hart::debug_walk(WalkRequest rq, WalkRecord* rec) {
    rq.update_ad = false;
    return walk(rq, debug_walk_memory(bus_), rec);
}

WalkResult Hart::debug_walk(uint64_t va, Access acc, WalkRecord* rec) {
    Priv p = acc == Access::Fetch ? priv : data_priv_;
    bool v = acc == Access::Fetch ? virt : data_virt_;
    // From M-mode, show the walk S-mode would do through satp: that is the
    // table a user looking at a page-table address wants to see.
    if (p == Priv::M) { p = Priv::S; v = false; }
    return debug_walk(walk_request(va, acc, p, v), rec);
}

std::vector<TlbView> Hart::tlb_entries() const {
    std::vector<TlbView> out;
    for (unsigned ctx = 0; ctx < IDX_COUNT; ++ctx)
        for (unsigned a = 0; a < 3; ++a)
            for (unsigned s = 0; s < kTlbSize; ++s) {
                const TlbEntry& e = tlb_.e[ctx][a][s];
                if (!tlb_.present(ctx, e)) continue;
                out.push_back({ctx, Access(a), s, e.vpn << kPageShift, e.ppage, TlbTag::unpack(e.tag),
                               e.tag == tag_[ctx], e.host != nullptr});
            }
    return out;
}

const char* tlb_context_name(unsigned idx) {
    static const char* const n[IDX_COUNT] = {"M", "S", "S+SUM", "U", "VS", "VS+SUM", "VU"};
    return idx < IDX_COUNT ? n[idx] : "?";
}

// The physical address of a data byte as the hart sees it, for debuggers.
bool Hart::debug_data_pa(uint64_t va, uint64_t& pa) {
    if (data_priv_ == Priv::M) { pa = va; return true; }  // M-mode data accesses (without MPRV) are physical
    WalkResult w = debug_walk(va, Access::Read, nullptr);
    pa = w.pa;
    return w.ok;
}

bool Hart::debug_read_virt(uint64_t va, void* buf, size_t len) {
    auto* out = static_cast<uint8_t*>(buf);
    for (size_t i = 0; i < len; ++i) {
        uint64_t pa, b;
        if (!debug_data_pa(va + i, pa) || !bus_.read(pa, 1, b)) return false;
        out[i] = uint8_t(b);
    }
    return true;
}

bool Hart::debug_write_virt(uint64_t va, const void* buf, size_t len) {
    const auto* in = static_cast<const uint8_t*>(buf);
    for (size_t i = 0; i < len; ++i) {
        uint64_t pa;
        if (!debug_data_pa(va + i, pa) || !bus_.write_block(pa, in + i, 1)) return false;
    }
    return true;
}

void Hart::set_watching(bool on) {
    watching_ = on;
    if (on) {  // loads and stores must reach the slow path
        for (auto& idx : tlb_.e)
            for (unsigned a : {unsigned(Access::Read), unsigned(Access::Write)})
                for (auto& t : idx[a]) t.host = nullptr;
        tlb_.new_gen_all();
    }
    interrupt_state_changed();
}

}  // namespace emu
