// Trap-cause names as the privileged spec gives them.
#pragma once
#include <cstdint>
#include <string_view>

namespace isa {
// Name of an exception cause (interrupt=false) or interrupt number; "cause N" names are not returned: empty for unknown.
std::string_view cause_name(uint64_t code, bool interrupt);
}
