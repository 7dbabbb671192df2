// The GUI's model without a window (ui/gui: the session, the console it
// keeps, the VM overview): what the VMs tab shows follows the machine that
// runs now.
#include <doctest/doctest.h>

#include "ui/gui/console_text.hpp"
#include "ui/gui/session.hpp"
#include "ui/gui/vm_overview.hpp"
#include "ui/scenarios/hv_setup.hpp"

namespace {

void put(gui::ConsoleText& c, const std::string& s) {
    for (char ch : s) c.put(ch);
}

// On to the scenario's next checkpoint, as the GUI's Next does.
void next_checkpoint(gui::Session& s) {
    REQUIRE(s.run_checkpoint());
    while (s.running()) s.tick(1000);
}

// A session on a scenario, at its n-th checkpoint.
std::unique_ptr<gui::Session> at_checkpoint(const std::string& scenario, size_t n) {
    gui::Session::Config cfg;
    cfg.scenario = scenario;
    auto s = std::make_unique<gui::Session>(cfg);
    while (s->scenario()->current < n) next_checkpoint(*s);
    REQUIRE(s->scenario()->current == n);
    return s;
}

// The VMs' titles, "stopped" after those hv stopped, one string for doctest's message.
std::string titles(const gui::VmOverview& o) {
    std::string t;
    for (const auto& v : o.vms) t += (t.empty() ? "" : ", ") + v.title() + (v.stopped ? " stopped" : "");
    return t;
}

}  // namespace

TEST_CASE("gui console: hv's announcements start over when hv boots again or the machine changes") {
    gui::ConsoleText c;
    put(c, "\nstepvisor hv: hart 0, device tree 0x82200000, on OpenSBI 1.1 (SBI 1.0)\n");
    put(c, "hv: vm0 'a': 4096 KiB RAM\n[vm0] hello\nhv: vm1 'b': 4096 KiB RAM\nhv: vm0 stopped: powered off\n");
    CHECK(c.hv_lines() == "hv: vm0 'a': 4096 KiB RAM\nhv: vm1 'b': 4096 KiB RAM\nhv: vm0 stopped: powered off\n");
    put(c, "stepvisor hv: hart 0, device tree 0x82200000, on OpenSBI 1.1 (SBI 1.0)\nhv: vm0 'a': 4096 KiB RAM\n");
    CHECK(c.hv_lines() == "hv: vm0 'a': 4096 KiB RAM\n");  // a reset: hv announced its VMs again
    put(c, "hv: vm1 'b'");  // unfinished when the next machine takes over
    c.new_machine();
    CHECK(c.hv_lines().empty());
    put(c, ": not hv's\n[    0.000000] Linux version 6.1\n");
    CHECK(c.hv_lines().empty());
    CHECK(c.text().find("hv: vm1 'b'\n: not hv's\n") != std::string::npos);
}

TEST_CASE("gui session: the VMs tab shows the machine of the scenario's part that runs now") {
    // interrupts: part 1 on a PLIC machine ends at checkpoint 6 (it powered off); part 2
    // is a new machine with APLIC and IMSICs, where hv runs alpha and beta again.
    auto s = at_checkpoint("interrupts", 5);
    CHECK(titles(gui::read_vm_overview(*s)) == "vm0 'alpha', vm1 'beta', vm2 'rogue' stopped");  // rogue's misbehaviour stopped it
    next_checkpoint(*s);
    CHECK(s->scenario()->current == 6);
    REQUIRE(s->scenario_run()->part() == 1);
    CHECK(titles(gui::read_vm_overview(*s)) == "");  // nothing of the PLIC machine's hv
    while (s->scenario()->current < 8) next_checkpoint(*s);
    CHECK(titles(gui::read_vm_overview(*s)) == "vm0 'alpha', vm1 'beta'");
}

TEST_CASE("gui session: after a power cycle the VMs tab shows hv's VMs once, entered again") {
    // oob-management: the client power-cycles the machine at checkpoint 6; by 7 every VM beats again.
    auto s = at_checkpoint("oob-management", 7);
    const gui::VmOverview o = gui::read_vm_overview(*s);
    CHECK(titles(o) == "vm0 'web', vm1 'db', vm2 'stuck', vm3 'chatty'");
    for (const auto& v : o.vms) CHECK(v.entries > 0);
}

TEST_CASE("gui session: hv's vCPUs named by the sscratch their harts run them with") {
    // cpu-shares (its introduction): two-at-1ghz has 2 vCPUs at 50%, the others 1 at 25%, on two harts.
    auto s = at_checkpoint("cpu-shares", 3);
    s->step(20'000'000);
    const gui::VmOverview o = gui::read_vm_overview(*s);
    std::string names;
    for (const auto& c : o.vcpus) names += (names.empty() ? "" : ", ") + c.name(o.vms[c.vm]);
    CHECK(names == "vCPU 0 of vm0, vCPU 1 of vm0, vCPU 0 of vm1, vCPU 0 of vm2");
    // Every context hv announced is one the harts entered a guest with, and no other was.
    const auto vms = scen::hvsetup::parse_vms(s->hv_lines());
    REQUIRE(vms.size() == 3);
    for (const auto& c : o.vcpus) {
        CHECK(c.context == vms[c.vm].contexts.at(*c.id));
        CHECK(c.entries > 0);
        CHECK(o.vms[c.vm].share_asked == (c.vm == 0 ? 50u : 25u));
    }
    CHECK(s->exit_index().vcpus().size() == 4);
    // A hart in a guest runs the vCPU whose context its sscratch holds.
    size_t in_guest = 0;
    for (const auto& h : o.harts) {
        if (!h.virt) continue;
        ++in_guest;
        REQUIRE(h.vcpu);
        CHECK(o.vcpus[*h.vcpu].context == h.sscratch);
        CHECK(o.vcpus[*h.vcpu].hart == h.hart);
        CHECK(o.vcpus[*h.vcpu].state(o.vms[*h.vm]) == "running");
    }
    CHECK(in_guest > 0);
}
