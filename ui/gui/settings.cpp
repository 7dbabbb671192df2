// The layout kept between runs: $XDG_CONFIG_HOME/stepvisor/gui.ini (else
// ~/.config/stepvisor/gui.ini, or --layout's file): presentation mode and its scale, the open
// tab of each panel and the window size in lines of our own, then ImGui's
// window positions and sizes, which are used when the window has the size
// they were saved at.
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "app.hpp"

namespace gui {

std::string settings_path() {
    const char* xdg = std::getenv("XDG_CONFIG_HOME");
    const char* home = std::getenv("HOME");
    std::filesystem::path dir;
    if (xdg && *xdg) dir = xdg;
    else if (home && *home) dir = std::filesystem::path(home) / ".config";
    else return "";
    return (dir / "stepvisor" / "gui.ini").string();
}

void load_settings(App& a) {
    if (a.settings_file.empty()) return;
    std::ifstream f(a.settings_file);
    if (!f) return;
    std::string line, imgui;
    int w = 0, h = 0;
    bool ours = true;
    while (std::getline(f, line)) {
        if (!line.empty() && line[0] == '[') ours = false;
        if (!ours) {
            imgui += line + "\n";
            continue;
        }
        const size_t eq = line.find('=');
        if (line.empty() || line[0] == '#' || eq == std::string::npos) continue;
        const std::string key = line.substr(0, eq), value = line.substr(eq + 1);
        if (key == "presentation") a.presentation = value == "1";
        else if (key == "presentation-scale") {
            const float s = std::strtof(value.c_str(), nullptr);
            if (s >= 1.0f && s <= 4.0f) a.present_scale = s;
        } else if (key.rfind("tab.", 0) == 0) {
            a.restore_tabs.insert(value);
        }
        else if (key == "window") std::sscanf(value.c_str(), "%dx%d", &w, &h);
    }
    if (!imgui.empty() && w == a.width && h == a.height) {
        ImGui::LoadIniSettingsFromMemory(imgui.c_str(), imgui.size());
        a.relayout = false;
    }
}

bool save_settings(App& a, std::string& error) {
    if (a.settings_file.empty()) return true;
    std::ostringstream o;
    o << "# stepvisor gui: the layout, written when the GUI closes\n";
    o << "presentation=" << (a.presentation ? 1 : 0) << "\n";
    o << "presentation-scale=" << a.present_scale << "\n";
    o << "window=" << a.width << "x" << a.height << "\n";
    for (const auto& [panel, tab] : a.panel_tab) o << "tab." << panel << "=" << tab << "\n";
    o << ImGui::SaveIniSettingsToMemory();
    std::error_code ec;
    const std::filesystem::path p(a.settings_file);
    std::filesystem::create_directories(p.parent_path(), ec);
    const std::filesystem::path tmp = p.string() + ".new";
    {
        std::ofstream f(tmp);
        f << o.str();
        if (!f.flush()) {
            error = "cannot write " + tmp.string();
            return false;
        }
    }
    std::filesystem::rename(tmp, p, ec);
    if (ec) {
        error = "cannot write " + p.string() + ": " + ec.message();
        return false;
    }
    return true;
}

}  // namespace gui
