// Devices (console, timer, bus and PLIC, the debugger's command line) and
// the scenario panel.
#include <algorithm>
#include <cinttypes>
#include <functional>
#include <cstdio>
#include <sstream>

#include "app.hpp"
#include "devices/plic.hpp"
#include "devices/uart16550.hpp"

namespace gui {

namespace {

void console_tab(App& a) {
    Session& s = a.s;
    dev::Uart16550& u = s.machine().uart();
    // A hypervisor that labels each VM's lines "[vmN] " (hv/ does) gets one
    // console per VM: a filter on those labels.
    const std::string& text = s.console();
    static std::vector<std::string> tags;
    static size_t scanned = 0;
    static std::string filter;
    static std::string filtered;
    static size_t filtered_for = ~size_t(0);
    if (text.size() < scanned) { scanned = 0; tags.clear(); filter.clear(); }
    for (size_t p = scanned; p < text.size();) {
        const size_t eol = text.find('\n', p);
        if (eol == std::string::npos) break;
        if (text.compare(p, 3, "[vm") == 0) {
            const size_t close = text.find(']', p);
            if (close != std::string::npos && close < eol) {
                std::string tag = text.substr(p, close - p + 1);
                if (std::find(tags.begin(), tags.end(), tag) == tags.end()) tags.push_back(tag);
            }
        }
        p = scanned = eol + 1;
    }
    if (!tags.empty()) {
        ImGui::SetNextItemWidth(110);
        const bool open = ImGui::BeginCombo("##vmcon", filter.empty() ? "all output" : filter.c_str());
        a.note_item("console-filter");
        if (open) {
            if (ImGui::Selectable("all output", filter.empty())) filter.clear();
            for (const auto& t : tags) {
                if (ImGui::Selectable(t.c_str(), filter == t)) filter = t;
                a.note_item("console-" + t);
            }
            ImGui::EndCombo();
        }
        ImGui::SameLine();
    }
    ImGui::TextDisabled("UART0 @ 0x10000000  IER %02x IIR %02x LCR %02x MCR %02x LSR %02x  %zu byte(s) to read", u.ier(), u.iir(),
                        u.lcr(), u.mcr(), u.lsr(), u.input_pending());
    const float input_h = ImGui::GetFrameHeightWithSpacing();
    ImGui::BeginChild("console", ImVec2(0, -input_h), true, ImGuiWindowFlags_HorizontalScrollbar);
    if (text.empty()) ImGui::TextDisabled("(the guest has not written to its console yet)");
    else if (filter.empty()) ImGui::TextUnformatted(text.data(), text.data() + text.size());
    else {
        if (filtered_for != text.size() + std::hash<std::string>{}(filter)) {
            filtered.clear();
            for (size_t p = 0; p < text.size();) {
                size_t eol = text.find('\n', p);
                if (eol == std::string::npos) eol = text.size();
                if (text.compare(p, filter.size(), filter) == 0) filtered.append(text, p, eol - p).push_back('\n');
                p = eol + 1;
            }
            filtered_for = text.size() + std::hash<std::string>{}(filter);
        }
        ImGui::TextUnformatted(filtered.data(), filtered.data() + filtered.size());
    }
    static size_t last_size = 0;
    if (text.size() != last_size && a.console_scroll) ImGui::SetScrollHereY(1.0f);
    last_size = text.size();
    ImGui::EndChild();
    ImGui::SetNextItemWidth(-150);
    if (ImGui::InputTextWithHint("##cin", "type to the guest; Enter sends the line with a carriage return", a.console_in,
                                 sizeof a.console_in, ImGuiInputTextFlags_EnterReturnsTrue)) {
        s.send_input(std::string(a.console_in) + "\r");
        a.console_in[0] = 0;
        ImGui::SetKeyboardFocusHere(-1);
    }
    ImGui::SameLine();
    ImGui::Checkbox("auto-scroll", &a.console_scroll);
}

void timer_tab(App& a) {
    Session& s = a.s;
    emu::Machine& m = s.machine();
    const uint64_t mtime = m.mtime();
    ImGui::Text("mtime %" PRIu64 " (timebase %" PRIu64 " Hz, %" PRIu64 " cycles per tick; derived from the cycle count)", mtime,
                emu::CycleModel::kTimebaseHz, emu::CycleModel::kCyclesPerTick);
    const ImGuiTableFlags f = ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingFixedFit | ImGuiTableFlags_BordersInnerV | ImGuiTableFlags_ScrollX;
    if (!ImGui::BeginTable("timers", 8, f)) return;
    for (const char* c : {"hart", "mtimecmp", "ticks left", "MTIP", "stimecmp", "STIP", "vstimecmp", "VSTIP"}) ImGui::TableSetupColumn(c);
    ImGui::TableHeadersRow();
    auto cmp = [&](uint64_t v, uint64_t now) {
        if (v == ~0ull) ImGui::TextDisabled("never");
        else ImGui::Text("%" PRIu64, v);
        (void)now;
    };
    for (unsigned i = 0; i < m.hart_count(); ++i) {
        emu::Hart& h = m.hart(i);
        const uint64_t mip = h.mip_value();
        const uint64_t mtc = m.mtimecmp(i);
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        ImGui::Text("%u", i);
        ImGui::TableNextColumn();
        cmp(mtc, mtime);
        ImGui::TableNextColumn();
        if (mtc == ~0ull) ImGui::TextDisabled("-");
        else if (mtc > mtime) ImGui::Text("%" PRIu64 " (%" PRIu64 " cycles)", mtc - mtime, (mtc - mtime) * emu::CycleModel::kCyclesPerTick);
        else ImGui::Text("due");
        ImGui::TableNextColumn();
        ImGui::Text("%d", int((mip >> emu::irq::MTI) & 1));
        ImGui::TableNextColumn();
        cmp(h.csrs().stimecmp, mtime);
        ImGui::TableNextColumn();
        ImGui::Text("%d", int((mip >> emu::irq::STI) & 1));
        ImGui::TableNextColumn();
        if (h.h_ext) cmp(h.csrs().vstimecmp, mtime);
        else ImGui::TextDisabled("-");
        ImGui::TableNextColumn();
        if (h.h_ext) ImGui::Text("%d", int((mip >> emu::irq::VSTI) & 1));
        else ImGui::TextDisabled("-");
    }
    ImGui::EndTable();
    emu::Hart& h = s.hart();
    ImGui::TextDisabled("hart%u: mie 0x%" PRIx64 ", mip 0x%" PRIx64 " (%s)%s", h.id, h.csrs().mie, h.mip_value(),
                        csr_summary(0x344, h.mip_value(), h.h_ext).c_str(),
                        h.h_ext ? (", htimedelta " + std::to_string(int64_t(h.csrs().htimedelta))).c_str() : "");
}

const char* source_name(unsigned src) {
    if (src == 10) return "UART0";
    if (src >= 1 && src <= 8) return "virtio-mmio";
    return "";
}

// The PLIC's state from the device's own side-effect-free views.
void plic_tab(App& a) {
    emu::Machine& m = a.s.machine();
    if (!m.plic()) {
        ImGui::TextDisabled("no PLIC: this machine has the AIA's APLIC (--aia)");
        return;
    }
    const dev::Plic& p = *m.plic();
    static bool all_sources = false;
    ImGui::TextDisabled("PLIC @ 0x0c000000: %u sources, %u contexts (M and S of each hart)", p.sources() - 1, p.contexts());
    ImGui::SameLine();
    ImGui::Checkbox("all sources", &all_sources);
    const ImGuiTableFlags f = ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingFixedFit | ImGuiTableFlags_BordersInnerV;
    if (ImGui::BeginTable("plicctx", 5, f)) {
        for (const char* c : {"context", "target", "threshold", "line", "enabled sources"}) ImGui::TableSetupColumn(c);
        ImGui::TableHeadersRow();
        for (unsigned ctx = 0; ctx < p.contexts(); ++ctx) {
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            ImGui::Text("%u", ctx);
            ImGui::TableNextColumn();
            ImGui::Text("hart%u %s (%s)", ctx / 2, ctx % 2 ? "S" : "M", ctx % 2 ? "SEIP" : "MEIP");
            ImGui::TableNextColumn();
            ImGui::Text("%u", p.threshold(ctx));
            ImGui::TableNextColumn();
            if (p.context_irq(ctx)) ImGui::TextColored(ImVec4(1, 0.6f, 0.2f, 1), "raised");
            else ImGui::TextDisabled("low");
            ImGui::TableNextColumn();
            std::string en;
            for (unsigned src = 1; src < p.sources(); ++src)
                if (p.enabled(ctx, src)) {
                    if (!en.empty()) en += ' ';
                    en += std::to_string(src);
                }
            ImGui::TextUnformatted(en.empty() ? "-" : en.c_str());
        }
        ImGui::EndTable();
    }
    if (ImGui::BeginTable("plicsrc", 4, f | ImGuiTableFlags_ScrollY)) {
        ImGui::TableSetupScrollFreeze(0, 1);
        for (const char* c : {"source", "device", "priority", "pending"}) ImGui::TableSetupColumn(c);
        ImGui::TableHeadersRow();
        for (unsigned src = 1; src < p.sources(); ++src) {
            bool used = p.priority(src) || p.pending(src);
            for (unsigned ctx = 0; ctx < p.contexts() && !used; ++ctx) used = p.enabled(ctx, src);
            if (!used && !all_sources && src != 10) continue;
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            ImGui::Text("%u", src);
            ImGui::TableNextColumn();
            ImGui::Text("%s", source_name(src));
            ImGui::TableNextColumn();
            ImGui::Text("%u", p.priority(src));
            ImGui::TableNextColumn();
            if (p.pending(src)) ImGui::TextColored(ImVec4(1, 0.6f, 0.2f, 1), "pending");
            else ImGui::TextDisabled("-");
        }
        ImGui::EndTable();
    }
    emu::Hart& h = a.s.hart();
    const uint64_t mip = h.mip_value();
    ImGui::TextDisabled("hart%u external interrupt lines: MEIP %d  SEIP %d%s", h.id, int((mip >> emu::irq::MEI) & 1),
                        int((mip >> emu::irq::SEI) & 1),
                        h.h_ext ? ("  VSEIP " + std::to_string((mip >> emu::irq::VSEI) & 1)).c_str() : "");
}

void bus_tab(App& a) {
    emu::Bus& bus = a.s.machine().bus();
    if (ImGui::BeginTable("bus", 4, ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingFixedFit | ImGuiTableFlags_BordersInnerV)) {
        for (const char* c : {"kind", "name", "base", "size"}) ImGui::TableSetupColumn(c);
        ImGui::TableHeadersRow();
        for (const auto& r : bus.regions()) {
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            ImGui::Text("%s", r->writable ? "RAM" : "ROM");
            ImGui::TableNextColumn();
            ImGui::Text("%s", r->name.c_str());
            ImGui::TableNextColumn();
            ImGui::Text("0x%08" PRIx64, r->base);
            ImGui::TableNextColumn();
            ImGui::Text("0x%" PRIx64, r->size);
        }
        for (const auto& d : bus.devices()) {
            const std::string name(d.device->name());
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            ImGui::Text("device");
            ImGui::TableNextColumn();
            ImGui::Text("%s", name.c_str());
            ImGui::TableNextColumn();
            ImGui::Text("0x%08" PRIx64, d.base);
            ImGui::TableNextColumn();
            ImGui::Text("0x%" PRIx64, d.size);
        }
        ImGui::EndTable();
    }
}

void debugger_tab(App& a) {
    Session& s = a.s;
    const float input_h = ImGui::GetFrameHeightWithSpacing();
    ImGui::BeginChild("log", ImVec2(0, -input_h), true, ImGuiWindowFlags_HorizontalScrollbar);
    ImGui::TextUnformatted(s.log().data(), s.log().data() + s.log().size());
    static size_t last = 0;
    if (s.log().size() != last) ImGui::SetScrollHereY(1.0f);
    last = s.log().size();
    ImGui::EndChild();
    ImGui::SetNextItemWidth(-1);
    if (ImGui::InputTextWithHint("##cmd", "debugger command: step, until vmexit, pt ADDR, regs, csr NAME, events 20, help ...",
                                 a.cmd_in, sizeof a.cmd_in, ImGuiInputTextFlags_EnterReturnsTrue)) {
        std::ostringstream out;
        s.log(std::string("> ") + a.cmd_in + "\n");
        s.execute(a.cmd_in, out);
        s.log(out.str());
        a.cmd_in[0] = 0;
        ImGui::SetKeyboardFocusHere(-1);
    }
}

}  // namespace

void draw_devices(App& a, Rect r) {
    a.begin_panel("Devices", r);
    if (ImGui::BeginTabBar("devtabs")) {
        if (a.tab("Devices", "Console")) {
            console_tab(a);
            ImGui::EndTabItem();
        }
        if (a.tab("Devices", "Timer")) {
            timer_tab(a);
            ImGui::EndTabItem();
        }
        if (a.tab("Devices", "PLIC")) {
            plic_tab(a);
            ImGui::EndTabItem();
        }
        if (a.tab("Devices", "AIA")) {
            draw_aia(a);
            ImGui::EndTabItem();
        }
        if (a.tab("Devices", "Bus")) {
            bus_tab(a);
            ImGui::EndTabItem();
        }
        if (a.tab("Devices", "Debugger")) {
            debugger_tab(a);
            ImGui::EndTabItem();
        }
        ImGui::EndTabBar();
    }
    a.end_panel();
}

void draw_scenario(App& a, Rect r) {
    a.begin_panel("Scenario", r);
    auto& sc = a.s.scenario();
    if (!sc) {
        ImGui::TextDisabled("No scenario.");
        ImGui::TextWrapped("Lecture scenarios (stepvisor demo NAME) open here with --scenario NAME or the Scenario menu: "
                           "this panel then narrates the current step and lists its checkpoints, where running pauses.");
        a.end_panel();
        return;
    }
    ImGui::Text("%s", sc->title.c_str());
    ImGui::SameLine();
    ImGui::TextDisabled("(%zu/%zu checkpoints)", sc->current, sc->checkpoints.size());
    ImGui::SameLine();
    ImGui::BeginDisabled(a.s.running() || sc->current >= sc->checkpoints.size());
    if (ImGui::SmallButton("next checkpoint")) a.s.run_checkpoint();
    a.note_item("scenario-checkpoint");
    ImGui::EndDisabled();
    ImGui::Separator();
    if (ImGui::CollapsingHeader("Introduction", sc->current == 0 ? ImGuiTreeNodeFlags_DefaultOpen : 0))
        ImGui::TextWrapped("%s", sc->intro.c_str());
    for (size_t i = 0; i < sc->checkpoints.size(); ++i) {
        const auto& c = sc->checkpoints[i];
        const ImVec4 col = c.reached ? ImVec4(0.4f, 0.9f, 0.4f, 1)
                           : i == sc->current ? ImVec4(0.95f, 0.8f, 0.3f, 1) : ImVec4(0.6f, 0.6f, 0.6f, 1);
        if (c.reached)
            ImGui::TextColored(col, "[x] %zu. %s  (cycle %llu)", i + 1, c.label.c_str(), (unsigned long long)c.cycle);
        else
            ImGui::TextColored(col, "[ ] %zu. %s%s", i + 1, c.label.c_str(), i == sc->current ? "  <- next" : "");
        a.note_item("checkpoint-" + std::to_string(i));
        // The narration of what was reached (the latest open), the next one's greyed.
        if (c.reached || i == sc->current) {
            ImGui::Indent();
            if (!c.detail.empty()) ImGui::TextDisabled("event: %s", c.detail.c_str());
            if (c.reached) ImGui::TextWrapped("%s", c.narration.c_str());
            ImGui::Unindent();
        }
    }
    a.end_panel();
}

}  // namespace gui
