// stepvisor gui: the graphical front end (SDL2 + Dear ImGui + OpenGL 3).
// When the build found neither, cmd_gui says so and returns 2.
#pragma once
#include <string>
#include <vector>

namespace gui {
int cmd_gui(const std::vector<std::string>& args);
}
