// The panels' places: fixed tiles computed from the window size (the
// debugger's layout, or presentation mode's), and the bookkeeping each
// panel, tab and named item leaves for scripts and dump-state.
#include "app.hpp"

namespace gui {

bool App::begin_panel(const char* name, Rect r, ImGuiWindowFlags flags) {
    ImGuiCond cond = relayout ? ImGuiCond_Always : ImGuiCond_FirstUseEver;
    ImGui::SetNextWindowPos(ImVec2(r.x, r.y), cond);
    ImGui::SetNextWindowSize(ImVec2(r.w, r.h), cond);
    bool open = ImGui::Begin(name, nullptr, flags | ImGuiWindowFlags_NoCollapse);
    ImVec2 p = ImGui::GetWindowPos(), sz = ImGui::GetWindowSize();
    panel_rects[name] = Rect{p.x, p.y, sz.x, sz.y};
    return open;
}

void App::end_panel() { ImGui::End(); }

void App::note_item(const std::string& name) {
    const ImVec2 a = ImGui::GetItemRectMin(), b = ImGui::GetItemRectMax();
    item_rects[name] = Rect{a.x, a.y, b.x - a.x, b.y - a.y};
}

bool App::tab(const char* panel, const char* label) {
    ImGuiTabItemFlags f = 0;
    if (want_tab == label) {
        f |= ImGuiTabItemFlags_SetSelected;
        want_tab.clear();
    } else if (restore_tabs.erase(label)) {
        f |= ImGuiTabItemFlags_SetSelected;
    }
    bool open = ImGui::BeginTabItem(label, nullptr, f);
    if (open) panel_tab[panel] = label;
    return open;
}

void App::draw() {
    item_rects.clear();
    panel_rects.clear();
    if (s.h_enabled()) vm_rates.sample(s);  // every frame, so the VMs tab has rates when it opens
    if (s.selected() != last_selected) {
        last_selected = s.selected();
        scroll_exits = true;
    }
    draw_menu(*this);
    const float W = float(width), H = float(height);
    const float top0 = ImGui::GetFrameHeight();  // the menu bar
    if (frames > 3) restore_tabs.clear();
    if (presentation) {
        // The narration large on the left; the VMs, timeline and memory on the right.
        const float left_w = W * 0.48f, rest = H - top0, top_h = rest * 0.55f;
        draw_presentation(*this, {0, top0, left_w, rest});
        draw_transitions(*this, {left_w, top0, W - left_w, top_h});
        draw_memory_tables(*this, {left_w, top0 + top_h, W - left_w, rest - top_h});
        relayout = false;
        return;
    }
    const float ctrl_h = ImGui::GetFrameHeightWithSpacing() * 2 + ImGui::GetStyle().WindowPadding.y * 2 - 4;
    const float top = top0 + ctrl_h;
    const float left_w = std::max(330.0f, W * 0.22f);
    const float right_w = std::max(440.0f, W * 0.38f);
    const float mid_w = W - left_w - right_w;
    const float rest = H - top;
    const float harts_h = std::min(60.0f + 24.0f * float(s.machine().hart_count()), rest * 0.3f);
    const float disasm_h = rest * 0.36f;
    const float mem_h = rest * 0.50f;
    const float scen_h = std::max(110.0f, rest * 0.14f);
    draw_control(*this, {0, top0, W, ctrl_h});
    draw_harts(*this, {0, top, left_w, harts_h});
    draw_registers(*this, {0, top + harts_h, left_w, rest - harts_h});
    draw_disassembly(*this, {left_w, top, mid_w, disasm_h});
    draw_transitions(*this, {left_w, top + disasm_h, mid_w, rest - disasm_h});
    draw_memory_tables(*this, {left_w + mid_w, top, right_w, mem_h});
    draw_devices(*this, {left_w + mid_w, top + mem_h, right_w, rest - mem_h - scen_h});
    draw_scenario(*this, {left_w + mid_w, H - scen_h, right_w, scen_h});
    relayout = false;
}

}  // namespace gui
