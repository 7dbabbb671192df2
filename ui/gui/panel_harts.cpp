// The Harts panel: each hart's mode, pc and cycle; a click selects the hart
// every other panel shows.
#include "app.hpp"

namespace gui {

void draw_harts(App& a, Rect r) {
    Session& s = a.s;
    a.begin_panel("Harts", r);
    emu::Machine& m = s.machine();
    if (ImGui::BeginTable("harts", 6, ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingFixedFit)) {
        ImGui::TableSetupColumn("hart");
        ImGui::TableSetupColumn("mode");
        ImGui::TableSetupColumn("V");
        ImGui::TableSetupColumn("pc");
        ImGui::TableSetupColumn("cycle");
        ImGui::TableSetupColumn("state", ImGuiTableColumnFlags_WidthStretch);
        ImGui::TableHeadersRow();
        for (unsigned i = 0; i < m.hart_count(); ++i) {
            emu::Hart& h = m.hart(i);
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            char label[32];
            std::snprintf(label, sizeof label, "hart%u", i);
            if (ImGui::Selectable(label, i == a.hart(), ImGuiSelectableFlags_SpanAllColumns)) s.select_hart(i);
            ImGui::TableNextColumn();
            badge(emu::priv_name(h.priv, h.virt, h.h_ext), mode_color(mode_of(h.priv, h.virt)));
            ImGui::TableNextColumn();
            ImGui::Text("%d", h.virt ? 1 : 0);
            ImGui::TableNextColumn();
            ImGui::Text("0x%016llx", (unsigned long long)h.pc);
            ImGui::TableNextColumn();
            ImGui::Text("%llu", (unsigned long long)h.cycle);
            ImGui::TableNextColumn();
            std::string sym = s.symbolize(h.pc);
            const char* stall = h.stall_name();
            ImGui::TextDisabled("%s%s%s", stall ? stall : "", stall ? " " : "", sym.empty() ? "" : ("<" + sym + ">").c_str());
        }
        ImGui::EndTable();
    }
    a.end_panel();
}

}  // namespace gui
