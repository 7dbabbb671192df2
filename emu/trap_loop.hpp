// A hart caught in a trap loop that makes no progress: its trap handler
// faults on its own way in, again and again, so the program would run
// until a limit without ever reporting. riscv-tests' `v` environment does
// this when its M-mode code uses an extension that is off: the illegal
// instruction enters `trap_vector`, whose `j wtf` reaches a prologue that
// stores to a stack it does not have, and that store's fault enters
// `trap_vector` again, forever.
//
// The rule, read from the event log (so it costs nothing on the hot path):
// `limit` traps in a row on one hart with the same pc, cause and mode, each
// taken from the mode it goes to, with no xRET, interrupt or reset between
// them, and the same number of instructions (at most kMaxHandlerPath)
// retired between each two, i.e. only the handler's own way from its vector
// to the instruction that faults again. A handler that returns (xRET),
// anything that takes an interrupt (timer-driven code), a trap into another
// mode (U to S, VS to HS: hv, Linux) or a handler doing different work each
// time breaks the run. The trap reported first is the one that began the
// loop: the first trap into the loop's mode since the hart last returned
// from a handler (riscv-tests: the S-mode sh2add's trap into M-mode, not
// the U-mode page fault whose S-mode handler was running it).
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "events.hpp"

namespace emu {

struct TrapLoop {
    Event first;            // the trap that began it: the first into the loop's mode since an xRET
    Event repeated;         // the trap the loop repeats (its last occurrence)
    uint64_t count = 0;     // times it was taken in a row
    uint64_t retired = 0;   // instructions retired between each two
    std::optional<uint32_t> first_insn;  // the encoding at first.pc, when it could be read
};

class TrapLoopDetector {
public:
    static constexpr uint64_t kDefaultLimit = 1000;
    static constexpr uint64_t kMaxHandlerPath = 64;

    // 0: off.
    void set_limit(uint64_t n) { limit_ = n; chains_.clear(); found_.reset(); }
    uint64_t limit() const { return limit_; }
    // True when `e` completes a loop (found() then holds it).
    bool observe(const Event& e);
    const std::optional<TrapLoop>& found() const { return found_; }
    std::optional<TrapLoop>& found() { return found_; }

private:
    struct Chain {
        bool open = false;  // a trap was taken since the last xRET / interrupt
        // The first trap into each mode (EventLog::mode_index) since then.
        Event entry[5];
        bool entered[5] = {};
        Event last;
        uint64_t run = 0;   // identical same-mode traps in a row ending at `last`
        uint64_t retired = 0;
    };
    uint64_t limit_ = 0;
    std::vector<Chain> chains_;  // per hart
    std::optional<TrapLoop> found_;
};

// One line, the first trap first: "hart 0 trap loop from illegal instruction
// at pc 0x80002200 in M-mode (0x20b54533: sh2add a0,a0,a1): its handler then
// took store/AMO access fault at pc 0x800022c0 1000 times in a row (...)".
std::string describe(const TrapLoop& t, bool h_enabled);

}  // namespace emu
