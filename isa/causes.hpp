// Interrupt numbers, exception causes and their names, as the privileged spec gives them.
#pragma once
#include <cstdint>
#include <string_view>

namespace isa {

// Interrupt bit numbers (mip/mie).
namespace irq {
constexpr unsigned SSI = 1, VSSI = 2, MSI = 3, STI = 5, VSTI = 6, MTI = 7, SEI = 9, VSEI = 10, MEI = 11, SGEI = 12;
constexpr unsigned LCOFI = 13;  // Sscofpmf: local counter overflow
constexpr uint64_t bit(unsigned n) { return 1ull << n; }
constexpr uint64_t S_BITS = bit(SSI) | bit(STI) | bit(SEI);
constexpr uint64_t VS_BITS = bit(VSSI) | bit(VSTI) | bit(VSEI);
// mideleg's read-only-one bits with H: the VS-level ones (VS interrupts go to
// HS first) and SGEIP, which GEILEN = 0 leaves to the implementation: one, as
// Spike and QEMU have it.
constexpr uint64_t MIDELEG_H = VS_BITS | bit(SGEI);
constexpr uint64_t M_BITS = bit(MSI) | bit(MTI) | bit(MEI);
}  // namespace irq

// Exception causes (mcause with the interrupt bit clear).
enum Cause : uint64_t {
    MISALIGNED_FETCH = 0, FETCH_ACCESS = 1, ILLEGAL_INSTRUCTION = 2, BREAKPOINT = 3, MISALIGNED_LOAD = 4,
    LOAD_ACCESS = 5, MISALIGNED_STORE = 6, STORE_ACCESS = 7, USER_ECALL = 8, SUPERVISOR_ECALL = 9,
    VIRTUAL_SUPERVISOR_ECALL = 10, MACHINE_ECALL = 11, FETCH_PAGE_FAULT = 12, LOAD_PAGE_FAULT = 13,
    STORE_PAGE_FAULT = 15, FETCH_GUEST_PAGE_FAULT = 20, LOAD_GUEST_PAGE_FAULT = 21, VIRTUAL_INSTRUCTION = 22,
    STORE_GUEST_PAGE_FAULT = 23,
};
constexpr uint64_t INTERRUPT_BIT = 1ull << 63;

// Name of an exception cause (interrupt=false) or interrupt number; "cause N" names are not returned: empty for unknown.
std::string_view cause_name(uint64_t code, bool interrupt);
}
