#include "run_loop.hpp"

#include <chrono>
#include <cstdio>
#include <ctime>
#include <memory>

#include "console.hpp"
#include "gdb_stub.hpp"
#include "idle_wait.hpp"
#include "stop_signal.hpp"

namespace cli {

std::function<void(uint8_t)> stdout_console(std::string until_output, emu::Machine* const* machine) {
    auto tail = std::make_shared<std::string>();
    return [until_output = std::move(until_output), machine, tail](uint8_t b) {
        std::fputc(b, stdout);
        if (b == '\n') std::fflush(stdout);
        if (until_output.empty()) return;
        tail->push_back(char(b));
        if (tail->size() > until_output.size()) tail->erase(0, tail->size() - until_output.size());
        if (*tail == until_output && *machine) {
            std::fflush(stdout);
            (*machine)->halt(0, "printed '" + until_output + "'");
        }
    };
}

Outcome run_to_end(emu::Machine& m, const MachineOptions& opt, const std::atomic<bool>* cancel, Console* console,
                   GdbStub* gdb, bool wait_for_gdb, const std::function<Between(double)>& between, bool serving) {
    using clock = std::chrono::steady_clock;
    const auto t0 = clock::now();
    // Slices short enough that typed input reaches the guest promptly.
    const uint64_t kChunk = console && console->input_open() ? 2'000'000 : 20'000'000;
    uint64_t remaining = opt.max_insns ? opt.max_insns : ~0ull;
    Outcome o;
    emu::StopReason r = emu::StopReason::Limit;
    bool timed_out = false, left = false, killed = false, quit = false;
    bool waiting = gdb && wait_for_gdb;
    if (waiting) std::fprintf(stderr, "stepvisor: waiting for gdb on localhost:%u\n", unsigned(gdb->port()));
    auto since_start = [&] { return std::chrono::duration<double>(clock::now() - t0).count(); };
    auto over = [&] {
        const double s = since_start();
        return (opt.timeout_s > 0 && s >= opt.timeout_s) || (cancel && cancel->load()) || stop_signal();
    };
    // Control comes back every few tens of milliseconds whatever the guest
    // does (sleeps in WFI, traps in a loop, retires nothing), so the limits,
    // the console's escape and the debugger are always heard.
    // A debugger decides itself where a run stops.
    if (!gdb) m.set_trap_loop_limit(opt.trap_loop);
    auto slice_t0 = clock::now();
    constexpr auto kSlice = std::chrono::milliseconds(20);
    bool typed = false;  // input came while the host waited for a sleeping guest
    emu::Machine::ScopedYield yield(m, [&] { return stop_signal() || typed || clock::now() - slice_t0 >= kSlice; });
    // --idle wall: while the guest sleeps the host waits as long, within the slice.
    const bool wall = opt.idle == IdleMode::Wall || (opt.idle == IdleMode::Auto && console && console->terminal());
    emu::Machine::ScopedIdlePacer pacer(m, !wall ? nullptr : std::function<uint64_t(uint64_t)>([&](uint64_t cycles) {
        return wait_as_guest_sleeps(cycles, slice_t0 + kSlice, console && console->input_open() ? 0 : -1, &typed);
    }));
    while (remaining > 0) {
        if (gdb && (gdb->accept(waiting ? 100 : 0) || waiting)) {
            // A debugger is connected (or awaited): it says when the machine runs.
            waiting = waiting && !gdb->connected();
            slice_t0 = clock::now();
            const uint64_t n = gdb->service(gdb->running() ? 0 : 100, std::min(remaining, kChunk / 20));
            remaining -= n;
            std::fflush(stdout);
            if (console && !console->pump(m)) { left = true; break; }
            if (gdb->killed()) { killed = true; break; }
            if (m.halted()) { r = emu::StopReason::Halted; gdb->machine_halted(m.exit_code()); break; }
            if (over()) { timed_out = true; break; }
            continue;
        }
        // With a stub or a socket: notice gdb and management clients promptly.
        uint64_t chunk = std::min(remaining, gdb || serving ? kChunk / 20 : kChunk);
        slice_t0 = clock::now();
        typed = false;
        r = m.run(chunk);
        remaining -= std::min(remaining, m.last_run_instructions());
        std::fflush(stdout);  // a prompt without a newline must reach the user now
        if (console && !console->pump(m)) { left = true; break; }
        Between b = between ? between(since_start()) : Between::Run;
        while (b == Between::Pause && !over()) {
            if (console && !console->pump(m)) { left = true; break; }
            if (console && console->input_open()) {
                console->wait_for_input(5);
            } else {
                struct timespec ts = {0, 5'000'000};
                nanosleep(&ts, nullptr);
            }
            b = between(since_start());
        }
        if (left) break;
        if (b == Between::Quit) { quit = true; break; }
        if (m.halted()) r = emu::StopReason::Halted;
        const bool late = over();
        if (r == emu::StopReason::Idle && console && console->input_open() && !late) {
            console->wait_for_input(20);  // nothing runs until a key arrives
            continue;
        }
        if (r == emu::StopReason::Idle && serving && !late) {
            struct timespec ts = {0, 5'000'000};  // nothing runs until a command or a key
            nanosleep(&ts, nullptr);
            continue;
        }
        if (r != emu::StopReason::Limit) break;
        if (late) { timed_out = true; break; }
    }
    if (remaining == 0 && r != emu::StopReason::Halted && r != emu::StopReason::TrapLoop) r = emu::StopReason::Limit;
    o.seconds = std::chrono::duration<double>(clock::now() - t0).count();
    o.instructions = m.instructions_since_power_on();
    o.cycles = m.cycles_since_power_on();
    if (left || killed) {
        o.exit_code = kExitPass;
        o.message = left ? "left at the user's request (Ctrl-A X)" : "killed from gdb";
        return o;
    }
    if (const int sig = stop_signal(); sig && r != emu::StopReason::Halted) {
        o.exit_code = 128 + sig;
        o.message = "stopped by " + signal_name(sig) + " after " + std::to_string(o.seconds).substr(0, 5) + " s, " +
                    std::to_string(o.instructions) + " instructions retired";
        if (gdb) gdb->limit_reached(o.message);
        return o;
    }
    if (quit) {
        o.exit_code = kExitPass;
        o.message = "quit through the management socket";
        return o;
    }
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
        o.message = m.idle_text();
        break;
    case emu::StopReason::TrapLoop:
        o.exit_code = kExitFail;
        o.message = emu::describe(*m.trap_loop(), m.config().isa.has(isa::Ext::H));
        break;
    default:
        o.exit_code = kExitLimit;
        if (timed_out)
            o.message = "stopped after " + std::to_string(o.seconds).substr(0, 5) + " s (--timeout), " +
                        std::to_string(o.instructions) + " instructions retired";
        else
            o.message = "stopped after " + std::to_string(opt.max_insns) + " instructions (--max-insns) without finishing, " +
                        std::to_string(o.instructions) + " retired";
        if (gdb) gdb->limit_reached(o.message);
        break;
    }
    return o;
}

}  // namespace cli
