// Lecture row 5, overprovisioning: more vCPUs than harts. Three VMs of two
// vCPUs each share two harts (3:1). Each vCPU runs a periodic job
// (firmware/guests/periodic.c): 1 ms of work every 10 ms for 50 ms, then
// 5 ms every 10 ms (all peak at once), then 1 ms again; a job that ends
// after its period is a missed deadline. Figures: hart utilization per
// phase from stepvisor's event log (time in V=1 over hart time) and the
// deadlines the guests missed, beside the same job on one VM of two vCPUs
// on the same two harts (1:1, no overprovisioning), run as a second machine.
#include <map>
#include <regex>

#include "ui/scenarios/hv_setup.hpp"
#include "ui/scenarios/scenario.hpp"

namespace scen {
namespace {

using namespace hvsetup;

constexpr uint64_t kCyclesPerMs = 1'000'000;   // the cycle model's 1 GHz harts
constexpr uint64_t kPhaseMs = 50, kPeriodMs = 10;
const char* const kPhases[3] = {"low", "peak", "low-again"};

// Time each hart spends in V=1, and how much of it falls in a window.
class Utilization {
public:
    void observe(const emu::Event& e) {
        if (e.kind == emu::EventKind::VmEntry) since_[e.hart] = e.cycle, in_[e.hart] = true;
        if (e.kind == emu::EventKind::VmExit && in_[e.hart]) {
            spans_.push_back({since_[e.hart], e.cycle});
            in_[e.hart] = false;
        }
    }
    double percent(uint64_t from, uint64_t to, unsigned harts) const {
        uint64_t busy = 0;
        for (auto [a, b] : spans_) {
            uint64_t lo = std::max(a, from), hi = std::min(b, to);
            if (hi > lo) busy += hi - lo;
        }
        return to > from ? 100.0 * double(busy) / double((to - from) * harts) : 0.0;
    }

private:
    std::vector<std::pair<uint64_t, uint64_t>> spans_;
    uint64_t since_[256] = {};
    bool in_[256] = {};
};

struct Outcome {
    double util[3] = {};
    int64_t misses[3] = {}, vcpus = 0;
};

// The phases start one period after the first VM's "periodic: N vCPUs" line.
Outcome measure(const std::string& console, const std::function<uint64_t(size_t)>& line_cycle,
                const Utilization& u, unsigned harts) {
    Outcome o;
    size_t at = console.find("periodic: ");
    if (at == std::string::npos) return o;
    uint64_t start = line_cycle(at) + kPeriodMs * kCyclesPerMs;
    for (int p = 0; p < 3; p++)
        o.util[p] = u.percent(start + p * kPhaseMs * kCyclesPerMs, start + (p + 1) * kPhaseMs * kCyclesPerMs, harts);
    static const std::regex missed(R"(periodic: vCPU \d+ missed (\d+), (\d+), (\d+) deadlines)");
    for (auto it = std::sregex_iterator(console.begin(), console.end(), missed); it != std::sregex_iterator(); ++it) {
        o.vcpus++;
        for (int p = 0; p < 3; p++) o.misses[p] += std::stoll((*it)[p + 1]);
    }
    return o;
}

HvSetup setup(unsigned vms) {
    HvSetup s;
    s.harts = 2;
    static const char* names[] = {"jobs-a", "jobs-b", "jobs-c"};
    for (unsigned i = 0; i < vms; i++) s.vms.push_back(guest("periodic", names[i], 2 * hvtable::kMiB, 2));
    return s;
}

class Overprovisioning : public Scenario {
public:
    std::string name() const override { return "overprovisioning"; }
    std::string summary() const override {
        return "6 vCPUs on 2 harts with demand that rises and falls: utilization and missed deadlines vs 2 vCPUs";
    }
    std::string intro() const override {
        return "Three VMs with two vCPUs each on a machine with two harts: three vCPUs per hart. Each vCPU\n"
               "runs a periodic job: 1 ms of work in every 10 ms period, then for 50 ms 5 ms of work (all\n"
               "at once: the peak), then 1 ms again. A job that is not done by the end of its period has\n"
               "missed its deadline. Idle vCPUs sleep in WFI, so hv gives their harts to others. The same\n"
               "job on one VM with two vCPUs (no overprovisioning) runs afterwards for comparison.";
    }
    std::unique_ptr<emu::Machine> build(emu::MachineConfig cfg) const override {
        return build_hv_machine(cfg, setup(3));
    }
    std::vector<Step> steps() const override {
        return {
            {"started", "six vCPUs on two harts", Condition::console("periodic: 2 vCPUs"),
             "Each VM started its second vCPU (SBI HSM): six vCPUs now share the two harts."},
            {"first-wfi", "a vCPU waits for its next period", Condition::on(emu::EventKind::VmExit,
                 [](const emu::Event& e) { return !e.interrupt && e.cause == 22; }),
             "A vCPU finished its 1 ms job and executed WFI until its next period: a VM exit (virtual\n"
             "instruction); hv runs another vCPU on the hart meanwhile. That is why 3 vCPUs per hart\n"
             "work while demand is low."},
            {"all-done", "the jobs are over", Condition::halted(),
             "Every vCPU reported its missed deadlines. At the peak the six vCPUs asked for 3 harts'\n"
             "worth of work every period, and there are 2."},
        };
    }
    void observe(const emu::Event& e) override { util_.observe(e); }

    std::vector<Figure> figures(const RunView& run) override {
        FigureList list;
        auto add = [&](const char* g, const std::string& k, const Outcome& o) {
            list.add(g, k + ".vcpus", "vCPUs", o.vcpus);
            for (int p = 0; p < 3; p++) {
                std::string ph = kPhases[p];
                list.add(g, k + ".util." + ph, ph + " phase: hart utilization (event log, time in V=1)", o.util[p], "%");
                list.add(g, k + ".misses." + ph, "  deadlines missed (the guests' counts)", o.misses[p]);
            }
        };
        add("with overprovisioning: 3 VMs x 2 vCPUs on 2 harts", "with", measure(run.console, run.line_cycle, util_, 2));
        add("without: 1 VM x 2 vCPUs on 2 harts", "without", compare(run));
        return list.take();
    }
    std::vector<Check> checks(const std::vector<Figure>& f, const RunView& run) override {
        auto n = [&](const std::string& k) { return number(f, k); };
        std::vector<Check> c;
        c.push_back({"both runs reported every vCPU", n("with.vcpus") == 6 && n("without.vcpus") == 2, ""});
        c.push_back({"without overprovisioning no deadline is missed, even at the peak",
                     n("without.misses.low") == 0 && n("without.misses.peak") == 0 && n("without.misses.low-again") == 0, ""});
        c.push_back({"with it, none is missed while demand is low",
                     n("with.misses.low") == 0 && n("with.misses.low-again") == 0, ""});
        c.push_back({"with it, deadlines are missed when all peak at once (3 harts asked of 2)", n("with.misses.peak") > 0, ""});
        double ratio = n("without.util.low") > 0 ? n("with.util.low") / n("without.util.low") : 0;
        c.push_back({"at low demand three times the vCPUs keep the harts three times as busy (2.4..3.6x)",
                     ratio >= 2.4 && ratio <= 3.6, std::to_string(ratio)});
        c.push_back({"at the peak the harts are nearly always busy (>= 90%)", n("with.util.peak") >= 90, ""});
        c.push_back({"the machine powered off normally", run.halted && run.machine.exit_code() == 0, ""});
        return c;
    }

private:
    // The same jobs on one VM (two vCPUs, two harts): a second machine.
    Outcome compare(const RunView& run) {
        emu::MachineConfig cfg = run.machine.config();
        std::string console;
        struct LineEnd { size_t offset; uint64_t cycle; };
        std::vector<LineEnd> ends;
        emu::Machine* mp = nullptr;
        cfg.console = [&](uint8_t b) {
            console.push_back(char(b));
            if (b == '\n') ends.push_back({console.size() - 1, mp ? mp->cycles() : 0});
        };
        auto m = build_hv_machine(cfg, setup(1));
        mp = m.get();
        Utilization u;
        uint64_t seq = 0;
        while (!m->halted() && m->instructions() < budget()) {
            m->run(20'000);
            for (const auto& e : m->events().since(seq)) u.observe(e);
            seq = m->events().total();
        }
        auto line_cycle = [&](size_t at) {
            for (const auto& l : ends)
                if (l.offset >= at) return l.cycle;
            return m->cycles();
        };
        return measure(console, line_cycle, u, 2);
    }

    Utilization util_;
};

}  // namespace

std::unique_ptr<Scenario> make_overprovisioning() { return std::make_unique<Overprovisioning>(); }

}  // namespace scen
