// Time skipping for a loop that only waits for time to pass (the rule is in
// README.md, "Time skipping"): at a `csrr rd, time`, or an `ld` of the
// CLINT's mtime (mtime_load), that the hart reached
// again with nothing observable in between, the iteration from it back to it
// is run symbolically, with t (the value read) as the only unknown. When the
// iteration reads no state it changes, stores only to RAM, touches only
// pages the TLB maps without a walk, and uses t only as s*t + c (s = +1 or
// -1) in comparisons that cannot wrap, every iteration until one of those
// comparisons flips takes the same path with the same cost. Those iterations
// are skipped: instret and cycle advance by their count times the
// iteration's, and registers and memory become what the last of them left.
// Nothing else could have seen them: no event, no device, no other hart runs
// during a hart's turn. Single steps (a budget of one) never skip, so the
// equality test (tests/tools/step_equal.cpp) compares the two.
#include <vector>

#include "hart.hpp"
#include "devices/clint.hpp"
#include "isa/csr.hpp"
#include "machine.hpp"

namespace emu {
using isa::Op;

namespace {

constexpr unsigned kMaxBody = 512;  // instructions in one iteration

// A value of the iteration: known, or s*t + c (mod 2^64) for the time t.
struct Val {
    uint64_t v = 0;
    bool t = false;
    bool neg = false;  // s = -1
    uint64_t at(uint64_t time) const { return t ? (neg ? v - time : v + time) : v; }
};

// A branch whose operands depend on t, and which way it went.
struct Cond {
    Val a, b;
    Op op;
    bool taken;
};

bool compare(Op op, uint64_t a, uint64_t b) {
    switch (op) {
    case Op::BEQ: return a == b;
    case Op::BNE: return a != b;
    case Op::BLT: return int64_t(a) < int64_t(b);
    case Op::BGE: return int64_t(a) >= int64_t(b);
    case Op::BLTU: return a < b;
    default: return a >= b;  // BGEU
    }
}

// Whether the t-dependent operand runs over [t0, t1] without wrapping in the
// comparison's order (signed or unsigned): then it is monotonic there, and a
// comparison with a constant flips at most once.
bool monotonic(const Cond& c, uint64_t t0, uint64_t t1) {
    const Val& x = c.a.t ? c.a : c.b;
    const bool is_signed = c.op == Op::BLT || c.op == Op::BGE;
    const uint64_t bias = is_signed ? (1ull << 63) : 0;
    const uint64_t v0 = x.at(t0) ^ bias, v1 = x.at(t1) ^ bias;
    return x.neg ? v1 <= v0 : v0 <= v1;
}

struct Store {
    uint64_t addr;
    unsigned size;
    uint8_t* host;
    Val val;
};

}  // namespace

bool Hart::time_spin_unobserved() const {
    return watching_ || triggers_armed_ || commit_ || has_breakpoints || !tlb_enabled || !skip_spins;
}

bool Hart::mtime_load(uint64_t va) const {
    const uint64_t vpn = va >> kPageShift;
    const TlbEntry& te = tlb_.e[data_idx_][unsigned(Access::Read)][vpn & (kTlbSize - 1)];
    return te.vpn == vpn && te.tag == tag_[data_idx_] && tlb_.present(data_idx_, te) && !te.host &&
           te.ppage + (va & (kPageSize - 1)) == map::kClint + dev::Clint::kMtime;
}

void Hart::skip_time_spin(uint64_t dl, bool mmio) {
    // The previous time read was this instruction, with nothing observable
    // since (an event would mark a trap, an interrupt, a TLB fill).
    const uint64_t events = m_.events().total();
    const bool again = spin_.pc == pc && spin_.events == events && spin_.priv == priv && spin_.virt == virt;
    const uint64_t di = instret - spin_.instret, dc = cycle - spin_.cycle;
    spin_ = {pc, instret, cycle, events, priv, virt};
    if (!again || time_spin_unobserved() || di == 0 || dc == 0 || dl <= cycle) return;
    if (!mmio && csr_access_fault(uint16_t(isa::Csr::TIME), false)) return;

    const unsigned fidx = fetch_idx_;
    const uint64_t fgen = tlb_.gen_bits(fidx), dgen = tlb_.gen_bits(data_idx_);
    // The decoded instruction at va, when the fast path would fetch it without a walk.
    auto insn_at = [&](uint64_t va) -> const CachedInsn* {
        const TlbFast& f = tlb_.fast[fidx][unsigned(Access::Fetch)][(va >> kPageShift) & (kTlbSize - 1)];
        if (f.key != Tlb::key(va, 1, fgen)) return nullptr;
        const CachedInsn& d = f.code->slot[(va & (kPageSize - 1)) >> 1];
        return d.len ? &d : nullptr;
    };
    // Host address of a RAM access the fast path would make (aligned, mapped,
    // and for stores a page without decoded code).
    auto host_of = [&](uint64_t va, unsigned size, Access acc) -> uint8_t* {
        const TlbFast& f = tlb_.fast[data_idx_][unsigned(acc)][(va >> kPageShift) & (kTlbSize - 1)];
        if (f.key != Tlb::key(va, size, dgen) || (acc == Access::Write && f.code)) return nullptr;
        return reinterpret_cast<uint8_t*>(va + f.addend);
    };
    const CachedInsn* first = insn_at(pc);
    if (!first) return;
    if (mmio ? first->op != Op::LD || !mtime_load(x[first->rs1] + uint64_t(int64_t(first->imm)))
             : first->op != Op::CSRRS || first->rs1 != 0 || (first->imm & 0xfff) != 0xc01)
        return;
    const uint64_t csr_cost = first->cost;
    // What the read returns at a cycle of this hart's: the time CSR, or mtime itself.
    auto time_at = [&](uint64_t at_cycle) { return Hart::time_at(at_cycle) - (mmio && virt ? csr.htimedelta : 0); };
    const uint64_t t0 = time_at(cycle + csr_cost);  // what this read would return

    Val r[33];
    for (unsigned i = 1; i < 32; ++i) r[i].v = x[i];
    uint64_t live_in = 0, written = 0;  // registers read before written, and written
    std::vector<Store> stores;
    std::vector<std::pair<uint64_t, unsigned>> loads_in;  // memory read before the iteration wrote it
    std::vector<Cond> conds;
    auto get = [&](unsigned i) -> Val {
        if (i == 0 || i == kZeroSink) return {};
        if (!((written >> i) & 1)) live_in |= 1ull << i;
        return r[i];
    };
    auto set = [&](unsigned i, Val v) {
        if (i == 0 || i == kZeroSink) return;
        r[i] = v;
        written |= 1ull << i;
    };
    auto known = [](uint64_t v) { Val k; k.v = v; return k; };

    uint64_t spc = pc, n = 0, cost = 0;
    for (;;) {
        const CachedInsn* dp = n == 0 ? first : insn_at(spc);
        if (!dp || ++n > kMaxBody) return;
        const CachedInsn& d = *dp;
        cost += d.cost;
        uint64_t next = spc + d.len;
        const uint64_t imm = uint64_t(int64_t(d.imm));
        using F = isa::Format;
        const F fmt = isa::info(d.op).format;
        const bool reads1 = fmt == F::R || fmt == F::I || fmt == F::SHIFT || fmt == F::SHIFTW || fmt == F::LOAD ||
                            fmt == F::STORE || fmt == F::B || fmt == F::JALR;
        const bool reads2 = fmt == F::R || fmt == F::STORE || fmt == F::B;
        const Val a = reads1 ? get(d.rs1) : Val{}, b = reads2 ? get(d.rs2) : Val{};
        // An operation whose result is not s*t + c: only on known operands.
        auto plain = [&](uint64_t v) {
            if (a.t || b.t) return false;
            set(d.rd, known(v));
            return true;
        };
        bool ok = true;
        switch (d.op) {
        case Op::CSRRS:  // only the time read the iteration starts with
            if (n != 1 || mmio) return;
            { Val t; t.t = true; set(d.rd, t); }
            break;
        case Op::LUI: set(d.rd, known(imm)); break;
        case Op::AUIPC: set(d.rd, known(spc + imm)); break;
        case Op::ADDI: { Val v = a; v.v += imm; set(d.rd, v); break; }
        case Op::ADD:
            if (a.t && b.t) return;
            { Val v = a.t ? a : b; v.v = a.v + b.v; set(d.rd, v); }
            break;
        case Op::SUB:
            if (a.t && b.t) return;
            { Val v = a; v.v = a.v - b.v; if (b.t) { v.t = true; v.neg = !b.neg; } set(d.rd, v); }
            break;
        case Op::ANDI: ok = plain(a.v & imm); break;
        case Op::ORI: ok = plain(a.v | imm); break;
        case Op::XORI: ok = plain(a.v ^ imm); break;
        case Op::SLLI: ok = plain(a.v << d.imm); break;
        case Op::SRLI: ok = plain(a.v >> d.imm); break;
        case Op::SRAI: ok = plain(uint64_t(int64_t(a.v) >> d.imm)); break;
        case Op::SLTI: ok = plain(int64_t(a.v) < d.imm); break;
        case Op::SLTIU: ok = plain(a.v < imm); break;
        case Op::ADDIW: ok = plain(uint64_t(int64_t(int32_t(uint32_t(a.v + imm))))); break;
        case Op::AND: ok = plain(a.v & b.v); break;
        case Op::OR: ok = plain(a.v | b.v); break;
        case Op::XOR: ok = plain(a.v ^ b.v); break;
        case Op::SLTU: ok = plain(a.v < b.v); break;
        case Op::SLT: ok = plain(int64_t(a.v) < int64_t(b.v)); break;
        case Op::ADDW: ok = plain(uint64_t(int64_t(int32_t(uint32_t(a.v + b.v))))); break;
        case Op::SUBW: ok = plain(uint64_t(int64_t(int32_t(uint32_t(a.v - b.v))))); break;
        case Op::JAL: set(d.rd, known(next)); next = spc + imm; break;
        case Op::JALR:
            if (a.t) return;
            set(d.rd, known(next));
            next = (a.v + imm) & ~1ull;
            break;
        case Op::BEQ: case Op::BNE: case Op::BLT: case Op::BGE: case Op::BLTU: case Op::BGEU: {
            if (a.t && b.t) return;
            const bool taken = compare(d.op, a.at(t0), b.at(t0));
            if (a.t || b.t) conds.push_back({a, b, d.op, taken});
            if (taken) next = spc + imm;
            break;
        }
        case Op::LD: case Op::LW: case Op::LWU: case Op::LH: case Op::LHU: case Op::LB: case Op::LBU: {
            if (n == 1 && mmio) {  // the mtime read the iteration starts with
                Val t;
                t.t = true;
                set(d.rd, t);
                break;
            }
            const unsigned size = d.op == Op::LD ? 8 : (d.op == Op::LW || d.op == Op::LWU) ? 4
                                : (d.op == Op::LH || d.op == Op::LHU) ? 2 : 1;
            const uint64_t va = a.v + imm;
            uint8_t* h = a.t ? nullptr : host_of(va, size, Access::Read);
            if (!h) return;
            const Store* hit = nullptr;
            for (const Store& st : stores) {
                if (va + size <= st.addr || st.addr + st.size <= va) continue;
                if (st.addr != va || st.size != size) return;  // a partial overlap
                hit = &st;
            }
            Val v;
            if (hit) v = hit->val;
            else {
                std::memcpy(&v.v, h, size);
                loads_in.push_back({va, size});
            }
            if (v.t && size != 8) return;
            if (size < 8) {
                const unsigned sh = 64 - 8 * size;
                const bool sign = d.op == Op::LW || d.op == Op::LH || d.op == Op::LB;
                v.v = sign ? uint64_t(int64_t(v.v << sh) >> sh) : (v.v << sh) >> sh;
            }
            set(d.rd, v);
            break;
        }
        case Op::SD: case Op::SW: case Op::SH: case Op::SB: {
            const unsigned size = d.op == Op::SD ? 8 : d.op == Op::SW ? 4 : d.op == Op::SH ? 2 : 1;
            const uint64_t va = a.v + imm;
            uint8_t* h = a.t ? nullptr : host_of(va, size, Access::Write);
            if (!h || (b.t && size != 8)) return;
            Val v = b;
            if (size < 8) v.v &= (1ull << (8 * size)) - 1;
            bool replaced = false;
            for (Store& st : stores) {
                if (va + size <= st.addr || st.addr + st.size <= va) continue;
                if (st.addr != va || st.size != size) return;
                st.val = v;
                replaced = true;
            }
            if (!replaced) stores.push_back({va, size, h, v});
            break;
        }
        case Op::FENCE: break;
        default: return;  // anything else: not a plain wait
        }
        if (!ok || (!c_enabled_ && (next & 2))) return;
        spc = next;
        if (spc == pc) break;
    }
    if (n != di || cost != dc) return;  // not the iteration that ran last time
    // A fixed point: what the iteration reads before writing, it leaves as it found it.
    for (unsigned i = 1; i < 32; ++i)
        if (((live_in & written) >> i) & 1 && (r[i].t || r[i].v != x[i])) return;
    for (const Store& st : stores)
        for (const auto& [la, ls] : loads_in) {
            if (la + ls <= st.addr || st.addr + st.size <= la) continue;
            uint64_t now = 0;
            std::memcpy(&now, st.host, st.size);
            if (st.val.t || la != st.addr || ls != st.size || now != st.val.v) return;
        }

    // Iteration k reads t(k); same(k): it takes iteration 0's path. Since t(k)
    // grows with k and each comparison flips at most once, same() holds for
    // a prefix of k.
    auto same = [&](uint64_t k) {
        const uint64_t tk = time_at(cycle + k * dc + csr_cost);
        for (const Cond& c : conds)
            if (!monotonic(c, t0, tk) || compare(c.op, c.a.at(tk), c.b.at(tk)) != c.taken) return false;
        return true;
    };
    const uint64_t k_max = (dl - cycle - 1) / dc;  // iteration k_max still starts before the deadline
    if (k_max < 2 || !same(1)) return;
    uint64_t lo = 1, hi = k_max;  // same(lo); the last k <= k_max with same(k)
    if (same(hi)) lo = hi;
    else
        while (hi - lo > 1) {
            const uint64_t mid = lo + (hi - lo) / 2;
            (same(mid) ? lo : hi) = mid;
        }
    // Iterations 0..k-1 are skipped; iteration k runs for real.
    const uint64_t k = lo < k_max ? lo + 1 : lo;
    const uint64_t tl = time_at(cycle + (k - 1) * dc + csr_cost);
    for (unsigned i = 1; i < 32; ++i)
        if ((written >> i) & 1) x[i] = r[i].at(tl);
    for (const Store& st : stores) {
        const uint64_t v = st.val.at(tl);
        std::memcpy(st.host, &v, st.size);
    }
    instret += k * di;
    cycle += k * dc;
    spin_stats.skips++;
    spin_stats.instructions += k * di;
    spin_ = {pc, instret, cycle, events, priv, virt};
}

uint64_t Hart::time_at(uint64_t at_cycle) const {
    // The time CSR: mtime (CycleModel::kCyclesPerTick cycles a tick), plus htimedelta while V=1.
    const uint64_t now = mtime() + (virt ? csr.htimedelta : 0);
    return now + (at_cycle / CycleModel::kCyclesPerTick - cycle / CycleModel::kCyclesPerTick);
}

}  // namespace emu
