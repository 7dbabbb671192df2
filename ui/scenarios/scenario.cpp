// The scenario framework: the registry, running a scenario in slices while
// checkpoints are looked for, JSON, and what the hypervisor scenarios share.
#include "scenario.hpp"

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <stdexcept>


namespace scen {

// One factory per scenario file in this folder.
std::unique_ptr<Scenario> make_isolation();
std::unique_ptr<Scenario> make_trap_emulate();
std::unique_ptr<Scenario> make_cpu_shares();
std::unique_ptr<Scenario> make_ballooning();
std::unique_ptr<Scenario> make_overprovisioning();
std::unique_ptr<Scenario> make_interrupts();
std::unique_ptr<Scenario> make_memory();
std::unique_ptr<Scenario> make_devices();
std::unique_ptr<Scenario> make_oob_management();
std::unique_ptr<Scenario> make_type1_vs_type2();

const std::vector<Entry>& registry() {
    static const std::vector<Entry> r = [] {
        std::vector<Entry> v;
        for (auto make : {make_type1_vs_type2, make_isolation, make_trap_emulate, make_cpu_shares, make_overprovisioning, make_interrupts,
                          make_memory, make_ballooning, make_devices, make_oob_management}) {
            auto s = make();
            v.push_back({s->name(), s->summary(), make});
        }
        return v;
    }();
    return r;
}

const Entry* find(const std::string& name) {
    for (const auto& e : registry())
        if (e.name == name) return &e;
    return nullptr;
}

Value figure(const std::vector<Figure>& f, const std::string& key) {
    for (const auto& x : f)
        if (x.key == key) return x.value;
    return int64_t(-1);
}

double number(const std::vector<Figure>& f, const std::string& key) {
    Value v = figure(f, key);
    if (auto* i = std::get_if<int64_t>(&v)) return double(*i);
    if (auto* d = std::get_if<double>(&v)) return *d;
    return -1.0;
}

Condition Condition::on(emu::EventKind k, std::function<bool(const emu::Event&)> m) {
    Condition c;
    c.kind = Kind::Event;
    c.event_kind = k;
    c.match = std::move(m);
    return c;
}
Condition Condition::console(std::string text) {
    Condition c;
    c.kind = Kind::Console;
    c.text = std::move(text);
    return c;
}
Condition Condition::halted() { return Condition{}; }

// ---------------------------------------------------------------- running

ScenarioRun::ScenarioRun(std::unique_ptr<Scenario> s, emu::MachineConfig cfg) : scen_(std::move(s)) {
    steps_ = scen_->steps();
    cfg.console = [this](uint8_t b) {
        console_.push_back(char(b));
        if (b == '\n') {
            // Counted since power-on, so a reset from outside does not turn the clock back.
            lines_.emplace_back(m_ ? cycles() : 0, line_);
            line_ends_.push_back({console_.size() - 1, m_ ? cycles() : 0, m_ ? instructions() : 0});
            line_.clear();
        } else if (b != '\r') {
            line_.push_back(char(b));
        }
    };
    cfg_ = cfg;
    m_ = scen_->build(cfg);
}

bool ScenarioRun::done() const {
    return (m_->halted() && part_ + 1 >= scen_->parts()) || last_ == emu::StopReason::Idle || used_ >= scen_->budget();
}

void ScenarioRun::next_part() {
    if (!m_->halted() || part_ + 1 >= scen_->parts()) return;
    scen_->part_done(part_, *m_, console_);
    base_cycles_ += m_->cycles_since_power_on();
    base_insns_ += m_->instructions_since_power_on();
    ended_.push_back(std::move(m_));
    part_starts_.push_back(console_.size());
    m_ = scen_->build_part(++part_, cfg_);
    next_seq_ = 0;
    between_at_ = 0;
}

void ScenarioRun::scan_events() {
    const emu::EventLog& log = m_->events();
    if (log.total() == next_seq_) return;
    std::vector<emu::Event> evs = log.since(next_seq_);
    if (!evs.empty() && evs.front().seq > next_seq_) lost_ += evs.front().seq - next_seq_;
    for (const emu::Event& e : evs) {
        scen_->observe(e);
        const uint64_t cycle = base_cycles_ + e.cycle;
        check_console(cycle);
        size_t k = reached_.size();
        if (k < steps_.size() && steps_[k].when.kind == Condition::Kind::Event) {
            const Condition& c = steps_[k].when;
            if (e.kind == c.event_kind && (!c.match || c.match(e))) {
                Reached r{k, cycle, base_insns_ + e.instret, e.seq, emu::describe(e, true)};
                reached_.push_back(r);
                fresh_.push_back(r);
                scen_->at_checkpoint(k, *m_);
                // Later console checkpoints count only text printed after it.
                auto it = std::upper_bound(line_ends_.begin(), line_ends_.end(), cycle,
                                           [](uint64_t c, const LineEnd& l) { return c < l.cycle; });
                if (it != line_ends_.begin()) console_checked_ = std::max(console_checked_, std::prev(it)->offset + 1);
            }
        }
    }
    next_seq_ = log.total();
}

void ScenarioRun::check_console(std::optional<uint64_t> until) {
    for (;;) {
        size_t k = reached_.size();
        if (k >= steps_.size()) return;
        const Condition& c = steps_[k].when;
        if (c.kind == Condition::Kind::Console) {
            size_t at = console_.find(c.text, console_checked_);
            if (at == std::string::npos) return;
            Reached r{k, cycles(), instructions(), 0, "console: " + c.text};
            // The cycle of the newline that completed the line holding it.
            auto it = std::lower_bound(line_ends_.begin(), line_ends_.end(), at + c.text.size(),
                                       [](const LineEnd& l, size_t off) { return l.offset < off; });
            if (it != line_ends_.end()) r.cycle = it->cycle, r.instret = it->instret;
            if (until && (it == line_ends_.end() || it->cycle > *until)) return;
            // A line counts once it is finished (its newline), so the cycle
            // does not depend on where a slice of the run happened to end.
            if (it == line_ends_.end() && !m_->halted()) return;
            console_checked_ = at + c.text.size();
            reached_.push_back(r);
            fresh_.push_back(r);
            scen_->at_checkpoint(k, *m_);
        } else if (c.kind == Condition::Kind::Halted) {
            if (until) return;
            if (!m_->halted()) return;
            Reached r{k, cycles(), instructions(), 0, "machine halted: " + m_->halt_reason()};
            reached_.push_back(r);
            fresh_.push_back(r);
            scen_->at_checkpoint(k, *m_);
        } else {
            return;
        }
    }
}

std::vector<Reached> ScenarioRun::advance(uint64_t max_insns, bool exact) {
    fresh_.clear();
    while (max_insns && !done()) {
        // Slices end at whole multiples of kSlice since power-on, however
        // the caller cuts its calls, so what between() sees is the same.
        const uint64_t at = m_->instructions_since_power_on();
        uint64_t n = std::min({kSlice - at % kSlice, max_insns, scen_->budget() - used_});
        m_->clear_stop_conditions();
        size_t k = reached_.size();
        if (exact && k < steps_.size() && steps_[k].when.kind == Condition::Kind::Event)
            m_->stop_on(steps_[k].when.event_kind);
        // Since power-on: a reset from outside (a management client) restarts the harts' counts.
        uint64_t before = m_->instructions_since_power_on();
        last_ = m_->run(n);
        uint64_t ran = m_->instructions_since_power_on() - before;
        used_ += ran;
        max_insns -= std::min(max_insns, std::max<uint64_t>(ran, 1));
        scan_events();
        check_console();
        between();
        next_part();
        if (exact && !fresh_.empty()) break;
        if (last_ == emu::StopReason::Breakpoint) break;
    }
    m_->clear_stop_conditions();
    return fresh_;
}

void ScenarioRun::between() {
    const uint64_t at = m_->instructions_since_power_on();
    if (at / kSlice == between_at_ / kSlice && !m_->halted()) return;  // not at the next slice's end yet
    between_at_ = at;
    scen_->between(*m_, console_);
}

std::vector<Reached> ScenarioRun::sync() {
    fresh_.clear();
    scan_events();
    check_console();
    between();
    next_part();
    return fresh_;
}

std::vector<std::pair<uint64_t, std::string>> ScenarioRun::take_console_lines() {
    auto out = std::move(lines_);
    lines_.clear();
    return out;
}

std::string ScenarioRun::stop_message() const {
    if (m_->halted()) return m_->exit_code() ? "the machine powered off with code " + std::to_string(m_->exit_code()) : "";
    if (last_ == emu::StopReason::Idle) return m_->idle_text();
    if (used_ >= scen_->budget()) return "the scenario's budget of " + std::to_string(scen_->budget()) + " instructions ran out";
    return "stopped before the end";
}

ScenarioRun::Result ScenarioRun::finish() {
    RunView v{*m_, console_, reached_, m_->halted(), cycles(), instructions(), lost_,
              [this](size_t at) {
                  auto it = std::lower_bound(line_ends_.begin(), line_ends_.end(), at,
                                             [](const LineEnd& l, size_t off) { return l.offset < off; });
                  return it == line_ends_.end() ? cycles() : it->cycle;
              }};
    Result r;
    r.figures = scen_->figures(v);
    r.checks = scen_->checks(r.figures, v);
    Check all{"every checkpoint reached", reached_.size() == steps_.size(), ""};
    if (!all.ok) all.detail = "stopped waiting for '" + steps_[reached_.size()].title + "'";
    r.checks.insert(r.checks.begin(), all);
    if (lost_) r.checks.push_back({"no events lost", false, std::to_string(lost_) + " events left the ring unseen"});
    r.ok = std::all_of(r.checks.begin(), r.checks.end(), [](const Check& c) { return c.ok; });
    return r;
}

// ---------------------------------------------------------------- output

std::string value_text(const Value& v) {
    if (auto* i = std::get_if<int64_t>(&v)) return std::to_string(*i);
    if (auto* d = std::get_if<double>(&v)) {
        char b[64];
        std::snprintf(b, sizeof b, "%.6g", *d);
        return b;
    }
    if (auto* b = std::get_if<bool>(&v)) return *b ? "yes" : "no";
    return std::get<std::string>(v);
}

namespace {
std::string json_str(const std::string& s) {
    std::string o = "\"";
    for (unsigned char c : s) {
        if (c == '"' || c == '\\') o += '\\', o += char(c);
        else if (c == '\n') o += "\\n";
        else if (c < 0x20) {
            char b[8];
            std::snprintf(b, sizeof b, "\\u%04x", c);
            o += b;
        } else o += char(c);
    }
    return o + "\"";
}
std::string json_val(const Value& v) {
    if (auto* i = std::get_if<int64_t>(&v)) return std::to_string(*i);
    if (auto* d = std::get_if<double>(&v)) {
        char b[64];
        std::snprintf(b, sizeof b, "%.17g", *d);
        return b;
    }
    if (auto* b = std::get_if<bool>(&v)) return *b ? "true" : "false";
    return json_str(std::get<std::string>(v));
}
}  // namespace

std::string to_json(ScenarioRun& run, const ScenarioRun::Result& r) {
    emu::Machine& m = run.machine();
    std::string o = "{\n";
    o += "  \"scenario\": " + json_str(run.scenario().name()) + ",\n";
    o += "  \"ok\": " + std::string(r.ok ? "true" : "false") + ",\n";
    o += "  \"cycles\": " + std::to_string(run.cycles()) + ",\n";
    o += "  \"instructions\": " + std::to_string(run.instructions()) + ",\n";
    o += "  \"halted\": " + std::string(m.halted() ? "true" : "false") + ",\n";
    o += "  \"checkpoints\": [";
    for (size_t i = 0; i < run.steps().size(); ++i) {
        const Step& s = run.steps()[i];
        o += i ? ",\n    " : "\n    ";
        o += "{\"id\": " + json_str(s.id) + ", \"title\": " + json_str(s.title) + ", \"reached\": ";
        if (i < run.reached().size()) {
            const Reached& x = run.reached()[i];
            o += "true, \"cycle\": " + std::to_string(x.cycle) + ", \"instret\": " + std::to_string(x.instret) +
                 ", \"detail\": " + json_str(x.detail) + "}";
        } else {
            o += "false}";
        }
    }
    o += "\n  ],\n  \"figures\": {";
    for (size_t i = 0; i < r.figures.size(); ++i)
        o += (i ? ",\n    " : "\n    ") + json_str(r.figures[i].key) + ": " + json_val(r.figures[i].value);
    o += "\n  },\n  \"figure_labels\": {";
    for (size_t i = 0; i < r.figures.size(); ++i) {
        const Figure& f = r.figures[i];
        o += (i ? ",\n    " : "\n    ") + json_str(f.key) + ": {\"group\": " + json_str(f.group) +
             ", \"label\": " + json_str(f.label) + ", \"unit\": " + json_str(f.unit) + "}";
    }
    o += "\n  },\n  \"checks\": [";
    for (size_t i = 0; i < r.checks.size(); ++i)
        o += (i ? ",\n    " : "\n    ") + std::string("{\"name\": ") + json_str(r.checks[i].name) +
             ", \"ok\": " + (r.checks[i].ok ? "true" : "false") + ", \"detail\": " + json_str(r.checks[i].detail) + "}";
    o += "\n  ]\n}\n";
    return o;
}

}  // namespace scen
