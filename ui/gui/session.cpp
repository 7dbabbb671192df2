#include "session.hpp"

#include <algorithm>
#include <sstream>

#include "devices/uart16550.hpp"
#include "isa/csr.hpp"
#include "isa/hex.hpp"
#include "isa/insn.hpp"
#include "ui/cli/idle_wait.hpp"

namespace gui {
namespace {

// How much of the log the panels keep (the oldest half goes when full).
constexpr size_t kHistoryCap = 1u << 18;    // transition events
constexpr size_t kTlbFillCap = 4096;        // TLB fills (they are many)
constexpr size_t kTrackCap = 1u << 20;      // per-hart mode changes / markers
constexpr size_t kExitCap = 1u << 17;       // rows of the VM-exit table
constexpr uint64_t kStepSync = 50'000'000;  // largest synchronous step

bool is_marker(emu::EventKind k) {
    using K = emu::EventKind;
    return k == K::Trap || k == K::Interrupt || k == K::VmExit || k == K::VmEntry || k == K::Xret || k == K::Halt ||
           k == K::Reset;
}

template <typename V> void trim_front(V& v, size_t cap) {
    if (v.size() > cap) v.erase(v.begin(), v.begin() + std::ptrdiff_t(v.size() - cap / 2));
}

}  // namespace

const char* mode_name(unsigned mode, bool h) {
    switch (mode) {
    case 0: return "U";
    case 1: return h ? "HS" : "S";
    case 2: return "VU";
    case 3: return "VS";
    default: return "M";
    }
}

std::optional<uint64_t> HartSnapshot::csr(uint16_t addr) const {
    for (const auto& [a, v] : csrs)
        if (a == addr) return v;
    return std::nullopt;
}

Session::Session(Config cfg) : cfg_(std::move(cfg)) {
    auto add = [this](const emu::Image& img) {
        for (const auto& [name, addr] : img.symbols)
            if (!name.empty() && name[0] != '$' && name.rfind(".L", 0) != 0) {
                symbols_.emplace_back(addr, name);
                symbol_image_.symbols.emplace(name, addr);
            }
    };
    add(cfg_.image);
    if (cfg_.boot && cfg_.boot->kernel) add(*cfg_.boot->kernel);
    for (const auto& i : cfg_.symbol_images) add(i);
    std::sort(symbols_.begin(), symbols_.end());
    build();
}

void Session::build() {
    emu::MachineConfig mc = cfg_.options.config;
    mc.console = [this](uint8_t b) {
        if (console_tap_) console_tap_(b);
        console_.put(char(b));
    };
    // A scenario that cannot be built (an unknown name, a file it needs
    // missing) throws here, before anything of the current machine changes.
    std::unique_ptr<scen::ScenarioRun> run;
    if (!cfg_.scenario.empty()) {
        const scen::Entry* e = scen::find(cfg_.scenario);
        if (!e) throw cli::UsageError("gui: no scenario named '" + cfg_.scenario + "' (stepvisor demo --list names them)");
        try {
            run = std::make_unique<scen::ScenarioRun>(e->make(), mc);  // it takes the console itself
        } catch (const std::runtime_error& x) {
            throw cli::UsageError("gui: scenario " + cfg_.scenario + ": " + x.what());
        }
    }
    detach_machine();
    scenario_.reset();
    scen_console_ = 0;
    scen_part_ = 0;
    if (run) {
        own_.reset();
        run_ = std::move(run);
        m_ = &run_->machine();
        ScenarioView v;
        v.name = run_->scenario().name();
        v.title = v.name + ": " + run_->scenario().summary();
        v.intro = run_->scenario().intro();
        for (const auto& st : run_->steps()) v.checkpoints.push_back({st.title, st.narration, "", false, 0});
        scenario_ = std::move(v);
    } else {
        run_.reset();
        own_ = std::make_unique<emu::Machine>(mc);
        m_ = own_.get();
        if (cfg_.boot) m_->boot(*cfg_.boot);
        else m_->load(cfg_.image);
    }
    attach_machine();
    console_.clear();
    status_ = "paused at reset";
}

// What reads the machine, let go before the machine changes.
void Session::detach_machine() {
    if (gdb_) gdb_->set_reverse(nullptr);
    rev_.reset();
    hist_.reset();
    dbg_.reset();
}

// Everything that reads the machine, (re)built around m_.
void Session::attach_machine() {
    detach_machine();
    dbg_ = std::make_unique<cli::DebugSession>(*m_, symbol_image_);
    hist_ = std::make_unique<emu::History>(*m_);
    rev_ = std::make_unique<cli::HistoryReverse>(*hist_);
    if (gdb_) {
        gdb_->attach(*m_, *dbg_);
        gdb_->set_reverse(rev_.get());
    }
    for (uint64_t b : breakpoints_) m_->add_breakpoint(b);
    if (cur_hart_ >= m_->hart_count()) cur_hart_ = 0;
    if (cur_hart_) {
        std::ostringstream sink;
        dbg_->execute("hart " + std::to_string(cur_hart_), sink);
    }
    goal_ = Goal::None;
    temp_break_.reset();
    next_seq_ = 0;
    gaps_ = 0;
    history_.clear();
    tlb_fills_.clear();
    tracks_.assign(m_->hart_count(), HartTrack{});
    for (unsigned i = 0; i < m_->hart_count(); ++i)
        tracks_[i].start_mode = uint8_t(mode_of(m_->hart(i).priv, m_->hart(i).virt));
    exits_.clear();
    selected_.reset();
    snapshot();
    ++generation_;
}

bool Session::follow_part() {
    if (!run_ || &run_->machine() == m_) return false;
    const Goal goal = goal_;
    m_ = &run_->machine();
    attach_machine();
    if (goal == Goal::Checkpoint) goal_ = goal;
    status_ = "scenario part " + std::to_string(run_->part() + 1) + ": a new machine";
    log("scenario: part " + std::to_string(run_->part() + 1) + " of " + std::to_string(run_->scenario().parts()) +
        " starts on a new machine (going back stops at its reset)\n");
    return true;
}

void Session::reset() {
    build();
    log("reset: the machine was rebuilt from " + cfg_.image_name + "\n");
}

void Session::open_scenario(const std::string& name) {
    pause();
    Config before = cfg_;
    cfg_.scenario = name;
    cfg_.image_name = "scenario " + name;
    cfg_.boot.reset();
    try {
        build();
    } catch (...) {
        cfg_ = std::move(before);  // the session goes on with what it had
        throw;
    }
    log("scenario " + name + ": the machine was built by the scenario\n");
}

void Session::sync_scenario() {
    if (!run_ || !scenario_) return;
    run_->sync();  // checkpoints passed by a plain step or run, too
    follow_part();
    const std::string& c = run_->console();
    // The bytes up to `at` were the earlier parts': from there on they are another machine's.
    auto parts_begun = [&](size_t at) {
        for (; scen_part_ < run_->part() && run_->console_start(scen_part_ + 1) <= at; ++scen_part_) console_.new_machine();
    };
    for (size_t i = scen_console_; i < c.size(); ++i) {
        parts_begun(i);
        if (console_tap_) console_tap_(uint8_t(c[i]));
        console_.put(c[i]);
    }
    scen_console_ = c.size();
    parts_begun(c.size());
    const auto& rs = run_->reached();
    for (const auto& r : rs)
        if (r.step < scenario_->checkpoints.size() && !scenario_->checkpoints[r.step].reached) {
            auto& cp = scenario_->checkpoints[r.step];
            cp.reached = true;
            cp.cycle = r.cycle;
            cp.detail = r.detail;
        }
    if (rs.size() != scenario_->current || (m_->halted() && scenario_->figures.empty())) {
        try {
            scenario_->figures = run_->finish().figures;
        } catch (const std::exception& e) {
            scenario_->figures = {{"", "", std::string("the figures cannot be computed yet: ") + e.what(), std::string(""), ""}};
        }
    }
    scenario_->current = rs.size();
    run_->take_console_lines();  // the console panel shows the console; drop the line copies
}

bool Session::run_checkpoint() {
    if (!run_ || run_->reached().size() >= run_->steps().size() || run_->done()) return false;
    pause();
    m_->clear_stop_conditions();
    start(Goal::Checkpoint);
    return true;
}

bool Session::back_checkpoint() {
    if (!run_ || !scenario_ || scenario_->current == 0) return false;
    const size_t target = scenario_->current - 1;
    pause();
    build();
    if (target == 0) {
        status_ = "back at the scenario's start";
        return true;
    }
    checkpoints_to_ = target;
    start(Goal::Checkpoint);
    status_ = "back to checkpoint " + std::to_string(target) + ": running the scenario again from its start";
    return true;
}

void Session::select_hart(unsigned h) {
    if (h >= m_->hart_count()) return;
    cur_hart_ = h;
    std::ostringstream sink;
    dbg_->execute("hart " + std::to_string(h), sink);
}

void Session::snapshot() {
    before_.resize(m_->hart_count());
    for (unsigned i = 0; i < m_->hart_count(); ++i) {
        emu::Hart& h = m_->hart(i);
        HartSnapshot& s = before_[i];
        std::copy(h.x, h.x + 32, s.x);
        std::copy(h.f, h.f + 32, s.f);
        s.pc = h.pc;
        s.csrs.clear();
        for (const auto& c : isa::csr_table())
            if (auto v = h.csr_peek(c.addr)) s.csrs.emplace_back(c.addr, *v);
    }
}

// ---------------------------------------------------------------- control

std::string Session::stop_text(emu::StopReason r) const {
    switch (r) {
    case emu::StopReason::Halted: return "halted: " + m_->halt_reason() + " (exit code " + std::to_string(m_->exit_code()) + ")";
    case emu::StopReason::Breakpoint: return "stopped at a breakpoint";
    case emu::StopReason::Watchpoint: return "stopped at a watchpoint (" + isa::hex(m_->watch_hit().addr) + ")";
    case emu::StopReason::Idle: return "idle: " + m_->idle_text();
    case emu::StopReason::Event: return std::string("stopped on event: ") + emu::event_kind_name(goal_kind_);
    case emu::StopReason::TrapLoop: return "stopped: " + emu::describe(*m_->trap_loop(), m_->config().isa.has(isa::Ext::H));
    case emu::StopReason::Limit: return "paused";
    }
    return "paused";
}

// The speed of a synchronous run, when it was long enough to measure.
void Session::measured(std::chrono::steady_clock::time_point t0, uint64_t n0) {
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (s > 0.005) ips_ = double(m_->instructions() - n0) / s;
}

void Session::step(uint64_t n) {
    pause();
    snapshot();
    m_->clear_stop_conditions();
    uint64_t first = m_->events().total();
    const auto t0 = std::chrono::steady_clock::now();
    const uint64_t n0 = m_->instructions();
    emu::StopReason r = m_->run(std::min(n, kStepSync));
    measured(t0, n0);
    sync_events();
    ++generation_;
    status_ = r == emu::StopReason::Limit ? "stepped " + std::to_string(n) + (n == 1 ? " instruction" : " instructions")
                                          : stop_text(r);
    (void)first;
}

bool Session::read_insn(uint64_t pc, uint32_t& raw) {
    emu::Hart& h = hart();
    auto half = [&](uint64_t va, uint32_t& out) {
        uint64_t pa = va;
        if (h.priv != emu::Priv::M) {
            emu::WalkResult w = h.debug_walk(va, emu::Access::Fetch, nullptr);
            if (!w.ok) return false;
            pa = w.pa;
        }
        uint64_t v = 0;
        if (!m_->bus().region(pa, 2) || !m_->bus().read(pa, 2, v)) return false;
        out = uint32_t(v & 0xffff);
        return true;
    };
    uint32_t lo = 0, hi = 0;
    if (!half(pc, lo)) return false;
    if ((lo & 3) == 3 && !half(pc + 2, hi)) return false;
    raw = lo | (hi << 16);
    return true;
}

void Session::step_over() {
    emu::Hart& h = hart();
    uint32_t raw = 0;
    if (read_insn(h.pc, raw)) {
        isa::Decoded d = isa::decode(raw);
        if ((d.op == isa::Op::JAL || d.op == isa::Op::JALR) && d.rd != 0) {
            run_to(h.pc + d.len);
            return;
        }
    }
    step(1);
}

void Session::start(Goal g) {
    snapshot();
    idle_ = false;
    goal_ = g;
    ips_t0_ = std::chrono::steady_clock::now();
    ips_n0_ = m_->instructions();
    status_ = "running";
}

void Session::run_continue() {
    pause();  // a run that waits (idle) or was going gives way
    m_->clear_stop_conditions();
    start(Goal::Continue);
}

void Session::run_until(emu::EventKind k) {
    pause();  // a run that waits (idle) or was going gives way
    m_->clear_stop_conditions();
    m_->stop_on(k);
    goal_kind_ = k;
    start(Goal::Event);
}

void Session::run_to(uint64_t pc) {
    pause();  // a run that waits (idle) or was going gives way
    m_->clear_stop_conditions();
    if (!m_->at_breakpoint(pc)) {
        m_->add_breakpoint(pc);
        temp_break_ = pc;
    }
    start(Goal::Cursor);
}

void Session::pause() {
    if (gdb_ && gdb_->running()) {
        gdb_->interrupt();
        sync_events();
        status_ = "paused (gdb was told)";
        ++generation_;
    }
    if (goal_ == Goal::None) return;
    goal_ = Goal::None;
    checkpoints_to_ = 0;
    idle_ = false;
    m_->clear_stop_conditions();
    if (temp_break_) {
        m_->remove_breakpoint(*temp_break_);
        temp_break_.reset();
    }
    status_ = "paused";
    ++generation_;
}

void Session::finish(emu::StopReason r, uint64_t first_event) {
    if (goal_ == Goal::Event && r == emu::StopReason::Event) {
        for (const auto& e : m_->events().since(first_event))
            if (e.kind == goal_kind_) selected_ = e.seq;
    }
    status_ = stop_text(r);
    goal_ = Goal::None;
    m_->clear_stop_conditions();
    if (temp_break_) {
        m_->remove_breakpoint(*temp_break_);
        temp_break_.reset();
    }
    ++generation_;
}

void Session::serve_gdb(double budget_ms) {
    using clock = std::chrono::steady_clock;
    const bool was = gdb_->connected();
    if (gdb_->accept(0) && !was) {
        pause();  // gdb takes the machine stopped
        log("gdb connected on port " + std::to_string(gdb_->port()) + "\n");
    }
    if (!gdb_->connected()) {
        if (was) log("gdb disconnected\n");
        return;
    }
    // Packets for part of the frame (gdb waits for each answer); while gdb
    // has the machine running, slices of it for the frame's budget.
    const auto t0 = clock::now();
    emu::Machine::ScopedYield yield(*m_, [&] {
        return std::chrono::duration<double, std::milli>(clock::now() - t0).count() >= budget_ms;
    });
    bool moved = gdb_->running();
    while (gdb_->connected() && std::chrono::duration<double, std::milli>(clock::now() - t0).count() <
                                    (gdb_->running() ? budget_ms : std::min(budget_ms, 8.0))) {
        gdb_->service(gdb_->running() ? 0 : 1, slice_);
        moved = moved || gdb_->running();
    }
    if (moved) {
        sync_events();
        sync_scenario();
        if (!gdb_->running()) status_ = m_->halted() ? stop_text(emu::StopReason::Halted) : "stopped by gdb";
        else status_ = "running (gdb)";
        ++generation_;
    }
}

void Session::tick(double budget_ms) {
    if (gdb_) serve_gdb(budget_ms);
    if (!own_running()) return;
    using clock = std::chrono::steady_clock;
    const auto t0 = clock::now();
    // However little the guest retires, the frame (and with it Pause) comes on time.
    emu::Machine::ScopedYield yield(*m_, [&] {
        return std::chrono::duration<double, std::milli>(clock::now() - t0).count() >= budget_ms;
    });
    // --idle wall (the GUI's default): a sleeping guest's time follows the wall clock, within the frame's budget.
    const auto frame_end = t0 + std::chrono::microseconds(int64_t(budget_ms * 1000));
    emu::Machine::ScopedIdlePacer pacer(*m_, cfg_.options.idle == cli::IdleMode::Skip ? nullptr
        : std::function<uint64_t(uint64_t)>([frame_end](uint64_t c) { return cli::wait_as_guest_sleeps(c, frame_end, -1, nullptr); }));
    while (own_running()) {
        const auto c0 = clock::now();
        const uint64_t first = m_->events().total();
        if (goal_ == Goal::Checkpoint) {
            // The scenario runs the machine, so it sees every event and the console.
            auto got = run_->advance(slice_, true);
            // A checkpoint at the end of a part (its machine powered off) stops on the next part's new machine.
            const bool new_part = follow_part();
            if (new_part) sync_scenario();
            else sync_events();
            if (!got.empty() && run_->reached().size() < checkpoints_to_ && !run_->done()) {
                if (new_part) break;  // the next frame runs the new machine
                if (std::chrono::duration<double, std::milli>(clock::now() - t0).count() >= budget_ms) break;
                continue;  // going back: on to the checkpoint before the one it was at
            }
            if (!got.empty() || run_->done()) {
                checkpoints_to_ = 0;
                if (!got.empty()) {
                    const scen::Reached& rc = got.back();
                    status_ = "checkpoint " + std::to_string(rc.step + 1) + "/" + std::to_string(run_->steps().size()) +
                              " reached: " + run_->steps()[rc.step].title + " (cycle " + std::to_string(rc.cycle) + ")";
                    if (rc.seq && !new_part) selected_ = rc.seq;  // (the event of a machine that is gone)
                } else {
                    status_ = m_->halted() ? stop_text(emu::StopReason::Halted) : "scenario: the run ended before the next checkpoint";
                }
                goal_ = Goal::None;
                m_->clear_stop_conditions();
                ++generation_;
                break;
            }
            if (new_part) break;  // the next frame runs the new machine
            if (std::chrono::duration<double, std::milli>(clock::now() - t0).count() >= budget_ms) break;
            continue;
        }
        emu::StopReason r = m_->run(slice_);
        sync_events();
        const double ms = std::chrono::duration<double, std::milli>(clock::now() - c0).count();
        // Aim for about 2 ms per run() call so a pause is never far away.
        // With a scenario open, slices stay short enough that the event ring
        // cannot wrap between looks for its checkpoints.
        if (ms < 1.0 && slice_ < (run_ ? (1ull << 18) : (1ull << 26))) slice_ *= 2;
        else if (ms > 4.0 && slice_ > 1000) slice_ /= 2;
        if (r == emu::StopReason::Idle && m_->uart().input_pending() == 0) {
            // Nothing can happen until someone types: wait without spinning.
            idle_ = true;
            status_ = "idle: " + m_->stall_text() + "; type in the console to wake the guest, or pause";
            break;
        }
        if (r != emu::StopReason::Limit && r != emu::StopReason::Idle) {
            finish(r, first);
            break;
        }
        if (std::chrono::duration<double, std::milli>(clock::now() - t0).count() >= budget_ms) break;
    }
    ++generation_;
    const double s = std::chrono::duration<double>(clock::now() - ips_t0_).count();
    if (s >= 0.25 || (!running() && s > 0.02)) {
        ips_ = double(m_->instructions() - ips_n0_) / s;
        ips_t0_ = clock::now();
        ips_n0_ = m_->instructions();
    }
}

void Session::toggle_breakpoint(uint64_t pc) {
    if (breakpoints_.count(pc)) {
        breakpoints_.erase(pc);
        if (temp_break_ != pc) m_->remove_breakpoint(pc);
    } else {
        breakpoints_.insert(pc);
        m_->add_breakpoint(pc);
        if (temp_break_ == pc) temp_break_.reset();  // now a user breakpoint: keep it
    }
}

bool Session::execute(const std::string& line, std::ostream& out) {
    std::istringstream in(line);
    std::string cmd, arg;
    in >> cmd >> arg;
    const bool back = cmd == "reverse-step" || cmd == "rs" || cmd == "reverse" || cmd == "snapshot";
    const bool runs = cmd == "step" || cmd == "s" || cmd == "si" || cmd == "until" || cmd == "u" || cmd == "continue" ||
                      cmd == "c" || back;
    if (runs) {
        pause();
        snapshot();
    }
    const uint64_t first = m_->events().total();
    const auto t0 = std::chrono::steady_clock::now();
    const uint64_t n0 = m_->instructions();
    bool more = dbg_->execute(line, out);
    measured(t0, n0);
    cur_hart_ = dbg_->selected_hart();
    if (cmd == "break" || cmd == "b" || cmd == "delete") {
        // Keep the GUI's breakpoint list the machine's.
        try {
            uint64_t a = cli::parse_u64(arg, cmd);
            if (cmd == "delete") breakpoints_.erase(a);
            else breakpoints_.insert(a);
        } catch (const cli::UsageError&) {
        }
    }
    if (back) rewind_events();
    if (runs) {
        sync_events();
        ++generation_;
        status_ = back ? "back at step " + std::to_string(m_->steps()) : "paused";
        emu::EventKind k;
        if ((cmd == "until" || cmd == "u") && emu::event_kind_by_name(arg, k)) {
            for (const auto& e : m_->events().since(first))
                if (e.kind == k) selected_ = e.seq;
            status_ = std::string("stopped on event: ") + emu::event_kind_name(k);
        }
        if (m_->halted()) status_ = stop_text(emu::StopReason::Halted);
    }
    return more;
}

// ---------------------------------------------------------------- events

void Session::sync_events() {
    sync_scenario();
    const emu::EventLog& log = m_->events();
    if (log.total() == next_seq_) return;
    std::vector<emu::Event> fresh = log.since(next_seq_);
    if (!fresh.empty() && fresh.front().seq != next_seq_) ++gaps_;
    for (const auto& e : fresh) add_event(e);
    next_seq_ = log.total();
    trim_front(history_, kHistoryCap);
    if (exits_.exits().size() > kExitCap) exits_.drop_oldest(exits_.exits().size() - kExitCap / 2);
    for (auto& t : tracks_) {
        trim_front(t.changes, kTrackCap);
        trim_front(t.markers, kTrackCap);
    }
}

void Session::add_event(const emu::Event& e) {
    using K = emu::EventKind;
    if (e.kind == K::TlbFill) {
        tlb_fills_.push_back(e);
        if (tlb_fills_.size() > kTlbFillCap) tlb_fills_.pop_front();
        return;
    }
    history_.push_back(e);
    if (e.hart >= tracks_.size()) return;
    HartTrack& t = tracks_[e.hart];
    if (e.kind == K::PrivChange) t.changes.push_back({e.cycle, uint8_t(mode_of(e.to_priv, e.to_v))});
    if (e.kind == K::Reset) {
        for (auto& tr : tracks_) tr.changes.push_back({e.cycle, 4});
    }
    if (is_marker(e.kind)) t.markers.push_back({e.cycle, e.seq, e.kind});
    if (e.kind == K::Msi && e.file >= 2 && e.target < tracks_.size())  // into a guest file: on its hart's lane
        tracks_[e.target].markers.push_back({e.cycle, e.seq, e.kind});
    exits_.observe(e);
}

bool Session::can_go_back() const { return hist_ && m_->steps() > hist_->start(); }

void Session::reverse_step(uint64_t n) {
    pause();
    if (!can_go_back()) { status_ = "at the start of the history"; return; }
    snapshot();
    const uint64_t now = m_->steps();
    hist_->seek(now - std::min(n, now - hist_->start()));
    rewind_events();
    status_ = "back " + std::to_string(now - m_->steps()) + " instruction(s), to step " + std::to_string(m_->steps());
}

// Back one instruction; when that was a return, on back to the call it
// returns from (the instruction just before the return's target).
void Session::reverse_step_over() {
    pause();
    if (!can_go_back()) { status_ = "at the start of the history"; return; }
    const uint64_t target = hart().pc;
    reverse_step(1);
    uint32_t raw = 0;
    if (!read_insn(hart().pc, raw)) return;
    const isa::Decoded d = isa::decode(raw);
    if (d.op != isa::Op::JALR || d.rd != 0 || d.rs1 != 1) return;  // ret = jalr x0, 0(ra)
    for (uint64_t len : {4, 2}) {
        uint32_t call = 0;
        if (!read_insn(target - len, call)) continue;
        const isa::Decoded c = isa::decode(call);
        if (c.len == len && (c.op == isa::Op::JAL || c.op == isa::Op::JALR) && c.rd == 1) {
            hist_->back_to_pc(target - len);
            rewind_events();
            status_ = "back over the call at " + isa::hex(target - len) + ", to step " + std::to_string(m_->steps());
            return;
        }
    }
}

void Session::go_to_cycle(uint64_t cycle) {
    pause();
    if (!hist_) return;
    snapshot();
    hist_->seek_cycle(cycle);
    rewind_events();
    status_ = "back to cycle " + std::to_string(m_->cycles_since_power_on()) + ", step " + std::to_string(m_->steps());
}

void Session::rewind_events() {
    const uint64_t total = m_->events().total();
    std::vector<emu::Event> keep;
    for (const auto& e : history_)
        if (e.seq < total) keep.push_back(e);
    for (const auto& e : tlb_fills_)
        if (e.seq < total) keep.push_back(e);
    std::sort(keep.begin(), keep.end(), [](const emu::Event& a, const emu::Event& b) { return a.seq < b.seq; });
    history_.clear();
    tlb_fills_.clear();
    for (auto& t : tracks_) {
        t.changes.clear();
        t.markers.clear();
    }
    exits_.clear();
    for (const auto& e : keep) add_event(e);
    next_seq_ = total;
    if (selected_ && *selected_ >= total) selected_.reset();
    ++generation_;
}

std::optional<emu::Event> Session::find_event(uint64_t seq) const {
    auto it = std::lower_bound(history_.begin(), history_.end(), seq,
                               [](const emu::Event& e, uint64_t s) { return e.seq < s; });
    if (it != history_.end() && it->seq == seq) return *it;
    for (const auto& e : tlb_fills_)
        if (e.seq == seq) return e;
    return std::nullopt;
}

std::optional<size_t> Session::exit_row_of(uint64_t seq) const {
    if (auto row = exits_.exit_at(seq)) return row;
    auto row = exits_.exit_at(seq + 1);  // seq + 1: only if seq is that exit's trap
    auto e = row ? find_event(seq) : std::nullopt;
    if (e && e->kind == emu::EventKind::Trap && e->cycle == exits().at(*row).exit.cycle && e->hart == exits().at(*row).exit.hart)
        return row;
    return std::nullopt;
}

std::string Session::event_line(const emu::Event& e) const {
    return "[cycle " + std::to_string(e.cycle) + "] hart" + std::to_string(unsigned(e.hart)) + " " +
           emu::describe(e, h_enabled());
}

// ---------------------------------------------------------------- symbols

std::string Session::symbol_at(uint64_t addr) const {
    auto it = std::lower_bound(symbols_.begin(), symbols_.end(), std::make_pair(addr, std::string()));
    return it != symbols_.end() && it->first == addr ? it->second : std::string();
}

std::string Session::symbolize(uint64_t addr) const {
    auto it = std::upper_bound(symbols_.begin(), symbols_.end(), addr,
                               [](uint64_t a, const std::pair<uint64_t, std::string>& s) { return a < s.first; });
    if (it == symbols_.begin()) return {};
    --it;
    const uint64_t off = addr - it->first;
    if (off > 0x10000) return {};
    if (!off) return it->second;
    std::ostringstream o;
    o << it->second << "+0x" << std::hex << off;
    return o.str();
}

std::optional<uint64_t> Session::symbol_address(const std::string& name) const {
    return symbol_image_.symbol(name);
}

// ---------------------------------------------------------------- console

void Session::send_input(const std::string& bytes) {
    for (char c : bytes) m_->console_input(uint8_t(c));
    ++generation_;
    if (idle_) {  // the run that waited for input goes on
        idle_ = false;
        status_ = "running";
    }
}

void Session::log(const std::string& text) {
    log_ += text;
    if (log_.size() > (1u << 20)) log_.erase(0, log_.size() - (1u << 19));
}

}  // namespace gui
