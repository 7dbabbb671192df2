// Debugger watchpoints and breakpoints of the Machine (what the gdb stub's
// Z0-Z4 packets set): a watched store stops the hart before it, with pc on
// the store and memory untouched, and goes through once resumed.
#include <doctest/doctest.h>

#include <cstring>

#include "emu/machine.hpp"

namespace {
// At 0x80000000 (M-mode, physical): auipc t0,0x1; li t1,42; sw t1,0(t0);
// lw t2,0(t0); j . (encodings as GNU objdump reads them).
constexpr uint32_t kProgram[] = {0x00001297, 0x02a00313, 0x0062a023, 0x0002a383, 0x0000006f};
constexpr uint64_t kBase = 0x80000000, kData = 0x80001000;

std::unique_ptr<emu::Machine> machine() {
    emu::MachineConfig cfg;
    cfg.ram_size = 1 << 20;
    auto m = std::make_unique<emu::Machine>(cfg);
    emu::Image img;
    img.entry = kBase;
    emu::Segment s;
    s.paddr = kBase;
    s.data.resize(sizeof kProgram);
    std::memcpy(s.data.data(), kProgram, sizeof kProgram);
    s.memsz = s.data.size();
    img.segments.push_back(s);
    m->load(img);
    return m;
}

uint32_t word_at(emu::Machine& m, uint64_t pa) {
    uint32_t v = 0;
    REQUIRE(m.bus().read_block(pa, &v, 4));
    return v;
}
}  // namespace

TEST_CASE("watchpoint: a store stops before it, resumed it goes through") {
    auto m = machine();
    m->add_watchpoint({kData, 4, emu::WatchKind::Write});
    CHECK(m->run(1000) == emu::StopReason::Watchpoint);
    CHECK(m->hart(0).pc == kBase + 8);  // on the sw
    CHECK(word_at(*m, kData) == 0);     // not written yet
    CHECK(m->watch_hit().addr == kData);
    CHECK(m->watch_hit().watch.kind == emu::WatchKind::Write);
    CHECK(m->run(1) == emu::StopReason::Limit);  // the sw itself, not stopped again
    CHECK(m->hart(0).pc == kBase + 12);
    CHECK(word_at(*m, kData) == 42);
    // The load is no write: nothing more stops the run.
    CHECK(m->run(100) == emu::StopReason::Limit);
    CHECK(m->hart(0).x[7] == 42);
}

TEST_CASE("watchpoint: read watches loads only, by overlap with the range") {
    auto m = machine();
    m->add_watchpoint({kData + 3, 1, emu::WatchKind::Read});
    CHECK(m->run(1000) == emu::StopReason::Watchpoint);
    CHECK(m->hart(0).pc == kBase + 12);  // the lw, past the sw
    CHECK(m->watch_hit().addr == kData + 3);
    CHECK(m->hart(0).x[7] == 0);
    CHECK(m->remove_watchpoint({kData + 3, 1, emu::WatchKind::Read}));
    CHECK_FALSE(m->remove_watchpoint({kData + 3, 1, emu::WatchKind::Read}));
    CHECK(m->run(100) == emu::StopReason::Limit);
    CHECK(m->hart(0).x[7] == 42);
}

TEST_CASE("watchpoint: the cycle count of a stopped run equals the one without it") {
    auto a = machine(), b = machine();
    b->add_watchpoint({kData, 8, emu::WatchKind::Access});
    CHECK(b->run(1000) == emu::StopReason::Watchpoint);
    b->remove_watchpoint({kData, 8, emu::WatchKind::Access});
    CHECK(a->run(50) == emu::StopReason::Limit);
    CHECK(b->run(50 - b->instructions()) == emu::StopReason::Limit);
    CHECK(a->hart(0).cycle == b->hart(0).cycle);
    CHECK(a->hart(0).pc == b->hart(0).pc);
}

TEST_CASE("debugger memory writes reach RAM and the decoded code") {
    auto m = machine();
    CHECK(m->run(2) == emu::StopReason::Limit);  // the code is decoded and cached now
    const uint32_t li_t1_7 = 0x00700313;         // li t1,7 over li t1,42
    REQUIRE(m->hart(0).debug_write_virt(kBase + 4, &li_t1_7, 4));
    m->hart(0).pc = kBase + 4;
    CHECK(m->run(1) == emu::StopReason::Limit);
    CHECK(m->hart(0).x[6] == 7);
}
