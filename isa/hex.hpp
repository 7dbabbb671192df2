// Numbers as hexadecimal text, the one way addresses and register values are printed.
#pragma once
#include <cstdint>
#include <string>

namespace isa {

// "0x1f"; with a width, zero-padded to that many digits ("0x0000001f").
std::string hex(uint64_t v, int width = 0);
// "1f": the digits alone, as device-tree unit addresses and gdb's remote protocol write them.
std::string hex_digits(uint64_t v);

}  // namespace isa
