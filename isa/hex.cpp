#include "hex.hpp"

#include <cstdio>

namespace isa {

std::string hex(uint64_t v, int width) {
    char b[32];
    if (width) std::snprintf(b, sizeof b, "0x%0*llx", width, static_cast<unsigned long long>(v));
    else std::snprintf(b, sizeof b, "0x%llx", static_cast<unsigned long long>(v));
    return b;
}

std::string hex_digits(uint64_t v) {
    char b[24];
    std::snprintf(b, sizeof b, "%llx", static_cast<unsigned long long>(v));
    return b;
}

}  // namespace isa
