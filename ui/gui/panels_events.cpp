// Transitions: the selected event, the per-hart timeline of privilege modes,
// the VM-exit table and the event list, all from the machine's event log.
#include <algorithm>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <map>
#include <tuple>
#include <string_view>

#include "app.hpp"

namespace gui {

namespace {

// Timeline rows, top to bottom: M, HS/S, VS, U, VU (no VS/VU rows without H).
int row_of(unsigned mode, bool h) {
    static const int with_h[5] = {3, 1, 4, 2, 0};   // mode index U S VU VS M -> row
    static const int without_h[5] = {2, 1, 2, 1, 0};
    return h ? with_h[mode] : without_h[mode];
}
const unsigned kRowMode[5] = {4, 1, 3, 0, 2};  // row -> mode index (with H)
const unsigned kRowModeNoH[3] = {4, 1, 0};

// A cycle count with a unit, and as many decimals as `step` (the distance
// between neighbouring labels) needs to tell them apart.
std::string cycles_text(double c, double step = 0) {
    char b[48];
    double unit = 1;
    const char* suffix = "";
    if (c >= 1e9) { unit = 1e9; suffix = "G"; }
    else if (c >= 1e6) { unit = 1e6; suffix = "M"; }
    else if (c >= 1e3) { unit = 1e3; suffix = "k"; }
    int decimals = 0;
    if (step > 0) decimals = std::clamp(int(std::ceil(std::log10(unit / step) - 1e-9)), 0, 9);
    else decimals = unit > 1 ? 2 : 0;
    std::snprintf(b, sizeof b, "%.*f%s", decimals, c / unit, suffix);
    return b;
}

void draw_marker(ImDrawList* dl, float x, float y, emu::EventKind k, bool selected) {
    const ImU32 c = event_color(k);
    if (k == emu::EventKind::Msi)  // a diamond: an MSI landed in a guest interrupt file
        dl->AddQuadFilled(ImVec2(x, y), ImVec2(x + 4, y + 4), ImVec2(x, y + 8), ImVec2(x - 4, y + 4), c);
    else if (k == emu::EventKind::VmEntry || k == emu::EventKind::Xret)
        dl->AddTriangleFilled(ImVec2(x, y), ImVec2(x - 4, y + 7), ImVec2(x + 4, y + 7), c);  // up: returning
    else
        dl->AddTriangleFilled(ImVec2(x - 4, y), ImVec2(x + 4, y), ImVec2(x, y + 7), c);  // down: trapping
    if (selected) dl->AddRect(ImVec2(x - 6, y - 2), ImVec2(x + 6, y + 9), IM_COL32(255, 230, 80, 255), 0, 0, 2);
}

// Markers sit in this band at the top of a hart's lane; below it a click
// goes back in time instead of selecting one.
constexpr float kMarkerBand = 14;

void timeline(App& a) {
    Session& s = a.s;
    emu::Machine& m = s.machine();
    const bool h = s.h_enabled();
    const int nrows = h ? 5 : 3;
    uint64_t now = 0;
    for (unsigned i = 0; i < m.hart_count(); ++i) now = std::max(now, m.hart(i).cycle);
    if (now == 0) now = 1;

    // Controls.
    if (ImGui::Button("Fit")) { a.tl_span = 0; a.tl_follow = true; }
    ImGui::SameLine();
    if (ImGui::Button("Zoom in")) { a.tl_span = std::max(20.0, (a.tl_span > 0 ? a.tl_span : double(now)) / 2); }
    ImGui::SameLine();
    if (ImGui::Button("Zoom out")) { a.tl_span = (a.tl_span > 0 ? a.tl_span : double(now)) * 2; }
    ImGui::SameLine();
    ImGui::Checkbox("follow", &a.tl_follow);
    ImGui::SameLine();
    ImGui::TextDisabled("wheel: zoom, drag: pan, click a marker: select, elsewhere: go back there");

    double span = a.tl_span > 0 ? a.tl_span : double(now);
    if (a.tl_follow || a.tl_span <= 0) a.tl_start = std::max(0.0, double(now) - span);
    const double start = a.tl_start;

    const float label_w = 46;
    const unsigned lanes = m.hart_count();
    ImVec2 avail = ImGui::GetContentRegionAvail();
    const float axis_h = 18;
    const float legend_h = ImGui::GetTextLineHeightWithSpacing();
    const float lane_pad = 6;
    // Rows grow with the space there is (a projector wants big steps), 13 to 30 pixels.
    const float row_h = std::clamp(((avail.y - legend_h - axis_h) / float(lanes) - lane_pad * 2 - 10) / float(nrows), 13.0f, 30.0f);
    const float lane_h = nrows * row_h + lane_pad * 2 + 10;
    const float want_h = std::min(avail.y - legend_h, lanes * lane_h + axis_h);
    ImGui::BeginChild("tlscroll", ImVec2(avail.x, std::max(want_h, 60.0f)), false, ImGuiWindowFlags_NoScrollWithMouse);
    ImVec2 p0 = ImGui::GetCursorScreenPos();
    const float width = ImGui::GetContentRegionAvail().x;
    const float plot_w = std::max(10.0f, width - label_w);
    const float total_h = lanes * lane_h + axis_h;
    ImGui::InvisibleButton("canvas", ImVec2(width, total_h));
    const bool hovered = ImGui::IsItemHovered();
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const float x0 = p0.x + label_w;
    auto X = [&](double cyc) { return float(x0 + (cyc - start) / span * plot_w); };
    const ImVec2 mouse = ImGui::GetIO().MousePos;

    // Zoom (wheel) around the mouse, pan (drag).
    if (hovered && ImGui::GetIO().MouseWheel != 0) {
        const double at = start + double(mouse.x - x0) / plot_w * span;
        const double f = ImGui::GetIO().MouseWheel > 0 ? 0.8 : 1.25;
        span = std::clamp(span * f, 20.0, double(now) * 4);
        a.tl_span = span;
        a.tl_start = std::max(0.0, at - double(mouse.x - x0) / plot_w * span);
        a.tl_follow = false;
    }
    if (ImGui::IsItemActive() && ImGui::IsMouseDragging(0, 2)) {
        a.tl_start = std::max(0.0, a.tl_start - double(ImGui::GetIO().MouseDelta.x) / plot_w * span);
        if (a.tl_span <= 0) a.tl_span = span;
        a.tl_follow = false;
    }
    const double end = start + span;

    dl->PushClipRect(p0, ImVec2(p0.x + width, p0.y + total_h), true);
    std::optional<emu::Event> hover_event;
    std::optional<double> back_to;   // the cycle under the mouse, away from markers
    std::optional<uint64_t> go_back;
    const emu::Event* sel_ptr = nullptr;
    std::optional<emu::Event> sel;
    if (s.selected()) sel = s.find_event(*s.selected());
    if (sel) sel_ptr = &*sel;

    for (unsigned hi = 0; hi < lanes; ++hi) {
        const HartTrack& t = s.tracks()[hi];
        const float ly = p0.y + hi * lane_h;
        const float ry = ly + lane_pad + 10;  // first row's top
        dl->AddRectFilled(ImVec2(x0, ly + 2), ImVec2(x0 + plot_w, ly + lane_h - 2), IM_COL32(30, 32, 40, 255));
        char lbl[16];
        std::snprintf(lbl, sizeof lbl, "hart%u", hi);
        dl->AddText(ImVec2(p0.x + 2, ly + 2), IM_COL32(220, 220, 220, 255), lbl);
        for (int rrow = 0; rrow < nrows; ++rrow) {
            const unsigned mode = h ? kRowMode[rrow] : kRowModeNoH[rrow];
            const float y = ry + rrow * row_h;
            dl->AddText(ImVec2(p0.x + 22, y + row_h / 2 - 7), mode_color(mode), mode_name(mode, h));
            dl->AddLine(ImVec2(x0, y + row_h / 2), ImVec2(x0 + plot_w, y + row_h / 2), IM_COL32(55, 58, 70, 255));
        }
        auto Y = [&](unsigned mode) { return ry + row_of(mode, h) * row_h + row_h / 2; };

        // Mode at `start`, then each change in view.
        const auto& ch = t.changes;
        auto it = std::upper_bound(ch.begin(), ch.end(), uint64_t(start),
                                   [](uint64_t c, const ModeChange& mc) { return c < mc.cycle; });
        unsigned mode = it == ch.begin() ? t.start_mode : (it - 1)->mode;
        float px = X(start);
        const uint64_t hart_now = m.hart(hi).cycle;
        for (; it != ch.end() && double(it->cycle) <= end; ++it) {
            const float x = X(double(it->cycle));
            if (x - px >= 0.5f) dl->AddLine(ImVec2(px, Y(mode)), ImVec2(x, Y(mode)), mode_color(mode), 2.5f);
            dl->AddLine(ImVec2(x, Y(mode)), ImVec2(x, Y(it->mode)), IM_COL32(150, 150, 160, 200), 1.0f);
            mode = it->mode;
            px = std::max(px, x);
        }
        const float xe = X(std::min(end, double(hart_now)));
        if (xe > px) dl->AddLine(ImVec2(px, Y(mode)), ImVec2(xe, Y(mode)), mode_color(mode), 2.5f);
        dl->AddLine(ImVec2(xe, ly + 4), ImVec2(xe, ly + lane_h - 4), IM_COL32(255, 255, 255, 90));

        // Markers, at most one per pixel column (VM exits win).
        const auto& mk = t.markers;
        auto mi = std::lower_bound(mk.begin(), mk.end(), uint64_t(start),
                                   [](const Marker& mm, uint64_t c) { return mm.cycle < c; });
        float last_x = -1e9f;
        const Marker* best_hover = nullptr;
        float best_d = 6;
        for (; mi != mk.end() && double(mi->cycle) <= end; ++mi) {
            const float x = X(double(mi->cycle));
            const bool is_sel = sel_ptr && sel_ptr->seq == mi->seq;
            if (x - last_x >= 3.0f || is_sel || mi->kind == emu::EventKind::VmExit) {
                draw_marker(dl, x, ly + 3, mi->kind, is_sel);
                if (mi->kind == emu::EventKind::VmExit) {
                    // Name the exit's marker by its row in the VM-exit table (for click-item).
                    if (auto row = s.exit_index().exit_at(mi->seq))
                        a.note_rect("exit-marker-" + std::to_string(*row), x - 4, ly + 3, 8, 8);
                }
                last_x = x;
            }
            if (hovered && mouse.y >= ly && mouse.y < ly + kMarkerBand) {
                // The nearest marker; at the same place a VM exit wins over its trap.
                const float d = std::fabs(mouse.x - x);
                if (d < best_d - 0.01f || (d < best_d + 0.01f && mi->kind == emu::EventKind::VmExit)) {
                    best_d = d;
                    best_hover = &*mi;
                }
            }
        }
        if (sel_ptr && sel_ptr->hart == hi && double(sel_ptr->cycle) >= start && double(sel_ptr->cycle) <= end) {
            const float x = X(double(sel_ptr->cycle));
            dl->AddLine(ImVec2(x, ly + 2), ImVec2(x, ly + lane_h - 2), IM_COL32(255, 230, 80, 200), 1.5f);
        }
        if (best_hover) {
            hover_event = s.find_event(best_hover->seq);
            if (hover_event && ImGui::IsMouseReleased(0) && ImGui::GetIO().MouseDragMaxDistanceSqr[0] < 16) {
                s.select(best_hover->seq);
                if (best_hover->kind == emu::EventKind::VmExit) a.scroll_exits = true;
            }
        }
        if (!best_hover && hovered && mouse.y >= ly && mouse.y < ly + lane_h && mouse.x >= x0)
            back_to = start + double(mouse.x - x0) / plot_w * span;
    }
    // A click on the timeline away from a marker goes back to that cycle.
    if (back_to && *back_to < double(now) && !s.running() && ImGui::IsMouseReleased(0) &&
        ImGui::GetIO().MouseDragMaxDistanceSqr[0] < 16)
        go_back = uint64_t(*back_to);
    // Axis.
    const float ay = p0.y + lanes * lane_h;
    double step = std::pow(10.0, std::floor(std::log10(std::max(span / 6, 1.0))));
    if (span / step > 12) step *= 5;
    else if (span / step > 6) step *= 2;
    for (double c = std::ceil(start / step) * step; c <= end; c += step) {
        const float x = X(c);
        dl->AddLine(ImVec2(x, ay), ImVec2(x, ay + 4), IM_COL32(160, 160, 160, 255));
        dl->AddText(ImVec2(x + 2, ay + 2), IM_COL32(160, 160, 160, 255), cycles_text(c, step).c_str());
    }
    dl->PopClipRect();
    a.note_rect("timeline", x0, p0.y, plot_w, lanes * lane_h);
    ImGui::EndChild();
    if (hover_event) ImGui::SetTooltip("#%" PRIu64 " %s", hover_event->seq, s.event_line(*hover_event).c_str());
    else if (back_to && *back_to < double(now)) ImGui::SetTooltip("click: back to cycle %.0f", *back_to);
    if (go_back) s.go_to_cycle(*go_back);

    // Legend.
    struct L { const char* n; emu::EventKind k; };
    static const L legend[] = {{"trap", emu::EventKind::Trap}, {"interrupt", emu::EventKind::Interrupt},
                               {"VM exit", emu::EventKind::VmExit}, {"VM entry", emu::EventKind::VmEntry},
                               {"xRET", emu::EventKind::Xret}, {"MSI into a guest file", emu::EventKind::Msi}};
    for (const auto& l : legend) {
        ImVec2 c = ImGui::GetCursorScreenPos();
        draw_marker(ImGui::GetWindowDrawList(), c.x + 5, c.y + 3, l.k, false);
        ImGui::Dummy(ImVec2(12, 10));
        ImGui::SameLine();
        ImGui::TextDisabled("%s", l.n);
        ImGui::SameLine();
    }
    ImGui::TextDisabled("| cycles %s .. %s", cycles_text(start, span / 10).c_str(), cycles_text(end, span / 10).c_str());
}

void exit_table(App& a) {
    Session& s = a.s;
    const auto& ex = s.exits();
    if (!s.h_enabled()) {
        ImGui::TextDisabled("No H extension on this machine (the default ISA has it; --isa rv64gc turns it off): no VM exits.");
        return;
    }
    ImGui::Text("%zu VM exits (traps from VS/VU to HS or M)", ex.size());
    if (ex.empty()) return;
    uint64_t total = 0, n = 0;
    for (const auto& r : ex)
        if (r.entry) { total += r.entry->cycle - r.exit.cycle; ++n; }
    if (n) {
        ImGui::SameLine();
        ImGui::TextDisabled("| mean %.1f cycles from exit to entry over %" PRIu64 " round trips", double(total) / double(n), n);
    }
    // Exits by VM and cause, with the cycles each cost (exit to the next entry).
    if (ImGui::TreeNodeEx("by VM and cause", a.exits_by_cause ? ImGuiTreeNodeFlags_DefaultOpen : 0)) {
        a.note_item("exits-by-cause");
        struct Tally { uint64_t exits = 0, round_trips = 0, cycles = 0; };
        std::map<std::tuple<int64_t, bool, uint64_t>, Tally> by;
        for (const auto& r : ex) {
            Tally& t = by[{r.vmid() ? int64_t(*r.vmid()) : -1, r.interrupt(), r.exit.cause}];
            ++t.exits;
            if (r.entry) { ++t.round_trips; t.cycles += r.entry->cycle - r.exit.cycle; }
        }
        if (ImGui::BeginTable("bycause", 5, ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingFixedFit | ImGuiTableFlags_BordersInnerV)) {
            for (const char* c : {"VM", "cause", "exits", "cycles to entry", "mean"}) ImGui::TableSetupColumn(c);
            ImGui::TableHeadersRow();
            for (const auto& [k, t] : by) {
                ImGui::TableNextRow();
                ImGui::TableNextColumn();
                const auto& [vmid, intr, cause] = k;
                if (vmid >= 0) ImGui::Text("%" PRId64, vmid);
                else ImGui::TextDisabled("-");
                ImGui::TableNextColumn();
                ImGui::Text("%s%s (%" PRIu64 ")", intr ? "interrupt: " : "", cause_text(cause, intr).c_str(), cause);
                ImGui::TableNextColumn();
                ImGui::Text("%" PRIu64, t.exits);
                ImGui::TableNextColumn();
                ImGui::Text("%" PRIu64, t.cycles);
                ImGui::TableNextColumn();
                if (t.round_trips) ImGui::Text("%.1f", double(t.cycles) / double(t.round_trips));
                else ImGui::TextDisabled("-");
            }
            ImGui::EndTable();
        }
        ImGui::TreePop();
    } else {
        a.note_item("exits-by-cause");
    }
    const ImGuiTableFlags f = ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollY | ImGuiTableFlags_ScrollX |
                              ImGuiTableFlags_SizingFixedFit | ImGuiTableFlags_BordersInnerV | ImGuiTableFlags_Resizable;
    const bool harts = s.machine().hart_count() > 1;  // the hart column only when there is a choice
    if (!ImGui::BeginTable("exits", harts ? 9 : 8, f, ImVec2(0, ImGui::GetContentRegionAvail().y - 4))) return;
    ImGui::TableSetupScrollFreeze(1, 1);
    // Widths for the numbers the columns will hold (ImGui keeps a column's
    // first width), not just the rows seen so far.
    const float digit = ImGui::CalcTextSize("0").x;
    auto width_for = [&](uint64_t v) { return digit * float(std::max<size_t>(std::to_string(v).size(), 2) + 1); };
    const uint64_t last_cycle = 9'999'999'999ull;
    for (const char* c : {"#", "hart", "cycle", "VM", "cause", "GVA (tval)", "GPA", "to entry", "htinst"}) {
        const std::string_view n(c);
        if (!harts && n == "hart") continue;
        ImGui::TableSetupColumn(c, ImGuiTableColumnFlags_WidthFixed,
                                n == "#" ? width_for(99999) : n == "cycle" ? width_for(last_cycle) : 0.0f);
    }
    ImGui::TableHeadersRow();
    int sel_row = -1;
    if (s.selected())
        if (auto r = s.exit_row_of(*s.selected())) sel_row = int(*r);
    ImGuiListClipper clip;
    clip.Begin(int(ex.size()));
    if (a.scroll_exits && sel_row >= 0) clip.ForceDisplayRangeByIndices(sel_row, sel_row + 1);
    while (clip.Step()) {
        for (int i = clip.DisplayStart; i < clip.DisplayEnd; ++i) {
            const emu::VmExitRecord& r = ex[size_t(i)];
            const emu::Event& e = r.exit;
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            char id[24];
            std::snprintf(id, sizeof id, "%d", i);
            if (ImGui::Selectable(id, i == sel_row, ImGuiSelectableFlags_SpanAllColumns)) s.select(e.seq);
            a.note_item("exit-row-" + std::to_string(i));
            if (i == sel_row && a.scroll_exits) {
                ImGui::SetScrollHereY(0.5f);
                a.scroll_exits = false;
            }
            if (harts) {
                ImGui::TableNextColumn();
                ImGui::Text("%u", unsigned(e.hart));
            }
            ImGui::TableNextColumn();
            ImGui::Text("%" PRIu64, e.cycle);
            ImGui::TableNextColumn();
            if (r.vmid()) ImGui::Text("%" PRIu64, *r.vmid());
            else ImGui::TextDisabled("-");
            ImGui::TableNextColumn();
            if (r.interrupt()) ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(event_color(emu::EventKind::Interrupt)), "%s",
                                                cause_text(e.cause, true).c_str());
            else ImGui::Text("%s", cause_text(e.cause, false).c_str());
            ImGui::TableNextColumn();
            ImGui::Text("0x%" PRIx64, e.tval);
            ImGui::TableNextColumn();
            if (e.tval2) ImGui::Text("0x%" PRIx64, e.tval2);
            else ImGui::TextDisabled("-");
            ImGui::TableNextColumn();
            if (r.entry) ImGui::Text("%" PRIu64, r.entry->cycle - e.cycle);
            else ImGui::TextDisabled("(in HS)");
            ImGui::TableNextColumn();
            std::string ti = tinst_text(e.tinst);
            if (ti.empty()) ImGui::TextDisabled("-");
            else ImGui::Text("%s", ti.c_str());
        }
    }
    // Room under the last row for the horizontal scroll bar, which would cover it.
    ImGui::TableNextRow(0, ImGui::GetStyle().ScrollbarSize + 2);
    ImGui::EndTable();
}

void event_list(App& a) {
    Session& s = a.s;
    static const emu::EventKind kinds[] = {emu::EventKind::Trap,     emu::EventKind::Interrupt, emu::EventKind::Xret,
                                           emu::EventKind::PrivChange, emu::EventKind::AtpWrite, emu::EventKind::VmExit,
                                           emu::EventKind::VmEntry,  emu::EventKind::Wfi,       emu::EventKind::Halt,
                                           emu::EventKind::Reset, emu::EventKind::Msi};
    for (auto k : kinds) {
        ImGui::PushStyleColor(ImGuiCol_Text, event_color(k));
        ImGui::Checkbox(emu::event_kind_name(k), &a.ev_show[size_t(k)]);
        ImGui::PopStyleColor();
        ImGui::SameLine();
    }
    ImGui::NewLine();
    const auto& hist = s.history();
    // Filtered indexes, cached while the log and the filter stay the same.
    static std::vector<uint32_t> idx;
    static uint64_t key_seq = ~0ull, key_front = ~0ull;
    static uint32_t key_mask = 0;
    uint32_t mask = 0;
    for (size_t k = 0; k < size_t(emu::EventKind::Count); ++k)
        if (a.ev_show[k]) mask |= 1u << k;
    const uint64_t back = hist.empty() ? 0 : hist.back().seq + 1, front = hist.empty() ? 0 : hist.front().seq;
    if (back != key_seq || front != key_front || mask != key_mask) {
        idx.clear();
        for (size_t i = 0; i < hist.size(); ++i)
            if (mask & (1u << unsigned(hist[i].kind))) idx.push_back(uint32_t(i));
        key_seq = back;
        key_front = front;
        key_mask = mask;
    }
    ImGui::TextDisabled("%zu events shown of %" PRIu64 " logged (%" PRIu64 " TLB fills not listed: see the TLB tab)",
                        idx.size(), s.machine().events().total(), s.machine().events().count(emu::EventKind::TlbFill));
    const ImGuiTableFlags f = ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollY | ImGuiTableFlags_SizingFixedFit;
    if (!ImGui::BeginTable("events", 4, f)) return;
    ImGui::TableSetupScrollFreeze(0, 1);
    const float digit = ImGui::CalcTextSize("0").x;
    ImGui::TableSetupColumn("#", ImGuiTableColumnFlags_WidthFixed, digit * 9);       // ImGui keeps a column's first width:
    ImGui::TableSetupColumn("cycle", ImGuiTableColumnFlags_WidthFixed, digit * 11);  // room for the numbers to come
    ImGui::TableSetupColumn("hart");
    ImGui::TableSetupColumn("event", ImGuiTableColumnFlags_WidthStretch);
    ImGui::TableHeadersRow();
    ImGuiListClipper clip;
    clip.Begin(int(idx.size()));
    while (clip.Step()) {
        for (int i = clip.DisplayStart; i < clip.DisplayEnd; ++i) {
            const emu::Event& e = hist[idx[size_t(i)]];
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            char id[24];
            std::snprintf(id, sizeof id, "%" PRIu64, e.seq);
            if (ImGui::Selectable(id, s.selected() == e.seq, ImGuiSelectableFlags_SpanAllColumns)) s.select(e.seq);
            ImGui::TableNextColumn();
            ImGui::Text("%" PRIu64, e.cycle);
            ImGui::TableNextColumn();
            ImGui::Text("%u", unsigned(e.hart));
            ImGui::TableNextColumn();
            ImGui::PushStyleColor(ImGuiCol_Text, event_color(e.kind));
            ImGui::TextUnformatted(emu::describe(e, s.h_enabled()).c_str());
            ImGui::PopStyleColor();
        }
    }
    if (ImGui::GetScrollY() >= ImGui::GetScrollMaxY() - 2) ImGui::SetScrollHereY(1.0f);  // at the end: follow new events
    ImGui::EndTable();
}

}  // namespace

void selected_event_details(App& a) {
    Session& s = a.s;
    std::optional<emu::Event> e;
    if (s.selected()) e = s.find_event(*s.selected());
    if (!e) {
        ImGui::TextDisabled("No event selected: step to a trap or VM exit, or click a marker or a row.");
        ImGui::NewLine();
        return;
    }
    const bool h = s.h_enabled();
    ImGui::PushStyleColor(ImGuiCol_Text, event_color(e->kind));
    ImGui::Text("#%" PRIu64 " %s", e->seq, emu::event_kind_name(e->kind));
    ImGui::PopStyleColor();
    ImGui::SameLine();
    ImGui::Text("hart%u", unsigned(e->hart));
    ImGui::SameLine();
    badge(emu::priv_name(e->from_priv, e->from_v, h), mode_color(mode_of(e->from_priv, e->from_v)));
    ImGui::SameLine();
    ImGui::Text("->");
    ImGui::SameLine();
    badge(emu::priv_name(e->to_priv, e->to_v, h), mode_color(mode_of(e->to_priv, e->to_v)));
    ImGui::SameLine();
    ImGui::Text("cycle %" PRIu64 "  instret %" PRIu64 "  pc 0x%" PRIx64, e->cycle, e->instret, e->pc);
    std::string sym = s.symbolize(e->pc);
    if (!sym.empty()) {
        ImGui::SameLine();
        ImGui::TextDisabled("<%s>", sym.c_str());
    }
    using K = emu::EventKind;
    if (e->kind == K::Trap || e->kind == K::VmExit || e->kind == K::Interrupt) {
        const auto exit_row = s.exit_row_of(e->seq);
        const bool intr = e->kind == K::Interrupt || (exit_row && s.exits()[*exit_row].interrupt());
        ImGui::Text("%s %" PRIu64 ": %s", intr ? "interrupt" : "cause", e->cause, cause_text(e->cause, intr).c_str());
        if (!intr) {
            ImGui::SameLine();
            ImGui::Text("  tval/GVA 0x%" PRIx64, e->tval);
            if (e->tval2 || e->kind == K::VmExit) {
                ImGui::SameLine();
                ImGui::Text("  GPA 0x%" PRIx64, e->tval2);
            }
        }
        std::string ti = intr ? "" : tinst_text(e->tinst);
        if (!ti.empty()) {  // on the next line, with the VM entry and the buttons
            ImGui::Text("htinst 0x%" PRIx64 " = %s", e->tinst, ti.c_str());
            ImGui::SameLine();
        }
        if (auto row = s.exit_row_of(e->seq)) {
            const emu::VmExitRecord& r = s.exits()[*row];
            if (r.entry) ImGui::Text("VM exit %zu: VM entry %" PRIu64 " cycles later (cycle %" PRIu64 ", #%" PRIu64 ")", *row,
                                     r.entry->cycle - e->cycle, r.entry->cycle, r.entry->seq);
            else ImGui::TextDisabled("VM exit %zu: no VM entry yet", *row);
            ImGui::SameLine();
        }
        if (!intr) {
            // Page faults and guest-page faults carry an address worth walking.
            const bool addr_fault = e->cause == 12 || e->cause == 13 || e->cause == 15 || e->cause == 20 ||
                                    e->cause == 21 || e->cause == 23;
            if (addr_fault && e->from_v && ImGui::SmallButton("walk GVA (two-stage, now)"))
                a.open_translation(e->tval, Regime::GuestVirtual);
            if (addr_fault && e->from_v) ImGui::SameLine();
            if (addr_fault && !e->from_v && e->from_priv != emu::Priv::M && ImGui::SmallButton("walk VA (satp, now)"))
                a.open_translation(e->tval, Regime::Satp);
            if (addr_fault && !e->from_v && e->from_priv != emu::Priv::M) ImGui::SameLine();
            if (e->tval2 && ImGui::SmallButton("walk GPA (G-stage, now)")) a.open_translation(e->tval2, Regime::GuestPhysical);
            if (e->tval2) ImGui::SameLine();
        }
        if (ImGui::SmallButton("show pc")) {
            a.follow_pc = false;
            a.disasm_addr = e->pc;
            a.cursor = e->pc;
        }
    } else {
        ImGui::TextUnformatted(emu::describe(*e, h).c_str());
    }
}

void draw_transitions(App& a, Rect r) {
    a.begin_panel("Transitions", r);
    // In presentation mode the VMs tab needs the height, and the narration names the event.
    const auto open = a.panel_tab.find("Transitions");
    const bool vms_shown = a.presentation && open != a.panel_tab.end() && open->second == "VMs";
    if (!vms_shown) {
        if (ImGui::BeginChild("selected", ImVec2(0, ImGui::GetFrameHeightWithSpacing() * 3 + 10), true,
                              ImGuiWindowFlags_HorizontalScrollbar))
            selected_event_details(a);
        ImGui::EndChild();
    }
    if (ImGui::BeginTabBar("trtabs")) {
        if (a.tab("Transitions", "Timeline")) {
            timeline(a);
            ImGui::EndTabItem();
        }
        if (a.tab("Transitions", "VM exits")) {
            exit_table(a);
            ImGui::EndTabItem();
        }
        if (a.tab("Transitions", "Events")) {
            event_list(a);
            ImGui::EndTabItem();
        }
        if (a.tab("Transitions", "VMs")) {
            draw_vm_overview(a);
            ImGui::EndTabItem();
        }
        ImGui::EndTabBar();
    }
    a.end_panel();
}

}  // namespace gui
