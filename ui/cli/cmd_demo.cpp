// stepvisor demo [NAME]: built-in runs that need no files (their images are
// embedded in the binary), each with narration and measured figures.
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

#include "commands.hpp"
#include "isa/causes.hpp"
#include "run_loop.hpp"
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

}  // namespace

int cmd_demo(const std::vector<std::string>& args) {
    MachineOptions opt;
    std::string name = "tour";
    for (size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        if (a == "-h" || a == "--help" || a == "--list") {
            std::puts("usage: stepvisor demo [--list] [NAME]\n\nbuilt-in demos (default: tour):");
            for (const auto& d : demos()) std::printf("  %-10s %s\n", d.name, d.summary);
            return 0;
        }
        if (parse_machine_option(args, i, opt)) continue;
        if (!a.empty() && a[0] == '-') throw UsageError("demo: unknown option " + a + " (see stepvisor demo --help)");
        name = a;
    }
    for (const auto& d : demos())
        if (name == d.name) return d.run(opt);
    throw UsageError("demo: no demo named '" + name + "' (stepvisor demo --list names them)");
}

}  // namespace cli
