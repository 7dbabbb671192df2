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

// The numbered CSRs that are not rows of the table: prefix N at first + N.
struct NumberedCsrs {
    uint16_t first;
    unsigned from, to;  // N from..to-1
    const char* prefix;
};
inline constexpr NumberedCsrs kNumberedCsrs[] = {
    {0xc00, 3, 32, "hpmcounter"}, {0xb00, 3, 32, "mhpmcounter"}, {0x320, 3, 32, "mhpmevent"},
    {0x3a0, 0, 16, "pmpcfg"},     {0x3b0, 0, 64, "pmpaddr"},
};

namespace detail {
// Every defined address, a bit each (asked by every CSR instruction's access check).
struct DefinedCsrs {
    uint64_t bits[64] = {};
    constexpr DefinedCsrs() {
        auto set = [&](unsigned a) { bits[a / 64] |= 1ull << (a % 64); };
        for (const NumberedCsrs& r : kNumberedCsrs)
            for (unsigned i = r.from; i < r.to; ++i) set(r.first + i);
#define CSR(id, name, addr) set(addr);
#include "csrs.def"
#undef CSR
    }
};
inline constexpr DefinedCsrs kDefinedCsrs;
}  // namespace detail

// Whether a CSR of this address is defined (csr_name has a value).
constexpr bool csr_exists(uint16_t addr) {
    return addr < 4096 && ((detail::kDefinedCsrs.bits[addr / 64] >> (addr % 64)) & 1);
}

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
