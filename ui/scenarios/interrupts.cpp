// Lecture row 6, interrupt handling: two VMs run the guest irq
// (firmware/guests/irq.c), whose kernel takes system calls from its own
// U-mode task, a page fault in its own Sv39 tables, timer interrupts and
// UART interrupts; a third VM (rogue) takes a fault in the second stage.
// The first VM also has the machine's second UART passed through and sends
// a line through it, interrupt-driven too. The same VMs run twice: on a
// machine with a PLIC, then on one with the AIA (APLIC and IMSICs with one
// guest interrupt file per hart), where hv gives the file to the first VM
// and the second, overprovisioned, keeps the virtual PLIC; it has a
// virtual function of the SR-IOV console there and sends a line through it
// while the first holds the file, and another after the first stopped. A
// device interrupt reaches its guest by one of these paths:
//   vPLIC emulation  hv's emulated UART raises its vPLIC source, hvip.VSEIP;
//                    the guest's claim and complete trap to hv
//   hvip injection   the real UART interrupts hv (at the machine's PLIC),
//                    hv raises it on the vPLIC: hvip.VSEIP, claim, complete
//   IMSIC file       the real UART's wire at the APLIC becomes an MSI into
//                    the VM's guest interrupt file: nothing traps to hv
//   IMSIC from hv    hv's emulated UART sends its MSI into the guest file
//   hv's IMSIC file  a real device of a VM without a guest file: the APLIC's
//                    MSI into hv's own S-level file, then as hvip injection
//   file given later the same VM once a guest file is free (alpha stopped):
//                    the MSI into that file, the claim and complete at its
//                    vPLIC trap (hv reads the file when the guest claims)
// Figures from stepvisor's event log, per VM (syscalls, faults, timers) and
// per path: interrupts, VM exits per interrupt (those in the guest's
// handler, and hv's own traps for the interrupt outside it) and latency in
// cycles from the event that raised it (the device's MSI written into the
// file, hv's trap for the real interrupt, the store exit that made the
// emulated UART raise it) to the guest handler's first instruction.
#include <array>
#include <map>
#include <regex>

#include "ui/scenarios/hv_setup.hpp"
#include "ui/scenarios/scenario.hpp"

namespace scen {
namespace {

using namespace hvsetup;

constexpr uint64_t kUserEcall = 8, kLoadPageFault = 13, kStoreGuestPageFault = 23;
constexpr uint64_t kSupervisorSoft = 1, kSupervisorTimer = 5, kSupervisorExternal = 9;
constexpr uint64_t kUart0Page = 0x10000, kUart1Irq = 11, kVfIrq = 13;
constexpr unsigned kVuart = 0x10000000 >> 12;
bool timer(const emu::Event& e) { return e.cause == 5 || e.cause == 6; }
bool external(const emu::Event& e) { return e.cause == 9 || e.cause == 10; }
bool emulated_uart(const emu::Event& e) { return !e.interrupt && (e.tval2 >> 12) == kUart0Page; }

enum Path { Vplic, Hvip, Imsic, ImsicHv, HvFile, LaterFile, kPaths };
constexpr std::array<const char*, kPaths> kPathKey = {"vplic", "hvip", "imsic", "imsic_hv", "hv_file", "later_file"};
constexpr std::array<const char*, kPaths> kPathName = {
    "vPLIC emulation (emulated UART, claim/complete trapped)",
    "hvip injection (real UART, hv takes it and raises hvip.VSEIP)",
    "IMSIC guest file (real UART, an MSI from the APLIC into the file)",
    "IMSIC guest file, MSI written by hv (emulated UART)",
    "hv's IMSIC file (real VF, VM without a guest file: hv takes the MSI, hvip.VSEIP)",
    "guest file given later (real VF, VM without files: MSI into the file, claim/complete at its vPLIC)"};

class Interrupts : public Scenario {
public:
    std::string name() const override { return "interrupts"; }
    std::string summary() const override {
        return "system calls and first-stage faults stay in the guest; device interrupts by vPLIC, hvip and IMSIC guest file: exits, latency";
    }
    std::string intro() const override {
        return "Two VMs run the same small kernel, 'irq'; a third, 'rogue', stores outside its memory.\n"
               "The kernel runs a U-mode task that makes 8 system calls, turns on its own Sv39 page\n"
               "tables and touches an address they do not map, sets 3 timers, and sends a line through\n"
               "its UART one byte per interrupt; the first VM sends another through the machine's second\n"
               "UART, passed through to it. Watch which of these reach hv (VM exits) and which the\n"
               "hardware delivers straight to the guest kernel (hedeleg, hideleg). Then the same VMs run\n"
               "on a machine with the AIA: the real UART's interrupt becomes an MSI into the first VM's\n"
               "IMSIC guest interrupt file and reaches its kernel without hv. The second VM, without a\n"
               "file, sends a line through an SR-IOV VF while the first holds the only file: its MSIs go\n"
               "to hv's own file. Once the first has stopped, hv gives it that file, and its second line's\n"
               "MSIs go there.";
    }
    size_t parts() const override { return 2; }
    std::unique_ptr<emu::Machine> build(emu::MachineConfig cfg) const override { return build_part(0, cfg); }
    std::unique_ptr<emu::Machine> build_part(size_t part, emu::MachineConfig cfg) const override {
        cfg.demo_devices = true;  // the second UART, to pass through
        if (part == 1) {
            cfg.aia = emu::Aia::AplicImsic;
            cfg.aia_guests = 1;   // one file per hart: alpha's; beta is overprovisioned
        }
        HvSetup s;
        hvtable::Vm alpha = guest("irq", "alpha", 2 * hvtable::kMiB);
        alpha.devices = 1;  // HV_DEV_PASSTHRU_UART
        hvtable::Vm beta = guest("irq", "beta", 2 * hvtable::kMiB);
        if (part == 1) beta.devices = 2;  // HV_DEV_SRIOV_VF: a real device without a guest file
        s.vms = {alpha, beta};
        if (part == 0) s.vms.push_back(guest("rogue", "", hvtable::kMiB));
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
            {"hvip-injection", "a real device's interrupt goes to hv first", Condition::on(emu::EventKind::VmExit,
                 [](const emu::Event& e) { return e.interrupt && e.cause == kSupervisorExternal; }),
             "alpha wrote a byte to the passed-through UART (no exit: its page is mapped), and the\n"
             "UART's THR-empty interrupt reached the machine's PLIC, which interrupts hv: a VM exit.\n"
             "hv claims source 11 there and raises it on alpha's vPLIC (hvip.VSEIP); alpha's claim and\n"
             "complete trap to hv again, and only alpha's complete lets hv complete it at the PLIC."},
            {"plic-done", "the PLIC machine powered off", Condition::halted(),
             "Both irq kernels printed their counts. Next the same VMs on a machine with the AIA."},
            {"aia-boot", "hv finds the IMSICs' guest interrupt files", Condition::console("guest interrupt file(s) per hart"),
             "This machine has an APLIC in MSI mode and an IMSIC per hart with one guest interrupt\n"
             "file (GEILEN 1). hv gives it to alpha; beta gets none (overprovisioned) and keeps the\n"
             "virtual PLIC and hvip.VSEIP. beta has an SR-IOV VF passed through: its interrupts are\n"
             "MSIs into hv's own S-level file, which hv injects through beta's vPLIC."},
            {"msi-into-hv-file", "beta's VF sends an MSI into hv's own file", Condition::on(emu::EventKind::Msi,
                 [](const emu::Event& e) { return e.file == 1 && e.value == kVfIrq; }),
             "beta's VF is ready to send, and its interrupt is on. alpha holds the hart's only guest\n"
             "file, so hv set the VF's APLIC target to its own S-level file (guest index 0, identity\n"
             "13): the MSI interrupts hv, which claims 13 with stopei and raises source 13 on beta's\n"
             "vPLIC (hvip.VSEIP). beta claims and completes at the vPLIC; at the complete hv re-arms\n"
             "the APLIC's source, and the VF, still ready, sends the next MSI."},
            {"msi-into-guest-file", "an MSI lands in alpha's guest interrupt file", Condition::on(emu::EventKind::Msi,
                 [](const emu::Event& e) { return e.file >= 2 && e.value == kUart1Irq; }),
             "alpha's byte to the passed-through UART raised its wire at the APLIC, whose target for\n"
             "source 11 (hart, guest index, identity 11) hv set: the APLIC wrote the MSI straight\n"
             "into alpha's guest file. hstatus.VGEIN selects that file, so alpha sees VSEIP at once,\n"
             "takes the interrupt and claims it with stopei (vstopei): hv runs no code for it."},
            {"later-file", "beta gets the guest file alpha left", Condition::console("is free: its devices' MSIs go into it"),
             "alpha shut down and its file is free. beta's guest still sees only its vPLIC, but hv\n"
             "moves the VF's APLIC target to the file: the MSIs of beta's second VF line land there,\n"
             "beta takes the interrupt with no exit for hv's file, and only its claim and complete at\n"
             "the vPLIC trap (hv reads the file when beta claims)."},
            {"all-done", "all VMs stopped", Condition::halted(),
             "Both kernels counted every interrupt on both machines and shut down."},
        };
    }
    void observe(const emu::Event& e) override {
        Part& pt = part_[current_];
        pt.vm_of.observe(e);
        uint64_t vm = pt.vm_of.hgatp_of(e.hart).value_or(0);
        Hart& h = pt.hart[e.hart % pt.hart.size()];
        if (e.kind == emu::EventKind::Msi && e.file >= 1) {
            // Into a guest file, or into hv's own S-level file for a VM
            // without one: the device's MSI raised the guest's next interrupt.
            Hart& t = pt.hart[e.target % pt.hart.size()];
            t.raised = e.cycle;
            t.into_hv_file = e.file == 1;
        }
        if ((e.kind == emu::EventKind::Trap || e.kind == emu::EventKind::Interrupt) && e.from_v && e.to_v) {
            Per& p = pt.per[vm];
            if (e.kind == emu::EventKind::Trap && e.cause == kUserEcall) p.syscalls++;
            if (e.kind == emu::EventKind::Trap && e.cause == kLoadPageFault) p.page_faults++;
            if (e.kind == emu::EventKind::Interrupt && timer(e)) p.timer_irqs++;
            if (e.kind == emu::EventKind::Interrupt && external(e)) {
                p.ext_irqs++;
                h.handler = Handler{};
                h.handler->vm = vm;
                h.handler->exits = h.early_exits;
                h.handler->via_hv_file = h.into_hv_file;
                h.early_exits = 0;
                if (h.raised) h.handler->latency = e.cycle - h.raised;
                h.raised = 0;
                h.into_hv_file = false;
            }
        }
        if (e.kind == emu::EventKind::Xret && e.from_v && e.to_v && h.handler) {
            pt.handlers.push_back(*h.handler);
            h.handler.reset();
        }
        if (e.kind == emu::EventKind::VmExit) {
            Per& p = pt.per[vm];
            p.exits[(e.interrupt ? "i" : "e") + std::to_string(e.cause)]++;
            // hv's own business (its timer, another hart's kick) is no cost of the interrupt.
            bool counts = !(e.interrupt && (e.cause == kSupervisorTimer || e.cause == kSupervisorSoft));
            if (h.handler && counts) {
                h.handler->exits++;
                if (emulated_uart(e)) h.handler->emulated = true;
            } else if (e.interrupt && counts) {
                h.early_exits++;  // the interrupt reached hv before the guest's handler
            }
            // What raises the next interrupt: a store to the emulated UART,
            // or hv's trap for a real device's (unless its MSI into hv's file
            // came first: hv traps for that one).
            if ((emulated_uart(e) && e.cause == kStoreGuestPageFault) ||
                (e.interrupt && e.cause == kSupervisorExternal && !h.into_hv_file))
                h.raised = e.cycle;
        }
    }
    void part_done(size_t part, emu::Machine&, const std::string& console) override {
        part_[part].console_end = console.size();
        current_ = part + 1 < part_.size() ? part + 1 : part;
    }
    std::vector<Figure> figures(const RunView& run) override {
        FigureList list;
        part_[current_].console_end = run.console.size();
        static const std::regex counted(
            R"(irq: (\d+) (UART interrupts|interrupts from the passed-through UART|interrupts from the SR-IOV VF) through the)");
        static const std::regex by_hv(R"(device interrupts: (\d+) through hv's interrupt file \(hvip.VSEIP\), (\d+) from a guest)");
        static const std::regex timer_line(R"(irq: (\d+) timer interrupts, the latest (\d+) time units)");
        struct PathTally {
            uint64_t irqs = 0, exits = 0, lat_sum = 0, lat_n = 0, lat_max = 0;
            int64_t counted = 0, by_hv = 0;
        };
        std::array<PathTally, kPaths> paths;
        for (size_t pi = 0; pi < part_.size(); ++pi) {
            Part& pt = part_[pi];
            size_t from = pi ? part_[pi - 1].console_end : 0;
            std::string console = run.console.substr(from, pt.console_end - from);
            auto vms = parse_vms(console);
            std::map<uint64_t, bool> files;  // by hgatp: hv gave it guest interrupt files
            for (const auto& v : vms)
                files[v.hgatp] = console.find("hv: " + v.label + ": an IMSIC guest interrupt file") != std::string::npos;
            for (const auto& x : pt.handlers) {
                Path path = pi == 0       ? (x.emulated ? Vplic : Hvip)
                            : !files[x.vm] ? (x.emulated ? Vplic : x.via_hv_file ? HvFile : LaterFile)
                            : x.emulated   ? ImsicHv
                                           : Imsic;
                PathTally& t = paths[path];
                t.irqs++, t.exits += x.exits;
                if (x.latency) t.lat_sum += x.latency, t.lat_n++, t.lat_max = std::max(t.lat_max, x.latency);
            }
            for (const auto& v : vms) {
                Per& p = pt.per[v.hgatp];
                std::string g = std::string(pi ? "AIA machine: " : "") + v.label + " " + v.name,
                            k = std::string(pi ? "aia." : "") + "vm." + v.name;
                list.add(g, k + ".ext_irqs", "external interrupts delivered in VS-mode", int64_t(p.ext_irqs));
                int64_t own = 0;
                std::string c = v.console;
                size_t vf_lines = 0;
                for (std::sregex_iterator it(c.begin(), c.end(), counted), end; it != end; ++it) {
                    own += std::stoll((*it)[1]);
                    bool real = (*it)[2] == "interrupts from the passed-through UART";
                    // beta's first VF line goes while alpha holds the only
                    // guest file, its second after alpha stopped.
                    Path path = (*it)[2] == "interrupts from the SR-IOV VF" ? (vf_lines++ ? LaterFile : HvFile)
                                : pi == 0                                  ? (real ? Hvip : Vplic)
                                : !files[v.hgatp]                          ? Vplic
                                : real                                     ? Imsic
                                                                           : ImsicHv;
                    paths[path].counted += std::stoll((*it)[1]);
                }
                std::smatch hv_figures;
                std::string hv_line = "hv: " + v.label + ": device interrupts: ";
                size_t at = console.find(hv_line);
                if (at != std::string::npos) {
                    std::string l = console.substr(at, console.find('\n', at) - at);
                    if (std::regex_search(l, hv_figures, by_hv))
                        paths[HvFile].by_hv += std::stoll(hv_figures[1]), paths[LaterFile].by_hv += std::stoll(hv_figures[2]);
                }
                list.add(g, k + ".ext_irqs_counted", "  counted by its kernel (its UARTs' lines)", own);
                if (pi) {
                    list.add(g, k + ".guest_file", "IMSIC guest interrupt files (1: yes)", int64_t(files[v.hgatp]));
                    list.add(g, k + ".later_file", "a guest file for its devices later (1: yes)",
                             int64_t(console.find("hv: " + v.label + ": guest interrupt file ") != std::string::npos));
                    continue;
                }
                list.add(g, k + ".syscalls", "system calls from its U-mode, taken by its kernel (VU -> VS)", int64_t(p.syscalls));
                list.add(g, k + ".syscall_exits", "  of them reaching hv (VM exits, cause 8)", int64_t(p.exits["e8"]));
                list.add(g, k + ".page_faults", "page faults in its own tables, taken by its kernel", int64_t(p.page_faults));
                list.add(g, k + ".page_fault_exits", "  of them reaching hv (cause 13)", int64_t(p.exits["e13"]));
                list.add(g, k + ".g_stage_exits", "guest-page faults, to hv (causes 20, 21, 23)",
                         int64_t(p.exits["e20"] + p.exits["e21"] + p.exits["e23"]));
                list.add(g, k + ".timer_irqs", "timer interrupts delivered in VS-mode", int64_t(p.timer_irqs));
                std::smatch m;
                int64_t timers_own = -1, late = -1;
                if (std::regex_search(c, m, timer_line)) timers_own = std::stoll(m[1]), late = std::stoll(m[2]);
                list.add(g, k + ".timer_irqs_counted", "  timer interrupts counted by its kernel", timers_own);
                // With Sstc the interrupt needs no exit, but only a vCPU on a hart
                // can take it: one waiting for its slice takes it late.
                list.add(g, k + ".timer_latency_cycles", "timer: latest delivery after its deadline (its kernel, x100)",
                         late < 0 ? int64_t(-1) : late * 100, "cycles");
                list.add(g, k + ".hv_timer_exits", "hv's own timer while it ran (VM exits, interrupt 5)", int64_t(p.exits["i5"]));
            }
        }
        for (size_t i = 0; i < kPaths; ++i) {
            const PathTally& t = paths[i];
            std::string g = std::string("path: ") + kPathName[i], k = std::string("path.") + kPathKey[i];
            list.add(g, k + ".interrupts", "device interrupts delivered", int64_t(t.irqs));
            list.add(g, k + ".counted", "  counted by the guest kernels", t.counted);
            if (i == HvFile || i == LaterFile) list.add(g, k + ".counted_by_hv", "  counted by hv", t.by_hv);
            list.add(g, k + ".exits_per_irq", "VM exits per interrupt", t.irqs ? double(t.exits) / double(t.irqs) : 0.0);
            list.add(g, k + ".latency_avg", "cycles from raising it to the guest handler",
                     t.lat_n ? double(t.lat_sum) / double(t.lat_n) : 0.0, "cycles");
            list.add(g, k + ".latency_max", "  at most", int64_t(t.lat_max), "cycles");
        }
        return list.take();
    }
    std::vector<Check> checks(const std::vector<Figure>& f, const RunView& run) override {
        auto n = [&](const std::string& k) { return number(f, k); };
        std::vector<Check> c;
        bool sys = true, pf = true, tm = true, ext = true;
        for (const char* vm : {"alpha", "beta"}) {
            std::string k = std::string("vm.") + vm;
            // 8, and the one with which the task hands back to its kernel
            sys &= n(k + ".syscalls") == 9 && n(k + ".syscall_exits") == 0;
            pf &= n(k + ".page_faults") == 1 && n(k + ".page_fault_exits") == 0;
            tm &= n(k + ".timer_irqs") == 3 && n(k + ".timer_irqs_counted") == 3;
            for (const char* at : {"", "aia."})
                ext &= n(at + k + ".ext_irqs") > 0 && n(at + k + ".ext_irqs") == n(at + k + ".ext_irqs_counted");
        }
        bool counted = true;
        for (const char* p : kPathKey) {
            std::string k = std::string("path.") + p;
            counted &= n(k + ".interrupts") > 0 && n(k + ".interrupts") == n(k + ".counted");
        }
        bool hv_counted = n("path.hv_file.counted_by_hv") == n("path.hv_file.interrupts") &&
                          n("path.later_file.counted_by_hv") == n("path.later_file.interrupts");
        c.push_back({"system calls went to the guest kernels, none to hv", sys, ""});
        c.push_back({"first-stage page faults stayed in the guests", pf, ""});
        c.push_back({"each VM got its 3 timer interrupts", tm, ""});
        c.push_back({"each VM got exactly the UART interrupts its kernel counted, on both machines", ext, ""});
        c.push_back({"the second-stage fault went to hv", n("vm.rogue.g_stage_exits") == 1, ""});
        c.push_back({"every path delivered interrupts, as many as the kernels counted", counted, ""});
        c.push_back({"hv counted the VF's interrupts through its own file and from the guest file as delivered", hv_counted, ""});
        c.push_back({"alpha got the guest file, beta none", n("aia.vm.alpha.guest_file") == 1 && n("aia.vm.beta.guest_file") == 0, ""});
        c.push_back({"the IMSIC guest file path needs no VM exit", n("path.imsic.exits_per_irq") == 0, ""});
        c.push_back({"the IMSIC guest file path is the fastest",
                     n("path.imsic.latency_avg") > 0 && n("path.imsic.latency_avg") < n("path.hvip.latency_avg") &&
                         n("path.imsic.latency_avg") < n("path.vplic.latency_avg"), ""});
        c.push_back({"the machine powered off normally", run.halted && run.machine.exit_code() == 0, ""});
        return c;
    }

private:
    struct Per {
        uint64_t syscalls = 0, page_faults = 0, timer_irqs = 0, ext_irqs = 0;
        std::map<std::string, uint64_t> exits;
    };
    // One external interrupt taken by a guest kernel, from its handler's
    // first instruction to its sret.
    struct Handler {
        uint64_t vm = 0, exits = 0, latency = 0;
        bool emulated = false;  // the handler touched the emulated UART
        bool via_hv_file = false;  // its MSI went into hv's own S-level file (a real device's, through hv)
    };
    struct Hart {
        std::optional<Handler> handler;
        uint64_t raised = 0;       // the cycle of what raised the next interrupt
        uint64_t early_exits = 0;  // hv's traps for it before the guest's handler
        bool into_hv_file = false; // the MSI that raised it went into hv's own file
    };
    struct Part {
        emu::ExitIndex vm_of;  // which VM each hart runs
        std::map<uint64_t, Per> per;
        std::array<Hart, 8> hart;
        std::vector<Handler> handlers;
        size_t console_end = 0;
    };
    std::array<Part, 2> part_;
    size_t current_ = 0;
};

}  // namespace

std::unique_ptr<Scenario> make_interrupts() { return std::make_unique<Interrupts>(); }

}  // namespace scen
