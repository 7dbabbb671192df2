// One RISC-V hart: architectural state, CSRs, the interpreter, address
// translation with its TLB, traps and interrupts.
//
// Threading: a Hart is driven by one thread at a time (the Machine's).
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "aia_csr.hpp"
#include "bus.hpp"
#include "devices/state.hpp"
#include "isa/csr.hpp"
#include "pmp.hpp"
#include "priv.hpp"
#include "tlb.hpp"
#include "triggers.hpp"
#include "walk.hpp"

namespace dev {
class Imsics;
struct ImsicFile;
}  // namespace dev

namespace emu {

class Machine;
class CommitTracer;

// CSR storage. Fields hold exactly the bits that exist; aliases (sstatus,
// sie/sip, hie/hip, vs* while V=1) are views computed in csr.cpp.
struct CsrFile {
    uint64_t mstatus = 0, misa = 0, medeleg = 0, mideleg = 0, mie = 0, mip = 0;
    uint64_t mtvec = 0, mscratch = 0, mepc = 0, mcause = 0, mtval = 0, mtinst = 0, mtval2 = 0;
    uint64_t mcounteren = 0, mcountinhibit = 0, menvcfg = 0;
    uint64_t mstateen[4] = {}, hstateen[4] = {};  // sstateen0..3 have no bits here: read-only zero
    uint64_t stvec = 0, sscratch = 0, sepc = 0, scause = 0, stval = 0, satp = 0, scounteren = 0, senvcfg = 0;
    uint64_t stimecmp = ~0ull;
    // H extension
    uint64_t hstatus = 0, hedeleg = 0, hideleg = 0, hvip = 0, hcounteren = 0, htimedelta = 0, htval = 0,
             htinst = 0, hgatp = 0, henvcfg = 0, hgeie = 0, hgeip = 0;
    uint64_t vsstatus = 0, vstvec = 0, vsscratch = 0, vsepc = 0, vscause = 0, vstval = 0, vsatp = 0;
    uint64_t vstimecmp = ~0ull;
    uint64_t tselect = 0;
    // mcycle/minstret as offsets from the raw counters, and their values while inhibited.
    uint64_t mcycle_delta = 0, minstret_delta = 0, mcycle_frozen = 0, minstret_frozen = 0;
    // Zihpm/Sscofpmf (emu/hpm.cpp): mhpmevent3.. and their counters. While
    // `counting`, the counter is its event's source plus `base`, else `base`;
    // `last` is its value when overflow was last looked for.
    struct Hpm {
        uint64_t event = 0, base = 0, last = 0, counting = 0;
    };
    Hpm hpm[16];
    uint64_t tlb_misses[3] = {};  // page-table walks by Access: the TLB-miss events' source
    // Zkr: mseccfg (USEED, SSEED) and the state of seed's generator.
    uint64_t mseccfg = 0, entropy = 0;
    uint32_t fflags = 0, frm = 0;
};

// Cycle model (documented in README "Cycle model"): base cost per instruction
// class, each page-table read of a walk, and trap entry.
struct CycleModel {
    static constexpr unsigned kBase = 1, kMul = 3, kDiv = 20, kFpu = 3, kFpuDiv = 20, kCsr = 2, kAmo = 4;
    static constexpr unsigned kPteRead = 20;     // one page-table memory read during a walk
    static constexpr unsigned kTrapEntry = 10;   // trap or interrupt entry
    static constexpr unsigned kXret = 5;
    static constexpr uint64_t kHartHz = 1'000'000'000;   // 1 GHz
    static constexpr uint64_t kTimebaseHz = 10'000'000;  // 10 MHz (as QEMU virt)
    static constexpr uint64_t kCyclesPerTick = kHartHz / kTimebaseHz;
};

// The walker's view of memory for debuggers: physical reads of the bus, no writes.
WalkMemory debug_walk_memory(Bus& bus);

class Hart {
public:
    Hart(Machine& m, unsigned id, bool h_ext, bool sstc = true);
    static constexpr unsigned kCacheBlock = 64;  // bytes a Zicbom/Zicboz operation covers (Zic64b)
    // mhpmcounter3 .. 3 + kHpmCounters - 1 exist (QEMU virt's 16); the others are read-only zero.
    static constexpr unsigned kHpmCounters = 16;

    // ---- architectural state (public for the debugger and tests) ----
    // x[32] is not architectural: instructions that write x0 are cached with
    // rd = 32, so x0 needs no re-zeroing after every instruction.
    static constexpr uint8_t kZeroSink = 32;
    uint64_t x[33] = {};
    uint64_t f[32] = {};
    uint64_t pc = 0;
    Priv priv = Priv::M;
    bool virt = false;  // the V bit
    AiaCsrFile aia;  // Smaia/Ssaia (emu/aia_csr.hpp)
    Pmp pmp;
    Triggers triggers;
    uint64_t cycle = 0;    // cycles since reset (drives mcycle and, at the machine, mtime)
    uint64_t instret = 0;  // instructions retired

    // Translation figures, counted on the walk (slow) path only: the TLB-hit
    // path carries no cost. nested_reads[n]: two-stage walks (V=1) that read
    // n page-table entries.
    struct WalkStats {
        uint64_t walks = 0, reads = 0, nested_walks = 0;
        uint64_t nested_reads[32] = {};
    } walk_stats;
    bool tlb_enabled = true;  // false: nothing is cached, every translation walks (for comparisons)
    // Time skipping (emu/spin.cpp): a loop that only waits for time is
    // jumped over as if executed. skips: loops jumped, instructions: their
    // instructions (counted in instret as executed).
    bool skip_spins = true;
    struct SpinStats {
        uint64_t skips = 0, instructions = 0;
    } spin_stats;
    bool wfi = false;      // stalled in WFI (or in WRS.NTO/WRS.STO: then stall_until() is its bound)
    // Whether a stalled hart wakes: an interrupt enabled in mie is pending,
    // a timer comparison is armed that will make one pending, or the stall is a bounded WRS.
    bool can_wake() const { return next_timer_cycle_ != ~0ull || interrupt_waiting() || stall_until_ != ~0ull; }
    // An interrupt is pending at some level (the AIA's rule for WFI): enabled
    // in mie, or hvictl's virtual interrupt for VS level (VTI = 1, IID != 9).
    bool interrupt_waiting() const {
        return (mip_value() & csr.mie) ||
               ((aia.hvictl & hvictl::VTI) && hvictl::iid(aia.hvictl) != 9);
    }
    // The cycle a WRS stall ends by its time bound; ~0 for WFI (or not stalled).
    uint64_t stall_until() const { return stall_until_; }
    // What a stalled hart waits in, for viewers: "WFI", "WRS" (Zawrs's wrs.nto/wrs.sto), or nullptr when running.
    // Machine::stall_text() and idle_text() put the harts' in a line.
    const char* stall_name() const { return !wfi ? nullptr : stall_until_ != ~0ull ? "WRS" : "WFI"; }
    // Zawrs's bounds, in cycles (implementation-defined): WRS.STO's short
    // timeout, 100 memory reads of the cycle model (the spec suggests 10 to
    // 100 cache-miss latencies); WRS.NTO's 1 ms, as it stalls even when
    // nothing else in the machine can break the reservation.
    static constexpr uint64_t kWrsStoCycles = 100 * 20, kWrsNtoCycles = 1'000'000;
    // The cycle a hart stalled in WFI wakes at by its own timers (~0: never);
    // its current cycle when it is not stalled or an enabled interrupt is pending.
    uint64_t sleeps_until();
    bool lr_valid = false;
    uint64_t lr_addr = 0;

    const unsigned id;
    const bool h_ext;
    const bool sstc;  // Sstc: stimecmp, vstimecmp, menvcfg.STCE
    const isa::ExtSet ext;  // the machine's extensions

    void reset(uint64_t start_pc);

    // Runs until `cycle >= cycle_limit`, `max_insns` instructions were
    // executed, the hart stalls in WFI, or the machine asks to stop.
    // Returns the number of instructions executed (retired or trapped).
    uint64_t run(uint64_t cycle_limit, uint64_t max_insns);

    // Breakpoints: checked only while any is set (a separate loop).
    bool has_breakpoints = false;

    // ---- the CSR file (emu/csr_access.cpp, emu/csr.cpp; the map of its rules in emu/README.md).
    // Every write goes through csr_write or csr_poke: the CSR's write mask,
    // and the hart's state derived from it (translation context, the
    // interrupt check, the FP fast path, counters) updated with it.
    //
    // As an instruction accesses a CSR: csr_read checks the access (for the
    // write too when `for_write`), returns false and raises the right
    // exception when it is not allowed; csr_write then writes without
    // checks. Both apply V=1's aliases (sstatus is vsstatus, ...).
    bool csr_read(uint16_t addr, uint64_t& value, bool for_write);
    bool csr_write(uint16_t addr, uint64_t value);
    // The old value a CSRRS/CSRRC modifies, given what csr_read returned.
    uint64_t csr_rmw_operand(uint16_t addr, uint64_t read) const;
    // Debugger access: no privilege checks, no aliases and no traps; nullopt if no such CSR.
    std::optional<uint64_t> csr_peek(uint16_t addr);
    std::optional<uint64_t> csr_peek(isa::Csr c) { return csr_peek(uint16_t(c)); }
    // Debugger write, as an instruction's without the checks; false if no such CSR.
    bool csr_poke(uint16_t addr, uint64_t value);
    bool csr_poke(isa::Csr c, uint64_t value) { return csr_poke(uint16_t(c), value); }
    // The stored fields, read-only, for viewers (aliases such as sstatus are
    // computed: csr_peek gives them).
    const CsrFile& csrs() const { return csr; }

    // ---- interrupts ----
    // Hardware-driven pending lines (MSIP, MTIP, MEIP, SEIP, ...), set by the
    // machine and by the hart's own timers.
    void set_hw_irq(unsigned bit, bool level);
    uint64_t mip_value() const { return csr.mip | hw_mip_ | (csr.hvip & irq::VS_BITS); }
    void interrupt_state_changed() { deadline_ = 0; }

    // ---- AIA (emu/aia_csr.cpp)
    // The hart's IMSIC (its interrupt files in `imsics`, null: none) and GEILEN.
    void attach_imsic(dev::Imsics* imsics);
    unsigned geilen() const { return geilen_; }
    // A file of this hart's IMSIC changed (or hgeie, hstatus.VGEIN): MEIP,
    // SEIP, hgeip, SGEIP and VSEIP follow.
    void imsic_changed();
    // vstopi and whether its interrupt is hvictl's.
    VsTop vs_top() const;

    // An instruction wrote an f register or fflags: mstatus.FS (and
    // vsstatus.FS while V=1) become Dirty.
    void mark_fs_dirty() {
        csr.mstatus |= mstatus::FS;
        if (virt) csr.vsstatus |= mstatus::FS;
        update_fp_fast();
    }
    // Whether the hot loop may run F/D instructions on the host: FS Dirty
    // (so nothing needs updating), D present, frm = RNE.
    void update_fp_fast() {
        fp_fast_ = (csr.misa & (1u << 3)) && (csr.mstatus & mstatus::FS) == mstatus::FS &&
                   (!virt || (csr.vsstatus & mstatus::FS) == mstatus::FS) && csr.frm == 0;
    }

    // ---- address translation
    // The walker's inputs for an access of `va` at effective privilege `p`
    // (U or S) with V = `v`: which atp (satp, or vsatp over hgatp), SUM and
    // MXR of which status register. The one place they are chosen.
    WalkRequest walk_request(uint64_t va, Access acc, Priv p, bool v) const;
    // For debuggers: the walk of `va` from the current mode (as S-mode
    // through satp when the hart is in M-mode), recorded, without side effects.
    WalkResult debug_walk(uint64_t va, Access acc, WalkRecord* rec);
    // For debuggers: any request, with no A/D updates, reading memory directly.
    WalkResult debug_walk(WalkRequest rq, WalkRecord* rec);
    // Memory as the hart's data accesses see it (physical in M-mode, else
    // through debug_walk), for debuggers. Writes reach RAM only (never a
    // device) and ignore page permissions, as a debugger's must.
    bool debug_read_virt(uint64_t va, void* buf, size_t len);
    bool debug_write_virt(uint64_t va, const void* buf, size_t len);

    // The commit log (emu/commit_log.hpp): while a tracer is attached the
    // hart runs one instruction at a time, loads and stores take the slow
    // path, and the tracer hears of every write; null detaches.
    void attach_commit_tracer(CommitTracer* t);

    // Debugger watchpoints (Machine::add_watchpoint) armed: every load and
    // store takes the slow path, where the machine checks them.
    void set_watching(bool on);

    // The TLB's filled entries as they stand, decoded, for viewers.
    std::vector<TlbView> tlb_entries() const;

    // Snapshots (hart_state.cpp): the architectural state, the counters,
    // and the caches the cycle model depends on (the TLB's entries, the
    // current fetch page), so a restored hart goes on cycle for cycle as the
    // saved one did. restore() checks what it reads before it assigns
    // (dev::StateError).
    void save(dev::StateOut& out) const;
    void restore(dev::StateIn& in);
    // Every TLB write entry loses its host pointer, so the next store to each
    // page takes the slow path, where the bus notes the page dirty.
    void slow_all_stores();

    // Drops every TLB entry (PMP or context changes).
    void flush_tlb() { tlb_.flush_all(); fetch_page_va_ = 1; }
    // Drops fast store mappings of a physical page (it became code or watched).
    void drop_fast_stores(uint64_t page_pa);
    // A store through a host pointer outside the hot loop: keep decoded code coherent.
    void stored(uint64_t pa, unsigned size);
    // Fills a cache slot from a decoding: cycle cost, rd = x0 redirected,
    // the interpreter's handler. page_offset: where in its page the
    // instruction starts (the last one of a page ends a run of chained handlers).
    static void prepare(CachedInsn& c, isa::Decoded d, unsigned page_offset);
    // Exports the interpreter's handler addresses; run once before any fetch.
    void init_dispatch();

    // Raise an exception (synchronous trap) with the spec's trap values.
    void raise(uint64_t cause, uint64_t tval, uint64_t tval2 = 0, uint64_t tinst = 0, bool gva = false);

    Machine& machine() { return m_; }

private:
    CsrFile csr;  // written only by the CSR file's code in emu/: see csr_write
    template <bool kDebug> uint64_t exec_loop(uint64_t budget);
    bool take_interrupt();
    // force_vs: an interrupt vstopi names by hvictl (taken in VS with cause as the code).
    void trap_entry(uint64_t cause, bool interrupt, uint64_t tval, uint64_t tval2, uint64_t tinst, bool gva,
                    bool force_vs = false);
    void do_mret();
    void do_sret();
    void finish_xret(bool mret, Priv from, bool from_v, Priv to, bool to_v);
    void set_priv(Priv p, bool v);
    void context_changed();  // recompute TLB indexes and tags
    void update_timers();

    // memory
    template <typename T> bool load(uint64_t va, uint64_t& out);
    template <typename T> bool store(uint64_t va, uint64_t v);
    bool load_slow(uint64_t va, unsigned size, uint64_t& out, bool hlv = false, bool hlvx = false);
    bool store_slow(uint64_t va, unsigned size, uint64_t v, bool hsv = false);
    bool load_access(uint64_t va, unsigned size, uint64_t& out, bool hlv, bool hlvx);
    bool store_access(uint64_t va, unsigned size, uint64_t v, bool hsv);
    // Translate one access; on success pa (and host when host-backed), else raises.
    bool translate(uint64_t va, Access acc, unsigned size, uint64_t& pa, uint8_t*& host, bool virt_access,
                   Priv eff_priv, bool hlvx, bool fill_tlb, unsigned idx);
    const CachedInsn* fetch_slow();
    void refast(TlbEntry& te, Access acc);
    void set_fast(unsigned idx, Access acc, unsigned slot, const TlbEntry& te);
    bool amo_address(uint64_t va, unsigned size, uint64_t& pa, uint8_t*& host);

    bool exec_csr(const isa::Decoded& d);
    bool exec_system(const isa::Decoded& d);
    bool exec_amo(const isa::Decoded& d);
    bool exec_hlsv(const isa::Decoded& d);
    bool exec_fp(const isa::Decoded& d);  // F and D (emu/fpu.cpp)
    bool exec_other(const isa::Decoded& d);  // A, H loads/stores, F, D: out of the hot loop
    bool exec_cbo(const isa::Decoded& d);    // Zicbom, Zicboz (emu/cbo.cpp)
    void sfence(bool vs, uint64_t vaddr, bool all);
    void illegal(const isa::Decoded& d);
    void virtual_instruction(const isa::Decoded& d);
    // The CSR file's rules (csr_access.cpp): whether the current mode may
    // access `addr` (0, or the exception), and the CSR it reaches (V=1's aliases).
    uint64_t csr_access_fault(uint16_t addr, bool write);
    bool extension_has(uint16_t addr) const;
    uint16_t csr_target(uint16_t addr) const { return virt ? isa::vs_counterpart(addr) : addr; }
    uint64_t stateen_fault(uint16_t addr) const;
    uint64_t aia_stateen_fault(uint16_t addr) const;
    uint64_t aia_access_fault(uint16_t addr, bool write) const;
    uint64_t aia_stateen_bits() const;  // the stateen0 bits the AIA adds (CSRIND, AIA, IMSIC)
    bool aia_read(uint16_t addr, uint64_t& v);
    void aia_write(uint16_t addr, uint64_t v);
    bool vgein_valid() const;
    dev::ImsicFile* guest_file();  // the file hstatus.VGEIN selects, or null
    bool ireg_read(dev::ImsicFile* f, uint64_t sel, uint64_t& v) const;
    void ireg_write(dev::ImsicFile* f, uint64_t sel, uint64_t v);
    void claim_top(dev::ImsicFile* f);
    dev::Imsics* imsic_ = nullptr;
    unsigned geilen_ = 0;
    // ILLEGAL_INSTRUCTION or VIRTUAL_INSTRUCTION when mstatus.TVM or
    // hstatus.VTVM traps the current mode's satp/hgatp access or fence, else 0.
    uint64_t tvm_fault() const;
    // F and D usable: misa.F, and FS not Off in mstatus (and vsstatus while V=1).
    bool fp_enabled() const;
    bool csr_read_raw(uint16_t addr, uint64_t& v);
    void csr_write_raw(uint16_t addr, uint64_t v);
    // A write the commit log leaves out, as Spike does (riscv-isa-sim
    // csrs.cc: its unlogged_write fails): a locked PMP register, hgeie
    // without guest interrupt files (GEILEN = 0: read-only zero).
    bool write_ignored(uint16_t addr) const;
    uint64_t mcycle_value() const;
    uint64_t minstret_value() const;
    // Zihpm/Sscofpmf (emu/hpm.cpp).
    const uint64_t* hpm_source_of(uint64_t event) const;  // the raw count an event counts, or null
    bool hpm_counts(unsigned i) const;          // counter 3+i counts in the current mode
    uint64_t hpm_read(unsigned i) const;
    void hpm_write(unsigned i, uint64_t v);
    void hpm_event_write(unsigned i, uint64_t v);
    void hpm_refresh();  // after a change of mode or mcountinhibit
    void hpm_check();    // overflows since the last look: OF, LCOFIP; the next deadlines
    void hpm_walked(Access acc);  // a page-table walk: the TLB-miss events
    uint64_t scountovf() const;
    uint32_t hpm_armed_ = 0;                // counters whose event has a source
    uint64_t hpm_cycle_at_ = ~0ull;         // the cycle a cycle counter overflows at
    uint64_t hpm_insn_bound_ = ~0ull;       // no instruction counter overflows before this cycle
    uint64_t s_bits_ = irq::S_BITS;         // the S-level interrupts (with LCOFI under Sscofpmf)
    uint64_t seed_value() const;            // Zkr: what seed reads now
    void seed_advance();                    // ... and after a write (every access is one)
    uint64_t mtime() const;

    Machine& m_;
    Bus& bus_;
    Tlb tlb_;
    uint64_t tag_[IDX_COUNT] = {};
    unsigned fetch_idx_ = IDX_M, data_idx_ = IDX_M;
    Priv data_priv_ = Priv::M;
    bool data_virt_ = false;
    bool cmo_store_faults_ = false;  // cbo.clean/flush/inval: load faults are reported as store faults
    // Fast fetch: the decoded page of the current virtual code page.
    uint64_t fetch_page_va_ = 1;  // 1 = none (never page aligned)
    DecodedPage* fetch_page_ = nullptr;
    uint64_t fetch_page_pa_ = 0;  // the physical page fetch_page_ decodes
    // A 32-bit instruction crossing a page boundary, followed by empty slots
    // (so the instruction after it is fetched), and its encoding.
    CachedInsn straddle_[3]{};
    uint32_t straddle_raw_ = 0;
    // The page of the slot fetch_slow() last returned, when not fetch_page_.
    const DecodedPage* slow_page_ = nullptr;
    uint64_t slow_page_pa_ = 0;
    uint64_t deadline_ = 0;       // exec_loop runs while cycle < deadline_
    uint64_t next_timer_cycle_ = ~0ull;
    uint64_t hw_mip_ = 0;
    uint64_t stall_until_ = ~0ull;  // see stall_until()
    void resume() { wfi = false; stall_until_ = ~0ull; }
    bool suppress_instret_ = false;  // a CSR write to minstret this instruction
    const CachedInsn* cur_insn_ = nullptr;  // the instruction a slow path runs for (set on leaving the hot loop)
    // cur_insn_'s whole decoding, from the memory it was decoded from
    // (through a small cache of decodings by encoding).
    isa::Decoded insn();
    struct DecodeMemo {
        uint64_t key = ~0ull;  // the encoding, and misa.C in bit 32
        isa::Decoded d;
    };
    DecodeMemo decode_memo_[256];
    static void sink_rd(isa::Decoded& d);  // rd = x0 redirected to kZeroSink
    uint64_t explicit_tinst(uint64_t fault_va, Access acc);
    bool c_enabled_ = true;          // misa.C: compressed instructions legal
    bool fp_fast_ = false;           // see update_fp_fast()
    bool triggers_armed_ = false;    // any debug trigger armed: checking loop, slow loads/stores
    bool watching_ = false;          // debugger watchpoints set: slow loads/stores
    CommitTracer* commit_ = nullptr; // see attach_commit_tracer()
    isa::Decoded commit_insn_{};     // the instruction a logged step executed
    uint64_t step_logged();
    bool watch_stop();
    bool debug_data_pa(uint64_t va, uint64_t& pa);
    bool trigger_fires(Access kind, uint64_t addr);
    uint64_t cur_bits_ = 0;          // the executing instruction's transformed form (for tinst)
    // The last time read the hot loop saw (emu/spin.cpp).
    struct SpinMark {
        uint64_t pc = 1, instret = 0, cycle = 0, events = 0;
        Priv priv = Priv::M;
        bool virt = false;
    } spin_;
    // At a `csrr rd, time`, or (mmio) an `ld` of the CLINT's mtime (pc,
    // before it executes; the loop's deadline dl): skips the iterations of a
    // loop that only waits for time.
    void skip_time_spin(uint64_t dl, bool mmio = false);
    // A load at va reads mtime from the CLINT through a TLB entry already filled.
    bool mtime_load(uint64_t va) const;
    bool time_spin_unobserved() const;
    uint64_t time_at(uint64_t at_cycle) const;  // the time CSR's value at a cycle of this hart's
};

}  // namespace emu
