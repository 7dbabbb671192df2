// Privilege levels, interrupt bits and trap causes, named as the privileged spec names them.
#pragma once
#include <cstdint>

#include "isa/causes.hpp"
#include "isa/fields.hpp"

namespace emu {

enum class Priv : uint8_t { U = 0, S = 1, M = 3 };

// The status registers' fields are isa/fields.hpp's.
namespace mstatus = isa::mstatus;
namespace hstatus = isa::hstatus;

// Interrupt numbers and exception causes are isa/causes.hpp's.
namespace irq = isa::irq;
using isa::Cause;
using enum isa::Cause;
using isa::INTERRUPT_BIT;

// "M", "HS", "S", "VS", "U", "VU": HS/VS/VU when the H extension names them.
const char* priv_name(Priv p, bool v, bool h_enabled = false);

}  // namespace emu
