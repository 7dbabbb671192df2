// The disassembler. Operand layout comes from the row's Format, the mnemonic
// from the instruction table; what is here beyond that is GNU objdump's
// presentation (2.40, checked by tests/integration/disasm_vs_objdump.py):
//   - its pseudo-instructions, tried in objdump's order of preference
//     (objdump's opcode table lists e.g. `bltz` before `bgtz`, and the
//     immediate forms of add/xor/or/and/shifts print without their `i`);
//   - the encodings objdump refuses although a table row matches them
//     (reserved fields set), printed as objdump prints unknown words;
//   - the compressed forms objdump prints differently from their expansion
//     (HINTs such as `c.nop 1`, `c.slli64`), and the c.* names of -M no-aliases;
//   - CSR names objdump knows that isa::csr_name() does not (display only).
#include "disasm.hpp"

#include <cstdio>

#include "csr.hpp"
#include "fli.hpp"
#include "hex.hpp"

namespace isa {
namespace {

constexpr std::string_view kXregs[32] = {
    "zero", "ra", "sp", "gp", "tp",  "t0",  "t1", "t2", "s0", "s1", "a0",
    "a1",   "a2", "a3", "a4", "a5",  "a6",  "a7", "s2", "s3", "s4", "s5",
    "s6",   "s7", "s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6"};
constexpr std::string_view kFregs[32] = {
    "ft0", "ft1", "ft2",  "ft3",  "ft4", "ft5", "ft6",  "ft7",  "fs0",  "fs1", "fa0",
    "fa1", "fa2", "fa3",  "fa4",  "fa5", "fa6", "fa7",  "fs2",  "fs3",  "fs4", "fs5",
    "fs6", "fs7", "fs8",  "fs9",  "fs10", "fs11", "ft8", "ft9", "ft10", "ft11"};

// Standard CSR names objdump prints that stepvisor's CSR table does not hold
// (RV32 high halves, vector, AIA, state-enable, debug/trigger CSRs). Display
// only: the hart's CSR set is isa/csrs.def. Besides these, objdump names
// hpmcounterNh (0xc83..), mhpmcounterNh (0xb83..) and mhpmeventNh (0x723..).
struct CsrName {
    uint16_t addr;
    const char* name;
};
constexpr CsrName kMoreCsrs[] = {
    {0x008, "vstart"}, {0x009, "vxsat"}, {0x00a, "vxrm"}, {0x00f, "vcsr"},
    {0x10c, "sstateen0"}, {0x10d, "sstateen1"}, {0x10e, "sstateen2"}, {0x10f, "sstateen3"},
    {0x114, "sieh"}, {0x150, "siselect"}, {0x151, "sireg"}, {0x154, "siph"}, {0x15c, "stopei"},
    {0x15d, "stimecmph"}, {0x214, "vsieh"}, {0x250, "vsiselect"}, {0x251, "vsireg"},
    {0x254, "vsiph"}, {0x25c, "vstopei"}, {0x25d, "vstimecmph"}, {0x308, "mvien"}, {0x309, "mvip"},
    {0x30c, "mstateen0"}, {0x30d, "mstateen1"}, {0x30e, "mstateen2"}, {0x30f, "mstateen3"},
    {0x310, "mstatush"}, {0x313, "midelegh"}, {0x314, "mieh"}, {0x318, "mvienh"}, {0x319, "mviph"},
    {0x31a, "menvcfgh"}, {0x31c, "mstateen0h"}, {0x31d, "mstateen1h"}, {0x31e, "mstateen2h"},
    {0x31f, "mstateen3h"}, {0x350, "miselect"}, {0x351, "mireg"}, {0x354, "miph"},
    {0x35c, "mtopei"}, {0x5a8, "scontext"}, {0x608, "hvien"}, {0x609, "hvictl"},
    {0x60c, "hstateen0"}, {0x60d, "hstateen1"}, {0x60e, "hstateen2"}, {0x60f, "hstateen3"},
    {0x613, "hidelegh"}, {0x615, "htimedeltah"}, {0x618, "hvienh"}, {0x61a, "henvcfgh"},
    {0x61c, "hstateen0h"}, {0x61d, "hstateen1h"}, {0x61e, "hstateen2h"}, {0x61f, "hstateen3h"},
    {0x646, "hviprio1"}, {0x647, "hviprio2"}, {0x655, "hviph"}, {0x656, "hviprio1h"},
    {0x657, "hviprio2h"}, {0x6a8, "hcontext"}, {0x757, "mseccfgh"},
    {0x7a2, "tdata2"}, {0x7a3, "tdata3"}, {0x7a4, "tinfo"}, {0x7a5, "tcontrol"},
    {0x7a8, "mcontext"}, {0x7aa, "mscontext"}, {0x7b0, "dcsr"}, {0x7b1, "dpc"},
    {0x7b2, "dscratch0"}, {0x7b3, "dscratch1"}, {0xb80, "mcycleh"}, {0xb82, "minstreth"},
    {0xc20, "vl"}, {0xc21, "vtype"}, {0xc22, "vlenb"}, {0xc80, "cycleh"}, {0xc81, "timeh"},
    {0xc82, "instreth"}, {0xdb0, "stopi"}, {0xeb0, "vstopi"},
    {0xfb0, "mtopi"},
};

std::string csr_text(uint64_t addr) {
    const auto a = static_cast<uint16_t>(addr & 0xfff);
    if (auto n = csr_name(a)) return std::string(*n);
    for (const auto& c : kMoreCsrs)
        if (c.addr == a) return c.name;
    const unsigned lo = a & 0x1f;
    if (lo >= 3) {
        if ((a & ~0x1fu) == 0xc80) return "hpmcounter" + std::to_string(lo) + "h";
        if ((a & ~0x1fu) == 0xb80) return "mhpmcounter" + std::to_string(lo) + "h";
        if ((a & ~0x1fu) == 0x720) return "mhpmevent" + std::to_string(lo) + "h";
    }
    return hex(a);
}

// fli's operand as binutils prints it: min, inf, nan by name, the other
// constants in C's %a (hexadecimal floating point: 0x1p+0, -0x1p+0, 0x1.4p-2).
std::string fli_text(unsigned i) {
    i &= 31;
    if (i == kFliMinNormal) return "min";
    if (i == kFliInf) return "inf";
    if (i == kFliNan) return "nan";
    char b[32];
    std::snprintf(b, sizeof b, "%a", kFliValue[i]);
    return b;
}

// objdump's rounding-mode operand: omitted for dyn (7).
std::string rm_suffix(unsigned rm) {
    static constexpr const char* kRm[] = {",rne", ",rtz", ",rdn", ",rup", ",rmm", ",unknown", ",unknown", ""};
    return kRm[rm & 7];
}

// A fence's predecessor/successor set: "iorw" letters, "unknown" when empty.
std::string fence_set(unsigned s) {
    std::string r;
    if (s & 8) r += 'i';
    if (s & 4) r += 'o';
    if (s & 2) r += 'r';
    if (s & 1) r += 'w';
    return r.empty() ? "unknown" : r;
}

std::string target(uint64_t pc, int64_t imm, const SymbolLookup& lookup) {
    const uint64_t t = pc + static_cast<uint64_t>(imm);
    char b[24];
    std::snprintf(b, sizeof b, "%llx", static_cast<unsigned long long>(t));
    std::string s = b;
    if (lookup) {
        std::string sym = lookup(t);
        if (!sym.empty()) {
            s += " <";
            s += sym;
            s += '>';
        }
    }
    return s;
}

// Text builder: mnemonic, a tab, comma-separated operands.
struct Text {
    std::string s;
    explicit Text(std::string_view mnemonic) : s(mnemonic) {}
    Text& operator()(std::string_view operand) {
        s += s.find('\t') == std::string::npos ? '\t' : ',';
        s += operand;
        return *this;
    }
    Text& tail(std::string_view t) {  // appended without a separator
        s += t;
        return *this;
    }
};

std::string X(unsigned r) { return std::string(kXregs[r & 31]); }
std::string F(unsigned r) { return std::string(kFregs[r & 31]); }
std::string num(int64_t v) { return std::to_string(v); }
// "(reg)": the address operand of AMOs and hypervisor loads/stores.
std::string paren(unsigned base) {
    std::string s(1, '(');
    s += kXregs[base & 31];
    s += ')';
    return s;
}
std::string mem(int64_t imm, unsigned base) { return num(imm) + paren(base); }

// The table's mnemonic without its immediate marker: addi -> add, addiw ->
// addw, slli -> sll, csrrwi -> csrrw. objdump 2.40 prints these forms by
// default (its aliases `add d,s,j` etc. precede the canonical rows).
std::string without_i(std::string_view name) {
    std::string n(name);
    auto p = n.rfind('i');
    if (p != std::string::npos) n.erase(p, 1);
    return n;
}

std::string unknown32(uint32_t bits) { return ".4byte\t" + hex(bits); }
std::string unknown16(uint32_t raw) { return ".2byte\t" + hex(raw & 0xffff); }

// Encodings a table row matches but objdump 2.40 does not accept, because
// its opcode entries also fix fields the ISA reserves: FENCE with rd/rs1 or
// an fm other than TSO's; FENCE.I with any nonzero imm/rs1/rd; and the exact
// widening conversions FCVT.D.S/D.W/D.WU/S.H/D.H with rm other than 0. The hart
// executes these (the spec tells implementations to ignore the fields); the
// text is objdump's, which keeps every bit visible.
bool objdump_rejects(const Decoded& d) {
    switch (d.op) {
    case Op::FENCE:
        return d.rd != 0 || d.rs1 != 0 || ((d.bits >> 28) != 0 && d.bits != 0x8330000f);
    case Op::FENCE_I: return d.bits != 0x0000100f;
    case Op::FCVT_D_S: case Op::FCVT_D_W: case Op::FCVT_D_WU: case Op::FCVT_S_H: case Op::FCVT_D_H:
        return d.rm != 0;
    default: return false;
    }
}

// The 32-bit form (also the expansion of most compressed instructions).
std::string text32(const Decoded& d, uint64_t pc, const SymbolLookup& lookup, bool aliases) {
    const InsnInfo& row = info(d.op);
    const std::string_view name = row.name;
    if (objdump_rejects(d)) return unknown32(d.bits);
    const unsigned rd = d.rd, rs1 = d.rs1, rs2 = d.rs2;
    const int64_t imm = d.imm;

    switch (row.format) {
    case Format::U: return Text(name)(X(rd))(hex((static_cast<uint64_t>(imm) >> 12) & 0xfffff)).s;

    case Format::J:
        if (aliases && rd == 0) return Text("j")(target(pc, imm, lookup)).s;
        if (aliases && rd == 1) return Text("jal")(target(pc, imm, lookup)).s;
        return Text(name)(X(rd))(target(pc, imm, lookup)).s;

    case Format::JALR:
        if (aliases) {
            if (rd == 0 && rs1 == 1 && imm == 0) return "ret";
            if (rd == 0) return imm == 0 ? Text("jr")(X(rs1)).s : Text("jr")(mem(imm, rs1)).s;
            if (rd == 1) return imm == 0 ? Text("jalr")(X(rs1)).s : Text("jalr")(mem(imm, rs1)).s;
            if (imm == 0) return Text(name)(X(rd))(X(rs1)).s;
        }
        return Text(name)(X(rd))(mem(imm, rs1)).s;

    case Format::B:
        if (aliases) {
            const std::string t = target(pc, imm, lookup);
            switch (d.op) {
            case Op::BEQ: if (rs2 == 0) return Text("beqz")(X(rs1))(t).s; break;
            case Op::BNE: if (rs2 == 0) return Text("bnez")(X(rs1))(t).s; break;
            case Op::BLT:
                if (rs2 == 0) return Text("bltz")(X(rs1))(t).s;
                if (rs1 == 0) return Text("bgtz")(X(rs2))(t).s;
                break;
            case Op::BGE:
                if (rs1 == 0) return Text("blez")(X(rs2))(t).s;
                if (rs2 == 0) return Text("bgez")(X(rs1))(t).s;
                break;
            default: break;
            }
        }
        return Text(name)(X(rs1))(X(rs2))(target(pc, imm, lookup)).s;

    case Format::LOAD: return Text(name)(X(rd))(mem(imm, rs1)).s;
    case Format::STORE: return Text(name)(X(rs2))(mem(imm, rs1)).s;
    case Format::FLOAD: return Text(name)(F(rd))(mem(imm, rs1)).s;
    case Format::FSTORE: return Text(name)(F(rs2))(mem(imm, rs1)).s;

    case Format::I:
        if (aliases) {
            switch (d.op) {
            case Op::ADDI:
                if (rd == 0 && rs1 == 0 && imm == 0) return "nop";
                if (rs1 == 0) return Text("li")(X(rd))(num(imm)).s;
                if (imm == 0) return Text("mv")(X(rd))(X(rs1)).s;
                return Text(without_i(name))(X(rd))(X(rs1))(num(imm)).s;
            case Op::ADDIW:
                if (imm == 0) return Text("sext.w")(X(rd))(X(rs1)).s;
                return Text(without_i(name))(X(rd))(X(rs1))(num(imm)).s;
            case Op::SLTIU:
                if (imm == 1) return Text("seqz")(X(rd))(X(rs1)).s;
                break;
            case Op::XORI:
                if (imm == -1) return Text("not")(X(rd))(X(rs1)).s;
                return Text(without_i(name))(X(rd))(X(rs1))(num(imm)).s;
            case Op::ANDI:
                if (imm == 255) return Text("zext.b")(X(rd))(X(rs1)).s;
                return Text(without_i(name))(X(rd))(X(rs1))(num(imm)).s;
            case Op::ORI:
                return Text(without_i(name))(X(rd))(X(rs1))(num(imm)).s;
            default: break;
            }
        }
        return Text(name)(X(rd))(X(rs1))(num(imm)).s;

    case Format::SHIFT: case Format::SHIFTW:
        // slli.uw keeps its name (objdump has no "sll.uw").
        return Text(aliases && d.op != Op::SLLI_UW ? without_i(name) : std::string(name))(X(rd))(X(rs1))(hex(uint64_t(imm))).s;

    case Format::R:
        if (aliases) {
            switch (d.op) {
            case Op::SUB: if (rs1 == 0) return Text("neg")(X(rd))(X(rs2)).s; break;
            case Op::SUBW: if (rs1 == 0) return Text("negw")(X(rd))(X(rs2)).s; break;
            case Op::SLT:
                if (rs2 == 0) return Text("sltz")(X(rd))(X(rs1)).s;
                if (rs1 == 0) return Text("sgtz")(X(rd))(X(rs2)).s;
                break;
            case Op::SLTU: if (rs1 == 0) return Text("snez")(X(rd))(X(rs2)).s; break;
            case Op::ADD_UW: if (rs2 == 0) return Text("zext.w")(X(rd))(X(rs1)).s; break;
            default: break;
            }
        }
        return Text(name)(X(rd))(X(rs1))(X(rs2)).s;

    case Format::CSR: {
        const uint64_t csr = static_cast<uint64_t>(imm) & 0xfff;
        if (d.bits == 0xc0001073) return "unimp";  // csrrw zero,cycle,zero: the canonical 32-bit unimp
        if (aliases) {
            switch (d.op) {
            case Op::CSRRW:
                if (csr >= 1 && csr <= 3) {
                    static constexpr const char* kW[] = {"", "fsflags", "fsrm", "fscsr"};
                    return rd == 0 ? Text(kW[csr])(X(rs1)).s : Text(kW[csr])(X(rd))(X(rs1)).s;
                }
                if (rd == 0) return Text("csrw")(csr_text(csr))(X(rs1)).s;
                break;
            case Op::CSRRS:
                if (rs1 == 0) {
                    static constexpr const char* kR[] = {"", "frflags", "frrm", "frcsr"};
                    if (csr >= 1 && csr <= 3) return Text(kR[csr])(X(rd)).s;
                    if (csr == 0xc00) return Text("rdcycle")(X(rd)).s;
                    if (csr == 0xc01) return Text("rdtime")(X(rd)).s;
                    if (csr == 0xc02) return Text("rdinstret")(X(rd)).s;
                    return Text("csrr")(X(rd))(csr_text(csr)).s;
                }
                if (rd == 0) return Text("csrs")(csr_text(csr))(X(rs1)).s;
                break;
            case Op::CSRRC:
                if (rd == 0) return Text("csrc")(csr_text(csr))(X(rs1)).s;
                break;
            default: break;
            }
        }
        return Text(name)(X(rd))(csr_text(csr))(X(rs1)).s;
    }

    case Format::CSRI: {
        const uint64_t csr = static_cast<uint64_t>(imm) & 0xfff;
        const std::string uimm = num(rs1);
        if (aliases) {
            if (d.op == Op::CSRRWI && csr == 1) return Text("fsflagsi")(X(rd))(uimm).s;
            if (d.op == Op::CSRRWI && csr == 2) return Text("fsrmi")(X(rd))(uimm).s;
            // csrrwi x0 -> csrw, csrrsi x0 -> csrs ...: objdump 2.40 drops the `i`.
            const std::string base = without_i(name);  // csrrw / csrrs / csrrc
            if (rd == 0) return Text("csr" + base.substr(4))(csr_text(csr))(uimm).s;
            return Text(base)(X(rd))(csr_text(csr))(uimm).s;
        }
        return Text(name)(X(rd))(csr_text(csr))(uimm).s;
    }

    case Format::R1: return Text(name)(X(rd))(X(rs1)).s;
    case Format::MOP_R: return Text(std::string(name) + "." + std::to_string(mop_number(d)))(X(rd))(X(rs1)).s;
    case Format::MOP_RR:
        return Text(std::string(name) + "." + std::to_string(mop_number(d)))(X(rd))(X(rs1))(X(rs2)).s;
    case Format::CMOP: return std::string(name) + "." + std::to_string(mop_number(d));
    case Format::FLI: return Text(name)(F(rd))(fli_text(rs1)).s;

    case Format::NONE: return std::string(name);

    case Format::FENCE: {
        if (d.bits == 0x8330000f) return "fence.tso";
        const unsigned pred = (d.bits >> 24) & 0xf, succ = (d.bits >> 20) & 0xf;
        if (aliases && pred == 0xf && succ == 0xf) return std::string(name);
        return Text(name)(fence_set(pred))(fence_set(succ)).s;
    }

    case Format::AMO: case Format::LR: {
        static constexpr const char* kOrd[] = {"", ".rl", ".aq", ".aqrl"};
        Text t(std::string(name) + kOrd[(d.bits >> 25) & 3]);
        t(X(rd));
        if (row.format == Format::AMO) t(X(rs2));
        return t(paren(rs1)).s;
    }

    case Format::CBO: return Text(name)(paren(rs1)).s;
    case Format::PREFETCH: return Text(name)(mem(imm, rs1)).s;

    case Format::SFENCE:
        // objdump 2.40 shortens sfence.vma and hfence.* but not sinval.vma and hinval.*.
        if (aliases && rs2 == 0 && row.ext != Ext::Svinval)
            return rs1 == 0 ? std::string(name) : Text(name)(X(rs1)).s;
        return Text(name)(X(rs1))(X(rs2)).s;

    case Format::HLV: return Text(name)(X(rd))(paren(rs1)).s;
    case Format::HSV: return Text(name)(X(rs2))(paren(rs1)).s;

    case Format::R4: return Text(name)(F(rd))(F(rs1))(F(rs2))(F(d.rs3())).tail(rm_suffix(d.rm)).s;
    case Format::FR_RM: return Text(name)(F(rd))(F(rs1))(F(rs2)).tail(rm_suffix(d.rm)).s;
    case Format::F1_RM:
        if (d.op == Op::FCVT_D_S || d.op == Op::FCVT_S_H || d.op == Op::FCVT_D_H)
            return Text(name)(F(rd))(F(rs1)).s;  // exact: objdump has no rm operand
        return Text(name)(F(rd))(F(rs1)).tail(rm_suffix(d.rm)).s;
    case Format::FR:
        if (aliases && rs1 == rs2) {
            // fsgnj.s -> fmv.s, fsgnjn.s -> fneg.s, fsgnjx.s -> fabs.s (same for .d)
            const std::string_view fmt = name.substr(name.find('.'));
            std::string_view base;
            switch (d.op) {
            case Op::FSGNJ_S: case Op::FSGNJ_D: case Op::FSGNJ_H: base = "fmv"; break;
            case Op::FSGNJN_S: case Op::FSGNJN_D: case Op::FSGNJN_H: base = "fneg"; break;
            case Op::FSGNJX_S: case Op::FSGNJX_D: case Op::FSGNJX_H: base = "fabs"; break;
            default: break;
            }
            if (!base.empty()) return Text(std::string(base) + std::string(fmt))(F(rd))(F(rs1)).s;
        }
        return Text(name)(F(rd))(F(rs1))(F(rs2)).s;
    case Format::F2X_RM: return Text(name)(X(rd))(F(rs1)).tail(rm_suffix(d.rm)).s;
    case Format::F2X: return Text(name)(X(rd))(F(rs1)).s;
    case Format::FCMP: return Text(name)(X(rd))(F(rs1))(F(rs2)).s;
    case Format::X2F_RM:
        if (d.op == Op::FCVT_D_W || d.op == Op::FCVT_D_WU) return Text(name)(F(rd))(X(rs1)).s;  // exact
        return Text(name)(F(rd))(X(rs1)).tail(rm_suffix(d.rm)).s;
    case Format::X2F: return Text(name)(F(rd))(X(rs1)).s;
    }
    return unknown32(d.bits);
}

// ---------------------------------------------------------------------------
// Compressed instructions. The decoder has already expanded `raw` to d.bits
// and decoded it, so the operands come from d; only the identity of the
// 16-bit form is read from raw (quadrant, funct3 and the few selector bits).

enum class C : uint8_t {
    ADDI4SPN, FLD, LW, LD, FSD, SW, SD,
    ADDI, ADDIW, LI, ADDI16SP, LUI, SRLI, SRAI, ANDI, SUB, XOR, OR, AND, SUBW, ADDW, J, BEQZ, BNEZ,
    SLLI, FLDSP, LWSP, LDSP, JR, MV, EBREAK, JALR, ADD, FSDSP, SWSP, SDSP,
    // Zcb
    LBU, LHU, LH, SB, SH, ZEXT_B, SEXT_B, ZEXT_H, SEXT_H, ZEXT_W, NOT, MUL,
    NONE,
};

C compressed_form(uint32_t c) {
    const unsigned f3 = (c >> 13) & 7;
    switch (c & 3) {
    case 0: {
        static constexpr C q0[] = {C::ADDI4SPN, C::FLD, C::LW, C::LD, C::NONE, C::FSD, C::SW, C::SD};
        if (f3 == 4) {
            static constexpr C zcb[] = {C::LBU, C::LHU, C::SB, C::SH};
            const unsigned sel = (c >> 10) & 7;
            if (sel > 3) return C::NONE;
            return sel == 1 && ((c >> 6) & 1) ? C::LH : zcb[sel];
        }
        return q0[f3];
    }
    case 1:
        switch (f3) {
        case 0: return C::ADDI;
        case 1: return C::ADDIW;
        case 2: return C::LI;
        case 3: return ((c >> 7) & 31) == 2 ? C::ADDI16SP : C::LUI;
        case 4:
            switch ((c >> 10) & 3) {
            case 0: return C::SRLI;
            case 1: return C::SRAI;
            case 2: return C::ANDI;
            default: {
                static constexpr C lo[] = {C::SUB, C::XOR, C::OR, C::AND};
                static constexpr C hi[] = {C::SUBW, C::ADDW, C::MUL, C::NONE};
                static constexpr C unary[] = {C::ZEXT_B, C::SEXT_B, C::ZEXT_H, C::SEXT_H,
                                              C::ZEXT_W, C::NOT,    C::NONE,   C::NONE};
                if (((c >> 12) & 1) && ((c >> 5) & 3) == 3) return unary[(c >> 2) & 7];
                return ((c >> 12) & 1 ? hi : lo)[(c >> 5) & 3];
            }
            }
        case 5: return C::J;
        case 6: return C::BEQZ;
        default: return C::BNEZ;
        }
    case 2:
        switch (f3) {
        case 0: return C::SLLI;
        case 1: return C::FLDSP;
        case 2: return C::LWSP;
        case 3: return C::LDSP;
        case 4: {
            const bool b12 = (c >> 12) & 1, rs2zero = ((c >> 2) & 31) == 0;
            if (!b12) return rs2zero ? C::JR : C::MV;
            if (rs2zero) return ((c >> 7) & 31) == 0 ? C::EBREAK : C::JALR;
            return C::ADD;
        }
        case 5: return C::FSDSP;
        case 6: return C::SWSP;
        default: return C::SDSP;
        }
    default: return C::NONE;
    }
}

// objdump -M no-aliases: the c.* mnemonic and the 16-bit form's operands.
std::string text16_canonical(const Decoded& d, C form, uint64_t pc, const SymbolLookup& lookup) {
    const unsigned rd = d.rd, rs1 = d.rs1, rs2 = d.rs2;
    const int64_t imm = d.imm;
    const std::string sh = hex(uint64_t(imm));
    switch (form) {
    case C::ADDI4SPN: return Text("c.addi4spn")(X(rd))("sp")(num(imm)).s;
    case C::FLD: return Text("c.fld")(F(rd))(mem(imm, rs1)).s;
    case C::LW: return Text("c.lw")(X(rd))(mem(imm, rs1)).s;
    case C::LD: return Text("c.ld")(X(rd))(mem(imm, rs1)).s;
    case C::FSD: return Text("c.fsd")(F(rs2))(mem(imm, rs1)).s;
    case C::SW: return Text("c.sw")(X(rs2))(mem(imm, rs1)).s;
    case C::SD: return Text("c.sd")(X(rs2))(mem(imm, rs1)).s;
    case C::ADDI: return Text("c.addi")(X(rd))(num(imm)).s;
    case C::ADDIW: return Text("c.addiw")(X(rd))(num(imm)).s;
    case C::LI: return Text("c.li")(X(rd))(num(imm)).s;
    case C::ADDI16SP: return Text("c.addi16sp")("sp")(num(imm)).s;
    case C::LUI: return Text("c.lui")(X(rd))(hex((uint64_t(imm) >> 12) & 0xfffff)).s;
    case C::SRLI: return imm == 0 ? Text("c.srli64")(X(rd)).s : Text("c.srli")(X(rd))(sh).s;
    case C::SRAI: return imm == 0 ? Text("c.srai64")(X(rd)).s : Text("c.srai")(X(rd))(sh).s;
    case C::ANDI: return Text("c.andi")(X(rd))(num(imm)).s;
    case C::SUB: return Text("c.sub")(X(rd))(X(rs2)).s;
    case C::XOR: return Text("c.xor")(X(rd))(X(rs2)).s;
    case C::OR: return Text("c.or")(X(rd))(X(rs2)).s;
    case C::AND: return Text("c.and")(X(rd))(X(rs2)).s;
    case C::SUBW: return Text("c.subw")(X(rd))(X(rs2)).s;
    case C::ADDW: return Text("c.addw")(X(rd))(X(rs2)).s;
    case C::J: return Text("c.j")(target(pc, imm, lookup)).s;
    case C::BEQZ: return Text("c.beqz")(X(rs1))(target(pc, imm, lookup)).s;
    case C::BNEZ: return Text("c.bnez")(X(rs1))(target(pc, imm, lookup)).s;
    case C::SLLI: return imm == 0 ? Text("c.slli64")(X(rd)).s : Text("c.slli")(X(rd))(sh).s;
    case C::FLDSP: return Text("c.fldsp")(F(rd))(mem(imm, 2)).s;
    case C::LWSP: return Text("c.lwsp")(X(rd))(mem(imm, 2)).s;
    case C::LDSP: return Text("c.ldsp")(X(rd))(mem(imm, 2)).s;
    case C::JR: return Text("c.jr")(X(rs1)).s;
    case C::MV: return Text("c.mv")(X(rd))(X(rs2)).s;
    case C::EBREAK: return "c.ebreak";
    case C::JALR: return Text("c.jalr")(X(rs1)).s;
    case C::ADD:
        if (info(d.op).ext == Ext::Zihintntl) return "c." + std::string(info(d.op).name);  // c.ntl.*
        return Text("c.add")(X(rd))(X(rs2)).s;
    case C::FSDSP: return Text("c.fsdsp")(F(rs2))(mem(imm, 2)).s;
    case C::SWSP: return Text("c.swsp")(X(rs2))(mem(imm, 2)).s;
    case C::SDSP: return Text("c.sdsp")(X(rs2))(mem(imm, 2)).s;
    case C::LBU: return Text("c.lbu")(X(rd))(mem(imm, rs1)).s;
    case C::LHU: return Text("c.lhu")(X(rd))(mem(imm, rs1)).s;
    case C::LH: return Text("c.lh")(X(rd))(mem(imm, rs1)).s;
    case C::SB: return Text("c.sb")(X(rs2))(mem(imm, rs1)).s;
    case C::SH: return Text("c.sh")(X(rs2))(mem(imm, rs1)).s;
    case C::ZEXT_B: return Text("c.zext.b")(X(rd)).s;
    case C::SEXT_B: return Text("c.sext.b")(X(rd)).s;
    case C::ZEXT_H: return Text("c.zext.h")(X(rd)).s;
    case C::SEXT_H: return Text("c.sext.h")(X(rd)).s;
    case C::ZEXT_W: return Text("c.zext.w")(X(rd)).s;
    case C::NOT: return Text("c.not")(X(rd)).s;
    case C::MUL: return Text("c.mul")(X(rd))(X(rs2)).s;
    case C::NONE: break;
    }
    return unknown16(d.raw);
}

// objdump's default view of a compressed instruction: its expansion's text,
// except for the HINT encodings (rd = x0, shift by 0, ...) which objdump
// prints in their c.* form, and c.mv / c.addi whose alias differs from the
// expansion's.
std::string text16(const Decoded& d, uint64_t pc, const SymbolLookup& lookup) {
    const C form = compressed_form(d.raw);
    const unsigned rd = d.rd;
    const int64_t imm = d.imm;
    switch (form) {
    case C::ADDI:
        if (rd == 0) return imm == 0 ? "nop" : Text("c.nop")(num(imm)).s;
        return Text("add")(X(rd))(X(rd))(num(imm)).s;
    case C::LI:
        if (rd == 0) return text16_canonical(d, form, pc, lookup);
        break;
    case C::LUI:
        if (rd == 0) return text16_canonical(d, form, pc, lookup);
        break;
    case C::SLLI:
        if (rd == 0 || imm == 0) return text16_canonical(d, form, pc, lookup);
        break;
    case C::SRLI: case C::SRAI:
        if (imm == 0) return text16_canonical(d, form, pc, lookup);
        break;
    case C::MV:
        if (rd == 0) return text16_canonical(d, form, pc, lookup);
        return Text("mv")(X(rd))(X(d.rs2)).s;
    case C::ADD:
        if (info(d.op).ext == Ext::Zihintntl) break;  // ntl.*, as the 32-bit hint
        if (rd == 0) return text16_canonical(d, form, pc, lookup);
        break;
    default: break;
    }
    return text32(d, pc, lookup, true);
}

}  // namespace

std::string_view xreg_name(unsigned r) { return kXregs[r & 31]; }
std::string_view freg_name(unsigned r) { return kFregs[r & 31]; }

std::string disassemble(const Decoded& d, uint64_t pc, const SymbolLookup& lookup, DisasmOptions opt) {
    if (d.len == 2) {
        if (info(d.op).format == Format::CMOP) return text32(d, pc, lookup, opt.aliases);
        if (d.op == Op::ILLEGAL) {
            if ((d.raw & 0xffff) == 0) return opt.aliases ? "unimp" : "c.unimp";
            return unknown16(d.raw);
        }
        return opt.aliases ? text16(d, pc, lookup) : text16_canonical(d, compressed_form(d.raw), pc, lookup);
    }
    if (d.op == Op::ILLEGAL) return unknown32(d.raw);
    return text32(d, pc, lookup, opt.aliases);
}

}  // namespace isa
