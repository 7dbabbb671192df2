// Lecture row 8, memory ballooning: VM "donor" runs a balloon driver; VM
// "hungry" asks hv for 128 pages more than its RAM. hv raises the donor's
// balloon target; the driver gives pages from its free memory; hv unmaps
// each from the donor's G-stage and maps it into hungry's at the addresses
// hungry asks for; hungry uses them and gives them back; the balloon
// deflates. Figures: pages moved (hv's count), the donor's free memory over
// time (its own console), and, checked from the host side with the
// emulator's own walker at the moment hungry holds the pages, that the very
// host pages the donor gave are unmapped from its G-stage and mapped in
// hungry's, and that all is back in place at the end.
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "ui/scenarios/hv_setup.hpp"
#include "ui/scenarios/scenario.hpp"

namespace scen {
namespace {

using namespace hvsetup;

constexpr uint64_t kDonorPool = 0x8010'0000;   // firmware/guests/donor.c: POOL_START
constexpr uint64_t kHungryGpa = 0x9000'0000;   // firmware/guests/hungry.c: EXTRA_GPA
constexpr unsigned kPages = 128;               // hungry.c: EXTRA

class Ballooning : public Scenario {
public:
    std::string name() const override { return "ballooning"; }
    std::string summary() const override {
        return "hv moves 128 pages from a donor's balloon to a hungry VM and back: G-stage unmapped, remapped, free memory";
    }
    std::string intro() const override {
        return "Two VMs of 4 MiB each. 'donor' runs a balloon driver: a guest driver that can give pages\n"
               "of its own RAM back to the hypervisor. 'hungry' needs 512 KiB more than it has. hv owns\n"
               "no spare memory, so it asks the donor's driver to inflate its balloon: the driver takes\n"
               "pages off its free list and hands them to hv, hv unmaps them from the donor's G-stage and\n"
               "maps them into hungry's. Later hungry gives them back and the balloon deflates.";
    }
    std::unique_ptr<emu::Machine> build(emu::MachineConfig cfg) const override {
        HvSetup s;
        s.vms = {guest("donor", "donor", 4 * hvtable::kMiB), guest("hungry", "hungry", 4 * hvtable::kMiB)};
        return build_hv_machine(cfg, s);
    }
    std::vector<Step> steps() const override {
        return {
            {"vms-created", "both VMs created", Condition::console("'hungry'"),
             "hv created the two VMs: each has 4 MiB of host RAM behind its G-stage."},
            {"asked", "hungry asks for memory", Condition::console("hungry: t="),
             "hungry called hv's BALLOON_ASK hypercall: it wants 128 pages beyond its RAM. hv has none\n"
             "free, so the donor's balloon target goes up by 128."},
            {"inflated", "the donor's balloon inflated", Condition::console("inflated: balloon"),
             "The donor's driver saw its target (BALLOON_TARGET) and gave 128 pages (BALLOON_GIVE):\n"
             "each one unmapped from the donor's G-stage, its VMID fenced, the host page kept by hv.\n"
             "Its free memory dropped by 512 KiB."},
            {"moved", "hungry holds the donor's pages", Condition::console("came zeroed"),
             "hungry mapped the pages at 0x90000000 (BALLOON_TAKE): the same host pages, now behind\n"
             "hungry's G-stage, zeroed by hv first so nothing of the donor's data crosses over."},
            {"deflated", "the balloon deflated", Condition::console("deflated: balloon"),
             "hungry gave the pages back; nobody else wanted them, so the donor's target fell to 0 and\n"
             "its driver took its own pages back: mapped again in the donor's G-stage."},
            {"all-done", "both VMs finished", Condition::halted(), "Both guests shut down; hv printed its balloon counts."},
        };
    }
    // The donor's and hungry's G-stages as stepvisor's walker sees them:
    // when hungry asks (both VMs have run), when it holds the pages, at the end.
    void at_checkpoint(size_t step, emu::Machine& m) override {
        if (step == 1) start_ = sample(m);
        if (step == 3) moved_ = sample(m);
        if (step == 5) end_ = sample(m);
    }
    std::vector<Figure> figures(const RunView& run) override {
        FigureList list;
        const char* g = "pages moved (hv's count)";
        static const std::regex counts(R"(hv: (vm\d+) balloon: (\d+) pages given to hv, (\d+) taken)");
        auto vms = parse_vms(run.console);
        std::map<std::string, std::string> name;
        for (const auto& v : vms) name[v.label] = v.name;
        for (auto it = std::sregex_iterator(run.console.begin(), run.console.end(), counts); it != std::sregex_iterator(); ++it) {
            std::string n = name[(*it)[1]];
            list.add(g, n + ".given", (*it)[1].str() + " " + n + ": pages given to hv", int64_t(std::stoll((*it)[2])));
            list.add(g, n + ".taken", "  pages taken from hv", int64_t(std::stoll((*it)[3])));
        }
        const char* f = "the donor's free memory over time (its console)";
        static const std::regex free_line(R"(donor: t=(\d+) us (\w+): balloon (\d+) pages, free (\d+) KiB)");
        int n = 0;
        for (auto it = std::sregex_iterator(run.console.begin(), run.console.end(), free_line); it != std::sregex_iterator(); ++it, ++n) {
            list.add(f, "free." + std::to_string(n) + ".kib", "t=" + (*it)[1].str() + " us, " + (*it)[2].str(),
                     int64_t(std::stoll((*it)[4])), "KiB");
            list.add(f, "free." + std::to_string(n) + ".balloon", "  pages in the balloon", int64_t(std::stoll((*it)[3])));
        }
        list.add(f, "free.samples", "samples", int64_t(n));
        const char* h = "the G-stages, walked by stepvisor (host side)";
        auto count = [](const Sample& s, bool donor) { return int64_t(donor ? s.donor.size() : s.hungry.size()); };
        list.add(h, "start.donor_mapped", "at the start: donor's 128 pool pages mapped", count(start_, true));
        list.add(h, "moved.donor_mapped", "while hungry holds them: donor's pool pages still mapped", count(moved_, true));
        list.add(h, "moved.hungry_mapped", "  hungry's pages at 0x90000000 mapped", count(moved_, false));
        int64_t same = 0;
        for (uint64_t hpa : moved_.hungry) same += start_.donor.count(hpa);
        list.add(h, "moved.same_host_pages", "  of them, host pages the donor had at the start", same);
        list.add(h, "end.donor_mapped", "at the end: donor's pool pages mapped", count(end_, true));
        list.add(h, "end.hungry_mapped", "  hungry's extra pages mapped", count(end_, false));
        return list.take();
    }
    std::vector<Check> checks(const std::vector<Figure>& f, const RunView& run) override {
        auto n = [&](const char* k) { return number(f, k); };
        std::vector<Check> c;
        c.push_back({"128 pages went from the donor to hv and from hv to hungry, and back",
                     n("donor.given") == kPages && n("donor.taken") == kPages && n("hungry.taken") == kPages &&
                         n("hungry.given") == kPages, ""});
        c.push_back({"while hungry held them, the donor's pages were unmapped from its G-stage",
                     n("start.donor_mapped") == kPages && n("moved.donor_mapped") == 0, ""});
        c.push_back({"...and the same host pages were mapped in hungry's",
                     n("moved.hungry_mapped") == kPages && n("moved.same_host_pages") == kPages, ""});
        c.push_back({"after deflating, the donor has its pages again and hungry none",
                     n("end.donor_mapped") == kPages && n("end.hungry_mapped") == 0, ""});
        c.push_back({"the donor's free memory fell by 512 KiB and came back",
                     n("free.samples") >= 3 && n("free.1.kib") == n("free.0.kib") - 512 && n("free.2.kib") == n("free.0.kib"), ""});
        c.push_back({"the machine powered off normally", run.halted && run.machine.exit_code() == 0, ""});
        return c;
    }

private:
    struct Sample {
        std::set<uint64_t> donor, hungry;   // host pages behind the donor's pool and hungry's extra GPAs
    };
    Sample sample(emu::Machine& m) {
        Sample s;
        for (unsigned i = 0; i < kPages; i++) {
            if (auto pa = gstage_translate(m, hgatp_[0], kDonorPool + 4096ull * i)) s.donor.insert(*pa >> 12 << 12);
            if (auto pa = gstage_translate(m, hgatp_[1], kHungryGpa + 4096ull * i)) s.hungry.insert(*pa >> 12 << 12);
        }
        return s;
    }

public:
    void observe(const emu::Event& e) override {
        // hgatp values in the order hv first loads them: vm0 (donor), then vm1.
        if (e.kind == emu::EventKind::AtpWrite && e.csr == uint16_t(isa::Csr::HGATP) && isa::atp::mode(e.value) == uint64_t(isa::atp::Mode::Sv39)) {
            for (uint64_t h : hgatp_)
                if (h == e.value) return;
            if (seen_ < 2) hgatp_[seen_++] = e.value;
        }
    }

private:
    uint64_t hgatp_[2] = {};
    unsigned seen_ = 0;
    Sample start_, moved_, end_;
};

}  // namespace

std::unique_ptr<Scenario> make_ballooning() { return std::make_unique<Ballooning>(); }

}  // namespace scen
