#include "inspect.hpp"

#include <algorithm>
#include <bit>
#include <cstdio>
#include <set>

#include "isa/causes.hpp"
#include "isa/csr.hpp"
#include "isa/disasm.hpp"
#include "isa/hex.hpp"
#include "isa/insn.hpp"
#include "isa/tinst.hpp"

namespace gui {

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

constexpr const char* kIrqNames[16] = {nullptr, "SSI", "VSSI", "MSI", nullptr, "STI", "VSTI", "MTI",
                                       nullptr, "SEI", "VSEI", "MEI", "SGEI", nullptr, nullptr, nullptr};

void apply(std::span<const isa::Field> defs, uint64_t v, std::vector<CsrField>& out, bool is_cause = false) {
    using F = isa::Field;
    for (const auto& d : defs) {
        const uint64_t f = d.get(v);
        const unsigned width = unsigned(std::popcount(d.mask));
        CsrField c;
        c.name = std::string(d.name);
        c.nonzero = f != 0;
        switch (d.kind) {
        case F::Flag:
        case F::Num: c.value = f < 10 ? std::to_string(f) : isa::hex(f); break;
        case F::Priv2:
            c.value = width == 1 ? (f ? "S" : "U") : f == 3 ? "M" : f == 1 ? "S" : f == 0 ? "U" : "?";
            c.nonzero = f != 0 || width == 2;  // MPP=U is worth showing, SPP=U less so
            break;
        case F::Fs: {
            static const char* const n[4] = {"Off", "Initial", "Clean", "Dirty"};
            c.value = n[f & 3];
            break;
        }
        case F::Xl: c.value = f == 1 ? "32" : f == 2 ? "64" : f == 3 ? "128" : "-"; c.nonzero = false; break;
        case F::Atp:
        case F::Gatp: {
            const char* n = isa::atp::mode_name(f, d.kind == F::Gatp);
            c.value = n ? n : std::to_string(f);
            c.nonzero = true;
            break;
        }
        case F::Addr12: c.value = isa::hex(f) + " (root " + isa::hex(f << 12) + ")"; break;
        case F::Cause: {
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

std::vector<CsrField> csr_fields(uint16_t addr, uint64_t v, bool h) {
    std::vector<CsrField> out;
    switch (Csr(addr)) {
    case Csr::MSTATUS:
    case Csr::SSTATUS:
    case Csr::VSSTATUS:
    case Csr::HSTATUS:
    case Csr::SATP:
    case Csr::VSATP:
    case Csr::HGATP:
    case Csr::FCSR: apply(isa::csr_fields(addr), v, out); break;
    case Csr::MTVEC:
    case Csr::STVEC:
    case Csr::VSTVEC:
        out.push_back({"MODE", (v & 3) == 1 ? "Vectored" : (v & 3) == 0 ? "Direct" : "reserved", (v & 3) != 0});
        out.push_back({"BASE", isa::hex(v & ~3ull), true});
        break;
    case Csr::MCAUSE:
    case Csr::SCAUSE:
    case Csr::VSCAUSE: apply(isa::csr_fields(addr), v, out, true); break;
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
    case Csr::HTVAL: out.push_back({"GPA", isa::hex(v << 2), v != 0}); break;
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
    if (d.op == isa::Op::ILLEGAL) return ".4byte " + isa::hex(t);
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
    const char* n = isa::atp::mode_name(isa::atp::mode(atp), g);
    return n ? n : "?";
}

emu::WalkRequest request_for(emu::Hart& h, Regime r, uint64_t addr, emu::Access acc) {
    emu::WalkRequest rq = h.walk_request(addr, acc, emu::Priv::S, r != Regime::Satp);
    if (r == Regime::GuestPhysical) rq.atp = 0;  // VS-stage Bare: the G-stage alone
    return rq;
}

}  // namespace

Translation translate(emu::Hart& h, Regime r, uint64_t addr, emu::Access acc) {
    Translation t;
    t.valid = true;
    t.addr = addr;
    t.regime = r;
    t.access = acc;
    t.hgatp = h.csrs().hgatp;
    if (r == Regime::Hart) {
        t.result = h.debug_walk(addr, acc, &t.record);
        t.virt = h.virt && h.priv != emu::Priv::M;
        t.atp = t.virt ? h.csrs().vsatp : h.csrs().satp;
        t.context = std::string(h.priv == emu::Priv::M ? "S (the hart is in M-mode)" : emu::priv_name(h.priv, h.virt, h.h_ext)) +
                    "-mode";
    } else {
        emu::WalkRequest rq = request_for(h, r, addr, acc);
        t.result = h.debug_walk(rq, &t.record);
        t.virt = rq.virt;
        t.atp = rq.atp;
        t.context = r == Regime::Satp ? "S-mode" : r == Regime::GuestVirtual ? "VS-mode" : "G-stage only";
    }
    if (!t.virt || t.regime != Regime::GuestPhysical)
        t.context += std::string(", ") + (t.virt ? "vsatp " : "satp ") + isa::hex(t.atp) + " (" + atp_mode_text(t.atp, false) + ")";
    if (t.virt)
        t.context += ", hgatp " + isa::hex(t.hgatp) + " (" + atp_mode_text(t.hgatp, true) + ", VMID " +
                     std::to_string(isa::atp::vmid(t.hgatp)) + ")";
    if (t.virt) {
        // The guest physical address of each VS-stage PTE and of the
        // address itself, as the walker recorded them.
        const bool vs_on = !isa::atp::bare(t.atp);
        for (const auto& rd : t.record.reads)
            if (!rd.gstage) t.vs_pte_gpa[rd.level] = rd.pte_gpa;
        if (t.record.gpa != ~0ull) t.gpa = t.record.gpa;
        if (!vs_on) t.gpa = addr;
    }
    return t;
}

std::optional<uint64_t> translate_address(emu::Hart& h, Regime r, uint64_t addr) {
    if (r == Regime::Hart) {
        if (h.priv == emu::Priv::M && !(h.csrs().mstatus & emu::mstatus::MPRV)) return addr;
        emu::WalkResult w = h.debug_walk(addr, emu::Access::Read, nullptr);
        return w.ok ? std::optional<uint64_t>(w.pa) : std::nullopt;
    }
    emu::WalkRequest rq = request_for(h, r, addr, emu::Access::Read);
    if (r == Regime::Satp && isa::atp::bare(rq.atp)) return addr;
    emu::WalkResult w = h.debug_walk(rq, nullptr);
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
    isa::atp::Layout layout;
    std::set<uint64_t> seen;

    bool read_pte(uint64_t pa, uint64_t& v) {
        if (!m.bus().region(pa, 8)) return false;  // RAM and ROM only: reading a device could change it
        ++out.pte_reads;
        return m.bus().read(pa, 8, v);
    }

    uint64_t canonical(uint64_t va) const {
        if (gstage) return va;
        const int sh = 64 - int(layout.va_bits);
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
        const unsigned n = root ? layout.root_entries : 512;
        const uint64_t base = out.tables[idx].pa;
        std::vector<PtEntry> entries;
        for (unsigned i = 0; i < n; ++i) {
            uint64_t v = 0;
            if (!read_pte(base + i * 8, v)) {
                out.tables[idx].unreadable = true;
                break;
            }
            if (!isa::pte::valid(v)) continue;
            PtEntry e;
            e.index = i;
            e.pte_addr = base + i * 8;
            e.pte = v;
            e.va = canonical(va_base + uint64_t(i) * isa::pte::page_size(level));
            entries.push_back(e);
        }
        for (auto& e : entries) {
            if (isa::pte::leaf(e.pte)) {
                leaf_range(e, level);
            } else if (level > 0) {
                e.child = table(isa::pte::addr(e.pte), level - 1, e.va, false);
            }
        }
        out.tables[idx].entries = std::move(entries);
        return idx;
    }

    void leaf_range(const PtEntry& e, int level) {
        const uint64_t size = isa::pte::page_size(level);
        const uint64_t pa = isa::pte::addr(e.pte);
        const uint8_t flags = uint8_t(e.pte & isa::pte::FLAGS & ~(isa::pte::A | isa::pte::D));
        const bool a = e.pte & isa::pte::A, d = e.pte & isa::pte::D;
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

namespace {

PageTables read_tables(emu::Machine& m, emu::Hart& h, Tables which, uint64_t atp) {
    PageTables out;
    out.which = which;
    out.atp = atp;
    const bool g = which == Tables::Hgatp;
    out.mode = atp_mode_text(out.atp, g);
    out.tag = g ? isa::atp::vmid(out.atp) : isa::atp::asid(out.atp);
    const std::optional<isa::atp::Layout> layout = isa::atp::layout(out.atp, g);
    out.bare = !layout;
    if (out.bare) return out;
    TreeReader r{m, h, out, g, which == Tables::Vsatp, *layout, {}};
    r.table(layout->root, int(layout->levels) - 1, 0, true);
    return out;
}

}  // namespace

PageTables read_page_tables(emu::Machine& m, emu::Hart& h, Tables which) {
    return read_tables(m, h, which, which == Tables::Satp ? h.csrs().satp : which == Tables::Vsatp ? h.csrs().vsatp : h.csrs().hgatp);
}

PageTables read_gstage_tables(emu::Machine& m, uint64_t hgatp) { return read_tables(m, m.hart(0), Tables::Hgatp, hgatp); }

// ---------------------------------------------------------------- TLB

const char* tlb_context_name(unsigned ctx) { return emu::tlb_context_name(ctx); }

std::string tlb_tag_text(unsigned ctx, const emu::TlbTag& tag) {
    if (ctx == emu::IDX_M) return "";
    std::string s = "ASID " + std::to_string(tag.asid);
    if (ctx >= emu::IDX_VS) s += " VMID " + std::to_string(tag.vmid);
    if (tag.mxr) s += " MXR";
    return s;
}

}  // namespace gui
