// The history of snapshots behind reverse execution: bounded by its limits
// (the interval doubles as snapshots merge), and a step it goes back to
// holds what a machine that ran straight to that step holds.
#include <doctest/doctest.h>

#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "emu/commit_log.hpp"
#include "emu/history.hpp"
#include "emu/machine.hpp"
#include "emu/snapshot.hpp"

namespace {
// At 0x80000000: auipc t0,0x10; loop: addi t1,t1,1; srli t2,t1,8;
// andi t2,t2,63; slli t2,t2,12; add t2,t2,t0; sd t1,0(t2); j loop — a
// counter stored to one of 64 pages, the next page every 256 turns, so
// each snapshot's interval stores to other pages (encodings as GNU objdump
// reads them).
constexpr uint32_t kProgram[] = {0x00010297, 0x00130313, 0x00835393, 0x03f3f393,
                                 0x00c39393, 0x005383b3, 0x0063b023, 0xfe9ff06f};
constexpr uint64_t kBase = 0x80000000;

// At 0x80000000: lui t0,0x10000; auipc t3,0x10; loop: lbu t1,5(t0);
// andi t1,t1,1; beqz t1,loop; lbu t2,0(t0); sb t2,0(t3); addi t3,t3,1;
// j loop — every byte the UART receives, stored at 0x80010004 on.
constexpr uint32_t kEcho[] = {0x100002b7, 0x00010e17, 0x0052c303, 0x00137313, 0xfe030ce3,
                              0x0002c383, 0x007e0023, 0x001e0e13, 0xfe9ff06f};
constexpr uint64_t kEchoBuf = kBase + 0x10004;
// The same, sleeping in WFI until the UART interrupts through the PLIC
// (source 10 at priority 1, enabled for hart 0's M context, IER.ERBFI,
// mie.MEIE), claimed and completed after each byte; the bytes go to
// 0x80010034 on. Encodings as GNU objdump reads them.
constexpr uint32_t kWfiEcho[] = {0x0c0002b7, 0x00100313, 0x0262a423, 0x0c0023b7, 0x40000313, 0x0063a023,
                                 0x10000e37, 0x00100313, 0x006e00a3, 0x00001337, 0x8003031b, 0x30432073,
                                 0x0c200fb7, 0x00010e97, 0x10500073, 0x005e4303, 0x00137313, 0xfe030ae3,
                                 0x000e4383, 0x007e8023, 0x001e8e93, 0x004faf03, 0x01efa223, 0xfddff06f};
constexpr uint64_t kWfiEchoBuf = kBase + 0x10034;

template <size_t N> std::unique_ptr<emu::Machine> machine(const uint32_t (&program)[N], unsigned harts = 1) {
    emu::MachineConfig cfg;
    cfg.ram_size = 1 << 20;
    cfg.harts = harts;
    cfg.console = [](uint8_t) {};
    auto m = std::make_unique<emu::Machine>(cfg);
    emu::Image img;
    img.entry = kBase;
    emu::Segment s;
    s.paddr = kBase;
    s.data.resize(sizeof program);
    std::memcpy(s.data.data(), program, sizeof program);
    s.memsz = s.data.size();
    img.segments.push_back(s);
    m->load(img);
    return m;
}
std::unique_ptr<emu::Machine> machine() { return machine(kProgram); }

std::string echoed(emu::Machine& m, uint64_t at = kEchoBuf) {
    char b[8] = {};
    REQUIRE(m.bus().read_block(at, b, 7));
    return b;
}

void same_state(emu::Machine& a, emu::Machine& b) {
    CHECK(a.steps() == b.steps());
    CHECK(a.hart(0).pc == b.hart(0).pc);
    CHECK(a.hart(0).cycle == b.hart(0).cycle);
    CHECK(a.hart(0).instret == b.hart(0).instret);
    for (unsigned i = 0; i < 32; ++i) CHECK(a.hart(0).x[i] == b.hart(0).x[i]);
    CHECK(emu::memory_hash(a) == emu::memory_hash(b));
}
}  // namespace

TEST_CASE("history: within its limits, the interval doubling as snapshots merge") {
    auto m = machine();
    emu::History::Limits lim;
    lim.max_snapshots = 6;
    lim.first_interval = 1000;
    lim.max_bytes = 600 << 10;
    emu::History h(*m, lim);
    m->run(400'000);
    CHECK(h.count() <= 6);
    CHECK(h.interval() > 1000);
    CHECK((h.bytes() <= lim.max_bytes || h.count() <= 2));
    CHECK(h.start() == 0);

    const uint64_t back = 23'457;
    h.seek(back);
    auto straight = machine();
    straight->run(back);
    same_state(*m, *straight);

    // Forward again from there, and back once more, past a snapshot.
    m->run(50'000);
    straight->run(50'000);
    same_state(*m, *straight);
    h.seek(100'001);
    auto again = machine();
    again->run(100'001);
    same_state(*m, *again);
}

TEST_CASE("history: back to the latest time a hart was about to execute a pc") {
    auto m = machine();
    emu::History h(*m, {64 << 20, 16, 500});
    m->run(10'000);
    // The sd at kBase + 0x18 runs once per loop of 7 instructions after the auipc.
    REQUIRE(h.back_to_pc(kBase + 0x18) == emu::History::Found::Yes);
    CHECK(m->hart(0).pc == kBase + 0x18);
    CHECK(m->steps() < 10'000);
    CHECK(m->steps() > 10'000 - 7);
    auto straight = machine();
    straight->run(m->steps());
    same_state(*m, *straight);
    // Nothing before the first instruction: the start of the history.
    CHECK(h.back_to_pc(kBase + 0x100) == emu::History::Found::Start);
    CHECK(m->steps() == 0);
}

TEST_CASE("history: console input is delivered again at the step it came") {
    auto m = machine(kEcho);
    emu::History h(*m, {64 << 20, 16, 400});
    m->run(1000);
    m->console_input('a');
    m->run(1000);
    m->console_input('b');
    m->run(1000);
    REQUIRE(echoed(*m) == "ab");
    auto want = machine(kEcho);
    want->run(1000);
    want->console_input('a');
    want->run(1000);
    want->console_input('b');
    want->run(1000);

    h.seek(500);  // before both
    CHECK(echoed(*m) == "");
    m->run(2500);
    CHECK(echoed(*m) == "ab");
    same_state(*m, *want);

    // New input after going back: the run leaves the recorded one.
    h.seek(1500);
    CHECK(echoed(*m) == "a");
    m->console_input('c');
    m->run(1500);
    CHECK(echoed(*m) == "ac");
}

TEST_CASE("history: input that came while the hart idled is replayed on the cycle it came") {
    auto m = machine(kWfiEcho);
    emu::History h(*m, {64 << 20, 16, 100});
    REQUIRE(m->run(10'000) == emu::StopReason::Idle);  // in WFI, nothing armed
    const uint64_t slept = m->hart(0).cycle;
    // Host time passes (a front end polls the terminal): idle rounds move the cycles on.
    for (int i = 0; i < 3; ++i) CHECK(m->run(1000) == emu::StopReason::Idle);
    CHECK(m->hart(0).cycle > slept);
    m->console_input('x');
    CHECK(m->run(1000) == emu::StopReason::Idle);
    REQUIRE(echoed(*m, kWfiEchoBuf) == "x");
    const uint64_t steps = m->steps(), cycle = m->hart(0).cycle, hash = emu::memory_hash(*m);
    uint64_t x[32];
    std::memcpy(x, m->hart(0).x, sizeof x);

    h.seek(5);
    CHECK(echoed(*m, kWfiEchoBuf) == "");
    CHECK(m->run(10'000) == emu::StopReason::Idle);  // the input is delivered on the way
    CHECK(echoed(*m, kWfiEchoBuf) == "x");
    CHECK(m->steps() == steps);
    CHECK(m->hart(0).cycle == cycle);
    CHECK(emu::memory_hash(*m) == hash);
    for (unsigned i = 0; i < 32; ++i) CHECK(m->hart(0).x[i] == x[i]);
}

TEST_CASE("history: one instruction back on one hart of two (gdb's reverse-stepi on a thread)") {
    auto m = machine(kProgram, 2);
    emu::History h(*m, {64 << 20, 16, 700});
    m->run(20'000);
    for (unsigned hart : {1u, 0u}) {
        const uint64_t mine = m->hart_steps(hart), others = m->hart_steps(1 - hart);
        REQUIRE(h.back_on_hart(hart, 1) == emu::History::Found::Yes);
        CHECK(m->hart_steps(hart) == mine - 1);
        CHECK(m->hart_steps(1 - hart) <= others);
        auto straight = machine(kProgram, 2);
        straight->run(m->steps());
        same_state(*m, *straight);
        CHECK(straight->hart(1).pc == m->hart(1).pc);
        CHECK(straight->hart(1).cycle == m->hart(1).cycle);
        // The very next step is that hart's.
        m->run(1);
        CHECK(m->hart_steps(hart) == mine);
    }
}

TEST_CASE("history: a register written by hand stays written when the run is replayed") {
    auto m = machine();
    emu::History h(*m, {64 << 20, 16, 1000});
    m->run(3500);
    m->hart(0).x[10] = 0x1234;  // a0: the program never touches it
    h.changed();
    m->run(2000);
    h.seek(4000);
    CHECK(m->hart(0).x[10] == 0x1234);
    h.seek(3000);
    CHECK(m->hart(0).x[10] == 0);
}

TEST_CASE("history: going back does not write the replayed instructions to the commit log again") {
    const auto path = std::filesystem::temp_directory_path() / ("history-commits-" + std::to_string(getpid()) + ".log");
    std::vector<std::string> lines;
    {
        std::string err;
        auto log = emu::CommitLog::open(path.string(), err);
        REQUIRE(log);
        auto m = machine();
        m->set_commit_log(log.get());
        emu::History h(*m, {64 << 20, 16, 1000});
        m->run(2500);
        h.seek(1200);    // replays from the snapshot at step 1000
        CHECK(h.back_to_pc(kBase + 0x18) == emu::History::Found::Yes);
        const uint64_t from = m->steps();
        m->run(30);      // forward again: these are logged, once
        log->flush();
        std::ifstream f(path);
        for (std::string l; std::getline(f, l);) lines.push_back(l);
        REQUIRE(lines.size() == 2500 + 30);
        for (unsigned k = 0; k < 30; ++k) CHECK(lines[2500 + k] == lines[from + k]);
        m->set_commit_log(nullptr);
    }
    std::filesystem::remove(path);
}
