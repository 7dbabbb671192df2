// The interpreter: fetch through the decoded-instruction cache, dispatch on
// the table's Op, execute. The hot path allocates nothing and makes no
// virtual or indirect calls; loads and stores hit the TLB's host pointers.
#include "hart.hpp"
#include "machine.hpp"

#if defined(__GNUC__)
#define LIKELY(x) __builtin_expect(!!(x), 1)
#define UNLIKELY(x) __builtin_expect(!!(x), 0)
#else
#define LIKELY(x) (x)
#define UNLIKELY(x) (x)
#endif

namespace emu {
using isa::Op;

namespace {

uint8_t cost_of(Op op) {
    switch (op) {
    case Op::MUL: case Op::MULH: case Op::MULHSU: case Op::MULHU: case Op::MULW: return CycleModel::kMul;
    case Op::DIV: case Op::DIVU: case Op::REM: case Op::REMU: case Op::DIVW: case Op::DIVUW: case Op::REMW:
    case Op::REMUW: return CycleModel::kDiv;
    case Op::CSRRW: case Op::CSRRS: case Op::CSRRC: case Op::CSRRWI: case Op::CSRRSI: case Op::CSRRCI:
        return CycleModel::kCsr;
    case Op::FDIV_S: case Op::FDIV_D: case Op::FSQRT_S: case Op::FSQRT_D: return CycleModel::kFpuDiv;
    default: break;
    }
    const auto& i = isa::info(op);
    if (i.format == isa::Format::AMO || i.format == isa::Format::LR) return CycleModel::kAmo;
    if (i.ext == isa::Ext::F || i.ext == isa::Ext::D) return CycleModel::kFpu;
    return CycleModel::kBase;
}

struct CostTable {
    uint8_t c[size_t(Op::ILLEGAL) + 1];
    CostTable() : c() {
        for (size_t i = 0; i <= size_t(Op::ILLEGAL); ++i) c[i] = cost_of(Op(i));
    }
};
const CostTable kCost;

inline int64_t sx32(uint64_t v) { return int64_t(int32_t(uint32_t(v))); }

}  // namespace

template <typename T> inline bool Hart::load(uint64_t va, uint64_t& out) {
    const uint64_t vpn = va >> kPageShift;
    const TlbEntry& e = tlb_.e[data_idx_][unsigned(Access::Read)][vpn & (kTlbSize - 1)];
    const uint64_t off = va & (kPageSize - 1);
    if (LIKELY(e.vpn == vpn && e.tag == tag_[data_idx_] && e.host && off <= kPageSize - sizeof(T))) {
        T v;
        std::memcpy(&v, e.host + off, sizeof(T));
        out = uint64_t(v);  // sign- or zero-extends by T
        return true;
    }
    uint64_t raw;
    if (!load_slow(va, sizeof(T), raw)) return false;
    out = uint64_t(T(raw));
    return true;
}

template <typename T> inline bool Hart::store(uint64_t va, uint64_t v) {
    const uint64_t vpn = va >> kPageShift;
    const TlbEntry& e = tlb_.e[data_idx_][unsigned(Access::Write)][vpn & (kTlbSize - 1)];
    const uint64_t off = va & (kPageSize - 1);
    if (LIKELY(e.vpn == vpn && e.tag == tag_[data_idx_] && e.host && off <= kPageSize - sizeof(T))) {
        T t = T(v);
        std::memcpy(e.host + off, &t, sizeof(T));
        return true;
    }
    return store_slow(va, sizeof(T), v);
}

void Hart::illegal(const isa::Decoded& d) { raise(ILLEGAL_INSTRUCTION, d.raw); }
void Hart::virtual_instruction(const isa::Decoded& d) { raise(VIRTUAL_INSTRUCTION, d.raw); }

template <bool kDebug> uint64_t Hart::exec_loop(uint64_t budget) {
    uint64_t n = 0;
    while (n < budget && cycle < deadline_) {
        if constexpr (kDebug) {
            if (n > 0 && m_.at_breakpoint(pc)) break;
        }
        const isa::Decoded* dp;
        if (LIKELY((pc & ~(kPageSize - 1)) == fetch_page_va_) &&
            LIKELY((dp = &fetch_page_->slot[(pc & (kPageSize - 1)) >> 1])->len != 0)) {
        } else {
            trapped_ = false;
            dp = fetch_slow();
            if (!dp) { ++n; continue; }
        }
        const isa::Decoded& d = *dp;
        ++n;
        cycle += kCost.c[size_t(d.op)];
        uint64_t* const X = x;
        const uint64_t a = X[d.rs1], b = X[d.rs2];
        uint64_t npc = pc + d.len;
        uint64_t t;
        switch (d.op) {
        case Op::LUI: X[d.rd] = uint64_t(d.imm); break;
        case Op::AUIPC: X[d.rd] = pc + uint64_t(d.imm); break;
        case Op::JAL:
            t = pc + uint64_t(d.imm);
            if (UNLIKELY(!c_enabled_ && (t & 2))) { raise(MISALIGNED_FETCH, t); goto trapped; }
            X[d.rd] = npc;
            npc = t;
            break;
        case Op::JALR:
            t = (a + uint64_t(d.imm)) & ~1ull;
            if (UNLIKELY(!c_enabled_ && (t & 2))) { raise(MISALIGNED_FETCH, t); goto trapped; }
            X[d.rd] = npc;
            npc = t;
            break;
#define BRANCH(OP, COND)                                                                         \
    case Op::OP:                                                                                 \
        if (COND) {                                                                              \
            t = pc + uint64_t(d.imm);                                                            \
            if (UNLIKELY(!c_enabled_ && (t & 2))) { raise(MISALIGNED_FETCH, t); goto trapped; } \
            npc = t;                                                                             \
        }                                                                                        \
        break;
        BRANCH(BEQ, a == b)
        BRANCH(BNE, a != b)
        BRANCH(BLT, int64_t(a) < int64_t(b))
        BRANCH(BGE, int64_t(a) >= int64_t(b))
        BRANCH(BLTU, a < b)
        BRANCH(BGEU, a >= b)
#undef BRANCH
#define LOADOP(OP, T) \
    case Op::OP:      \
        if (!load<T>(a + uint64_t(d.imm), t)) goto trapped; \
        X[d.rd] = t;  \
        break;
        LOADOP(LB, int8_t)
        LOADOP(LH, int16_t)
        LOADOP(LW, int32_t)
        LOADOP(LD, uint64_t)
        LOADOP(LBU, uint8_t)
        LOADOP(LHU, uint16_t)
        LOADOP(LWU, uint32_t)
#undef LOADOP
#define STOREOP(OP, T) \
    case Op::OP:       \
        if (!store<T>(a + uint64_t(d.imm), b)) goto trapped; \
        break;
        STOREOP(SB, uint8_t)
        STOREOP(SH, uint16_t)
        STOREOP(SW, uint32_t)
        STOREOP(SD, uint64_t)
#undef STOREOP
        case Op::ADDI: X[d.rd] = a + uint64_t(d.imm); break;
        case Op::SLTI: X[d.rd] = int64_t(a) < d.imm; break;
        case Op::SLTIU: X[d.rd] = a < uint64_t(d.imm); break;
        case Op::XORI: X[d.rd] = a ^ uint64_t(d.imm); break;
        case Op::ORI: X[d.rd] = a | uint64_t(d.imm); break;
        case Op::ANDI: X[d.rd] = a & uint64_t(d.imm); break;
        case Op::SLLI: X[d.rd] = a << d.imm; break;
        case Op::SRLI: X[d.rd] = a >> d.imm; break;
        case Op::SRAI: X[d.rd] = uint64_t(int64_t(a) >> d.imm); break;
        case Op::ADD: X[d.rd] = a + b; break;
        case Op::SUB: X[d.rd] = a - b; break;
        case Op::SLL: X[d.rd] = a << (b & 63); break;
        case Op::SLT: X[d.rd] = int64_t(a) < int64_t(b); break;
        case Op::SLTU: X[d.rd] = a < b; break;
        case Op::XOR: X[d.rd] = a ^ b; break;
        case Op::SRL: X[d.rd] = a >> (b & 63); break;
        case Op::SRA: X[d.rd] = uint64_t(int64_t(a) >> (b & 63)); break;
        case Op::OR: X[d.rd] = a | b; break;
        case Op::AND: X[d.rd] = a & b; break;
        case Op::ADDIW: X[d.rd] = uint64_t(sx32(a + uint64_t(d.imm))); break;
        case Op::SLLIW: X[d.rd] = uint64_t(sx32(uint32_t(a) << d.imm)); break;
        case Op::SRLIW: X[d.rd] = uint64_t(sx32(uint32_t(a) >> d.imm)); break;
        case Op::SRAIW: X[d.rd] = uint64_t(int64_t(int32_t(a) >> d.imm)); break;
        case Op::ADDW: X[d.rd] = uint64_t(sx32(a + b)); break;
        case Op::SUBW: X[d.rd] = uint64_t(sx32(a - b)); break;
        case Op::SLLW: X[d.rd] = uint64_t(sx32(uint32_t(a) << (b & 31))); break;
        case Op::SRLW: X[d.rd] = uint64_t(sx32(uint32_t(a) >> (b & 31))); break;
        case Op::SRAW: X[d.rd] = uint64_t(int64_t(int32_t(a) >> (b & 31))); break;
        case Op::FENCE: break;
        case Op::FENCE_I: break;  // the decoded-instruction cache follows every store: nothing to flush
        case Op::MUL: X[d.rd] = a * b; break;
        case Op::MULH: X[d.rd] = uint64_t((__int128(int64_t(a)) * __int128(int64_t(b))) >> 64); break;
        case Op::MULHSU:
            X[d.rd] = uint64_t((__int128(int64_t(a)) * __int128(static_cast<unsigned __int128>(b))) >> 64);
            break;
        case Op::MULHU: X[d.rd] = uint64_t((static_cast<unsigned __int128>(a) * b) >> 64); break;
        case Op::DIV:
            if (b == 0) X[d.rd] = ~0ull;
            else if (int64_t(a) == INT64_MIN && int64_t(b) == -1) X[d.rd] = a;
            else X[d.rd] = uint64_t(int64_t(a) / int64_t(b));
            break;
        case Op::DIVU: X[d.rd] = b == 0 ? ~0ull : a / b; break;
        case Op::REM:
            if (b == 0) X[d.rd] = a;
            else if (int64_t(a) == INT64_MIN && int64_t(b) == -1) X[d.rd] = 0;
            else X[d.rd] = uint64_t(int64_t(a) % int64_t(b));
            break;
        case Op::REMU: X[d.rd] = b == 0 ? a : a % b; break;
        case Op::MULW: X[d.rd] = uint64_t(sx32(uint32_t(a) * uint32_t(b))); break;
        case Op::DIVW: {
            int32_t x1 = int32_t(a), y1 = int32_t(b);
            if (y1 == 0) X[d.rd] = ~0ull;
            else if (x1 == INT32_MIN && y1 == -1) X[d.rd] = uint64_t(int64_t(x1));
            else X[d.rd] = uint64_t(int64_t(x1 / y1));
            break;
        }
        case Op::DIVUW: {
            uint32_t x1 = uint32_t(a), y1 = uint32_t(b);
            X[d.rd] = y1 == 0 ? ~0ull : uint64_t(sx32(x1 / y1));
            break;
        }
        case Op::REMW: {
            int32_t x1 = int32_t(a), y1 = int32_t(b);
            if (y1 == 0) X[d.rd] = uint64_t(int64_t(x1));
            else if (x1 == INT32_MIN && y1 == -1) X[d.rd] = 0;
            else X[d.rd] = uint64_t(int64_t(x1 % y1));
            break;
        }
        case Op::REMUW: {
            uint32_t x1 = uint32_t(a), y1 = uint32_t(b);
            X[d.rd] = uint64_t(sx32(y1 == 0 ? x1 : x1 % y1));
            break;
        }
        case Op::CSRRW: case Op::CSRRS: case Op::CSRRC: case Op::CSRRWI: case Op::CSRRSI: case Op::CSRRCI:
            suppress_instret_ = false;
            if (!exec_csr(d)) goto trapped;
            if (UNLIKELY(suppress_instret_)) {
                suppress_instret_ = false;
                pc = npc;
                X[0] = 0;
                continue;
            }
            break;
        case Op::ECALL: case Op::EBREAK: case Op::MRET: case Op::SRET: case Op::WFI: case Op::SFENCE_VMA:
        case Op::HFENCE_VVMA: case Op::HFENCE_GVMA:
            trapped_ = false;
            if (!exec_system(d)) goto trapped;
            if (d.op == Op::MRET || d.op == Op::SRET) {
                ++instret;
                X[0] = 0;
                continue;  // pc set by the xRET
            }
            break;
        case Op::ILLEGAL:
            illegal(d);
            goto trapped;
        default: {
            const auto ext = isa::info(d.op).ext;
            bool ok;
            if (ext == isa::Ext::A) ok = exec_amo(d);
            else if (ext == isa::Ext::H) ok = exec_hlsv(d);
            else ok = exec_fp(d);
            if (!ok) goto trapped;
            break;
        }
        }
        pc = npc;
        ++instret;
        X[0] = 0;
        continue;
    trapped:
        X[0] = 0;
    }
    return n;
}

template uint64_t Hart::exec_loop<true>(uint64_t);
template uint64_t Hart::exec_loop<false>(uint64_t);

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
        uint64_t nv = is_write ? src : (d.op == Op::CSRRS || d.op == Op::CSRRSI) ? (old | src) : (old & ~src);
        csr_write(addr, nv);
    }
    x[d.rd] = old;
    return true;
}

void Hart::sfence(bool vs, uint64_t vaddr, bool all) {
    const unsigned lo = vs ? IDX_VS : IDX_S, hi = vs ? IDX_VU : IDX_U;
    for (unsigned idx = lo; idx <= hi; ++idx) {
        if (all) { tlb_.flush_idx(idx); continue; }
        const uint64_t vpn = vaddr >> kPageShift;
        for (auto& arr : tlb_.e[idx]) {
            TlbEntry& t = arr[vpn & (kTlbSize - 1)];
            if (t.vpn == vpn) t.vpn = ~0ull;
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
        raise(BREAKPOINT, pc);
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
        {
            Event e;
            e.kind = EventKind::Wfi;
            e.pc = pc;
            e.from_priv = e.to_priv = priv;
            e.from_v = e.to_v = virt;
            m_.emit(*this, e);
        }
        return true;
    case Op::SFENCE_VMA:
        if (U) { virt ? virtual_instruction(d) : illegal(d); return false; }
        if (S && !virt && (csr.mstatus & mstatus::TVM)) { illegal(d); return false; }
        if (S && virt && (csr.hstatus & hstatus::VTVM)) { virtual_instruction(d); return false; }
        sfence(virt, x[d.rs1], d.rs1 == 0);
        return true;
    case Op::HFENCE_VVMA:
    case Op::HFENCE_GVMA:
        if (!h_ext) { illegal(d); return false; }
        if (virt) { virtual_instruction(d); return false; }
        if (U) { illegal(d); return false; }
        if (d.op == Op::HFENCE_GVMA && S && (csr.mstatus & mstatus::TVM)) { illegal(d); return false; }
        // The TLB caches guest-virtual -> host-physical, so a G-stage fence
        // by guest physical address must drop every VS entry.
        sfence(true, x[d.rs1], d.op == Op::HFENCE_GVMA || d.rs1 == 0);
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
        bool ok = lr_valid && lr_addr == va;
        lr_valid = false;
        if (ok) {
            if (host) std::memcpy(host, &x[d.rs2], size);
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
    if (host) std::memcpy(host, &nv, size);
    else if (!store_slow(va, size, nv)) return false;
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
