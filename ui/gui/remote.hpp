// Control from outside the window: a gdb stub (--gdb) and the management
// socket (--mgmt), both served between frames.
#pragma once
#include <memory>

#include "app.hpp"
#include "run.hpp"
#include "ui/cli/gdb_stub.hpp"

namespace gui {

struct Remote {
    std::unique_ptr<cli::GdbStub> gdb;
    std::unique_ptr<cli::QmpServer> mgmt;
    void poll() {
        if (mgmt) mgmt->poll();
    }
};

// The gdb stub on the session's machine (it starts paused in the GUI, so -S
// needs nothing more), then once the App exists the management socket: its
// stop and cont are the Pause and Run buttons, its quit closes the window.
void open_gdb(Remote& r, Session& s, const RunOptions& o);
void open_mgmt(Remote& r, App& app, const RunOptions& o);

}  // namespace gui
