// Presentation mode: every font and widget scaled for a projector, and the
// scenario's narration as one large panel (the step reached, its text, the
// figures so far, Next and Back).
#include <backends/imgui_impl_opengl3.h>

#include "app.hpp"

namespace gui {

void App::set_presentation(bool on) {
    presentation = on;
    relayout = true;
}

void apply_scale(App& a) {
    const float s = a.scale();
    ImGuiIO& io = ImGui::GetIO();
    io.Fonts->Clear();
    ImFontConfig fc;
    fc.SizePixels = 13.0f * s;  // ImGui's own font, at its size times the scale
    io.Fonts->AddFontDefault(&fc);
    ImGui_ImplOpenGL3_DestroyFontsTexture();
    ImGui_ImplOpenGL3_CreateFontsTexture();
    ImGuiStyle& style = ImGui::GetStyle();
    style = a.base_style;
    style.ScaleAllSizes(s);
    a.applied_scale = s;
    a.relayout = true;
}

namespace {

// The scenarios' texts are broken into lines for a terminal: one paragraph
// for wrapping to the panel's width, but indented lines (lists) kept.
std::string reflow(const std::string& text) {
    std::string out = text;
    size_t line = 0;  // where the current line begins
    for (size_t i = 0; i + 1 < out.size(); ++i) {
        if (out[i] != '\n') continue;
        const bool indented = out[line] == ' ' || out[i + 1] == ' ';
        if (!indented && out[i + 1] != '\n' && i > line) out[i] = ' ';
        line = i + 1;
    }
    return out;
}

void figures_table(const ScenarioView& sc) {
    if (sc.figures.empty()) {
        ImGui::TextDisabled("No figures yet.");
        return;
    }
    const ImGuiTableFlags f = ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingStretchProp | ImGuiTableFlags_ScrollY;
    if (!ImGui::BeginTable("figures", 2, f)) return;
    ImGui::TableSetupColumn("figure", ImGuiTableColumnFlags_WidthStretch, 4.0f);
    ImGui::TableSetupColumn("value", ImGuiTableColumnFlags_WidthStretch, 1.0f);
    std::string group;
    for (const auto& fig : sc.figures) {
        if (fig.group != group) {
            group = fig.group;
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(0.55f, 0.75f, 1.0f, 1));
            ImGui::TextWrapped("%s", group.c_str());
            ImGui::PopStyleColor();
        }
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        ImGui::TextWrapped("%s", fig.label.c_str());
        ImGui::TableNextColumn();
        const std::string v = scen::value_text(fig.value) + (fig.unit.empty() ? "" : " " + fig.unit);
        ImGui::TextUnformatted(v.c_str());
    }
    ImGui::EndTable();
}

}  // namespace

void draw_presentation(App& a, Rect r) {
    Session& s = a.s;
    a.begin_panel("Presentation", r, ImGuiWindowFlags_NoCollapse);
    const bool run = s.running() || s.idle();
    auto& sc = s.scenario();
    if (!sc) {
        ImGui::TextWrapped("No scenario is open. Open one from the Scenario menu (or start with --scenario NAME): "
                           "this panel then tells its story step by step. F8 leaves presentation mode.");
        a.end_panel();
        return;
    }
    const size_t n = sc->checkpoints.size(), k = sc->current;
    ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(0.55f, 0.75f, 1.0f, 1));
    ImGui::TextWrapped("%s", sc->title.c_str());
    ImGui::PopStyleColor();
    char progress[64];
    std::snprintf(progress, sizeof progress, "step %zu of %zu", k, n);
    ImGui::ProgressBar(n ? float(k) / float(n) : 0.0f, ImVec2(-1, 0), progress);

    ImGui::BeginDisabled(run || k == 0);
    if (ImGui::Button("< Back (PgUp)")) s.back_checkpoint();
    a.note_item("present-back");
    ImGui::EndDisabled();
    ImGui::SameLine();
    ImGui::BeginDisabled(run || k >= n);
    if (ImGui::Button("Next (PgDn) >")) s.run_checkpoint();
    a.note_item("present-next");
    ImGui::EndDisabled();
    ImGui::SameLine();
    if (run) {
        if (ImGui::Button("Pause")) s.pause();
    } else if (ImGui::Button("Run")) {
        s.run_continue();
    }
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
    ImGui::TextWrapped("%s", s.status().c_str());
    ImGui::PopStyleColor();
    ImGui::Separator();

    const float text_h = ImGui::GetContentRegionAvail().y * 0.5f;
    if (ImGui::BeginChild("narration", ImVec2(0, text_h))) {
        if (k == 0) {
            ImGui::TextColored(ImVec4(0.95f, 0.8f, 0.3f, 1), "Introduction");
            ImGui::TextWrapped("%s", reflow(sc->intro).c_str());
        } else {
            const auto& c = sc->checkpoints[k - 1];
            ImGui::TextColored(ImVec4(0.4f, 0.9f, 0.4f, 1), "%zu. %s", k, c.label.c_str());
            ImGui::TextDisabled("at cycle %llu", (unsigned long long)c.cycle);
            if (!c.detail.empty()) ImGui::TextDisabled("event: %s", c.detail.c_str());
            ImGui::TextWrapped("%s", reflow(c.narration).c_str());
        }
        if (k < n) {
            ImGui::Spacing();
            ImGui::TextDisabled("next: %zu. %s", k + 1, sc->checkpoints[k].label.c_str());
        } else {
            ImGui::Spacing();
            ImGui::TextDisabled("every checkpoint reached");
        }
    }
    ImGui::EndChild();
    ImGui::Separator();
    ImGui::TextUnformatted("Figures so far");
    figures_table(*sc);
    a.end_panel();
}

}  // namespace gui
