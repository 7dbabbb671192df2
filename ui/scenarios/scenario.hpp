// Lecture scenarios: the one place they are defined. A scenario is a machine
// (configuration and embedded images), narration steps each tied to a
// checkpoint (a named condition over the event log, the console or the halt),
// figures computed from the event log and the guests' console after the run,
// and checks over those figures that decide the exit code.
//
// `stepvisor demo NAME` runs one headless through ScenarioRun; the GUI opens
// the same ScenarioRun and pauses at each checkpoint (advance() with exact
// stops returns as soon as the next checkpoint is reached).
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "emu/exit_index.hpp"
#include "emu/machine.hpp"
#include "isa/csr.hpp"
#include "isa/fields.hpp"

namespace scen {

// A condition that marks a checkpoint. Checked in step order: a step's
// condition is only looked for after the previous step was reached.
struct Condition {
    enum class Kind { Event, Console, Halted } kind = Kind::Halted;
    emu::EventKind event_kind = emu::EventKind::Trap;         // Event: the kind to look at ...
    std::function<bool(const emu::Event&)> match;              // ... and which of them (null = any)
    std::string text;                                          // Console: this text was printed

    static Condition on(emu::EventKind k, std::function<bool(const emu::Event&)> m = nullptr);
    static Condition console(std::string text);
    static Condition halted();
};

struct Step {
    std::string id;         // short machine name: "first-vm-exit"
    std::string title;      // what the GUI shows at the pause: "first VM exit"
    Condition when;
    std::string narration;  // printed when reached, for a student who has just seen the slide
};

// Where a checkpoint was reached.
struct Reached {
    size_t step = 0;
    uint64_t cycle = 0, instret = 0, seq = 0;  // seq: the event's position (0 for console/halt)
    std::string detail;                        // the event, described
};

// A measured figure. `group` puts it in a table section; keys are unique.
using Value = std::variant<int64_t, double, bool, std::string>;
struct Figure {
    std::string group, key, label;
    Value value;
    std::string unit;
};
// Building the figures in figures(), and reading them back by key in checks().
class FigureList {
public:
    void add(std::string group, std::string key, std::string label, Value v, std::string unit = "") {
        list_.push_back({std::move(group), std::move(key), std::move(label), std::move(v), std::move(unit)});
    }
    std::vector<Figure> take() { return std::move(list_); }
private:
    std::vector<Figure> list_;
};
// The figure's value; int64_t(-1) when there is no such key.
Value figure(const std::vector<Figure>& f, const std::string& key);
// The figure as a number (int or double); -1 when absent or not a number.
double number(const std::vector<Figure>& f, const std::string& key);

struct Check {
    std::string name;
    bool ok = false;
    std::string detail;
};

// What a finished (or stopped) run gives a scenario to compute figures from.
struct RunView {
    emu::Machine& machine;           // the last part's
    const std::string& console;      // everything the machines printed
    const std::vector<Reached>& reached;
    bool halted = false;
    uint64_t cycles = 0, instructions = 0;  // over every part
    uint64_t events_lost = 0;         // events that left the ring before observe() saw them
    // The cycle at which the console line holding offset `at` of `console`
    // was finished (its newline); the run's end for an unfinished line.
    std::function<uint64_t(size_t at)> line_cycle;
};

class Scenario {
public:
    virtual ~Scenario() = default;
    virtual std::string name() const = 0;
    virtual std::string summary() const = 0;
    // Printed before the run: what the student is about to see.
    virtual std::string intro() const = 0;
    // The machine with its images loaded (throws std::runtime_error with a
    // one-line message when something it needs is missing).
    virtual std::unique_ptr<emu::Machine> build(emu::MachineConfig cfg) const = 0;
    virtual std::vector<Step> steps() const = 0;
    // Every event in order, as the run goes (for figures the whole-run
    // tallies do not give, e.g. cycles between a VM exit and its entry).
    virtual void observe(const emu::Event&) {}
    // Called when a checkpoint is reached, with the machine as it is then
    // (for figures about the machine's state mid-run, e.g. a G-stage map).
    virtual void at_checkpoint(size_t /*step*/, emu::Machine&) {}
    // Called between slices of the run (every few thousand instructions,
    // and whenever the GUI has moved the machine), with everything the
    // console printed so far: a scenario that acts on the machine from
    // outside (a management client) does it here.
    virtual void between(emu::Machine&, const std::string& /*console*/) {}
    virtual std::vector<Figure> figures(const RunView& run) = 0;
    virtual std::vector<Check> checks(const std::vector<Figure>& figures, const RunView& run) = 0;
    // Instruction budget for a whole run (the scenario's configuration fits well within it).
    virtual uint64_t budget() const { return 400'000'000; }

    // A scenario may run several machines one after the other (type-1, then
    // type-2): build() makes part 0; once part k has halted, its checkpoints
    // checked, part_done(k) sees it and build_part(k + 1) makes the next.
    // Events, checkpoints and console lines then continue on the new machine,
    // with cycles counted on from where the previous part ended.
    virtual size_t parts() const { return 1; }
    virtual std::unique_ptr<emu::Machine> build_part(size_t /*part*/, emu::MachineConfig cfg) const { return build(cfg); }
    virtual void part_done(size_t /*part*/, emu::Machine&, const std::string& /*console*/) {}
};

struct Entry {
    std::string name, summary;
    std::function<std::unique_ptr<Scenario>()> make;
};
// Every built-in scenario, in lecture order.
const std::vector<Entry>& registry();
const Entry* find(const std::string& name);

// One run of a scenario: build, advance, finish.
class ScenarioRun {
public:
    // echo: also called with each complete console line as it is printed.
    explicit ScenarioRun(std::unique_ptr<Scenario> s, emu::MachineConfig cfg = {});
    Scenario& scenario() { return *scen_; }
    const std::vector<Step>& steps() const { return steps_; }
    // The machine of the current part; a new one after a part has ended
    // (the earlier ones stay alive until the run is destroyed).
    emu::Machine& machine() { return *m_; }
    size_t part() const { return part_; }
    // Over every part so far.
    uint64_t cycles() const { return base_cycles_ + m_->cycles_since_power_on(); }
    uint64_t instructions() const { return base_insns_ + m_->instructions_since_power_on(); }
    const std::string& console() const { return console_; }
    // Where part k's output begins in console() (k <= part()).
    size_t console_start(size_t k) const { return part_starts_.at(k); }
    const std::vector<Reached>& reached() const { return reached_; }
    bool done() const;  // halted, idle, or the budget used

    // Runs up to max_insns instructions. exact: stop right after the event
    // that reaches the next checkpoint (Machine::stop_on its kind). Returns
    // the checkpoints reached during this call, in order.
    std::vector<Reached> advance(uint64_t max_insns, bool exact = false);
    // Looks for checkpoints in what happened since the last look, when the
    // machine was run by someone else (the GUI's step, run and `until`).
    // Returns the checkpoints reached since then.
    std::vector<Reached> sync();
    // Console lines completed since the last call, each with the cycle of its last byte.
    std::vector<std::pair<uint64_t, std::string>> take_console_lines();

    // Figures and checks of the run so far.
    struct Result {
        std::vector<Figure> figures;
        std::vector<Check> checks;
        bool ok = false;
    };
    Result finish();
    std::string stop_message() const;  // "" when the machine powered off normally

private:
    // Slices small enough that the event ring never wraps between scans.
    static constexpr uint64_t kSlice = 20'000;
    void scan_events();
    void between();
    void next_part();  // when the current part has halted and another follows  // the scenario's between(), once per slice's end (and at a halt)
    // until: only console text whose line was complete by that cycle (the
    // console checkpoints that came before an event being scanned).
    void check_console(std::optional<uint64_t> until = std::nullopt);
    std::unique_ptr<Scenario> scen_;
    std::vector<Step> steps_;
    std::unique_ptr<emu::Machine> m_;
    std::vector<std::unique_ptr<emu::Machine>> ended_;  // earlier parts' machines
    emu::MachineConfig cfg_;
    size_t part_ = 0;
    uint64_t base_cycles_ = 0, base_insns_ = 0;  // what the earlier parts ran
    std::string console_;
    std::vector<size_t> part_starts_{0};
    size_t console_checked_ = 0;   // console_ offset where the pending console step began
    std::string line_;
    std::vector<std::pair<uint64_t, std::string>> lines_;
    struct LineEnd { size_t offset; uint64_t cycle, instret; };
    std::vector<LineEnd> line_ends_;  // each newline of the console: where, and when
    std::vector<Reached> reached_, fresh_;
    uint64_t next_seq_ = 0, lost_ = 0, used_ = 0, between_at_ = 0;
    emu::StopReason last_ = emu::StopReason::Limit;
};

// Text and JSON of a result.
std::string value_text(const Value& v);
std::string to_json(ScenarioRun& run, const ScenarioRun::Result& r);

}  // namespace scen
