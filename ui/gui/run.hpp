// Running the GUI: what the command line chose besides the session itself
// (command.cpp), and the window's frame loop over that session (frame_loop.cpp).
#pragma once
#include <optional>
#include <string>

#include "session.hpp"
#include "ui/cli/options.hpp"
#include "ui/cli/qmp.hpp"

namespace gui {

struct RunOptions {
    int width = 1600, height = 1000;
    cli::GdbOptions gdb;
    std::optional<cli::MgmtAddress> mgmt;
    std::string script_path;        // --script
    bool exit_after_script = false;
    std::optional<std::string> layout;  // --layout FILE|none
};

// Opens the window, runs the session in it until the user (or the script)
// quits, keeps the layout; the command's exit code.
int run_gui(Session::Config cfg, const RunOptions& o);

}  // namespace gui
