// Who may access which CSR: a CSR's existence, the privilege its address
// encodes, V=1's virtual-instruction exceptions against illegal ones, and
// each CSR's own gates (counter enables, Smstateen/Ssstateen, TVM, FS, Sstc,
// Zkr). The AIA's CSRs add theirs in aia_csr.cpp. The aliases V=1 applies
// are isa::vs_counterpart's (csr_target); values and write masks are in csr.cpp.
#include "hart.hpp"
#include "isa/csr.hpp"

namespace emu {
using isa::Csr;

uint64_t Hart::tvm_fault() const {
    if (priv != Priv::S) return 0;
    if (!virt) return (csr.mstatus & mstatus::TVM) ? ILLEGAL_INSTRUCTION : 0;
    return (csr.hstatus & hstatus::VTVM) ? VIRTUAL_INSTRUCTION : 0;
}

bool Hart::fp_enabled() const {
    return (csr.misa & (1u << 5)) && (csr.mstatus & mstatus::FS) && (!virt || (csr.vsstatus & mstatus::FS));
}

// Smstateen/Ssstateen: whether the stateen CSRs exist, and what mstateen
// (then hstateen, for V=1) lets the modes below reach: hstateenN/sstateenN
// (SE) and senvcfg/henvcfg (stateen0.ENVCFG). Checked before the privilege
// rules: what HS may not reach is illegal from VS too.
uint64_t Hart::stateen_fault(uint16_t addr) const {
    namespace st = isa::stateen;
    const bool sm = ext.has(isa::Ext::Smstateen), ss = ext.has(isa::Ext::Ssstateen);
    unsigned n = 0;
    uint64_t bit = st::ENVCFG;
    bool s_level = true;  // an S-level CSR, which hstateen gates too
    if (addr >= 0x30c && addr <= 0x30f) return sm ? 0 : ILLEGAL_INSTRUCTION;
    if (addr >= 0x60c && addr <= 0x60f) {
        if (!ss || !h_ext) return ILLEGAL_INSTRUCTION;
        n = addr - 0x60c, bit = st::SE, s_level = false;
    } else if (addr >= 0x10c && addr <= 0x10f) {
        if (!ss) return ILLEGAL_INSTRUCTION;
        n = addr - 0x10c, bit = st::SE;
    } else if (addr == uint16_t(isa::Csr::HENVCFG)) {
        s_level = false;
    } else if (addr != uint16_t(isa::Csr::SENVCFG)) {
        return 0;
    }
    if (priv == Priv::M || !ss) return 0;
    if (sm && !(csr.mstateen[n] & bit)) return ILLEGAL_INSTRUCTION;
    if (virt && s_level && h_ext && !(csr.hstateen[n] & bit)) return VIRTUAL_INSTRUCTION;
    return 0;
}

// Whether the extensions that define the CSR at `addr` are the hart's.
bool Hart::extension_has(uint16_t addr) const {
    switch (Csr(addr)) {
    case Csr::MISELECT: case Csr::MIREG: case Csr::MTOPEI: case Csr::MTOPI: case Csr::MVIEN: case Csr::MVIP:
        return ext.has(isa::Ext::Smaia);
    case Csr::SISELECT: case Csr::SIREG: case Csr::STOPEI: case Csr::STOPI: case Csr::VSISELECT:
    case Csr::VSIREG: case Csr::VSTOPEI: case Csr::VSTOPI: case Csr::HVIEN: case Csr::HVICTL:
    case Csr::HVIPRIO1: case Csr::HVIPRIO2:
        return ext.has(isa::Ext::Ssaia);
    case Csr::STIMECMP: case Csr::VSTIMECMP: return sstc;
    case Csr::SCOUNTOVF: return ext.has(isa::Ext::Sscofpmf);
    default: return true;
    }
}

// Returns 0 if the current mode may perform this access, else the exception
// cause: ILLEGAL_INSTRUCTION or VIRTUAL_INSTRUCTION. `addr` is the address
// the instruction names (sstatus, not the vsstatus it reaches with V=1).
uint64_t Hart::csr_access_fault(uint16_t addr, bool write) {
    const unsigned need = isa::csr_min_priv(addr);
    const uint64_t vi = VIRTUAL_INSTRUCTION, ii = ILLEGAL_INSTRUCTION;
    // No such CSR (the hypervisor's without H: below); an extension's only with
    // it, before any virtual-instruction rule.
    if (!isa::csr_exists(addr) || !extension_has(addr)) return ii;
    // A write to a read-only CSR is illegal in every mode (a virtual-instruction
    // exception is only for accesses HS-mode could make).
    if (write && isa::csr_read_only(addr)) return ii;
    if (uint64_t f = stateen_fault(addr)) return f;
    if (uint64_t f = aia_stateen_fault(addr)) return f;
    if (need == 3) {
        if (priv != Priv::M) return ii;
    } else if (need == 2) {  // hypervisor and VS CSRs
        if (!h_ext) return ii;
        if (priv == Priv::M) {
        } else if (virt) {
            return vi;
        } else if (priv != Priv::S) {
            return ii;
        }
    } else if (need == 1) {
        if (priv == Priv::U) return virt ? vi : ii;
    }

    // CSR-specific rules.
    if (addr >= 0xc00 && addr <= 0xc1f) {  // cycle, time, instret, hpmcounterN
        const uint64_t bit = 1ull << (addr - 0xc00);
        if (priv != Priv::M && !(csr.mcounteren & bit)) return ii;
        if (virt && !(csr.hcounteren & bit)) return vi;
        if (priv == Priv::U && !(csr.scounteren & bit)) return virt ? vi : ii;
    }
    if (addr >= 0xc03 && addr <= 0xc1f && !ext.has(isa::Ext::Zihpm)) return ii;
    switch (Csr(addr)) {
    case Csr::SEED: {
        // Zkr: only read-write instructions (a read would consume entropy
        // unasked); from VS and VU always a trap, a virtual instruction
        // exception only when mseccfg.SSEED would let HS-mode through.
        namespace sc = isa::mseccfg;
        if (!ext.has(isa::Ext::Zkr) || !write) return ii;
        if (priv == Priv::M) break;
        if (virt) return (csr.mseccfg & sc::SSEED) ? vi : ii;
        if (!(csr.mseccfg & (priv == Priv::S ? sc::SSEED : sc::USEED))) return ii;
        break;
    }
    case Csr::MSECCFG:
        if (!ext.has(isa::Ext::Zkr)) return ii;
        break;
    case Csr::SCOUNTOVF:
        if (!ext.has(isa::Ext::Sscofpmf)) return ii;
        break;
    case Csr::SATP:
    case Csr::HGATP:  // with V=1 hgatp is already a virtual-instruction fault above
        if (uint64_t f = tvm_fault()) return f;
        break;
    case Csr::STIMECMP:
        if (!sstc) return ii;
        if (priv != Priv::M && (!(csr.mcounteren & 2) || !(csr.menvcfg & isa::envcfg::STCE))) return ii;
        if (virt && (!(csr.hcounteren & 2) || !(csr.henvcfg & isa::envcfg::STCE))) return vi;
        break;
    case Csr::VSTIMECMP:
        if (!sstc) return ii;
        if (priv != Priv::M && (!(csr.mcounteren & 2) || !(csr.menvcfg & isa::envcfg::STCE))) return ii;
        break;
    case Csr::FFLAGS: case Csr::FRM: case Csr::FCSR:
        if (!fp_enabled()) return ii;
        break;
    case Csr::MTVAL2: case Csr::MTINST:
        if (!h_ext) return ii;
        break;
    default: break;
    }
    return aia_access_fault(addr, write);
}

}  // namespace emu
