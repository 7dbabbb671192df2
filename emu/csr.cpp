// The CSR file's values: what each CSR reads (views such as sstatus, sie,
// hip computed from the fields behind them), its write mask and WARL rules,
// and the hart state a write changes with it (the translation context, the
// interrupt check, the FP fast path, the counters), one case per CSR. Who may
// access a CSR, and V=1's aliases, are in csr_access.cpp; the AIA's CSRs in
// aia_csr.cpp, the counters' in hpm.cpp.
#include "hart.hpp"
#include "commit_log.hpp"
#include "isa/csr.hpp"
#include "machine.hpp"

namespace emu {
using isa::Csr;

namespace {
// The writable ones of sstatus's fields (isa::mstatus::SSTATUS_VIEW): UBE, VS and XS are
// read-only zero here, UXL fixed, SD computed.
constexpr uint64_t kSstatusWritable = mstatus::SIE | mstatus::SPIE | mstatus::SPP | mstatus::FS | mstatus::SUM |
                                      mstatus::MXR;
constexpr uint64_t kMedelegMask = 0xb3ff;              // exceptions 0-9, 12, 13, 15 (11 never)
constexpr uint64_t kMedelegH = (1ull << 10) | (0xfull << 20);  // VS ecall, guest-page faults, virtual instruction
constexpr uint64_t kHedelegMask = 0xb1ff;              // 0-8, 12, 13, 15
constexpr uint64_t kEnvcfgSTCE = isa::envcfg::STCE;

uint64_t with_sd(uint64_t s) {
    bool dirty = ((s & mstatus::FS) == mstatus::FS) || ((s & mstatus::XS) == mstatus::XS) ||
                 ((s & mstatus::VS) == mstatus::VS);
    return dirty ? (s | mstatus::SD) : (s & ~mstatus::SD);
}
// envcfg writes: CBIE's reserved encoding 10 leaves the field as it was (WARL).
uint64_t envcfg_write(uint64_t old, uint64_t v, uint64_t mask) {
    namespace env = isa::envcfg;
    if (env::cbie(v) == 2) v = (v & ~env::CBIE) | (old & env::CBIE);
    return (old & ~mask) | (v & mask);
}
uint64_t legal_tvec(uint64_t v) { return (v & 3) >= 2 ? v & ~3ull : v; }
}  // namespace

uint64_t Hart::mcycle_value() const {
    return (csr.mcountinhibit & 1) ? csr.mcycle_frozen : cycle + csr.mcycle_delta;
}
uint64_t Hart::minstret_value() const {
    return (csr.mcountinhibit & 4) ? csr.minstret_frozen : instret + csr.minstret_delta;
}

bool Hart::csr_read_raw(uint16_t addr, uint64_t& v) {
    if (addr >= 0x30c && addr <= 0x30f) { v = csr.mstateen[addr - 0x30c]; return true; }
    if (addr >= 0x60c && addr <= 0x60f) { v = csr.hstateen[addr - 0x60c]; return true; }
    if (addr >= 0x10c && addr <= 0x10f) { v = 0; return true; }       // sstateen0..3: no state of theirs here
    if ((addr >= 0xc03 && addr <= 0xc1f) || (addr >= 0xb03 && addr <= 0xb1f)) {  // (m)hpmcounter3..31
        const unsigned i = (addr & 0x1f) - 3;
        v = i < kHpmCounters && ext.has(isa::Ext::Zihpm) ? hpm_read(i) : 0;
        return true;
    }
    if (addr >= 0x323 && addr <= 0x33f) {                             // mhpmevent3..31
        const unsigned i = addr - 0x323;
        v = i < kHpmCounters ? csr.hpm[i].event : 0;
        return true;
    }
    if (addr >= 0x3a0 && addr <= 0x3af) {                             // pmpcfg0..15
        if (addr & 1) return false;                                   // odd ones do not exist on RV64
        v = addr <= 0x3a2 ? pmp.read_cfg(addr - 0x3a0) : 0;
        return true;
    }
    if (addr >= 0x3b0 && addr <= 0x3ef) {                             // pmpaddr0..63
        v = unsigned(addr - 0x3b0) < Pmp::kEntries ? pmp.read_addr(addr - 0x3b0) : 0;
        return true;
    }
    const uint64_t hideleg = h_ext ? csr.hideleg : 0;
    switch (Csr(addr)) {
    case Csr::FFLAGS: v = csr.fflags; return true;
    case Csr::FRM: v = csr.frm; return true;
    case Csr::FCSR: v = (csr.frm << 5) | csr.fflags; return true;
    case Csr::CYCLE: v = mcycle_value(); return true;
    case Csr::TIME: v = mtime() + (virt ? csr.htimedelta : 0); return true;
    case Csr::INSTRET: v = minstret_value(); return true;
    case Csr::SSTATUS: v = with_sd(csr.mstatus) & mstatus::SSTATUS_VIEW; return true;
    case Csr::SIE: v = csr.mie & csr.mideleg & ~hideleg & s_bits_; return true;
    case Csr::STVEC: v = csr.stvec; return true;
    case Csr::SCOUNTEREN: v = csr.scounteren; return true;
    case Csr::SENVCFG: v = csr.senvcfg; return true;
    case Csr::SSCRATCH: v = csr.sscratch; return true;
    case Csr::SEPC: v = csr.sepc; return true;
    case Csr::SCAUSE: v = csr.scause; return true;
    case Csr::STVAL: v = csr.stval; return true;
    case Csr::SIP: v = mip_value() & csr.mideleg & ~hideleg & s_bits_; return true;
    case Csr::SCOUNTOVF: v = scountovf(); return true;
    case Csr::SEED: v = seed_value(); return true;
    case Csr::MSECCFG: v = csr.mseccfg; return true;
    case Csr::STIMECMP: v = csr.stimecmp; return true;
    case Csr::SATP: v = csr.satp; return true;
    case Csr::HSTATUS: v = csr.hstatus; return true;
    case Csr::HEDELEG: v = csr.hedeleg; return true;
    case Csr::HIDELEG: v = csr.hideleg; return true;
    case Csr::HIE: v = csr.mie & (irq::VS_BITS | irq::bit(irq::SGEI)); return true;
    case Csr::HTIMEDELTA: v = csr.htimedelta; return true;
    case Csr::HCOUNTEREN: v = csr.hcounteren; return true;
    case Csr::HGEIE: v = csr.hgeie; return true;
    case Csr::HENVCFG: v = csr.henvcfg; return true;
    case Csr::HTVAL: v = csr.htval; return true;
    case Csr::HIP: v = mip_value() & (irq::VS_BITS | irq::bit(irq::SGEI)); return true;
    case Csr::HVIP: v = csr.hvip; return true;
    case Csr::HTINST: v = csr.htinst; return true;
    case Csr::HGATP: v = csr.hgatp; return true;
    case Csr::HGEIP: v = csr.hgeip; return true;
    case Csr::VSSTATUS: v = with_sd(csr.vsstatus); return true;
    case Csr::VSIE: v = (csr.mie & hideleg & irq::VS_BITS) >> 1; return true;
    case Csr::VSTVEC: v = csr.vstvec; return true;
    case Csr::VSSCRATCH: v = csr.vsscratch; return true;
    case Csr::VSEPC: v = csr.vsepc; return true;
    case Csr::VSCAUSE: v = csr.vscause; return true;
    case Csr::VSTVAL: v = csr.vstval; return true;
    case Csr::VSIP: v = (mip_value() & hideleg & irq::VS_BITS) >> 1; return true;
    case Csr::VSTIMECMP: v = csr.vstimecmp; return true;
    case Csr::VSATP: v = csr.vsatp; return true;
    case Csr::MVENDORID: case Csr::MARCHID: case Csr::MIMPID: case Csr::MCONFIGPTR: v = 0; return true;
    case Csr::MHARTID: v = id; return true;
    case Csr::MSTATUS: v = with_sd(csr.mstatus); return true;
    case Csr::MISA: v = csr.misa; return true;
    case Csr::MEDELEG: v = csr.medeleg; return true;
    case Csr::MIDELEG: v = csr.mideleg; return true;
    case Csr::MIE: v = csr.mie; return true;
    case Csr::MTVEC: v = csr.mtvec; return true;
    case Csr::MCOUNTEREN: v = csr.mcounteren; return true;
    case Csr::MENVCFG: v = csr.menvcfg; return true;
    case Csr::MCOUNTINHIBIT: v = csr.mcountinhibit; return true;
    case Csr::MSCRATCH: v = csr.mscratch; return true;
    case Csr::MEPC: v = csr.mepc; return true;
    case Csr::MCAUSE: v = csr.mcause; return true;
    case Csr::MTVAL: v = csr.mtval; return true;
    case Csr::MIP: v = mip_value(); return true;
    case Csr::MTINST: v = csr.mtinst; return true;
    case Csr::MTVAL2: v = csr.mtval2; return true;
    case Csr::MCYCLE: v = mcycle_value(); return true;
    case Csr::MINSTRET: v = minstret_value(); return true;
    case Csr::TSELECT: v = triggers.select; return true;
    case Csr::TDATA1: v = triggers.tdata1[triggers.select]; return true;
    case Csr::TDATA2: v = triggers.tdata2[triggers.select]; return true;
    case Csr::TINFO: v = 1u << 2; return true;  // mcontrol only
    default: return aia_read(addr, v);
    }
}

void Hart::csr_write_raw(uint16_t addr, uint64_t v) {
    if ((addr >= 0x30c && addr <= 0x30f) || (addr >= 0x60c && addr <= 0x60f)) {
        // The bits with state behind them: SE, and ENVCFG in stateen0.
        namespace st = isa::stateen;
        const unsigned n = addr & 3;
        const uint64_t mask = n == 0 ? st::SE | st::ENVCFG | aia_stateen_bits() : st::SE;
        if (addr < 0x600) {
            csr.mstateen[n] = v & mask;
            csr.hstateen[n] &= csr.mstateen[n];  // read-only zero there while clear here
        } else {
            csr.hstateen[n] = v & mask & (ext.has(isa::Ext::Smstateen) ? csr.mstateen[n] : ~0ull);
        }
        return;
    }
    if (addr >= 0x10c && addr <= 0x10f) return;
    if (addr >= 0xb03 && addr <= 0xb1f) {
        if (unsigned i = addr - 0xb03; i < kHpmCounters && ext.has(isa::Ext::Zihpm)) hpm_write(i, v);
        return;
    }
    if (addr >= 0x323 && addr <= 0x33f) {
        if (unsigned i = addr - 0x323; i < kHpmCounters && ext.has(isa::Ext::Zihpm)) hpm_event_write(i, v);
        return;
    }
    if (addr >= 0x3a0 && addr <= 0x3af) {
        if (addr <= 0x3a2) pmp.write_cfg(addr - 0x3a0, v);
        flush_tlb();
        return;
    }
    if (addr >= 0x3b0 && addr <= 0x3ef) {
        if (unsigned(addr - 0x3b0) < Pmp::kEntries) pmp.write_addr(addr - 0x3b0, v);
        flush_tlb();
        return;
    }
    const uint64_t hideleg = h_ext ? csr.hideleg : 0;
    const bool has_f = csr.misa & (1u << 5);
    namespace env = isa::envcfg;
    // The envcfg fields of every level, then the ones menvcfg enables for henvcfg.
    const uint64_t envcfg_common = env::FIOM | (ext.has(isa::Ext::Zicbom) ? env::CBIE | env::CBCFE : 0) |
                                   (ext.has(isa::Ext::Zicboz) ? env::CBZE : 0);
    const uint64_t envcfg_m = (sstc ? env::STCE : 0) | (ext.has(isa::Ext::Svpbmt) ? env::PBMTE : 0) |
                              (ext.has(isa::Ext::Svadu) ? env::ADUE : 0);
    auto atp_event = [&](uint16_t which, uint64_t value) { m_.emit(*this, event::atp_write(which, value, pc, {priv, virt})); };
    switch (Csr(addr)) {
    case Csr::FFLAGS: csr.fflags = v & 0x1f; mark_fs_dirty(); break;
    case Csr::FRM: csr.frm = v & 7; mark_fs_dirty(); break;
    case Csr::FCSR: csr.fflags = v & 0x1f; csr.frm = (v >> 5) & 7; mark_fs_dirty(); break;
    case Csr::SSTATUS:
    case Csr::VSSTATUS: {  // sstatus is a view of mstatus; vsstatus has the same layout and mask
        uint64_t& s = Csr(addr) == Csr::SSTATUS ? csr.mstatus : csr.vsstatus;
        const uint64_t mask = kSstatusWritable & (has_f ? ~0ull : ~mstatus::FS);
        s = (s & ~mask) | (v & mask);
        context_changed();
        interrupt_state_changed();
        break;
    }
    case Csr::SIE: {
        uint64_t mask = csr.mideleg & ~hideleg & s_bits_;
        csr.mie = (csr.mie & ~mask) | (v & mask);
        interrupt_state_changed();
        break;
    }
    case Csr::STVEC: csr.stvec = legal_tvec(v); break;
    case Csr::SCOUNTEREN: csr.scounteren = v & 0xffffffff; break;
    case Csr::SENVCFG: csr.senvcfg = envcfg_write(csr.senvcfg, v, envcfg_common); break;
    case Csr::SSCRATCH: csr.sscratch = v; break;
    case Csr::SEPC: csr.sepc = v & ~1ull; break;
    case Csr::SCAUSE: csr.scause = v; break;
    case Csr::STVAL: csr.stval = v; break;
    case Csr::SIP: {
        uint64_t mask = csr.mideleg & ~hideleg & (irq::bit(irq::SSI) | (s_bits_ & irq::bit(irq::LCOFI)));
        csr.mip = (csr.mip & ~mask) | (v & mask);
        interrupt_state_changed();
        break;
    }
    case Csr::STIMECMP: csr.stimecmp = v; interrupt_state_changed(); break;
    case Csr::SATP:
    case Csr::VSATP: {  // vsatp has satp's layout
        if (!isa::atp::mode_supported(v)) break;  // an unsupported MODE: the whole write has no effect
        uint64_t& atp = Csr(addr) == Csr::SATP ? csr.satp : csr.vsatp;
        atp = v & isa::atp::SATP_MASK;
        context_changed();
        atp_event(addr, atp);
        break;
    }
    case Csr::HSTATUS: {
        uint64_t mask = hstatus::GVA | hstatus::SPV | hstatus::SPVP | hstatus::HU | hstatus::VTVM | hstatus::VTW |
                        hstatus::VTSR;
        // VGEIN (WLRL 0..GEILEN): a number of no guest file leaves it as it was.
        if (((v & hstatus::VGEIN) >> 12) <= geilen_) mask |= hstatus::VGEIN;
        csr.hstatus = (csr.hstatus & ~mask) | (v & mask);
        imsic_changed();
        break;
    }
    case Csr::HEDELEG: csr.hedeleg = v & kHedelegMask; break;
    case Csr::HIDELEG: csr.hideleg = v & irq::VS_BITS; interrupt_state_changed(); break;
    case Csr::HIE: {
        // SGEIE exists only with guest external interrupts (GEILEN > 0).
        const uint64_t mask = irq::VS_BITS | (geilen_ ? irq::bit(irq::SGEI) : 0);
        csr.mie = (csr.mie & ~mask) | (v & mask);
        interrupt_state_changed();
        break;
    }
    case Csr::HTIMEDELTA: csr.htimedelta = v; interrupt_state_changed(); break;
    case Csr::HCOUNTEREN: csr.hcounteren = v & 0xffffffff; break;
    case Csr::HGEIE:
        csr.hgeie = v & (((2ull << geilen_) - 1) & ~1ull);  // bits GEILEN:1
        imsic_changed();
        break;
    case Csr::HENVCFG: {
        const uint64_t old = csr.henvcfg;
        csr.henvcfg = envcfg_write(old, v, envcfg_common | (csr.menvcfg & envcfg_m));
        if ((old ^ csr.henvcfg) & (env::PBMTE | env::ADUE)) flush_tlb();
        interrupt_state_changed();
        break;
    }
    case Csr::HTVAL: csr.htval = v; break;
    case Csr::HIP:
        csr.hvip = (csr.hvip & ~irq::bit(irq::VSSI)) | (v & irq::bit(irq::VSSI));
        interrupt_state_changed();
        break;
    case Csr::HVIP: csr.hvip = v & irq::VS_BITS; interrupt_state_changed(); break;
    case Csr::HTINST: csr.htinst = v; break;
    case Csr::HGATP:
        if (!isa::atp::mode_supported(v)) break;
        csr.hgatp = v & isa::atp::HGATP_MASK;
        if (!isa::atp::bare(csr.hgatp)) csr.hgatp &= ~3ull;  // the x4 root is 16 KiB aligned: PPN[1:0] read as zero
        context_changed();
        atp_event(addr, csr.hgatp);
        break;
    case Csr::VSIE: {
        uint64_t mask = hideleg & irq::VS_BITS;
        csr.mie = (csr.mie & ~mask) | ((v << 1) & mask);
        interrupt_state_changed();
        break;
    }
    case Csr::VSTVEC: csr.vstvec = legal_tvec(v); break;
    case Csr::VSSCRATCH: csr.vsscratch = v; break;
    case Csr::VSEPC: csr.vsepc = v & ~1ull; break;
    case Csr::VSCAUSE: csr.vscause = v; break;
    case Csr::VSTVAL: csr.vstval = v; break;
    case Csr::VSIP: {
        uint64_t mask = hideleg & irq::bit(irq::VSSI);
        csr.hvip = (csr.hvip & ~mask) | ((v << 1) & mask);
        interrupt_state_changed();
        break;
    }
    case Csr::VSTIMECMP: csr.vstimecmp = v; interrupt_state_changed(); break;
    case Csr::MSTATUS: {
        uint64_t mask = mstatus::SIE | mstatus::MIE | mstatus::SPIE | mstatus::MPIE | mstatus::SPP | mstatus::MPP |
                        mstatus::MPRV | mstatus::SUM | mstatus::MXR | mstatus::TVM | mstatus::TW | mstatus::TSR;
        if (has_f) mask |= mstatus::FS;
        if (h_ext) mask |= mstatus::MPV | mstatus::GVA;
        uint64_t nv = (csr.mstatus & ~mask) | (v & mask);
        if (((nv & mstatus::MPP) >> mstatus::MPP_SHIFT) == 2) nv &= ~mstatus::MPP;  // reserved: becomes U
        csr.mstatus = nv;
        context_changed();
        interrupt_state_changed();
        break;
    }
    case Csr::MISA: break;  // read-only: the extensions are fixed at start-up
    case Csr::MEDELEG: csr.medeleg = v & (kMedelegMask | (h_ext ? kMedelegH : 0)); break;
    case Csr::MIDELEG:
        csr.mideleg = (v & s_bits_) | (h_ext ? irq::MIDELEG_H : 0);
        interrupt_state_changed();
        break;
    case Csr::MIE: {
        uint64_t mask = irq::M_BITS | s_bits_ | (h_ext ? irq::VS_BITS : 0) | (geilen_ ? irq::bit(irq::SGEI) : 0);
        csr.mie = v & mask;
        interrupt_state_changed();
        break;
    }
    case Csr::MTVEC: csr.mtvec = legal_tvec(v); break;
    case Csr::MCOUNTEREN: csr.mcounteren = v & 0xffffffff; break;
    case Csr::MENVCFG: {
        const uint64_t old = csr.menvcfg;
        csr.menvcfg = envcfg_write(old, v, envcfg_common | envcfg_m);
        csr.henvcfg &= ~(envcfg_m & ~csr.menvcfg);  // read-only zero in henvcfg while clear here
        if ((old ^ csr.menvcfg) & (env::PBMTE | env::ADUE)) flush_tlb();
        interrupt_state_changed();
        break;
    }
    case Csr::MCOUNTINHIBIT: {
        // CY, IR and the counters that exist.
        uint64_t nv = v & (5 | (ext.has(isa::Ext::Zihpm) ? ((1ull << kHpmCounters) - 1) << 3 : 0));
        if ((nv & 1) && !(csr.mcountinhibit & 1)) csr.mcycle_frozen = mcycle_value();
        if (!(nv & 1) && (csr.mcountinhibit & 1)) csr.mcycle_delta = csr.mcycle_frozen - cycle;
        if ((nv & 4) && !(csr.mcountinhibit & 4)) csr.minstret_frozen = minstret_value();
        if (!(nv & 4) && (csr.mcountinhibit & 4)) csr.minstret_delta = csr.minstret_frozen - instret;
        csr.mcountinhibit = nv;
        hpm_refresh();
        break;
    }
    case Csr::MSCRATCH: csr.mscratch = v; break;
    case Csr::MEPC: csr.mepc = v & ~1ull; break;
    case Csr::MCAUSE: csr.mcause = v; break;
    case Csr::MTVAL: csr.mtval = v; break;
    case Csr::MIP: {
        uint64_t mask = irq::bit(irq::SSI) | irq::bit(irq::SEI) | (s_bits_ & irq::bit(irq::LCOFI));
        if (!(csr.menvcfg & kEnvcfgSTCE)) mask |= irq::bit(irq::STI);
        csr.mip = (csr.mip & ~mask) | (v & mask);
        if (h_ext) csr.hvip = (csr.hvip & ~irq::bit(irq::VSSI)) | (v & irq::bit(irq::VSSI));
        interrupt_state_changed();
        break;
    }
    case Csr::MTINST: csr.mtinst = v; break;
    case Csr::MTVAL2: csr.mtval2 = v; break;
    case Csr::MCYCLE:
        if (csr.mcountinhibit & 1) csr.mcycle_frozen = v;
        else csr.mcycle_delta = v - cycle;
        break;
    case Csr::MINSTRET:
        if (csr.mcountinhibit & 4) csr.minstret_frozen = v;
        else csr.minstret_delta = v - instret;
        suppress_instret_ = true;
        break;
    case Csr::SEED: seed_advance(); break;  // the value written is ignored
    case Csr::MSECCFG: csr.mseccfg = v & (isa::mseccfg::USEED | isa::mseccfg::SSEED); break;
    case Csr::TSELECT: triggers.write_select(v); break;
    case Csr::TDATA1:
    case Csr::TDATA2:
        if (Csr(addr) == Csr::TDATA1) triggers.write_tdata1(v); else triggers.write_tdata2(v);
        triggers_armed_ = triggers.armed();
        flush_tlb();  // armed: loads and stores must reach the slow path
        interrupt_state_changed();  // re-enter the run loop to pick the checking loop
        break;
    default: aia_write(addr, v); break;
    }
}

bool Hart::csr_read(uint16_t addr, uint64_t& value, bool for_write) {
    if (uint64_t f = csr_access_fault(addr, for_write)) {
        raise(f, cur_bits_);
        return false;
    }
    if (!csr_read_raw(csr_target(addr), value)) {
        raise(ILLEGAL_INSTRUCTION, cur_bits_);
        return false;
    }
    return true;
}

// mip: a read returns SEIP as the OR of the software-writable bit and the
// external interrupt controller's line, but only the software-writable bit
// takes part in a CSRRS/CSRRC (privileged spec, mip). Otherwise a csrs on mip
// (OpenSBI setting STIP without Sstc) would latch the PLIC's line for good.
uint64_t Hart::csr_rmw_operand(uint16_t addr, uint64_t read) const {
    if (Csr(addr) != Csr::MIP) return read;
    const uint64_t seip = irq::bit(irq::SEI);
    return (read & ~seip) | (csr.mip & seip);
}

bool Hart::write_ignored(uint16_t addr) const {
    if (addr >= 0x3b0 && addr < 0x3b0 + Pmp::kEntries) return pmp.addr_locked(addr - 0x3b0);
    if (addr == 0x3a0 || addr == 0x3a2) return pmp.cfg_locked(addr - 0x3a0);
    return addr == uint16_t(Csr::HGEIE) && geilen_ == 0;
}

bool Hart::csr_write(uint16_t addr, uint64_t value) {
    addr = csr_target(addr);
    const bool logged = commit_ && !write_ignored(addr);
    csr_write_raw(addr, value);
    // An instruction counter written by an instruction reads the written
    // value after it, as minstret does.
    if (addr >= 0xb03 && addr < 0xb03 + kHpmCounters && csr.hpm[addr - 0xb03].counting &&
        (csr.hpm[addr - 0xb03].event & isa::hpmevent::EVENT) == isa::hpmevent::INSTRUCTIONS) {
        csr.hpm[addr - 0xb03].base -= 1;
    }
    if (logged) commit_->csr_written(addr);
    return true;
}

std::optional<uint64_t> Hart::csr_peek(uint16_t addr) {
    uint64_t v;
    if (!isa::csr_exists(addr)) return std::nullopt;
    if (!csr_read_raw(addr, v)) return std::nullopt;
    return v;
}

bool Hart::csr_poke(uint16_t addr, uint64_t value) {
    if (!csr_peek(addr)) return false;
    csr_write_raw(addr, value);
    // A debugger may have changed page tables too (debug_write_virt), which
    // no fence of the guest's covers.
    flush_tlb();
    return true;
}

}  // namespace emu
