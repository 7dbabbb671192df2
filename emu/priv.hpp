// Privilege levels, CSR bit positions and trap causes, named as the privileged spec names them.
#pragma once
#include <cstdint>

namespace emu {

enum class Priv : uint8_t { U = 0, S = 1, M = 3 };

namespace mstatus {
constexpr uint64_t SIE = 1ull << 1, MIE = 1ull << 3, SPIE = 1ull << 5, UBE = 1ull << 6, MPIE = 1ull << 7,
                   SPP = 1ull << 8, VS = 3ull << 9, MPP = 3ull << 11, FS = 3ull << 13, XS = 3ull << 15,
                   MPRV = 1ull << 17, SUM = 1ull << 18, MXR = 1ull << 19, TVM = 1ull << 20, TW = 1ull << 21,
                   TSR = 1ull << 22, UXL = 3ull << 32, SXL = 3ull << 34, SBE = 1ull << 36, MBE = 1ull << 37,
                   GVA = 1ull << 38, MPV = 1ull << 39, SD = 1ull << 63;
constexpr unsigned MPP_SHIFT = 11, FS_SHIFT = 13;
}  // namespace mstatus

namespace hstatus {
constexpr uint64_t VSBE = 1ull << 5, GVA = 1ull << 6, SPV = 1ull << 7, SPVP = 1ull << 8, HU = 1ull << 9,
                   VGEIN = 0x3full << 12, VTVM = 1ull << 20, VTW = 1ull << 21, VTSR = 1ull << 22,
                   VSXL = 3ull << 32;
}  // namespace hstatus

// Interrupt bit numbers (mip/mie).
namespace irq {
constexpr unsigned SSI = 1, VSSI = 2, MSI = 3, STI = 5, VSTI = 6, MTI = 7, SEI = 9, VSEI = 10, MEI = 11, SGEI = 12;
constexpr uint64_t bit(unsigned n) { return 1ull << n; }
constexpr uint64_t S_BITS = bit(SSI) | bit(STI) | bit(SEI);
constexpr uint64_t VS_BITS = bit(VSSI) | bit(VSTI) | bit(VSEI);
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

// "M", "HS", "S", "VS", "U", "VU": HS/VS/VU when the H extension names them.
const char* priv_name(Priv p, bool v, bool h_enabled = false);

}  // namespace emu
