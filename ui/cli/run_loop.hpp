// Running a machine to its end under the user's limits (--max-insns,
// --timeout), shared by `run` and `test`.
#pragma once
#include <atomic>
#include <functional>
#include <string>

#include "options.hpp"

namespace cli { class Console; class GdbStub; }

namespace cli {

struct Outcome {
    int exit_code = kExitPass;  // the process exit code this outcome maps to
    std::string message;        // one line for the user ("" when the guest passed)
    int guest_code = 0;         // HTIF/poweroff code (failing test number for riscv-tests)
    uint64_t instructions = 0, cycles = 0;
    double seconds = 0;
};

// Runs until halt or a limit. `cancel` (optional) stops the run early.
// The guest's console on standard output; once it has printed `until_output`
// (when not empty), the machine *machine halts with exit code 0.
std::function<void(uint8_t)> stdout_console(std::string until_output, emu::Machine* const* machine);

// What the caller's hook between slices wants next.
enum class Between { Run, Pause, Quit };

// `console` (optional) feeds terminal input to the guest between slices and
// keeps an idle machine waiting for input instead of ending the run.
// `gdb` (optional): while a debugger is connected it controls the machine;
// with wait_for_gdb nothing runs before one has connected. The limits hold
// throughout, time stopped in the debugger included.
// `between` (optional) is called after every slice with the seconds since
// the start: Pause keeps the machine stopped (the hook is called again every
// few milliseconds; the limits hold, paused time included), Quit ends the
// run as if the machine had powered off with code 0. With `serving` the
// hook serves a socket: slices are short so that it answers promptly, and an
// idle machine waits (for the hook's commands) instead of ending the run.
Outcome run_to_end(emu::Machine& m, const MachineOptions& opt, const std::atomic<bool>* cancel = nullptr,
                   Console* console = nullptr, GdbStub* gdb = nullptr, bool wait_for_gdb = false,
                   const std::function<Between(double)>& between = nullptr, bool serving = false);

}  // namespace cli
