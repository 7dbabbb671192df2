// stepvisor test PATHS...: many test programs in parallel, one machine per
// program, with a progress line, a summary table and JUnit XML for CI.
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <mutex>
#include <thread>

#include "commands.hpp"
#include "junit.hpp"
#include "run_loop.hpp"
#include "test_suite.hpp"

namespace cli {
namespace {
const char* const kTestHelp =
    "usage: stepvisor test [options] PATHS...\n"
    "\n"
    "Runs every ELF program named, and every RV64 ELF executable found at any\n"
    "depth under a named folder (sources, dumps, other files, RV32 and host ELFs\n"
    "and folders without programs are left out; nothing found at all is an error),\n"
    "each on its own machine, several at once. A program passes when it reports\n"
    "pass through HTIF tohost or powers off with code 0; it fails when it reports\n"
    "failure, reaches a limit, or loops in its trap handler (--trap-loop).\n"
    "Exit status: 0 when all pass, 1 when any fails, 2 on bad input.\n"
    "\n"
    "test options:\n"
    "  -j N             programs run at once (default: the number of host CPUs)\n"
    "  --shard K/N      run only the K-th of N slices (1 <= K <= N): the programs,\n"
    "                   sorted by path, at positions K, K+N, K+2N, ...; the N shards of\n"
    "                   one command run each program once (for CI matrices, job arrays)\n"
    "  --junit FILE     write a JUnit XML report: one <testsuite> named after the shard,\n"
    "                   with the ISA, the shard and the limits in its <properties>\n"
    "  --quiet          no progress line\n"
    "  per-program limits default to --max-insns 2000000000 --timeout 120\n";

struct Result {
    TestProgram program;
    Outcome outcome;
    std::string error;  // the program could not be loaded
};

void report_junit(const std::string& path, const std::vector<Result>& results, double seconds, const MachineOptions& opt,
                  Shard shard, size_t found) {
    JunitSuite s;
    s.name = shard.all() ? "stepvisor" : "stepvisor shard " + shard.str();
    s.seconds = seconds;
    s.properties = {{"isa", opt.config.isa.str()},
                    {"shard", shard.str()},
                    {"programs-found", std::to_string(found)},
                    {"harts", std::to_string(opt.config.harts)},
                    {"max-insns", std::to_string(opt.max_insns)},
                    {"timeout", std::to_string(opt.timeout_s)},
                    {"trap-loop", std::to_string(opt.trap_loop)}};
    for (const auto& r : results) {
        JunitCase c{r.program.name, r.outcome.seconds, JunitCase::Pass, {}};
        if (!r.error.empty()) c = {r.program.name, r.outcome.seconds, JunitCase::Error, r.error};
        else if (r.outcome.exit_code != kExitPass) c = {r.program.name, r.outcome.seconds, JunitCase::Failure, r.outcome.message};
        s.cases.push_back(c);
    }
    write_junit(path, s);
}

}  // namespace

int cmd_test(const std::vector<std::string>& args) {
    MachineOptions opt;
    opt.max_insns = 2'000'000'000;
    opt.timeout_s = 120;
    unsigned jobs = std::max(1u, std::thread::hardware_concurrency());
    std::string junit;
    bool quiet = false;
    Shard shard;
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
        else if (a == "--shard") shard = parse_shard(value_of(args, i));
        else if (a == "--quiet" || a == "-q") quiet = true;
        else if (!a.empty() && a[0] == '-') throw UsageError("test: unknown option " + a + " (see stepvisor test --help)");
        else paths.push_back(a);
    }
    if (paths.empty()) throw UsageError("test: no programs given (usage: stepvisor test [options] PATHS...)");
    if (!junit.empty()) check_writable(junit, "--junit");
    const TestSuite suite = find_test_programs(paths);
    std::vector<Result> results;
    for (auto& p : shard_of(suite.programs, shard)) results.push_back({p, {}, {}});
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
                auto m = make_machine(o, r.program.path);
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
                             d - failed.load(), failed.load(), r.program.name.c_str(), tty ? "" : "\n");
            }
        }
    };
    std::vector<std::thread> pool;
    for (unsigned j = 0; j < std::min<size_t>(jobs, results.size()); ++j) pool.emplace_back(worker);
    for (auto& t : pool) t.join();
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (!quiet && tty) std::fputc('\n', stderr);

    size_t width = 4;
    for (const auto& r : results) width = std::max(width, r.program.name.size());
    std::printf("%-*s  %-6s  %14s  %8s  %s\n", int(width), "test", "result", "instructions", "seconds", "detail");
    for (const auto& r : results) {
        const bool pass = r.outcome.exit_code == kExitPass;
        std::string detail = !r.error.empty() ? r.error : r.outcome.message;
        std::printf("%-*s  %-6s  %14llu  %8.3f  %s\n", int(width), r.program.name.c_str(), pass ? "PASS" : "FAIL",
                    (unsigned long long)r.outcome.instructions, r.outcome.seconds, detail.c_str());
    }
    const Result* slowest = nullptr;
    for (const auto& r : results)
        if (!slowest || r.outcome.seconds > slowest->outcome.seconds) slowest = &r;
    std::string of = shard.all() ? "" : " of shard " + shard.str() + ", " + std::to_string(suite.programs.size()) + " found";
    std::string slow = slowest ? "; slowest " + slowest->program.name + " " +
                                     std::to_string(slowest->outcome.seconds).substr(0, 5) + " s"
                               : "";
    std::printf("%zu passed, %zu failed (%zu programs%s, %.2f s, -j %u%s)\n", results.size() - failed.load(),
                failed.load(), results.size(), of.c_str(), secs, jobs, slow.c_str());
    if (suite.other_elfs)
        std::printf("left out: %zu ELF file%s that %s no RV64 executable%s, e.g. %s\n", suite.other_elfs,
                    suite.other_elfs == 1 ? "" : "s", suite.other_elfs == 1 ? "is" : "are",
                    suite.other_elfs == 1 ? "" : "s", suite.other_example.c_str());
    if (!junit.empty()) report_junit(junit, results, secs, opt, shard, suite.programs.size());
    return failed.load() ? kExitFail : kExitPass;
}

}  // namespace cli
