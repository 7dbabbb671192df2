// Register-level tests of the PLIC (QEMU virt layout, RISC-V PLIC spec).
#include <doctest/doctest.h>

#include <cstring>
#include <utility>
#include <vector>

#include "devices/plic.hpp"
#include "emu/machine.hpp"
#include "emu/priv.hpp"

using dev::Plic;

namespace {

// Offsets as QEMU virt lays them out (hw/riscv/virt.h VIRT_PLIC_*).
constexpr uint64_t prio(unsigned src) { return 0x0 + 4 * src; }
constexpr uint64_t pend(unsigned word) { return 0x1000 + 4 * word; }
constexpr uint64_t enable(unsigned ctx, unsigned word = 0) { return 0x2000 + 0x80 * ctx + 4 * word; }
constexpr uint64_t thresh(unsigned ctx) { return 0x200000 + 0x1000 * ctx; }
constexpr uint64_t claim(unsigned ctx) { return 0x200004 + 0x1000 * ctx; }

// A PLIC of QEMU 7.2 virt's size with a log of its output line changes.
struct Fixture {
    std::vector<std::pair<unsigned, bool>> log;
    Plic p;
    explicit Fixture(unsigned harts = 1, unsigned sources = 97)
        : p(harts, sources, [this](unsigned ctx, bool level) { log.emplace_back(ctx, level); }) {}

    uint32_t rd(uint64_t off) {
        uint64_t v = 0xdeadbeef;
        REQUIRE(p.read(off, 4, v));
        REQUIRE(v <= 0xffffffffu);
        return uint32_t(v);
    }
    void wr(uint64_t off, uint32_t v) { REQUIRE(p.write(off, 4, v)); }
    // Enable src for ctx (read-modify-write of its word).
    void en(unsigned ctx, unsigned src) { wr(enable(ctx, src / 32), rd(enable(ctx, src / 32)) | 1u << (src % 32)); }
};

}  // namespace

TEST_CASE("PLIC: layout constants are QEMU virt's") {
    CHECK(Plic::kSize == 0x600000);
    CHECK(Plic::kPendingBase == 0x1000);
    CHECK(Plic::kEnableBase == 0x2000);
    CHECK(Plic::kEnableStride == 0x80);
    CHECK(Plic::kContextBase == 0x200000);
    CHECK(Plic::kContextStride == 0x1000);
    CHECK(Plic::kMaxPriority == 7);
    Fixture f(2);
    CHECK(f.p.contexts() == 4);
    CHECK(f.p.sources() == 97);
}

TEST_CASE("PLIC: priorities are 3-bit WARL, source 0 is hardwired to 0") {
    Fixture f;
    f.wr(prio(10), 5);
    CHECK(f.rd(prio(10)) == 5);
    CHECK(f.p.priority(10) == 5);
    f.wr(prio(10), 0xffffffff);
    CHECK(f.rd(prio(10)) == 7);
    f.wr(prio(10), 0x9);  // only the low 3 bits are kept
    CHECK(f.rd(prio(10)) == 1);
    f.wr(prio(0), 7);
    CHECK(f.rd(prio(0)) == 0);
    f.wr(prio(96), 3);  // the last source
    CHECK(f.rd(prio(96)) == 3);
    f.wr(prio(97), 3);  // beyond it: reads 0, write ignored
    CHECK(f.rd(prio(97)) == 0);
    f.wr(thresh(0), 0x1f);
    CHECK(f.rd(thresh(0)) == 7);
    CHECK(f.p.threshold(0) == 7);
}

TEST_CASE("PLIC: the threshold gates the context's line; priority 0 never interrupts") {
    Fixture f;
    f.en(1, 10);  // S-mode context of hart 0
    f.p.set_source(10, true);
    CHECK(f.p.pending(10));
    CHECK(f.rd(pend(0)) == 1u << 10);
    CHECK_FALSE(f.p.context_irq(1));  // priority 0
    f.wr(prio(10), 3);
    CHECK(f.p.context_irq(1));
    CHECK_FALSE(f.p.context_irq(0));  // not enabled for M-mode
    f.wr(thresh(1), 3);               // masks priorities <= 3
    CHECK_FALSE(f.p.context_irq(1));
    f.wr(thresh(1), 2);
    CHECK(f.p.context_irq(1));
    f.wr(thresh(1), 7);
    CHECK_FALSE(f.p.context_irq(1));
    f.wr(prio(10), 7);  // priority 7 is never above threshold 7
    CHECK_FALSE(f.p.context_irq(1));
    f.wr(thresh(1), 0);
    CHECK(f.p.context_irq(1));
    f.wr(prio(10), 0);
    CHECK_FALSE(f.p.context_irq(1));
    CHECK(f.rd(claim(1)) == 0);  // priority 0 is never claimed either
    CHECK(f.p.pending(10));
}

TEST_CASE("PLIC: claim takes the highest priority, ties to the lowest id, and clears pending") {
    Fixture f;
    for (unsigned s : {3u, 5u, 40u, 41u}) {
        f.en(0, s);
        f.p.set_source(s, true);
    }
    f.wr(prio(3), 2);
    f.wr(prio(5), 6);
    f.wr(prio(40), 6);
    f.wr(prio(41), 7);
    CHECK(f.rd(pend(0)) == ((1u << 3) | (1u << 5)));
    CHECK(f.rd(pend(1)) == ((1u << 8) | (1u << 9)));
    CHECK(f.p.next_claim(0) == 41);
    CHECK(f.rd(claim(0)) == 41);
    CHECK_FALSE(f.p.pending(41));
    CHECK(f.rd(pend(1)) == 1u << 8);
    CHECK(f.p.claimed(0) == 41);
    CHECK(f.rd(claim(0)) == 5);  // 5 and 40 tie at 6: the lower id wins
    CHECK(f.rd(claim(0)) == 40);
    CHECK(f.p.claimed(0) == 40);  // the most recent outstanding claim
    CHECK(f.p.context_irq(0));    // 3 is still pending
    CHECK(f.rd(claim(0)) == 3);
    CHECK_FALSE(f.p.context_irq(0));
    CHECK(f.rd(claim(0)) == 0);  // nothing left
    CHECK(f.rd(pend(0)) == 0);
    CHECK(f.rd(pend(1)) == 0);
    for (unsigned s : {3u, 5u, 40u, 41u}) CHECK(f.p.in_service(s));
}

TEST_CASE("PLIC: a claim ignores the threshold (spec); only the line is gated") {
    Fixture f;
    f.en(0, 7);
    f.wr(prio(7), 2);
    f.wr(thresh(0), 7);
    f.p.set_source(7, true);
    CHECK_FALSE(f.p.context_irq(0));
    CHECK(f.rd(claim(0)) == 7);  // polling with the threshold at its maximum
    CHECK_FALSE(f.p.pending(7));
}

TEST_CASE("PLIC: the gateway does not re-pend a claimed source until completion") {
    Fixture f;
    f.en(0, 10);
    f.wr(prio(10), 1);
    f.p.set_source(10, true);
    REQUIRE(f.rd(claim(0)) == 10);
    CHECK(f.p.in_service(10));
    CHECK(f.p.claimed_by(10) == 0);
    CHECK_FALSE(f.p.context_irq(0));
    f.p.set_source(10, true);  // still high, or high again: no new request
    f.p.set_source(10, false);
    f.p.set_source(10, true);
    CHECK_FALSE(f.p.pending(10));
    CHECK_FALSE(f.p.context_irq(0));
    CHECK(f.rd(claim(0)) == 0);

    SUBCASE("a completion with the level still high pends it again") {
        f.wr(claim(0), 10);
        CHECK_FALSE(f.p.in_service(10));
        CHECK(f.p.claimed_by(10) == -1);
        CHECK(f.p.pending(10));
        CHECK(f.p.context_irq(0));
        CHECK(f.rd(claim(0)) == 10);
    }
    SUBCASE("a completion with the level low leaves it idle; a later rise pends it") {
        f.p.set_source(10, false);
        f.wr(claim(0), 10);
        CHECK_FALSE(f.p.in_service(10));
        CHECK_FALSE(f.p.pending(10));
        CHECK_FALSE(f.p.context_irq(0));
        f.p.set_source(10, true);
        CHECK(f.p.pending(10));
        CHECK(f.p.context_irq(0));
    }
    SUBCASE("a completion of a source not enabled for the context is ignored") {
        f.wr(enable(0), 0);
        f.wr(claim(0), 10);
        CHECK(f.p.in_service(10));
        CHECK_FALSE(f.p.pending(10));
        f.wr(enable(0), 1u << 10);
        f.wr(claim(1), 10);  // nor from a context it is not enabled for
        CHECK(f.p.in_service(10));
        f.wr(claim(0), 11);  // nor an id that was not claimed
        f.wr(claim(0), 0);
        f.wr(claim(0), 5000);
        CHECK(f.p.in_service(10));
        f.wr(claim(0), 10);
        CHECK_FALSE(f.p.in_service(10));
        CHECK(f.p.pending(10));
    }
}

TEST_CASE("PLIC: a falling level does not retract a pending request") {
    Fixture f;
    f.en(0, 2);
    f.wr(prio(2), 1);
    f.p.set_source(2, true);
    f.p.set_source(2, false);
    CHECK(f.p.pending(2));
    CHECK_FALSE(f.p.level(2));
    CHECK(f.p.context_irq(0));
    CHECK(f.rd(claim(0)) == 2);
    f.wr(claim(0), 2);
    CHECK_FALSE(f.p.pending(2));  // low at completion: no new request
}

TEST_CASE("PLIC: enables are per context; bit 0 and ids past the last source read 0") {
    Fixture f(2);
    f.wr(enable(0, 0), 0xffffffff);
    CHECK(f.rd(enable(0, 0)) == 0xfffffffe);
    f.wr(enable(0, 3), 0xffffffff);  // sources 96..127: only 96 exists
    CHECK(f.rd(enable(0, 3)) == 1);
    f.wr(enable(0, 4), 0xffffffff);  // no such word
    CHECK(f.rd(enable(0, 4)) == 0);
    for (unsigned c = 1; c < 4; ++c) CHECK(f.rd(enable(c, 0)) == 0);
    CHECK(f.p.enabled(0, 1));
    CHECK_FALSE(f.p.enabled(0, 0));
    CHECK_FALSE(f.p.enabled(1, 1));
    CHECK_FALSE(f.p.enabled(4, 1));  // no such context
    f.wr(enable(3, 1), 1u << 2);     // source 34 for hart 1 S-mode
    CHECK(f.p.enabled(3, 34));
    CHECK_FALSE(f.p.enabled(2, 34));
    CHECK_FALSE(f.p.enabled(0, 34));
}

TEST_CASE("PLIC: M and S contexts of two harts, multicast and the first claimer wins") {
    Fixture f(2);
    f.wr(prio(10), 1);
    f.wr(prio(1), 1);
    f.en(1, 10);  // hart 0 S
    f.en(3, 10);  // hart 1 S
    f.en(2, 1);   // hart 1 M
    f.p.set_source(10, true);
    CHECK_FALSE(f.p.context_irq(0));
    CHECK(f.p.context_irq(1));
    CHECK_FALSE(f.p.context_irq(2));
    CHECK(f.p.context_irq(3));
    f.p.set_source(1, true);
    CHECK(f.p.context_irq(2));
    CHECK(f.rd(claim(3)) == 10);  // hart 1 S claims first
    CHECK(f.p.claimed_by(10) == 3);
    CHECK(f.p.claimed(3) == 10);
    CHECK(f.p.claimed(1) == 0);
    CHECK_FALSE(f.p.context_irq(1));
    CHECK_FALSE(f.p.context_irq(3));
    CHECK(f.rd(claim(1)) == 0);  // hart 0 S was notified too late
    CHECK(f.p.context_irq(2));   // hart 1 M is unaffected
    CHECK(f.rd(claim(2)) == 1);
    CHECK_FALSE(f.p.context_irq(2));
    // hart 0 S may complete 10 (it is enabled there): completion goes to the gateway
    f.wr(claim(1), 10);
    CHECK_FALSE(f.p.in_service(10));
    CHECK(f.p.context_irq(1));
    CHECK(f.p.context_irq(3));
    // thresholds are per context
    f.wr(thresh(3), 1);
    CHECK(f.p.context_irq(1));
    CHECK_FALSE(f.p.context_irq(3));
    CHECK(f.rd(thresh(1)) == 0);
    CHECK(f.rd(thresh(3)) == 1);
}

TEST_CASE("PLIC: irq_out is called on every change of a context's line, and only then") {
    Fixture f(2);
    f.wr(prio(5), 2);
    f.en(0, 5);
    f.en(3, 5);
    CHECK(f.log.empty());
    f.p.set_source(5, true);
    CHECK(f.log == std::vector<std::pair<unsigned, bool>>{{0, true}, {3, true}});
    f.log.clear();
    f.p.set_source(5, true);  // no change
    f.wr(prio(5), 3);         // still above the thresholds
    CHECK(f.log.empty());
    f.wr(thresh(3), 3);
    CHECK(f.log == std::vector<std::pair<unsigned, bool>>{{3, false}});
    f.log.clear();
    CHECK(f.rd(claim(0)) == 5);
    CHECK(f.log == std::vector<std::pair<unsigned, bool>>{{0, false}});
    f.log.clear();
    CHECK(f.rd(claim(0)) == 0);  // an empty claim changes nothing
    CHECK(f.log.empty());
    f.wr(claim(0), 5);  // level still high: pending again
    CHECK(f.log == std::vector<std::pair<unsigned, bool>>{{0, true}});
    f.log.clear();
    f.wr(enable(0), 0);  // disabling drops the line
    CHECK(f.log == std::vector<std::pair<unsigned, bool>>{{0, false}});
    f.log.clear();
    f.wr(thresh(3), 0);
    CHECK(f.log == std::vector<std::pair<unsigned, bool>>{{3, true}});
    f.log.clear();
    f.p.reset();  // enables go: the line drops; the high level is pending again
    CHECK(f.log == std::vector<std::pair<unsigned, bool>>{{3, false}});
    CHECK(f.p.pending(5));
    CHECK(f.p.priority(5) == 0);
    CHECK(f.p.threshold(3) == 0);
}

TEST_CASE("PLIC: bad sizes and alignments fault; unimplemented offsets read 0 and ignore writes") {
    Fixture f(1);
    uint64_t v = 0;
    for (unsigned size : {1u, 2u, 8u}) {
        CHECK_FALSE(f.p.read(prio(1), size, v));
        CHECK_FALSE(f.p.write(prio(1), size, 7));
        CHECK_FALSE(f.p.read(claim(0), size, v));
    }
    CHECK(f.p.priority(1) == 0);
    CHECK_FALSE(f.p.read(prio(1) + 2, 4, v));
    CHECK_FALSE(f.p.write(prio(1) + 1, 4, 7));
    CHECK_FALSE(f.p.read(Plic::kSize, 4, v));
    CHECK_FALSE(f.p.write(Plic::kSize, 4, 0));
    CHECK_FALSE(f.p.read(~uint64_t{3}, 4, v));
    CHECK_FALSE(f.p.write(~uint64_t{3}, 4, 0));

    // pending bits are read-only
    f.wr(pend(0), 0xffffffff);
    CHECK(f.rd(pend(0)) == 0);
    CHECK_FALSE(f.p.pending(1));
    // context 2 does not exist with one hart; reserved words of a context
    f.wr(thresh(2), 5);
    CHECK(f.rd(thresh(2)) == 0);
    CHECK(f.rd(claim(2)) == 0);
    f.wr(thresh(0) + 8, 5);
    CHECK(f.rd(thresh(0) + 8) == 0);
    // gaps: past the pending words, past the enables, the last word of the window
    for (uint64_t off : {uint64_t{0x1ffc}, uint64_t{0x2100}, uint64_t{0x1ffffc}, Plic::kSize - 4, uint64_t{0x400}}) {
        f.wr(off, 0xffffffff);
        CHECK(f.rd(off) == 0);
    }
    // Every word of the window: no crash, and a 64-bit value never comes back.
    for (uint64_t off = 0; off < Plic::kSize; off += 4) {
        uint64_t r = ~uint64_t{0};
        REQUIRE(f.p.read(off, 4, r));
        REQUIRE(r <= 0xffffffffu);
    }
    CHECK(f.log.empty());
    // sources out of range are ignored
    f.p.set_source(0, true);
    f.p.set_source(97, true);
    f.p.set_source(~0u, true);
    CHECK(f.rd(pend(0)) == 0);
    CHECK(f.rd(pend(3)) == 0);
    CHECK_FALSE(f.p.pending(0));
    // views out of range
    CHECK(f.p.priority(1000) == 0);
    CHECK_FALSE(f.p.pending(1000));
    CHECK(f.p.threshold(9) == 0);
    CHECK_FALSE(f.p.context_irq(9));
    CHECK(f.p.claimed(9) == 0);
    CHECK(f.p.claimed_by(1000) == -1);
    CHECK(f.p.next_claim(9) == 0);
}

TEST_CASE("PLIC: small and oversized source counts are handled") {
    Fixture small(1, 5);  // ids 1..4
    small.wr(enable(0), 0xffffffff);
    CHECK(small.rd(enable(0)) == 0x1e);
    small.wr(prio(4), 1);
    small.p.set_source(4, true);
    small.p.set_source(5, true);
    CHECK(small.rd(pend(0)) == 1u << 4);
    CHECK(small.rd(claim(0)) == 4);

    Fixture none(1, 0);
    CHECK(none.p.sources() == 1);
    none.p.set_source(1, true);
    CHECK(none.rd(claim(0)) == 0);

    Fixture big(1, 5000);  // clamped to the spec's 1024 ids
    CHECK(big.p.sources() == 1024);
    big.wr(enable(0, 31), 0x80000000);
    CHECK(big.p.enabled(0, 1023));
    big.wr(prio(1023), 4);
    big.p.set_source(1023, true);
    CHECK(big.p.context_irq(0));
    CHECK(big.rd(pend(31)) == 0x80000000);
    CHECK(big.rd(claim(0)) == 1023);
}

// The privileged spec (mip, "Machine Interrupt Registers"): a read of mip
// returns SEIP as the OR of the software-writable bit and the external
// interrupt controller's signal, but only the software-writable bit takes
// part in the read-modify-write of CSRRS and CSRRC. OpenSBI's timer (without
// Sstc) sets mip.STIP with csrs; had that copied the PLIC's S-mode line into
// the software bit, SEIP would stay pending after the source was completed
// and its level fell, and the kernel would take an external interrupt whose
// claim returns 0 again and again.
TEST_CASE("PLIC: a csrs on mip while the S-mode line is high does not latch SEIP") {
    // At 0x80000000 in M-mode: li t0,0x20; csrs mip,t0; csrr t1,mip; j .
    // (encodings as GNU objdump reads them).
    constexpr uint32_t kProgram[] = {0x02000293, 0x3442a073, 0x34402373, 0x0000006f};
    emu::MachineConfig cfg;
    cfg.ram_size = 1 << 20;
    emu::Machine m(cfg);
    emu::Image img;
    img.entry = 0x80000000;
    emu::Segment seg;
    seg.paddr = img.entry;
    seg.data.resize(sizeof kProgram);
    std::memcpy(seg.data.data(), kProgram, sizeof kProgram);
    seg.memsz = seg.data.size();
    img.segments.push_back(seg);
    m.load(img);

    auto& plic = *m.plic();
    const uint64_t seip = emu::irq::bit(emu::irq::SEI), stip = emu::irq::bit(emu::irq::STI);
    uint64_t v = 0;
    REQUIRE(plic.write(prio(10), 4, 1));
    REQUIRE(plic.write(enable(1), 4, 1u << 10));  // hart 0's S-mode context
    plic.set_source(10, true);
    REQUIRE(plic.context_irq(1));
    REQUIRE((m.hart(0).mip_value() & seip) != 0);

    CHECK(m.run(100) == emu::StopReason::Limit);  // through the boot ROM to the j .
    CHECK((m.hart(0).x[6] & (seip | stip)) == (seip | stip));  // csrr: the line ORed in, and the STIP just set

    // The kernel claims the source, the device drops its level, the kernel completes it.
    REQUIRE(plic.read(claim(1), 4, v));
    CHECK(v == 10);
    plic.set_source(10, false);
    REQUIRE(plic.write(claim(1), 4, 10));
    CHECK_FALSE(plic.context_irq(1));
    CHECK((m.hart(0).mip_value() & seip) == 0);
    CHECK((m.hart(0).mip_value() & stip) != 0);
}
