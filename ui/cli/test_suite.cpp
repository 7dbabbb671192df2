#include "test_suite.hpp"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>

#include "emu/loader.hpp"
#include "options.hpp"

namespace cli {
namespace {
namespace fs = std::filesystem;

// Why the file is no RV64 program ("" when it is one, "not an ELF file" for
// sources, dumps and the like).
std::string elf_problem(const fs::path& p) {
    std::ifstream f(p, std::ios::binary);
    char head[64] = {};
    f.read(head, sizeof head);
    auto n = size_t(f.gcount());
    return emu::elf_header_problem({reinterpret_cast<const uint8_t*>(head), n});
}

}  // namespace

TestSuite find_test_programs(const std::vector<std::string>& paths) {
    TestSuite suite;
    std::vector<TestProgram> found;
    size_t folders = 0;
    for (const auto& p : paths) {
        std::error_code ec;
        const auto st = fs::status(p, ec);
        if (ec || !fs::exists(st)) throw UsageError("test: '" + p + "' does not exist");
        if (!fs::is_directory(st)) {
            found.push_back({p, fs::path(p).filename().string()});
            continue;
        }
        ++folders;
        fs::recursive_directory_iterator it(p, fs::directory_options::skip_permission_denied, ec), end;
        for (; !ec && it != end; it.increment(ec)) {
            std::error_code fec;
            if (!it->is_regular_file(fec) || fec) continue;
            const std::string problem = elf_problem(it->path());
            if (problem == "not an ELF file") continue;
            const std::string name = it->path().lexically_relative(p).string();
            if (!problem.empty()) {
                if (suite.other_elfs++ == 0) suite.other_example = name + ": " + problem;
                continue;
            }
            found.push_back({it->path().string(), name});
        }
    }
    std::sort(found.begin(), found.end(), [](const auto& a, const auto& b) { return a.path < b.path; });
    found.erase(std::unique(found.begin(), found.end(), [](const auto& a, const auto& b) { return a.path == b.path; }),
                found.end());
    // Names are what reports show: two programs of one name (from
    // different folders) are told apart by their paths.
    std::map<std::string, size_t> uses;
    for (const auto& t : found) uses[t.name]++;
    for (auto& t : found)
        if (uses[t.name] > 1) t.name = t.path;
    if (found.empty()) {
        std::string msg = "test: no RV64 ELF programs found";
        if (folders) msg += " under " + std::string(paths.size() == 1 ? "'" + paths[0] + "'" : "the folders given");
        if (suite.other_elfs)
            msg += " (" + std::to_string(suite.other_elfs) + " other ELF file" + (suite.other_elfs == 1 ? "" : "s") +
                   ", e.g. " + suite.other_example + ")";
        throw UsageError(msg);
    }
    suite.programs = std::move(found);
    return suite;
}

Shard parse_shard(const std::string& text) {
    Shard s;
    const auto slash = text.find('/');
    const std::string why = "--shard: '" + text + "' is not K/N with 1 <= K <= N (e.g. 2/4)";
    if (slash == std::string::npos) throw UsageError(why);
    try {
        s.k = size_t(parse_u64(text.substr(0, slash), "--shard"));
        s.n = size_t(parse_u64(text.substr(slash + 1), "--shard"));
    } catch (const UsageError&) {
        throw UsageError(why);
    }
    if (s.n < 1 || s.k < 1 || s.k > s.n || s.n > 1'000'000) throw UsageError(why);
    return s;
}

std::vector<TestProgram> shard_of(const std::vector<TestProgram>& all, Shard s) {
    std::vector<TestProgram> out;
    for (size_t i = s.k - 1; i < all.size(); i += s.n) out.push_back(all[i]);
    return out;
}

}  // namespace cli
