// Lecture row 6, interrupt handling: two VMs run the guest irq
// (firmware/guests/irq.c), whose kernel takes system calls from its own
// U-mode task, a page fault in its own Sv39 tables, timer interrupts and
// UART interrupts through its PLIC; a third VM (rogue) takes a fault in
// the second stage. Figures from stepvisor's event log, per VM: what the
// guest kernel took itself (traps into VS-mode, no VM exit) and what went
// to hv (VM exits), the interrupts each VM received against what its
// kernel counted, and the latency from the exit that raised a UART
// interrupt to the guest's handler.
#include <map>
#include <regex>

#include "ui/scenarios/hv_setup.hpp"
#include "ui/scenarios/scenario.hpp"

namespace scen {
namespace {

using namespace hvsetup;

constexpr uint64_t kUserEcall = 8, kLoadPageFault = 13, kStoreGuestPageFault = 23;
bool timer(const emu::Event& e) { return e.cause == 5 || e.cause == 6; }
bool external(const emu::Event& e) { return e.cause == 9 || e.cause == 10; }

class Interrupts : public Scenario {
public:
    std::string name() const override { return "interrupts"; }
    std::string summary() const override {
        return "system calls and first-stage faults stay in the guest; timer and device interrupts reach the right VM; latency";
    }
    std::string intro() const override {
        return "Two VMs run the same small kernel, 'irq'; a third, 'rogue', stores outside its memory.\n"
               "The kernel runs a U-mode task that makes 8 system calls, turns on its own Sv39 page\n"
               "tables and touches an address they do not map, sets 3 timers, and sends a line through\n"
               "its UART one byte per interrupt, through its PLIC. Watch which of these reach hv (VM\n"
               "exits) and which the hardware delivers straight to the guest kernel (hedeleg, hideleg).";
    }
    std::unique_ptr<emu::Machine> build(emu::MachineConfig cfg) const override {
        HvSetup s;
        s.vms = {guest("irq", "alpha", 2 * hvtable::kMiB), guest("irq", "beta", 2 * hvtable::kMiB),
                 guest("rogue", "", hvtable::kMiB)};
        return build_hv_machine(cfg, s);
    }
    std::vector<Step> steps() const override {
        return {
            {"syscall", "a system call goes to the guest kernel", Condition::on(emu::EventKind::Trap,
                 [](const emu::Event& e) { return e.from_v && e.to_v && e.cause == kUserEcall; }),
             "The U-mode task executed ecall. hedeleg has bit 8 set, so the trap goes from VU-mode\n"
             "straight to the guest kernel in VS-mode: hv never sees it, no VM exit."},
            {"guest-page-fault", "a first-stage page fault stays in the guest", Condition::on(emu::EventKind::Trap,
                 [](const emu::Event& e) { return e.from_v && e.to_v && e.cause == kLoadPageFault; }),
             "The kernel's own page tables (VS-stage) do not map 0x40000000: a load page fault (13),\n"
             "delegated to the guest, which maps the page and retries. The G-stage was not involved."},
            {"g-stage-fault", "a second-stage fault goes to hv", Condition::on(emu::EventKind::VmExit,
                 [](const emu::Event& e) { return !e.interrupt && e.cause == kStoreGuestPageFault && e.tval2 == 0x40000000; }),
             "rogue stored to a guest-physical address its G-stage does not map: a guest-page fault\n"
             "(23), which only hv can resolve. It stops that VM."},
            {"device-irq", "a UART interrupt injected into its VM", Condition::on(emu::EventKind::Interrupt,
                 [](const emu::Event& e) { return e.to_v && external(e); }),
             "The guest enabled the UART's THR-empty interrupt. hv's emulated UART raised source 10 on\n"
             "that VM's virtual PLIC, which set hvip.VSEIP for its vCPU; on the next entry the guest\n"
             "took a supervisor external interrupt, claimed 10 from its PLIC and sent the next byte."},
            {"all-done", "all VMs stopped", Condition::halted(), "Both irq kernels printed their counts and shut down."},
        };
    }
    void observe(const emu::Event& e) override {
        vm_of_.observe(e);
        uint64_t vm = vm_of_.hgatp_of(e.hart).value_or(0);
        if ((e.kind == emu::EventKind::Trap || e.kind == emu::EventKind::Interrupt) && e.from_v && e.to_v) {
            Per& p = per_[vm];
            if (e.kind == emu::EventKind::Trap && e.cause == kUserEcall) p.syscalls++;
            if (e.kind == emu::EventKind::Trap && e.cause == kLoadPageFault) p.page_faults++;
            if (e.kind == emu::EventKind::Interrupt && timer(e)) p.timer_irqs++;
            if (e.kind == emu::EventKind::Interrupt && external(e)) {
                p.ext_irqs++;
                if (p.raise_cycle) {
                    uint64_t lat = e.cycle - p.raise_cycle;
                    p.lat_sum += lat, p.lat_n++;
                    if (lat > p.lat_max) p.lat_max = lat;
                    p.raise_cycle = 0;
                }
            }
        }
        if (e.kind == emu::EventKind::VmExit) {
            Per& p = per_[vm];
            p.exits[(e.interrupt ? "i" : "e") + std::to_string(e.cause)]++;
            // A store to the UART may raise its THR-empty interrupt: the
            // latency runs from this exit to the guest's handler.
            if (!e.interrupt && e.cause == kStoreGuestPageFault && (e.tval2 >> 12) == 0x10000) p.raise_cycle = e.cycle;
        }
    }
    std::vector<Figure> figures(const RunView& run) override {
        FigureList list;
        auto vms = parse_vms(run.console);
        static const std::regex counted(R"(irq: (\d+) UART interrupts through the PLIC)");
        static const std::regex timer_line(R"(irq: (\d+) timer interrupts, the latest (\d+) time units)");
        for (const auto& v : vms) {
            Per& p = per_[v.hgatp];
            std::string g = v.label + " " + v.name, k = "vm." + v.name;
            list.add(g, k + ".syscalls", "system calls from its U-mode, taken by its kernel (VU -> VS)", int64_t(p.syscalls));
            list.add(g, k + ".syscall_exits", "  of them reaching hv (VM exits, cause 8)", int64_t(p.exits["e8"]));
            list.add(g, k + ".page_faults", "page faults in its own tables, taken by its kernel", int64_t(p.page_faults));
            list.add(g, k + ".page_fault_exits", "  of them reaching hv (cause 13)", int64_t(p.exits["e13"]));
            list.add(g, k + ".g_stage_exits", "guest-page faults, to hv (causes 20, 21, 23)",
                     int64_t(p.exits["e20"] + p.exits["e21"] + p.exits["e23"]));
            list.add(g, k + ".timer_irqs", "timer interrupts delivered in VS-mode", int64_t(p.timer_irqs));
            list.add(g, k + ".ext_irqs", "external interrupts delivered in VS-mode (its PLIC)", int64_t(p.ext_irqs));
            std::smatch m;
            int64_t own = -1, timers_own = -1, late = -1;
            std::string c = v.console;
            if (std::regex_search(c, m, counted)) own = std::stoll(m[1]);
            if (std::regex_search(c, m, timer_line)) timers_own = std::stoll(m[1]), late = std::stoll(m[2]);
            list.add(g, k + ".ext_irqs_counted", "  counted by its kernel", own);
            list.add(g, k + ".timer_irqs_counted", "  timer interrupts counted by its kernel", timers_own);
            // With Sstc the interrupt needs no exit, but only a vCPU on a hart
            // can take it: one waiting for its slice takes it late.
            list.add(g, k + ".timer_latency_cycles", "timer: latest delivery after its deadline (its kernel, x100)",
                     late < 0 ? int64_t(-1) : late * 100, "cycles");
            list.add(g, k + ".irq_latency_avg", "UART interrupt: cycles from the raising exit to its handler",
                     p.lat_n ? double(p.lat_sum) / double(p.lat_n) : 0.0, "cycles");
            list.add(g, k + ".irq_latency_max", "  at most", int64_t(p.lat_max), "cycles");
            list.add(g, k + ".hv_timer_exits", "hv's own timer while it ran (VM exits, interrupt 5)", int64_t(p.exits["i5"]));
        }
        return list.take();
    }
    std::vector<Check> checks(const std::vector<Figure>& f, const RunView& run) override {
        auto n = [&](const std::string& k) { return number(f, k); };
        std::vector<Check> c;
        bool sys = true, pf = true, tm = true, ext = true, lat = true;
        for (const char* vm : {"alpha", "beta"}) {
            std::string k = std::string("vm.") + vm;
            // 8, and the one with which the task hands back to its kernel
            sys &= n(k + ".syscalls") == 9 && n(k + ".syscall_exits") == 0;
            pf &= n(k + ".page_faults") == 1 && n(k + ".page_fault_exits") == 0;
            tm &= n(k + ".timer_irqs") == 3 && n(k + ".timer_irqs_counted") == 3;
            ext &= n(k + ".ext_irqs") > 0 && n(k + ".ext_irqs") == n(k + ".ext_irqs_counted");
            lat &= n(k + ".irq_latency_avg") > 0 && n(k + ".irq_latency_max") < 100000;
        }
        c.push_back({"system calls went to the guest kernels, none to hv", sys, ""});
        c.push_back({"first-stage page faults stayed in the guests", pf, ""});
        c.push_back({"each VM got its 3 timer interrupts", tm, ""});
        c.push_back({"each VM got exactly the UART interrupts its kernel counted", ext, ""});
        c.push_back({"the second-stage fault went to hv", n("vm.rogue.g_stage_exits") == 1, ""});
        c.push_back({"a UART interrupt reaches its handler within 100k cycles of the exit that raised it", lat, ""});
        c.push_back({"the machine powered off normally", run.halted && run.machine.exit_code() == 0, ""});
        return c;
    }

private:
    struct Per {
        uint64_t syscalls = 0, page_faults = 0, timer_irqs = 0, ext_irqs = 0;
        uint64_t raise_cycle = 0, lat_sum = 0, lat_n = 0, lat_max = 0;
        std::map<std::string, uint64_t> exits;
    };
    emu::ExitIndex vm_of_;  // which VM each hart runs
    std::map<uint64_t, Per> per_;
};

}  // namespace

std::unique_ptr<Scenario> make_interrupts() { return std::make_unique<Interrupts>(); }

}  // namespace scen
