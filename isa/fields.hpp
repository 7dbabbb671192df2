// Field layouts of the privileged architecture as data: the status registers'
// bits, satp/vsatp/hgatp (MODE, ASID/VMID, PPN; the x4 root of the G-stage),
// page-table entries, and the tag of a TLB entry. The emulator's write masks
// and walker and every viewer read these; none repeats a bit position.
#pragma once
#include <bit>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace isa {

// ---- status registers (mstatus; sstatus and vsstatus are views of its layout)
namespace mstatus {
constexpr uint64_t SIE = 1ull << 1, MIE = 1ull << 3, SPIE = 1ull << 5, UBE = 1ull << 6, MPIE = 1ull << 7,
                   SPP = 1ull << 8, VS = 3ull << 9, MPP = 3ull << 11, FS = 3ull << 13, XS = 3ull << 15,
                   MPRV = 1ull << 17, SUM = 1ull << 18, MXR = 1ull << 19, TVM = 1ull << 20, TW = 1ull << 21,
                   TSR = 1ull << 22, UXL = 3ull << 32, SXL = 3ull << 34, SBE = 1ull << 36, MBE = 1ull << 37,
                   GVA = 1ull << 38, MPV = 1ull << 39, SD = 1ull << 63;
constexpr unsigned MPP_SHIFT = 11, FS_SHIFT = 13;
// sstatus (and vsstatus): the fields of mstatus S-mode sees, the ones csr_fields lists for them.
constexpr uint64_t SSTATUS_VIEW = SIE | SPIE | UBE | SPP | VS | FS | XS | SUM | MXR | UXL | SD;
}  // namespace mstatus

namespace hstatus {
constexpr uint64_t VSBE = 1ull << 5, GVA = 1ull << 6, SPV = 1ull << 7, SPVP = 1ull << 8, HU = 1ull << 9,
                   VGEIN = 0x3full << 12, VTVM = 1ull << 20, VTW = 1ull << 21, VTSR = 1ull << 22,
                   VSXL = 3ull << 32;
}  // namespace hstatus

// ---- satp, vsatp (MODE, ASID, PPN) and hgatp (MODE, VMID, PPN)
namespace atp {
enum class Mode : uint8_t { Bare = 0, Sv39 = 8, Sv48 = 9, Sv57 = 10 };
constexpr unsigned MODE_SHIFT = 60, ID_SHIFT = 44;
constexpr uint64_t MODE_MASK = 0xfull << MODE_SHIFT;
constexpr uint64_t ASID_BITS = 0xffff, VMID_BITS = 0x3fff;  // satp/vsatp ASID, hgatp VMID
constexpr uint64_t PPN_MASK = (1ull << 44) - 1;
constexpr uint64_t SATP_MASK = MODE_MASK | (ASID_BITS << ID_SHIFT) | PPN_MASK;
constexpr uint64_t HGATP_MASK = MODE_MASK | (VMID_BITS << ID_SHIFT) | PPN_MASK;

constexpr uint64_t mode(uint64_t atp) { return atp >> MODE_SHIFT; }
constexpr bool bare(uint64_t atp) { return mode(atp) == uint64_t(Mode::Bare); }
constexpr uint64_t asid(uint64_t satp) { return (satp >> ID_SHIFT) & ASID_BITS; }
constexpr uint64_t vmid(uint64_t hgatp) { return (hgatp >> ID_SHIFT) & VMID_BITS; }
constexpr uint64_t ppn(uint64_t atp) { return atp & PPN_MASK; }
// The MODEs this machine implements (a write of any other has no effect).
constexpr bool mode_supported(uint64_t atp) {
    const uint64_t m = mode(atp);
    return m == uint64_t(Mode::Bare) || m == uint64_t(Mode::Sv39) || m == uint64_t(Mode::Sv48);
}
// "Sv39", "Sv48x4", ...; nullptr for a MODE the spec does not define here.
const char* mode_name(uint64_t mode, bool gstage);

// The table geometry a (supported, non-Bare) atp value selects.
struct Layout {
    unsigned levels;        // 3 (Sv39, Sv39x4) or 4 (Sv48, Sv48x4)
    unsigned va_bits;       // 39/48, and two more for the x4 G-stage
    uint64_t root;          // physical address of the root table
    unsigned root_entries;  // 512, or 2048 in the x4 root (16 KiB, PPN[1:0] ignored)
};
constexpr std::optional<Layout> layout(uint64_t atp, bool gstage) {
    unsigned levels;
    if (mode(atp) == uint64_t(Mode::Sv39)) levels = 3;
    else if (mode(atp) == uint64_t(Mode::Sv48)) levels = 4;
    else return std::nullopt;
    const unsigned va_bits = 12 + 9 * levels + (gstage ? 2 : 0);
    const uint64_t root = (gstage ? ppn(atp) & ~3ull : ppn(atp)) << 12;
    return Layout{levels, va_bits, root, gstage ? 2048u : 512u};
}
// VPN[level] of an address: 9 bits, 11 in the root of an x4 G-stage.
constexpr uint64_t vpn(const Layout& l, uint64_t va, int level, bool gstage) {
    const unsigned bits = (gstage && level == int(l.levels) - 1) ? 11 : 9;
    return (va >> (12 + 9 * level)) & ((1ull << bits) - 1);
}
}  // namespace atp

// ---- page-table entries (Sv39/Sv48 and their x4 variants)
namespace pte {
constexpr uint64_t V = 1, R = 2, W = 4, X = 8, U = 16, G = 32, A = 64, D = 128;
constexpr uint64_t FLAGS = 0xff;
constexpr uint64_t PPN_MASK = ((1ull << 44) - 1) << 10;
constexpr uint64_t RESERVED = 0x1fc0000000000000ull;  // bits 60:54
constexpr uint64_t PBMT = 3ull << 61;   // Svpbmt: 0 PMA, 1 NC, 2 IO, 3 reserved
constexpr uint64_t N = 1ull << 63;      // Svnapot: a naturally aligned power-of-two range
// Svnapot's one defined size: a level-0 leaf with N and PPN[3:0] = 1000 maps 64 KiB.
constexpr uint64_t NAPOT64K_PPN_LOW = 0x8;
constexpr uint64_t pbmt(uint64_t pte) { return (pte & PBMT) >> 61; }
constexpr uint64_t ppn(uint64_t pte) { return (pte & PPN_MASK) >> 10; }
constexpr uint64_t addr(uint64_t pte) { return ppn(pte) << 12; }  // next table, or the leaf's page
constexpr bool valid(uint64_t pte) { return pte & V; }
constexpr bool leaf(uint64_t pte) { return pte & (R | W | X); }
// Bytes a leaf at `level` maps: 4 KiB, 2 MiB, 1 GiB, 512 GiB.
constexpr uint64_t page_size(int level) { return 1ull << (12 + 9 * level); }
// "VRWXUGAD": the letter for each set bit, '-' for each clear one.
std::string flags_text(uint64_t pte);
}  // namespace pte

// ---- menvcfg, senvcfg, henvcfg (senvcfg has only FIOM and the CBO fields)
namespace envcfg {
constexpr uint64_t FIOM = 1;
constexpr uint64_t CBIE = 3ull << 4;   // Zicbom cbo.inval: 00 illegal, 01 flush, 11 invalidate
constexpr uint64_t CBCFE = 1ull << 6;  // Zicbom cbo.clean/cbo.flush
constexpr uint64_t CBZE = 1ull << 7;   // Zicboz cbo.zero
constexpr uint64_t ADUE = 1ull << 61;  // Svadu: hardware A/D updates
constexpr uint64_t PBMTE = 1ull << 62; // Svpbmt
constexpr uint64_t STCE = 1ull << 63;  // Sstc
constexpr uint64_t cbie(uint64_t v) { return (v & CBIE) >> 4; }
}  // namespace envcfg

// ---- mstateen0..3, hstateen0..3 (Smstateen/Ssstateen): the state they let lower modes reach
namespace stateen {
constexpr uint64_t SE = 1ull << 63;      // hstateenN and sstateenN (in stateen0: SE0)
constexpr uint64_t ENVCFG = 1ull << 62;  // stateen0: senvcfg, henvcfg
// stateen0 with the AIA (src/CSRs.adoc, "Access control by the state-enable CSRs"):
constexpr uint64_t CSRIND = 1ull << 60;  // siselect, sireg, vsiselect, vsireg
constexpr uint64_t AIA = 1ull << 59;     // the other AIA state: stopi, vstopi, hvien, hvictl, hviprio*, iprio
constexpr uint64_t IMSIC = 1ull << 58;   // IMSIC state: stopei, vstopei, *ireg 0x70..0xff
}  // namespace stateen

// ---- mhpmevent3..31: Sscofpmf's bits, and the events the counters know (the SBI
// PMU's event_idx values, which OpenSBI writes as mhpmevent, as on QEMU virt)
namespace hpmevent {
constexpr uint64_t OF = 1ull << 63;     // overflowed (and no further overflow interrupt)
constexpr uint64_t MINH = 1ull << 62;   // no counting in M-mode
constexpr uint64_t SINH = 1ull << 61;   // ... in S/HS-mode
constexpr uint64_t UINH = 1ull << 60;   // ... in U-mode
constexpr uint64_t VSINH = 1ull << 59;  // ... in VS-mode
constexpr uint64_t VUINH = 1ull << 58;  // ... in VU-mode
constexpr uint64_t EVENT = 0xfffff;     // the event selector (an SBI event_idx)
constexpr uint64_t CYCLES = 0x1, INSTRUCTIONS = 0x2;
constexpr uint64_t DTLB_READ_MISS = 0x10019, DTLB_WRITE_MISS = 0x1001b, ITLB_READ_MISS = 0x10021;
}  // namespace hpmevent

// ---- mseccfg: only Zkr's bits (no Smepmp)
namespace mseccfg {
constexpr uint64_t USEED = 1ull << 8;  // U-mode may access seed
constexpr uint64_t SSEED = 1ull << 9;  // S-mode may access seed
}  // namespace mseccfg

// ---- seed (Zkr): OPST (bits 31:30) and 16 bits of entropy
namespace seed {
constexpr uint64_t OPST_SHIFT = 30;
constexpr uint64_t BIST = 0, WAIT = 1, ES16 = 2, DEAD = 3;
constexpr uint64_t ENTROPY = 0xffff;
}  // namespace seed

// ---- fields of a CSR, for viewers: name, bits, and how to read the value
struct Field {
    std::string_view name;
    uint64_t mask;  // the field's bits in place
    enum Kind : uint8_t { Flag, Num, Priv2, Fs, Xl, Atp, Gatp, Addr12, Cause } kind;
    constexpr unsigned lsb() const { return unsigned(std::countr_zero(mask)); }
    constexpr uint64_t get(uint64_t v) const { return (v & mask) >> lsb(); }
};
// The fields of the CSR at `addr` (mstatus, sstatus, vsstatus, hstatus,
// satp, vsatp, hgatp, the xcause and fcsr); empty for others.
std::span<const Field> csr_fields(uint16_t addr);

}  // namespace isa
