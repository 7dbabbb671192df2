#include "trap_loop.hpp"

#include "isa/causes.hpp"
#include "isa/disasm.hpp"
#include "isa/hex.hpp"

namespace emu {

namespace {
bool same_mode(const Event& e) { return e.from_priv == e.to_priv && e.from_v == e.to_v; }
bool same_trap(const Event& a, const Event& b) {
    return a.pc == b.pc && a.cause == b.cause && a.from_priv == b.from_priv && a.from_v == b.from_v;
}
}  // namespace

bool TrapLoopDetector::observe(const Event& e) {
    if (!limit_ || found_) return false;
    if (e.kind == EventKind::Reset) {
        chains_.clear();
        return false;
    }
    if (e.hart >= chains_.size()) chains_.resize(size_t(e.hart) + 1);
    Chain& c = chains_[e.hart];
    if (e.kind == EventKind::Xret || e.kind == EventKind::Interrupt) {
        c = Chain{};
        return false;
    }
    if (e.kind != EventKind::Trap) return false;
    const unsigned to = EventLog::mode_index(e.to_priv, e.to_v);
    if (!c.entered[to]) {
        c.entered[to] = true;
        c.entry[to] = e;
    }
    if (!c.open) {
        c.open = true;
        c.run = same_mode(e);
        c.retired = 0;
    } else {
        // The trapping instruction does not retire, so `between` is the
        // handler's path from its vector to the instruction that trapped.
        const uint64_t between = e.instret - c.last.instret;
        const bool again = same_mode(e) && same_trap(e, c.last) && between <= kMaxHandlerPath &&
                           (c.run < 2 || between == c.retired);
        if (again) {
            ++c.run;
            c.retired = between;
        } else {
            c.run = same_mode(e);
            c.retired = 0;
        }
    }
    c.last = e;
    if (c.run < limit_) return false;
    found_ = TrapLoop{c.entry[to], e, c.run, c.retired, std::nullopt};
    return true;
}

std::string describe(const TrapLoop& t, bool h) {
    auto cause = [](const Event& e) {
        std::string_view n = isa::cause_name(e.cause, false);
        return n.empty() ? "cause " + std::to_string(e.cause) : std::string(n);
    };
    auto mode = [h](const Event& e) { return std::string(priv_name(e.from_priv, e.from_v, h)) + "-mode"; };
    std::string s = "hart " + std::to_string(t.first.hart) + " trap loop from " + cause(t.first) + " at pc " +
                    isa::hex(t.first.pc) + " in " + mode(t.first);
    if (t.first_insn) {
        std::string text = isa::disassemble(isa::decode(*t.first_insn), t.first.pc);
        for (char& ch : text)
            if (ch == '\t') ch = ' ';
        s += " (" + isa::hex(*t.first_insn) + ": " + text + ")";
    }
    if (t.first.tval && t.first.cause != ILLEGAL_INSTRUCTION && t.first.cause != VIRTUAL_INSTRUCTION)
        s += " tval " + isa::hex(t.first.tval);
    s += ": its handler then took " + cause(t.repeated) + " at pc " + isa::hex(t.repeated.pc) + " " +
         std::to_string(t.count) + " times in a row (" + mode(t.repeated) + " to " + mode(t.repeated) + ", " +
         std::to_string(t.retired) + " instructions retired between each, no handler returning)";
    return s;
}

}  // namespace emu
