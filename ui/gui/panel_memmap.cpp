// The memory map tab: one VM's guest physical space as its G-stage maps it,
// a bar over its RAM (mapped, ballooned out, taken beyond it) and the rows.
#include "app.hpp"
#include "isa/fields.hpp"
#include "isa/hex.hpp"

namespace gui {

namespace {

ImU32 kind_color(MapRow::Kind k) {
    switch (k) {
    case MapRow::Ram: return IM_COL32(60, 150, 80, 255);
    case MapRow::Device: return IM_COL32(200, 140, 40, 255);
    case MapRow::DeviceHole: return IM_COL32(150, 90, 170, 255);
    case MapRow::Ballooned: return IM_COL32(190, 60, 60, 255);
    case MapRow::Extra: return IM_COL32(70, 120, 210, 255);
    case MapRow::Hole: break;
    }
    return IM_COL32(70, 70, 70, 255);
}

const char* kind_text(MapRow::Kind k) {
    switch (k) {
    case MapRow::Ram: return "RAM";
    case MapRow::Device: return "passed through";
    case MapRow::DeviceHole: return "unmapped device";
    case MapRow::Ballooned: return "ballooned out";
    case MapRow::Extra: return "beyond its RAM";
    case MapRow::Hole: break;
    }
    return "hole";
}

// One bar over [lo, hi): each row's part of it in its colour.
void bar(const MemoryMap& mm, uint64_t lo, uint64_t hi) {
    const float w = ImGui::GetContentRegionAvail().x, h = ImGui::GetFrameHeight();
    const ImVec2 p = ImGui::GetCursorScreenPos();
    ImDrawList* dl = ImGui::GetWindowDrawList();
    dl->AddRectFilled(p, ImVec2(p.x + w, p.y + h), kind_color(MapRow::Hole));
    const double scale = double(w) / double(hi - lo);
    for (const auto& r : mm.rows) {
        if (r.gpa + r.size <= lo || r.gpa >= hi) continue;
        const float x0 = p.x + float(double(std::max(r.gpa, lo) - lo) * scale);
        const float x1 = p.x + float(double(std::min(r.gpa + r.size, hi) - lo) * scale);
        dl->AddRectFilled(ImVec2(x0, p.y), ImVec2(std::max(x1, x0 + 1), p.y + h), kind_color(r.kind));
    }
    ImGui::Dummy(ImVec2(w, h));
}

void legend() {
    ImDrawList* dl = ImGui::GetWindowDrawList();
    bool first = true;
    for (MapRow::Kind k : {MapRow::Ram, MapRow::Ballooned, MapRow::Extra, MapRow::Device, MapRow::DeviceHole}) {
        if (!first) ImGui::SameLine();
        first = false;
        const ImVec2 q = ImGui::GetCursorScreenPos();
        const float s = ImGui::GetTextLineHeight();
        dl->AddRectFilled(q, ImVec2(q.x + s, q.y + s), kind_color(k));
        ImGui::Dummy(ImVec2(s, s));
        ImGui::SameLine();
        ImGui::TextUnformatted(kind_text(k));
    }
}

// The VM's RAM as one bar (mapped and ballooned out), and what it holds beyond it as another.
void ram_bars(const MemoryMap& mm) {
    uint64_t lo = mm.ram_size ? mm.ram_gpa : ~0ull, hi = mm.ram_size ? mm.ram_gpa + mm.ram_size : 0;
    uint64_t xlo = ~0ull, xhi = 0;
    for (const auto& r : mm.rows) {
        if (r.kind == MapRow::Extra) {
            xlo = std::min(xlo, r.gpa);
            xhi = std::max(xhi, r.gpa + r.size);
        } else if (!mm.ram_size && r.kind == MapRow::Ram) {
            lo = std::min(lo, r.gpa);
            hi = std::max(hi, r.gpa + r.size);
        }
    }
    if (hi > lo) {
        ImGui::Text("RAM %s..%s", isa::hex(lo).c_str(), isa::hex(hi).c_str());
        bar(mm, lo, hi);
    }
    if (xhi > xlo) {
        ImGui::Text("beyond its RAM %s..%s", isa::hex(xlo).c_str(), isa::hex(xhi).c_str());
        bar(mm, xlo, xhi);
    }
    legend();
}

void rows_table(const MemoryMap& mm) {
    const ImGuiTableFlags f = ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollY | ImGuiTableFlags_SizingFixedFit |
                              ImGuiTableFlags_BordersInnerV;
    if (!ImGui::BeginTable("memmap", 5, f)) return;
    ImGui::TableSetupScrollFreeze(0, 1);
    ImGui::TableSetupColumn("guest physical");
    ImGui::TableSetupColumn("size");
    ImGui::TableSetupColumn("host physical");
    ImGui::TableSetupColumn("RWXU");
    ImGui::TableSetupColumn("what", ImGuiTableColumnFlags_WidthStretch);
    ImGui::TableHeadersRow();
    for (const auto& r : mm.rows) {
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        const ImVec2 q = ImGui::GetCursorScreenPos();
        const float s = ImGui::GetTextLineHeight();
        ImGui::GetWindowDrawList()->AddRectFilled(q, ImVec2(q.x + s * 0.6f, q.y + s), kind_color(r.kind));
        ImGui::Dummy(ImVec2(s * 0.6f, s));
        ImGui::SameLine();
        ImGui::Text("%s", isa::hex(r.gpa).c_str());
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(size_text(r.size).c_str());
        ImGui::TableNextColumn();
        const bool mapped = r.kind == MapRow::Ram || r.kind == MapRow::Device || r.kind == MapRow::Extra;
        if (mapped && r.scattered) {
            ImGui::Text("%s..%s", isa::hex(r.hpa_min).c_str(), isa::hex(r.hpa_end).c_str());
            if (ImGui::IsItemHovered())
                ImGui::SetTooltip("%u pages, not in host order (first at %s): pages given one by one", r.leaves,
                                  isa::hex(r.hpa).c_str());
        } else if (mapped) {
            ImGui::Text("%s", isa::hex(r.hpa).c_str());
        } else {
            ImGui::TextDisabled("-");
        }
        ImGui::TableNextColumn();
        if (mapped) ImGui::TextUnformatted(isa::pte::flags_text(r.flags).substr(1, 4).c_str());
        ImGui::TableNextColumn();
        if (r.kind == MapRow::Hole) ImGui::TextDisabled("hole");
        else if (r.kind == MapRow::DeviceHole) ImGui::Text("%s, not mapped: an access exits", r.what.c_str());
        else ImGui::Text("%s: %s", kind_text(r.kind), r.what.c_str());
    }
    ImGui::EndTable();
}

}  // namespace

void draw_memory_map(App& a) {
    Session& s = a.s;
    if (!s.h_enabled()) {
        ImGui::TextDisabled("This machine has no H extension: no G-stage.");
        return;
    }
    VmOverview o = read_vm_overview(s);
    const uint64_t hgatp = a.map_hgatp.value_or(s.hart().csrs().hgatp);
    const VmRow* vm = nullptr;
    for (const auto& v : o.vms)
        if (isa::atp::ppn(v.hgatp) == isa::atp::ppn(hgatp) && isa::atp::mode(v.hgatp) == isa::atp::mode(hgatp)) vm = &v;
    std::string current = vm ? vm->title() : "hgatp " + isa::hex(hgatp);
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 18);
    if (ImGui::BeginCombo("VM", current.c_str())) {
        if (ImGui::Selectable("the selected hart's hgatp", !a.map_hgatp)) a.map_hgatp.reset();
        for (const auto& v : o.vms)
            if (ImGui::Selectable(v.title().c_str(), vm == &v)) a.map_hgatp = v.hgatp;
        ImGui::EndCombo();
    }
    if (a.map_gen != s.generation() || a.map.hgatp != hgatp) {
        a.map = read_memory_map(s.machine(), hgatp, vm);
        a.map_gen = s.generation();
    }
    const MemoryMap& mm = a.map;
    ImGui::SameLine();
    if (mm.bare) {
        ImGui::TextDisabled("hgatp %s: Bare, no G-stage", isa::hex(hgatp).c_str());
        return;
    }
    ImGui::TextDisabled("%s, root %s: %s mapped%s", mm.mode.c_str(), isa::hex(isa::atp::ppn(hgatp) << 12).c_str(),
                        size_text(mm.mapped).c_str(), mm.truncated ? " (tree truncated)" : "");
    if (mm.ram_size)
        ImGui::Text("hv gave it %s of RAM at GPA %s; %llu page(s) of it ballooned out", size_text(mm.ram_size).c_str(),
                    isa::hex(mm.ram_gpa).c_str(), (unsigned long long)mm.ballooned);
    ram_bars(mm);
    rows_table(mm);
}

}  // namespace gui
