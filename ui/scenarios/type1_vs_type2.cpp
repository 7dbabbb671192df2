// Lecture row 1, type-1 vs type-2: the same guests run under hv, a hypervisor
// that is the only software in HS-mode on the firmware (type-1), and under
// Linux KVM, where a host kernel in HS-mode runs the VM on behalf of a
// U-mode process, the VMM (type-2). Two machines, one after the other: hv
// with the guests hello, uart and smp as its VMs, then the KVM host kernel
// whose /init runs our VMM (tests/linux/kvm/vmm.c) on the same three guests.
// Figures for each: time per privilege mode, VM exits by cause, cycles per
// exit, and the exits that went up to U-mode before the guest ran again.
#include <algorithm>
#include <array>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <regex>
#include <sstream>

#include "emu/exit_index.hpp"
#include "emu/loader.hpp"
#include "isa/causes.hpp"
#include "ui/scenarios/hv_setup.hpp"
#include "ui/scenarios/scenario.hpp"

namespace scen {
namespace {

using namespace hvsetup;

constexpr const char* kOpenSbi = "/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.bin";
constexpr const char* kModeName[5] = {"U", "HS", "VU", "VS", "M"};  // EventLog::mode_index order
// A guest-page fault on a device window (below guest RAM), not on RAM that
// KVM maps into the G-stage on first touch.
bool device_fault(bool interrupt, uint64_t cause, uint64_t gpa) {
    return !interrupt && (cause == emu::LOAD_GUEST_PAGE_FAULT || cause == emu::STORE_GUEST_PAGE_FAULT) &&
           gpa < hvtable::kGuestRam;
}

// What one part saw in its event log: the time per mode here, the exits in
// emu's exit index.
struct PartTally {
    std::array<uint64_t, 5> mode_cycles{}, mode_cycles_vms{};  // whole run; from the first VM entry on
    unsigned mode = 4;                                          // the hart starts in M-mode
    uint64_t since = 0, first_entry = 0;
    bool entered = false;
    emu::ExitIndex exits;
    uint64_t end = 0;
    bool halted = false;
    int exit_code = -1;
    std::string console;  // what this part printed

    void account(uint64_t cycle) {
        mode_cycles[mode] += cycle - since;
        if (entered) mode_cycles_vms[mode] += cycle - std::max(since, first_entry);
        since = cycle;
    }
    void observe(const emu::Event& e) {
        exits.observe(e);
        if (e.kind == emu::EventKind::PrivChange) {
            account(e.cycle);
            mode = emu::EventLog::mode_index(e.to_priv, e.to_v);
        } else if (e.kind == emu::EventKind::VmEntry && !entered) {
            entered = true;
            first_entry = e.cycle;
        }
    }
};

// Exits into HS-mode that ended with an entry, tallied.
struct Tally {
    uint64_t exits = 0, busy = 0, busy_cycles = 0, up = 0, up_cycles = 0;
    void add(const emu::VmExitRecord& x) {
        ++exits;
        if (!x.cycles()) return;
        if (!x.idle) ++busy, busy_cycles += *x.cycles();
        if (x.via_user) ++up, up_cycles += *x.cycles();
    }
    double per_exit() const { return busy ? double(busy_cycles) / double(busy) : 0.0; }
    double per_upcall() const { return up ? double(up_cycles) / double(up) : 0.0; }
};

struct State {
    std::array<PartTally, 2> part;
    size_t current = 0;
    PartTally& now() { return part[current]; }
};

std::string env_or(const char* var, const char* fallback) {
    const char* v = std::getenv(var);
    return v && *v ? v : fallback;
}

bool is_file(const std::string& p) {
    std::error_code ec;
    return !p.empty() && std::filesystem::is_regular_file(p, ec);
}

// The lines of `console` that start with `prefix` (after hv's "[vmN] " label, if any).
std::vector<std::string> lines_of(const std::string& console, const std::string& prefix) {
    std::vector<std::string> out;
    std::istringstream in(console);
    static const std::regex label(R"(^\[vm\d+\] )");
    for (std::string l; std::getline(in, l);) {
        while (!l.empty() && l.back() == '\r') l.pop_back();  // a guest's \r\n through the host's tty
        l = std::regex_replace(l, label, "");
        if (l.rfind(prefix, 0) == 0) out.push_back(l);
    }
    return out;
}

class Type1VsType2 : public Scenario {
public:
    Type1VsType2() : st_(std::make_shared<State>()) {}
    std::string name() const override { return "type1-vs-type2"; }
    std::string summary() const override {
        return "the same guests under hv (type-1) and under Linux KVM with a U-mode VMM (type-2): time per mode, exits, cycles per exit";
    }
    std::string intro() const override {
        return "A type-1 hypervisor runs on the machine itself: hv is the only software in HS-mode,\n"
               "and every VM exit is handled there. A type-2 hypervisor is part of a host operating\n"
               "system: Linux with KVM runs in HS-mode, and each VM belongs to a process in U-mode,\n"
               "the VMM, which KVM returns to for what the kernel does not emulate itself (here: the\n"
               "guest's UART, and its SBI console). The same three guests run under both, one\n"
               "machine after the other; watch where each exit goes, and what it costs.";
    }
    size_t parts() const override { return 2; }
    uint64_t budget() const override { return 1'500'000'000; }

    std::unique_ptr<emu::Machine> build(emu::MachineConfig cfg) const override {
        // Everything part 2 needs is checked before part 1 starts.
        for (const auto& [var, what] : {std::pair{"STEPVISOR_KVM_IMAGE", "the KVM host's kernel Image"},
                                        std::pair{"STEPVISOR_KVM_INITRD", "its initramfs (with the VMM and the guests)"}})
            if (!is_file(env_or(var, "")))
                throw std::runtime_error(std::string("needs ") + what + ": set " + var +
                                         " (tests/linux/kernels.sh builds it and prints the variables)");
        if (!is_file(env_or("STEPVISOR_OPENSBI", kOpenSbi)))
            throw std::runtime_error(std::string("needs OpenSBI's fw_jump.bin at ") + kOpenSbi +
                                     " (Debian's opensbi package) or STEPVISOR_OPENSBI");
        HvSetup s;
        s.harts = 1;
        s.vms = {guest("hello"), guest("uart", "", hvtable::kMiB), guest("smp", "", 4 * hvtable::kMiB, 2)};
        return build_hv_machine(cfg, s);
    }
    std::unique_ptr<emu::Machine> build_part(size_t part, emu::MachineConfig cfg) const override {
        if (part == 0) return build(cfg);
        cfg.isa.ext.add(isa::Ext::H);
        cfg.harts = 1;
        emu::Machine::BootSpec spec;
        spec.firmware = emu::load_image_file(env_or("STEPVISOR_OPENSBI", kOpenSbi), emu::kDefaultRawLoadAddr, cfg.ram_size);
        spec.kernel = emu::load_image_file(env_or("STEPVISOR_KVM_IMAGE", ""), emu::Machine::kernel_load_address(spec.firmware),
                                           cfg.ram_size);
        spec.initrd = emu::read_input_file(env_or("STEPVISOR_KVM_INITRD", ""), cfg.ram_size, "initrd", "RAM");
        spec.bootargs = "console=ttyS0 earlycon";
        auto m = std::make_unique<emu::Machine>(cfg);
        m->boot(spec);
        return m;
    }

    std::vector<Step> steps() const override {
        auto st = st_;
        auto hs_exit = [](const emu::Event& e) { return e.to_priv == emu::Priv::S; };
        auto mmio_exit = [](const emu::Event& e) { return e.to_priv == emu::Priv::S && device_fault(e.interrupt, e.cause, e.tval2); };
        // After a VM exit, the hart goes to U-mode before the guest runs again.
        auto up_to_vmm = [st](const emu::Event& e) {
            return st->current == 1 && st->now().exits.open_exit(e.hart) && e.to_priv == emu::Priv::U && !e.to_v;
        };
        return {
            {"t1-first-entry", "type-1: hv enters its first VM", Condition::on(emu::EventKind::VmEntry),
             "hv, started by the firmware in HS-mode, has set up hgatp for its first VM and executed\n"
             "sret with hstatus.SPV=1: the hart runs the guest in VS-mode. Nothing else shares HS-mode."},
            {"t1-first-exit", "type-1: the first VM exit goes to hv", Condition::on(emu::EventKind::VmExit, hs_exit),
             "The guest did something it may not do itself and the hart trapped to HS-mode, straight\n"
             "into hv's handler. hv emulates it and returns to the guest without leaving HS-mode."},
            {"t1-first-mmio", "type-1: hv emulates the guest's UART", Condition::on(emu::EventKind::VmExit, mmio_exit),
             "The uart guest touched its 16550: a guest-page fault on the device's window (htval\n"
             "holds the guest-physical address). hv decodes the access from htinst, emulates the\n"
             "register and moves sepc on; the whole round trip stays in HS-mode."},
            {"t1-done", "type-1: every VM done, hv powered off", Condition::halted(),
             "All three guests have finished and hv powered the machine off. Next, the same guests\n"
             "under a host operating system: a new machine boots Linux with KVM."},
            {"t2-init", "type-2: the host kernel reached /init", Condition::console("kvm-host: /init on"),
             "Linux booted in HS-mode (OpenSBI below it in M-mode) and started /init in U-mode,\n"
             "which runs the VMM, an ordinary process that opens /dev/kvm."},
            {"t2-first-exit", "type-2: the first VM exit goes to the host kernel", Condition::on(emu::EventKind::VmExit, hs_exit),
             "The VMM asked KVM to run its vCPU (ioctl KVM_RUN); KVM entered the guest, and now the\n"
             "guest has trapped back to HS-mode: into the host kernel, not into the VMM."},
            {"t2-first-upcall", "type-2: an exit goes up to the VMM in U-mode", Condition::on(emu::EventKind::PrivChange, up_to_vmm),
             "KVM could not handle this exit in the kernel (an MMIO access or an SBI call it leaves\n"
             "to user space): KVM_RUN returned to the VMM in U-mode, which emulates the device and\n"
             "calls KVM_RUN again. That round trip crosses two privilege boundaries more than hv's."},
            {"t2-done", "type-2: the host powered off", Condition::halted(),
             "The VMM has run all three guests and the host's /init powered the machine off."},
        };
    }

    void observe(const emu::Event& e) override { st_->now().observe(e); }
    void part_done(size_t part, emu::Machine& m, const std::string& console) override {
        close(part, m, console);
        st_->current = part + 1;
        console_at_ = console.size();
    }

    std::vector<Figure> figures(const RunView& run) override {
        close(1, run.machine, run.console);
        FigureList list;
        const char* tag[2] = {"t1", "t2"};
        const char* group[2] = {"type-1: hv", "type-2: Linux KVM and the VMM"};
        double mmio_cost[2] = {};  // cycles per MMIO exit: in hv; through the VMM
        const std::vector<std::string> uart[2] = {lines_of(st_->part[0].console, "uart: "),
                                                  lines_of(st_->part[1].console, "uart: ")};
        for (size_t p = 0; p < 2; ++p) {
            const PartTally& t = st_->part[p];
            const std::string g = group[p], k = tag[p];
            uint64_t total = 0, vms = 0;
            for (unsigned i = 0; i < 5; ++i) total += t.mode_cycles[i], vms += t.mode_cycles_vms[i];
            // The share of each mode, M first and the guest's last.
            auto split = [&](const std::string& key, const std::array<uint64_t, 5>& cycles, uint64_t sum) {
                for (unsigned i : {4u, 1u, 0u, 3u, 2u})
                    list.add(g, k + "." + key + "." + kModeName[i], std::string("  in ") + kModeName[i] + "-mode",
                             sum ? 100.0 * double(cycles[i]) / double(sum) : 0.0, "%");
            };
            list.add(g, k + ".cycles", "cycles, whole run", int64_t(total));
            split("mode", t.mode_cycles, total);
            list.add(g, k + ".vm_cycles", "cycles from the first VM entry on", int64_t(vms));
            split("vm_mode", t.mode_cycles_vms, vms);
            std::map<std::pair<bool, uint64_t>, Tally> causes;  // (interrupt, code)
            Tally all, mmio;
            for (const auto& x : t.exits.exits()) {
                if (!x.to_hypervisor()) continue;
                all.add(x);
                causes[{x.interrupt(), x.exit.cause}].add(x);
                if (device_fault(x.interrupt(), x.exit.cause, x.exit.tval2)) mmio.add(x);
            }
            list.add(g, k + ".exits", "VM exits to HS-mode", int64_t(all.exits));
            list.add(g, k + ".up", "  of them back in the guest only after U-mode ran (the VMM)", int64_t(all.up));
            for (const auto& [key, c] : causes) {
                const std::string ck = k + ".exits." + (key.first ? "i" : "e") + std::to_string(key.second);
                list.add(g, ck + ".count", "  " + std::string(isa::cause_name(key.second, key.first)) + " (" +
                         std::to_string(key.second) + ")", int64_t(c.exits));
                list.add(g, ck + ".cycles_per_exit", "    cycles per exit, exit to entry (no idle time)", c.per_exit());
                if (c.up) list.add(g, ck + ".up", "    went up to the VMM", int64_t(c.up));
            }
            list.add(g, k + ".mmio.exits", "device (MMIO) exits: guest-page faults below guest RAM", int64_t(mmio.exits));
            list.add(g, k + ".mmio.cycles_per_exit", "  cycles per device exit, exit to entry (no idle time)", mmio.per_exit());
            list.add(g, k + ".mmio.up", "  of them went up to the VMM", int64_t(mmio.up));
            mmio_cost[p] = p == 0 ? mmio.per_exit() : mmio.per_upcall();
            if (p == 1) list.add(g, k + ".mmio.up_cycles_per_exit", "  cycles per device exit through the VMM", mmio_cost[p]);
            list.add(g, k + ".uart_lines", "the uart guest's lines", int64_t(uart[p].size()));
            list.add(g, k + ".powered_off", "powered off normally", t.halted && t.exit_code == 0);
        }
        // The VMM's own count of the exits KVM handed to it, one line per
        // guest in the order they ran; the VMs in the exit index (by hgatp)
        // in the order they first exited.
        static const std::regex vmm(R"(exits to the VMM: (\d+) MMIO, (\d+) SBI)");
        static const std::regex signals(R"(^vmm: KVM counted .*signal_exits (\d+))");
        static const std::regex kvm_exits(R"(^vmm: KVM counted exits (\d+))");
        std::vector<int64_t> kvm_counted;  // KVM's own count of the VM's exits
        static const std::regex started(R"(^vmm: /guests/(\w+)\.bin in a VM with (\d+) vCPU)");
        std::vector<std::pair<std::string, unsigned>> guests;  // name, vCPUs
        std::vector<int64_t> counted;                          // exits the VMM counted, per guest
        int64_t vmm_mmio = 0, vmm_sbi = 0;
        for (const auto& l : lines_of(st_->part[1].console, "vmm: ")) {
            std::smatch m;
            if (std::regex_search(l, m, started)) guests.emplace_back(m[1], unsigned(std::stoul(m[2])));
            if (std::regex_search(l, m, vmm)) {
                vmm_mmio += std::stoll(m[1]), vmm_sbi += std::stoll(m[2]);
                counted.push_back(std::stoll(m[1]) + std::stoll(m[2]));
            }
            // KVM_RUN also returns to the VMM for a signal (one vCPU thread
            // stopping the other at the end), which the VMM does not count
            // as an exit but KVM's own statistics do.
            if (std::regex_search(l, m, signals) && !counted.empty()) counted.back() += std::stoll(m[1]);
            if (std::regex_search(l, m, kvm_exits)) kvm_counted.push_back(std::stoll(m[1]));
        }
        struct PerVm { uint64_t hgatp; int64_t up, exits; };
        std::vector<PerVm> ups;  // exits through U-mode, all exits
        for (const auto& x : st_->part[1].exits.exits()) {
            if (!x.to_hypervisor()) continue;
            const uint64_t h = x.hgatp.value_or(0);
            auto it = std::find_if(ups.begin(), ups.end(), [h](const PerVm& u) { return u.hgatp == h; });
            if (it == ups.end()) it = ups.insert(ups.end(), {h, 0, 0});
            ++it->exits;
            // The exit that ends a VM (its system reset) returns to the VMM
            // for good: the next entry is another VM's.
            it->up += x.via_user && x.cycles() && x.entry_hgatp == x.hgatp;
        }
        const std::string g2 = group[1];
        list.add(g2, "t2.vmm.mmio", "exits to the VMM by its own count: MMIO", vmm_mmio);
        list.add(g2, "t2.vmm.sbi", "  SBI", vmm_sbi);
        int64_t equal = 0, exits_equal = 0;
        for (size_t i = 0; i < guests.size() && i < counted.size() && i < kvm_counted.size() && i < ups.size(); ++i) {
            const std::string gk = "t2." + guests[i].first;
            list.add(g2, gk + ".vcpus", guests[i].first + ": vCPUs", int64_t(guests[i].second));
            list.add(g2, gk + ".exits", "  VM exits to HS-mode (event log)", ups[i].exits);
            list.add(g2, gk + ".kvm_exits", "  VM exits by KVM's own count", kvm_counted[i]);
            list.add(g2, gk + ".up", "  exits through U-mode and back into it (event log)", ups[i].up);
            list.add(g2, gk + ".vmm", "  exits the VMM counted (MMIO, SBI) and KVM's signal exits", counted[i]);
            equal += ups[i].up == counted[i];
            exits_equal += ups[i].exits == kvm_counted[i];
        }
        list.add(g2, "t2.vms", "VMs the VMM ran", int64_t(guests.size()));
        list.add(g2, "t2.vms_equal", "  whose exits through U-mode are the ones the VMM counted", equal);
        list.add(g2, "t2.vms_exits_equal", "  whose exits are the ones KVM counted", exits_equal);
        list.add("type-1 vs type-2", "mmio_ratio", "cycles per MMIO exit handled by the VMM / by hv",
                 mmio_cost[0] > 0 ? mmio_cost[1] / mmio_cost[0] : 0.0, "x");
        list.add("type-1 vs type-2", "uart_same", "the uart guest printed the same lines under both",
                 !uart[0].empty() && uart[0] == uart[1]);
        return list.take();
    }

    std::vector<Check> checks(const std::vector<Figure>& f, const RunView&) override {
        auto num = [&](const std::string& k) { return number(f, k); };
        auto yes = [&](const std::string& k) { auto v = figure(f, k); return std::holds_alternative<bool>(v) && std::get<bool>(v); };
        std::vector<Check> c;
        c.push_back({"both machines powered off normally", yes("t1.powered_off") && yes("t2.powered_off"), ""});
        c.push_back({"the uart guest printed the same lines under hv and under KVM", yes("uart_same"), ""});
        c.push_back({"type-1: no exit leaves HS-mode before the guest runs again", num("t1.exits") > 0 && num("t1.up") == 0, ""});
        c.push_back({"type-1: hv never runs U-mode", num("t1.mode.U") == 0, ""});
        c.push_back({"type-2: for each VM, the exits that went up to U-mode and back are the ones its VMM counted",
                     num("t2.vms") == 3 && num("t2.vms_equal") == num("t2.vms"),
                     std::to_string(int64_t(num("t2.vms_equal"))) + " of " + std::to_string(int64_t(num("t2.vms")))});
        c.push_back({"type-2: for each VM, the event log's exits are the ones KVM counted",
                     num("t2.vms") == 3 && num("t2.vms_exits_equal") == num("t2.vms"), ""});
        c.push_back({"an MMIO exit costs more as a round trip to the VMM than in hv", num("mmio_ratio") > 1, ""});
        return c;
    }

private:
    void close(size_t part, emu::Machine& m, const std::string& console) {
        PartTally& t = st_->part[part];
        if (t.end) return;
        t.end = m.cycles_since_power_on();
        t.account(t.end);
        t.halted = m.halted();
        t.exit_code = m.exit_code();
        t.console = console.substr(part == 0 ? 0 : console_at_);
    }
    std::shared_ptr<State> st_;
    size_t console_at_ = 0;
};

}  // namespace

std::unique_ptr<Scenario> make_type1_vs_type2() { return std::make_unique<Type1VsType2>(); }

}  // namespace scen
