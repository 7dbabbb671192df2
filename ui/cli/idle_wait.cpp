#include "idle_wait.hpp"

#include <poll.h>

#include <algorithm>
#include <ctime>

#include "emu/hart.hpp"

namespace cli {

uint64_t wait_as_guest_sleeps(uint64_t cycles, std::chrono::steady_clock::time_point until, int input_fd, bool* input) {
    using namespace std::chrono;
    constexpr double kNsPerCycle = 1e9 / double(emu::CycleModel::kHartHz);
    const double wanted_ns = double(cycles) * kNsPerCycle;
    if (wanted_ns < 50'000) return cycles;  // below what nanosleep keeps to
    const auto t0 = steady_clock::now();
    const auto end = std::min(t0 + nanoseconds(uint64_t(std::min(wanted_ns, 1e15))), until);
    if (end > t0) {
        const auto ns = duration_cast<nanoseconds>(end - t0).count();
        struct timespec ts = {time_t(ns / 1'000'000'000), long(ns % 1'000'000'000)};
        if (input_fd >= 0) {
            struct pollfd p = {input_fd, POLLIN, 0};
            if (ppoll(&p, 1, &ts, nullptr) > 0 && input) *input = true;
        } else {
            nanosleep(&ts, nullptr);  // a signal ends it early
        }
    }
    const double slept_ns = double(duration_cast<nanoseconds>(steady_clock::now() - t0).count());
    return std::min(cycles, uint64_t(slept_ns / kNsPerCycle));
}

}  // namespace cli
