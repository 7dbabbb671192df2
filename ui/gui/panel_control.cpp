// The control bar: run, pause, step (forwards and back), run to the next
// event of a kind or checkpoint; and the machine's state and speed.
#include "app.hpp"
#include "isa/causes.hpp"

namespace gui {

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
    ImGui::SameLine();  // then on at 42% of the width, or after a long status
    ImGui::SetCursorPosX(std::max(ImGui::GetCursorPosX() + 20, r.w * 0.42f));
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

}  // namespace gui
