// The main menu bar: File, Run, Scenario and View.
#include <ctime>

#include "app.hpp"

namespace gui {

void draw_menu(App& a) {
    Session& s = a.s;
    if (!ImGui::BeginMainMenuBar()) return;
    const bool file_open = ImGui::BeginMenu("File");
    if (!file_open) a.note_item("menu-file");  // (once open, the last item is its popup)
    if (file_open) {
        if (ImGui::MenuItem("Save screenshot", nullptr)) {
            a.screenshot_request = "stepvisor-" + std::to_string(std::time(nullptr)) + ".png";
        }
        if (ImGui::MenuItem("Reset machine", "Ctrl+R")) s.reset();
        ImGui::Separator();
        if (ImGui::MenuItem("Quit", "Ctrl+Q")) a.quit = true;
        ImGui::EndMenu();
    }
    const bool run_open = ImGui::BeginMenu("Run");
    if (!run_open) a.note_item("menu-run");  // (once open, the last item is its popup)
    if (run_open) {
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
    const bool scenario_open = ImGui::BeginMenu("Scenario");
    if (!scenario_open) a.note_item("menu-scenario");  // (once open, the last item is its popup)
    if (scenario_open) {
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
    const bool view_open = ImGui::BeginMenu("View");
    if (!view_open) a.note_item("menu-view");  // (once open, the last item is its popup)
    if (view_open) {
        if (ImGui::MenuItem("Presentation mode", "F8", a.presentation)) a.set_presentation(!a.presentation);
        a.note_item("menu-presentation");
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

}  // namespace gui
