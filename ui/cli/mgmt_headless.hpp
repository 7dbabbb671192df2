// The management socket in a headless run (`run --mgmt`, `hv --mgmt`): what
// it may do to the machine, served between the run loop's slices.
#pragma once
#include <memory>
#include <optional>

#include "qmp.hpp"
#include "run_loop.hpp"

namespace cli {

class HeadlessMgmt {
public:
    // Listens now (before the machine exists); *machine is the machine once built.
    HeadlessMgmt(const MgmtAddress& a, emu::Machine* const* machine);
    // The console tap: every byte the machine's UART0 prints.
    void console_byte(uint8_t b) { qmp_.console_byte(b); }
    // Serves the socket; what the run loop does next.
    Between between();
    // The run is over: SHUTDOWN when the guest powered off, and the last replies written.
    void ended(const emu::Machine& m);

private:
    emu::Machine* const* machine_;
    bool paused_ = false, quit_ = false;
    QmpServer qmp_;
};

// Wraps a console so that the management socket's ring sees it too.
std::function<void(uint8_t)> tapped_console(std::function<void(uint8_t)> console, HeadlessMgmt* mgmt);

}  // namespace cli
