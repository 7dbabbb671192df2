#include "reverse.hpp"

namespace cli {

GdbStop HistoryReverse::reverse_step(emu::Machine&, unsigned hart) {
    const bool back = h_.back_on_hart(hart, 1) == emu::History::Found::Yes;
    return {back ? GdbStop::Trap : GdbStop::HistoryStart, emu::StopReason::Limit, hart};
}

GdbStop HistoryReverse::reverse_continue(emu::Machine& m) {
    emu::StopReason why = emu::StopReason::Limit;
    if (h_.back_to_stop(&why) == emu::History::Found::Start) return {GdbStop::HistoryStart, emu::StopReason::Limit, 0};
    unsigned hart = why == emu::StopReason::Watchpoint ? m.watch_hit().hart : 0;
    if (why == emu::StopReason::Breakpoint)
        for (unsigned i = 0; i < m.hart_count(); ++i)
            if (m.at_breakpoint(m.hart(i).pc)) { hart = i; break; }
    return {GdbStop::Trap, why, hart};
}

}  // namespace cli
