// Lecture row 7, memory virtualization: three address spaces. The guest
// paging (firmware/guests/paging.c) maps guest-virtual to guest-physical
// with its own Sv39 tables in 4 KiB pages; hv maps guest-physical to host-
// physical with the VM's Sv39x4 G-stage, also in 4 KiB pages. Every
// translation the hart does for the guest is a nested walk: each of the
// three VS-stage page-table reads is itself a guest-physical address the
// G-stage must translate (3 reads each), and so is the final address:
// 3 x (3 + 1) + 3 = 15 reads. Figures: walks and reads per walk from the
// emulator's own walker (counted on its slow path), TLB fills, and the TLB's
// hit rate, from the same run repeated with the TLB turned off (a second
// machine: every translation walks); the guest's page faults, handled by
// the guest, against the G-stage faults that would reach hv.
#include <map>

#include "ui/scenarios/hv_setup.hpp"
#include "ui/scenarios/scenario.hpp"

namespace scen {
namespace {

using namespace hvsetup;

struct Walks {
    uint64_t walks = 0, reads = 0, full = 0, max_reads = 0;
};

Walks walks_of(emu::Machine& m) {
    Walks w;
    for (unsigned h = 0; h < m.hart_count(); h++) {
        const auto& s = m.hart(h).walk_stats;
        w.walks += s.nested_walks;
        for (unsigned n = 0; n < 32; n++) {
            w.reads += n * s.nested_reads[n];
            if (s.nested_reads[n] && n > w.max_reads) w.max_reads = n;
        }
        w.full += s.nested_reads[15];
    }
    return w;
}

HvSetup setup() {
    HvSetup s;
    s.vms = {guest("paging", "paging", 2 * hvtable::kMiB)};
    return s;
}

class Memory : public Scenario {
public:
    std::string name() const override { return "memory"; }
    std::string summary() const override {
        return "guest-virtual -> guest-physical -> host-physical: 15 reads per nested walk, and what the TLB saves";
    }
    std::string intro() const override {
        return "Three address spaces: the guest's virtual addresses, translated by the guest's own Sv39 page\n"
               "tables (vsatp) into guest-physical ones, translated by hv's G-stage (hgatp) into host-\n"
               "physical memory. The guest 'paging' maps its RAM with 4 KiB pages and runs two U-mode\n"
               "tasks, each in its own address space; their first touches of their data are page faults\n"
               "the guest handles itself. Every page-table read of the guest's walk is a guest-physical\n"
               "address too, so it needs its own G-stage walk: up to 15 memory reads for one translation.";
    }
    std::unique_ptr<emu::Machine> build(emu::MachineConfig cfg) const override { return build_hv_machine(cfg, setup()); }
    std::vector<Step> steps() const override {
        return {
            {"vsatp", "the guest turns on its page tables", Condition::on(emu::EventKind::AtpWrite,
                 [](const emu::Event& e) { return e.from_v && isa::atp::mode(e.value) == uint64_t(isa::atp::Mode::Sv39); }),
             "The guest wrote satp; in VS-mode that is vsatp, the first stage. From now on its addresses\n"
             "are guest-virtual: VS-stage tables, then the G-stage for every guest-physical address."},
            {"first-nested-walk", "a translation through both stages", Condition::on(emu::EventKind::TlbFill,
                 [](const emu::Event& e) { return e.from_v; }),
             "The hart walked the guest's table and, for each of its entries, hv's G-stage table, then\n"
             "cached the result in its TLB (tagged with the VMID and the guest's ASID)."},
            {"guest-page-fault", "a task's page fault, handled by the guest", Condition::on(emu::EventKind::Trap,
                 [](const emu::Event& e) { return e.from_v && e.to_v && (e.cause == 13 || e.cause == 15); }),
             "A U-mode task stored to a page its address space does not map yet: a page fault in the\n"
             "first stage, delegated to the guest kernel (hedeleg), which maps a page and retries. hv\n"
             "is not involved: the G-stage had nothing to say."},
            {"all-done", "the tasks are done", Condition::halted(), "Both tasks touched and re-read their pages; the guest shut down."},
        };
    }
    void observe(const emu::Event& e) override {
        if (e.kind == emu::EventKind::TlbFill && e.from_v) fills_++;
        if (e.kind == emu::EventKind::Trap && e.from_v && e.to_v && (e.cause == 12 || e.cause == 13 || e.cause == 15)) guest_faults_++;
        const bool gpf = e.cause == emu::FETCH_GUEST_PAGE_FAULT || e.cause == emu::LOAD_GUEST_PAGE_FAULT ||
                         e.cause == emu::STORE_GUEST_PAGE_FAULT;
        if (e.kind == emu::EventKind::VmExit && !e.interrupt && gpf) gstage_faults_++;
    }
    std::vector<Figure> figures(const RunView& run) override {
        FigureList list;
        Walks with = walks_of(run.machine), without = compare(run);
        const char* g = "nested walks (the emulator's walker, V=1)";
        list.add(g, "walks", "two-stage walks", int64_t(with.walks));
        list.add(g, "reads", "  page-table reads in them", int64_t(with.reads));
        list.add(g, "reads_per_walk", "  reads per walk, on average", with.walks ? double(with.reads) / double(with.walks) : 0.0);
        list.add(g, "max_reads", "  most reads in one walk (Sv39 over Sv39x4, 4 KiB pages: 3 x (3 + 1) + 3)", int64_t(with.max_reads));
        list.add(g, "full_walks", "  walks with all 15 reads", int64_t(with.full));
        list.add(g, "tlb_fills", "TLB fills for the guest (event log)", int64_t(fills_));
        const char* t = "the TLB (the same run without it, a second machine)";
        list.add(t, "notlb.walks", "two-stage walks without the TLB: every guest translation", int64_t(without.walks));
        list.add(t, "notlb.reads", "  page-table reads", int64_t(without.reads));
        double hit = without.walks ? 1.0 - double(with.walks) / double(without.walks) : 0.0;
        list.add(t, "tlb_hit_rate", "TLB hit rate: translations that needed no walk", hit * 100.0, "%");
        const char* f = "faults";
        list.add(f, "guest_page_faults", "page faults the guest took in its own tables (VU -> VS)", int64_t(guest_faults_));
        list.add(f, "gstage_faults", "guest-page faults that reached hv", int64_t(gstage_faults_));
        return list.take();
    }
    std::vector<Check> checks(const std::vector<Figure>& f, const RunView& run) override {
        auto n = [&](const char* k) { return number(f, k); };
        std::vector<Check> c;
        c.push_back({"a full nested walk reads 15 page-table entries, and none reads more",
                     n("max_reads") == 15 && n("full_walks") > 0, ""});
        c.push_back({"the TLB saves most walks (hit rate above 90%)", n("tlb_hit_rate") > 90, ""});
        c.push_back({"the tasks' 24 page faults were the guest's own; none reached hv",
                     n("guest_page_faults") == 24 && n("gstage_faults") == 0, ""});
        c.push_back({"the machine powered off normally", run.halted && run.machine.exit_code() == 0, ""});
        return c;
    }

private:
    Walks compare(const RunView& run) {
        emu::MachineConfig cfg = run.machine.config();
        cfg.console = [](uint8_t) {};
        cfg.tlb = false;
        auto m = build_hv_machine(cfg, setup());
        while (!m->halted() && m->instructions() < budget()) m->run(1'000'000);
        return walks_of(*m);
    }
    uint64_t fills_ = 0, guest_faults_ = 0, gstage_faults_ = 0;
};

}  // namespace

std::unique_ptr<Scenario> make_memory() { return std::make_unique<Memory>(); }

}  // namespace scen
