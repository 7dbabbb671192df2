// Lecture row 4, CPU virtualization: VMs ask for a number of vCPUs and a
// clock rate; hv gives each vCPU its share of a hart. On two 1 GHz-class
// harts ("2 GHz" in the lecture's terms: a share of 50% is a 1 GHz vCPU),
// VM "two-at-1ghz" asks for 2 vCPUs at 50%, "one-at-500mhz" and
// "two-at-500mhz"... for 1 at 25% each: 1.5 harts in all, so every vCPU
// can get what it asked. Each guest (firmware/guests/smp.c) spins for 100 ms,
// counting units of work. Figures: per vCPU the share asked and the share
// hv measured; per VM the hart time stepvisor's event log saw in V=1 under
// its hgatp, against hv's own count; the guests' units.
#include <map>
#include <cmath>
#include <regex>
#include <sstream>

#include "ui/scenarios/hv_setup.hpp"
#include "ui/scenarios/scenario.hpp"

namespace scen {
namespace {

using namespace hvsetup;

struct VcpuShare {
    std::string vm;
    unsigned vcpu = 0, asked = 0;
    double got = 0;
    uint64_t ran_us = 0, life_us = 0;
};

std::vector<VcpuShare> parse_shares(const std::string& console) {
    std::vector<VcpuShare> out;
    static const std::regex row(R"(hv: (vm\d+)\s+vCPU (\d+)\s+asked\s+(\d+)%\s+got\s+([\d.]+)%\s+\((\d+) of (\d+) us\))");
    for (auto it = std::sregex_iterator(console.begin(), console.end(), row); it != std::sregex_iterator(); ++it) {
        const auto& m = *it;
        out.push_back({m[1], unsigned(std::stoul(m[2])), unsigned(std::stoul(m[3])), std::stod(m[4]),
                       std::stoull(m[5]), std::stoull(m[6])});
    }
    return out;
}

class CpuShares : public Scenario {
public:
    static constexpr double kTolerance = 6.0;  // percentage points of a hart

    std::string name() const override { return "cpu-shares"; }
    std::string summary() const override {
        return "VMs ask for vCPUs at a clock rate (a share of a hart); hv caps each vCPU: share asked vs share got";
    }
    std::string intro() const override {
        return "Two harts, three VMs. A VM asks for vCPUs and a clock rate: on a 2 GHz hart a 1 GHz vCPU\n"
               "gets 50% of the hart's time. hv enforces that as a cap: in every 10 ms period a 50% vCPU\n"
               "runs at most 5 ms, then it is throttled until the next period, even if a hart is idle.\n"
               "  two-at-1ghz    2 vCPUs at 50%\n"
               "  one-at-500mhz  1 vCPU  at 25%\n"
               "  also-500mhz    1 vCPU  at 25%\n"
               "That is 1.5 harts of the 2 there are, so each vCPU should get what it asked for.";
    }
    std::unique_ptr<emu::Machine> build(emu::MachineConfig cfg) const override {
        HvSetup s;
        s.harts = 2;
        s.vms = {guest("smp", "two-at-1ghz", 4 * hvtable::kMiB, 2, 50), guest("smp", "one-at-500mhz", 4 * hvtable::kMiB, 1, 25),
                 guest("smp", "also-500mhz", 4 * hvtable::kMiB, 1, 25)};
        return build_hv_machine(cfg, s);
    }
    std::vector<Step> steps() const override {
        return {
            {"harts-up", "hv runs on both harts", Condition::console("running on 2 hart(s)"),
             "The boot hart created the VMs and started the other hart through SBI HSM; both now\n"
             "take vCPUs from one run queue."},
            {"second-vcpu", "a guest starts its second vCPU", Condition::console("vCPU 1 arrived"),
             "two-at-1ghz's vCPU 0 called SBI HSM hart_start: hv made its vCPU 1 runnable, and a\n"
             "hart picked it up. A vCPU is a thread of hv's scheduler, not a hart of its own."},
            {"first-throttle", "a capped vCPU gives its hart back", Condition::on(emu::EventKind::VmExit,
                 [](const emu::Event& e) { return e.interrupt && e.cause == 5; }),
             "hv's timer fired while a guest ran: the end of a slice, or a vCPU's budget for this\n"
             "period used up. The vCPU leaves the hart (a VM exit) until its next period."},
            {"all-done", "every VM finished its work", Condition::halted(),
             "Each guest counted its units of work for 100 ms and shut down; hv printed what each\n"
             "vCPU asked for and what it got."},
        };
    }
    void observe(const emu::Event& e) override { vm_of_.observe(e); }
    std::vector<Figure> figures(const RunView& run) override {
        FigureList list;
        auto vms = parse_vms(run.console);
        auto shares = parse_shares(run.console);
        std::map<std::string, const VmInfo*> by_label;
        for (const auto& v : vms) by_label[v.label] = &v;
        const char* g = "per vCPU: share asked vs share got (hv's accounting)";
        int64_t within = 0, over = 0;
        std::map<std::string, uint64_t> ran_us;
        for (const auto& s : shares) {
            std::string name = by_label.count(s.vm) ? by_label[s.vm]->name : s.vm;
            std::string k = "vcpu." + name + "." + std::to_string(s.vcpu);
            list.add(g, k + ".asked", s.vm + " " + name + " vCPU " + std::to_string(s.vcpu) + ": asked", int64_t(s.asked), "%");
            list.add(g, k + ".got", "  got", s.got, "%");
            within += std::abs(s.got - double(s.asked)) <= kTolerance;
            over += s.got > double(s.asked) + kTolerance;
            ran_us[s.vm] += s.ran_us;
        }
        list.add(g, "vcpus", "vCPUs", int64_t(shares.size()));
        list.add(g, "vcpus.within_tolerance", "  got within 6 points of what they asked", within);
        list.add(g, "vcpus.over", "  got more than asked (+6 points): the cap failed", over);

        const char* e = "per VM: hart time in V=1 (stepvisor's event log) vs hv's count";
        int64_t agree = 0;
        for (const auto& v : vms) {
            // 1 GHz harts: 1000 cycles a microsecond.
            const emu::VmTally* t = vm_of_.vm(v.hgatp);
            double log_us = double(t ? t->guest_cycles : 0) / 1000.0;
            double hv_us = double(ran_us[v.label]);
            list.add(e, "vm." + v.name + ".v1_us", v.label + " " + v.name + ": in V=1 (event log)", log_us, "us");
            list.add(e, "vm." + v.name + ".hv_us", "  in the guest (hv's table)", hv_us, "us");
            bool ok = hv_us > 0 && std::abs(log_us - hv_us) <= 0.03 * hv_us;
            agree += ok;
        }
        list.add(e, "vms", "VMs", int64_t(vms.size()));
        list.add(e, "vms.agree", "  VMs whose two counts agree within 3%", agree);

        const char* u = "the guests' own counters (units of work in their 100 ms)";
        static const std::regex units(R"(^smp-units: vCPU (\d+) did (\d+) units)");
        for (const auto& v : vms) {
            std::istringstream in(v.console);
            for (std::string line; std::getline(in, line);) {
                std::smatch m;
                if (std::regex_search(line, m, units))
                    list.add(u, "units." + v.name + "." + std::string(m[1]),
                             v.label + " " + v.name + " vCPU " + std::string(m[1]), int64_t(std::stoll(m[2])));
            }
        }
        return list.take();
    }
    std::vector<Check> checks(const std::vector<Figure>& f, const RunView& run) override {
        std::vector<Check> c;
        c.push_back({"every vCPU got its share within 6 points (1.5 harts asked of 2)",
                     number(f, "vcpus") == 4 && number(f, "vcpus.within_tolerance") == 4, ""});
        c.push_back({"no vCPU got more than its cap", number(f, "vcpus.over") == 0, ""});
        c.push_back({"stepvisor's event log and hv agree on each VM's hart time",
                     number(f, "vms") == 3 && number(f, "vms.agree") == 3, ""});
        c.push_back({"a 1 GHz vCPU did about twice the work of a 500 MHz one",
                     number(f, "units.one-at-500mhz.0") > 0 &&
                         std::abs(number(f, "units.two-at-1ghz.0") / number(f, "units.one-at-500mhz.0") - 2.0) < 0.5, ""});
        c.push_back({"the machine powered off normally", run.halted && run.machine.exit_code() == 0, ""});
        return c;
    }

private:
    emu::ExitIndex vm_of_;  // each VM's cycles in V=1
};

}  // namespace

std::unique_ptr<Scenario> make_cpu_shares() { return std::make_unique<CpuShares>(); }

}  // namespace scen
