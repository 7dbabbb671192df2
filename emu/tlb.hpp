// The translation cache: per translation context ("mode index": M, S, U and
// their variants), per access kind, a direct-mapped array of virtual page ->
// physical page, with a host pointer when the page is host-backed. An entry
// exists only when the access kind is permitted, so a hit needs no checks.
// Entries are tagged with the address-space tag (ASID, VMID) of the context
// they were filled in, so a switch of satp/vsatp/hgatp needs no flush.
#pragma once
#include <cstdint>

#include "isa/fields.hpp"

namespace emu {

struct DecodedPage;

enum class Access : uint8_t { Read = 0, Write = 1, Fetch = 2 };

// Translation contexts. MPRV and SUM select different indexes so toggling
// them costs no flush.
enum MmuIdx : uint8_t {
    IDX_M = 0,      // M-mode: physical
    IDX_S,          // S/HS-mode, SUM=0
    IDX_S_SUM,      // S/HS-mode, SUM=1
    IDX_U,          // U-mode
    IDX_VS,         // VS-mode (two-stage), SUM=0
    IDX_VS_SUM,     // VS-mode, SUM=1
    IDX_VU,         // VU-mode
    IDX_COUNT
};

// "M", "S", "S+SUM", "U", "VS", "VS+SUM", "VU".
const char* tlb_context_name(unsigned idx);

// The address-space tag of a translation context, which an entry must carry
// to hit: everything a walk's result depends on besides the address and the
// context's index. Packed into one word so a hit is one comparison.
struct TlbTag {
    uint64_t asid = 0;   // satp.ASID, or vsatp.ASID for V=1 contexts
    uint64_t vmid = 0;   // hgatp.VMID (V=1 contexts)
    uint64_t mode = 0;   // satp/vsatp MODE
    uint64_t gmode = 0;  // hgatp MODE (V=1 contexts)
    bool mxr = false;    // mstatus.MXR
    bool vs_mxr = false; // vsstatus.MXR (V=1 contexts)

    static constexpr TlbTag of_satp(uint64_t satp, bool mxr) {
        return {isa::atp::asid(satp), 0, isa::atp::mode(satp), 0, mxr, false};
    }
    static constexpr TlbTag of_vsatp(uint64_t vsatp, uint64_t hgatp, bool mxr, bool vs_mxr) {
        return {isa::atp::asid(vsatp), isa::atp::vmid(hgatp), isa::atp::mode(vsatp), isa::atp::mode(hgatp), mxr,
                vs_mxr};
    }
    constexpr uint64_t packed() const {
        return asid | vmid << 16 | mode << 32 | gmode << 36 | uint64_t(mxr) << 40 | uint64_t(vs_mxr) << 41;
    }
    static constexpr TlbTag unpack(uint64_t t) {
        return {t & 0xffff, (t >> 16) & 0x3fff, (t >> 32) & 0xf, (t >> 36) & 0xf, bool((t >> 40) & 1),
                bool((t >> 41) & 1)};
    }
};

struct TlbEntry {
    uint64_t vpn = ~0ull;   // virtual page number; ~0 = empty
    uint64_t tag = 0;       // TlbTag::packed() of the context it was filled in
    uint8_t* host = nullptr;  // host address of the page, or null (device/slow)
    uint64_t ppage = 0;     // physical page base address
    DecodedPage* code = nullptr;  // write entries: decoded instructions a store must drop
    uint64_t epoch = 0;     // the entry belongs to the TLB while this is its context's epoch
};

// The hot loop's view of an entry that has a host pointer: one comparison
// decides a hit (TinyEMU's {vaddr, addend}). The key is the page's virtual
// address with the context's fast generation in bits 3..11, so an access
// whose low bits (within its size) are not zero, i.e. a misaligned one,
// never matches and takes the slow path; host address = va + addend. Fetch
// entries keep the physical page in addend and the decoded page in code.
struct TlbFast {
    uint64_t key = kNoKey;
    uint64_t addend = 0;
    DecodedPage* code = nullptr;  // write entries: as TlbEntry::code; fetch entries: the decoded page
    static constexpr uint64_t kNoKey = 1;  // matches no access (every key has generation bits)
};

constexpr unsigned kTlbSize = 1024;

// The entries, and the fast view of those with host pointers. A flush is
// O(1): a context's epoch moves on (its entries no longer belong to the
// TLB) and its fast generation too (their fast keys no longer match).
// A fast generation also moves on when the context's tag changes, since a
// fast key does not hold the tag; the slow path then refreshes the entries
// that still hit, at no cost in the cycle model (a TLB hit costs nothing).
struct Tlb {
    static constexpr uint64_t kPageMask = 0xfff, kMaxGen = kPageMask >> 3;
    TlbEntry e[IDX_COUNT][3][kTlbSize];
    TlbFast fast[IDX_COUNT][3][kTlbSize];
    uint64_t epoch[IDX_COUNT] = {};
    uint64_t gen[IDX_COUNT] = {1, 1, 1, 1, 1, 1, 1};

    bool present(unsigned idx, const TlbEntry& t) const { return t.vpn != ~0ull && t.epoch == epoch[idx]; }
    uint64_t gen_bits(unsigned idx) const { return gen[idx] << 3; }
    // The key an access of `size` bytes (1, 2, 4, 8) at va must find.
    static uint64_t key(uint64_t va, unsigned size, uint64_t gen_bits) {
        return (va & ~(kPageMask ^ (size - 1))) | gen_bits;
    }
    void new_gen(unsigned idx) {
        if (++gen[idx] <= kMaxGen) return;
        gen[idx] = 1;  // wrapped: keys of the old generation 1 must go
        for (auto& a : fast[idx]) for (auto& f : a) f.key = TlbFast::kNoKey;
    }
    void new_gen_all() { for (unsigned i = 0; i < IDX_COUNT; ++i) new_gen(i); }
    void flush_idx(unsigned idx) { ++epoch[idx]; new_gen(idx); }
    void flush_all() { for (unsigned i = 0; i < IDX_COUNT; ++i) flush_idx(i); }
    void drop(unsigned idx, unsigned acc, unsigned slot) {
        e[idx][acc][slot].vpn = ~0ull;
        fast[idx][acc][slot].key = TlbFast::kNoKey;
    }
};

// One filled entry, decoded, for viewers.
struct TlbView {
    unsigned ctx = 0;  // MmuIdx
    Access access = Access::Read;
    unsigned slot = 0;
    uint64_t va = 0, pa = 0;
    TlbTag tag;
    bool live = false;  // the tag matches the context's tag now (the entry can hit)
    bool host = false;  // a host pointer (RAM fast path)
};

}  // namespace emu
