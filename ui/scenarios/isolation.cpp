// Lecture row 2, isolation: a rogue guest stores outside its memory; the
// G-stage has no mapping there, so the store traps from VS-mode to hv in
// HS-mode; hv stops that VM and no other. A hostile guest writes an M-mode
// CSR (its own illegal-instruction fault, no exit), hogs its vCPU (hv's
// timer takes the hart back), then writes hgatp (a virtual-instruction
// exit; hv stops it). Figures: faults by mode and cause
// from the event log, each VM's ending from its console, and from the host
// side that no host page is mapped by two VMs, that the rogue's target is
// mapped by nobody, and that the other guests' images are intact in RAM.
#include <algorithm>
#include <cstdio>
#include <map>
#include <set>
#include <tuple>

#include "isa/causes.hpp"
#include "isa/hex.hpp"
#include "ui/scenarios/hv_setup.hpp"
#include "ui/scenarios/scenario.hpp"
#include "ui/embedded.hpp"

namespace scen {
namespace {

using namespace hvsetup;
bool guest_page_fault(uint64_t c) {
    return c == isa::STORE_GUEST_PAGE_FAULT || c == isa::LOAD_GUEST_PAGE_FAULT || c == isa::FETCH_GUEST_PAGE_FAULT;
}
const char* mode_name(emu::Priv p, bool v) {
    if (p == emu::Priv::M) return "M";
    if (p == emu::Priv::S) return v ? "VS" : "HS";
    return v ? "VU" : "U";
}

class Isolation : public Scenario {
public:
    std::string name() const override { return "isolation"; }
    std::string summary() const override {
        return "rogue and hostile guests: G-stage fault, own illegal instruction, hogging, hgatp write; the others finish";
    }
    std::string intro() const override {
        return "hv, the project's hypervisor, runs in HS-mode on firmware/sbi (M-mode firmware). It gives\n"
               "each VM its own RAM from a pool and one G-stage page table (Sv39x4) that maps guest-\n"
               "physical addresses to host-physical ones; guests run in VS-mode (V=1). The guest\n"
               "'rogue' stores to guest-physical 0x40000000, where its machine has no memory.\n"
               "Watch where that store goes: not to another VM's memory, but into a trap.\n"
               "The guest 'hostile' then writes an M-mode CSR, spins without ever calling hv, and\n"
               "writes hgatp, the hypervisor's own CSR: watch who handles each.";
    }
    std::unique_ptr<emu::Machine> build(emu::MachineConfig cfg) const override {
        HvSetup setup;
        setup.vms = {guest("ticker"), guest("hello"), guest("rogue", "", hvtable::kMiB), guest("uart", "", hvtable::kMiB),
                     guest("hostile", "", hvtable::kMiB)};
        return build_hv_machine(cfg, setup);
    }
    std::vector<Step> steps() const override {
        return {
            {"hv-started", "hv running in HS-mode", Condition::console("stepvisor hv:"),
             "The SBI firmware set up M-mode (PMP, delegation) and entered hv with mret: V=0, S-mode = HS."},
            {"vms-created", "VMs created", Condition::console("'rogue'"),
             "hv created the VMs: each has its own RAM and G-stage table, and its own VMID in hgatp."},
            {"first-vm-entry", "first VM entry", Condition::on(emu::EventKind::VmEntry),
             "sret with hstatus.SPV=1: the hart is now in VS-mode; every guest-physical address goes\n"
             "through that VM's G-stage table."},
            {"rogue-fault", "rogue's store faults in the G-stage",
             Condition::on(emu::EventKind::Trap,
                           [](const emu::Event& e) { return e.from_v && guest_page_fault(e.cause); }),
             "The rogue's store found no G-stage mapping: a store guest-page fault (cause 23), taken\n"
             "from VS-mode into HS-mode. htval holds the guest-physical address >> 2. No memory was\n"
             "written: the trap happens before the store completes."},
            {"rogue-stopped", "hv stopped the rogue VM", Condition::console("outside its map"),
             "hv decided: the guest broke its rules, so its vCPU is not run again. Only that VM stops."},
            {"hostile-own-fault", "hostile's illegal CSR write handled by itself",
             Condition::on(emu::EventKind::Trap,
                           [](const emu::Event& e) {
                               return e.from_v && e.to_v && !e.interrupt && e.cause == isa::ILLEGAL_INSTRUCTION;
                           }),
             "'hostile' wrote mscratch, an M-mode CSR: an illegal instruction. hedeleg delegates that\n"
             "cause to the guest, so the trap went from VS-mode to VS-mode, to the guest's own handler:\n"
             "no VM exit, hv never saw it. A guest's own mistakes stay inside the guest."},
            {"hostile-preempted", "hv's timer takes the hart back from the hog",
             Condition::on(emu::EventKind::VmExit,
                           [](const emu::Event& e) { return e.interrupt && e.cause == isa::irq::STI; }),
             "'hostile' now spins without any SBI call or WFI, so it never gives the hart back. hv's\n"
             "own timer (a supervisor timer interrupt, not delegated to guests) still fires while a\n"
             "guest runs: a VM exit, and hv's scheduler runs the next VM for its slice."},
            {"hostile-stopped", "hostile stopped for writing hgatp", Condition::console("hv does not emulate"),
             "'hostile' wrote hgatp. Hypervisor CSRs do not exist in VS-mode: a virtual-instruction\n"
             "exception (cause 22), which goes to hv. hv does not emulate that, so it stops the VM.\n"
             "The others finished while it was hogging: they lost their slices' worth, nothing more."},
            {"all-done", "the other VMs finished", Condition::halted(),
             "The other VMs ran on to their own end (SBI system reset); hv powered the machine off."},
        };
    }

    void observe(const emu::Event& e) override {
        exits_.observe(e);
        const uint64_t hgatp_ = exits_.hgatp_of(e.hart).value_or(0);  // one hart: the VM it runs
        if (e.kind == emu::EventKind::Trap)
            faults_[{mode_name(e.from_priv, e.from_v), mode_name(e.to_priv, e.to_v), e.cause}]++;
        if (e.kind == emu::EventKind::Trap && e.from_v && guest_page_fault(e.cause)) {
            gpf_by_hgatp_[hgatp_]++;
            if (!fault_seen_) {
                fault_seen_ = true;
                fault_ = e;
                fault_hgatp_ = hgatp_;
            }
        }
        if (e.kind == emu::EventKind::VmEntry && fault_seen_ && hgatp_ == fault_hgatp_) entries_after_++;
        if (e.kind == emu::EventKind::Trap && !e.interrupt && e.from_v && e.cause == isa::ILLEGAL_INSTRUCTION)
            (e.to_v ? illegal_in_guest_ : illegal_exits_)[hgatp_]++;
    }

    std::vector<Figure> figures(const RunView& run) override {
        FigureList list;
        vms_ = parse_vms(run.console);
        const VmInfo* rogue = nullptr;
        for (const auto& v : vms_)
            if (v.name == "rogue") rogue = &v;

        // Faults (exceptions) by the mode they came from and went to.
        for (const auto& [k, n] : faults_) {
            auto [from, to, cause] = k;
            std::string key = "traps." + std::string(from) + "_to_" + to + ".e" + std::to_string(cause);
            list.add("exceptions taken, by mode (event log)", key,
                std::string(from) + " -> " + to + "  " + std::string(isa::cause_name(cause, false)), int64_t(n));
        }
        uint64_t gpf = 0;
        for (const auto& [h, n] : gpf_by_hgatp_) gpf += n;
        list.add("guest-page faults", "gpf.total", "guest-page faults (VS -> HS)", int64_t(gpf));
        for (const auto& v : vms_)
            list.add("guest-page faults", "gpf." + v.name, "  in " + v.label + " " + v.name,
                int64_t(gpf_by_hgatp_.count(v.hgatp) ? gpf_by_hgatp_.at(v.hgatp) : 0));

        list.add("the rogue", "rogue.faulted", "rogue took a guest-page fault", fault_seen_ && rogue && fault_hgatp_ == rogue->hgatp);
        list.add("the rogue", "rogue.fault_cause", "  cause", int64_t(fault_seen_ ? fault_.cause : 0));
        list.add("the rogue", "rogue.fault_from", "  from mode", std::string(fault_seen_ ? mode_name(fault_.from_priv, fault_.from_v) : "-"));
        list.add("the rogue", "rogue.fault_to", "  to mode", std::string(fault_seen_ ? mode_name(fault_.to_priv, fault_.to_v) : "-"));
        list.add("the rogue", "rogue.fault_gpa", "  guest-physical address (htval << 2) = " + isa::hex(fault_seen_ ? fault_.tval2 : 0), int64_t(fault_seen_ ? fault_.tval2 : 0));
        list.add("the rogue", "rogue.fault_cycle", "  at cycle", int64_t(fault_seen_ ? fault_.cycle : 0));
        list.add("the rogue", "rogue.entries_after_fault", "VM entries into rogue after the fault", int64_t(entries_after_));
        list.add("the rogue", "rogue.stopped_by_hv", "hv stopped it for the fault",
            rogue && rogue->stopped && rogue->stop_reason.find("outside its map") != std::string::npos);

        // Each VM's ending, from hv's console lines.
        int64_t others = 0, others_done = 0;
        for (const auto& v : vms_) {
            bool finished = v.stopped && v.stop_reason.find("shut down") != std::string::npos;
            list.add("VMs", "vm." + v.name + ".finished", v.label + " " + v.name + " finished on its own (SBI SRST)", finished);
            int64_t lines = int64_t(std::count(v.console.begin(), v.console.end(), '\n'));
            list.add("VMs", "vm." + v.name + ".console_lines", "  console lines", lines);
            if (v.name != "rogue" && v.name != "hostile") others++, others_done += finished;
        }
        list.add("VMs", "others.finished", "other VMs that finished", others_done);
        list.add("VMs", "others.total", "other VMs", others);

        // The hostile guest, from the event log and the console.
        const VmInfo* hostile = nullptr;
        for (const auto& v : vms_)
            if (v.name == "hostile") hostile = &v;
        uint64_t hh = hostile ? hostile->hgatp : ~0ull;
        int64_t preempted = 0, virt_exits = 0, hostile_exits = 0;
        for (const auto& x : hv_exits(exits_)) {
            if (x.hgatp.value_or(0) != hh) continue;
            hostile_exits++;
            preempted += x.interrupt() && x.exit.cause == isa::irq::STI;
            virt_exits += !x.interrupt() && x.exit.cause == isa::VIRTUAL_INSTRUCTION;
        }
        const char* g = "the hostile guest";
        list.add(g, "hostile.illegal_in_guest", "illegal instructions it took in its own handler (VS -> VS)",
                 int64_t(illegal_in_guest_.count(hh) ? illegal_in_guest_.at(hh) : 0));
        list.add(g, "hostile.illegal_exits", "illegal instructions that left the VM", int64_t(illegal_exits_.count(hh) ? illegal_exits_.at(hh) : 0));
        list.add(g, "hostile.exits", "its VM exits", hostile_exits);
        list.add(g, "hostile.timer_exits", "  hv's timer taking the hart back", preempted);
        list.add(g, "hostile.virtual_instruction_exits", "  virtual instruction (its hgatp write)", virt_exits);
        list.add(g, "hostile.stopped_by_hv", "hv stopped it for the instruction",
                 hostile && hostile->stopped && hostile->stop_reason.find("hv does not emulate") != std::string::npos);
        // The other VMs still running when the hog began, and which of them
        // finished before it ended (their end lies between its two lines).
        size_t hog_from = run.console.find("hostile: hogging"), hog_to = run.console.find("hostile: writing hgatp");
        int64_t running = 0, during = 0;
        for (const auto& v : vms_) {
            if (v.name == "rogue" || v.name == "hostile" || hog_from == std::string::npos) continue;
            size_t at = run.console.find("hv: " + v.label + " stopped: guest shut down");
            if (at != std::string::npos && at < hog_from) continue;
            running++;
            during += at != std::string::npos && hog_to != std::string::npos && at < hog_to;
        }
        list.add(g, "others.running_at_hog", "other VMs still running when it began to hog", running);
        list.add(g, "others.finished_during_hog", "  of them, finished while it hogged", during);

        // The host side: walk every VM's G-stage with the emulator's walker.
        std::map<uint64_t, std::set<std::string>> owners;  // host page -> VMs mapping it
        int64_t outside_own = 0;
        for (const auto& v : vms_) {
            int64_t pages = 0;
            for (uint64_t off = 0; off < v.ram_kib * 1024; off += 4096) {
                auto pa = gstage_translate(run.machine, v.hgatp, emu::map::kRam + off);
                if (!pa) continue;
                pages++;
                owners[*pa >> 12].insert(v.name);
                if (*pa < v.host || *pa >= v.host + v.ram_kib * 1024) outside_own++;
            }
            list.add("memory (host side)", "vm." + v.name + ".pages_mapped",
                v.label + " RAM pages its G-stage maps (host " + isa::hex(v.host) + ")", pages);
        }
        int64_t shared = 0;
        for (const auto& [pg, who] : owners) shared += who.size() > 1;
        list.add("memory (host side)", "mem.shared_host_pages", "host pages mapped by two VMs", shared);
        list.add("memory (host side)", "mem.pages_outside_own_ram", "pages mapped outside the VM's own RAM", outside_own);
        bool target_mapped = false;
        uint64_t target = fault_seen_ ? fault_.tval2 : 0x40000000;
        for (const auto& v : vms_) target_mapped |= bool(gstage_translate(run.machine, v.hgatp, target));
        list.add("memory (host side)", "mem.rogue_target_mapped", "the rogue's target GPA mapped in any VM", target_mapped);
        uint64_t probe = 0;
        list.add("memory (host side)", "mem.rogue_target_host_backed", "host memory at that address",
            run.machine.bus().read(target, 4, probe));

        // The guests' images, byte for byte, where hv placed them: the
        // embedded image (code, read-only and initial data) against the VM's
        // host RAM. The guests keep their changing state in .bss and on the
        // stack, after the image.
        int64_t intact = 0, checked = 0;
        for (const auto& v : vms_) {
            auto want = embedded::find("guest-" + v.name);
            if (!want) continue;
            std::vector<uint8_t> have(want->size());
            if (!run.machine.bus().read_block(v.host, have.data(), have.size())) continue;
            checked++;
            bool same = std::equal(want->begin(), want->end(), have.begin());
            intact += same;
            list.add("memory (host side)", "vm." + v.name + ".code_intact",
                v.label + " image in host RAM equals the one hv loaded (" + std::to_string(have.size()) + " bytes)", same);
        }
        list.add("memory (host side)", "mem.images_intact", "guest images intact", intact);
        list.add("memory (host side)", "mem.images_checked", "guest images checked", checked);
        return list.take();
    }

    std::vector<Check> checks(const std::vector<Figure>& f, const RunView& run) override {
        auto get = [&](const std::string& k) { return figure(f, k); };
        auto is = [&](const std::string& k, Value v) { return get(k) == v; };
        std::vector<Check> c;
        c.push_back({"the rogue took a store guest-page fault from VS into HS",
                     is("rogue.faulted", true) && is("rogue.fault_cause", int64_t(isa::STORE_GUEST_PAGE_FAULT)) &&
                         is("rogue.fault_from", std::string("VS")) && is("rogue.fault_to", std::string("HS")),
                     ""});
        c.push_back({"hv stopped the rogue and never entered it again",
                     is("rogue.stopped_by_hv", true) && is("rogue.entries_after_fault", int64_t(0)), ""});
        c.push_back({"every other VM finished", get("others.finished") == get("others.total") &&
                                                    !is("others.total", int64_t(0)), ""});
        c.push_back({"hostile's illegal CSR write stayed in the guest (no exit)",
                     number(f, "hostile.illegal_in_guest") >= 1 && number(f, "hostile.illegal_exits") == 0, ""});
        // 350 ms of hogging in 10 ms slices, shared with the other VMs while they run.
        c.push_back({"hv's timer took the hart back from the hog again and again", number(f, "hostile.timer_exits") >= 5, ""});
        c.push_back({"hv stopped hostile for writing hgatp",
                     number(f, "hostile.virtual_instruction_exits") == 1 && is("hostile.stopped_by_hv", true), ""});
        c.push_back({"the VMs running beside the hog finished while it hogged",
                     number(f, "others.running_at_hog") >= 1 &&
                         get("others.finished_during_hog") == get("others.running_at_hog"), ""});
        c.push_back({"no host page belongs to two VMs",
                     is("mem.shared_host_pages", int64_t(0)) && is("mem.pages_outside_own_ram", int64_t(0)), ""});
        c.push_back({"the rogue's target is mapped nowhere", is("mem.rogue_target_mapped", false), ""});
        c.push_back({"guest images untouched", get("mem.images_intact") == get("mem.images_checked") &&
                                                   !is("mem.images_checked", int64_t(0)), ""});
        c.push_back({"the machine powered off normally", run.halted && run.machine.exit_code() == 0, ""});
        return c;
    }

private:
    emu::ExitIndex exits_;
    std::map<std::tuple<std::string, std::string, uint64_t>, uint64_t> faults_;
    std::map<uint64_t, uint64_t> gpf_by_hgatp_, illegal_in_guest_, illegal_exits_;
    uint64_t fault_hgatp_ = 0, entries_after_ = 0;
    bool fault_seen_ = false;
    emu::Event fault_;
    std::vector<VmInfo> vms_;
};

}  // namespace

std::unique_ptr<Scenario> make_isolation() { return std::make_unique<Isolation>(); }

}  // namespace scen
