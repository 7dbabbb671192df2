// The hot loop: fetch through the decoded-instruction cache, dispatch with
// one indirect jump per handler (threaded code), execute. It allocates
// nothing; integer instructions, branches, loads and stores that hit the
// TLB's host pointers, and F/D on the host FPU (fpu_host.hpp) run inline in
// their handlers, and everything else (a TLB miss, a CSR, a trap, FMA's CPU
// check) leaves through an out-of-line call. pc, cycle and instret live in locals (host stores through
// guest memory pointers would otherwise force the compiler to keep them in
// memory) and are written back around every out-of-line call.
#include "hart.hpp"
#include "fpu_host.hpp"
#include "machine.hpp"

#include <mutex>
#include <tuple>

#define LIKELY(x) __builtin_expect(!!(x), 1)
#define UNLIKELY(x) __builtin_expect(!!(x), 0)

namespace emu {
using isa::Op;

namespace {

inline uint64_t sx32(uint64_t v) { return uint64_t(int64_t(int32_t(uint32_t(v)))); }

// Zbb/Zbc/Zbkb/Zbkx operations without a single C++ operator.
inline uint64_t rotl64(uint64_t v, unsigned n) { n &= 63; return n ? (v << n) | (v >> (64 - n)) : v; }
inline uint32_t rotl32(uint32_t v, unsigned n) { n &= 31; return n ? (v << n) | (v >> (32 - n)) : v; }
// The 128-bit carry-less product of a and b.
inline unsigned __int128 clmul128(uint64_t a, uint64_t b) {
    unsigned __int128 r = 0;
    for (unsigned i = 0; i < 64; ++i)
        if ((b >> i) & 1) r ^= static_cast<unsigned __int128>(a) << i;
    return r;
}
inline uint64_t orc_b(uint64_t v) {
    uint64_t r = 0;
    for (unsigned i = 0; i < 64; i += 8)
        if ((v >> i) & 0xff) r |= 0xffull << i;
    return r;
}
inline uint64_t brev8(uint64_t v) {
    v = ((v & 0x5555555555555555ull) << 1) | ((v >> 1) & 0x5555555555555555ull);
    v = ((v & 0x3333333333333333ull) << 2) | ((v >> 2) & 0x3333333333333333ull);
    return ((v & 0x0f0f0f0f0f0f0f0full) << 4) | ((v >> 4) & 0x0f0f0f0f0f0f0f0full);
}
// xperm4/xperm8: each `bits`-wide element of idx selects an element of v (0 when out of range).
inline uint64_t xperm(uint64_t v, uint64_t idx, unsigned bits) {
    const uint64_t m = (1ull << bits) - 1;
    uint64_t r = 0;
    for (unsigned i = 0; i < 64; i += bits) {
        const uint64_t sel = (idx >> i) & m;
        if (sel * bits < 64) r |= ((v >> (sel * bits)) & m) << i;
    }
    return r;
}

// A store hit decoded instructions: forget the ones it may have overwritten.
inline void invalidate_slots(DecodedPage* p, uint64_t off, unsigned size) {
    uint64_t lo = off >= 2 ? (off - 2) >> 1 : 0, hi = (off + size - 1) >> 1;
    for (uint64_t i = lo; i <= hi; ++i) DecodedPage::forget(p->slot[i]);
}

uint8_t cost_of(Op op) {
    switch (op) {
    case Op::MUL: case Op::MULH: case Op::MULHSU: case Op::MULHU: case Op::MULW: return CycleModel::kMul;
    case Op::DIV: case Op::DIVU: case Op::REM: case Op::REMU: case Op::DIVW: case Op::DIVUW: case Op::REMW:
    case Op::REMUW: return CycleModel::kDiv;
    case Op::CSRRW: case Op::CSRRS: case Op::CSRRC: case Op::CSRRWI: case Op::CSRRSI: case Op::CSRRCI:
        return CycleModel::kCsr;
    case Op::FDIV_S: case Op::FDIV_D: case Op::FSQRT_S: case Op::FSQRT_D: case Op::FDIV_H: case Op::FSQRT_H:
        return CycleModel::kFpuDiv;
    default: break;
    }
    const auto& i = isa::info(op);
    if (i.format == isa::Format::AMO || i.format == isa::Format::LR) return CycleModel::kAmo;
    switch (i.ext) {
    case isa::Ext::F: case isa::Ext::D: case isa::Ext::Zfh: case isa::Ext::Zfhmin: case isa::Ext::Zfhmin_and_D:
    case isa::Ext::Zfa: case isa::Ext::Zfa_and_D: case isa::Ext::Zfa_and_Zfh:
        return CycleModel::kFpu;
    default: break;
    }
    return CycleModel::kBase;
}

}  // namespace

namespace {
// exec_loop<false>'s handlers as offsets from its base label: by Op, the
// host-FPU fast paths (fpu_host.hpp) by Op, and the one of an instruction
// that ends its page.
// Index 0: the compressed instructions' copies, 1: the 32-bit ones' (emu/exec_handlers.inc).
int32_t g_handlers[2][size_t(Op::ILLEGAL) + 1] = {};
int32_t g_fast_fp[2][size_t(Op::ILLEGAL) + 1] = {};
int32_t g_page_end = 0;
}  // namespace

void Hart::init_dispatch() {
    static std::once_flag once;
    std::call_once(once, [this] { exec_loop<false>(0); });  // budget 0: only exports the handler table
}

void Hart::prepare(CachedInsn& c, isa::Decoded d, unsigned page_offset) {
    sink_rd(d);
    c.op = d.op;
    c.rd = d.rd;
    c.rs1 = d.rs1;
    c.rs2 = d.rs2;
    c.rs3 = uint8_t(d.rs3());
    c.imm = int32_t(d.imm);
    c.len = d.len;
    c.cost = cost_of(d.op);
    // The host-FPU paths round to nearest-even: rm RNE or DYN (frm is checked as they run).
    const bool rm_ok = d.rm == 0 || d.rm == 7 || d.op == Op::FLD || d.op == Op::FSD;
    const unsigned w = d.len == 4;
    c.handler = page_offset + d.len == kPageSize ? g_page_end
              : g_fast_fp[w][size_t(d.op)] && rm_ok ? g_fast_fp[w][size_t(d.op)]
                                                    : g_handlers[w][size_t(d.op)];
}

void Hart::sink_rd(isa::Decoded& d) {
    using F = isa::Format;
    switch (isa::info(d.op).format) {
    case F::R: case F::I: case F::SHIFT: case F::SHIFTW: case F::LOAD: case F::U: case F::J: case F::JALR:
    case F::CSR: case F::CSRI: case F::AMO: case F::LR: case F::HLV: case F::F2X_RM: case F::F2X: case F::FCMP:
    case F::R1: case F::MOP_R: case F::MOP_RR:
        if (d.rd == 0) d.rd = kZeroSink;
        break;
    default: break;
    }
}

bool Hart::exec_other(const isa::Decoded& d) {
    switch (isa::info(d.op).ext) {
    case isa::Ext::A: return exec_amo(d);
    case isa::Ext::H:
        return (d.op == Op::HFENCE_VVMA || d.op == Op::HFENCE_GVMA) ? exec_system(d) : exec_hlsv(d);
    case isa::Ext::F: case isa::Ext::D: case isa::Ext::Zfh: case isa::Ext::Zfhmin: case isa::Ext::Zfhmin_and_D:
    case isa::Ext::Zfa: case isa::Ext::Zfa_and_D: case isa::Ext::Zfa_and_Zfh:
        return exec_fp(d);
    case isa::Ext::Zicbom: case isa::Ext::Zicboz: return exec_cbo(d);
    case isa::Ext::Zicbop: return true;  // prefetch hints: nothing to do
    case isa::Ext::Svinval: return exec_system(d);
    default: illegal(d); return false;
    }
}

// Each instantiation uses some of the handlers only (the checking loop
// neither the compressed copies nor the host-FPU paths).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-label"
template <bool kDebug>
__attribute__((optimize("no-crossjumping", "no-gcse"))) uint64_t Hart::exec_loop(uint64_t budget) {
    // The handlers by Op, of 32-bit instructions (the checking loop's for every length) and compressed ones.
    static void* const kLabels[] = {
#define INSN(id, name, mask, match, fmt, ext) &&L_##id##_w,
#include "isa/instructions.def"
#undef INSN
        &&L_ILLEGAL_w};
    static void* const kLabelsC[] = {
#define INSN(id, name, mask, match, fmt, ext) &&L_##id##_c,
#include "isa/instructions.def"
#undef INSN
        &&L_ILLEGAL_c};
    if constexpr (!kDebug) {
        if (UNLIKELY(budget == 0)) {  // init_dispatch(): export the handlers
            const char* const b = static_cast<const char*>(&&L_REFETCH);
            auto off = [b](const void* label) { return int32_t(static_cast<const char*>(label) - b); };
            for (size_t i = 0; i <= size_t(Op::ILLEGAL); ++i) {
                g_handlers[0][i] = off(kLabelsC[i]);
                g_handlers[1][i] = off(kLabels[i]);
            }
            g_refetch_handler = 0;
            g_page_end = off(&&L_PAGE_END);
#define FAST_FP(OP) {Op::OP, &&F_##OP##_c, &&F_##OP##_w}
            for (auto [op, c, w] : {std::tuple FAST_FP(FLD), FAST_FP(FSD), FAST_FP(FADD_D), FAST_FP(FSUB_D),
                                    FAST_FP(FMUL_D), FAST_FP(FDIV_D), FAST_FP(FSQRT_D), FAST_FP(FMADD_D),
                                    FAST_FP(FMSUB_D), FAST_FP(FNMSUB_D), FAST_FP(FNMADD_D), FAST_FP(FADD_S),
                                    FAST_FP(FSUB_S), FAST_FP(FMUL_S), FAST_FP(FDIV_S), FAST_FP(FMADD_S)}) {
                g_fast_fp[0][size_t(op)] = off(c);
                g_fast_fp[1][size_t(op)] = off(w);
            }
#undef FAST_FP
            return 0;
        }
    }
    if constexpr (!kDebug) fphost::discard();  // MXCSR's flags: the fast paths' only
    uint64_t* const X = x;
    const char* const base = static_cast<const char*>(&&L_REFETCH);  // handler offsets count from here
    uint64_t pc_ = pc, cyc = cycle, ret = instret;
    // Each instruction costs at least one cycle, so stopping at cycle
    // `cap` executes at most `budget` instructions; the caller loops for the rest.
    const uint64_t cap = budget > ~0ull - cyc ? ~0ull : cyc + budget;
    uint64_t dl = std::min(deadline_, cap);
    uint64_t fva = fetch_page_va_;
    DecodedPage* fpg = fetch_page_;
    const TlbFast* rtlb = tlb_.fast[data_idx_][unsigned(Access::Read)];
    const TlbFast* wtlb = tlb_.fast[data_idx_][unsigned(Access::Write)];
    uint64_t dgen = tlb_.gen_bits(data_idx_);
    const uint64_t ret0 = ret;
    uint64_t not_retired = 0;  // instructions that trapped (counted for the budget)
    bool first = true;
    const CachedInsn* d = nullptr;
    // The fast loop keeps no pc while handlers chain from slot to slot: an
    // instruction's pc is pcb + (its slot's address >> 3) (16-byte slots of
    // 2-byte half-words), pcb set where the chain starts. The checking loop
    // keeps pc_ and npc.
    uint64_t pcb = 0;
    uint64_t npc = 0;
    bool ok_;

#define SLOT_PC(c) (pcb + (uint64_t(reinterpret_cast<uintptr_t>(c)) >> 3))
#define PC (kDebug ? pc_ : SLOT_PC(d))
#define NPC (kDebug ? npc : SLOT_PC(d) + 2 * STEP)
// Around everything out of line, the fast loop folds the host-FPU paths'
// flags into fflags first and drops the host flags of what ran there after
// (fpu_host.hpp).
#define SYNC() (pc = pc_, cycle = cyc, instret = ret, kDebug ? void() : fphost::fold(csr.fflags))
#define RELOAD()                                                                                       \
    (kDebug ? void() : fphost::discard(), pc_ = pc, cyc = cycle, ret = instret,                      \
     dl = std::min(deadline_, cap), fva = fetch_page_va_, fpg = fetch_page_,                         \
     rtlb = tlb_.fast[data_idx_][unsigned(Access::Read)],                                            \
     wtlb = tlb_.fast[data_idx_][unsigned(Access::Write)], dgen = tlb_.gen_bits(data_idx_))
// An out-of-line operation; false when it trapped (pc is then the handler's).
// It may change what the next pc translates to: CNEXT() fetches it afresh.
#define CALL(expr) (cur_insn_ = d, pc_ = PC, npc = pc_ + d->len, SYNC(), ok_ = (expr), RELOAD(), ok_)
#define JUMP_TO(handler_off) goto* static_cast<const void*>(base + (handler_off))
// Fetch and dispatch at pc_, repeated at the end of every handler that
// changes control flow (threaded code: each handler has its own indirect
// jump, so the predictor sees pairs).
#define DISPATCH()                                                                                      \
    do {                                                                                                \
        if (UNLIKELY(cyc >= dl)) goto at_deadline;                                                      \
        if constexpr (kDebug) goto debug_checks;                                                        \
        if (LIKELY((pc_ & ~(kPageSize - 1)) == fva)) {                                                  \
            d = &fpg->slot[(pc_ & (kPageSize - 1)) >> 1];                                               \
            pcb = fva - (uint64_t(reinterpret_cast<uintptr_t>(fpg)) >> 3);                              \
            cyc += d->cost;                                                                             \
            JUMP_TO(d->handler);                                                                        \
        }                                                                                               \
        goto slow_fetch;                                                                                \
    } while (0)
// The next instruction in sequence: the fast loop goes on to the next slot
// of the page (an empty slot's handler fetches; the last instruction of a
// page is dispatched through L_PAGE_END, which ends the chain there).
#define NEXT()                                                                                          \
    do {                                                                                                \
        if constexpr (kDebug) {                                                                         \
            pc_ = npc;                                                                                  \
            ++ret;                                                                                      \
            DISPATCH();                                                                                 \
        } else {                                                                                        \
            d += STEP;                                                                                  \
            ++ret;                                                                                      \
            if (UNLIKELY(cyc >= dl)) goto chain_stop;                                                   \
            cyc += d->cost;                                                                             \
            JUMP_TO(d->handler);                                                                        \
        }                                                                                               \
    } while (0)
#define JUMP(target) \
    do {             \
        pc_ = target; \
        ++ret;       \
        DISPATCH();  \
    } while (0)
// After a CALL that returned true: the next instruction, fetched at its pc.
#define CNEXT() JUMP(npc)
#define TRAPPED()        \
    do {                 \
        ++not_retired;   \
        DISPATCH();      \
    } while (0)
// Before a time read that may be a wait (pc on it, its cycles not yet spent).
#define SKIP_TIME_SPIN(mmio)                         \
    do {                                             \
        cyc -= d->cost;                              \
        pc_ = PC;                                    \
        SYNC();                                      \
        skip_time_spin(std::min(deadline_, cap), mmio); \
        RELOAD();                                    \
        cyc += d->cost;                              \
    } while (0)
#define RD X[d->rd]
#define RS1 X[d->rs1]
#define RS2 X[d->rs2]
#define IMM uint64_t(int64_t(d->imm))

    DISPATCH();
at_deadline:  // also when L_PAGE_END lowered dl to end a chain
    if (cyc >= (dl = std::min(deadline_, cap))) goto out;
    if constexpr (kDebug) goto debug_checks;
    if (LIKELY((pc_ & ~(kPageSize - 1)) == fva)) {
        d = &fpg->slot[(pc_ & (kPageSize - 1)) >> 1];
        pcb = fva - (uint64_t(reinterpret_cast<uintptr_t>(fpg)) >> 3);
        cyc += d->cost;
        JUMP_TO(d->handler);
    }
    goto slow_fetch;
chain_stop: __attribute__((unused));
    pc_ = SLOT_PC(d);
    DISPATCH();
L_PAGE_END: __attribute__((unused));  // the page's last instruction: it runs, then the next one is fetched at its pc
    if constexpr (!kDebug) {
        dl = 0;
        JUMP_TO(g_handlers[d->len == 4][size_t(d->op)]);
    }
debug_checks: __attribute__((unused));
    if constexpr (kDebug) {
        if (!first && m_.at_breakpoint(pc_)) goto out;
        first = false;
        if (triggers_armed_ && CALL(trigger_fires(Access::Fetch, pc_))) TRAPPED();
        if (LIKELY((pc_ & ~(kPageSize - 1)) == fva) && LIKELY((d = &fpg->slot[(pc_ & (kPageSize - 1)) >> 1])->len != 0)) {
            if (commit_) { cur_insn_ = d; commit_insn_ = insn(); }
            cyc += d->cost;
            npc = pc_ + d->len;
            goto* kLabels[size_t(d->op)];
        }
    }
    goto slow_fetch;
L_REFETCH:  // an empty slot (its cost and length are 0)
    if constexpr (!kDebug) pc_ = SLOT_PC(d);
slow_fetch:
    SYNC();
    cur_insn_ = nullptr;
    {
        const CachedInsn* c = fetch_slow();
        RELOAD();
        if (!c) TRAPPED();
        d = c;
    }
    cyc += d->cost;
    if constexpr (kDebug) {
        if (commit_) { cur_insn_ = d; commit_insn_ = insn(); }
        npc = pc_ + d->len;
        goto* kLabels[size_t(d->op)];
    } else {
        pcb = pc_ - (uint64_t(reinterpret_cast<uintptr_t>(d)) >> 3);
        JUMP_TO(d->handler);
    }

#define HCAT2(a, b, c) a##b##c
#define HCAT(a, b, c) HCAT2(a, b, c)
#define H(x) HCAT(L_, x, HSFX)
#define HF(x) HCAT(F_, x, HSFX)
#define HSFX _w
#define STEP 2
#include "exec_handlers.inc"
#undef HSFX
#undef STEP
#define HSFX _c
#define STEP 1
#include "exec_handlers.inc"
#undef HSFX
#undef STEP
#undef H
#undef HF

out:
    SYNC();
    return (ret - ret0) + not_retired;
#undef SYNC
#undef RELOAD
#undef CALL
#undef CNEXT
#undef JUMP
#undef JUMP_TO
#undef SLOT_PC
#undef PC
#undef NPC
#undef NEXT
#undef RD
#undef RS1
#undef RS2
#undef IMM
#undef DISPATCH
#undef TRAPPED
#undef SKIP_TIME_SPIN
}

template uint64_t Hart::exec_loop<true>(uint64_t);
template uint64_t Hart::exec_loop<false>(uint64_t);
#pragma GCC diagnostic pop

}  // namespace emu
