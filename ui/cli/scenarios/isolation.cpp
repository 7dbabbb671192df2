// Lecture row 2, isolation: a rogue guest stores outside its memory; the
// G-stage has no mapping there, so the store traps from VS-mode to hv in
// HS-mode; hv stops that VM and no other. Figures: faults by mode and cause
// from the event log, each VM's ending from its console, and from the host
// side that no host page is mapped by two VMs, that the rogue's target is
// mapped by nobody, and that the other guests' images are intact in RAM.
#include <algorithm>
#include <cstdio>
#include <map>
#include <set>
#include <tuple>

#include "isa/causes.hpp"
#include "ui/cli/scenario.hpp"

namespace scen {
namespace {

using namespace hvsetup;
constexpr uint64_t kStoreGuestPageFault = 23, kLoadGuestPageFault = 21, kFetchGuestPageFault = 20;
bool guest_page_fault(uint64_t c) {
    return c == kStoreGuestPageFault || c == kLoadGuestPageFault || c == kFetchGuestPageFault;
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
        return "a rogue guest stores outside its memory: G-stage fault, that VM stopped, the others finish";
    }
    std::string intro() const override {
        return "hv, the project's hypervisor, runs in HS-mode on minisbi (M-mode firmware). It gives\n"
               "each VM its own RAM from a pool and one G-stage page table (Sv39x4) that maps guest-\n"
               "physical addresses to host-physical ones; guests run in VS-mode (V=1). The guest\n"
               "'rogue' stores to guest-physical 0x40000000, where its machine has no memory.\n"
               "Watch where that store goes: not to another VM's memory, but into a trap.";
    }
    std::unique_ptr<emu::Machine> build(emu::MachineConfig cfg) const override { return build_hv_machine(cfg); }
    std::vector<Step> steps() const override {
        return {
            {"hv-started", "hv running in HS-mode", Condition::console("stepvisor hv:"),
             "minisbi set up M-mode (PMP, delegation) and entered hv with mret: V=0, S-mode = HS."},
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
            {"all-done", "the other VMs finished", Condition::halted(),
             "The other VMs ran on to their own end (SBI system reset); hv powered the machine off."},
        };
    }

    void observe(const emu::Event& e) override {
        tracker_.observe(e);
        if (e.kind == emu::EventKind::AtpWrite && e.csr == 0x680) hgatp_ = e.tinst;
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
        list.add("the rogue", "rogue.fault_gpa", "  guest-physical address (htval << 2) = " + hex(fault_seen_ ? fault_.tval2 : 0), int64_t(fault_seen_ ? fault_.tval2 : 0));
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
            if (v.name != "rogue") others++, others_done += finished;
        }
        list.add("VMs", "others.finished", "other VMs that finished", others_done);
        list.add("VMs", "others.total", "other VMs", others);

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
                v.label + " RAM pages its G-stage maps (host " + hex(v.host) + ")", pages);
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

        // The other guests' images, byte for byte, where hv placed them.
        int64_t intact = 0, checked = 0;
        const emu::Image* hv = nullptr;
        if (auto bytes = embedded_hv()) hv = bytes;
        for (const auto& v : vms_) {
            if (!hv) break;
            auto s = hv->symbol("guest_" + v.name), e = hv->symbol("guest_" + v.name + "_end");
            if (!s || !e || *e <= *s) continue;
            // The image as linked into hv.elf (guests.S), from the ELF's segments.
            std::vector<uint8_t> want(*e - *s), have(*e - *s);
            bool found = false;
            for (const auto& seg : hv->segments)
                if (*s >= seg.paddr && *e <= seg.paddr + seg.data.size()) {
                    std::copy_n(seg.data.begin() + long(*s - seg.paddr), want.size(), want.begin());
                    found = true;
                }
            if (!found) continue;
            size_t n = std::min<size_t>(want.size(), text_size(want));
            if (!run.machine.bus().read_block(v.host, have.data(), n)) continue;
            checked++;
            bool same = std::equal(want.begin(), want.begin() + long(n), have.begin());
            intact += same;
            list.add("memory (host side)", "vm." + v.name + ".code_intact",
                v.label + " image in host RAM equals the one hv loaded (" + std::to_string(n) + " bytes)", same);
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
                     is("rogue.faulted", true) && is("rogue.fault_cause", int64_t(23)) &&
                         is("rogue.fault_from", std::string("VS")) && is("rogue.fault_to", std::string("HS")),
                     ""});
        c.push_back({"hv stopped the rogue and never entered it again",
                     is("rogue.stopped_by_hv", true) && is("rogue.entries_after_fault", int64_t(0)), ""});
        c.push_back({"every other VM finished", get("others.finished") == get("others.total") &&
                                                    !is("others.total", int64_t(0)), ""});
        c.push_back({"no host page belongs to two VMs",
                     is("mem.shared_host_pages", int64_t(0)) && is("mem.pages_outside_own_ram", int64_t(0)), ""});
        c.push_back({"the rogue's target is mapped nowhere", is("mem.rogue_target_mapped", false), ""});
        c.push_back({"guest images untouched", get("mem.images_intact") == get("mem.images_checked") &&
                                                   !is("mem.images_checked", int64_t(0)), ""});
        c.push_back({"the machine powered off normally", run.halted && run.machine.exit_code() == 0, ""});
        return c;
    }

private:
    // hv.elf as embedded, parsed once.
    const emu::Image* embedded_hv() {
        if (!hv_) {
            try {
                hv_ = embedded_elf("hv");
            } catch (...) {
                return nullptr;
            }
        }
        return &*hv_;
    }
    // The whole image: code, read-only data and initial data (the guests
    // keep their changing state in .bss and on the stack, after the image).
    static size_t text_size(const std::vector<uint8_t>& img) { return img.size(); }

    ExitTracker tracker_;
    std::map<std::tuple<std::string, std::string, uint64_t>, uint64_t> faults_;
    std::map<uint64_t, uint64_t> gpf_by_hgatp_;
    uint64_t hgatp_ = 0, fault_hgatp_ = 0, entries_after_ = 0;
    bool fault_seen_ = false;
    emu::Event fault_;
    std::vector<VmInfo> vms_;
    std::optional<emu::Image> hv_;
};

}  // namespace

std::unique_ptr<Scenario> make_isolation() { return std::make_unique<Isolation>(); }

}  // namespace scen
