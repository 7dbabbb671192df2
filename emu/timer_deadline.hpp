// When a timer comparison becomes true. The privileged spec's timer
// interrupts are levels: MTIP is mtime >= mtimecmp, STIP (Sstc) is
// time >= stimecmp, VSTIP is (time + htimedelta) mod 2^64 >= vstimecmp,
// all unsigned. A hart's time moves one tick every cycles_per_tick cycles
// (time = cycle / cycles_per_tick + an offset the guest may have set), so
// a comparison that is false now (t < cmp) holds after exactly cmp - t more
// ticks; that difference cannot wrap, however large t or cmp are or however
// htimedelta wrapped the sum.
#pragma once

#include <cstdint>

namespace emu {

struct TimerDeadline {
    enum Kind : uint8_t {
        Now,    // the comparison holds already: the interrupt is pending
        At,     // it holds from `cycle` on
        Never,  // not before the cycle count itself would wrap
    };
    Kind kind;
    uint64_t cycle;  // for At: the first cycle whose time reaches cmp
};

// `cycle`: the hart's cycle count now; `time` and `delta`: the comparison
// reads time + delta (delta = htimedelta for vstimecmp, 0 otherwise);
// `cycles_per_tick` >= 1.
constexpr TimerDeadline timer_deadline(uint64_t cycle, uint64_t time, uint64_t delta, uint64_t cmp,
                                       uint64_t cycles_per_tick) {
    const uint64_t t = time + delta;
    if (t >= cmp) return {TimerDeadline::Now, cycle};
    const uint64_t ticks = cmp - t;
    const uint64_t tick_start = cycle - cycle % cycles_per_tick;
    if (ticks > (~0ull - tick_start) / cycles_per_tick) return {TimerDeadline::Never, 0};
    return {TimerDeadline::At, tick_start + ticks * cycles_per_tick};
}

}  // namespace emu
