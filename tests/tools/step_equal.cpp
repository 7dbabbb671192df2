// step-equal: runs each image on the fast path and again one instruction per
// Machine::run(1) call (how the debugger's `step` and the GUI's Step drive
// the machine), once more with a breakpoint armed where nothing runs (the
// checking loop every breakpoint, trigger and event consumer uses), and on
// the fast path without time skipping (emu/spin.cpp), and requires the same
// run from all of them: per hart instret, cycle, mcycle,
// minstret, pc and registers, the machine's mtime, the console output, the exit code,
// and every event (kind, hart, cycle, instret, pc, cause, values, modes).
//
//   step-equal [--max-insns N] [--isa STR] [--harts N] [--expect-skips] ELF...
//
// --expect-skips: the fast run of each ELF named must have skipped time (else
// the comparison with the run without skipping shows nothing); riscv-tests'
// programs never wait, so it asks nothing of them.
//
// With STEPVISOR_RISCV_TESTS naming riscv-tests' isa folder, its rv64* ELFs
// are compared too.
// Prints one line per image; the exit status is 1 when any image differs.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <filesystem>
#include <fstream>
#include <algorithm>
#include <string>
#include <vector>

#include "emu/loader.hpp"
#include "emu/machine.hpp"
#include "isa/csr.hpp"
#include "isa/hex.hpp"

namespace {

enum class Mode { Fast, Step, Checked, NoSkip };
const char* mode_name(Mode m) {
    return m == Mode::Fast ? "fast" : m == Mode::Step ? "step" : m == Mode::Checked ? "checked" : "no time skipping";
}

struct Outcome {
    std::string console, summary;
    std::vector<emu::Event> events;
    uint64_t steps = 0, skipped = 0;
    bool lost_events = false;
};

using isa::hex;

std::string describe_event(const emu::Event& e) {
    return std::string(emu::event_kind_name(e.kind)) + " hart " + std::to_string(e.hart) + " cycle " +
           std::to_string(e.cycle) + " instret " + std::to_string(e.instret) + " pc " + hex(e.pc) + " cause " +
           hex(e.cause) + " tval " + hex(e.tval) + " tval2 " + hex(e.tval2) + " tinst " + hex(e.tinst) + " csr " +
           hex(e.csr) + " value " + hex(e.value) + " va " + hex(e.va) + " pa " + hex(e.pa) + " access " +
           std::to_string(unsigned(e.access)) + " exit " + std::to_string(e.exit_code) + (e.mret ? " mret " : " ") +
           emu::priv_name(e.from_priv, e.from_v, true) + "->" +
           emu::priv_name(e.to_priv, e.to_v, true) + (e.interrupt ? " interrupt" : "");
}

bool same(const emu::Event& a, const emu::Event& b) { return describe_event(a) == describe_event(b); }

Outcome run(const emu::Image& img, const emu::MachineConfig& base, Mode mode, uint64_t max_insns) {
    Outcome o;
    emu::MachineConfig cfg = base;
    cfg.console = [&o](uint8_t c) { o.console.push_back(char(c)); };
    if (mode == Mode::NoSkip) cfg.skip_spins = false;
    emu::Machine m(cfg);
    m.load(img);
    // A breakpoint nothing reaches (the boot ROM's last halfword): every
    // instruction goes through the checking loop.
    if (mode == Mode::Checked) m.add_breakpoint(emu::map::kBootRom + emu::map::kBootRomSize - 2);
    uint64_t drained = 0;
    auto drain = [&] {
        const uint64_t total = m.events().total();
        auto ev = m.events().since(drained);
        if (total - drained > ev.size()) o.lost_events = true;
        o.events.insert(o.events.end(), ev.begin(), ev.end());
        drained = total;
    };
    // The fast run in slices short enough that the event ring never wraps.
    const uint64_t slice = mode == Mode::Step ? 1 : 20000;
    while (!m.halted() && m.steps() < max_insns) {
        const emu::StopReason r = m.run(std::min(slice, max_insns - m.steps()));
        drain();
        if (r == emu::StopReason::Idle) break;
    }
    o.steps = m.steps();
    o.skipped = m.time_skipped_instructions();
    std::string& s = o.summary;
    s += "steps " + std::to_string(m.steps()) + " halted " + std::to_string(m.halted()) + " exit " +
         std::to_string(m.exit_code()) + " mtime " + std::to_string(m.mtime());
    for (unsigned i = 0; i < m.hart_count(); ++i) {
        emu::Hart& h = m.hart(i);
        s += "\n  hart " + std::to_string(i) + ": instret " + std::to_string(h.instret) + " cycle " +
             std::to_string(h.cycle) + " mcycle " + std::to_string(h.csr_peek(uint16_t(isa::Csr::MCYCLE)).value_or(0)) +
             " minstret " + std::to_string(h.csr_peek(uint16_t(isa::Csr::MINSTRET)).value_or(0)) + " pc " + hex(h.pc) +
             " mode " + emu::priv_name(h.priv, h.virt, true) + "\n    x:";
        for (unsigned r = 1; r < 32; ++r) s += " " + hex(h.x[r]);
        s += "\n    f:";
        for (unsigned r = 0; r < 32; ++r) s += " " + hex(h.f[r]);
    }
    return o;
}

// The first difference between two outcomes, or empty.
std::string compare(const Outcome& a, const Outcome& b) {
    if (a.summary != b.summary) return "counters differ:\n" + a.summary + "\n" + b.summary;
    if (a.console != b.console) return "console output differs";
    for (size_t i = 0; i < std::min(a.events.size(), b.events.size()); ++i)
        if (!same(a.events[i], b.events[i]))
            return "event " + std::to_string(i) + " differs:\n  " + describe_event(a.events[i]) + "\n  " +
                   describe_event(b.events[i]);
    if (a.events.size() != b.events.size())
        return "event counts differ: " + std::to_string(a.events.size()) + " vs " + std::to_string(b.events.size());
    return {};
}

}  // namespace

int main(int argc, char** argv) {
    uint64_t max_insns = 20'000'000;
    bool expect_skips = false;
    emu::MachineConfig cfg;
    std::vector<std::string> files;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--max-insns" && i + 1 < argc) max_insns = std::strtoull(argv[++i], nullptr, 0);
        else if (a == "--expect-skips") expect_skips = true;
        else if (a == "--harts" && i + 1 < argc) cfg.harts = unsigned(std::strtoul(argv[++i], nullptr, 0));
        else if (a == "--isa" && i + 1 < argc) {
            const std::string err = emu::IsaConfig::parse(argv[++i], cfg.isa);
            if (!err.empty()) { std::fprintf(stderr, "step-equal: --isa: %s\n", err.c_str()); return 2; }
        } else files.push_back(a);
    }
    const size_t named = files.size();
    if (const char* dir = std::getenv("STEPVISOR_RISCV_TESTS"); dir && std::filesystem::is_directory(dir)) {
        std::vector<std::string> found;
        for (const auto& e : std::filesystem::directory_iterator(dir)) {
            const std::string name = e.path().filename().string();
            if (!e.is_regular_file() || name.rfind("rv64", 0) != 0 || name.ends_with(".dump")) continue;
            char magic[4] = {};
            std::ifstream(e.path(), std::ios::binary).read(magic, 4);
            if (std::memcmp(magic, "\x7f" "ELF", 4) == 0) found.push_back(e.path().string());
        }
        std::sort(found.begin(), found.end());
        files.insert(files.end(), found.begin(), found.end());
    }
    if (files.empty()) {
        std::fprintf(stderr, "usage: step-equal [--max-insns N] [--isa STR] [--harts N] [--expect-skips] ELF...\n");
        return 2;
    }
    int failed = 0;
    for (size_t i = 0; i < files.size(); ++i) {
        const std::string& f = files[i];
        try {
            const emu::Image img = emu::load_image_file(f);
            const Outcome fast = run(img, cfg, Mode::Fast, max_insns);
            std::string diff;
            if (expect_skips && i < named && fast.skipped == 0) diff = "the fast run skipped no time";
            for (Mode mode : {Mode::Step, Mode::Checked, Mode::NoSkip}) {
                if (!diff.empty()) break;
                const Outcome other = run(img, cfg, mode, max_insns);
                if (other.lost_events || fast.lost_events) diff = "the event ring wrapped: events lost";
                else if (std::string d = compare(fast, other); !d.empty()) diff = std::string("fast vs ") + mode_name(mode) + ": " + d;
            }
            std::printf("%s %s (%llu instructions, %llu of them skipped as waits, %zu events)\n",
                        diff.empty() ? "same" : "DIFFERENT", f.c_str(), (unsigned long long)fast.steps,
                        (unsigned long long)fast.skipped, fast.events.size());
            if (!diff.empty()) {
                std::printf("  %s\n", diff.c_str());
                failed = 1;
            }
        } catch (const std::exception& e) {
            std::printf("ERROR %s: %s\n", f.c_str(), e.what());
            failed = 1;
        }
        std::fflush(stdout);
    }
    return failed;
}
