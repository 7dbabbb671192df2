// The GUI's script runner (--script): the debugger's commands and the GUI's
// own (screenshot, dump-state, click, key, ...), one per frame; and what
// dump-state and screenshot write.
#pragma once
#include <SDL.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "app.hpp"

namespace gui {

extern SDL_Window* g_window;  // the window, for commands that act as the user would

struct Capture {
    enum Kind { Png, Json } kind = Png;
    std::string path;
    int frames = 0;  // frames to wait before capturing
};

class Script {
public:
    std::vector<std::string> lines;
    size_t next = 0;
    int wait = 0;
    bool failed = false;
    std::chrono::steady_clock::time_point run_until;
    bool run_timed = false;
    std::optional<Capture> capture;

    struct Click {
        int button = SDL_BUTTON_LEFT;
        int clicks = 1;
        int frames = 0;  // frames until the button goes down (the pointer moves first)
    };
    std::optional<Click> click;

    bool done() const { return next >= lines.size() && wait == 0 && !capture && !run_timed && !click; }

    // Runs commands until one needs frames to pass. Returns false on quit.
    bool advance(App& a);

private:
    void fail(App& a, const std::string& msg);
    // The argument as a number in [lo, hi] of `unit`; otherwise fails naming cmd and returns false.
    bool number(App& a, const std::string& cmd, const std::string& text, uint64_t lo, uint64_t hi, const char* unit,
                uint64_t& out);
    bool gui_command(App& a, const std::string& cmd, const std::vector<std::string>& arg, bool& more);
};

// dump-state: panel rectangles, harts, the selected event, the walk, as JSON.
bool dump_state(App& a, const std::string& path);
// The window's pixels as a PNG.
bool save_png(const std::string& path, int w, int h);

}  // namespace gui
