// The GUI's model of one debugging session, without any drawing: the
// machine (rebuilt on reset), the debugger's command language over it, the
// run control (stepping, running in slices between frames, stopping on event
// kinds, breakpoints, run to cursor), and the event log as the panels read it
// (a copy of the machine's ring that outlives the ring's wrap, indexed per
// hart for the timeline and the VM-exit table).
#pragma once
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <ostream>
#include <set>
#include <string>
#include <vector>

#include "emu/exit_index.hpp"
#include "emu/history.hpp"
#include "emu/machine.hpp"
#include "ui/cli/debug_session.hpp"
#include "ui/cli/gdb_stub.hpp"
#include "ui/cli/reverse.hpp"
#include "ui/cli/options.hpp"
#include "ui/scenarios/scenario.hpp"
#include "console_text.hpp"

namespace gui {

// Mode index as the event log counts them: 0 U, 1 S/HS, 2 VU, 3 VS, 4 M.
inline unsigned mode_of(emu::Priv p, bool v) { return emu::EventLog::mode_index(p, v); }
const char* mode_name(unsigned mode, bool h_enabled);

// A lecture scenario's narration and checkpoints, as the Scenario panel shows
// them (taken from the session's scen::ScenarioRun).
struct ScenarioView {
    std::string name, title, intro;
    size_t current = 0;  // checkpoints reached so far (the next one's index)
    struct Checkpoint {
        std::string label, narration, detail;
        bool reached = false;
        uint64_t cycle = 0;
    };
    std::vector<Checkpoint> checkpoints;
    // The scenario's figures of the run so far (ScenarioRun::finish), taken
    // at each checkpoint and at the end.
    std::vector<scen::Figure> figures;
};

// A register file snapshot, taken before each step or run so changed values
// can be highlighted afterwards.
struct HartSnapshot {
    uint64_t x[32] = {}, f[32] = {}, pc = 0;
    std::vector<std::pair<uint16_t, uint64_t>> csrs;  // every implemented CSR of the table
    std::optional<uint64_t> csr(uint16_t addr) const;
};

// Per-hart view of the event log for the timeline.
struct ModeChange {
    uint64_t cycle;
    uint8_t mode;  // mode_of() after the change
};
struct Marker {
    uint64_t cycle;
    uint64_t seq;
    emu::EventKind kind;
};
struct HartTrack {
    uint8_t start_mode = 4;  // mode at cycle 0 (M after reset)
    std::vector<ModeChange> changes;
    std::vector<Marker> markers;  // traps, interrupts, VM exits and entries, xRETs
};


enum class Goal { None, Continue, Event, Cursor, Checkpoint };

class Session {
public:
    struct Config {
        cli::MachineOptions options;
        emu::Image image;  // the program (or, booting, the firmware)
        std::string image_name;
        // QEMU virt-style boot instead of one image: firmware, kernel, ...
        std::optional<emu::Machine::BootSpec> boot;
        std::vector<emu::Image> symbol_images;  // more ELF symbols (--symbols)
        std::string scenario;  // a lecture scenario builds the machine instead (scen::find name)
    };
    explicit Session(Config cfg);

    emu::Machine& machine() { return *m_; }
    cli::DebugSession& debugger() { return *dbg_; }
    const emu::Image& image() const { return cfg_.image; }
    const std::string& image_name() const { return cfg_.image_name; }
    bool h_enabled() const { return m_->config().isa.has(isa::Ext::H); }
    unsigned hart_index() const { return cur_hart_; }
    emu::Hart& hart() { return m_->hart(cur_hart_); }
    void select_hart(unsigned h);
    // Bumped whenever the machine may have changed: caches key on it.
    uint64_t generation() const { return generation_; }

    // ---- run control ----
    void reset();                          // rebuild the machine from the image
    void step(uint64_t n);                 // n instructions (summed over harts), synchronously
    void step_over();                      // a call (jal/jalr with a link register) runs to its return
    void run_continue();                   // until a breakpoint, halt or idle
    void run_until(emu::EventKind k);      // until the next event of that kind
    void run_to(uint64_t pc);              // until a hart reaches pc (run to cursor)
    // Until the scenario's next checkpoint (ScenarioRun::advance, exact stops).
    // False when there is no scenario or it has no checkpoint left.
    bool run_checkpoint();
    // Back to the previous checkpoint: the scenario is built again and run
    // to it (the same run, cycle for cycle). False without a checkpoint
    // reached.
    bool back_checkpoint();
    // Rebuilds the session around a lecture scenario (scen::find name).
    void open_scenario(const std::string& name);
    void pause();
    // Going back (the machine's history of snapshots, emu/history.hpp): n
    // instructions; over a call (back past a return, to the call); to the
    // first step at which the machine had run `cycle` cycles (the timeline).
    bool can_go_back() const;
    void reverse_step(uint64_t n);
    void reverse_step_over();
    void go_to_cycle(uint64_t cycle);
    const emu::History* history_keeper() const { return hist_.get(); }
    // The machine moves: a run of the GUI's own, or one a connected gdb asked for.
    bool running() const { return own_running() || (gdb_ && gdb_->running()); }
    // A gdb stub served between frames (tick): gdb stops the machine when it
    // connects, and the GUI's Pause interrupts a run gdb asked for.
    void set_gdb(cli::GdbStub* gdb) {
        gdb_ = gdb;
        if (gdb_) gdb_->set_reverse(rev_.get());
    }
    bool gdb_connected() const { return gdb_ && gdb_->connected(); }
    // Every hart waits in WFI with nothing to wake it: the run resumes when
    // console input arrives (send_input), or ends with pause().
    bool idle() const { return idle_; }
    Goal goal() const { return goal_; }
    // Runs the machine for about budget_ms of host time if it is running.
    void tick(double budget_ms);
    double ips() const { return ips_; }
    const std::string& status() const { return status_; }

    void toggle_breakpoint(uint64_t pc);
    const std::set<uint64_t>& breakpoints() const { return breakpoints_; }

    // A debugger command line (`stepvisor debug`'s language), with the GUI's
    // bookkeeping around it: snapshot, events, selection of the stop event.
    bool execute(const std::string& line, std::ostream& out);

    // ---- what changed ----
    const HartSnapshot& before(unsigned hart) const { return before_[hart]; }

    // ---- events ----
    void sync_events();
    const std::deque<emu::Event>& history() const { return history_; }  // every kind but TLB fills
    const std::deque<emu::Event>& tlb_fill_history() const { return tlb_fills_; }
    const std::vector<HartTrack>& tracks() const { return tracks_; }
    const std::vector<emu::VmExitRecord>& exits() const { return exits_.exits(); }  // the VM-exit table's rows
    const emu::ExitIndex& exit_index() const { return exits_; }
    std::optional<emu::Event> find_event(uint64_t seq) const;
    // The VM-exit table's row of an event: the VM exit itself, or the trap
    // event it was logged with (the trap comes first, the exit right after).
    std::optional<size_t> exit_row_of(uint64_t seq) const;
    std::optional<uint64_t> selected() const { return selected_; }
    void select(uint64_t seq) { selected_ = seq; }
    void clear_selection() { selected_.reset(); }
    // "[cycle N] hartH description", the form `stepvisor debug` prints.
    std::string event_line(const emu::Event& e) const;
    uint64_t history_gaps() const { return gaps_; }

    // The instruction at a virtual pc as the selected hart would fetch it
    // (physical in M-mode, else Hart::debug_walk for a fetch); memory only.
    bool read_insn(uint64_t pc, uint32_t& raw);

    // ---- symbols ----
    std::string symbol_at(uint64_t addr) const;  // exact match or empty
    std::string symbolize(uint64_t addr) const;  // "name" or "name+0x10" or empty
    std::optional<uint64_t> symbol_address(const std::string& name) const;

    // ---- console and log ----
    const std::string& console() const { return console_.text(); }
    // What hv announced about its VMs since it last booted on this machine (ConsoleText).
    const std::string& hv_lines() const { return console_.hv_lines(); }
    // Sees every byte the console prints (the management socket's ring).
    void set_console_tap(std::function<void(uint8_t)> tap) { console_tap_ = std::move(tap); }
    void send_input(const std::string& bytes);
    const std::string& log() const { return log_; }
    void log(const std::string& text);

    std::optional<ScenarioView>& scenario() { return scenario_; }
    scen::ScenarioRun* scenario_run() { return run_.get(); }

private:
    bool own_running() const { return goal_ != Goal::None && !idle_; }
    void serve_gdb(double budget_ms);
    void sync_scenario();
    void build();
    void detach_machine();
    void attach_machine();
    // A scenario of several parts moved on to its next machine: follow it.
    bool follow_part();
    void snapshot();
    void measured(std::chrono::steady_clock::time_point t0, uint64_t n0);
    void start(Goal g);
    void finish(emu::StopReason r, uint64_t first_event);
    void add_event(const emu::Event& e);
    void rewind_events();  // the machine went back: forget later events, rebuild the tracks
    std::string stop_text(emu::StopReason r) const;

    Config cfg_;
    std::unique_ptr<scen::ScenarioRun> run_;  // with a scenario: it owns the machine
    std::unique_ptr<emu::Machine> own_;      // without one
    emu::Machine* m_ = nullptr;
    size_t scen_console_ = 0;                // run_->console() bytes copied to console_
    std::unique_ptr<cli::DebugSession> dbg_;
    std::unique_ptr<emu::History> hist_;  // after the machine: destroyed first
    std::unique_ptr<cli::HistoryReverse> rev_;
    unsigned cur_hart_ = 0;
    uint64_t generation_ = 1;

    cli::GdbStub* gdb_ = nullptr;
    Goal goal_ = Goal::None;
    bool idle_ = false;
    emu::EventKind goal_kind_ = emu::EventKind::Trap;
    size_t checkpoints_to_ = 0;  // Goal::Checkpoint runs on until this many are reached
    std::optional<uint64_t> temp_break_;
    std::set<uint64_t> breakpoints_;
    uint64_t slice_ = 20000;  // instructions per run() call, adapted to ~2 ms
    double ips_ = 0;
    std::chrono::steady_clock::time_point ips_t0_;
    uint64_t ips_n0_ = 0;
    std::string status_ = "paused";

    std::vector<HartSnapshot> before_;

    uint64_t next_seq_ = 0;
    uint64_t gaps_ = 0;
    std::deque<emu::Event> history_, tlb_fills_;
    std::vector<HartTrack> tracks_;
    emu::ExitIndex exits_;  // over the events kept (history_)
    std::optional<uint64_t> selected_;

    std::vector<std::pair<uint64_t, std::string>> symbols_;  // sorted by address
    emu::Image symbol_image_;  // every image's symbols, for the debugger's disassembly
    ConsoleText console_;
    size_t scen_part_ = 0;                   // the part whose console bytes were copied last
    std::function<void(uint8_t)> console_tap_;
    std::string log_;
    std::optional<ScenarioView> scenario_;
};

}  // namespace gui
