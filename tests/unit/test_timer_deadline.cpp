// emu::timer_deadline: when mtimecmp, stimecmp or vstimecmp (against
// time + htimedelta modulo 2^64) becomes true, per the privileged spec's
// unsigned comparisons. The expected cycles are worked out by hand: the
// comparison holds once time has moved cmp - (time + delta) ticks, and a
// tick starts on each multiple of cycles_per_tick.
#include <doctest/doctest.h>

#include "emu/timer_deadline.hpp"

using emu::TimerDeadline;
using emu::timer_deadline;

namespace {
constexpr uint64_t kMax = ~0ull;
constexpr uint64_t neg(uint64_t v) { return 0 - v; }  // two's complement, as software writes -x

void check_at(TimerDeadline d, uint64_t cycle) {
    CHECK(d.kind == TimerDeadline::At);
    CHECK(d.cycle == cycle);
}
}  // namespace

TEST_CASE("timer deadline: ~0 is never reached") {
    CHECK(timer_deadline(0, 0, 0, kMax, 100).kind == TimerDeadline::Never);
    CHECK(timer_deadline(123456, 1234, 0, kMax, 100).kind == TimerDeadline::Never);
    // Linux KVM's vCPU load: htimedelta = -time, vstimecmp = ~0.
    CHECK(timer_deadline(1'000'000, 10'000, neg(10'000), kMax, 100).kind == TimerDeadline::Never);
    CHECK(timer_deadline(5'000'000'000, 50'000'000, neg(12'345), kMax, 100).kind == TimerDeadline::Never);
}

TEST_CASE("timer deadline: time + htimedelta wraps modulo 2^64") {
    // time 10000, htimedelta -9000: the guest's time is 1000; vstimecmp 1500 is 500 ticks away.
    check_at(timer_deadline(1'000'000, 10'000, neg(9'000), 1'500, 100), 1'000'000 + 500 * 100);
    // The guest's time already past its compare value: pending now.
    CHECK(timer_deadline(1'000'000, 10'000, neg(9'000), 999, 100).kind == TimerDeadline::Now);
    // htimedelta that makes the sum wrap to 50; vstimecmp 60 is 10 ticks away.
    check_at(timer_deadline(2'000, 20, kMax - 19 + 50, 60, 100), 2'000 + 10 * 100);
    // The sum just below 2^64 is at or past every smaller compare value.
    CHECK(timer_deadline(2'000, 20, kMax - 120 + 1, 10, 100).kind == TimerDeadline::Now);
    CHECK(timer_deadline(2'000, 20, kMax - 120 + 1, kMax - 100, 100).kind == TimerDeadline::Now);
    // ... and 99 ticks short of ~0.
    check_at(timer_deadline(2'000, 20, kMax - 120 + 1, kMax, 100), 2'000 + 99 * 100);
}

TEST_CASE("timer deadline: in the past or exactly now is pending now") {
    const TimerDeadline past = timer_deadline(777, 500, 0, 100, 100);
    CHECK(past.kind == TimerDeadline::Now);
    CHECK(past.cycle == 777);
    CHECK(timer_deadline(777, 500, 0, 500, 100).kind == TimerDeadline::Now);
    CHECK(timer_deadline(0, 0, 0, 0, 100).kind == TimerDeadline::Now);  // compare value 0: always
    CHECK(timer_deadline(0, kMax, 0, kMax, 1).kind == TimerDeadline::Now);
}

TEST_CASE("timer deadline: the first cycle of the tick that reaches the compare value") {
    // One tick away, from the start, the middle and the last cycle of a tick.
    check_at(timer_deadline(12'300, 123, 0, 124, 100), 12'400);
    check_at(timer_deadline(12'345, 123, 0, 124, 100), 12'400);
    check_at(timer_deadline(12'399, 123, 0, 124, 100), 12'400);
    check_at(timer_deadline(12'399, 123, 0, 126, 100), 12'600);
    // One cycle per tick: time moves with every cycle.
    check_at(timer_deadline(7, 7, 0, 8, 1), 8);
    check_at(timer_deadline(7, 7, 0, 1'007, 1), 1'007);
    // A time the guest moved away from cycle / cycles_per_tick (mtime written).
    check_at(timer_deadline(250, 9'000'000, 0, 9'000'003, 100), 500);
}

TEST_CASE("timer deadline: near the end of the cycle count") {
    // 2^64 - 150 lies 66 cycles into a tick: its tick starts at 2^64 - 216.
    const uint64_t c = kMax - 149;
    check_at(timer_deadline(c, 0, 0, 1, 100), kMax - 215 + 100);
    check_at(timer_deadline(c, 0, 0, 2, 100), kMax - 215 + 200);
    CHECK(timer_deadline(c, 0, 0, 3, 100).kind == TimerDeadline::Never);
    // Huge tick counts: fit exactly, or one tick too many.
    check_at(timer_deadline(0, 0, 0, kMax, 1), kMax);
    check_at(timer_deadline(1, 1, 0, kMax, 1), kMax);
    CHECK(timer_deadline(0, 0, 0, kMax / 100 + 1, 100).kind == TimerDeadline::Never);
    check_at(timer_deadline(0, 0, 0, kMax / 100, 100), kMax / 100 * 100);
}
