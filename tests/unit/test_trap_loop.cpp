// The trap-loop detector (emu/trap_loop.hpp) on small M-mode programs: the
// riscv-tests `v` environment's shape is caught and reported by the trap
// that began it; handlers that return, or do different work each time, are
// left alone. Encodings as GNU as 2.40 assembles them (-march=rv64gc_zba,
// .option norvc), linked at 0x80000000.
#include <doctest/doctest.h>

#include <cstring>

#include "emu/machine.hpp"

namespace {
constexpr uint64_t kBase = 0x80000000;

// la t0,vec; csrw mtvec,t0; lui sp,0x40000 (no memory there); sh2add a0,a0,a1
// (illegal without Zba); j . ; vec: j 1f; 1: addi sp,sp,-16; sd ra,8(sp); j .
constexpr uint32_t kFaultingHandler[] = {0x00000297, 0x01828293, 0x30529073, 0x40000137, 0x20b54533,
                                         0x0000006f, 0x0040006f, 0xff010113, 0x00113423, 0x0000006f};
// la t0,vec; csrw mtvec,t0; li a1,5000; loop: sh2add a0,a0,a1; addi a2,a2,1;
// blt a2,a1,loop; j . ; vec: csrr t0,mepc; addi t0,t0,4; csrw mepc,t0; mret
constexpr uint32_t kReturningHandler[] = {0x00000297, 0x02428293, 0x30529073, 0x000015b7, 0x3885859b, 0x20b54533,
                                          0x00160613, 0xfeb64ce3, 0x0000006f, 0x341022f3, 0x00428293, 0x34129073,
                                          0x30200073};
// la t0,vec; csrw mtvec,t0; lui a0,0x40000; li a1,1500; lw t1,0(a0); j . ;
// vec: addi a2,a2,1; mv t2,a2; 1: addi t2,t2,-1; bnez t2,1b; blt a2,a1,2f; j . ;
// 2: lw t1,0(a0) -- a handler that never returns but works longer each time.
constexpr uint32_t kGrowingHandler[] = {0x00000297, 0x01c28293, 0x30529073, 0x40000537, 0x5dc00593,
                                        0x00052303, 0x0000006f, 0x00160613, 0x00060393, 0xfff38393,
                                        0xfe039ee3, 0x00b64463, 0x0000006f, 0x00052303};

// As riscv-tests' v environment: U-mode traps into S (ecall, delegated),
// whose handler runs a Zba instruction that traps into M, whose handler
// faults. PMP entry 0 opens all memory (pmpaddr0 = -1, NAPOT RWX); mret
// with MPP = U to ucode: ecall; j ucode; shandler: sh2add a0,a0,a1; sret;
// mvec: j 1f; 1: addi sp,sp,-16; sd ra,8(sp); j .
constexpr uint32_t kNested[] = {0xfff00293, 0x3b029073, 0x01f00293, 0x3a029073, 0x00000297, 0x05028293, 0x30529073,
                                0x00000297, 0x03c28293, 0x10529073, 0x10000293, 0x30229073, 0x00000297, 0x02028293,
                                0x34129073, 0x000022b7, 0x8002829b, 0x3002b073, 0x40000137, 0x30200073, 0x00000073,
                                0xffdff06f, 0x20b54533, 0x10200073, 0x0040006f, 0xff010113, 0x00113423, 0x0000006f};

template <size_t N>
std::unique_ptr<emu::Machine> machine(const uint32_t (&program)[N], uint64_t limit) {
    emu::MachineConfig cfg;
    cfg.ram_size = 1 << 20;
    REQUIRE(emu::IsaConfig::parse("rv64gc", cfg.isa).empty());
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
    m->set_trap_loop_limit(limit);
    return m;
}
}  // namespace

TEST_CASE("trap loop: a handler faulting on its way in is caught, reported by the trap that began it") {
    auto m = machine(kFaultingHandler, 1000);
    CHECK(m->run(10'000'000) == emu::StopReason::TrapLoop);
    REQUIRE(m->trap_loop());
    const emu::TrapLoop& t = *m->trap_loop();
    CHECK(t.first.pc == kBase + 0x10);
    CHECK(t.first.cause == emu::ILLEGAL_INSTRUCTION);
    REQUIRE(t.first_insn);
    CHECK(*t.first_insn == 0x20b54533);
    CHECK(t.repeated.pc == kBase + 0x20);
    CHECK(t.repeated.cause == emu::STORE_ACCESS);
    CHECK(t.count == 1000);
    CHECK(t.retired == 2);  // j 1f; addi sp,sp,-16
    CHECK(m->events().traps(emu::STORE_ACCESS) == 1000);
    const std::string text = emu::describe(t, false);
    CHECK(text.find("sh2add\ta0,a0,a1") == std::string::npos);
    CHECK(text.find("sh2add a0,a0,a1") != std::string::npos);
    CHECK(text.rfind("hart 0 trap loop from illegal instruction at pc 0x80000010 in M-mode (0x20b54533: sh2add", 0) == 0);
    CHECK(text.find("store/AMO access fault at pc 0x80000020 1000 times") != std::string::npos);
}

TEST_CASE("trap loop: the trap reported first is the one into the loop's mode, not the U-mode one before it") {
    auto m = machine(kNested, 1000);
    CHECK(m->run(10'000'000) == emu::StopReason::TrapLoop);
    REQUIRE(m->trap_loop());
    const emu::TrapLoop& t = *m->trap_loop();
    CHECK(m->events().traps(emu::USER_ECALL) == 1);
    CHECK(t.first.cause == emu::ILLEGAL_INSTRUCTION);
    CHECK(t.first.pc == kBase + 0x58);
    CHECK(t.first.from_priv == emu::Priv::S);
    CHECK(t.first.to_priv == emu::Priv::M);
    CHECK(t.repeated.pc == kBase + 0x68);
    CHECK(emu::describe(t, false).find("illegal instruction at pc 0x80000058 in S-mode (0x20b54533: sh2add") !=
          std::string::npos);
}

TEST_CASE("trap loop: off by default, and the limit is the count") {
    auto m = machine(kFaultingHandler, 0);
    CHECK(m->run(100'000) == emu::StopReason::Limit);
    CHECK(!m->trap_loop());
    auto m2 = machine(kFaultingHandler, 2);
    CHECK(m2->run(100'000) == emu::StopReason::TrapLoop);
    CHECK(m2->trap_loop()->count == 2);
    CHECK(m2->events().traps(emu::STORE_ACCESS) == 2);
}

TEST_CASE("trap loop: the same trap 5000 times with a handler that returns is no loop") {
    auto m = machine(kReturningHandler, 1000);
    CHECK(m->run(200'000) == emu::StopReason::Limit);
    CHECK(!m->trap_loop());
    CHECK(m->events().traps(emu::ILLEGAL_INSTRUCTION) == 5000);
    CHECK(m->hart(0).pc == kBase + 0x20);  // at the final j .
}

TEST_CASE("trap loop: a handler that never returns but does more work each time is no loop") {
    auto m = machine(kGrowingHandler, 1000);
    CHECK(m->run(5'000'000) == emu::StopReason::Limit);
    CHECK(!m->trap_loop());
    CHECK(m->events().traps(emu::LOAD_ACCESS) == 1500);
    CHECK(m->hart(0).pc == kBase + 0x30);
}
