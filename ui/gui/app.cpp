// stepvisor gui: the window, the frame loop and the layout of the panels.
#include "app.hpp"
#include "script.hpp"

#include <SDL.h>
#include <SDL_opengl.h>
#include <backends/imgui_impl_opengl3.h>
#include <backends/imgui_impl_sdl.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <iostream>
#include <iterator>

#include "gui.hpp"
#include "isa/causes.hpp"
#include "ui/cli/options.hpp"
#include "ui/cli/qmp.hpp"
#include "ui/embedded.hpp"

namespace gui {

namespace {

const char* const kUsage =
    "usage: stepvisor gui [options] [FILE | --scenario NAME]\n"
    "\n"
    "A window over the emulator: run, pause and step (to the next trap, VM exit,\n"
    "VM entry, privilege change, interrupt), registers and CSRs with decoded fields,\n"
    "disassembly, memory, a timeline of privilege modes, the VM-exit table, page-table\n"
    "trees, nested walks, the TLB and the devices. Without FILE it opens the built-in\n"
    "benchmark (bench-s-quick: M-mode into S-mode with Sv39 paging).\n"
    "\n"
    "gui options:\n"
    "  --scenario NAME      open a lecture scenario (stepvisor demo --list names them): the scenario\n"
    "                       builds the machine; `until checkpoint` runs to its next checkpoint\n"
    "  --size WxH           window size (default 1600x1000)\n"
    "  --bios FW            boot as QEMU virt does: firmware (e.g. OpenSBI fw_jump) at 0x80000000 ...\n"
    "  --kernel FILE        ... the next stage (e.g. build/hv/hv.elf), --initrd FILE, --append ARGS\n"
    "  --symbols ELF        more symbols for the disassembly (may be repeated)\n"
    "  --layout FILE|none   where the layout is kept (default: $XDG_CONFIG_HOME/stepvisor/gui.ini,\n"
    "                       ~/.config/stepvisor/gui.ini; with --script: none)\n"
    "  --script FILE        run commands from FILE, one per frame: the debugger's commands\n"
    "                       (step, until, continue, break, regs, pt, ...) and the GUI's:\n"
    "    screenshot FILE.png      save the window as a PNG\n"
    "    dump-state FILE.json     panel rectangles, harts, the selected event, the walk\n"
    "    translate ADDR [hart|satp|gva|gpa] [read|write|fetch]   open the walk of ADDR\n"
    "    select-exit N|first|last select a row of the VM-exit table\n"
    "    select-event SEQ|last    select an event of the log\n"
    "    show TAB                 bring a tab to the front (timeline, exits, events, tables,\n"
    "                             translate, tlb, memory, console, timer, plic, bus, log,\n"
    "                             integer, fp, csrs, vms, memmap)\n"
    "    memmap vmN|vmid:N|hart   the memory map of a VM (hv's vmN, the VM of a VMID, or the\n"
    "                             selected hart's hgatp)\n"
    "    tables satp|vsatp|hgatp  which page-table tree to show\n"
    "    zoom CYCLES|fit          the timeline shows the last CYCLES cycles, or all of them\n"
    "    memory ADDR [hart|satp|gva|gpa|phys]   the memory view's address and space\n"
    "    goto ADDR                the disassembly at ADDR (goto pc: follow the pc again)\n"
    "    run-for MS               run at full speed for MS milliseconds of host time\n"
    "    wait N                   let N frames pass\n"
    "    key [Shift+][Ctrl+]NAME  press a key (F5, Shift+F5, F10, F11, ...) as if typed\n"
    "    click X Y [right|double] move the pointer to X,Y in the window and click\n"
    "    click-item NAME [right|double]  click an item the GUI drew: run, pause, step,\n"
    "                             next-trap, next-vmexit, ..., exit-row-N, exit-marker-N,\n"
    "                             bp-ADDR, line-ADDR, vm-map-N, present-next, present-back\n"
    "                             (dump-state lists them)\n"
    "    reset                    rebuild the machine\n"
    "  --exit-after-script  leave when the script is done (exit code 1 if a command failed)\n"
    "\n"
    "keys: F5 run/continue, Shift+F5 pause, F10 step over, F11 step, Shift+F10/Shift+F11 the\n"
    "same backwards, F9 breakpoint at the cursor, Ctrl+F10 run to the cursor, Ctrl+R reset,\n"
    "Ctrl+Q quit; a click on the timeline goes back to that cycle; F8 presentation mode (every font\n"
    "and widget larger, the scenario's narration as a large panel), where PgDn runs to the next\n"
    "checkpoint and PgUp goes back to the previous one\n"
    "\n"
    "The layout (presentation mode, open tabs, moved windows) is read at start and written when\n"
    "the GUI closes (--layout).\n"
    "\n";


}  // namespace

// ---------------------------------------------------------------- colours and helpers

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

bool parse_address(App& a, const std::string& text, uint64_t& out) {
    std::string t = text;
    while (!t.empty() && t.back() == ' ') t.pop_back();
    while (!t.empty() && t.front() == ' ') t.erase(0, 1);
    if (t.empty()) return false;
    if (t == "pc") { out = a.s.hart().pc; return true; }
    try {
        out = cli::parse_u64(t, "address");
        return true;
    } catch (const cli::UsageError&) {
    }
    if (auto s = a.s.symbol_address(t)) { out = *s; return true; }
    return false;
}

void App::open_translation(uint64_t addr, Regime r, emu::Access acc) {
    std::snprintf(tr_buf, sizeof tr_buf, "0x%llx", (unsigned long long)addr);
    tr_regime = r;
    tr_access = int(acc);
    tr = translate(s.hart(), r, addr, acc);
    tr_gen = s.generation();
    show_tab("Translate");
}

// ---------------------------------------------------------------- layout

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

void App::shortcuts_from_key(int sc, bool shift, bool ctrl) {
    if (sc == SDL_SCANCODE_F5 && shift) s.pause();
    else if (sc == SDL_SCANCODE_F5) { if (!s.running()) s.run_continue(); }
    else if (sc == SDL_SCANCODE_F10 && ctrl) { if (cursor) s.run_to(*cursor); }
    else if (sc == SDL_SCANCODE_F10 && shift) s.reverse_step_over();
    else if (sc == SDL_SCANCODE_F10) s.step_over();
    else if (sc == SDL_SCANCODE_F11 && shift) s.reverse_step(1);
    else if (sc == SDL_SCANCODE_F11) s.step(1);
    else if (sc == SDL_SCANCODE_F9) { if (cursor) s.toggle_breakpoint(*cursor); }
    else if (sc == SDL_SCANCODE_R && ctrl) s.reset();
    else if (sc == SDL_SCANCODE_F8) set_presentation(!presentation);
    else if (sc == SDL_SCANCODE_PAGEDOWN && presentation) { if (!s.running()) s.run_checkpoint(); }
    else if (sc == SDL_SCANCODE_PAGEUP && presentation) { if (!s.running()) s.back_checkpoint(); }
    else if (sc == SDL_SCANCODE_Q && ctrl) quit = true;
}

// ---------------------------------------------------------------- menu, control, harts

void draw_menu(App& a) {
    Session& s = a.s;
    if (!ImGui::BeginMainMenuBar()) return;
    if (ImGui::BeginMenu("File")) {
        if (ImGui::MenuItem("Save screenshot", nullptr)) {
            a.screenshot_request = "stepvisor-" + std::to_string(std::time(nullptr)) + ".png";
        }
        if (ImGui::MenuItem("Reset machine", "Ctrl+R")) s.reset();
        ImGui::Separator();
        if (ImGui::MenuItem("Quit", "Ctrl+Q")) a.quit = true;
        ImGui::EndMenu();
    }
    if (ImGui::BeginMenu("Run")) {
        const bool run = s.running() || s.idle();
        if (ImGui::MenuItem("Run / continue", "F5", false, !run)) s.run_continue();
        if (ImGui::MenuItem("Pause", "Shift+F5", false, run)) s.pause();
        ImGui::Separator();
        if (ImGui::MenuItem("Step instruction", "F11", false, !run)) s.step(1);
        if (ImGui::MenuItem("Step over call", "F10", false, !run)) s.step_over();
        if (ImGui::MenuItem("Step back", "Shift+F11", false, !run && s.can_go_back())) s.reverse_step(1);
        if (ImGui::MenuItem("Step back over call", "Shift+F10", false, !run && s.can_go_back())) s.reverse_step_over();
        if (ImGui::MenuItem(("Step " + std::to_string(a.step_n) + " instructions").c_str(), nullptr, false, !run)) s.step(uint64_t(a.step_n));
        ImGui::Separator();
        if (ImGui::MenuItem("To next trap", nullptr, false, !run)) s.run_until(emu::EventKind::Trap);
        if (ImGui::MenuItem("To next VM exit", nullptr, false, !run && s.h_enabled())) s.run_until(emu::EventKind::VmExit);
        if (ImGui::MenuItem("To next VM entry", nullptr, false, !run && s.h_enabled())) s.run_until(emu::EventKind::VmEntry);
        if (ImGui::MenuItem("To next privilege change", nullptr, false, !run)) s.run_until(emu::EventKind::PrivChange);
        if (ImGui::MenuItem("To next interrupt", nullptr, false, !run)) s.run_until(emu::EventKind::Interrupt);
        if (ImGui::MenuItem("To next xRET", nullptr, false, !run)) s.run_until(emu::EventKind::Xret);
        if (ImGui::MenuItem("To next satp/vsatp/hgatp write", nullptr, false, !run)) s.run_until(emu::EventKind::AtpWrite);
        if (ImGui::MenuItem("To next scenario checkpoint", "PgDn", false, !run && s.scenario())) s.run_checkpoint();
        if (ImGui::MenuItem("Back to the previous checkpoint", "PgUp", false, !run && s.scenario() && s.scenario()->current))
            s.back_checkpoint();
        ImGui::Separator();
        if (ImGui::MenuItem("Run to cursor", "Ctrl+F10", false, !run && a.cursor)) s.run_to(*a.cursor);
        if (ImGui::MenuItem("Toggle breakpoint at cursor", "F9", false, bool(a.cursor))) s.toggle_breakpoint(*a.cursor);
        ImGui::EndMenu();
    }
    if (ImGui::BeginMenu("Scenario")) {
        for (const auto& e : scen::registry()) {
            const bool open = s.scenario() && s.scenario()->name == e.name;
            if (ImGui::MenuItem(e.name.c_str(), nullptr, open)) {
                try {
                    s.open_scenario(e.name);
                } catch (const std::exception& ex) {
                    s.log(std::string("error: ") + ex.what() + "\n");
                }
            }
            if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", e.summary.c_str());
        }
        ImGui::EndMenu();
    }
    if (ImGui::BeginMenu("View")) {
        if (ImGui::MenuItem("Presentation mode", "F8", a.presentation)) a.set_presentation(!a.presentation);
        if (ImGui::MenuItem("Reset layout")) a.relayout = true;
        if (ImGui::BeginMenu("Hart")) {
            for (unsigned i = 0; i < s.machine().hart_count(); ++i)
                if (ImGui::MenuItem(("hart " + std::to_string(i)).c_str(), nullptr, i == a.hart())) s.select_hart(i);
            ImGui::EndMenu();
        }
        ImGui::EndMenu();
    }
    ImGui::EndMainMenuBar();
}

void draw_control(App& a, Rect r) {
    Session& s = a.s;
    a.begin_panel("Control", r, ImGuiWindowFlags_NoTitleBar | ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoMove |
                                    ImGuiWindowFlags_NoScrollbar);
    const bool run = s.running() || s.idle();
    ImGui::BeginDisabled(run);
    if (ImGui::Button("Run (F5)")) s.run_continue();
    a.note_item("run");
    ImGui::EndDisabled();
    ImGui::SameLine();
    ImGui::BeginDisabled(!run);
    if (ImGui::Button("Pause (Shift+F5)")) s.pause();
    a.note_item("pause");
    ImGui::EndDisabled();
    ImGui::SameLine();
    ImGui::BeginDisabled(run || !s.can_go_back());
    if (ImGui::Button("Back (Shift+F11)")) s.reverse_step(1);
    a.note_item("back");
    ImGui::EndDisabled();
    ImGui::SameLine();
    ImGui::BeginDisabled(run);
    if (ImGui::Button("Step (F11)")) s.step(1);
    a.note_item("step");
    ImGui::SameLine();
    if (ImGui::Button("Over (F10)")) s.step_over();
    ImGui::SameLine();
    if (ImGui::Button("Step N")) s.step(uint64_t(a.step_n));
    ImGui::SameLine();
    ImGui::SetNextItemWidth(90);
    ImGui::InputInt("##n", &a.step_n, 0, 0);
    if (a.step_n < 1) a.step_n = 1;
    ImGui::SameLine();
    ImGui::TextDisabled("|  next:");
    struct Next { const char* label; emu::EventKind k; bool needs_h; };
    static const Next kNext[] = {{"trap", emu::EventKind::Trap, false},        {"VM exit", emu::EventKind::VmExit, true},
                                 {"VM entry", emu::EventKind::VmEntry, true},  {"priv change", emu::EventKind::PrivChange, false},
                                 {"interrupt", emu::EventKind::Interrupt, false}};
    for (const auto& n : kNext) {
        ImGui::SameLine();
        ImGui::BeginDisabled(n.needs_h && !s.h_enabled());
        if (ImGui::Button(n.label)) s.run_until(n.k);
        a.note_item(std::string("next-") + emu::event_kind_name(n.k));
        ImGui::EndDisabled();
    }
    ImGui::SameLine();
    ImGui::BeginDisabled(!s.scenario());
    if (ImGui::Button("checkpoint")) s.run_checkpoint();
    a.note_item("next-checkpoint");
    ImGui::EndDisabled();
    ImGui::SameLine();
    ImGui::TextDisabled("|");
    ImGui::SameLine();
    ImGui::BeginDisabled(!a.cursor);
    if (ImGui::Button("Run to cursor")) s.run_to(*a.cursor);
    ImGui::EndDisabled();
    ImGui::SameLine();
    if (ImGui::Button("Reset")) s.reset();
    ImGui::EndDisabled();

    // Second line: state and speed.
    emu::Machine& m = s.machine();
    ImGui::TextColored(run ? ImVec4(0.4f, 0.9f, 0.4f, 1) : ImVec4(0.95f, 0.8f, 0.3f, 1), "%s",
                       s.idle() ? "WAITING" : run ? "RUNNING" : "PAUSED");
    ImGui::SameLine();
    ImGui::Text("%s", s.status().c_str());
    ImGui::SameLine(std::max(ImGui::GetCursorPosX() + 20, r.w * 0.42f));
    char speed[32] = "- MIPS";
    if (s.ips() > 0) std::snprintf(speed, sizeof speed, "%.1f MIPS", s.ips() / 1e6);
    ImGui::Text("%s  |  %llu instructions, cycle %llu  |  %s  |  %llu events  |  %s", s.image_name().c_str(),
                (unsigned long long)m.instructions(), (unsigned long long)m.cycles(), speed,
                (unsigned long long)m.events().total(), isa::isa_base(m.config().isa.ext).c_str());
    if (ImGui::IsItemHovered())
        ImGui::SetTooltip("MIPS: instructions per second of host time while running (the last run or slice);\n"
                          "cycles follow the documented cycle model, not the host clock");
    if (const emu::History* h = s.history_keeper()) {
        ImGui::SameLine();
        ImGui::TextDisabled("|  history: %zu snapshot%s, %.1f MiB", h->count(), h->count() == 1 ? "" : "s",
                            double(h->bytes()) / (1 << 20));
        if (ImGui::IsItemHovered())
            ImGui::SetTooltip("Back (Shift+F11) restores the latest snapshot before the step and runs forward to it.\n"
                              "One snapshot every %llu instructions, at most %u of them and %.0f MiB; from step %llu on.",
                              (unsigned long long)h->interval(), h->limits().max_snapshots,
                              double(h->limits().max_bytes) / (1 << 20), (unsigned long long)h->start());
    }
    a.end_panel();
}

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
            ImGui::TextDisabled("%s%s", h.wfi ? "WFI " : "", sym.empty() ? "" : ("<" + sym + ">").c_str());
        }
        ImGui::EndTable();
    }
    a.end_panel();
}

// ---------------------------------------------------------------- the command

int cmd_gui(const std::vector<std::string>& args) {
    cli::MachineOptions opt;
    cli::GdbOptions gdb_opt;
    std::optional<cli::MgmtAddress> mgmt_addr;
    cli::BootOptions boot;
    std::string file, scenario, script_path;
    std::optional<std::string> layout;
    std::vector<std::string> symbol_files;
    bool exit_after = false;
    int w = 1600, h = 1000;
    for (size_t i = 0; i < args.size(); ++i) {
        const std::string& x = args[i];
        if (x == "-h" || x == "--help") {
            std::fputs(kUsage, stdout);
            std::fputs(cli::kGdbOptionsHelp, stdout);
            std::fputs(cli::kMgmtOptionsHelp, stdout);
            std::fputs(cli::kMachineOptionsHelp, stdout);
            return 0;
        }
        if (cli::parse_machine_option(args, i, opt) || cli::parse_gdb_option(args, i, gdb_opt) ||
            cli::parse_mgmt_option(args, i, mgmt_addr) || cli::parse_boot_option(args, i, boot))
            continue;
        if (x == "--script") script_path = cli::value_of(args, i);
        else if (x == "--exit-after-script") exit_after = true;
        else if (x == "--scenario") scenario = cli::value_of(args, i);
        else if (x == "--symbols") symbol_files.push_back(cli::value_of(args, i));
        else if (x == "--layout") layout = cli::value_of(args, i);
        else if (x == "--size") {
            const std::string& v = cli::value_of(args, i);
            int ww = 0, hh = 0;
            char extra = 0;
            if (std::sscanf(v.c_str(), "%dx%d%c", &ww, &hh, &extra) != 2 || ww < 640 || hh < 400 || ww > 8192 || hh > 8192)
                throw cli::UsageError("gui: --size wants WxH between 640x400 and 8192x8192, not '" + v + "'");
            w = ww;
            h = hh;
        } else if (!x.empty() && x[0] == '-') throw cli::UsageError("gui: unknown option " + x + " (see stepvisor gui --help)");
        else if (file.empty()) file = x;
        else throw cli::UsageError("gui: more than one image given");
    }
    if (!scenario.empty()) {
        if (!scen::find(scenario))
            throw cli::UsageError("gui: no scenario named '" + scenario + "' (stepvisor demo --list names them)");
        if (!file.empty() || !boot.bios.empty()) throw cli::UsageError("gui: give either FILE, --bios or --scenario, not more");
    }
    if (exit_after && script_path.empty()) throw cli::UsageError("gui: --exit-after-script needs --script FILE");

    if (!boot.bios.empty() && !file.empty()) throw cli::UsageError("gui: give either FILE or --bios FW [--kernel FILE], not both");
    if (boot.bios.empty() && boot.any())
        throw cli::UsageError("gui: --kernel, --initrd and --append need --bios FW (the firmware that starts the kernel)");

    Session::Config cfg;
    cfg.options = opt;
    for (const auto& f : symbol_files) {
        emu::Image si = emu::load_image_file(f, std::nullopt, opt.config.ram_size);
        if (!si.is_elf) throw emu::LoadError(f + ": --symbols wants an ELF file");
        cfg.symbol_images.push_back(std::move(si));
    }
    if (!boot.bios.empty()) {
        emu::Machine::BootSpec spec = cli::load_boot_files(opt, boot);
        cfg.image = spec.firmware;
        auto base = [](const std::string& f) { return f.substr(f.find_last_of('/') == std::string::npos ? 0 : f.find_last_of('/') + 1); };
        cfg.image_name = base(boot.bios) + (boot.kernel.empty() ? "" : " + " + base(boot.kernel));
        cfg.boot = std::move(spec);
    } else if (!scenario.empty()) {
        cfg.scenario = scenario;
        cfg.image_name = "scenario " + scenario;
    } else if (file.empty()) {
        auto bytes = embedded::find("bench-s-quick");
        if (!bytes) throw cli::UsageError("gui: no FILE given and no built-in image in this build");
        cfg.image = emu::parse_elf(*bytes, "bench-s-quick");
        cfg.image_name = "bench-s-quick (built in)";
    } else {
        cfg.image = emu::load_image_file(file, opt.load_addr.value_or(emu::kDefaultRawLoadAddr), opt.config.ram_size);
        if (!cfg.image.is_elf && !opt.load_addr)
            throw emu::LoadError(file + ": not an ELF file (to run a raw binary, give its address with --load-addr)");
        cfg.image_name = file.substr(file.find_last_of('/') == std::string::npos ? 0 : file.find_last_of('/') + 1);
    }
    if (!cfg.boot && cfg.scenario.empty()) emu::check_fits(cfg.image, emu::map::kRam, opt.config.ram_size, file.empty() ? "bench-s-quick" : file);
    Script script;
    if (!script_path.empty()) script.lines = emu::read_input_lines(script_path, "script");

    if (SDL_Init(SDL_INIT_VIDEO | SDL_INIT_TIMER) != 0) {
        std::fprintf(stderr, "stepvisor: gui: cannot open a window: %s (no display? try xvfb-run)\n", SDL_GetError());
        return 1;
    }
    const char* driver = SDL_GetCurrentVideoDriver();
    if (driver && std::string(driver) == "offscreen" && !std::getenv("SDL_VIDEODRIVER")) {
        std::fprintf(stderr, "stepvisor: gui: no display to open a window on (DISPLAY is not set; try xvfb-run -a "
                             "stepvisor gui ...)\n");
        SDL_Quit();
        return 1;
    }
    SDL_GL_SetAttribute(SDL_GL_CONTEXT_FLAGS, 0);
    SDL_GL_SetAttribute(SDL_GL_CONTEXT_PROFILE_MASK, SDL_GL_CONTEXT_PROFILE_CORE);
    SDL_GL_SetAttribute(SDL_GL_CONTEXT_MAJOR_VERSION, 3);
    SDL_GL_SetAttribute(SDL_GL_CONTEXT_MINOR_VERSION, 0);
    SDL_GL_SetAttribute(SDL_GL_DOUBLEBUFFER, 1);
    SDL_Window* window = SDL_CreateWindow(("stepvisor - " + cfg.image_name).c_str(), SDL_WINDOWPOS_CENTERED,
                                          SDL_WINDOWPOS_CENTERED, w, h, SDL_WINDOW_OPENGL | SDL_WINDOW_RESIZABLE);
    SDL_GLContext gl = window ? SDL_GL_CreateContext(window) : nullptr;
    if (!gl) {
        std::fprintf(stderr, "stepvisor: gui: cannot create an OpenGL 3.0 window: %s\n", SDL_GetError());
        if (window) SDL_DestroyWindow(window);
        SDL_Quit();
        return 1;
    }
    SDL_GL_MakeCurrent(window, gl);
    g_window = window;
    SDL_GL_SetSwapInterval(1);

    IMGUI_CHECKVERSION();
    ImGui::CreateContext();
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr;  // ImGui's part of the layout goes into our own file (settings.cpp)
    ImGui::StyleColorsDark();
    ImGuiStyle& style = ImGui::GetStyle();
    style.WindowRounding = 0;
    style.FrameRounding = 2;
    style.WindowPadding = ImVec2(6, 6);
    style.ItemSpacing = ImVec2(6, 3);
    style.CellPadding = ImVec2(4, 1);
    // Title bars that stand out, so each panel's name is easy to find.
    style.Colors[ImGuiCol_TitleBg] = ImVec4(0.13f, 0.19f, 0.29f, 1.0f);
    style.Colors[ImGuiCol_TitleBgActive] = ImVec4(0.17f, 0.29f, 0.47f, 1.0f);
    style.Colors[ImGuiCol_TitleBgCollapsed] = ImVec4(0.13f, 0.19f, 0.29f, 1.0f);
    ImGui_ImplSDL2_InitForOpenGL(window, gl);
    ImGui_ImplOpenGL3_Init("#version 130");

    int status = 0;
    {
        Session session(std::move(cfg));
        // The machine starts paused in the GUI, so -S needs nothing more.
        std::unique_ptr<cli::GdbStub> gdb;
        if (gdb_opt.enabled()) {
            gdb = std::make_unique<cli::GdbStub>(session.machine(), session.debugger(), uint16_t(gdb_opt.port));
            session.set_gdb(gdb.get());
        }
        App app(session, w, h);
        app.base_style = style;
        // A scripted session starts from the default layout and leaves the user's alone.
        app.settings_file = layout ? (*layout == "none" ? "" : *layout) : script_path.empty() ? settings_path() : "";
        load_settings(app);
        // The management socket, served between frames: its stop and cont are the Pause and Run buttons.
        std::unique_ptr<cli::QmpServer> mgmt;
        if (mgmt_addr) {
            mgmt = std::make_unique<cli::QmpServer>(*mgmt_addr, cli::MgmtControl{
                [&session]() -> emu::Machine& { return session.machine(); },
                [&session] { return session.running(); },
                [&session] { session.pause(); },
                [&session] { session.run_continue(); },
                [&session] { session.reset(); },
                [&app] { app.quit = true; },
            });
            session.set_console_tap([m = mgmt.get()](uint8_t b) { m->console_byte(b); });
            app.s.log("management socket: " + mgmt_addr->text + "\n");
        }
        app.s.log("stepvisor gui: " + session.image_name() + ", " + session.machine().config().isa.str() + ", " +
                  std::to_string(session.machine().hart_count()) + " hart(s)\n");
        int busy = 5;  // frames to draw before waiting for input again
        while (!app.quit) {
            SDL_Event ev;
            const bool idle = !session.running() && !session.gdb_connected() && script.done() && busy <= 0;
            // With a management socket, idle frames still come often enough to answer it.
            if (idle && SDL_WaitEventTimeout(&ev, mgmt ? 20 : 250)) {
                ImGui_ImplSDL2_ProcessEvent(&ev);
                if (ev.type == SDL_QUIT) app.quit = true;
                if (ev.type == SDL_KEYDOWN && !ev.key.repeat)
                    app.shortcuts_from_key(ev.key.keysym.scancode, ev.key.keysym.mod & KMOD_SHIFT, ev.key.keysym.mod & KMOD_CTRL);
                busy = 3;
            }
            while (SDL_PollEvent(&ev)) {
                ImGui_ImplSDL2_ProcessEvent(&ev);
                if (ev.type == SDL_QUIT) app.quit = true;
                if (ev.type == SDL_WINDOWEVENT && ev.window.event == SDL_WINDOWEVENT_SIZE_CHANGED) {
                    app.width = ev.window.data1;
                    app.height = ev.window.data2;
                    app.relayout = true;
                }
                if (ev.type == SDL_KEYDOWN && !ev.key.repeat)
                    app.shortcuts_from_key(ev.key.keysym.scancode, ev.key.keysym.mod & KMOD_SHIFT, ev.key.keysym.mod & KMOD_CTRL);
                busy = 3;
            }
            if (!script.done() && !script.advance(app)) app.quit = true;
            if (mgmt) mgmt->poll();
            if (exit_after && script.done()) break;
            session.tick(12.0);
            if (session.running()) busy = 2;
            --busy;

            if (app.applied_scale != app.scale()) apply_scale(app);
            ImGui_ImplOpenGL3_NewFrame();
            ImGui_ImplSDL2_NewFrame();
            ImGui::NewFrame();
            app.draw();
            ImGui::Render();
            int dw = 0, dh = 0;
            SDL_GL_GetDrawableSize(window, &dw, &dh);
            glViewport(0, 0, dw, dh);
            glClearColor(0.08f, 0.08f, 0.10f, 1.0f);
            glClear(GL_COLOR_BUFFER_BIT);
            ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
            ++app.frames;
            if (script.capture && script.capture->frames-- <= 0) {
                bool ok = script.capture->kind == Capture::Png ? save_png(script.capture->path, dw, dh)
                                                                : dump_state(app, script.capture->path);
                std::cout << (ok ? "saved " : "error: cannot write ") << script.capture->path << "\n" << std::flush;
                if (!ok) script.failed = true;
                script.capture.reset();
            }
            if (!app.screenshot_request.empty()) {
                bool ok = save_png(app.screenshot_request, dw, dh);
                session.log((ok ? "saved " : "cannot write ") + app.screenshot_request + "\n");
                app.screenshot_request.clear();
            }
            SDL_GL_SwapWindow(window);
        }
        if (script.failed && exit_after) status = 1;
        std::string error;
        if (!save_settings(app, error)) std::fprintf(stderr, "stepvisor: gui: the layout was not saved: %s\n", error.c_str());
    }

    ImGui_ImplOpenGL3_Shutdown();
    ImGui_ImplSDL2_Shutdown();
    ImGui::DestroyContext();
    SDL_GL_DeleteContext(gl);
    SDL_DestroyWindow(window);
    SDL_Quit();
    return status;
}

}  // namespace gui
