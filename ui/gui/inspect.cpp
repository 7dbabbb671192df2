#include "inspect.hpp"

#include <algorithm>
#include <cstdio>
#include <set>

#include "isa/causes.hpp"
#include "isa/csr.hpp"
#include "isa/disasm.hpp"
#include "isa/insn.hpp"
#include "isa/tinst.hpp"

namespace gui {

std::string hex(uint64_t v) {
    char b[24];
    std::snprintf(b, sizeof b, "0x%llx", (unsigned long long)v);
    return b;
}

// ---------------------------------------------------------------- CSRs

CsrGroup csr_group(uint16_t addr) {
    const unsigned priv = (addr >> 8) & 3;
    if (priv == 3) return CsrGroup::M;
    if (priv == 1) return CsrGroup::S;
    if (priv == 2) return ((addr >> 10) & 3) == 0 ? CsrGroup::VS : CsrGroup::H;
    return CsrGroup::U;
}

const char* csr_group_name(CsrGroup g) {
    switch (g) {
    case CsrGroup::M: return "M";
    case CsrGroup::S: return "S";
    case CsrGroup::H: return "H";
    case CsrGroup::VS: return "VS";
    case CsrGroup::U: return "U (FP, counters)";
    }
    return "?";
}

namespace {

using isa::Csr;

struct FieldDef {
    const char* name;
    unsigned lsb, width;
    enum Kind { Flag, Num, Priv2, Fs, Xl, Atp, Gatp, Addr12, Cause } kind;
};

constexpr FieldDef kMstatus[] = {
    {"SIE", 1, 1, FieldDef::Flag},    {"MIE", 3, 1, FieldDef::Flag},    {"SPIE", 5, 1, FieldDef::Flag},
    {"UBE", 6, 1, FieldDef::Flag},    {"MPIE", 7, 1, FieldDef::Flag},   {"SPP", 8, 1, FieldDef::Priv2},
    {"VS", 9, 2, FieldDef::Fs},       {"MPP", 11, 2, FieldDef::Priv2},  {"FS", 13, 2, FieldDef::Fs},
    {"XS", 15, 2, FieldDef::Fs},      {"MPRV", 17, 1, FieldDef::Flag},  {"SUM", 18, 1, FieldDef::Flag},
    {"MXR", 19, 1, FieldDef::Flag},   {"TVM", 20, 1, FieldDef::Flag},   {"TW", 21, 1, FieldDef::Flag},
    {"TSR", 22, 1, FieldDef::Flag},   {"UXL", 32, 2, FieldDef::Xl},     {"SXL", 34, 2, FieldDef::Xl},
    {"SBE", 36, 1, FieldDef::Flag},   {"MBE", 37, 1, FieldDef::Flag},   {"GVA", 38, 1, FieldDef::Flag},
    {"MPV", 39, 1, FieldDef::Flag},   {"SD", 63, 1, FieldDef::Flag},
};
constexpr FieldDef kSstatus[] = {
    {"SIE", 1, 1, FieldDef::Flag},  {"SPIE", 5, 1, FieldDef::Flag}, {"UBE", 6, 1, FieldDef::Flag},
    {"SPP", 8, 1, FieldDef::Priv2}, {"VS", 9, 2, FieldDef::Fs},     {"FS", 13, 2, FieldDef::Fs},
    {"XS", 15, 2, FieldDef::Fs},    {"SUM", 18, 1, FieldDef::Flag}, {"MXR", 19, 1, FieldDef::Flag},
    {"UXL", 32, 2, FieldDef::Xl},   {"SD", 63, 1, FieldDef::Flag},
};
constexpr FieldDef kHstatus[] = {
    {"VSBE", 5, 1, FieldDef::Flag},  {"GVA", 6, 1, FieldDef::Flag},  {"SPV", 7, 1, FieldDef::Flag},
    {"SPVP", 8, 1, FieldDef::Priv2}, {"HU", 9, 1, FieldDef::Flag},   {"VGEIN", 12, 6, FieldDef::Num},
    {"VTVM", 20, 1, FieldDef::Flag}, {"VTW", 21, 1, FieldDef::Flag}, {"VTSR", 22, 1, FieldDef::Flag},
    {"VSXL", 32, 2, FieldDef::Xl},
};
constexpr FieldDef kSatp[] = {
    {"MODE", 60, 4, FieldDef::Atp}, {"ASID", 44, 16, FieldDef::Num}, {"PPN", 0, 44, FieldDef::Addr12}};
constexpr FieldDef kHgatp[] = {
    {"MODE", 60, 4, FieldDef::Gatp}, {"VMID", 44, 14, FieldDef::Num}, {"PPN", 0, 44, FieldDef::Addr12}};
constexpr FieldDef kTvec[] = {{"MODE", 0, 2, FieldDef::Num}, {"BASE", 0, 64, FieldDef::Num}};
constexpr FieldDef kCause[] = {{"Interrupt", 63, 1, FieldDef::Flag}, {"Code", 0, 63, FieldDef::Cause}};
constexpr FieldDef kFcsr[] = {{"NX", 0, 1, FieldDef::Flag}, {"UF", 1, 1, FieldDef::Flag}, {"OF", 2, 1, FieldDef::Flag},
                              {"DZ", 3, 1, FieldDef::Flag}, {"NV", 4, 1, FieldDef::Flag}, {"frm", 5, 3, FieldDef::Num}};

constexpr const char* kIrqNames[16] = {nullptr, "SSI", "VSSI", "MSI", nullptr, "STI", "VSTI", "MTI",
                                       nullptr, "SEI", "VSEI", "MEI", "SGEI", nullptr, nullptr, nullptr};

uint64_t bits(uint64_t v, unsigned lsb, unsigned width) {
    return width >= 64 ? v >> lsb : (v >> lsb) & ((1ull << width) - 1);
}

template <size_t N>
void apply(const FieldDef (&defs)[N], uint64_t v, std::vector<CsrField>& out, bool is_cause = false) {
    for (const auto& d : defs) {
        uint64_t f = bits(v, d.lsb, d.width);
        CsrField c;
        c.name = d.name;
        c.nonzero = f != 0;
        switch (d.kind) {
        case FieldDef::Flag:
        case FieldDef::Num: c.value = f < 10 ? std::to_string(f) : hex(f); break;
        case FieldDef::Priv2:
            c.value = d.width == 1 ? (f ? "S" : "U") : f == 3 ? "M" : f == 1 ? "S" : f == 0 ? "U" : "?";
            c.nonzero = f != 0 || d.width == 2;  // MPP=U is worth showing, SPP=U less so
            break;
        case FieldDef::Fs: {
            static const char* const n[4] = {"Off", "Initial", "Clean", "Dirty"};
            c.value = n[f & 3];
            break;
        }
        case FieldDef::Xl: c.value = f == 1 ? "32" : f == 2 ? "64" : f == 3 ? "128" : "-"; c.nonzero = false; break;
        case FieldDef::Atp: c.value = f == 0 ? "Bare" : f == 8 ? "Sv39" : f == 9 ? "Sv48" : f == 10 ? "Sv57" : std::to_string(f); c.nonzero = true; break;
        case FieldDef::Gatp: c.value = f == 0 ? "Bare" : f == 8 ? "Sv39x4" : f == 9 ? "Sv48x4" : f == 10 ? "Sv57x4" : std::to_string(f); c.nonzero = true; break;
        case FieldDef::Addr12: c.value = hex(f) + " (root " + hex(f << 12) + ")"; break;
        case FieldDef::Cause: {
            const bool intr = is_cause && (v >> 63);
            c.value = std::to_string(f) + " " + cause_text(f, intr);
            c.nonzero = true;
            break;
        }
        }
        out.push_back(c);
    }
}

void irq_bits(uint64_t v, std::vector<CsrField>& out) {
    for (unsigned i = 0; i < 16; ++i)
        if (kIrqNames[i]) out.push_back({kIrqNames[i], std::to_string((v >> i) & 1), bool((v >> i) & 1)});
    for (unsigned i = 16; i < 64; ++i)
        if ((v >> i) & 1) out.push_back({"bit" + std::to_string(i), "1", true});
}

void cause_bits(uint64_t v, std::vector<CsrField>& out) {
    for (unsigned i = 0; i < 64; ++i)
        if ((v >> i) & 1) out.push_back({std::to_string(i), cause_text(i, false), true});
}

}  // namespace

std::string cause_text(uint64_t cause, bool interrupt) {
    std::string_view n = isa::cause_name(cause, interrupt);
    return n.empty() ? "cause " + std::to_string(cause) : std::string(n);
}

std::string pte_flags(uint64_t pte) {
    std::string s;
    const char* names = "VRWXUGAD";
    for (int i = 0; i < 8; ++i) s += (pte >> i) & 1 ? names[i] : '-';
    return s;
}

std::vector<CsrField> csr_fields(uint16_t addr, uint64_t v, bool h) {
    std::vector<CsrField> out;
    switch (Csr(addr)) {
    case Csr::MSTATUS: apply(kMstatus, v, out); break;
    case Csr::SSTATUS:
    case Csr::VSSTATUS: apply(kSstatus, v, out); break;
    case Csr::HSTATUS: apply(kHstatus, v, out); break;
    case Csr::SATP:
    case Csr::VSATP: apply(kSatp, v, out); break;
    case Csr::HGATP: apply(kHgatp, v, out); break;
    case Csr::MTVEC:
    case Csr::STVEC:
    case Csr::VSTVEC:
        out.push_back({"MODE", (v & 3) == 1 ? "Vectored" : (v & 3) == 0 ? "Direct" : "reserved", (v & 3) != 0});
        out.push_back({"BASE", hex(v & ~3ull), true});
        break;
    case Csr::MCAUSE:
    case Csr::SCAUSE:
    case Csr::VSCAUSE: apply(kCause, v, out, true); break;
    case Csr::MIP:
    case Csr::MIE:
    case Csr::MIDELEG:
    case Csr::SIP:
    case Csr::SIE:
    case Csr::HIP:
    case Csr::HIE:
    case Csr::HVIP:
    case Csr::HIDELEG:
    case Csr::VSIP:
    case Csr::VSIE: irq_bits(v, out); break;
    case Csr::MEDELEG:
    case Csr::HEDELEG: cause_bits(v, out); break;
    case Csr::MTINST:
    case Csr::HTINST:
        if (v) out.push_back({"insn", tinst_text(v), true});
        break;
    case Csr::MTVAL2:
    case Csr::HTVAL: out.push_back({"GPA", hex(v << 2), v != 0}); break;
    case Csr::FCSR: apply(kFcsr, v, out); break;
    case Csr::MISA: {
        std::string ext;
        for (int i = 0; i < 26; ++i)
            if ((v >> i) & 1) ext += char('A' + i);
        out.push_back({"MXL", std::to_string(v >> 62 == 2 ? 64 : 32), false});
        out.push_back({"extensions", ext, true});
        break;
    }
    default: break;
    }
    (void)h;
    (void)kTvec;
    return out;
}

std::string csr_summary(uint16_t addr, uint64_t v, bool h) {
    std::string s;
    for (const auto& f : csr_fields(addr, v, h)) {
        if (!f.nonzero) continue;
        if (!s.empty()) s += ' ';
        if (f.value == "1") s += f.name;
        else if (Csr(addr) == Csr::MEDELEG || Csr(addr) == Csr::HEDELEG) s += f.name;
        else s += f.name + "=" + f.value;
    }
    return s;
}

std::string tinst_text(uint64_t t) {
    if (!t) return "";
    if (t == isa::kTinstPteRead || t == 0x2000) return "implicit VS-stage PTE read (pseudoinstruction)";
    if (t == isa::kTinstPteWrite || t == 0x2020) return "implicit VS-stage PTE write, A/D update (pseudoinstruction)";
    const bool from16 = (t & 3) == 1;  // bit 1 clear: the trapping instruction was compressed
    isa::Decoded d = isa::decode(uint32_t(t | 2));
    if (d.op == isa::Op::ILLEGAL) return ".4byte " + hex(t);
    std::string text = isa::disassemble(d, 0);
    for (auto& c : text)
        if (c == '\t') c = ' ';
    return text + (from16 ? " (16-bit)" : "");
}

// ---------------------------------------------------------------- translation

const char* regime_name(Regime r) {
    switch (r) {
    case Regime::Hart: return "as the hart now (load)";
    case Regime::Satp: return "S-mode: satp";
    case Regime::GuestVirtual: return "guest virtual: vsatp + hgatp";
    case Regime::GuestPhysical: return "guest physical: hgatp";
    }
    return "?";
}

bool regime_by_name(const std::string& s, Regime& out) {
    if (s == "hart" || s == "now") out = Regime::Hart;
    else if (s == "satp" || s == "s") out = Regime::Satp;
    else if (s == "gva" || s == "vsatp" || s == "vs") out = Regime::GuestVirtual;
    else if (s == "gpa" || s == "hgatp" || s == "g") out = Regime::GuestPhysical;
    else return false;
    return true;
}

namespace {

const char* atp_mode_text(uint64_t atp, bool g) {
    switch (atp >> 60) {
    case 0: return "Bare";
    case 8: return g ? "Sv39x4" : "Sv39";
    case 9: return g ? "Sv48x4" : "Sv48";
    default: return "?";
    }
}

emu::WalkMemory bus_memory(emu::Bus& bus) {
    return emu::WalkMemory{[&bus](uint64_t a, uint64_t& v) { return bus.read(a, 8, v); },
                           [](uint64_t, uint64_t) { return false; }};
}

emu::WalkRequest request_for(emu::Hart& h, Regime r, uint64_t addr, emu::Access acc) {
    emu::WalkRequest rq;
    rq.va = addr;
    rq.access = acc;
    rq.update_ad = false;
    rq.hgatp = h.csr.hgatp;
    rq.gmxr = h.csr.mstatus & emu::mstatus::MXR;
    if (r == Regime::Satp) {
        rq.priv = emu::Priv::S;
        rq.atp = h.csr.satp;
        rq.sum = h.csr.mstatus & emu::mstatus::SUM;
        rq.mxr = h.csr.mstatus & emu::mstatus::MXR;
    } else {
        rq.priv = emu::Priv::S;
        rq.virt = true;
        rq.atp = r == Regime::GuestVirtual ? h.csr.vsatp : 0;
        rq.sum = h.csr.vsstatus & emu::mstatus::SUM;
        rq.mxr = (h.csr.mstatus & emu::mstatus::MXR) || (h.csr.vsstatus & emu::mstatus::MXR);
    }
    return rq;
}

uint64_t ppn_addr(uint64_t pte) { return ((pte >> 10) & ((1ull << 44) - 1)) << 12; }

}  // namespace

Translation translate(emu::Hart& h, Regime r, uint64_t addr, emu::Access acc) {
    Translation t;
    t.valid = true;
    t.addr = addr;
    t.regime = r;
    t.access = acc;
    t.hgatp = h.csr.hgatp;
    if (r == Regime::Hart) {
        t.result = h.debug_walk(addr, acc, &t.record);
        t.virt = h.virt && h.priv != emu::Priv::M;
        t.atp = t.virt ? h.csr.vsatp : h.csr.satp;
        t.context = std::string(h.priv == emu::Priv::M ? "S (the hart is in M-mode)" : emu::priv_name(h.priv, h.virt, h.h_ext)) +
                    "-mode";
    } else {
        emu::WalkRequest rq = request_for(h, r, addr, acc);
        t.result = emu::walk(rq, bus_memory(h.machine().bus()), &t.record);
        t.virt = rq.virt;
        t.atp = rq.atp;
        t.context = r == Regime::Satp ? "S-mode" : r == Regime::GuestVirtual ? "VS-mode" : "G-stage only";
    }
    if (!t.virt || t.regime != Regime::GuestPhysical)
        t.context += std::string(", ") + (t.virt ? "vsatp " : "satp ") + hex(t.atp) + " (" + atp_mode_text(t.atp, false) + ")";
    if (t.virt)
        t.context += ", hgatp " + hex(t.hgatp) + " (" + atp_mode_text(t.hgatp, true) + ", VMID " +
                     std::to_string((t.hgatp >> 44) & 0x3fff) + ")";
    if (t.virt) {
        // The guest physical address of each VS-stage PTE: the walk's own
        // path (root from vsatp, then each pointer PTE's PPN).
        uint64_t table = (t.atp & ((1ull << 44) - 1)) << 12;
        const bool vs_on = (t.atp >> 60) != 0;
        for (const auto& rd : t.record.reads) {
            if (rd.gstage) continue;
            const uint64_t vpn = (addr >> (12 + 9 * rd.level)) & 0x1ff;
            t.vs_pte_gpa[rd.level] = table + vpn * 8;
            table = ppn_addr(rd.pte);
            if ((rd.pte & 0xe) && (rd.pte & 1)) {
                const uint64_t mask = (1ull << (12 + 9 * rd.level)) - 1;
                t.gpa = (ppn_addr(rd.pte) & ~mask) | (addr & mask);
            }
        }
        if (!vs_on) t.gpa = addr;
    }
    return t;
}

std::optional<uint64_t> translate_address(emu::Hart& h, Regime r, uint64_t addr) {
    if (r == Regime::Hart) {
        if (h.priv == emu::Priv::M && !(h.csr.mstatus & emu::mstatus::MPRV)) return addr;
        emu::WalkResult w = h.debug_walk(addr, emu::Access::Read, nullptr);
        return w.ok ? std::optional<uint64_t>(w.pa) : std::nullopt;
    }
    emu::WalkRequest rq = request_for(h, r, addr, emu::Access::Read);
    if (r == Regime::Satp && (rq.atp >> 60) == 0) return addr;
    emu::WalkResult w = emu::walk(rq, bus_memory(h.machine().bus()), nullptr);
    return w.ok ? std::optional<uint64_t>(w.pa) : std::nullopt;
}

// ---------------------------------------------------------------- page tables

const char* tables_name(Tables t) {
    switch (t) {
    case Tables::Satp: return "satp";
    case Tables::Vsatp: return "vsatp";
    case Tables::Hgatp: return "hgatp";
    }
    return "?";
}

namespace {

constexpr size_t kMaxTables = 8192;

struct TreeReader {
    emu::Machine& m;
    emu::Hart& h;
    PageTables& out;
    bool gstage;        // hgatp tables (x4 root)
    bool guest_tables;  // vsatp tables live in guest physical memory
    unsigned va_bits;
    std::set<uint64_t> seen;

    bool read_pte(uint64_t pa, uint64_t& v) {
        if (!m.bus().region(pa, 8)) return false;  // RAM and ROM only: reading a device could change it
        ++out.pte_reads;
        return m.bus().read(pa, 8, v);
    }

    uint64_t canonical(uint64_t va) const {
        if (gstage) return va;
        const int sh = 64 - int(va_bits);
        return uint64_t(int64_t(va << sh) >> sh);
    }

    int table(uint64_t table_addr, int level, uint64_t va_base, bool root) {
        if (out.tables.size() >= kMaxTables) {
            out.truncated = true;
            return -1;
        }
        const int idx = int(out.tables.size());
        out.tables.push_back({});
        PtTable& t0 = out.tables.back();
        t0.gpa = table_addr;
        t0.pa = table_addr;
        t0.level = level;
        t0.va = va_base;
        if (guest_tables) {
            std::optional<uint64_t> hpa = translate_address(h, Regime::GuestPhysical, table_addr);
            if (!hpa) {
                out.tables[idx].unreadable = true;
                return idx;
            }
            out.tables[idx].pa = *hpa;
        }
        if (!seen.insert(out.tables[idx].pa).second) {
            out.tables[idx].repeated = true;
            return idx;
        }
        const unsigned n = (gstage && root) ? 2048 : 512;
        const uint64_t base = out.tables[idx].pa;
        std::vector<PtEntry> entries;
        for (unsigned i = 0; i < n; ++i) {
            uint64_t v = 0;
            if (!read_pte(base + i * 8, v)) {
                out.tables[idx].unreadable = true;
                break;
            }
            if (!(v & 1)) continue;
            PtEntry e;
            e.index = i;
            e.pte_addr = base + i * 8;
            e.pte = v;
            e.va = canonical(va_base + (uint64_t(i) << (12 + 9 * level)));
            entries.push_back(e);
        }
        for (auto& e : entries) {
            const bool leaf = e.pte & 0xe;
            if (leaf) {
                leaf_range(e, level);
            } else if (level > 0) {
                e.child = table(ppn_addr(e.pte), level - 1, e.va, false);
            }
        }
        out.tables[idx].entries = std::move(entries);
        return idx;
    }

    void leaf_range(const PtEntry& e, int level) {
        const uint64_t size = 1ull << (12 + 9 * level);
        const uint64_t pa = ppn_addr(e.pte);
        const uint8_t flags = uint8_t(e.pte & 0x3f);
        const bool a = e.pte & 0x40, d = e.pte & 0x80;
        if (!out.ranges.empty()) {
            PtRange& r = out.ranges.back();
            if (r.va + r.size == e.va && r.pa + r.size == pa && r.flags == flags) {
                r.size += size;
                r.a += a;
                r.d += d;
                r.leaves++;
                r.level = std::min(r.level, level);
                return;
            }
        }
        out.ranges.push_back({e.va, size, pa, flags, unsigned(a), unsigned(d), 1, level});
    }
};

}  // namespace

PageTables read_page_tables(emu::Machine& m, emu::Hart& h, Tables which) {
    PageTables out;
    out.which = which;
    out.atp = which == Tables::Satp ? h.csr.satp : which == Tables::Vsatp ? h.csr.vsatp : h.csr.hgatp;
    const bool g = which == Tables::Hgatp;
    out.mode = atp_mode_text(out.atp, g);
    out.tag = g ? (out.atp >> 44) & 0x3fff : (out.atp >> 44) & 0xffff;
    const uint64_t mode = out.atp >> 60;
    out.bare = mode != 8 && mode != 9;
    if (out.bare) return out;
    const int levels = mode == 8 ? 3 : 4;
    TreeReader r{m, h, out, g, which == Tables::Vsatp, unsigned(levels == 3 ? 39 : 48) + (g ? 2u : 0u), {}};
    uint64_t root = (out.atp & ((1ull << 44) - 1)) << 12;
    if (g) root &= ~0x3fffull;
    r.table(root, levels - 1, 0, true);
    return out;
}

// ---------------------------------------------------------------- TLB

const char* tlb_context_name(unsigned ctx) {
    static const char* const n[emu::IDX_COUNT] = {"M", "S", "S+SUM", "U", "VS", "VS+SUM", "VU"};
    return ctx < emu::IDX_COUNT ? n[ctx] : "?";
}

std::string tlb_tag_text(unsigned ctx, uint64_t tag) {
    if (ctx == emu::IDX_M) return "";
    std::string s = "ASID " + std::to_string(tag & 0xffff);
    if (ctx >= emu::IDX_VS) s += " VMID " + std::to_string((tag >> 16) & 0x3fff);
    if ((tag >> 40) & 1) s += " MXR";
    return s;
}

std::vector<TlbRow> tlb_rows(emu::Hart& h) {
    std::vector<TlbRow> rows;
    const emu::Tlb& t = h.tlb();
    for (unsigned ctx = 0; ctx < emu::IDX_COUNT; ++ctx)
        for (unsigned a = 0; a < 3; ++a)
            for (unsigned s = 0; s < emu::kTlbSize; ++s) {
                const emu::TlbEntry& e = t.e[ctx][a][s];
                if (e.vpn == ~0ull) continue;
                TlbRow r;
                r.ctx = ctx;
                r.access = emu::Access(a);
                r.slot = s;
                r.va = e.vpn << emu::kPageShift;
                r.pa = e.ppage;
                r.tag = e.tag;
                r.live = e.tag == h.tlb_tag(ctx);
                r.host = e.host != nullptr;
                rows.push_back(r);
            }
    return rows;
}

}  // namespace gui
