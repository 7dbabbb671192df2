// Lecture row 9, device virtualization: one workload, 64 bytes to a
// console, through four paths (firmware/guests/devio.c): the emulated 16550
// (every register access a VM exit), hv's paravirtual console (one
// hypercall), the machine's second UART passed through (its page mapped in
// the VM's G-stage), and virtual functions of the SR-IOV-style console
// (devices/sriov_console.hpp), one per VM. Figures: VM exits per byte from
// stepvisor's event log (between the guest's bracketing lines), cycles per
// byte from the guest's own counter, where the bytes arrived, and, walked
// by stepvisor, which host page each VM's device address maps to.
#include <map>
#include <algorithm>
#include <regex>

#include "ui/scenarios/hv_setup.hpp"
#include "ui/scenarios/scenario.hpp"
#include "isa/hex.hpp"

namespace scen {
namespace {

using namespace hvsetup;

constexpr uint64_t kUart1 = 0x1000'1000, kVfGpa = 0x1000'2000, kSriov = 0x1001'0000;
constexpr unsigned kBytes = 64;
const char* const kPaths[] = {"nothing", "emulation", "paravirtual", "pass-through", "sr-iov"};

std::string message() {
    std::string m;
    for (unsigned i = 0; i + 1 < kBytes; i++) m.push_back(char('a' + i % 26));
    return m + "\n";
}

class Devices : public Scenario {
public:
    std::string name() const override { return "devices"; }
    std::string summary() const override {
        return "64 bytes to a console four ways: emulated UART, paravirtual, pass-through, SR-IOV VF: exits and cycles per byte";
    }
    std::string intro() const override {
        return "The same 64 bytes go to a console four ways. Emulation: the guest drives a 16550 that hv\n"
               "emulates, so each register access is a VM exit. Paravirtualization: the guest knows it runs\n"
               "on hv and hands over the whole buffer in one hypercall. Pass-through: hv maps the machine's\n"
               "second UART into one VM's G-stage; the guest's stores reach it directly. SR-IOV: a device\n"
               "that makes virtual functions, each its own page; hv maps one into each VM.";
    }
    std::unique_ptr<emu::Machine> build(emu::MachineConfig cfg) const override {
        cfg.demo_devices = true;
        HvSetup s;
        hvtable::Vm a = guest("devio", "devio-a", hvtable::kMiB), b = guest("devio", "devio-b", hvtable::kMiB);
        a.devices = 1 | 2;   // HV_DEV_PASSTHRU_UART | HV_DEV_SRIOV_VF
        b.devices = 2;       // HV_DEV_SRIOV_VF
        s.vms = {a, b};
        return build_hv_machine(cfg, s);
    }
    std::vector<Step> steps() const override {
        return {
            {"assigned", "devices given to the VMs", Condition::console("SR-IOV VF 1"),
             "hv, as the PF's driver, enabled two virtual functions and mapped VF 0's page into devio-a\n"
             "and VF 1's into devio-b; it also mapped the second UART into devio-a."},
            {"first-mmio-trap", "first emulated UART access", Condition::on(emu::EventKind::VmExit,
                 [](const emu::Event& e) {
                     return !e.interrupt && (e.cause == emu::LOAD_GUEST_PAGE_FAULT || e.cause == emu::STORE_GUEST_PAGE_FAULT) &&
                            (e.tval2 >> 12) == 0x10000;
                 }),
             "The guest read the emulated UART's LSR: nothing is mapped at 0x10000000 in its G-stage,\n"
             "so the load is a guest-page fault; hv decodes it, plays the register, and returns."},
            {"hypercall", "the paravirtual console", Condition::console("devio: begin paravirtual"),
             "Now the same bytes in one hypercall: hv copies them from guest memory to the console."},
            {"pass-through", "the passed-through UART, no exits", Condition::console("devio: begin pass-through"),
             "devio-a writes the second UART's registers: they are mapped, so the stores go to the device."},
            {"all-done", "both VMs finished", Condition::halted(), "Both guests sent their bytes every way they could."},
        };
    }
    void observe(const emu::Event& e) override {
        vm_of_.observe(e);
        uint64_t vm = vm_of_.hgatp_of(e.hart).value_or(0);
        // Exits the guest's own instructions cause; hv's timer and kicks are
        // interrupts that would have come anyway.
        if (e.kind == emu::EventKind::VmExit && !e.interrupt) exits_[vm].push_back(e.cycle);
        if (e.kind == emu::EventKind::VmExit && e.interrupt && e.cause == 9) sei_exits_[vm]++;
    }
    std::vector<Figure> figures(const RunView& run) override {
        FigureList list;
        auto vms = parse_vms(run.console);
        static const std::regex end_line(R"(devio: end ([a-z-]+): (\d+) bytes in (\d+) cycles)");
        for (const auto& v : vms) {
            std::string g = v.label + " " + v.name;
            const auto& ex = exits_[v.hgatp];
            int64_t baseline = 0;   // exits of the bracketing lines themselves (the path "nothing")
            for (const char* p : kPaths) {
                std::string begin = "[" + v.label + "] devio: begin " + std::string(p) + "\n";
                std::string end = "[" + v.label + "] devio: end " + std::string(p) + ":";
                size_t b = run.console.find(begin), e = run.console.find(end);
                if (b == std::string::npos || e == std::string::npos) continue;
                uint64_t c0 = run.line_cycle(b), c1 = run.line_cycle(e);
                int64_t n = 0;
                for (uint64_t c : ex) n += c > c0 && c < c1;
                if (std::string(p) == "nothing") {
                    baseline = n;
                    list.add(g, "vm." + v.name + ".bracket_exits", "exits of the bracketing lines alone (subtracted below)", n);
                    continue;
                }
                n -= baseline;
                std::smatch m;
                std::string line = run.console.substr(e, run.console.find('\n', e) - e);
                uint64_t cycles = std::regex_search(line, m, end_line) ? std::stoull(m[3]) : 0;
                std::string k = "vm." + v.name + "." + p;
                list.add(g, k + ".exits_per_byte", std::string(p) + ": VM exits per byte (event log, interrupts left out)",
                         double(n) / kBytes);
                list.add(g, k + ".cycles_per_byte", "  cycles per byte (the guest's own count)", double(cycles) / kBytes);
            }
        }
        const char* a = "where the bytes arrived";
        std::string msg = message();
        int64_t on_console = 0;
        for (size_t at = 0; (at = run.console.find(msg.substr(0, kBytes - 1) + "\n", at)) != std::string::npos; at++) on_console++;
        list.add(a, "console.messages", "whole messages on hv's console (emulation and paravirtual, both VMs)", on_console);
        list.add(a, "uart1.complete", "the second UART sent exactly the message", run.machine.uart1_output() == msg);
        const dev::SriovConsole* s = run.machine.sriov();
        list.add(a, "sriov.vfs", "VFs the PF enabled", int64_t(s ? s->num_vfs() : 0));
        list.add(a, "vf0.complete", "  VF 0 sent exactly the message", s && s->output(0) == msg);
        list.add(a, "vf1.complete", "  VF 1 sent exactly the message", s && s->output(1) == msg);
        const char* i = "the passed-through UART's interrupt";
        for (const auto& v : vms)
            if (v.name == "devio-a") {
                list.add(i, "uart1_irq.hv_exits", "the machine's PLIC interrupted hv while devio-a ran (exit, interrupt 9)",
                         int64_t(sei_exits_[v.hgatp]));
                list.add(i, "uart1_irq.guest_took", "devio-a's kernel took it from its PLIC as source 11",
                         v.console.find("interrupt reached this kernel as PLIC source 11") != std::string::npos);
            }
        const char* h = "G-stage maps (walked by stepvisor)";
        for (const auto& v : vms) {
            auto u = gstage_translate(run.machine, v.hgatp, kUart1);
            auto f = gstage_translate(run.machine, v.hgatp, kVfGpa);
            list.add(h, "vm." + v.name + ".uart1", v.label + " " + v.name + ": GPA 0x10001000 -> " + (u ? isa::hex(*u) : "unmapped"),
                     int64_t(u ? int64_t(*u) : -1));
            list.add(h, "vm." + v.name + ".vf", "  GPA 0x10002000 -> " + (f ? isa::hex(*f) : "unmapped"), int64_t(f ? int64_t(*f) : -1));
        }
        return list.take();
    }
    std::vector<Check> checks(const std::vector<Figure>& f, const RunView& run) override {
        auto n = [&](const std::string& k) { return number(f, k); };
        std::vector<Check> c;
        c.push_back({"emulation costs at least one exit per byte", n("vm.devio-a.emulation.exits_per_byte") >= 1, ""});
        c.push_back({"the paravirtual console costs far less than one exit per byte",
                     n("vm.devio-a.paravirtual.exits_per_byte") > 0 && n("vm.devio-a.paravirtual.exits_per_byte") < 0.1, ""});
        c.push_back({"pass-through and SR-IOV cost no exit at all",
                     n("vm.devio-a.pass-through.exits_per_byte") == 0 && n("vm.devio-a.sr-iov.exits_per_byte") == 0 &&
                         n("vm.devio-b.sr-iov.exits_per_byte") == 0, ""});
        c.push_back({"every path delivered the whole message",
                     n("console.messages") == 4 && figure(f, "uart1.complete") == Value(true) &&
                         figure(f, "vf0.complete") == Value(true) && figure(f, "vf1.complete") == Value(true), ""});
        c.push_back({"the UART is mapped into devio-a only; each VM has its own VF",
                     n("vm.devio-a.uart1") == double(kUart1) && n("vm.devio-b.uart1") == -1 &&
                         n("vm.devio-a.vf") == double(kSriov + 0x1000) && n("vm.devio-b.vf") == double(kSriov + 0x2000), ""});
        c.push_back({"the pass-through UART's interrupt went from the machine's PLIC through hv to devio-a",
                     n("uart1_irq.hv_exits") >= 1 && figure(f, "uart1_irq.guest_took") == Value(true), ""});
        c.push_back({"the machine powered off normally", run.halted && run.machine.exit_code() == 0, ""});
        return c;
    }

private:
    emu::ExitIndex vm_of_;  // which VM each hart runs
    std::map<uint64_t, std::vector<uint64_t>> exits_;
    std::map<uint64_t, uint64_t> sei_exits_;
};

}  // namespace

std::unique_ptr<Scenario> make_devices() { return std::make_unique<Devices>(); }

}  // namespace scen
