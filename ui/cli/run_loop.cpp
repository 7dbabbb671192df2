#include "run_loop.hpp"

#include <chrono>

namespace cli {

Outcome run_to_end(emu::Machine& m, const MachineOptions& opt, const std::atomic<bool>* cancel) {
    using clock = std::chrono::steady_clock;
    const auto t0 = clock::now();
    constexpr uint64_t kChunk = 20'000'000;
    uint64_t remaining = opt.max_insns ? opt.max_insns : ~0ull;
    Outcome o;
    emu::StopReason r = emu::StopReason::Limit;
    bool timed_out = false;
    while (remaining > 0) {
        uint64_t chunk = std::min(remaining, kChunk);
        r = m.run(chunk);
        if (r != emu::StopReason::Limit) break;
        remaining -= chunk;
        double s = std::chrono::duration<double>(clock::now() - t0).count();
        if (opt.timeout_s > 0 && s >= opt.timeout_s) { timed_out = true; break; }
        if (cancel && cancel->load()) { timed_out = true; break; }
    }
    o.seconds = std::chrono::duration<double>(clock::now() - t0).count();
    o.instructions = m.instructions();
    o.cycles = m.cycles();
    switch (r) {
    case emu::StopReason::Halted:
        o.guest_code = m.exit_code();
        if (m.exit_code() == 0) {
            o.exit_code = kExitPass;
        } else {
            o.exit_code = kExitFail;
            o.message = m.halt_reason();
        }
        break;
    case emu::StopReason::Idle:
        o.exit_code = kExitIdle;
        o.message = "every hart waits in WFI and no interrupt source is armed to wake it (pc 0x" +
                    [&] { char b[32]; std::snprintf(b, sizeof b, "%llx", (unsigned long long)m.hart(0).pc); return std::string(b); }() + ")";
        break;
    default:
        o.exit_code = kExitLimit;
        if (timed_out)
            o.message = "stopped after " + std::to_string(o.seconds).substr(0, 5) + " s (--timeout), " +
                        std::to_string(o.instructions) + " instructions retired";
        else
            o.message = "stopped after " + std::to_string(opt.max_insns) + " instructions (--max-insns) without finishing";
        break;
    }
    return o;
}

}  // namespace cli
