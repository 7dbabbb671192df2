#include "csr.hpp"

#include <array>
#include <string>

namespace isa {
namespace {

constexpr CsrInfo kCsrs[] = {
#define CSR(id, name, addr) {addr, name},
#include "csrs.def"
#undef CSR
};

// The numbered CSRs that are not rows of the table: prefix N at first + N.
struct Numbered {
    uint16_t first;
    unsigned from, to;  // N from..to-1
    const char* prefix;
};
constexpr Numbered kNumbered[] = {
    {0xc00, 3, 32, "hpmcounter"}, {0xb00, 3, 32, "mhpmcounter"}, {0x320, 3, 32, "mhpmevent"},
    {0x3a0, 0, 16, "pmpcfg"},     {0x3b0, 0, 64, "pmpaddr"},
};

// Their names, built once.
struct NumberedNames {
    std::array<std::string, 4096> names;
    NumberedNames() {
        for (const Numbered& r : kNumbered)
            for (unsigned i = r.from; i < r.to; ++i) names[r.first + i] = r.prefix + std::to_string(i);
        for (const auto& c : kCsrs) names[c.addr] = std::string(c.name);
    }
};
// Every defined address, a bit each (what the access checks ask on every CSR instruction).
struct Defined {
    uint64_t bits[64] = {};
    constexpr Defined() {
        auto set = [&](unsigned a) { bits[a / 64] |= 1ull << (a % 64); };
        for (const Numbered& r : kNumbered)
            for (unsigned i = r.from; i < r.to; ++i) set(r.first + i);
        for (const auto& c : kCsrs) set(c.addr);
    }
};
constexpr Defined kDefined;
const NumberedNames& numbered() {
    static const NumberedNames n;
    return n;
}

}  // namespace

std::span<const CsrInfo> csr_table() { return kCsrs; }

bool csr_exists(uint16_t addr) { return addr < 4096 && ((kDefined.bits[addr / 64] >> (addr % 64)) & 1); }

std::optional<std::string_view> csr_name(uint16_t addr) {
    if (addr >= 4096) return std::nullopt;
    const std::string& n = numbered().names[addr];
    if (n.empty()) return std::nullopt;
    return std::string_view(n);
}

std::optional<uint16_t> csr_by_name(std::string_view name) {
    const auto& names = numbered().names;
    for (unsigned a = 0; a < names.size(); ++a)
        if (!names[a].empty() && names[a] == name) return uint16_t(a);
    return std::nullopt;
}

}  // namespace isa
