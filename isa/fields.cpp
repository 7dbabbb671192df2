#include "fields.hpp"

#include "csr.hpp"

namespace isa {

const char* atp::mode_name(uint64_t mode, bool gstage) {
    switch (Mode(mode)) {
    case Mode::Bare: return "Bare";
    case Mode::Sv39: return gstage ? "Sv39x4" : "Sv39";
    case Mode::Sv48: return gstage ? "Sv48x4" : "Sv48";
    case Mode::Sv57: return gstage ? "Sv57x4" : "Sv57";
    }
    return nullptr;
}

std::string pte::flags_text(uint64_t pte) {
    std::string s;
    const char* names = "VRWXUGAD";
    for (int i = 0; i < 8; ++i) s += (pte >> i) & 1 ? names[i] : '-';
    return s;
}

namespace {

using F = Field;
namespace ms = mstatus;
namespace hs = hstatus;

constexpr Field kMstatus[] = {
    {"SIE", ms::SIE, F::Flag},   {"MIE", ms::MIE, F::Flag},   {"SPIE", ms::SPIE, F::Flag}, {"UBE", ms::UBE, F::Flag},
    {"MPIE", ms::MPIE, F::Flag}, {"SPP", ms::SPP, F::Priv2},  {"VS", ms::VS, F::Fs},       {"MPP", ms::MPP, F::Priv2},
    {"FS", ms::FS, F::Fs},       {"XS", ms::XS, F::Fs},       {"MPRV", ms::MPRV, F::Flag}, {"SUM", ms::SUM, F::Flag},
    {"MXR", ms::MXR, F::Flag},   {"TVM", ms::TVM, F::Flag},   {"TW", ms::TW, F::Flag},     {"TSR", ms::TSR, F::Flag},
    {"UXL", ms::UXL, F::Xl},     {"SXL", ms::SXL, F::Xl},     {"SBE", ms::SBE, F::Flag},   {"MBE", ms::MBE, F::Flag},
    {"GVA", ms::GVA, F::Flag},   {"MPV", ms::MPV, F::Flag},   {"SD", ms::SD, F::Flag},
};
constexpr Field kSstatus[] = {
    {"SIE", ms::SIE, F::Flag}, {"SPIE", ms::SPIE, F::Flag}, {"UBE", ms::UBE, F::Flag}, {"SPP", ms::SPP, F::Priv2},
    {"VS", ms::VS, F::Fs},     {"FS", ms::FS, F::Fs},       {"XS", ms::XS, F::Fs},     {"SUM", ms::SUM, F::Flag},
    {"MXR", ms::MXR, F::Flag}, {"UXL", ms::UXL, F::Xl},     {"SD", ms::SD, F::Flag},
};
constexpr uint64_t mask_of(std::span<const Field> fields) {
    uint64_t m = 0;
    for (const Field& f : fields) m |= f.mask;
    return m;
}
static_assert(mask_of(kSstatus) == ms::SSTATUS_VIEW);
constexpr Field kHstatus[] = {
    {"VSBE", hs::VSBE, F::Flag}, {"GVA", hs::GVA, F::Flag}, {"SPV", hs::SPV, F::Flag},   {"SPVP", hs::SPVP, F::Priv2},
    {"HU", hs::HU, F::Flag},     {"VGEIN", hs::VGEIN, F::Num}, {"VTVM", hs::VTVM, F::Flag}, {"VTW", hs::VTW, F::Flag},
    {"VTSR", hs::VTSR, F::Flag}, {"VSXL", hs::VSXL, F::Xl},
};
constexpr Field kSatp[] = {{"MODE", atp::MODE_MASK, F::Atp},
                           {"ASID", atp::ASID_BITS << atp::ID_SHIFT, F::Num},
                           {"PPN", atp::PPN_MASK, F::Addr12}};
constexpr Field kHgatp[] = {{"MODE", atp::MODE_MASK, F::Gatp},
                            {"VMID", atp::VMID_BITS << atp::ID_SHIFT, F::Num},
                            {"PPN", atp::PPN_MASK, F::Addr12}};
constexpr Field kCause[] = {{"Interrupt", 1ull << 63, F::Flag}, {"Code", ~0ull >> 1, F::Cause}};
constexpr Field kFcsr[] = {{"NX", 1, F::Flag},  {"UF", 2, F::Flag},  {"OF", 4, F::Flag},
                           {"DZ", 8, F::Flag},  {"NV", 16, F::Flag}, {"frm", 7 << 5, F::Num}};

}  // namespace

std::span<const Field> csr_fields(uint16_t addr) {
    switch (Csr(addr)) {
    case Csr::MSTATUS: return kMstatus;
    case Csr::SSTATUS:
    case Csr::VSSTATUS: return kSstatus;
    case Csr::HSTATUS: return kHstatus;
    case Csr::SATP:
    case Csr::VSATP: return kSatp;
    case Csr::HGATP: return kHgatp;
    case Csr::MCAUSE:
    case Csr::SCAUSE:
    case Csr::VSCAUSE: return kCause;
    case Csr::FCSR: return kFcsr;
    default: return {};
    }
}

}  // namespace isa
