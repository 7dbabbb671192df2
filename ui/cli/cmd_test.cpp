// stepvisor test PATHS...: many test programs in parallel, one machine per
// program, with a progress line, a summary table and JUnit XML for CI.
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>

#include "commands.hpp"
#include "run_loop.hpp"

namespace cli {
namespace {
namespace fs = std::filesystem;

const char* const kTestHelp =
    "usage: stepvisor test [options] PATHS...\n"
    "\n"
    "Runs every ELF program named, and every ELF file found under a named\n"
    "directory, each on its own machine, several at once. A program passes when\n"
    "it reports pass through HTIF tohost or powers off with code 0.\n"
    "Exit status: 0 when all pass, 1 when any fails, 2 on bad input.\n"
    "\n"
    "test options:\n"
    "  -j N             programs run at once (default: the number of host CPUs)\n"
    "  --junit FILE     write a JUnit XML report\n"
    "  --quiet          no progress line\n"
    "  per-program limits default to --max-insns 2000000000 --timeout 120\n";

struct Result {
    std::string path, name;
    Outcome outcome;
    std::string error;  // the program could not be loaded
};

bool is_elf(const fs::path& p) {
    std::ifstream f(p, std::ios::binary);
    char magic[4] = {};
    f.read(magic, 4);
    return f && magic[0] == 0x7f && magic[1] == 'E' && magic[2] == 'L' && magic[3] == 'F';
}

std::string xml_escape(const std::string& s) {
    std::string o;
    for (char c : s) {
        switch (c) {
        case '&': o += "&amp;"; break;
        case '<': o += "&lt;"; break;
        case '>': o += "&gt;"; break;
        case '"': o += "&quot;"; break;
        default: o += c;
        }
    }
    return o;
}

void write_junit(const std::string& path, const std::vector<Result>& results, double seconds) {
    std::ofstream out(path);
    if (!out) throw UsageError("--junit: cannot write '" + path + "'");
    size_t failures = 0;
    for (const auto& r : results) failures += r.outcome.exit_code != kExitPass;
    out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    out << "<testsuites><testsuite name=\"stepvisor\" tests=\"" << results.size() << "\" failures=\"" << failures
        << "\" time=\"" << seconds << "\">\n";
    for (const auto& r : results) {
        out << "  <testcase classname=\"stepvisor\" name=\"" << xml_escape(r.name) << "\" time=\"" << r.outcome.seconds
            << "\">";
        if (r.outcome.exit_code != kExitPass) {
            std::string msg = r.error.empty() ? r.outcome.message : r.error;
            out << "<failure message=\"" << xml_escape(msg) << "\"/>";
        }
        out << "</testcase>\n";
    }
    out << "</testsuite></testsuites>\n";
}

}  // namespace

int cmd_test(const std::vector<std::string>& args) {
    MachineOptions opt;
    opt.max_insns = 2'000'000'000;
    opt.timeout_s = 120;
    unsigned jobs = std::max(1u, std::thread::hardware_concurrency());
    std::string junit;
    bool quiet = false;
    std::vector<std::string> paths;
    for (size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        if (a == "-h" || a == "--help") { std::fputs(kTestHelp, stdout); std::fputs(kMachineOptionsHelp, stdout); return 0; }
        if (parse_machine_option(args, i, opt)) continue;
        if (a == "-j" || a == "--jobs") {
            uint64_t j = parse_u64(value_of(args, i), "-j");
            if (j < 1 || j > 256) throw UsageError("-j: must be between 1 and 256");
            jobs = unsigned(j);
        } else if (a.rfind("-j", 0) == 0 && a.size() > 2) {
            jobs = unsigned(std::max<uint64_t>(1, parse_u64(a.substr(2), "-j")));
        } else if (a == "--junit") junit = value_of(args, i);
        else if (a == "--quiet" || a == "-q") quiet = true;
        else if (!a.empty() && a[0] == '-') throw UsageError("test: unknown option " + a + " (see stepvisor test --help)");
        else paths.push_back(a);
    }
    if (paths.empty()) throw UsageError("test: no programs given (usage: stepvisor test [options] PATHS...)");
    if (!junit.empty()) check_writable(junit, "--junit");
    std::vector<Result> results;
    for (const auto& p : paths) {
        std::error_code ec;
        if (fs::is_directory(p, ec)) {
            std::vector<fs::path> found;
            for (const auto& e : fs::recursive_directory_iterator(p, ec))
                if (e.is_regular_file() && is_elf(e.path())) found.push_back(e.path());
            std::sort(found.begin(), found.end());
            if (found.empty()) throw UsageError("test: no ELF files under '" + p + "'");
            for (const auto& f : found) results.push_back({f.string(), f.filename().string(), {}, {}});
        } else if (fs::exists(p, ec)) {
            results.push_back({p, fs::path(p).filename().string(), {}, {}});
        } else {
            throw UsageError("test: '" + p + "' does not exist");
        }
    }
    const bool tty = isatty(2);
    std::atomic<size_t> next{0}, done{0}, failed{0};
    std::mutex print_mu;
    const auto t0 = std::chrono::steady_clock::now();
    auto worker = [&] {
        for (size_t i; (i = next++) < results.size();) {
            Result& r = results[i];
            MachineOptions o = opt;
            o.config.console = [](uint8_t) {};  // program output is not mixed into the report
            try {
                auto m = make_machine(o, r.path);
                r.outcome = run_to_end(*m, o);
            } catch (const std::exception& e) {
                r.error = e.what();
                r.outcome.exit_code = kExitUsage;
            }
            if (r.outcome.exit_code != kExitPass) ++failed;
            size_t d = ++done;
            if (!quiet) {
                std::lock_guard<std::mutex> lk(print_mu);
                std::fprintf(stderr, "%s[%zu/%zu] %zu passed, %zu failed  %s%s", tty ? "\r\033[K" : "", d, results.size(),
                             d - failed.load(), failed.load(), r.name.c_str(), tty ? "" : "\n");
            }
        }
    };
    std::vector<std::thread> pool;
    for (unsigned j = 0; j < std::min<size_t>(jobs, results.size()); ++j) pool.emplace_back(worker);
    for (auto& t : pool) t.join();
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (!quiet && tty) std::fputc('\n', stderr);

    size_t width = 4;
    for (const auto& r : results) width = std::max(width, r.name.size());
    std::printf("%-*s  %-6s  %14s  %8s  %s\n", int(width), "test", "result", "instructions", "seconds", "detail");
    for (const auto& r : results) {
        const bool pass = r.outcome.exit_code == kExitPass;
        std::string detail = !r.error.empty() ? r.error : r.outcome.message;
        std::printf("%-*s  %-6s  %14llu  %8.3f  %s\n", int(width), r.name.c_str(), pass ? "PASS" : "FAIL",
                    (unsigned long long)r.outcome.instructions, r.outcome.seconds, detail.c_str());
    }
    std::printf("%zu passed, %zu failed (%zu programs, %.2f s, -j %u)\n", results.size() - failed.load(), failed.load(),
                results.size(), secs, jobs);
    if (!junit.empty()) write_junit(junit, results, secs);
    return failed.load() ? kExitFail : kExitPass;
}

}  // namespace cli
