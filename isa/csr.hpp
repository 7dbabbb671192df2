// The CSR table as data: names and addresses, and the access rules that the
// address itself encodes.
#pragma once
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace isa {

enum class Csr : uint16_t {
#define CSR(id, name, addr) id = addr,
#include "csrs.def"
#undef CSR
};

struct CsrInfo {
    uint16_t addr;
    std::string_view name;
};

std::span<const CsrInfo> csr_table();
// The name of a CSR address: the table's name, the numbered counters
// (hpmcounterN, mhpmcounterN, mhpmeventN, pmpcfgN, pmpaddrN), or nullopt.
std::optional<std::string_view> csr_name(uint16_t addr);
std::optional<uint16_t> csr_by_name(std::string_view name);

// Whether a CSR of this address is defined (csr_name has a value), cheaply.
bool csr_exists(uint16_t addr);

// The VS CSR an access of a supervisor CSR reaches while V=1 (the
// hypervisor extension: sstatus is vsstatus, satp vsatp, ..., the AIA's
// siselect, sireg, stopei and stopi theirs); any other address is itself.
constexpr uint16_t vs_counterpart(uint16_t addr) {
    switch (Csr(addr)) {
    case Csr::SSTATUS: case Csr::SIE: case Csr::STVEC: case Csr::SSCRATCH: case Csr::SEPC: case Csr::SCAUSE:
    case Csr::STVAL: case Csr::SIP: case Csr::SATP: case Csr::STIMECMP:
    case Csr::SISELECT: case Csr::SIREG: case Csr::STOPEI: case Csr::STOPI:
        return uint16_t(addr + 0x100);
    default: return addr;
    }
}

// Lowest privilege (0 U, 1 S/HS, 2 H-level "VS" CSRs need HS, 3 M) from address bits 9:8.
inline unsigned csr_min_priv(uint16_t addr) { return (addr >> 8) & 3; }
inline bool csr_read_only(uint16_t addr) { return ((addr >> 10) & 3) == 3; }

}  // namespace isa
