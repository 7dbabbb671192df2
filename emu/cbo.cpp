// Zicbom and Zicboz: the cache-block operations on the 64-byte block that
// holds rs1. The machine has no caches, so clean, flush and inval only check
// that the block may be accessed; cbo.zero stores 64 zero bytes.
#include "hart.hpp"

namespace emu {

namespace {
constexpr uint64_t kBlock = Hart::kCacheBlock;
}  // namespace

bool Hart::exec_cbo(const isa::Decoded& d) {
    using isa::Op;
    namespace env = isa::envcfg;
    // The enabling field at each level: cbo.inval's CBIE is 01 (flush) or 11
    // (invalidate) when enabled, which is the same thing here.
    auto on = [&](uint64_t envcfg) {
        switch (d.op) {
        case Op::CBO_INVAL: return env::cbie(envcfg) != 0;
        case Op::CBO_ZERO: return (envcfg & env::CBZE) != 0;
        default: return (envcfg & env::CBCFE) != 0;
        }
    };
    // Below M: menvcfg decides, then henvcfg for V=1 (a virtual-instruction
    // exception), then senvcfg for U and VU.
    if (priv != Priv::M) {
        if (!on(csr.menvcfg)) { illegal(d); return false; }
        if (virt && !on(csr.henvcfg)) { virtual_instruction(d); return false; }
        if (priv == Priv::U && !on(csr.senvcfg)) { virt ? virtual_instruction(d) : illegal(d); return false; }
    }
    const uint64_t va = x[d.rs1];
    const uint64_t base = va & ~(kBlock - 1);
    if (d.op == Op::CBO_ZERO) {
        // Faults report the block's address, as Spike's byte stores do (the
        // Sail model reports rs1). With a commit log, byte stores as Spike
        // logs them (riscv-isa-sim mmu_t::cbo_zero).
        const unsigned w = commit_ ? 1 : 8;
        for (uint64_t off = 0; off < kBlock; off += w)
            if (!store_slow(base + off, w, 0)) return false;
        return true;
    }
    // Permitted where a load or a store is; translated as a load (as Spike
    // and the Sail model do), and a refusal is reported as the store
    // exception, with rs1 in xtval. Only RAM has cache blocks.
    uint64_t pa;
    uint8_t* host;
    cmo_store_faults_ = true;
    const bool ok = translate(va, Access::Read, 1, pa, host, data_virt_, data_priv_, false, false, data_idx_);
    cmo_store_faults_ = false;
    if (!ok) return false;
    if (!bus_.region(pa & ~(kPageSize - 1), kPageSize)) {
        raise(STORE_ACCESS, va, 0, 0, data_virt_);
        return false;
    }
    return true;
}

}  // namespace emu
