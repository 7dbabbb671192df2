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
};

constexpr unsigned kTlbSize = 1024;

struct Tlb {
    TlbEntry e[IDX_COUNT][3][kTlbSize];
    void flush_all() {
        for (auto& i : e) for (auto& a : i) for (auto& t : a) t.vpn = ~0ull;
    }
    void flush_idx(unsigned idx) {
        for (auto& a : e[idx]) for (auto& t : a) t.vpn = ~0ull;
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
