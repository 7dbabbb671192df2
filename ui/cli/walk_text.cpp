#include "walk_text.hpp"

#include "options.hpp"
#include "isa/fields.hpp"
#include "isa/hex.hpp"

#include <algorithm>
#include <cstdio>
#include <vector>
#include <sstream>

namespace cli {
namespace {

// The two-stage walk as a grid: one row per VS-stage level (and one for the
// final guest physical address), one column per G-stage level plus the
// VS-stage PTE itself; each cell is a PTE read: address, value, flags.
void nested_grid(const emu::WalkRecord& rec, std::ostream& out) {
    int glevels = 0;
    for (const auto& r : rec.reads)
        if (r.gstage) glevels = std::max(glevels, r.level + 1);
    constexpr int kCell = 22;
    auto pad = [](std::string s) { s.resize(kCell, ' '); return s; };
    std::vector<int> rows;
    for (const auto& r : rec.reads) {
        int row = r.gstage ? r.vs_level : r.level;
        if (std::find(rows.begin(), rows.end(), row) == rows.end()) rows.push_back(row);
    }
    out << "  " << pad("") << " ";
    for (int g = glevels - 1; g >= 0; --g) out << pad("G-stage level " + std::to_string(g));
    out << "VS-stage PTE\n";
    for (int row : rows) {
        std::string line[3];
        line[0] = pad(row < 0 ? "final GPA" : "VS level " + std::to_string(row));
        line[1] = line[2] = pad("");
        for (int g = glevels - 1; g >= -1; --g) {
            const emu::PteRead* cell = nullptr;
            for (const auto& r : rec.reads) {
                bool in_row = r.gstage ? r.vs_level == row : (r.level == row && row >= 0);
                if (in_row && ((g >= 0 && r.gstage && r.level == g) || (g < 0 && !r.gstage))) cell = &r;
            }
            if (!cell) {
                for (auto& l : line) l += pad(g < 0 ? "" : "  .");
                continue;
            }
            line[0] += pad("@" + isa::hex(cell->pte_addr));
            line[1] += pad("=" + isa::hex(cell->pte));
            line[2] += pad(" " + isa::pte::flags_text(cell->pte));
        }
        for (auto& l : line) out << "  " << l << "\n";
    }
}

}  // namespace

std::string walk_text(emu::Hart& h, uint64_t va) {
    std::ostringstream out;
    emu::WalkRecord rec;
    emu::WalkResult w = h.debug_walk(va, emu::Access::Read, &rec);
    const uint64_t atp = h.virt ? h.csrs().vsatp : h.csrs().satp;
    const char* mode = isa::atp::mode_name(isa::atp::mode(atp), false);
    const bool from_m = h.priv == emu::Priv::M;
    out << "walk of " << isa::hex(va) << " for a load in " << (from_m ? "S" : emu::priv_name(h.priv, h.virt, h.h_ext))
        << "-mode" << (from_m ? " (the hart is in M-mode)" : "") << ", "
        << (h.virt ? "vsatp " : "satp ") << isa::hex(atp, 16) << " (" << mode << ")";
    if (h.virt) {
        out << ", hgatp " << isa::hex(h.csrs().hgatp, 16) << " (" << isa::atp::mode_name(isa::atp::mode(h.csrs().hgatp), true)
            << ", VMID " << isa::atp::vmid(h.csrs().hgatp) << ")";
    }
    out << "\n";
    if (h.virt && !rec.reads.empty()) nested_grid(rec, out);
    if (rec.reads.empty() && w.ok) out << "  no translation: " << (h.virt ? "vsatp" : "satp") << " is Bare\n";
    for (const auto& r : h.virt ? std::vector<emu::PteRead>{} : rec.reads) {
        char b[160];
        const std::string flags = isa::pte::flags_text(r.pte);
        const char* stage = r.gstage ? "G-stage " : h.virt ? "VS-stage " : "";
        std::snprintf(b, sizeof b, "  %slevel %d: pte @ 0x%016llx = 0x%016llx  %s", stage, r.level,
                      (unsigned long long)r.pte_addr, (unsigned long long)r.pte, flags.c_str());
        std::string line = b;
        const bool leaf = isa::pte::leaf(r.pte), valid = isa::pte::valid(r.pte);
        const uint64_t next = isa::pte::addr(r.pte);
        if (!valid) line += "  invalid";
        else if (leaf) line += "  leaf, ppn " + isa::hex(next);
        else line += "  -> table " + isa::hex(next);
        out << line << "\n";
    }
    if (w.ok) {
        const uint64_t size = w.page_mask + 1;
        const std::string page = size >= (1ull << 30) ? std::to_string(size >> 30) + " GiB"
                               : size >= (1ull << 20) ? std::to_string(size >> 20) + " MiB"
                                                      : std::to_string(size >> 10) + " KiB";
        out << "  result: " << isa::hex(va) << " -> pa " << isa::hex(w.pa) << " (" << w.mem_reads << " memory reads, page size "
            << page << ")\n";
    }
    else out << "  result: fault, cause " << w.cause << " (" << w.mem_reads << " memory reads)\n";

    return out.str();
}

}  // namespace cli
