// Memory tables: page-table trees (satp, vsatp, hgatp) coalesced into
// ranges, the walk of an address as a grid, the TLB, and a memory view.
#include <chrono>
#include <cinttypes>
#include <cstdio>

#include "app.hpp"

namespace gui {

std::string size_text(uint64_t n) {
    char b[32];
    if (n >= (1ull << 30) && n % (1ull << 30) == 0) std::snprintf(b, sizeof b, "%" PRIu64 " GiB", n >> 30);
    else if (n >= (1ull << 20) && n % (1ull << 20) == 0) std::snprintf(b, sizeof b, "%" PRIu64 " MiB", n >> 20);
    else if (n >= 1024) std::snprintf(b, sizeof b, "%" PRIu64 " KiB", n >> 10);
    else std::snprintf(b, sizeof b, "%" PRIu64 " bytes", n);
    return b;
}

namespace {

const ImU32 kLeafBg = IM_COL32(40, 120, 60, 110);
const ImU32 kBadBg = IM_COL32(150, 40, 40, 120);
const ImU32 kPtrBg = IM_COL32(50, 70, 120, 80);

Regime regime_for(Tables t) {
    return t == Tables::Satp ? Regime::Satp : t == Tables::Vsatp ? Regime::GuestVirtual : Regime::GuestPhysical;
}

void flags_text(uint8_t f, const PtRange& r) {
    std::string b = isa::pte::flags_text(f).substr(1, 5) + ' ';  // R W X U G
    b += r.a == r.leaves ? 'A' : r.a ? 'a' : '-';
    b += r.d == r.leaves ? 'D' : r.d ? 'd' : '-';
    ImGui::TextUnformatted(b.c_str());
    if (ImGui::IsItemHovered())
        ImGui::SetTooltip("R W X U G of every leaf; A/D: all leaves (A D), some (a d) or none (-)\n%u of %u accessed, %u dirty",
                          r.a, r.leaves, r.d);
}

void table_node(App& a, const PageTables& pt, int idx, int depth) {
    if (idx < 0 || size_t(idx) >= pt.tables.size()) return;
    const PtTable& t = pt.tables[size_t(idx)];
    const bool stage2 = pt.which == Tables::Hgatp;
    for (const auto& e : t.entries) {
        const bool leaf = isa::pte::leaf(e.pte);
        const uint64_t next = isa::pte::addr(e.pte);
        char label[200];
        if (leaf) {
            std::snprintf(label, sizeof label, "[%3u] %s 0x%" PRIx64 " -> 0x%" PRIx64 "  %s  %s##%" PRIx64, e.index,
                          stage2 ? "GPA" : "VA", e.va, next, isa::pte::flags_text(e.pte).c_str(),
                          size_text(1ull << (12 + 9 * t.level)).c_str(), e.pte_addr);
            ImGui::TreeNodeEx(label, ImGuiTreeNodeFlags_Leaf | ImGuiTreeNodeFlags_NoTreePushOnOpen | ImGuiTreeNodeFlags_Bullet);
            if (ImGui::IsItemClicked()) a.open_translation(e.va, regime_for(pt.which));
        } else {
            const PtTable* c = e.child >= 0 ? &pt.tables[size_t(e.child)] : nullptr;
            std::snprintf(label, sizeof label, "[%3u] 0x%" PRIx64 ".. -> level-%d table @ 0x%" PRIx64 "%s (%zu valid)%s##%" PRIx64,
                          e.index, e.va, t.level - 1, c ? c->pa : next,
                          c && c->gpa != c->pa ? (" (GPA 0x" + [&] { char b[24]; std::snprintf(b, sizeof b, "%" PRIx64, c->gpa); return std::string(b); }() + ")").c_str() : "",
                          c ? c->entries.size() : size_t(0),
                          c && c->unreadable ? " unreadable" : c && c->repeated ? " (shown above)" : "", e.pte_addr);
            if (ImGui::TreeNodeEx(label, depth == 0 && t.entries.size() <= 4 ? ImGuiTreeNodeFlags_DefaultOpen : 0)) {
                if (c && !c->repeated) table_node(a, pt, e.child, depth + 1);
                ImGui::TreePop();
            }
        }
        if (ImGui::IsItemHovered()) ImGui::SetTooltip("PTE @ 0x%" PRIx64 " = 0x%016" PRIx64 "  %s", e.pte_addr, e.pte, isa::pte::flags_text(e.pte).c_str());
    }
}

void page_tables(App& a) {
    Session& s = a.s;
    emu::Hart& h = s.hart();
    int w = int(a.pt_which);
    ImGui::RadioButton("satp", &w, int(Tables::Satp));
    ImGui::SameLine();
    ImGui::BeginDisabled(!h.h_ext);
    ImGui::RadioButton("vsatp", &w, int(Tables::Vsatp));
    ImGui::SameLine();
    ImGui::RadioButton("hgatp", &w, int(Tables::Hgatp));
    ImGui::EndDisabled();
    if (w != int(a.pt_which)) { a.pt_which = Tables(w); a.pt_gen = 0; }
    ImGui::SameLine();
    const bool refresh = ImGui::Button("Refresh");
    // Re-read when the machine changed: at once when paused, twice a second while running.
    const double now = std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
    if (refresh || a.pt_gen == 0 || a.pt_for != a.pt_which || a.pt_hart != s.hart_index() ||
        (a.pt_gen != s.generation() && (!s.running() || now - a.pt_time > 0.5))) {
        a.pt = read_page_tables(s.machine(), h, a.pt_which);
        a.pt_gen = s.generation();
        a.pt_for = a.pt_which;
        a.pt_hart = s.hart_index();
        a.pt_time = now;
    }
    const PageTables& pt = a.pt;
    ImGui::SameLine();
    ImGui::Text("%s = 0x%016" PRIx64 ": %s", tables_name(pt.which), pt.atp, pt.mode.c_str());
    if (pt.bare) {
        ImGui::TextDisabled("%s is Bare: %s", tables_name(pt.which),
                            pt.which == Tables::Hgatp ? "guest physical = host physical" : "no translation, virtual = physical");
        return;
    }
    ImGui::SameLine();
    ImGui::Text("%s %" PRIu64 ", root 0x%" PRIx64, pt.which == Tables::Hgatp ? "VMID" : "ASID", pt.tag,
                pt.tables.empty() ? 0 : pt.tables[0].pa);
    ImGui::TextDisabled("%zu tables, %zu ranges, %" PRIu64 " PTEs read%s%s; click a row to walk its first address", pt.tables.size(),
                        pt.ranges.size(), pt.pte_reads, pt.truncated ? " (truncated)" : "",
                        pt.which == Tables::Vsatp ? "; addresses are guest virtual -> guest physical" : "");
    if (ImGui::BeginTabBar("pttabs")) {
        if (a.tab("Page tables", "Ranges")) {
            const ImGuiTableFlags f = ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollY | ImGuiTableFlags_SizingFixedFit |
                                      ImGuiTableFlags_BordersInnerV;
            if (ImGui::BeginTable("ranges", 5, f)) {
                ImGui::TableSetupScrollFreeze(0, 1);
                const bool g = pt.which == Tables::Hgatp, vs = pt.which == Tables::Vsatp;
                ImGui::TableSetupColumn(g ? "guest physical" : vs ? "guest virtual" : "virtual");
                ImGui::TableSetupColumn("size");
                ImGui::TableSetupColumn(g ? "host physical" : vs ? "guest physical" : "physical");
                ImGui::TableSetupColumn("RWXUG A D");
                ImGui::TableSetupColumn("pages", ImGuiTableColumnFlags_WidthStretch);
                ImGui::TableHeadersRow();
                ImGuiListClipper clip;
                clip.Begin(int(pt.ranges.size()));
                while (clip.Step())
                    for (int i = clip.DisplayStart; i < clip.DisplayEnd; ++i) {
                        const PtRange& r = pt.ranges[size_t(i)];
                        ImGui::TableNextRow();
                        ImGui::TableNextColumn();
                        char lbl[64];
                        std::snprintf(lbl, sizeof lbl, "0x%" PRIx64 "##r%d", r.va, i);
                        if (ImGui::Selectable(lbl, false, ImGuiSelectableFlags_SpanAllColumns))
                            a.open_translation(r.va, regime_for(pt.which));
                        ImGui::TableNextColumn();
                        ImGui::Text("%s", size_text(r.size).c_str());
                        ImGui::TableNextColumn();
                        ImGui::Text("0x%" PRIx64, r.pa);
                        ImGui::TableNextColumn();
                        flags_text(r.flags, r);
                        ImGui::TableNextColumn();
                        ImGui::TextDisabled("%u x %s", r.leaves, size_text(1ull << (12 + 9 * r.level)).c_str());
                    }
                ImGui::EndTable();
            }
            ImGui::EndTabItem();
        }
        if (a.tab("Page tables", "Tree")) {
            ImGui::BeginChild("tree");
            if (!pt.tables.empty()) {
                const PtTable& root = pt.tables[0];
                char label[96];
                std::snprintf(label, sizeof label, "root: level-%d table @ 0x%" PRIx64 " (%zu valid entries)", root.level, root.pa,
                              root.entries.size());
                if (ImGui::TreeNodeEx(label, ImGuiTreeNodeFlags_DefaultOpen)) {
                    table_node(a, pt, 0, 0);
                    ImGui::TreePop();
                }
            }
            ImGui::EndChild();
            ImGui::EndTabItem();
        }
        ImGui::EndTabBar();
    }
}

// One PTE read as a grid cell.
void pte_cell(const emu::PteRead& r) {
    const bool valid = isa::pte::valid(r.pte), leaf = valid && isa::pte::leaf(r.pte);
    ImGui::TableSetBgColor(ImGuiTableBgTarget_CellBg, !valid ? kBadBg : leaf ? kLeafBg : kPtrBg);
    ImGui::Text("@0x%" PRIx64, r.pte_addr);
    ImGui::Text("=0x%" PRIx64, r.pte);
    ImGui::Text("%s %s", isa::pte::flags_text(r.pte).c_str(), !valid ? "invalid" : leaf ? "leaf" : "-> next");
}

void translation_view(App& a) {
    Session& s = a.s;
    ImGui::SetNextItemWidth(170);
    bool go = ImGui::InputTextWithHint("##addr", "address or symbol", a.tr_buf, sizeof a.tr_buf,
                                       ImGuiInputTextFlags_EnterReturnsTrue);
    ImGui::SameLine();
    ImGui::SetNextItemWidth(210);
    int reg = int(a.tr_regime);
    const char* regimes[] = {regime_name(Regime::Hart), regime_name(Regime::Satp), regime_name(Regime::GuestVirtual),
                             regime_name(Regime::GuestPhysical)};
    if (ImGui::Combo("##regime", &reg, regimes, s.h_enabled() ? 4 : 2)) { a.tr_regime = Regime(reg); go = true; }
    ImGui::SameLine();
    ImGui::SetNextItemWidth(70);
    const char* accs[] = {"read", "write", "fetch"};
    if (ImGui::Combo("##acc", &a.tr_access, accs, 3)) go = true;
    ImGui::SameLine();
    go |= ImGui::Button("Walk");
    uint64_t addr = 0;
    if (go && parse_address(a, a.tr_buf, addr)) a.open_translation(addr, a.tr_regime, emu::Access(a.tr_access));
    Translation& t = a.tr;
    if (!t.valid) {
        ImGui::TextDisabled("Type an address and press Enter: the walk is the emulator's own (the walker records each PTE read).");
        return;
    }
    if (a.tr_gen != s.generation() && !s.running()) {  // the machine moved: walk again with the tables as they are now
        t = translate(s.hart(), t.regime, t.addr, t.access);
        a.tr_gen = s.generation();
    }
    ImGui::TextWrapped("Walk of 0x%" PRIx64 " for a %s in %s", t.addr, accs[int(t.access)], t.context.c_str());
    const auto& reads = t.record.reads;
    const uint64_t cost = uint64_t(t.result.mem_reads) * emu::CycleModel::kPteRead;
    if (t.result.ok) {
        ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(0.5f, 0.95f, 0.6f, 1));
        if (t.virt)
            ImGui::Text("GVA 0x%" PRIx64 " -> GPA 0x%" PRIx64 " -> HPA 0x%" PRIx64, t.addr, t.gpa.value_or(0), t.result.pa);
        else
            ImGui::Text("VA 0x%" PRIx64 " -> PA 0x%" PRIx64, t.addr, t.result.pa);
        ImGui::PopStyleColor();
        ImGui::TextDisabled("%s page; %u memory reads x %u cycles = %" PRIu64 " cycles for this walk (cycle model)",
                            size_text(t.result.page_mask + 1).c_str(), t.result.mem_reads, emu::CycleModel::kPteRead, cost);
    } else {
        ImGui::TextColored(ImVec4(1, 0.45f, 0.4f, 1), "fault: %s (cause %" PRIu64 ")%s", cause_text(t.result.cause, false).c_str(),
                           t.result.cause, t.result.guest_fault ? ", in the G-stage" : "");
        if (t.result.guest_fault)
            ImGui::TextDisabled("after %u memory reads; faulting GPA 0x%" PRIx64 "%s", t.result.mem_reads, t.result.gpa,
                                t.result.implicit ? " (an implicit VS-stage PTE access)" : "");
        else
            ImGui::TextDisabled("after %u memory reads", t.result.mem_reads);
    }
    if (reads.empty()) {
        ImGui::TextDisabled("No page-table reads: %s.", t.result.ok ? "translation is Bare here" : "the address was rejected before any read");
        return;
    }
    if (!t.virt) {
        if (ImGui::BeginTable("walk1", 5, ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV | ImGuiTableFlags_SizingFixedFit)) {
            for (const char* c : {"level", "PTE address", "PTE value", "VRWXUGAD", "meaning"}) ImGui::TableSetupColumn(c);
            ImGui::TableHeadersRow();
            for (const auto& r : reads) {
                ImGui::TableNextRow();
                const bool valid = isa::pte::valid(r.pte), leaf = valid && isa::pte::leaf(r.pte);
                ImGui::TableSetBgColor(ImGuiTableBgTarget_RowBg1, !valid ? kBadBg : leaf ? kLeafBg : kPtrBg);
                ImGui::TableNextColumn();
                ImGui::Text("%d", r.level);
                ImGui::TableNextColumn();
                ImGui::Text("0x%" PRIx64, r.pte_addr);
                ImGui::TableNextColumn();
                ImGui::Text("0x%016" PRIx64, r.pte);
                ImGui::TableNextColumn();
                ImGui::TextUnformatted(isa::pte::flags_text(r.pte).c_str());
                ImGui::TableNextColumn();
                const uint64_t next = isa::pte::addr(r.pte);
                if (!valid) ImGui::Text("invalid");
                else if (leaf) ImGui::Text("leaf: page 0x%" PRIx64, next);
                else ImGui::Text("table at 0x%" PRIx64, next);
            }
            ImGui::EndTable();
        }
        return;
    }
    // Two stages: VS-stage levels as rows, G-stage levels as columns.
    int glevels = 0;
    std::vector<int> rows;
    for (const auto& r : reads) {
        if (r.gstage) glevels = std::max(glevels, r.level + 1);
        const int row = r.gstage ? r.vs_level : r.level;
        if (std::find(rows.begin(), rows.end(), row) == rows.end()) rows.push_back(row);
    }
    const int ncols = 1 + glevels + 1;
    const ImGuiTableFlags f = ImGuiTableFlags_Borders | ImGuiTableFlags_SizingFixedFit | ImGuiTableFlags_ScrollX | ImGuiTableFlags_ScrollY;
    if (!ImGui::BeginTable("walk2", ncols, f)) return;
    ImGui::TableSetupScrollFreeze(1, 1);
    ImGui::TableSetupColumn("VS-stage \\ G-stage");
    for (int g = glevels - 1; g >= 0; --g) ImGui::TableSetupColumn(("G level " + std::to_string(g)).c_str());
    ImGui::TableSetupColumn("VS-stage PTE");
    ImGui::TableHeadersRow();
    for (int row : rows) {
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        if (row >= 0) {
            ImGui::Text("VS level %d", row);
            auto it = t.vs_pte_gpa.find(row);
            if (it != t.vs_pte_gpa.end()) ImGui::TextDisabled("PTE at GPA");
            if (it != t.vs_pte_gpa.end()) ImGui::TextDisabled("0x%" PRIx64, it->second);
        } else {
            ImGui::Text("final GPA");
            if (t.gpa) ImGui::TextDisabled("0x%" PRIx64, *t.gpa);
        }
        for (int g = glevels - 1; g >= -1; --g) {
            ImGui::TableNextColumn();
            const emu::PteRead* cell = nullptr;
            for (const auto& r : reads) {
                const bool in_row = r.gstage ? r.vs_level == row : (r.level == row && row >= 0);
                if (in_row && ((g >= 0 && r.gstage && r.level == g) || (g < 0 && !r.gstage))) cell = &r;
            }
            if (cell) pte_cell(*cell);
            else ImGui::TextDisabled(g < 0 && row < 0 ? (t.result.ok ? "HPA" : "") : ".");
            if (!cell && g < 0 && row < 0 && t.result.ok) ImGui::Text("0x%" PRIx64, t.result.pa);
        }
    }
    ImGui::EndTable();
}

void tlb_view(App& a) {
    Session& s = a.s;
    emu::Hart& h = s.hart();
    static std::vector<TlbRow> rows;
    static uint64_t gen = 0;
    static unsigned hart = ~0u;
    if (gen != s.generation() || hart != s.hart_index()) {
        rows = h.tlb_entries();
        gen = s.generation();
        hart = s.hart_index();
    }
    const char* ctxs[] = {"all contexts", "M", "S", "S+SUM", "U", "VS", "VS+SUM", "VU"};
    int c = a.tlb_ctx + 1;
    ImGui::SetNextItemWidth(120);
    if (ImGui::Combo("##ctx", &c, ctxs, h.h_ext ? 8 : 5)) a.tlb_ctx = c - 1;
    ImGui::SameLine();
    ImGui::Checkbox("only entries that can hit now", &a.tlb_live_only);
    std::vector<const TlbRow*> shown;
    for (const auto& r : rows)
        if ((a.tlb_ctx < 0 || int(r.ctx) == a.tlb_ctx) && (!a.tlb_live_only || r.live)) shown.push_back(&r);
    ImGui::SameLine();
    ImGui::TextDisabled("%zu of %zu entries; %" PRIu64 " fills logged", shown.size(), rows.size(),
                        s.machine().events().count(emu::EventKind::TlbFill));
    const ImGuiTableFlags f = ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollY | ImGuiTableFlags_SizingFixedFit;
    if (!ImGui::BeginTable("tlb", 7, f)) return;
    ImGui::TableSetupScrollFreeze(0, 1);
    for (const char* n : {"context", "access", "slot", "virtual page", "physical page", "tag", "state"}) ImGui::TableSetupColumn(n);
    ImGui::TableHeadersRow();
    static const char* const acc[] = {"R", "W", "X"};
    ImGuiListClipper clip;
    clip.Begin(int(shown.size()));
    while (clip.Step())
        for (int i = clip.DisplayStart; i < clip.DisplayEnd; ++i) {
            const TlbRow& r = *shown[size_t(i)];
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            ImGui::Text("%s", tlb_context_name(r.ctx));
            ImGui::TableNextColumn();
            ImGui::Text("%s", acc[unsigned(r.access)]);
            ImGui::TableNextColumn();
            ImGui::Text("%u", r.slot);
            ImGui::TableNextColumn();
            ImGui::Text("0x%" PRIx64, r.va);
            ImGui::TableNextColumn();
            ImGui::Text("0x%" PRIx64, r.pa);
            ImGui::TableNextColumn();
            ImGui::Text("%s", tlb_tag_text(r.ctx, r.tag).c_str());
            ImGui::TableNextColumn();
            if (r.live) ImGui::Text("live%s", r.host ? ", RAM" : ", slow");
            else ImGui::TextDisabled("stale tag");
        }
    ImGui::EndTable();
}

void memory_view(App& a) {
    Session& s = a.s;
    emu::Hart& h = s.hart();
    const char* spaces[] = {"hart virtual (now)", "S virtual (satp)", "guest virtual (vsatp+hgatp)", "guest physical (hgatp)",
                            "host physical"};
    ImGui::SetNextItemWidth(170);
    if (ImGui::InputTextWithHint("##maddr", "address or symbol", a.mem_buf, sizeof a.mem_buf, ImGuiInputTextFlags_EnterReturnsTrue)) {
        uint64_t addr;
        if (parse_address(a, a.mem_buf, addr)) a.mem_addr = addr & ~0xfull;
    }
    ImGui::SameLine();
    ImGui::SetNextItemWidth(220);
    int sp = a.mem_space;
    if (!s.h_enabled() && sp >= 2 && sp <= 3) sp = 0;
    // Items 2 and 3 need the H extension; show them only when present.
    if (ImGui::BeginCombo("##space", spaces[sp])) {
        for (int i = 0; i < 5; ++i) {
            if (!s.h_enabled() && (i == 2 || i == 3)) continue;
            if (ImGui::Selectable(spaces[i], i == sp)) a.mem_space = i;
        }
        ImGui::EndCombo();
    }
    const uint64_t base = a.mem_addr & ~0xfull;
    constexpr int kRows = 256;  // 4 KiB from the address
    if (!ImGui::BeginTable("mem", 3, ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollY | ImGuiTableFlags_SizingFixedFit)) return;
    ImGui::TableSetupScrollFreeze(0, 1);
    ImGui::TableSetupColumn("address");
    ImGui::TableSetupColumn("00 01 02 03 04 05 06 07  08 09 0a 0b 0c 0d 0e 0f");
    ImGui::TableSetupColumn("ascii", ImGuiTableColumnFlags_WidthStretch);
    ImGui::TableHeadersRow();
    emu::Bus& bus = s.machine().bus();
    uint64_t page_va = 1;
    std::optional<uint64_t> page_pa;
    ImGuiListClipper clip;
    clip.Begin(kRows);
    while (clip.Step())
        for (int row = clip.DisplayStart; row < clip.DisplayEnd; ++row) {
            const uint64_t va = base + uint64_t(row) * 16;
            if ((va & ~0xfffull) != page_va) {
                page_va = va & ~0xfffull;
                page_pa = a.mem_space == 4 ? std::optional<uint64_t>(page_va) : translate_address(h, Regime(a.mem_space), page_va);
            }
            char hexs[64], asc[20];
            int n = 0;
            for (int i = 0; i < 16; ++i) {
                const uint64_t pa = page_pa ? *page_pa + (va & 0xfff) + uint64_t(i) : 0;
                emu::HostRegion* reg = page_pa ? bus.region(pa, 1) : nullptr;
                if (reg) {
                    const uint8_t b = reg->bytes[pa - reg->base];
                    n += std::snprintf(hexs + n, sizeof hexs - size_t(n), i == 8 ? " %02x " : "%02x ", b);
                    asc[i] = b >= 32 && b < 127 ? char(b) : '.';
                } else {
                    n += std::snprintf(hexs + n, sizeof hexs - size_t(n), i == 8 ? " -- " : "-- ");
                    asc[i] = ' ';
                }
            }
            asc[16] = 0;
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            ImGui::TextDisabled("0x%016" PRIx64, va);
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(hexs);
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(asc);
        }
    ImGui::EndTable();
}

}  // namespace

void App::open_translation(uint64_t addr, Regime r, emu::Access acc) {
    std::snprintf(tr_buf, sizeof tr_buf, "0x%llx", (unsigned long long)addr);
    tr_regime = r;
    tr_access = int(acc);
    tr = translate(s.hart(), r, addr, acc);
    tr_gen = s.generation();
    show_tab("Translate");
}

void draw_memory_tables(App& a, Rect r) {
    a.begin_panel("Memory tables", r);
    if (ImGui::BeginTabBar("memtabs")) {
        if (a.tab("Memory tables", "Page tables")) {
            page_tables(a);
            ImGui::EndTabItem();
        }
        if (a.tab("Memory tables", "Translate")) {
            translation_view(a);
            ImGui::EndTabItem();
        }
        if (a.tab("Memory tables", "TLB")) {
            tlb_view(a);
            ImGui::EndTabItem();
        }
        if (a.tab("Memory tables", "Memory")) {
            memory_view(a);
            ImGui::EndTabItem();
        }
        if (a.tab("Memory tables", "Memory map")) {
            draw_memory_map(a);
            ImGui::EndTabItem();
        }
        ImGui::EndTabBar();
    }
    a.end_panel();
}

}  // namespace gui
