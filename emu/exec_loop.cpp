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
const void* const* g_handlers = nullptr;  // exec_loop<false>'s labels, by Op
const void* g_fast_fp[size_t(Op::ILLEGAL) + 1] = {};  // host-FPU fast paths (fpu_host.hpp), by Op
}  // namespace

void Hart::init_dispatch() {
    static std::once_flag once;
    std::call_once(once, [this] { exec_loop<false>(0); });  // budget 0: only exports the handler table
}

void Hart::prepare(CachedInsn& c) {
    isa::Decoded& d = c.d;
    c.handler = g_fast_fp[size_t(d.op)] ? g_fast_fp[size_t(d.op)] : g_handlers[size_t(d.op)];
    d.cost = cost_of(d.op);
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

template <bool kDebug>
__attribute__((optimize("no-crossjumping", "no-gcse"))) uint64_t Hart::exec_loop(uint64_t budget) {
    static void* const kLabels[] = {
#define INSN(id, name, mask, match, fmt, ext) &&L_##id,
#include "isa/instructions.def"
#undef INSN
        &&L_ILLEGAL};
    if constexpr (!kDebug) {
        if (UNLIKELY(budget == 0)) {  // init_dispatch(): export the handlers
            g_handlers = kLabels;
            g_refetch_handler = &&L_REFETCH;
            for (auto [op, label] : {std::pair{Op::FLD, &&F_FLD}, {Op::FSD, &&F_FSD}, {Op::FADD_D, &&F_FADD_D},
                                     {Op::FSUB_D, &&F_FSUB_D}, {Op::FMUL_D, &&F_FMUL_D}, {Op::FDIV_D, &&F_FDIV_D},
                                     {Op::FSQRT_D, &&F_FSQRT_D}, {Op::FMADD_D, &&F_FMADD_D}, {Op::FMSUB_D, &&F_FMSUB_D},
                                     {Op::FNMSUB_D, &&F_FNMSUB_D}, {Op::FNMADD_D, &&F_FNMADD_D},
                                     {Op::FADD_S, &&F_FADD_S}, {Op::FSUB_S, &&F_FSUB_S}, {Op::FMUL_S, &&F_FMUL_S},
                                     {Op::FDIV_S, &&F_FDIV_S}, {Op::FMADD_S, &&F_FMADD_S}})
                g_fast_fp[size_t(op)] = label;
            return 0;
        }
    }
    uint64_t* const X = x;
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
    const isa::Decoded* d = nullptr;
    uint64_t npc;
    bool ok_;

#define SYNC() (pc = pc_, cycle = cyc, instret = ret)
#define RELOAD()                                                                                       \
    (pc_ = pc, cyc = cycle, ret = instret, dl = std::min(deadline_, cap), fva = fetch_page_va_,      \
     fpg = fetch_page_, rtlb = tlb_.fast[data_idx_][unsigned(Access::Read)],                       \
     wtlb = tlb_.fast[data_idx_][unsigned(Access::Write)], dgen = tlb_.gen_bits(data_idx_))
// An out-of-line operation; false when it trapped (pc is then the handler's).
#define CALL(expr) (cur_insn_ = d, SYNC(), ok_ = (expr), RELOAD(), ok_)
// Fetch and dispatch, repeated at the end of every handler (threaded code:
// each handler has its own indirect jump, so the predictor sees pairs).
#define DISPATCH()                                                                                      \
    do {                                                                                                \
        if (UNLIKELY(cyc >= dl)) goto out;                                                              \
        if constexpr (kDebug) goto debug_checks;                                                        \
        if (LIKELY((pc_ & ~(kPageSize - 1)) == fva)) {                                                  \
            const CachedInsn* c_ = &fpg->slot[(pc_ & (kPageSize - 1)) >> 1];                            \
            d = &c_->d;                                                                                 \
            cyc += d->cost;                                                                             \
            npc = pc_ + d->len;                                                                         \
            goto* c_->handler;                                                                          \
        }                                                                                               \
        goto slow_fetch;                                                                                \
    } while (0)
#define NEXT()     \
    do {           \
        pc_ = npc; \
        ++ret;     \
        DISPATCH(); \
    } while (0)
#define TRAPPED()        \
    do {                 \
        ++not_retired;   \
        DISPATCH();      \
    } while (0)
#define RD X[d->rd]
#define RS1 X[d->rs1]
#define RS2 X[d->rs2]
#define IMM uint64_t(d->imm)

    DISPATCH();
debug_checks:
    if constexpr (kDebug) {
        if (!first && m_.at_breakpoint(pc_)) goto out;
        first = false;
        if (triggers_armed_ && CALL(trigger_fires(Access::Fetch, pc_))) TRAPPED();
        if (LIKELY((pc_ & ~(kPageSize - 1)) == fva) && LIKELY((d = &fpg->slot[(pc_ & (kPageSize - 1)) >> 1].d)->len != 0)) {
            if (commit_) commit_insn_ = *d;
            cyc += d->cost;
            npc = pc_ + d->len;
            goto* kLabels[size_t(d->op)];
        }
    }
L_REFETCH:  // an empty slot of the current page (its cost and length are 0)
slow_fetch:
    SYNC();
    cur_insn_ = nullptr;
    {
        const CachedInsn* c = fetch_slow();
        RELOAD();
        if (!c) TRAPPED();
        d = &c->d;
    }
    if constexpr (kDebug) {
        if (commit_) commit_insn_ = *d;
    }
    cyc += d->cost;
    npc = pc_ + d->len;
    goto* kLabels[size_t(d->op)];

L_LUI: RD = IMM; NEXT();
L_AUIPC: RD = pc_ + IMM; NEXT();
L_JAL: {
    uint64_t t = pc_ + IMM;
    if (UNLIKELY(!c_enabled_ && (t & 2))) { (void)CALL((raise(MISALIGNED_FETCH, t, 0, 0, virt), false)); TRAPPED(); }
    RD = npc;
    npc = t;
    NEXT();
}
L_JALR: {
    uint64_t t = (RS1 + IMM) & ~1ull;
    if (UNLIKELY(!c_enabled_ && (t & 2))) { (void)CALL((raise(MISALIGNED_FETCH, t, 0, 0, virt), false)); TRAPPED(); }
    RD = npc;
    npc = t;
    NEXT();
}
#define BRANCH(OP, COND)                                                                              \
    L_##OP : if (COND) {                                                                              \
        uint64_t t = pc_ + IMM;                                                                       \
        if (UNLIKELY(!c_enabled_ && (t & 2))) { (void)CALL((raise(MISALIGNED_FETCH, t, 0, 0, virt), false)); TRAPPED(); } \
        npc = t;                                                                                      \
    }                                                                                                 \
    NEXT();
    BRANCH(BEQ, RS1 == RS2)
    BRANCH(BNE, RS1 != RS2)
    BRANCH(BLT, int64_t(RS1) < int64_t(RS2))
    BRANCH(BGE, int64_t(RS1) >= int64_t(RS2))
    BRANCH(BLTU, RS1 < RS2)
    BRANCH(BGEU, RS1 >= RS2)
#undef BRANCH
#define LOADOP(OP, T)                                                                                  \
    L_##OP : {                                                                                         \
        const uint64_t va = RS1 + IMM;                                                                 \
        const TlbFast& e = rtlb[(va >> kPageShift) & (kTlbSize - 1)];                                  \
        if (LIKELY(e.key == Tlb::key(va, sizeof(T), dgen))) {                                          \
            T v;                                                                                       \
            std::memcpy(&v, reinterpret_cast<const uint8_t*>(va + e.addend), sizeof(T));              \
            RD = uint64_t(v);                                                                          \
            NEXT();                                                                                    \
        }                                                                                              \
        uint64_t raw;                                                                                  \
        if (!CALL(load_slow(va, sizeof(T), raw))) TRAPPED();                                       \
        RD = uint64_t(T(raw));                                                                         \
        NEXT();                                                                                        \
    }
    LOADOP(LB, int8_t)
    LOADOP(LH, int16_t)
    LOADOP(LW, int32_t)
    LOADOP(LD, uint64_t)
    LOADOP(LBU, uint8_t)
    LOADOP(LHU, uint16_t)
    LOADOP(LWU, uint32_t)
#undef LOADOP
#define STOREOP(OP, T)                                                                                 \
    L_##OP : {                                                                                         \
        const uint64_t va = RS1 + IMM;                                                                 \
        const TlbFast& e = wtlb[(va >> kPageShift) & (kTlbSize - 1)];                                  \
        if (LIKELY(e.key == Tlb::key(va, sizeof(T), dgen))) {                                          \
            T v = T(RS2);                                                                              \
            std::memcpy(reinterpret_cast<uint8_t*>(va + e.addend), &v, sizeof(T));                     \
            if (UNLIKELY(e.code != nullptr)) invalidate_slots(e.code, va & (kPageSize - 1), sizeof(T)); \
            NEXT();                                                                                    \
        }                                                                                              \
        if (!CALL(store_slow(va, sizeof(T), RS2))) TRAPPED();                                      \
        NEXT();                                                                                        \
    }
    STOREOP(SB, uint8_t)
    STOREOP(SH, uint16_t)
    STOREOP(SW, uint32_t)
    STOREOP(SD, uint64_t)
#undef STOREOP
L_ADDI: RD = RS1 + IMM; NEXT();
L_SLTI: RD = int64_t(RS1) < d->imm; NEXT();
L_SLTIU: RD = RS1 < IMM; NEXT();
L_XORI: RD = RS1 ^ IMM; NEXT();
L_ORI: RD = RS1 | IMM; NEXT();
L_ANDI: RD = RS1 & IMM; NEXT();
L_SLLI: RD = RS1 << d->imm; NEXT();
L_SRLI: RD = RS1 >> d->imm; NEXT();
L_SRAI: RD = uint64_t(int64_t(RS1) >> d->imm); NEXT();
L_ADD: RD = RS1 + RS2; NEXT();
L_SUB: RD = RS1 - RS2; NEXT();
L_SLL: RD = RS1 << (RS2 & 63); NEXT();
L_SLT: RD = int64_t(RS1) < int64_t(RS2); NEXT();
L_SLTU: RD = RS1 < RS2; NEXT();
L_XOR: RD = RS1 ^ RS2; NEXT();
L_SRL: RD = RS1 >> (RS2 & 63); NEXT();
L_SRA: RD = uint64_t(int64_t(RS1) >> (RS2 & 63)); NEXT();
L_OR: RD = RS1 | RS2; NEXT();
L_AND: RD = RS1 & RS2; NEXT();
L_ADDIW: RD = sx32(RS1 + IMM); NEXT();
L_SLLIW: RD = sx32(uint32_t(RS1) << d->imm); NEXT();
L_SRLIW: RD = sx32(uint32_t(RS1) >> d->imm); NEXT();
L_SRAIW: RD = uint64_t(int64_t(int32_t(RS1) >> d->imm)); NEXT();
L_ADDW: RD = sx32(RS1 + RS2); NEXT();
L_SUBW: RD = sx32(RS1 - RS2); NEXT();
L_SLLW: RD = sx32(uint32_t(RS1) << (RS2 & 31)); NEXT();
L_SRLW: RD = sx32(uint32_t(RS1) >> (RS2 & 31)); NEXT();
L_SRAW: RD = uint64_t(int64_t(int32_t(RS1) >> (RS2 & 31))); NEXT();
L_FENCE: NEXT();
L_FENCE_I: NEXT();  // the decoded-instruction cache follows every store: nothing to flush
L_MUL: RD = RS1 * RS2; NEXT();
L_MULH: RD = uint64_t((__int128(int64_t(RS1)) * __int128(int64_t(RS2))) >> 64); NEXT();
L_MULHSU: RD = uint64_t((__int128(int64_t(RS1)) * __int128(static_cast<unsigned __int128>(RS2))) >> 64); NEXT();
L_MULHU: RD = uint64_t((static_cast<unsigned __int128>(RS1) * RS2) >> 64); NEXT();
L_DIV: {
    const int64_t a = int64_t(RS1), b = int64_t(RS2);
    RD = b == 0 ? ~0ull : (a == INT64_MIN && b == -1) ? uint64_t(a) : uint64_t(a / b);
    NEXT();
}
L_DIVU: RD = RS2 == 0 ? ~0ull : RS1 / RS2; NEXT();
L_REM: {
    const int64_t a = int64_t(RS1), b = int64_t(RS2);
    RD = b == 0 ? uint64_t(a) : (a == INT64_MIN && b == -1) ? 0 : uint64_t(a % b);
    NEXT();
}
L_REMU: RD = RS2 == 0 ? RS1 : RS1 % RS2; NEXT();
L_MULW: RD = sx32(uint32_t(RS1) * uint32_t(RS2)); NEXT();
L_DIVW: {
    const int32_t a = int32_t(RS1), b = int32_t(RS2);
    RD = b == 0 ? ~0ull : (a == INT32_MIN && b == -1) ? uint64_t(int64_t(a)) : uint64_t(int64_t(a / b));
    NEXT();
}
L_DIVUW: {
    const uint32_t a = uint32_t(RS1), b = uint32_t(RS2);
    RD = b == 0 ? ~0ull : sx32(a / b);
    NEXT();
}
L_REMW: {
    const int32_t a = int32_t(RS1), b = int32_t(RS2);
    RD = b == 0 ? uint64_t(int64_t(a)) : (a == INT32_MIN && b == -1) ? 0 : uint64_t(int64_t(a % b));
    NEXT();
}
L_REMUW: {
    const uint32_t a = uint32_t(RS1), b = uint32_t(RS2);
    RD = sx32(b == 0 ? a : a % b);
    NEXT();
}
#include "exec_bitmanip.inc"
    // The HINTs of Zihintntl and Zihintpause, Zcmop's c.mop.N; Zimop's mops write 0.
L_NTL_P1: L_NTL_PALL: L_NTL_S1: L_NTL_ALL: L_PAUSE: L_C_MOP_N: NEXT();
L_MOP_R_N: L_MOP_RR_N: RD = 0; NEXT();
L_CSRRS:
    if constexpr (!kDebug) {
        if (UNLIKELY(d->rs1 == 0 && (d->imm & 0xfff) == 0xc01)) {  // csrr rd, time: maybe a wait (emu/spin.cpp)
            cyc -= d->cost;
            SYNC();
            skip_time_spin(dl);
            RELOAD();
            cyc += d->cost;
        }
    }
    goto csr_access;
L_CSRRW: L_CSRRC: L_CSRRWI: L_CSRRSI: L_CSRRCI:
csr_access:
    suppress_instret_ = false;
    if (!CALL(exec_csr(*d))) TRAPPED();
    if (UNLIKELY(suppress_instret_)) {  // a write to minstret: this instruction does not count
        suppress_instret_ = false;
        pc_ = npc;
        ++not_retired;
        DISPATCH();
    }
    NEXT();
L_ECALL: L_EBREAK: L_WFI: L_WRS_NTO: L_WRS_STO: L_SFENCE_VMA:
    if (!CALL(exec_system(*d))) TRAPPED();
    NEXT();
L_MRET: L_SRET:
    if (!CALL(exec_system(*d))) TRAPPED();
    ++ret;  // pc is the xRET's target
    DISPATCH();
L_ILLEGAL:
    (void)CALL((illegal(*d), false));
    TRAPPED();

    // F and D on the host FPU where its answer is RISC-V's (fpu_host.hpp);
    // otherwise the generic handler (the soft-float) decides.
#define FP_OK() (fp_fast_ && (d->rm == 0 || d->rm == 7))
#define FP_BIN_D(OP, EXPR)                                                                          \
    F_##OP : if (FP_OK()) {                                                                         \
        const uint64_t a = f[d->rs1], b = f[d->rs2];                                                \
        uint64_t r;                                                                                 \
        if (fphost::plain64(a) && fphost::plain64(b) &&                                             \
            fphost::run64([&] { const double A = fphost::as_d(a), B = fphost::as_d(b); (void)B; return EXPR; }, r, csr.fflags)) { \
            f[d->rd] = r;                                                                           \
            NEXT();                                                                                 \
        }                                                                                           \
    }                                                                                               \
    goto L_##OP;
    FP_BIN_D(FADD_D, A + B)
    FP_BIN_D(FSUB_D, A - B)
    FP_BIN_D(FMUL_D, A * B)
    FP_BIN_D(FDIV_D, A / B)
    FP_BIN_D(FSQRT_D, __builtin_sqrt(A))
#undef FP_BIN_D
#define FP_BIN_S(OP, EXPR)                                                                          \
    F_##OP : if (FP_OK()) {                                                                         \
        const uint64_t a = f[d->rs1], b = f[d->rs2];                                                \
        uint64_t r;                                                                                 \
        if (fphost::plain32(a) && fphost::plain32(b) &&                                             \
            fphost::run32([&] { const float A = fphost::as_f(a), B = fphost::as_f(b); return EXPR; }, r, csr.fflags)) { \
            f[d->rd] = r;                                                                           \
            NEXT();                                                                                 \
        }                                                                                           \
    }                                                                                               \
    goto L_##OP;
    FP_BIN_S(FADD_S, A + B)
    FP_BIN_S(FSUB_S, A - B)
    FP_BIN_S(FMUL_S, A * B)
    FP_BIN_S(FDIV_S, A / B)
#undef FP_BIN_S
#define FP_FMA_D(OP, SA, SC)                                                                        \
    F_##OP : if (FP_OK() && fphost::have_fma()) {                                                   \
        const uint64_t a = f[d->rs1], b = f[d->rs2], c = f[d->rs3()];                                 \
        uint64_t r;                                                                                 \
        if (fphost::plain64(a) && fphost::plain64(b) && fphost::plain64(c) &&                       \
            fphost::run64([&] { return fphost::fma(SA fphost::as_d(a), fphost::as_d(b), SC fphost::as_d(c)); }, r, csr.fflags)) { \
            f[d->rd] = r;                                                                           \
            NEXT();                                                                                 \
        }                                                                                           \
    }                                                                                               \
    goto L_##OP;
    FP_FMA_D(FMADD_D, +, +)
    FP_FMA_D(FMSUB_D, +, -)
    FP_FMA_D(FNMSUB_D, -, +)
    FP_FMA_D(FNMADD_D, -, -)
#undef FP_FMA_D
F_FMADD_S:
    if (FP_OK() && fphost::have_fma()) {
        const uint64_t a = f[d->rs1], b = f[d->rs2], c = f[d->rs3()];
        uint64_t r;
        if (fphost::plain32(a) && fphost::plain32(b) && fphost::plain32(c) &&
            fphost::run32([&] { return fphost::fmaf(fphost::as_f(a), fphost::as_f(b), fphost::as_f(c)); }, r, csr.fflags)) {
            f[d->rd] = r;
            NEXT();
        }
    }
    goto L_FMADD_S;
F_FLD:
    if (fp_fast_) {
        const uint64_t va = RS1 + IMM;
        const TlbFast& e = rtlb[(va >> kPageShift) & (kTlbSize - 1)];
        if (LIKELY(e.key == Tlb::key(va, 8, dgen))) {
            std::memcpy(&f[d->rd], reinterpret_cast<const uint8_t*>(va + e.addend), 8);
            NEXT();
        }
    }
    goto L_FLD;
F_FSD:
    if (fp_fast_) {
        const uint64_t va = RS1 + IMM;
        const TlbFast& e = wtlb[(va >> kPageShift) & (kTlbSize - 1)];
        if (LIKELY(e.key == Tlb::key(va, 8, dgen))) {
            std::memcpy(reinterpret_cast<uint8_t*>(va + e.addend), &f[d->rs2], 8);
            if (UNLIKELY(e.code != nullptr)) invalidate_slots(e.code, va & (kPageSize - 1), 8);
            NEXT();
        }
    }
    goto L_FSD;
#undef FP_OK

#define INSN(id, name, mask, match, fmt, ext) OTHER_##ext(id)
#define OTHER_A(id) L_##id:
#define OTHER_H(id) L_##id:
#define OTHER_F(id) L_##id:
#define OTHER_D(id) L_##id:
#define OTHER_I(id)
#define OTHER_M(id)
#define OTHER_Zicsr(id)
#define OTHER_Zifencei(id)
#define OTHER_Priv(id)
#define OTHER_Zba(id)
#define OTHER_Zbb(id)
#define OTHER_Zbb_or_Zbkb(id)
#define OTHER_Zbc(id)
#define OTHER_Zbc_or_Zbkc(id)
#define OTHER_Zbs(id)
#define OTHER_Zbkb(id)
#define OTHER_Zbkx(id)
#define OTHER_Zicond(id)
#define OTHER_Zihintntl(id)
#define OTHER_Zihintpause(id)
#define OTHER_Zimop(id)
#define OTHER_Zcmop(id)
#define OTHER_Zawrs(id)
#define OTHER_Zicbom(id) L_##id:
#define OTHER_Zicboz(id) L_##id:
#define OTHER_Zicbop(id) L_##id:
#define OTHER_Svinval(id) L_##id:
#define OTHER_Zfh(id) L_##id:
#define OTHER_Zfhmin(id) L_##id:
#define OTHER_Zfhmin_and_D(id) L_##id:
#define OTHER_Zfa(id) L_##id:
#define OTHER_Zfa_and_D(id) L_##id:
#define OTHER_Zfa_and_Zfh(id) L_##id:
    // Every A, H, F, D and Zfh instruction (and the rarer extensions') lands here.
#include "isa/instructions.def"
#undef INSN
    if (!CALL(exec_other(*d))) TRAPPED();
    NEXT();

out:
    SYNC();
    return (ret - ret0) + not_retired;
#undef SYNC
#undef RELOAD
#undef CALL
#undef NEXT
#undef RD
#undef RS1
#undef RS2
#undef IMM
#undef DISPATCH
#undef TRAPPED
}

template uint64_t Hart::exec_loop<true>(uint64_t);
template uint64_t Hart::exec_loop<false>(uint64_t);

}  // namespace emu
