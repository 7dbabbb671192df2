// The SR-IOV-style console (devices/sriov_console.hpp), by its register map.
#include <doctest/doctest.h>

#include <utility>
#include <vector>

#include "devices/sriov_console.hpp"

using dev::SriovConsole;

TEST_CASE("sriov console: the PF describes its VFs; VFs exist only once enabled") {
    SriovConsole d;
    uint64_t v = 0;
    CHECK((d.read(0x00, 4, v) && v == SriovConsole::kMaxVfs));
    CHECK((d.read(0x04, 4, v) && v == 0));
    CHECK((d.read(0x08, 4, v) && v == 0x1000));
    CHECK((d.read(0x0c, 4, v) && v == 0x1000));
    // No VF yet: its page is not there.
    CHECK_FALSE(d.write(0x1000, 4, 'x'));
    CHECK_FALSE(d.read(0x1004, 4, v));
    // Enabling more VFs than it has is ignored.
    CHECK(d.write(0x04, 4, SriovConsole::kMaxVfs + 1));
    CHECK(d.num_vfs() == 0);
    CHECK(d.write(0x04, 4, 2));
    CHECK(d.num_vfs() == 2);
    CHECK_FALSE(d.write(0x1000 + 2 * 0x1000, 4, 'z'));   // VF 2: not enabled
}

TEST_CASE("sriov console: each VF's bytes go to its own output") {
    SriovConsole d;
    REQUIRE(d.write(0x04, 4, 2));
    for (char c : std::string("vf0")) CHECK(d.write(0x1000, 1, uint64_t(c)));
    for (char c : std::string("one")) CHECK(d.write(0x2000, 4, uint64_t(c)));
    CHECK(d.output(0) == "vf0");
    CHECK(d.output(1) == "one");
    uint64_t v = 0;
    CHECK((d.read(0x1004, 4, v) && v == 1));   // STATUS: ready
    CHECK((d.read(0x2008, 4, v) && v == 3));   // SENT
    CHECK_FALSE(d.read(0x1000, 1, v));          // registers are 32-bit
    d.reset();
    CHECK(d.num_vfs() == 0);
    CHECK(d.output(0).empty());
}

TEST_CASE("sriov console: a VF written without end keeps its last 64K, SENT counts every byte") {
    SriovConsole d;
    REQUIRE(d.write(0x04, 4, 1));
    const size_t n = 3 * dev::OutputTail::kKeep + 5;
    for (size_t i = 0; i < n; ++i) REQUIRE(d.write(0x1000, 1, uint64_t('a' + i % 26)));
    CHECK(d.output(0).size() == dev::OutputTail::kKeep);
    CHECK(d.output(0).back() == char('a' + (n - 1) % 26));
    CHECK(d.output(0).front() == char('a' + (n - dev::OutputTail::kKeep) % 26));
    uint64_t v = 0;
    CHECK((d.read(0x1008, 4, v) && v == n));
}

TEST_CASE("sriov console: a VF's interrupt line is IE bit 0; each byte sent with it set is an edge") {
    std::vector<std::pair<unsigned, bool>> lines;
    SriovConsole d([&](unsigned vf, bool level) { lines.push_back({vf, level}); });
    REQUIRE(d.write(0x04, 4, 2));
    uint64_t v = 0;
    CHECK(d.write(0x1000, 4, 'a'));                // IE clear: no line moves
    CHECK(lines.empty());
    CHECK(d.write(0x200c, 4, 3));                   // VF 1: only bit 0 is IE
    CHECK((d.read(0x200c, 4, v) && v == 1));
    CHECK(d.irq(1));
    CHECK_FALSE(d.irq(0));
    CHECK(d.write(0x2000, 1, 'b'));                 // low and high again: an edge per byte
    CHECK(lines == std::vector<std::pair<unsigned, bool>>{{1, true}, {1, false}, {1, true}});
    lines.clear();
    CHECK(d.write(0x200c, 4, 1));                   // unchanged: nothing
    CHECK(lines.empty());
    CHECK(d.write(0x04, 4, 1));                     // VF 1 disabled: its line drops
    CHECK(lines == std::vector<std::pair<unsigned, bool>>{{1, false}});
    CHECK_FALSE(d.irq(1));
    CHECK(d.write(0x100c, 4, 1));
    lines.clear();
    d.reset();
    CHECK(lines == std::vector<std::pair<unsigned, bool>>{{0, false}});
}
