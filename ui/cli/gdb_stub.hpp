// A GDB remote stub over a Machine: `--gdb PORT`, `-s`, `-S` for run, hv
// and gui. Harts are gdb's threads (thread N+1 is hart N); breakpoints
// (Z0/Z1) are the machine's, watchpoints (Z2-Z4) too; memory is read and
// written by virtual address as the selected hart's data accesses see it;
// `monitor` lines are the debugger's command language (DebugSession).
// Those that would move the machine (until, step, continue) arm gdb's next
// resume instead, so gdb learns of the stop and its register cache stays
// true: `monitor until vmexit` then `continue` stops at the next VM exit.
//
// The stub runs in the caller's thread and never blocks longer than asked:
// service() handles what arrived and, while gdb has the machine running,
// runs it one slice at a time, so a GUI calls it once a frame and a
// headless run in a loop.
#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "debug_session.hpp"
#include "gdb_wire.hpp"

namespace cli {

// --gdb PORT, -s (port 1234), -S (wait for gdb before the first instruction).
struct GdbOptions {
    int port = -1;  // -1: no stub
    bool wait = false;
    bool enabled() const { return port >= 0; }
};
bool parse_gdb_option(const std::vector<std::string>& args, size_t& i, GdbOptions& opt);
extern const char* const kGdbOptionsHelp;

// Where a run that gdb asked for stopped, in the terms of a stop reply.
struct GdbStop {
    enum Kind { Trap, Interrupt, HistoryStart, HistoryEnd } kind = Trap;
    emu::StopReason reason = emu::StopReason::Limit;  // Breakpoint, Watchpoint, Event, Limit ...
    unsigned hart = 0;
};

// Reverse execution (gdb's reverse-stepi / reverse-continue, packets bs and
// bc), supplied by whatever keeps the machine's history. Without one, the
// stub does not offer them and gdb says the target cannot go back.
class ReverseExecution {
public:
    virtual ~ReverseExecution() = default;
    // One instruction back on `hart`: the whole machine returns to the state
    // before that hart's last instruction. HistoryStart when there is none.
    virtual GdbStop reverse_step(emu::Machine& m, unsigned hart) = 0;
    // Back to the latest earlier breakpoint or watchpoint hit of the
    // machine's breakpoints()/watchpoints(), or to the start of the history.
    virtual GdbStop reverse_continue(emu::Machine& m) = 0;
};

class GdbStub {
public:
    // Listens on localhost:port (UsageError when it cannot).
    GdbStub(emu::Machine& m, DebugSession& dbg, uint16_t port);
    uint16_t port() const { return wire_.port(); }
    // The front end rebuilt its machine (the GUI's reset): serve that one.
    // A run gdb asked for ends as if interrupted.
    void attach(emu::Machine& m, DebugSession& dbg);
    void set_reverse(ReverseExecution* r) { reverse_ = r; }

    // Accepts a debugger, waiting up to wait_ms; the machine stops when one
    // connects (as QEMU's does). True while one is connected.
    bool accept(int wait_ms);
    bool connected() const { return wire_.connected(); }
    // gdb asked the machine to run (continue or step) and it has not stopped.
    bool running() const { return running_; }
    bool killed() const { return killed_; }

    // Handles the packets that arrived, waiting up to wait_ms for one while
    // the machine is stopped, and while gdb has it running runs it for at
    // most `budget` instructions. Returns the instructions executed.
    uint64_t service(int wait_ms, uint64_t budget);
    // Stops a run gdb asked for as Ctrl-C would (the GUI's Pause).
    void interrupt();
    // The run ended outside gdb's control: the guest powered off (exit code)
    // or a limit was reached (a message, then gdb sees SIGXCPU). Closes.
    void machine_halted(int exit_code);
    void limit_reached(const std::string& message);

private:
    emu::Machine& m() { return *mp_; }
    void handle(const std::string& p);
    void reply(const std::string& payload) { wire_.send(payload); }
    void console(const std::string& text);  // 'O' packets: text on gdb's console
    void stopped(const GdbStop& s);
    std::string stop_reply();
    emu::Hart& hart(int tid);
    int tid_of(const std::string& text);  // -2 when malformed or no such thread

    void query(const std::string& p);
    void monitor(const std::string& hex_line);
    void set_thread(const std::string& p);
    void registers(const std::string& p);
    void memory(const std::string& p);
    void breakpoint(const std::string& p);
    void resume(const std::string& p);
    void resume_vcont(const std::string& p);
    void reverse(const std::string& p);
    void start(int step_tid);
    uint64_t run_slice(uint64_t budget);
    bool arm(const std::vector<std::string>& words, std::ostream& out);
    void disarm();

    emu::Machine* mp_;
    DebugSession* dbg_;
    GdbWire wire_;
    ReverseExecution* reverse_ = nullptr;
    int g_tid_ = 1, c_tid_ = -1;  // Hg, Hc (-1 all)
    bool running_ = false, killed_ = false;
    int step_hart_ = -1;           // -1: continue; else the hart gdb single-steps
    GdbStop last_{};
    // What a monitor command armed for the next resume, and what that resume runs with.
    struct Goal {
        std::optional<emu::EventKind> kind;
        std::optional<uint64_t> pc;
        uint64_t steps = 0;  // 0: no count
    } armed_, goal_;
    bool temp_bp_ = false;  // goal_.pc was not a breakpoint before
    uint64_t event_seq_ = 0;  // the log's position when the goal's run began
    std::map<uint64_t, unsigned> bp_refs_;  // Z0/Z1 insertions per address
    std::string xml_;
};

}  // namespace cli
