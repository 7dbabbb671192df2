#include "walk_text.hpp"

#include "options.hpp"

#include <cstdio>
#include <sstream>

namespace cli {
std::string walk_text(emu::Hart& h, uint64_t va) {
    std::ostringstream out;
    emu::WalkRecord rec;
    emu::WalkResult w = h.debug_walk(va, emu::Access::Read, &rec);
    const uint64_t atp = h.virt ? h.csr.vsatp : h.csr.satp;
    const char* mode = (atp >> 60) == 8 ? "Sv39" : (atp >> 60) == 9 ? "Sv48" : "Bare";
    const bool from_m = h.priv == emu::Priv::M;
    out << "walk of " << hex(va) << " for a load in " << (from_m ? "S" : emu::priv_name(h.priv, h.virt, h.h_ext))
        << "-mode" << (from_m ? " (the hart is in M-mode)" : "") << ", "
        << (h.virt ? "vsatp " : "satp ") << hex(atp, 16) << " (" << mode << ")\n";
    if (rec.reads.empty() && w.ok) out << "  no translation: " << (h.virt ? "vsatp" : "satp") << " is Bare\n";
    for (const auto& r : rec.reads) {
        char b[160];
        std::string flags;
        const char* names = "VRWXUGAD";
        for (int i = 0; i < 8; ++i) flags += (r.pte >> i) & 1 ? names[i] : '-';
        const char* stage = r.gstage ? "G-stage " : h.virt ? "VS-stage " : "";
        std::snprintf(b, sizeof b, "  %slevel %d: pte @ 0x%016llx = 0x%016llx  %s", stage, r.level,
                      (unsigned long long)r.pte_addr, (unsigned long long)r.pte, flags.c_str());
        std::string line = b;
        bool leaf = (r.pte & 0xe) != 0, valid = r.pte & 1;
        uint64_t next = ((r.pte >> 10) & ((1ull << 44) - 1)) << 12;
        if (!valid) line += "  invalid";
        else if (leaf) line += "  leaf, ppn " + hex(next);
        else line += "  -> table " + hex(next);
        out << line << "\n";
    }
    if (w.ok) out << "  result: " << hex(va) << " -> pa " << hex(w.pa) << " (" << w.mem_reads << " memory reads, page size "
                  << (w.page_mask + 1) / 1024 << " KiB)\n";
    else out << "  result: fault, cause " << w.cause << " (" << w.mem_reads << " memory reads)\n";

    return out.str();
}

}  // namespace cli
