// The page-table walk of an address as text: every level, PTE address,
// value and decoded flags, and the result, drawn from the walker's own
// recorded steps. Shared by `debug`'s pt command and the demos.
#pragma once
#include <cstdint>
#include <string>

#include "emu/hart.hpp"

namespace cli {
std::string walk_text(emu::Hart& h, uint64_t va);
}
