// The translation cache: per translation context ("mode index": M, S, U and
// their variants), per access kind, a direct-mapped array of virtual page ->
// physical page, with a host pointer when the page is host-backed. An entry
// exists only when the access kind is permitted, so a hit needs no checks.
// Entries are tagged with the address-space tag (ASID, VMID) of the context
// they were filled in, so a switch of satp/vsatp/hgatp needs no flush.
#pragma once
#include <cstdint>

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

struct TlbEntry {
    uint64_t vpn = ~0ull;   // virtual page number; ~0 = empty
    uint64_t tag = 0;       // ASID | VMID << 16 | MXR << 32 ... of the context
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

}  // namespace emu
