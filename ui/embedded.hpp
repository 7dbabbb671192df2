// RISC-V images built from firmware/ (and later hv/) and embedded in the
// binary at build time, so `stepvisor demo` needs no files.
#pragma once
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace embedded {

struct Image {
    std::string_view name;
    std::span<const unsigned char> bytes;
};

std::span<const Image> images();

inline std::optional<std::span<const unsigned char>> find(std::string_view name) {
    for (const auto& i : images())
        if (i.name == name) return i.bytes;
    return std::nullopt;
}

}  // namespace embedded
