// What the GUI's panels show about a hart, computed without drawing:
// decoded CSR fields, the transformed instruction of htinst/mtinst, a
// translation (the walker's own recorded steps), the page-table trees behind
// satp, vsatp and hgatp coalesced into ranges, and the TLB's contents.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "emu/machine.hpp"
#include "isa/fields.hpp"

namespace gui {

// ---- CSRs ----
enum class CsrGroup { M, S, H, VS, U };
CsrGroup csr_group(uint16_t addr);
const char* csr_group_name(CsrGroup g);

struct CsrField {
    std::string name;
    std::string value;  // "1", "S", "Sv39", "0x80200000", a cause name, ...
    bool nonzero = false;
};
// The decoded fields of a CSR value (empty when the CSR has no fields worth decoding).
std::vector<CsrField> csr_fields(uint16_t addr, uint64_t value, bool h_enabled);
// The non-zero fields on one line, e.g. "MPP=S MPIE SUM".
std::string csr_summary(uint16_t addr, uint64_t value, bool h_enabled);

// htinst/mtinst: "sd a1,0(zero)", "implicit VS-stage PTE read", or "" for 0.
std::string tinst_text(uint64_t tinst);
// "load guest-page fault" or "cause N".
std::string cause_text(uint64_t cause, bool interrupt);

// ---- translation ----
enum class Regime {
    Hart,           // as the hart would translate a load now (Hart::debug_walk)
    Satp,           // S-mode through satp
    GuestVirtual,   // VS-mode: vsatp over hgatp (two stages)
    GuestPhysical,  // the G-stage alone: hgatp
};
const char* regime_name(Regime r);
bool regime_by_name(const std::string& s, Regime& out);

struct Translation {
    bool valid = false;
    uint64_t addr = 0;
    Regime regime = Regime::Hart;
    emu::Access access = emu::Access::Read;
    bool virt = false;     // two-stage (the grid applies)
    uint64_t atp = 0;      // satp or vsatp used
    uint64_t hgatp = 0;
    emu::WalkResult result;
    emu::WalkRecord record;  // the walker's recorded PTE reads, in order
    std::string context;     // which tables, which mode
    // Two-stage: the guest physical address of each VS-stage PTE (by level),
    // and the final guest physical address when the VS stage mapped addr.
    std::map<int, uint64_t> vs_pte_gpa;
    std::optional<uint64_t> gpa;
};
// The walk of `addr` by the emulator's walker (emu::walk through the hart's
// current CSRs; Regime::Hart uses Hart::debug_walk itself), recorded.
Translation translate(emu::Hart& h, Regime r, uint64_t addr, emu::Access acc);
// A translation to read memory with: physical address of addr, or nullopt.
std::optional<uint64_t> translate_address(emu::Hart& h, Regime r, uint64_t addr);

// ---- page tables ----
enum class Tables { Satp, Vsatp, Hgatp };
const char* tables_name(Tables t);

struct PtEntry {
    unsigned index = 0;
    uint64_t pte_addr = 0;  // host physical
    uint64_t pte = 0;
    uint64_t va = 0;        // first address it maps (VA, GVA or GPA)
    int child = -1;         // the next-level table, for pointers
};
struct PtTable {
    uint64_t pa = 0;   // host physical address
    uint64_t gpa = 0;  // guest physical address (VS-stage tables), else = pa
    int level = 0;
    uint64_t va = 0;   // first address the table covers
    std::vector<PtEntry> entries;  // valid entries only
    bool unreadable = false;       // not in RAM (or not mapped by the G-stage)
    bool repeated = false;         // already shown elsewhere in the tree
};
struct PtRange {
    uint64_t va = 0, size = 0, pa = 0;  // pa: guest physical for vsatp, else host physical
    uint8_t flags = 0;                  // V R W X U G of the leaves
    unsigned a = 0, d = 0, leaves = 0;  // how many leaves have A, D set
    int level = 0;                      // the smallest page level among the leaves
};
struct PageTables {
    Tables which = Tables::Satp;
    uint64_t atp = 0;
    std::string mode;  // "Sv39", "Sv48x4", "Bare", ...
    bool bare = true;
    uint64_t tag = 0;  // ASID or VMID
    std::vector<PtTable> tables;  // tables[0] is the root
    std::vector<PtRange> ranges;
    uint64_t pte_reads = 0;
    bool truncated = false;
};
PageTables read_page_tables(emu::Machine& m, emu::Hart& h, Tables which);
// The G-stage tree of any hgatp value (another VM's than the hart's now).
PageTables read_gstage_tables(emu::Machine& m, uint64_t hgatp);

// ---- TLB ----
// The rows are Hart::tlb_entries().
using TlbRow = emu::TlbView;
const char* tlb_context_name(unsigned ctx);
std::string tlb_tag_text(unsigned ctx, const emu::TlbTag& tag);

}  // namespace gui
