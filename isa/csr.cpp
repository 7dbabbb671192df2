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

// The names of the numbered CSRs and of the table's rows, built once.
struct NumberedNames {
    std::array<std::string, 4096> names;
    NumberedNames() {
        for (const NumberedCsrs& r : kNumberedCsrs)
            for (unsigned i = r.from; i < r.to; ++i) names[r.first + i] = r.prefix + std::to_string(i);
        for (const auto& c : kCsrs) names[c.addr] = std::string(c.name);
    }
};
const NumberedNames& numbered() {
    static const NumberedNames n;
    return n;
}

}  // namespace

std::span<const CsrInfo> csr_table() { return kCsrs; }

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
