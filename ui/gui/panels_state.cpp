// Registers (integer, FP, CSRs with decoded fields) and the disassembly.
#include <cinttypes>
#include <cstdio>
#include <cstring>

#include "app.hpp"
#include "isa/csr.hpp"
#include "isa/disasm.hpp"

namespace gui {

namespace {

const ImVec4 kChanged(1.0f, 0.85f, 0.3f, 1.0f);
const ImU32 kChangedBg = IM_COL32(110, 90, 20, 90);

void hex_text(uint64_t v, bool changed) {
    if (changed) ImGui::TextColored(kChanged, "0x%016" PRIx64, v);
    else ImGui::Text("0x%016" PRIx64, v);
}

void integer_regs(App& a, emu::Hart& h, const HartSnapshot& b, bool show_changes) {
    if (!ImGui::BeginTable("xregs", 4, ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingFixedFit | ImGuiTableFlags_ScrollY))
        return;
    ImGui::TableSetupScrollFreeze(0, 1);
    ImGui::TableSetupColumn("reg");
    ImGui::TableSetupColumn("abi");
    ImGui::TableSetupColumn("value");
    ImGui::TableSetupColumn("", ImGuiTableColumnFlags_WidthStretch);
    ImGui::TableHeadersRow();
    auto row = [&](const char* reg, const char* abi, uint64_t v, bool changed) {
        ImGui::TableNextRow();
        if (changed) ImGui::TableSetBgColor(ImGuiTableBgTarget_RowBg1, kChangedBg);
        ImGui::TableNextColumn();
        ImGui::TextDisabled("%s", reg);
        ImGui::TableNextColumn();
        ImGui::Text("%s", abi);
        ImGui::TableNextColumn();
        hex_text(v, changed);
        ImGui::TableNextColumn();
        std::string sym = a.s.symbolize(v);
        if (!sym.empty()) ImGui::TextDisabled("<%s>", sym.c_str());
        else if (v != 0 && int64_t(v) > -100000 && int64_t(v) < 100000) ImGui::TextDisabled("%" PRId64, int64_t(v));
    };
    row("pc", "", h.pc, show_changes && h.pc != b.pc);
    for (unsigned i = 0; i < 32; ++i) {
        char reg[8];
        std::snprintf(reg, sizeof reg, "x%u", i);
        row(reg, std::string(isa::xreg_name(i)).c_str(), i ? h.x[i] : 0, show_changes && i && h.x[i] != b.x[i]);
    }
    ImGui::EndTable();
}

void fp_regs(emu::Hart& h, const HartSnapshot& b, bool show_changes) {
    if (!(h.csrs().misa & (1u << ('F' - 'A')))) {
        ImGui::TextDisabled("no F extension");
        return;
    }
    if (!ImGui::BeginTable("fregs", 4, ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingFixedFit | ImGuiTableFlags_ScrollY))
        return;
    ImGui::TableSetupScrollFreeze(0, 1);
    ImGui::TableSetupColumn("reg");
    ImGui::TableSetupColumn("abi");
    ImGui::TableSetupColumn("bits");
    ImGui::TableSetupColumn("value", ImGuiTableColumnFlags_WidthStretch);
    ImGui::TableHeadersRow();
    for (unsigned i = 0; i < 32; ++i) {
        const uint64_t v = h.f[i];
        const bool changed = show_changes && v != b.f[i];
        ImGui::TableNextRow();
        if (changed) ImGui::TableSetBgColor(ImGuiTableBgTarget_RowBg1, kChangedBg);
        ImGui::TableNextColumn();
        ImGui::TextDisabled("f%u", i);
        ImGui::TableNextColumn();
        ImGui::Text("%s", std::string(isa::freg_name(i)).c_str());
        ImGui::TableNextColumn();
        hex_text(v, changed);
        ImGui::TableNextColumn();
        if ((v >> 32) == 0xffffffffu) {  // NaN-boxed single
            float f;
            uint32_t w = uint32_t(v);
            std::memcpy(&f, &w, 4);
            ImGui::Text("%g (single)", double(f));
        } else {
            double d;
            std::memcpy(&d, &v, 8);
            ImGui::Text("%g", d);
        }
    }
    ImGui::EndTable();
}

void csr_row(App& a, emu::Hart& h, const HartSnapshot& b, bool show_changes, uint16_t addr, std::string_view name,
             uint64_t v) {
    const auto old = b.csr(addr);
    const bool changed = show_changes && old && *old != v;
    ImGui::TableNextRow();
    if (changed) ImGui::TableSetBgColor(ImGuiTableBgTarget_RowBg1, kChangedBg);
    ImGui::TableNextColumn();
    const auto fields = csr_fields(addr, v, h.h_ext);
    bool open = false;
    std::string label = std::string(name) + "##" + std::to_string(addr);
    if (!fields.empty())
        open = ImGui::TreeNodeEx(label.c_str(), ImGuiTreeNodeFlags_SpanFullWidth);
    else
        ImGui::TreeNodeEx(label.c_str(), ImGuiTreeNodeFlags_Leaf | ImGuiTreeNodeFlags_NoTreePushOnOpen |
                                             ImGuiTreeNodeFlags_Bullet | ImGuiTreeNodeFlags_SpanFullWidth);
    a.note_item("csr-" + std::string(name));
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("CSR 0x%03x%s", addr, changed ? " (changed by the last step/run)" : "");
    ImGui::TableNextColumn();
    hex_text(v, changed);
    ImGui::TableNextColumn();
    ImGui::TextDisabled("%s", csr_summary(addr, v, h.h_ext).c_str());
    if (open) {
        for (const auto& f : fields) {
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            ImGui::Indent();
            ImGui::TextDisabled("%s", f.name.c_str());
            ImGui::Unindent();
            ImGui::TableNextColumn();
            if (f.nonzero) ImGui::Text("%s", f.value.c_str());
            else ImGui::TextDisabled("%s", f.value.c_str());
            ImGui::TableNextColumn();
        }
        ImGui::TreePop();
    }
}

void csr_regs(App& a, emu::Hart& h, const HartSnapshot& b, bool show_changes) {
    ImGui::BeginChild("csrs");
    for (CsrGroup g : {CsrGroup::M, CsrGroup::S, CsrGroup::H, CsrGroup::VS, CsrGroup::U}) {
        if ((g == CsrGroup::H || g == CsrGroup::VS) && !h.h_ext) continue;
        const ImGuiTreeNodeFlags hf = g == CsrGroup::U ? 0 : ImGuiTreeNodeFlags_DefaultOpen;
        std::string title = std::string(csr_group_name(g)) + (g == CsrGroup::H ? " (hypervisor)" : g == CsrGroup::VS ? " (virtual supervisor)" : "");
        if (!ImGui::CollapsingHeader(title.c_str(), hf)) continue;
        std::string tid = std::string("csr") + csr_group_name(g);
        if (!ImGui::BeginTable(tid.c_str(), 3, ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingFixedFit)) continue;
        ImGui::TableSetupColumn("name");
        ImGui::TableSetupColumn("value");
        ImGui::TableSetupColumn("fields", ImGuiTableColumnFlags_WidthStretch);
        bool pmp_open = false, pmp_seen = false;
        for (const auto& c : isa::csr_table()) {
            if (csr_group(c.addr) != g) continue;
            auto v = h.csr_peek(c.addr);
            if (!v) continue;
            const bool pmp = c.name.rfind("pmp", 0) == 0;
            if (pmp && !pmp_seen) {
                pmp_seen = true;
                ImGui::TableNextRow();
                ImGui::TableNextColumn();
                pmp_open = ImGui::TreeNodeEx("PMP", ImGuiTreeNodeFlags_SpanFullWidth);
                ImGui::TableNextColumn();
                ImGui::TableNextColumn();
                ImGui::TextDisabled("pmpcfg0/2, pmpaddr0..15");
            }
            if (pmp) {
                if (pmp_open) csr_row(a, h, b, show_changes, c.addr, c.name, *v);
                continue;
            }
            if (pmp_seen && pmp_open) {
                ImGui::TreePop();
                pmp_open = false;
            }
            csr_row(a, h, b, show_changes, c.addr, c.name, *v);
        }
        if (pmp_open) ImGui::TreePop();
        ImGui::EndTable();
    }
    ImGui::EndChild();
}

}  // namespace

void draw_registers(App& a, Rect r) {
    Session& s = a.s;
    a.begin_panel("Registers", r);
    emu::Hart& h = s.hart();
    const HartSnapshot& b = s.before(s.hart_index());
    const bool show = !s.running();
    ImGui::Text("hart%u", h.id);
    ImGui::SameLine();
    badge(emu::priv_name(h.priv, h.virt, h.h_ext), mode_color(mode_of(h.priv, h.virt)));
    ImGui::SameLine();
    ImGui::Text("instret %llu", (unsigned long long)h.instret);
    ImGui::SameLine();
    ImGui::TextColored(kChanged, "changed");
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("values that the last step or run changed are highlighted");
    if (ImGui::BeginTabBar("regtabs")) {
        if (a.tab("Registers", "Integer")) {
            integer_regs(a, h, b, show);
            ImGui::EndTabItem();
        }
        if (a.tab("Registers", "FP")) {
            fp_regs(h, b, show);
            ImGui::EndTabItem();
        }
        if (a.tab("Registers", "CSRs")) {
            csr_regs(a, h, b, show);
            ImGui::EndTabItem();
        }
        ImGui::EndTabBar();
    }
    a.end_panel();
}

// ---------------------------------------------------------------- disassembly

std::string insn_at(App& a, uint64_t pc, unsigned* len) {
    uint32_t raw = 0;
    if (len) *len = 2;
    if (!a.s.read_insn(pc, raw)) return "";
    if (len) *len = (raw & 3) == 3 ? 4 : 2;
    isa::Decoded d = isa::decode(raw);
    std::string text = isa::disassemble(d, pc, [&a](uint64_t t) { return a.s.symbolize(t); });
    // objdump separates mnemonic and operands with a tab; align them.
    auto tab = text.find('\t');
    if (tab != std::string::npos) text = text.substr(0, tab) + std::string(tab < 8 ? 8 - tab : 1, ' ') + text.substr(tab + 1);
    char enc[16];
    if ((raw & 3) != 3) std::snprintf(enc, sizeof enc, "%04x    ", raw & 0xffff);
    else std::snprintf(enc, sizeof enc, "%08x", raw);
    return std::string(enc) + "  " + text;
}

namespace {

// Addresses of the instructions around `center`: decoding forward from a
// start that lands exactly on center (a symbol just before it, or the
// nearest aligned start that stays in step).
std::vector<uint64_t> lines_around(App& a, uint64_t center, int before, int after) {
    std::vector<uint64_t> out;
    auto forward = [&](uint64_t start, uint64_t stop, std::vector<uint64_t>& v) {
        uint64_t p = start;
        for (int guard = 0; p < stop && guard < 512; ++guard) {
            v.push_back(p);
            unsigned len = 2;
            if (insn_at(a, p, &len).empty()) len = 2;
            p += len;
        }
        return p == stop;
    };
    std::vector<uint64_t> pre;
    bool ok = false;
    for (uint64_t back = uint64_t(before) * 4; back >= 2 && !ok; back -= 2) {
        if (center < back) continue;
        pre.clear();
        ok = forward(center - back, center, pre);
    }
    if (!ok) pre.clear();
    if (int(pre.size()) > before) pre.erase(pre.begin(), pre.end() - before);
    out = pre;
    uint64_t p = center;
    for (int i = 0; i <= after; ++i) {
        out.push_back(p);
        unsigned len = 2;
        insn_at(a, p, &len);
        p += len;
    }
    return out;
}

}  // namespace

void draw_disassembly(App& a, Rect r) {
    Session& s = a.s;
    a.begin_panel("Disassembly", r);
    emu::Hart& h = s.hart();
    ImGui::Checkbox("follow pc", &a.follow_pc);
    ImGui::SameLine();
    ImGui::SetNextItemWidth(200);
    if (ImGui::InputTextWithHint("##goto", "go to address or symbol", a.goto_buf, sizeof a.goto_buf,
                                 ImGuiInputTextFlags_EnterReturnsTrue)) {
        uint64_t addr;
        if (parse_address(a, a.goto_buf, addr)) {
            a.follow_pc = false;
            a.disasm_addr = addr;
            a.cursor = addr;
        }
    }
    ImGui::SameLine();
    ImGui::TextDisabled("%zu breakpoint%s (?)", s.breakpoints().size(), s.breakpoints().size() == 1 ? "" : "s");
    if (ImGui::IsItemHovered())
        ImGui::SetTooltip("Click the gutter to set or remove a breakpoint. Click a line to put the cursor there\n"
                          "(F9 breakpoint, Ctrl+F10 run to cursor); double-click runs to it; right-click for more.");
    const uint64_t center = a.follow_pc ? h.pc : a.disasm_addr;
    const float line_h = ImGui::GetTextLineHeightWithSpacing();
    const int rows = std::max(4, int(ImGui::GetContentRegionAvail().y / line_h) - 1);
    auto addrs = lines_around(a, center, rows / 3, rows - rows / 3);
    if (ImGui::BeginTable("dis", 3, ImGuiTableFlags_SizingFixedFit | ImGuiTableFlags_ScrollY | ImGuiTableFlags_RowBg)) {
        ImGui::TableSetupColumn("bp", ImGuiTableColumnFlags_WidthFixed, 18);
        ImGui::TableSetupColumn("address");
        ImGui::TableSetupColumn("instruction", ImGuiTableColumnFlags_WidthStretch);
        int shown = 0;
        for (uint64_t p : addrs) {
            if (shown >= rows) break;
            std::string sym = s.symbol_at(p);
            if (!sym.empty()) {
                ImGui::TableNextRow();
                ImGui::TableNextColumn();
                ImGui::TableNextColumn();
                ImGui::TableNextColumn();
                ImGui::TextColored(ImVec4(0.5f, 0.8f, 1.0f, 1), "<%s>:", sym.c_str());
                ++shown;
            }
            unsigned len = 2;
            std::string text = insn_at(a, p, &len);
            ImGui::TableNextRow();
            const bool at_pc = p == h.pc;
            if (at_pc) ImGui::TableSetBgColor(ImGuiTableBgTarget_RowBg1, mode_color(mode_of(h.priv, h.virt), 0.35f));
            else if (a.cursor == p) ImGui::TableSetBgColor(ImGuiTableBgTarget_RowBg1, IM_COL32(80, 80, 120, 120));
            ImGui::PushID(int(p & 0x7fffffff));
            ImGui::TableNextColumn();
            const bool bp = s.breakpoints().count(p) != 0;
            ImVec2 c = ImGui::GetCursorScreenPos();
            if (ImGui::InvisibleButton("bp", ImVec2(16, ImGui::GetTextLineHeight()))) s.toggle_breakpoint(p);
            char item[32];
            std::snprintf(item, sizeof item, "bp-0x%" PRIx64, p);
            a.note_item(item);
            ImDrawList* dl = ImGui::GetWindowDrawList();
            const ImVec2 mid(c.x + 8, c.y + ImGui::GetTextLineHeight() / 2);
            if (bp) dl->AddCircleFilled(mid, 5, IM_COL32(230, 50, 50, 255));
            else if (ImGui::IsItemHovered()) dl->AddCircle(mid, 5, IM_COL32(230, 50, 50, 160));
            ImGui::TableNextColumn();
            ImGui::Text("%s%016" PRIx64, at_pc ? "=>" : "  ", p);
            ImGui::TableNextColumn();
            if (ImGui::Selectable(text.empty() ? "(not mapped)" : text.c_str(), false, ImGuiSelectableFlags_AllowDoubleClick)) {
                a.cursor = p;
                if (ImGui::IsMouseDoubleClicked(0) && !s.running()) s.run_to(p);
            }
            std::snprintf(item, sizeof item, "line-0x%" PRIx64, p);
            a.note_item(item);
            if (ImGui::BeginPopupContextItem("ctx")) {
                a.cursor = p;
                if (ImGui::MenuItem("Run to here", "Ctrl+F10", false, !s.running())) s.run_to(p);
                if (ImGui::MenuItem(bp ? "Remove breakpoint" : "Set breakpoint", "F9")) s.toggle_breakpoint(p);
                if (ImGui::MenuItem("Walk this address (fetch)")) a.open_translation(p, Regime::Hart, emu::Access::Fetch);
                if (ImGui::MenuItem("Show in memory")) {
                    a.mem_addr = p & ~0xfull;
                    a.mem_space = 0;
                    std::snprintf(a.mem_buf, sizeof a.mem_buf, "0x%" PRIx64, a.mem_addr);
                    a.show_tab("Memory");
                }
                ImGui::EndPopup();
            }
            ImGui::PopID();
            ++shown;
        }
        ImGui::EndTable();
    }
    a.end_panel();
}

}  // namespace gui
