// The instructions that leave the hot loop (emu/exec_loop.cpp): CSR access,
// system instructions, atomics, and the hypervisor loads and stores.
#include "hart.hpp"
#include "commit_log.hpp"
#include "machine.hpp"


namespace emu {
using isa::Op;

namespace {

inline int64_t sx32(uint64_t v) { return int64_t(int32_t(uint32_t(v))); }

}  // namespace

void Hart::illegal(const isa::Decoded& d) { raise(ILLEGAL_INSTRUCTION, d.raw); }
void Hart::virtual_instruction(const isa::Decoded& d) { raise(VIRTUAL_INSTRUCTION, d.raw); }

bool Hart::exec_csr(const isa::Decoded& d) {
    cur_bits_ = d.raw;
    const uint16_t addr = uint16_t(d.imm & 0xfff);
    const bool imm = d.op == Op::CSRRWI || d.op == Op::CSRRSI || d.op == Op::CSRRCI;
    const uint64_t src = imm ? d.rs1 : x[d.rs1];
    const bool is_write = d.op == Op::CSRRW || d.op == Op::CSRRWI;
    const bool writes = is_write || d.rs1 != 0;
    uint64_t old;
    if (!csr_read(addr, old, writes)) return false;
    if (writes) {
        const uint64_t base = is_write ? 0 : csr_rmw_operand(addr, old);
        uint64_t nv = is_write ? src : (d.op == Op::CSRRS || d.op == Op::CSRRSI) ? (base | src) : (base & ~src);
        csr_write(addr, nv);
    }
    x[d.rd] = old;
    return true;
}

void Hart::sfence(bool vs, uint64_t vaddr, bool all) {
    const unsigned lo = vs ? IDX_VS : IDX_S, hi = vs ? IDX_VU : IDX_U;
    const bool napot = ext.has(isa::Ext::Svnapot);
    for (unsigned idx = lo; idx <= hi; ++idx) {
        if (all) { tlb_.flush_idx(idx); continue; }
        // Entries are 4 KiB; a fence inside a Svnapot range drops all 16 of its pages.
        const uint64_t first = (vaddr >> kPageShift) & (napot ? ~0xfull : ~0ull);
        for (uint64_t vpn = first; vpn < first + (napot ? 16 : 1); ++vpn) {
            for (unsigned acc = 0; acc < 3; ++acc)
                if (tlb_.e[idx][acc][vpn & (kTlbSize - 1)].vpn == vpn) tlb_.drop(idx, acc, vpn & (kTlbSize - 1));
        }
    }
    fetch_page_va_ = 1;
}

bool Hart::exec_system(const isa::Decoded& d) {
    cur_bits_ = d.raw;
    const bool S = priv == Priv::S, U = priv == Priv::U;
    switch (d.op) {
    case Op::ECALL: {
        uint64_t cause = priv == Priv::M ? MACHINE_ECALL
                       : U              ? USER_ECALL
                       : virt           ? VIRTUAL_SUPERVISOR_ECALL
                                        : SUPERVISOR_ECALL;
        raise(cause, 0);
        return false;
    }
    case Op::EBREAK:
        raise(BREAKPOINT, pc, 0, 0, virt);  // tval is a (guest) virtual address
        return false;
    case Op::MRET:
        if (priv != Priv::M) { illegal(d); return false; }
        do_mret();
        return true;
    case Op::SRET:
        if (U) { virt ? virtual_instruction(d) : illegal(d); return false; }
        if (S && !virt && (csr.mstatus & mstatus::TSR)) { illegal(d); return false; }
        if (S && virt && (csr.hstatus & hstatus::VTSR)) { virtual_instruction(d); return false; }
        do_sret();
        return true;
    case Op::WFI:
        if (priv != Priv::M && (csr.mstatus & mstatus::TW)) { illegal(d); return false; }
        if (U && !virt) { illegal(d); return false; }
        if (virt && (U || (csr.hstatus & hstatus::VTW))) { virtual_instruction(d); return false; }
        wfi = true;
        deadline_ = 0;
        m_.emit(*this, event::wfi(pc, {priv, virt}));
        return true;
    case Op::WRS_NTO:
    case Op::WRS_STO: {
        // Zawrs: stall while the reservation set is valid and no interrupt
        // is pending (WFI's rule for resuming), WRS.STO at most a short
        // while. A WRS.NTO that would stall with mstatus.TW set (below M), or
        // hstatus.VTW set (V=1), traps: its time limit is 0. (Spike traps
        // even when it would not stall; QEMU 7.2 ignores TW and VTW.)
        update_timers();  // the interrupt lines as they stand (a CLINT store just before)
        const bool stalls = lr_valid && !(mip_value() & csr.mie);
        if (d.op == Op::WRS_NTO && stalls) {
            if (priv != Priv::M && (csr.mstatus & mstatus::TW)) { illegal(d); return false; }
            if (virt && (csr.hstatus & hstatus::VTW)) { virtual_instruction(d); return false; }
        }
        if (stalls) {
            wfi = true;
            stall_until_ = cycle + (d.op == Op::WRS_NTO ? kWrsNtoCycles : kWrsStoCycles);
            deadline_ = 0;
        }
        return true;
    }
    case Op::SFENCE_W_INVAL:
    case Op::SFENCE_INVAL_IR:  // orderings only: this TLB is never behind the page tables
        if (U) { virt ? virtual_instruction(d) : illegal(d); return false; }
        return true;
    case Op::SINVAL_VMA:
    case Op::SFENCE_VMA:
        if (U) { virt ? virtual_instruction(d) : illegal(d); return false; }
        if (uint64_t f = tvm_fault()) { f == ILLEGAL_INSTRUCTION ? illegal(d) : virtual_instruction(d); return false; }
        sfence(virt, x[d.rs1], d.rs1 == 0);
        return true;
    case Op::HINVAL_VVMA:
    case Op::HINVAL_GVMA:
    case Op::HFENCE_VVMA:
    case Op::HFENCE_GVMA:
        if (!h_ext) { illegal(d); return false; }
        if (virt) { virtual_instruction(d); return false; }
        if (U) { illegal(d); return false; }
        if (const bool g = d.op == Op::HFENCE_GVMA || d.op == Op::HINVAL_GVMA; g && tvm_fault()) {
            illegal(d);  // V=0 here: TVM
            return false;
        }
        // The TLB caches guest-virtual -> host-physical, so a G-stage fence
        // by guest physical address must drop every VS entry.
        sfence(true, x[d.rs1], d.op == Op::HFENCE_GVMA || d.op == Op::HINVAL_GVMA || d.rs1 == 0);
        return true;
    default:
        illegal(d);
        return false;
    }
}

bool Hart::exec_amo(const isa::Decoded& d) {
    const bool dw = d.rm == 3;
    const unsigned size = dw ? 8 : 4;
    const uint64_t va = x[d.rs1];
    auto extend = [&](uint64_t v) { return dw ? v : uint64_t(sx32(v)); };
    if (d.op == Op::LR_W || d.op == Op::LR_D) {
        if (va & (size - 1)) { raise(MISALIGNED_LOAD, va, 0, 0, data_virt_); return false; }
        uint64_t v;
        if (!load_slow(va, size, v)) return false;
        x[d.rd] = extend(v);
        lr_valid = true;
        lr_addr = va;
        return true;
    }
    uint64_t pa;
    uint8_t* host;
    if (!amo_address(va, size, pa, host)) return false;
    if (d.op == Op::SC_W || d.op == Op::SC_D) {
        // 'For the purposes of memory protection, a failed SC.W may be treated
        // like a store' (Zalrsc): one with nothing at its address faults as a
        // store would, whether or not it holds the reservation (as Spike).
        if (!host && !bus_.writable(pa, size)) { raise(STORE_ACCESS, va, 0, 0, data_virt_); return false; }
        bool ok = lr_valid && lr_addr == va;
        lr_valid = false;
        if (ok) {
            if (host) {
                std::memcpy(host, &x[d.rs2], size);
                stored(pa, size);
                if (commit_) commit_->store(va, x[d.rs2], size);
            }
            else if (!store_slow(va, size, x[d.rs2])) return false;
        }
        x[d.rd] = ok ? 0 : 1;
        return true;
    }
    uint64_t old = 0;
    if (host) std::memcpy(&old, host, size);
    else if (!bus_.read(pa, size, old)) { raise(STORE_ACCESS, va, 0, 0, data_virt_); return false; }
    const uint64_t src = x[d.rs2];
    const uint64_t o = extend(old), s = extend(src);
    uint64_t nv;
    switch (d.op) {
    case Op::AMOSWAP_W: case Op::AMOSWAP_D: nv = src; break;
    case Op::AMOADD_W: case Op::AMOADD_D: nv = o + s; break;
    case Op::AMOXOR_W: case Op::AMOXOR_D: nv = o ^ s; break;
    case Op::AMOAND_W: case Op::AMOAND_D: nv = o & s; break;
    case Op::AMOOR_W: case Op::AMOOR_D: nv = o | s; break;
    case Op::AMOMIN_W: case Op::AMOMIN_D: nv = int64_t(o) < int64_t(s) ? o : s; break;
    case Op::AMOMAX_W: case Op::AMOMAX_D: nv = int64_t(o) > int64_t(s) ? o : s; break;
    case Op::AMOMINU_W: case Op::AMOMINU_D:
        nv = dw ? std::min(o, s) : (uint32_t(o) < uint32_t(s) ? o : s);
        break;
    case Op::AMOMAXU_W: case Op::AMOMAXU_D:
        nv = dw ? std::max(o, s) : (uint32_t(o) > uint32_t(s) ? o : s);
        break;
    default: illegal(d); return false;
    }
    if (commit_) commit_->load(va);
    if (host) {
        std::memcpy(host, &nv, size);
        stored(pa, size);
        if (commit_) commit_->store(va, nv, size);
    } else if (!store_slow(va, size, nv)) {
        return false;
    }
    x[d.rd] = o;
    return true;
}

// HLV/HLVX/HSV: loads and stores as VS or VU (hstatus.SPVP) from HS, or from
// U when hstatus.HU allows.
bool Hart::exec_hlsv(const isa::Decoded& d) {
    if (!h_ext) { illegal(d); return false; }
    if (virt) { virtual_instruction(d); return false; }
    if (priv == Priv::U && !(csr.hstatus & hstatus::HU)) { illegal(d); return false; }
    const uint64_t va = x[d.rs1];
    auto ld = [&](unsigned size, bool sign, bool hlvx) {
        uint64_t v;
        if (!load_slow(va, size, v, true, hlvx)) return false;
        if (sign && size < 8) v = uint64_t(int64_t(v << (64 - 8 * size)) >> (64 - 8 * size));
        x[d.rd] = v;
        return true;
    };
    switch (d.op) {
    case Op::HLV_B: return ld(1, true, false);
    case Op::HLV_BU: return ld(1, false, false);
    case Op::HLV_H: return ld(2, true, false);
    case Op::HLV_HU: return ld(2, false, false);
    case Op::HLVX_HU: return ld(2, false, true);
    case Op::HLV_W: return ld(4, true, false);
    case Op::HLV_WU: return ld(4, false, false);
    case Op::HLVX_WU: return ld(4, false, true);
    case Op::HLV_D: return ld(8, false, false);
    case Op::HSV_B: return store_slow(va, 1, x[d.rs2], true);
    case Op::HSV_H: return store_slow(va, 2, x[d.rs2], true);
    case Op::HSV_W: return store_slow(va, 4, x[d.rs2], true);
    case Op::HSV_D: return store_slow(va, 8, x[d.rs2], true);
    default: illegal(d); return false;
    }
}

}  // namespace emu
