// The Advanced Interrupt Architecture's CSR state of a hart (Smaia, Ssaia;
// github riscv/riscv-aia, src/CSRs.adoc, src/MSLevel.adoc, src/VSLevel.adoc)
// and the pure priority rules behind mtopi, stopi and vstopi. The rules of
// access and the registers' behaviour are emu/aia_csr.cpp's.
//
// What this hart implements of the choices the spec leaves open:
//   - the M- and S-level iprio arrays are all read-only zeros (allowed: "the
//     iprio array must be accessible but may simply be all read-only zeros"),
//     so the default priority order decides and mtopi/stopi report IPRIO = 1
//     (the simplified IPRIO the spec allows then);
//   - mvien and hvien are read-only zero (the minimal implementation); mvip
//     bits 1, 5 and 9 are the aliases of mip.SSIP, STIP (while writable) and
//     the software-writable SEIP;
//   - hviprio1 has 8-bit priorities for interrupts 1 and 5, the only
//     configurable ones that exist here; hviprio2 is read-only zero;
//   - hvictl is complete (VTI, 12-bit IID, DPR, IPRIOM, IPRIO);
//   - miselect holds 8 bits, siselect and vsiselect 9 (0..0x1ff).
#pragma once
#include <cstdint>

namespace emu {

struct AiaCsrFile {
    uint64_t miselect = 0, siselect = 0, vsiselect = 0;
    uint64_t hvictl = 0, hviprio1 = 0;
};

namespace hvictl {
constexpr uint64_t VTI = 1ull << 30, IID = 0xfffull << 16, DPR = 1ull << 9, IPRIOM = 1ull << 8, IPRIO = 0xff;
constexpr uint64_t MASK = VTI | IID | DPR | IPRIOM | IPRIO;
constexpr unsigned iid(uint64_t v) { return unsigned(v >> 16) & 0xfff; }
}  // namespace hvictl
constexpr uint64_t kHviprio1Mask = 0xff00ff00;  // the bytes of interrupts 1 and 5

// The highest of `bits` (mip numbering) in the default priority order of the
// AIA (src/MSLevel.adoc, table "The standard major interrupt codes"):
// 11, 3, 7, 9, 1, 5, 12, 10, 2, 6; 64 when none.
unsigned default_highest(uint64_t bits);

// mtopi/stopi with read-only-zero iprio arrays: IID = the default-highest of
// the pending-and-enabled bits given, IPRIO = 1; 0 when none.
uint64_t topi_default(uint64_t pending_enabled);

// vstopi (src/VSLevel.adoc, "Virtual supervisor top interrupt CSR"):
//   vs        pending-and-enabled VS-level interrupts in VS numbering
//             (bit 1 SSI, 5 STI, 9 SEI: vsip & vsie)
//   vstopei   the priority vstopei reports (0 when VGEIN selects no guest file
//             or the file has nothing to report)
//   vgein_zero hstatus.VGEIN = 0
struct VsTop {
    uint64_t value = 0;      // IID << 16 | IPRIO, or 0
    bool from_hvictl = false;  // the candidate is hvictl's (VTI = 1, IID != 9), not a bit of vsip
};
VsTop vstopi(uint64_t vs, uint32_t vstopei, bool vgein_zero, uint64_t hvictl, uint64_t hviprio1);

}  // namespace emu
