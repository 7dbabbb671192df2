// stepvisor gui in a build without SDL2, Dear ImGui, OpenGL or stb.
#include <cstdio>

#include "gui.hpp"

namespace gui {
int cmd_gui(const std::vector<std::string>&) {
    std::fputs("stepvisor: gui: built without the GUI (install libsdl2-dev libimgui-dev libgl-dev libstb-dev and "
               "rebuild)\n",
               stderr);
    return 2;
}
}  // namespace gui
