// Smaia/Ssaia: the indirect register windows (*iselect/*ireg), the IMSIC's
// *topei, the top-interrupt CSRs, mvien/mvip, the hypervisor's hvien, hvictl
// and hviprio*, and the access rules of each (src/CSRs.adoc, src/IMSIC.adoc,
// src/VSLevel.adoc). The choices this hart makes where the spec leaves them
// open are listed in aia_csr.hpp.
#include "aia_csr.hpp"

#include "devices/imsic.hpp"
#include "hart.hpp"
#include "isa/csr.hpp"

namespace emu {
using isa::Csr;

namespace {
constexpr unsigned kDefaultOrder[] = {irq::MEI, irq::MSI, irq::MTI, irq::SEI, irq::SSI,
                                      irq::STI, irq::SGEI, irq::VSEI, irq::VSSI, irq::VSTI, irq::LCOFI};
bool in_iprio(uint64_t sel) { return sel >= 0x30 && sel <= 0x3f; }
bool in_imsic(uint64_t sel) { return sel >= 0x70 && sel <= 0xff; }
}  // namespace

unsigned default_highest(uint64_t bits) {
    for (unsigned b : kDefaultOrder)
        if (bits & irq::bit(b)) return b;
    return 64;
}

uint64_t topi_default(uint64_t pending_enabled) {
    const unsigned iid = default_highest(pending_enabled);
    return iid == 64 ? 0 : (uint64_t(iid) << 16) | 1;
}

// The candidates of src/VSLevel.adoc's list, ranked as TableintrPrios-S ranks
// supervisor-level interrupts: a priority number p in 1..255 (256 for an
// external interrupt with no number of its own) ranks as p; priority 0 ranks
// above everything for an interrupt whose default priority is above SEI's and
// below everything otherwise; equal ranks go by the default order, for
// hvictl's candidate by DPR alone.
VsTop vstopi(uint64_t vs, uint32_t vstopei, bool vgein_zero, uint64_t hv, uint64_t hviprio1) {
    struct Cand {
        unsigned iid;
        uint32_t prio;
        bool above_sei;  // default priority above a supervisor external interrupt
        unsigned tie;    // position in the default order among equal ranks
        bool from_hvictl;
    };
    constexpr uint32_t kLowest = 1u << 20;
    Cand best{};
    bool have = false;
    auto rank = [&](const Cand& c) { return c.prio ? c.prio : (c.above_sei ? 0 : kLowest); };
    auto offer = [&](Cand c) {
        if (!have || rank(c) < rank(best) || (rank(c) == rank(best) && c.tie < best.tie)) best = c, have = true;
    };
    const bool vti = hv & hvictl::VTI;
    const unsigned iid = hvictl::iid(hv);
    const uint32_t hprio = uint32_t(hv & hvictl::IPRIO);
    if (vs & irq::bit(9)) {
        uint32_t p = 256;
        if (vstopei) p = vstopei;
        else if (vgein_zero && iid == 9 && hprio) p = hprio;
        offer({9, p, false, 2, false});
    }
    if (!vti) {
        if (vs & irq::bit(1)) offer({1, uint32_t(hviprio1 >> 8) & 0xff, false, 3, false});
        if (vs & irq::bit(5)) offer({5, uint32_t(hviprio1 >> 24) & 0xff, false, 4, false});
    } else if (iid != 9) {
        const bool above = !(hv & hvictl::DPR);
        offer({iid, hprio, above, above ? 1u : 5u, true});
    }
    if (!have) return {};
    uint64_t iprio = 1;
    if (hv & hvictl::IPRIOM) {
        iprio = best.prio == 0 ? (best.above_sei ? 0 : 255) : best.prio > 255 ? 255 : best.prio;
    }
    return {(uint64_t(best.iid) << 16) | iprio, best.from_hvictl};
}

// ---------------------------------------------------------------- the hart

void Hart::attach_imsic(dev::Imsics* imsics) {
    imsic_ = imsics;
    geilen_ = imsics ? imsics->geilen() : 0;
    imsic_changed();
}

bool Hart::vgein_valid() const {
    const uint64_t g = (csr.hstatus & hstatus::VGEIN) >> 12;
    return imsic_ && g >= 1 && g <= geilen_;
}

dev::ImsicFile* Hart::guest_file() {
    return vgein_valid() ? &imsic_->file(id, 1 + unsigned((csr.hstatus & hstatus::VGEIN) >> 12)) : nullptr;
}

// The IMSIC's signals: MEIP and SEIP from the M- and S-level files, hgeip from
// the guest files; then SGEIP (hgeip & hgeie) and the VGEIN-selected VSEIP.
void Hart::imsic_changed() {
    if (imsic_) {
        set_hw_irq(irq::MEI, imsic_->file(id, 0).signal());
        set_hw_irq(irq::SEI, imsic_->file(id, 1).signal());
        csr.hgeip = imsic_->hgeip(id);
    }
    const uint64_t g = (csr.hstatus & hstatus::VGEIN) >> 12;
    set_hw_irq(irq::SGEI, (csr.hgeip & csr.hgeie) != 0);
    set_hw_irq(irq::VSEI, g != 0 && ((csr.hgeip >> g) & 1));
}

uint64_t Hart::aia_stateen_bits() const {
    namespace st = isa::stateen;
    if (!ext.has(isa::Ext::Ssaia)) return 0;
    return st::CSRIND | st::AIA | (imsic_ ? st::IMSIC : 0);
}

VsTop Hart::vs_top() const {
    const uint64_t hideleg = h_ext ? csr.hideleg : 0;
    const uint64_t vs = (mip_value() & csr.mie & hideleg & irq::VS_BITS) >> 1;
    const dev::ImsicFile* f = vgein_valid() ? &imsic_->file(id, 1 + unsigned((csr.hstatus & hstatus::VGEIN) >> 12)) : nullptr;
    return vstopi(vs, f ? f->top() : 0, (csr.hstatus & hstatus::VGEIN) == 0, aia.hvictl, aia.hviprio1);
}

// Smstateen's gates for the AIA's state (src/CSRs.adoc, "Access control by the
// state-enable CSRs"): mstateen0 for every mode below M (illegal), hstateen0
// for VS and VU (virtual instruction) on the S-level names. IMSIC state
// without an IMSIC is not gated (the accesses fail on their own rules).
uint64_t Hart::aia_stateen_fault(uint16_t addr) const {
    namespace st = isa::stateen;
    if (priv == Priv::M || !ext.has(isa::Ext::Ssstateen) || !ext.has(isa::Ext::Ssaia)) return 0;
    const bool sm = ext.has(isa::Ext::Smstateen);
    auto gate = [&](uint64_t bit, bool s_level) -> uint64_t {
        if (bit == st::IMSIC && !imsic_) return 0;
        if (sm && !(csr.mstateen[0] & bit)) return ILLEGAL_INSTRUCTION;
        if (virt && s_level && h_ext && !(csr.hstateen[0] & bit)) return VIRTUAL_INSTRUCTION;
        return 0;
    };
    auto ireg = [&](uint64_t sel, bool s_level) -> uint64_t {
        if (uint64_t f = gate(st::CSRIND, s_level)) return f;
        if (in_imsic(sel)) return gate(st::IMSIC, s_level);
        if (in_iprio(sel) && !virt) return gate(st::AIA, s_level);
        return 0;
    };
    switch (Csr(addr)) {
    case Csr::SISELECT: return gate(st::CSRIND, true);
    case Csr::VSISELECT: return gate(st::CSRIND, false);
    case Csr::SIREG: return ireg(virt ? aia.vsiselect : aia.siselect, true);
    case Csr::VSIREG: return ireg(aia.vsiselect, false);
    case Csr::STOPEI: return gate(st::IMSIC, true);
    case Csr::VSTOPEI: return gate(st::IMSIC, false);
    case Csr::STOPI: return gate(st::AIA, true);
    case Csr::VSTOPI: case Csr::HVIEN: case Csr::HVICTL: case Csr::HVIPRIO1: case Csr::HVIPRIO2:
        return gate(st::AIA, false);
    default: return 0;
    }
}

// The rules of src/CSRs.adoc and src/IMSIC.adoc after the privilege rules of
// the address (which already make vsireg a virtual instruction from VS and VU,
// and sireg one from VU). Returns 0, ILLEGAL_INSTRUCTION or VIRTUAL_INSTRUCTION.
uint64_t Hart::aia_access_fault(uint16_t addr, bool write) const {
    const uint64_t ii = ILLEGAL_INSTRUCTION, vi = VIRTUAL_INSTRUCTION;
    const bool smaia = ext.has(isa::Ext::Smaia), ssaia = ext.has(isa::Ext::Ssaia);
    // An *ireg access: what the select value allows (fault is the cause to raise).
    auto ireg = [&](uint64_t sel, bool file_present, bool has_iprio, uint64_t fault) -> uint64_t {
        if (in_iprio(sel)) return has_iprio && sel % 2 == 0 ? 0 : fault;  // odd iprio: RV64 lacks them
        if (in_imsic(sel)) return file_present && dev::ImsicFile::exists(sel) ? 0 : fault;
        return fault;  // reserved numbers: nothing implemented there
    };
    switch (Csr(addr)) {
    case Csr::MISELECT: case Csr::MTOPI: case Csr::MVIEN: case Csr::MVIP:
        return smaia ? 0 : ii;
    case Csr::MIREG:
        return smaia ? ireg(aia.miselect, imsic_ != nullptr, true, ii) : ii;
    case Csr::MTOPEI:
        return smaia && imsic_ ? 0 : ii;
    case Csr::SISELECT: case Csr::STOPI:
        return ssaia ? 0 : ii;
    case Csr::SIREG:
        if (!ssaia) return ii;
        // From VS-mode this is vsireg: vsiselect 0x30..0x3f is inaccessible, and
        // the IMSIC range needs VGEIN to select a guest file; both are left to
        // the hypervisor to emulate (virtual instruction).
        if (virt) return ireg(aia.vsiselect, vgein_valid(), false, vi);
        return ireg(aia.siselect, imsic_ != nullptr, true, ii);
    case Csr::STOPEI:
        if (!ssaia) return ii;
        if (virt) return vgein_valid() ? 0 : vi;  // vstopei (also without an IMSIC: the spec's note)
        return imsic_ ? 0 : ii;
    case Csr::VSISELECT: case Csr::VSTOPI: case Csr::HVIEN: case Csr::HVICTL: case Csr::HVIPRIO1:
    case Csr::HVIPRIO2:
        return ssaia ? 0 : ii;
    case Csr::VSIREG:
        return ssaia ? ireg(aia.vsiselect, vgein_valid(), false, ii) : ii;
    case Csr::VSTOPEI:
        return ssaia && vgein_valid() ? 0 : ii;
    case Csr::SIP: case Csr::SIE:
        // hvictl.VTI: the guest's sip and sie trap so the hypervisor can emulate them.
        return virt && priv == Priv::S && (aia.hvictl & hvictl::VTI) ? vi : 0;
    case Csr::STIMECMP:
        // A write may clear vsip.STIP, so VTI traps it too.
        return virt && priv == Priv::S && write && (aia.hvictl & hvictl::VTI) ? vi : 0;
    default: return 0;
    }
}

// *ireg: the iprio array (read-only zeros) or the register of an interrupt file.
bool Hart::ireg_read(dev::ImsicFile* f, uint64_t sel, uint64_t& v) const {
    v = 0;
    if (in_imsic(sel)) {
        if (!f || !dev::ImsicFile::exists(sel)) return false;
        v = f->read(sel);
    }
    return true;
}

void Hart::ireg_write(dev::ImsicFile* f, uint64_t sel, uint64_t v) {
    if (!f || !in_imsic(sel) || !dev::ImsicFile::exists(sel)) return;  // iprio: read-only zeros
    f->write(sel, v);
    imsic_->notify(id);
}

void Hart::claim_top(dev::ImsicFile* f) {
    if (!f) return;
    if (const unsigned top = f->top()) {
        f->clear_pending(top);
        imsic_->notify(id);
    }
}

bool Hart::aia_read(uint16_t addr, uint64_t& v) {
    const bool smaia = ext.has(isa::Ext::Smaia), ssaia = ext.has(isa::Ext::Ssaia), hs = ssaia && h_ext;
    dev::ImsicFile* mfile = imsic_ ? &imsic_->file(id, 0) : nullptr;
    dev::ImsicFile* sfile = imsic_ ? &imsic_->file(id, 1) : nullptr;
    const uint64_t hideleg = h_ext ? csr.hideleg : 0;
    switch (Csr(addr)) {
    case Csr::MISELECT: v = aia.miselect; return smaia;
    case Csr::MIREG: return smaia && ireg_read(mfile, aia.miselect, v);
    case Csr::MTOPEI: v = mfile ? mfile->topei() : 0; return smaia && mfile;
    case Csr::MTOPI: v = topi_default(mip_value() & csr.mie & ~csr.mideleg); return smaia;
    case Csr::MVIEN: v = 0; return smaia;
    case Csr::MVIP: {
        uint64_t mask = irq::bit(irq::SSI) | irq::bit(irq::SEI);
        if (!(csr.menvcfg & isa::envcfg::STCE)) mask |= irq::bit(irq::STI);
        v = csr.mip & mask;  // the software-writable bits: the controller's SEIP line is not mvip's
        return smaia;
    }
    case Csr::SISELECT: v = aia.siselect; return ssaia;
    case Csr::SIREG: return ssaia && ireg_read(sfile, aia.siselect, v);
    case Csr::STOPEI: v = sfile ? sfile->topei() : 0; return ssaia && sfile;
    case Csr::STOPI: v = topi_default(mip_value() & csr.mie & csr.mideleg & ~hideleg); return ssaia;
    case Csr::VSISELECT: v = aia.vsiselect; return hs;
    case Csr::VSIREG: return hs && ireg_read(guest_file(), aia.vsiselect, v);
    case Csr::VSTOPEI: {
        dev::ImsicFile* g = guest_file();
        v = g ? g->topei() : 0;
        return hs && imsic_;
    }
    case Csr::VSTOPI: v = vs_top().value; return hs;
    case Csr::HVIEN: case Csr::HVIPRIO2: v = 0; return hs;
    case Csr::HVICTL: v = aia.hvictl; return hs;
    case Csr::HVIPRIO1: v = aia.hviprio1; return hs;
    default: return false;
    }
}

void Hart::aia_write(uint16_t addr, uint64_t v) {
    if (!ext.has(isa::Ext::Ssaia)) return;
    dev::ImsicFile* mfile = imsic_ ? &imsic_->file(id, 0) : nullptr;
    dev::ImsicFile* sfile = imsic_ ? &imsic_->file(id, 1) : nullptr;
    switch (Csr(addr)) {
    case Csr::MISELECT: aia.miselect = v & 0xff; break;
    case Csr::MIREG: ireg_write(mfile, aia.miselect, v); break;
    case Csr::MTOPEI: claim_top(mfile); break;  // the value written does not matter
    case Csr::MVIP: {
        uint64_t mask = irq::bit(irq::SSI) | irq::bit(irq::SEI);
        if (!(csr.menvcfg & isa::envcfg::STCE)) mask |= irq::bit(irq::STI);
        csr.mip = (csr.mip & ~mask) | (v & mask);
        interrupt_state_changed();
        break;
    }
    case Csr::SISELECT: aia.siselect = v & 0x1ff; break;
    case Csr::SIREG: ireg_write(sfile, aia.siselect, v); break;
    case Csr::STOPEI: claim_top(sfile); break;
    case Csr::VSISELECT: aia.vsiselect = v & 0x1ff; break;
    case Csr::VSIREG: ireg_write(guest_file(), aia.vsiselect, v); break;
    case Csr::VSTOPEI: claim_top(guest_file()); break;
    case Csr::HVICTL: aia.hvictl = v & hvictl::MASK; interrupt_state_changed(); break;
    case Csr::HVIPRIO1: aia.hviprio1 = v & kHviprio1Mask; interrupt_state_changed(); break;
    default: break;  // mtopi, stopi, vstopi read-only; mvien, hvien, hviprio2 read-only zero
    }
}

}  // namespace emu
