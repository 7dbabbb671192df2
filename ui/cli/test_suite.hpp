// `stepvisor test`'s list of programs: what PATHS name (files as given,
// folders searched recursively for RV64 ELF executables) and the shard of
// it one job runs.
#pragma once
#include <cstddef>
#include <string>
#include <vector>

namespace cli {

struct TestProgram {
    std::string path;  // as found
    std::string name;  // path relative to the folder it was found in (or the file name)
};

struct TestSuite {
    std::vector<TestProgram> programs;  // sorted by path, each once
    // ELF files under the folders that are no RV64 executables (RV32 tests,
    // objects, host binaries): left out, counted for the summary.
    size_t other_elfs = 0;
    std::string other_example;  // one of them, with why ("rv32ui-p-add: 32-bit ELF ...")
};

// Files named are taken as they are (the loader judges them); folders
// contribute their RV64 ELF executables at any depth (symbolic links to
// folders are not followed; unreadable entries are skipped), and sources,
// dumps, other files and folders without programs are ignored. UsageError
// when a path does not exist or nothing at all was found.
TestSuite find_test_programs(const std::vector<std::string>& paths);

// "--shard K/N": 1 <= K <= N. UsageError otherwise.
struct Shard {
    size_t k = 1, n = 1;
    bool all() const { return n == 1; }
    std::string str() const { return std::to_string(k) + "/" + std::to_string(n); }
};
Shard parse_shard(const std::string& text);

// Shard K of N: the programs at positions K-1, K-1+N, K-1+2N, ... of the
// sorted list, so every shard gets a similar mix whatever the folders hold,
// and the N shards together run each program exactly once.
std::vector<TestProgram> shard_of(const std::vector<TestProgram>& all, Shard s);

}  // namespace cli
