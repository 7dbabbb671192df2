// `stepvisor test`'s program list: folders walked for RV64 ELF executables
// (sources, dumps, RV32 and host ELFs, empty folders left out), shards that
// together run each program once, and bad --shard values refused.
#include <doctest/doctest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "ui/cli/options.hpp"
#include "ui/cli/test_suite.hpp"

namespace {
namespace fs = std::filesystem;

// An ELF header (System V gABI): class, data, type, machine as given.
void write_elf(const fs::path& p, uint8_t cls, uint16_t type, uint16_t machine) {
    uint8_t h[64] = {0x7f, 'E', 'L', 'F', cls, 1, 1};
    h[16] = uint8_t(type);
    h[18] = uint8_t(machine);
    h[19] = uint8_t(machine >> 8);
    std::ofstream(p, std::ios::binary).write(reinterpret_cast<const char*>(h), sizeof h);
}

struct TempDir {
    fs::path root = fs::temp_directory_path() / ("stepvisor-suite-" + std::to_string(getpid()));
    TempDir() { fs::create_directories(root); }
    ~TempDir() { fs::remove_all(root); }
};
}  // namespace

TEST_CASE("test suite: a folder gives its RV64 executables at any depth, nothing else") {
    TempDir t;
    fs::create_directories(t.root / "isa" / "rv64ui");
    fs::create_directories(t.root / "isa" / "empty");
    fs::create_directories(t.root / "isa" / "macros" / "scalar");
    write_elf(t.root / "isa" / "rv64ui-p-add", 2, 2, 243);
    write_elf(t.root / "isa" / "rv64ui" / "deep", 2, 2, 243);
    write_elf(t.root / "isa" / "pie", 2, 3, 243);       // ET_DYN: OpenSBI-style firmware
    write_elf(t.root / "isa" / "rv32ui-p-add", 1, 2, 243);
    write_elf(t.root / "isa" / "host", 2, 2, 62);      // x86-64
    write_elf(t.root / "isa" / "add.o", 2, 1, 243);    // relocatable
    std::ofstream(t.root / "isa" / "rv64ui-p-add.dump") << "rv64ui-p-add:     file format elf64-littleriscv\n";
    std::ofstream(t.root / "isa" / "rv64ui" / "add.S") << "#include \"riscv_test.h\"\n";
    std::ofstream(t.root / "isa" / "macros" / "scalar" / "test_macros.h") << "\n";
    std::ofstream(t.root / "isa" / "Makefile") << "\x7f" "EL";  // three bytes of a magic: no ELF

    auto s = cli::find_test_programs({(t.root / "isa").string() + "/"});
    REQUIRE(s.programs.size() == 3);
    CHECK(s.programs[0].name == "pie");
    CHECK(s.programs[1].name == "rv64ui-p-add");  // sorted by path: '-' before '/'
    CHECK(s.programs[2].name == "rv64ui/deep");
    CHECK(s.other_elfs == 3);
    CHECK(s.other_example.find(": ") != std::string::npos);

    // A folder without programs beside one with them is fine; alone it is the one error.
    CHECK(cli::find_test_programs({(t.root / "isa" / "empty").string(), (t.root / "isa").string()}).programs.size() == 3);
    CHECK_THROWS_AS(cli::find_test_programs({(t.root / "isa" / "empty").string()}), cli::UsageError);
    CHECK_THROWS_AS(cli::find_test_programs({(t.root / "isa" / "macros").string()}), cli::UsageError);
    CHECK_THROWS_AS(cli::find_test_programs({(t.root / "missing").string()}), cli::UsageError);
    // A file named is taken as it is (the loader then judges it).
    CHECK(cli::find_test_programs({(t.root / "isa" / "Makefile").string()}).programs.size() == 1);
}

TEST_CASE("test suite: N shards run each program exactly once, in similar numbers") {
    std::vector<cli::TestProgram> all;
    for (int i = 0; i < 368; ++i) all.push_back({"p" + std::to_string(1000 + i), "p" + std::to_string(1000 + i)});
    for (size_t n : {1, 2, 3, 7, 368, 400}) {
        std::multiset<std::string> seen;
        size_t most = 0, least = ~size_t(0);
        for (size_t k = 1; k <= n; ++k) {
            auto part = cli::shard_of(all, cli::parse_shard(std::to_string(k) + "/" + std::to_string(n)));
            for (auto& p : part) seen.insert(p.path);
            most = std::max(most, part.size());
            least = std::min(least, part.size());
        }
        CHECK(seen.size() == all.size());
        CHECK(std::set<std::string>(seen.begin(), seen.end()).size() == all.size());
        CHECK(most - least <= 1);
    }
    auto second = cli::shard_of(all, cli::parse_shard("2/4"));
    CHECK(second[0].path == "p1001");
    CHECK(second[1].path == "p1005");
}

TEST_CASE("test suite: --shard values other than K/N with 1 <= K <= N are refused") {
    for (const char* bad : {"", "1", "0/4", "5/4", "1/0", "-1/4", "a/b", "1/4/2", "1/", "/4", "2/4x"})
        CHECK_THROWS_AS(cli::parse_shard(bad), cli::UsageError);
    CHECK(cli::parse_shard("4/4").k == 4);
    CHECK(cli::parse_shard("1/1").all());
}
