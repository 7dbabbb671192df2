// --idle wall: the host waits while the guest sleeps, so that guest time
// follows the wall clock (emu::Machine::set_idle_pacer asks how much may pass).
#pragma once
#include <chrono>
#include <cstdint>

namespace cli {

// Waits the host time of `cycles` at the hart's clock, but not past `until`,
// and returns early when `input_fd` (-1: none) becomes readable (*input set
// then) or a signal arrives; returns the cycles the wait lasted (at most
// `cycles`). A wait shorter than the host sleeps well is not made.
uint64_t wait_as_guest_sleeps(uint64_t cycles, std::chrono::steady_clock::time_point until, int input_fd, bool* input);

}  // namespace cli
