#include "mgmt_headless.hpp"

namespace cli {

HeadlessMgmt::HeadlessMgmt(const MgmtAddress& a, emu::Machine* const* machine)
    : machine_(machine),
      qmp_(a, MgmtControl{
                  [this]() -> emu::Machine& { return **machine_; },
                  [this] { return !paused_ && !(*machine_)->halted(); },
                  [this] { paused_ = true; },
                  [this] { paused_ = false; },
                  [this] { (*machine_)->reset(); },
                  [this] { quit_ = true; },
              }) {}

Between HeadlessMgmt::between() {
    qmp_.poll();
    if (quit_) return Between::Quit;
    return paused_ ? Between::Pause : Between::Run;
}

void HeadlessMgmt::ended(const emu::Machine& m) {
    if (quit_) return;
    if (m.halted()) qmp_.guest_shutdown();
    else qmp_.closing();
}

std::function<void(uint8_t)> tapped_console(std::function<void(uint8_t)> console, HeadlessMgmt* mgmt) {
    if (!mgmt) return console;
    return [console = std::move(console), mgmt](uint8_t b) {
        mgmt->console_byte(b);
        console(b);
    };
}

}  // namespace cli
