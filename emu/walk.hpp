// The page-table walker: one function per the privileged spec's algorithm
// (section "Virtual Address Translation Process"), used for single-stage
// Sv39/Sv48 and, composed, for the H extension's two-stage translation
// (VS-stage over G-stage, where the G-stage also translates the VS-stage's own
// page-table reads). It records each step when asked, so what a user is shown
// is the walk the emulator performed.
#pragma once
#include <cstdint>
#include <functional>
#include <vector>

#include "priv.hpp"
#include "tlb.hpp"

namespace emu {

struct PteRead {
    bool gstage = false;  // a G-stage PTE (translating a guest-physical address)
    int level = 0;        // level of this PTE in its own stage (2..0 for Sv39)
    int vs_level = -1;    // for G-stage reads: the VS-stage level whose PTE address they translate; -1 = the final GPA
    uint64_t pte_addr = 0;  // physical (host) address the PTE was read from
    uint64_t pte_gpa = 0;   // its address in its own stage: guest physical for VS-stage PTEs, else pte_addr
    uint64_t pte = 0;       // PTE value as read (before any A/D update)
};

struct WalkRecord {
    std::vector<PteRead> reads;
    // Two-stage walks: the guest physical address the VS-stage leaf names
    // (recorded even when its permissions then fault); ~0 = none reached.
    uint64_t gpa = ~0ull;
    void clear() { reads.clear(); gpa = ~0ull; }
};

// How the walker reaches memory: physical reads and writes with PMP applied
// for implicit supervisor accesses. false = access fault.
struct WalkMemory {
    std::function<bool(uint64_t pa, uint64_t& value)> read_pte;
    std::function<bool(uint64_t pa, uint64_t value)> write_pte;
};

// What one stage's PTEs may use: the ISA's extensions as menvcfg/henvcfg enable them.
struct PteFeatures {
    bool napot = false;  // Svnapot: N marks a 64 KiB range; without it bit 63 is reserved
    bool pbmt = false;   // Svpbmt and PBMTE: the PBMT field; without it bits 62:61 are reserved
    bool adue = true;    // Svadu and ADUE: the walker sets A and D; false: Svade's page faults
};

struct WalkRequest {
    uint64_t va = 0;
    Access access = Access::Read;
    Priv priv = Priv::S;        // effective privilege of the access (U or S)
    bool virt = false;          // V=1: two-stage translation
    uint64_t atp = 0;           // satp, or vsatp when virt
    uint64_t hgatp = 0;         // used when virt
    bool sum = false;           // SUM of the first stage (sstatus or vsstatus)
    bool mxr = false;           // MXR of the first stage: mstatus.MXR | vsstatus.MXR when virt
    bool gmxr = false;          // MXR for the G-stage: mstatus.MXR
    bool hlvx = false;          // HLVX: execute permission stands in for read
    bool update_ad = true;      // false for debugger look-ups: no memory writes
    PteFeatures first;          // satp's or vsatp's stage
    PteFeatures g;              // the G-stage
};

struct WalkResult {
    bool ok = false;
    uint64_t pa = 0;
    uint64_t page_mask = 0xfff;  // offset bits of the (super)page that mapped va
    // On a fault: the exception cause, and for guest-page faults the guest
    // physical address (for htval/mtval2, before the >> 2) and whether the
    // fault happened on an implicit VS-stage page-table access.
    uint64_t cause = 0;
    uint64_t gpa = 0;
    bool guest_fault = false;
    bool implicit = false;
    bool implicit_write = false;  // the implicit access was an A/D update of a VS-stage PTE
    unsigned mem_reads = 0;  // PTE reads performed (both stages)
};

WalkResult walk(const WalkRequest& req, const WalkMemory& mem, WalkRecord* rec = nullptr);

// The request for a G-stage translation alone (VS-stage Bare) of a guest
// physical address under `hgatp`, as a debugger looks it up: no A/D updates.
WalkRequest gstage_request(uint64_t gpa, uint64_t hgatp, Access acc = Access::Read);

// Fault causes for each access kind.
uint64_t page_fault_cause(Access a);
uint64_t access_fault_cause(Access a);
uint64_t guest_page_fault_cause(Access a);

}  // namespace emu
