// Reverse execution: periodic in-memory snapshots of a running machine and
// deterministic replay between them. Going back to step N restores the
// latest snapshot at or before N and runs forward to N with the console
// muted; since the machine is deterministic and console input is replayed
// from the machine's input log at the step it arrived, that is the state
// the run had at step N.
//
// A snapshot keeps the machine's state (Machine::save_state without the
// event ring), which code slots are decoded, and the pages stored to since
// the snapshot before it (the first: every page that is not zero). Memory
// stays bounded: past a count or a byte limit every other snapshot is
// merged into its successor and the interval doubles, up to kMaxInterval;
// beyond that the oldest go, and the history starts later.
#pragma once
#include <cstdint>
#include <memory>
#include <unordered_map>
#include <vector>

#include "events.hpp"

namespace emu { enum class StopReason; }

namespace emu {

class Machine;

class History {
public:
    struct Limits {
        uint64_t max_bytes = 512ull << 20;
        unsigned max_snapshots = 128;
        uint64_t first_interval = 1ull << 20;  // steps
    };
    static constexpr uint64_t kMaxInterval = 16ull << 20;

    // Attaches to the machine and takes the first snapshot now.
    History(Machine& m, Limits limits);
    explicit History(Machine& m) : History(m, Limits{}) {}
    ~History();
    History(const History&) = delete;
    History& operator=(const History&) = delete;

    // The machine's run calls these (Machine::run).
    void at_step(Machine& m);
    uint64_t steps_to_next(const Machine& m) const;

    // The machine was changed by hand at the present (a debugger wrote a
    // register or memory): a snapshot now, so going back and forward again
    // keeps the change.
    void changed() {
        if (!replaying_) take();
    }
    // Forgets everything and starts again from the machine's state now
    // (after a snapshot was loaded, or the machine was changed by hand).
    void restart();

    uint64_t start() const;  // the earliest step it can go back to
    // Back (or forward) to step n, start() <= n; beyond the present it runs on.
    void seek(uint64_t n);
    // Back to the first step at which the machine's cycle count (since power-on)
    // has reached `cycle`; at the latest, where it is now.
    void seek_cycle(uint64_t cycle);
    // The latest state before the present in which `stop` holds, found by
    // replaying from each snapshot in turn (newest first); false (and at
    // start()) when there is none. `stop` is called before every step with
    // the machine positioned there (the predicates are cheap).
    enum class Found { Yes, Start };
    // As a forward `until KIND` stops just after the event: the latest such
    // stop before the present.
    Found back_to_event(EventKind k);
    // The latest step before the present at which a hart is about to execute pc.
    Found back_to_pc(uint64_t pc);
    // The latest breakpoint or watchpoint stop before the present (the
    // machine's own breakpoints and watchpoints).
    Found back_to_stop(StopReason* why = nullptr);
    // Back to just before `hart`'s n-th last instruction.
    Found back_on_hart(unsigned hart, uint64_t n);

    struct Mark {
        uint64_t step, cycle;
    };
    std::vector<Mark> marks() const;
    size_t count() const { return snaps_.size(); }
    uint64_t bytes() const { return bytes_; }
    uint64_t interval() const { return interval_; }
    const Limits& limits() const { return limits_; }

private:
    struct Snap {
        uint64_t step = 0, cycle = 0, events = 0;
        uint64_t counts[size_t(EventKind::Count)] = {};
        std::vector<uint64_t> hart_steps;
        size_t next_input = 0;
        std::vector<uint8_t> state, decoded;
        std::unordered_map<uint64_t, std::unique_ptr<uint8_t[]>> pages;  // key: region << 40 | page
        uint64_t bytes = 0;
    };
    void take();
    void enforce_limits();
    void merge_into_next(size_t k);
    void restore(size_t k);
    void truncate_after(size_t k);
    const uint8_t* page_at(size_t k, uint64_t key) const;
    size_t latest_at_or_before(uint64_t step) const;
    // Runs from the machine's position to step `to` with every stop condition
    // of the debugger put aside.
    void replay_to(uint64_t to);
    // Replays from snapshot k up to step `end` with the stops `arm` sets and
    // returns the last one before `end` (step ~0: none).
    struct Stop { uint64_t step = ~0ull; bool watch = false; };
    template <typename F> Stop last_stop(size_t k, uint64_t end, F&& arm);

    Machine& m_;
    Limits limits_;
    std::vector<std::unique_ptr<Snap>> snaps_;
    uint64_t interval_;
    uint64_t next_due_ = 0;
    uint64_t bytes_ = 0;
    bool replaying_ = false;
    size_t base_ = 0;  // the snapshot the memory's dirty tracking counts from
};

}  // namespace emu
