#include "remote.hpp"

namespace gui {

void open_gdb(Remote& r, Session& s, const RunOptions& o) {
    if (!o.gdb.enabled()) return;
    r.gdb = std::make_unique<cli::GdbStub>(s.machine(), s.debugger(), uint16_t(o.gdb.port));
    s.set_gdb(r.gdb.get());
}

void open_mgmt(Remote& r, App& app, const RunOptions& o) {
    if (!o.mgmt) return;
    Session& session = app.s;
    r.mgmt = std::make_unique<cli::QmpServer>(*o.mgmt, cli::MgmtControl{
        [&session]() -> emu::Machine& { return session.machine(); },
        [&session] { return session.running(); },
        [&session] { session.pause(); },
        [&session] { session.run_continue(); },
        [&session] { session.reset(); },
        [&app] { app.quit = true; },
    });
    session.set_console_tap([m = r.mgmt.get()](uint8_t b) { m->console_byte(b); });
    session.log("management socket: " + o.mgmt->text + "\n");
}

}  // namespace gui
