// Hart life cycle: reset, the run loop around the interpreter, timers,
// interrupts, trap entry and trap return.
#include "hart.hpp"

#include <bit>

#include "commit_log.hpp"
#include "machine.hpp"
#include "timer_deadline.hpp"

namespace emu {

namespace {

// The interrupt-enable stack of a privilege level in mstatus (sstatus and
// vsstatus have S's): xIE, xPIE and xPP.
struct StatusStack {
    uint64_t ie, pie, pp;
};
constexpr StatusStack kMStack{mstatus::MIE, mstatus::MPIE, mstatus::MPP};
constexpr StatusStack kSStack{mstatus::SIE, mstatus::SPIE, mstatus::SPP};

// A trap into the level: xPIE = xIE, xIE = 0, xPP = the mode trapped from.
uint64_t trap_stack(uint64_t s, StatusStack k, Priv from) {
    const uint64_t pp = (uint64_t(from) << std::countr_zero(k.pp)) & k.pp;
    return (s & ~(k.ie | k.pie | k.pp)) | ((s & k.ie) ? k.pie : 0) | pp;
}
// xRET from the level: xIE = xPIE, xPIE = 1, xPP = U (the least-privileged mode).
uint64_t xret_unstack(uint64_t s, StatusStack k) {
    return (s & ~(k.ie | k.pp)) | ((s & k.pie) ? k.ie : 0) | k.pie;
}

}  // namespace

Hart::Hart(Machine& m, unsigned hart_id, bool h, bool has_sstc)
    : id(hart_id), h_ext(h), sstc(has_sstc), ext(m.config().isa.ext), m_(m), bus_(m.bus()) {
    if (ext.has(isa::Ext::Sscofpmf)) s_bits_ |= irq::bit(irq::LCOFI);
    init_dispatch();
}

void Hart::reset(uint64_t start_pc) {
    for (auto& r : x) r = 0;
    for (auto& r : f) r = 0;
    pc = start_pc;
    priv = Priv::M;
    virt = false;
    csr = CsrFile{};
    aia = AiaCsrFile{};
    csr.misa = m_.config().misa();
    // UXL = SXL = 64 bits; VSXL likewise.
    csr.mstatus = (2ull << 32) | (2ull << 34);
    csr.hstatus = h_ext ? (2ull << 32) : 0;
    csr.vsstatus = 2ull << 32;
    csr.mideleg = h_ext ? irq::MIDELEG_H : 0;
    csr.entropy = id;  // seed's generator (hpm.cpp): the same values on every run
    // As QEMU resets them: page-based memory types and hardware A/D updates
    // on for software that predates the enables (henvcfg stays zero).
    csr.menvcfg = (ext.has(isa::Ext::Svpbmt) ? isa::envcfg::PBMTE : 0) |
                  (ext.has(isa::Ext::Svadu) ? isa::envcfg::ADUE : 0);
    pmp = Pmp{};
    triggers = Triggers{};
    triggers_armed_ = false;
    c_enabled_ = csr.misa & (1u << 2);
    cycle = instret = 0;
    resume();
    lr_valid = false;
    hw_mip_ = 0;
    hpm_refresh();
    flush_tlb();
    context_changed();
}

bool Hart::trigger_fires(Access kind, uint64_t addr) {
    if (!triggers.hit(kind, addr, priv, csr.mstatus & mstatus::MIE)) return false;
    raise(BREAKPOINT, addr, 0, 0, virt);
    return true;
}

uint64_t Hart::mtime() const { return m_.mtime(); }

void Hart::set_hw_irq(unsigned bit, bool level) {
    uint64_t b = 1ull << bit;
    uint64_t old = hw_mip_;
    hw_mip_ = level ? (hw_mip_ | b) : (hw_mip_ & ~b);
    if (old != hw_mip_) interrupt_state_changed();
}

// Timer lines: MTIP from the CLINT, STIP from stimecmp (Sstc), VSTIP from
// vstimecmp (with htimedelta). Also keeps the cycle at which the next
// comparison will become true, so the loop can stop exactly there.
void Hart::update_timers() {
    const uint64_t now = mtime();
    next_timer_cycle_ = ~0ull;
    auto line = [&](unsigned bit, bool enabled, uint64_t cmp, uint64_t delta) {
        const TimerDeadline d = timer_deadline(cycle, now, delta, cmp, CycleModel::kCyclesPerTick);
        set_hw_irq(bit, enabled && d.kind == TimerDeadline::Now);
        if (enabled && d.kind == TimerDeadline::At) next_timer_cycle_ = std::min(next_timer_cycle_, d.cycle);
    };
    line(irq::MTI, true, m_.mtimecmp(id), 0);
    const bool stce = csr.menvcfg >> 63;
    line(irq::STI, stce, csr.stimecmp, 0);
    if (h_ext) line(irq::VSTI, stce && (csr.henvcfg >> 63), csr.vstimecmp, csr.htimedelta);
    set_hw_irq(irq::MSI, m_.msip(id));
    if (hpm_armed_) {
        hpm_check();
        // A cycle counter's overflow wakes a sleeping hart only when LCOFIE lets it.
        if (csr.mie & irq::bit(irq::LCOFI)) next_timer_cycle_ = std::min(next_timer_cycle_, hpm_cycle_at_);
    } else {
        hpm_cycle_at_ = hpm_insn_bound_ = ~0ull;
    }
}

uint64_t Hart::sleeps_until() {
    if (!wfi) return cycle;
    update_timers();
    if (interrupt_waiting() || (stall_until_ != ~0ull && !lr_valid)) return cycle;
    return std::min(next_timer_cycle_, stall_until_);
}

// Every pass of the loop executes an instruction or moves cycle forward (a
// sleep, an interrupt's entry), or follows one that did, so the loop ends by
// its limits whatever the guest does: update_timers() leaves no deadline at
// or before the current cycle.
uint64_t Hart::run(uint64_t cycle_limit, uint64_t max_insns) {
    uint64_t executed = 0;
    while (executed < max_insns && cycle < cycle_limit && !m_.stop_requested()) {
        update_timers();
        if (take_interrupt()) {
            if (m_.stop_requested()) break;
        }
        if (wfi) {
            // An enabled-in-mie interrupt is pending, or a WRS's reservation
            // is gone or its bound reached: resume.
            if (interrupt_waiting() || (stall_until_ != ~0ull && (!lr_valid || cycle >= stall_until_))) {
                resume();
                continue;
            }
            // Sleep until the next timer comparison, a WRS's bound or the end of the slice.
            const uint64_t wake = std::min({cycle_limit, next_timer_cycle_, stall_until_});
            if (wake <= cycle) break;
            cycle = wake;
            if (wake == cycle_limit) break;
            continue;
        }
        // A timer may have come due during an interrupt's entry: look again
        // before the handler's first instruction.
        deadline_ = std::min({cycle_limit, next_timer_cycle_, hpm_cycle_at_, hpm_insn_bound_});
        if (deadline_ <= cycle) continue;
        uint64_t budget = max_insns - executed;
        if (__builtin_expect(commit_ != nullptr, 0)) executed += step_logged();
        else executed += (has_breakpoints || triggers_armed_) ? exec_loop<true>(budget) : exec_loop<false>(budget);
        if (has_breakpoints && m_.at_breakpoint(pc)) break;
    }
    return executed;
}

// One instruction between the tracer's begin and end (the checking loop
// with a budget of one records what it decoded).
uint64_t Hart::step_logged() {
    commit_->begin(*this);
    const uint64_t n = exec_loop<true>(1);
    commit_->end(*this, commit_insn_, n);
    return n;
}

void Hart::attach_commit_tracer(CommitTracer* t) {
    commit_ = t;
    flush_tlb();  // no host pointers in the TLB: every load and store reaches the slow path
    interrupt_state_changed();
}

// The priority order within a level is the privileged spec's, which the AIA
// keeps as its default order (default_highest, emu/aia_csr.cpp).
bool Hart::take_interrupt() {
    const uint64_t pending = mip_value() & csr.mie;
    if (!pending && !interrupt_waiting()) return false;
    const uint64_t hideleg = h_ext ? csr.hideleg : 0;
    // To M: not delegated; enabled below M, or in M with MIE.
    uint64_t to_m = pending & ~csr.mideleg;
    bool m_on = priv != Priv::M || (csr.mstatus & mstatus::MIE);
    uint64_t take = 0;
    if (to_m && m_on) take = to_m;
    if (!take) {
        // To HS: delegated by mideleg, not by hideleg; enabled in V=1, below S, or in HS with SIE.
        uint64_t to_hs = pending & csr.mideleg & ~hideleg;
        bool hs_on = priv != Priv::M && (virt || priv == Priv::U || (csr.mstatus & mstatus::SIE));
        if (to_hs && hs_on) take = to_hs;
    }
    if (!take && virt) {
        // To VS: delegated by both; enabled in VU, or in VS with vsstatus.SIE.
        const bool vs_on = priv == Priv::U || (csr.vsstatus & mstatus::SIE);
        if (ext.has(isa::Ext::Ssaia)) {
            // With the AIA, a VS-level interrupt is pending exactly when vstopi
            // is not zero, and vstopi's IID is the one taken (src/VSLevel.adoc).
            const VsTop top = vs_top();
            if (!top.value || !vs_on) return false;
            resume();
            const unsigned iid = unsigned(top.value >> 16);
            if (top.from_hvictl) trap_entry(iid, true, 0, 0, 0, false, true);
            else trap_entry(iid + 1, true, 0, 0, 0, false);  // vsip's 1, 5, 9 are hip's VSSI, VSTI, VSEI
            return true;
        }
        uint64_t to_vs = pending & csr.mideleg & hideleg;
        if (to_vs && vs_on) take = to_vs;
    }
    if (!take) return false;
    resume();
    trap_entry(default_highest(take), true, 0, 0, 0, false);
    return true;
}

void Hart::raise(uint64_t cause, uint64_t tval, uint64_t tval2, uint64_t tinst, bool gva) {
    if (cmo_store_faults_) {
        cause = cause == LOAD_PAGE_FAULT         ? STORE_PAGE_FAULT
              : cause == LOAD_ACCESS             ? STORE_ACCESS
              : cause == LOAD_GUEST_PAGE_FAULT   ? STORE_GUEST_PAGE_FAULT
                                                 : cause;
        tinst = 0;
    }
    trap_entry(cause, false, tval, tval2, tinst, gva);
}

void Hart::trap_entry(uint64_t cause, bool interrupt, uint64_t tval, uint64_t tval2, uint64_t tinst, bool gva,
                      bool force_vs) {
    if (__builtin_expect(commit_ != nullptr, 0)) commit_->trapped();
    const Priv from = priv;
    const bool from_v = virt;
    const uint64_t bit = cause < 64 ? 1ull << cause : 0;  // hvictl.IID may name any of 4096
    const bool to_s = force_vs || (priv != Priv::M && ((interrupt ? csr.mideleg : csr.medeleg) & bit));
    const bool to_vs = force_vs || (h_ext && to_s && virt && ((interrupt ? csr.hideleg : csr.hedeleg) & bit));
    auto vector = [&](uint64_t tvec, uint64_t code) {
        uint64_t base = tvec & ~3ull;
        return (interrupt && (tvec & 3) == 1) ? base + 4 * code : base;
    };
    cycle += CycleModel::kTrapEntry;
    uint64_t target;
    if (to_vs) {
        // VS-level interrupts are presented to the guest as its S-level ones.
        uint64_t code = !force_vs && interrupt && (cause == irq::VSSI || cause == irq::VSTI || cause == irq::VSEI)
                            ? cause - 1 : cause;
        csr.vscause = (interrupt ? INTERRUPT_BIT : 0) | code;
        csr.vsepc = pc;
        csr.vstval = tval;
        csr.vsstatus = trap_stack(csr.vsstatus, kSStack, priv);
        target = vector(csr.vstvec, code);
        set_priv(Priv::S, true);
    } else if (to_s) {
        csr.scause = (interrupt ? INTERRUPT_BIT : 0) | cause;
        csr.sepc = pc;
        csr.stval = tval;
        if (h_ext) {
            csr.htval = tval2 >> 2;
            csr.htinst = tinst;
            uint64_t h = csr.hstatus & ~(hstatus::SPV | hstatus::GVA);
            if (virt) {
                h |= hstatus::SPV;
                h = (h & ~hstatus::SPVP) | (priv == Priv::S ? hstatus::SPVP : 0);
            }
            if (gva) h |= hstatus::GVA;
            csr.hstatus = h;
        }
        csr.mstatus = trap_stack(csr.mstatus, kSStack, priv);
        target = vector(csr.stvec, cause);
        set_priv(Priv::S, false);
    } else {
        csr.mcause = (interrupt ? INTERRUPT_BIT : 0) | cause;
        csr.mepc = pc;
        csr.mtval = tval;
        uint64_t s = csr.mstatus;
        if (h_ext) {
            csr.mtval2 = tval2 >> 2;
            csr.mtinst = tinst;
            s &= ~(mstatus::MPV | mstatus::GVA);
            if (virt) s |= mstatus::MPV;
            if (gva) s |= mstatus::GVA;
        }
        csr.mstatus = trap_stack(s, kMStack, priv);
        target = vector(csr.mtvec, cause);
        set_priv(Priv::M, false);
    }
    const Event e = event::trap(pc, cause, interrupt, tval, tval2, tinst, {from, from_v}, {priv, virt});
    m_.emit(*this, e);
    if (from_v && !virt) m_.emit(*this, event::vm_exit(e, csr.sscratch));
    if (from != priv || from_v != virt) m_.emit(*this, event::priv_change(e));
    pc = target;
    lr_valid = false;
}

// The common end of MRET and SRET: cost, the new mode, and the events (the
// xRET itself, a VM entry when V becomes 1, a privilege change).
void Hart::finish_xret(bool mret, Priv from, bool from_v, Priv to, bool to_v) {
    cycle += CycleModel::kXret;
    // The xRET retires in the mode it leaves: counters filtered by mode count it there.
    ++instret;
    set_priv(to, to_v);
    --instret;
    const Event e = event::xret(mret, pc, {from, from_v}, {priv, virt});
    m_.emit(*this, e);
    if (!from_v && virt) m_.emit(*this, event::vm_entry(e, csr.sscratch));
    if (from != priv || from_v != virt) m_.emit(*this, event::priv_change(e));
    lr_valid = false;
}

void Hart::do_mret() {
    const Priv from = priv;
    const bool from_v = virt;
    uint64_t s = csr.mstatus;
    Priv to = Priv((s & mstatus::MPP) >> mstatus::MPP_SHIFT);
    bool to_v = h_ext && to != Priv::M && (s & mstatus::MPV);
    s = xret_unstack(s, kMStack);
    if (to != Priv::M) s &= ~mstatus::MPRV;
    s &= ~mstatus::MPV;
    csr.mstatus = s;
    pc = csr.mepc & ~1ull;
    finish_xret(true, from, from_v, to, to_v);
}

void Hart::do_sret() {
    const Priv from = priv;
    const bool from_v = virt;
    // With V=1, SRET is the guest's: vsstatus and vsepc, and it stays in V=1.
    uint64_t& status = virt ? csr.vsstatus : csr.mstatus;
    uint64_t s = status;
    const Priv to = (s & mstatus::SPP) ? Priv::S : Priv::U;
    const bool to_v = virt || (h_ext && (csr.hstatus & hstatus::SPV));
    s = xret_unstack(s, kSStack);
    if (!virt) {
        s &= ~mstatus::MPRV;  // returning below M
        if (h_ext) csr.hstatus &= ~hstatus::SPV;
    }
    status = s;
    pc = (virt ? csr.vsepc : csr.sepc) & ~1ull;
    finish_xret(false, from, from_v, to, to_v);
}

void Hart::set_priv(Priv p, bool v) {
    priv = p;
    virt = v;
    if (hpm_armed_) hpm_refresh();
    context_changed();
    interrupt_state_changed();  // which interrupts are enabled depends on the mode and xIE
}

// Recomputes which TLB index serves fetches and data accesses, and the
// address-space tags, after any change of privilege, V, MPRV/MPP/MPV, SUM,
// MXR, satp, vsatp or hgatp.
void Hart::context_changed() {
    auto idx_for = [&](Priv p, bool v, bool sum) -> unsigned {
        if (p == Priv::M) return IDX_M;
        if (!v) return p == Priv::U ? IDX_U : (sum ? IDX_S_SUM : IDX_S);
        return p == Priv::U ? IDX_VU : (sum ? IDX_VS_SUM : IDX_VS);
    };
    const uint64_t ms = csr.mstatus;
    fetch_idx_ = idx_for(priv, virt, false);
    data_priv_ = priv;
    data_virt_ = virt;
    if (priv == Priv::M && (ms & mstatus::MPRV)) {
        data_priv_ = Priv((ms & mstatus::MPP) >> mstatus::MPP_SHIFT);
        data_virt_ = h_ext && data_priv_ != Priv::M && (ms & mstatus::MPV);
    }
    bool sum = data_virt_ ? (csr.vsstatus & mstatus::SUM) : (ms & mstatus::SUM);
    data_idx_ = idx_for(data_priv_, data_virt_, sum);
    const bool mxr = ms & mstatus::MXR;
    const uint64_t s_tag = TlbTag::of_satp(csr.satp, mxr).packed();
    const uint64_t vs_tag = TlbTag::of_vsatp(csr.vsatp, csr.hgatp, mxr, csr.vsstatus & mstatus::MXR).packed();
    for (unsigned i = 0; i < IDX_COUNT; ++i) {
        const uint64_t t = i == IDX_M ? 0 : i < IDX_VS ? s_tag : vs_tag;
        if (t != tag_[i]) tlb_.new_gen(i);  // fast keys hold no tag
        tag_[i] = t;
    }
    fetch_page_va_ = 1;
    update_fp_fast();
}

}  // namespace emu
