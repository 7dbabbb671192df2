// stepvisor demo [NAME]: built-in runs that need no files (their images are
// embedded in the binary), each with narration and measured figures.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "commands.hpp"
#include "isa/causes.hpp"
#include "ui/scenarios/scenario.hpp"
#include "run_loop.hpp"
#include "stop_signal.hpp"
#include "ui/embedded.hpp"
#include "walk_text.hpp"

namespace cli {
namespace {

struct Demo {
    const char* name;
    const char* summary;
    std::function<int(const MachineOptions&)> run;
};

emu::Image embedded_image(const char* name) {
    auto bytes = embedded::find(name);
    if (!bytes) throw UsageError(std::string("demo: image '") + name + "' is not embedded in this build");
    return emu::parse_elf(*bytes, name);
}

const char* const kModeNames[5] = {"U", "S", "VU", "VS", "M"};

void print_figures(emu::Machine& m, const Outcome& o) {
    const emu::EventLog& ev = m.events();
    std::printf("\n-- figures (from the event log) --\n");
    std::printf("  instructions retired   %llu\n", (unsigned long long)o.instructions);
    std::printf("  cycles (cycle model)   %llu   = %.3f ms at 1 GHz; mtime advanced %llu ticks at 10 MHz\n",
                (unsigned long long)o.cycles, double(o.cycles) / 1e6, (unsigned long long)(o.cycles / 100));
    std::printf("  host time              %.3f s (%.0f MIPS)\n", o.seconds,
                o.seconds > 0 ? double(o.instructions) / o.seconds / 1e6 : 0.0);
    std::printf("  privilege transitions:\n");
    for (unsigned f = 0; f < 5; ++f)
        for (unsigned t = 0; t < 5; ++t)
            if (uint64_t n = ev.transitions(f, t))
                std::printf("    %-2s -> %-2s  %llu\n", kModeNames[f], kModeNames[t], (unsigned long long)n);
    std::printf("  traps by cause:\n");
    for (uint64_t c = 0; c < 64; ++c)
        if (uint64_t n = ev.traps(c))
            std::printf("    %-32s %llu\n", std::string(isa::cause_name(c, false)).c_str(), (unsigned long long)n);
    std::printf("  satp writes            %llu\n", (unsigned long long)ev.count(emu::EventKind::AtpWrite));
    std::printf("  TLB fills              %llu (each one a page-table walk of up to 3 reads x %u cycles)\n",
                (unsigned long long)ev.count(emu::EventKind::TlbFill), emu::CycleModel::kPteRead);
}

int demo_tour(const MachineOptions& base) {
    std::puts("== stepvisor tour: one program from M-mode into S-mode with Sv39 paging ==\n");
    std::puts("The program (firmware/bench, built with the project and embedded in stepvisor)");
    std::puts("starts in M-mode at 0x80000000 like firmware on a QEMU virt board. It builds Sv39");
    std::puts("page tables, writes satp, and drops to S-mode with mret. Its kernels then run with");
    std::puts("every fetch, load and store translated; an ecall kernel traps back into M-mode.");
    std::puts("The console below is the guest's UART.\n");
    std::puts("-- console --");
    std::fflush(stdout);
    emu::Image img = embedded_image("bench-s-quick");
    MachineOptions opt = base;
    auto m = std::make_unique<emu::Machine>(opt.config);
    m->load(img);
    Outcome o = run_to_end(*m, opt);
    std::fflush(stdout);
    print_figures(*m, o);
    // A data page the program mapped with 4 KiB pages (firmware/bench/start.S).
    std::puts("\n-- the walk of a data address, as the hart would do it now --");
    std::fputs(walk_text(m->hart(0), 0x2000000000ull + 0x1234).c_str(), stdout);
    std::puts("\nTry it yourself: `stepvisor debug FILE` steps through any program, with");
    std::puts("`until trap`, `until priv`, `pt VADDR`, `regs`, `events`.");
    if (!o.message.empty()) std::fprintf(stderr, "stepvisor: demo tour: %s\n", o.message.c_str());
    return o.exit_code;
}

const std::vector<Demo>& demos() {
    static const std::vector<Demo> d = {
        {"tour", "a program from M-mode into S-mode with Sv39 paging: transitions, traps, walks", demo_tour},
    };
    return d;
}

// A lecture scenario, headless: narration as checkpoints are reached (with
// the machine's console lines in between, in cycle order), then the figures
// and the checks that decide the exit code.
int run_scenario(const scen::Entry& entry, const MachineOptions& opt, const std::string& json_path, bool quiet) {
    std::unique_ptr<scen::ScenarioRun> run;
    try {
        run = std::make_unique<scen::ScenarioRun>(entry.make(), opt.config);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "stepvisor: demo %s: %s\n", entry.name.c_str(), e.what());
        return kExitFail;
    }
    scen::Scenario& s = run->scenario();
    std::printf("== %s: %s ==\n\n%s\n", s.name().c_str(), s.summary().c_str(), s.intro().c_str());
    const size_t nsteps = run->steps().size();
    uint64_t budget = opt.max_insns ? opt.max_insns : s.budget();
    using clock = std::chrono::steady_clock;
    const auto t0 = clock::now();
    auto slice_t0 = t0;
    // On the current part's machine (a scenario of several parts changes it).
    std::optional<emu::Machine::ScopedYield> yield;
    emu::Machine* yielding = nullptr;
    bool timed_out = false;
    while (!run->done() && budget) {
        if (yielding != &run->machine()) {
            yield.reset();
            yielding = &run->machine();
            yield.emplace(*yielding, [&] { return stop_signal() || clock::now() - slice_t0 >= std::chrono::milliseconds(20); });
        }
        if (stop_signal()) break;
        if (opt.timeout_s > 0 && std::chrono::duration<double>(clock::now() - t0).count() >= opt.timeout_s) {
            timed_out = true;
            break;
        }
        slice_t0 = clock::now();
        uint64_t before = run->instructions();
        auto reached = run->advance(std::min<uint64_t>(budget, 200'000));
        budget -= std::min(budget, std::max<uint64_t>(run->instructions() - before, 1));
        // Merge this slice's console lines and checkpoints by cycle.
        struct Item { uint64_t cycle; int order; std::string text; };
        std::vector<Item> items;
        int order = 0;
        for (auto& [cyc, line] : run->take_console_lines())
            if (!quiet) items.push_back({cyc, order++, "    | " + line});
        for (const auto& r : reached) {
            const scen::Step& st = run->steps()[r.step];
            std::string t = "\n[" + std::to_string(r.step + 1) + "/" + std::to_string(nsteps) + "] " + st.title +
                            "  (cycle " + std::to_string(r.cycle) + ")\n";
            if (!r.detail.empty()) t += "    event: " + r.detail + "\n";
            std::string n = st.narration;
            for (size_t p = 0; (p = n.find('\n', p)) != std::string::npos; p += 2) n.replace(p, 1, "\n  ");
            t += "  " + n + "\n";
            items.push_back({r.cycle, order++, t});
        }
        std::stable_sort(items.begin(), items.end(), [](const Item& a, const Item& b) { return a.cycle < b.cycle; });
        for (const auto& it : items) std::puts(it.text.c_str());
        std::fflush(stdout);
    }
    auto result = run->finish();
    std::printf("\n-- figures (%s) --\n", s.name().c_str());
    std::string group;
    for (const auto& f : result.figures) {
        if (f.group != group) std::printf("  %s\n", (group = f.group).c_str());
        std::string v = scen::value_text(f.value);
        if (!f.unit.empty()) v += " " + f.unit;
        std::printf("    %-66s %s\n", f.label.c_str(), v.c_str());
    }
    std::printf("\n-- checks --\n");
    for (const auto& c : result.checks)
        std::printf("  %s  %s%s%s\n", c.ok ? "ok  " : "FAIL", c.name.c_str(), c.detail.empty() ? "" : ": ",
                    c.detail.c_str());
    const int sig = run->done() ? 0 : stop_signal();
    std::string msg = run->stop_message();
    if (!msg.empty() && !timed_out && !sig) std::fprintf(stderr, "stepvisor: demo %s: %s\n", s.name().c_str(), msg.c_str());
    if (!json_path.empty()) {
        std::ofstream out(json_path, std::ios::binary);
        out << scen::to_json(*run, result);
        if (!out) throw UsageError("demo: cannot write " + json_path);
    }
    if (timed_out) {
        std::fprintf(stderr, "stepvisor: demo %s: stopped after %g s (--timeout) before the scenario's end\n",
                     s.name().c_str(), opt.timeout_s);
        return kExitLimit;
    }
    if (sig) {
        std::fprintf(stderr, "stepvisor: demo %s: stopped by %s before the scenario's end\n", s.name().c_str(),
                     signal_name(sig).c_str());
        return 128 + sig;
    }
    std::printf("\n%s: %s\n", s.name().c_str(), result.ok ? "every check holds" : "a check failed");
    return result.ok ? kExitPass : kExitFail;
}

}  // namespace

int cmd_demo(const std::vector<std::string>& args) {
    MachineOptions opt;
    std::string name = "tour", json;
    bool quiet = false;
    for (size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        if (a == "-h" || a == "--help" || a == "--list") {
            if (a != "--list")
                std::puts("usage: stepvisor demo [--list] [NAME] [--json FILE] [--quiet]\n\n"
                          "  --list       name every demo and lecture scenario\n"
                          "  --json FILE  write the scenario's figures, checks and checkpoints (with cycles)\n"
                          "  --quiet      narration only, without the machine's console lines\n\n"
                          "SIGINT or SIGTERM stops a demo with its figures and --json written (exit 130/143).\n");
            std::puts("built-in demos (default: tour):");
            for (const auto& d : demos()) std::printf("  %-16s %s\n", d.name, d.summary);
            std::puts("lecture scenarios (exit 0 when the scenario's checks hold):");
            for (const auto& e : scen::registry()) std::printf("  %-16s %s\n", e.name.c_str(), e.summary.c_str());
            return 0;
        }
        if (a == "--json") { json = value_of(args, i); continue; }
        if (a == "--quiet") { quiet = true; continue; }
        if (parse_machine_option(args, i, opt)) continue;
        if (!a.empty() && a[0] == '-') throw UsageError("demo: unknown option " + a + " (see stepvisor demo --help)");
        name = a;
    }
    catch_stop_signals();
    if (const scen::Entry* e = scen::find(name)) return run_scenario(*e, opt, json, quiet);
    if (!json.empty()) throw UsageError("demo: --json is for lecture scenarios; '" + name + "' is not one");
    for (const auto& d : demos())
        if (name == d.name) return d.run(opt);
    throw UsageError("demo: no demo named '" + name + "' (stepvisor demo --list names them)");
}

}  // namespace cli
