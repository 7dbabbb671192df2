// The colours every panel shares (privilege modes, event kinds) and the
// coloured badge the mode is shown in.
#include "app.hpp"

namespace gui {

ImVec4 mode_color_v(unsigned mode) {
    switch (mode) {
    case 0: return ImVec4(0.85f, 0.62f, 0.15f, 1);  // U amber
    case 1: return ImVec4(0.25f, 0.47f, 0.85f, 1);  // S/HS blue
    case 2: return ImVec4(0.55f, 0.78f, 0.20f, 1);  // VU lime
    case 3: return ImVec4(0.15f, 0.65f, 0.35f, 1);  // VS green
    default: return ImVec4(0.85f, 0.25f, 0.25f, 1); // M red
    }
}

ImU32 mode_color(unsigned mode, float alpha) {
    ImVec4 c = mode_color_v(mode);
    c.w = alpha;
    return ImGui::ColorConvertFloat4ToU32(c);
}

ImU32 event_color(emu::EventKind k) {
    using K = emu::EventKind;
    switch (k) {
    case K::Trap: return IM_COL32(235, 80, 70, 255);
    case K::Interrupt: return IM_COL32(250, 160, 40, 255);
    case K::VmExit: return IM_COL32(220, 90, 230, 255);
    case K::VmEntry: return IM_COL32(80, 220, 120, 255);
    case K::Xret: return IM_COL32(140, 170, 230, 255);
    case K::AtpWrite: return IM_COL32(90, 200, 220, 255);
    case K::Msi: return IM_COL32(250, 230, 60, 255);
    case K::Halt:
    case K::Reset: return IM_COL32(255, 255, 255, 255);
    default: return IM_COL32(170, 170, 170, 255);
    }
}

void badge(const char* text, ImU32 color) {
    ImVec2 ts = ImGui::CalcTextSize(text);
    ImVec2 p = ImGui::GetCursorScreenPos();
    const float padx = 6, pady = 1;
    ImVec2 size(std::max(ts.x + 2 * padx, 30.0f), ts.y + 2 * pady);
    ImDrawList* dl = ImGui::GetWindowDrawList();
    dl->AddRectFilled(p, ImVec2(p.x + size.x, p.y + size.y), color, 4.0f);
    dl->AddText(ImVec2(p.x + (size.x - ts.x) / 2, p.y + pady), IM_COL32(255, 255, 255, 255), text);
    ImGui::Dummy(size);
}

}  // namespace gui
