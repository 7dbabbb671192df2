// The scenarios library (ui/scenarios/): its registry in lecture order, the
// parsers of what hv prints, and the VM exits it counts as hv's.
#include <doctest/doctest.h>

#include "ui/scenarios/hv_setup.hpp"
#include "ui/scenarios/scenario.hpp"

TEST_CASE("scenarios: the registry names every lecture scenario, in lecture order") {
    std::vector<std::string> names;
    for (const auto& e : scen::registry()) names.push_back(e.name);
    CHECK(names == std::vector<std::string>{"type1-vs-type2", "isolation", "trap-emulate", "cpu-shares", "overprovisioning", "interrupts",
                                            "memory", "ballooning", "devices", "oob-management"});
    REQUIRE(scen::find("memory"));
    CHECK(scen::find("memory")->make()->name() == "memory");
    CHECK(!scen::find("tour"));
}

TEST_CASE("scenarios: hv's announcements and exit table parsed") {
    const std::string console =
        "hv: vm0 'hello': 4096 KiB RAM at GPA 0x80000000 (host 0x80400000), 1 vCPU, hgatp 0x8000100000080100\n"
        "[vm0] hello from a guest\n"
        "hv: vm0 stopped: guest shut down (SBI SRST)\n"
        "hv: vm0  environment call from VS-mode (10)   264   20655165   78236\n";
    auto vms = scen::hvsetup::parse_vms(console);
    REQUIRE(vms.size() == 1);
    CHECK(vms[0].name == "hello");
    CHECK(vms[0].ram_kib == 4096);
    CHECK(vms[0].host == 0x80400000);
    CHECK(vms[0].hgatp == 0x8000100000080100ull);
    CHECK(vms[0].console == "hello from a guest\n");
    CHECK(vms[0].stopped);
    auto rows = scen::hvsetup::parse_hv_exit_table(console);
    REQUIRE(rows.size() == 1);
    CHECK(rows[0].code == 10);
    CHECK(!rows[0].interrupt);
    CHECK(rows[0].exits == 264);
    CHECK(rows[0].cycles == 20655165);
}

TEST_CASE("scenarios: hv's vCPUs, their contexts, shares and pauses parsed (the lines of hv/vm.c and hv/mgmt_mailbox.c)") {
    const std::string console =
        "hv: vm0 'two': 4096 KiB RAM at GPA 0x80000000 (host 0x80600000), image 2048 bytes, 2 vCPU(s), VMID 1, hgatp 0x8000100000080180\n"
        "hv: vm0: vCPU 0 context at 0x802253c0 (sscratch while it runs)\n"
        "hv: vm0: vCPU 1 context at 0x80225a00 (sscratch while it runs)\n"
        "hv: vm0: CPU share 50% of a hart per vCPU\n"
        "hv: vm1 'one': 4096 KiB RAM at GPA 0x80000000 (host 0x80a00000), image 2048 bytes, 1 vCPU(s), VMID 2, hgatp 0x8000200000080280\n"
        "hv: vm1 paused by the management controller\n"
        "hv: vm0: CPU share set to 20% of a hart per vCPU by the management controller\n";
    auto vms = scen::hvsetup::parse_vms(console);
    REQUIRE(vms.size() == 2);
    CHECK(vms[0].vcpus == 2);
    CHECK(vms[0].contexts == std::vector<uint64_t>{0x802253c0, 0x80225a00});
    CHECK(vms[1].contexts.empty());
    CHECK(vms[0].share == 20);
    CHECK(!vms[0].paused);
    CHECK(vms[1].vcpus == 1);
    CHECK(vms[1].share == 100);
    CHECK(vms[1].paused);
    auto resumed = scen::hvsetup::parse_vms(console + "hv: vm1 resumed by the management controller\n");
    CHECK(!resumed[1].paused);
}

TEST_CASE("scenarios: hv's exits are the VM exits into HS-mode") {
    emu::ExitIndex ix;
    const emu::Mode vs{emu::Priv::S, true}, hs{emu::Priv::S, false}, m{emu::Priv::M, false};
    ix.observe(emu::event::vm_exit(emu::event::trap(0x10, 10, false, 0, 0, 0, vs, hs)));
    ix.observe(emu::event::vm_entry(emu::event::xret(false, 0x14, hs, vs)));
    ix.observe(emu::event::vm_exit(emu::event::trap(0x20, 7, true, 0, 0, 0, vs, m)));
    auto hv = scen::hvsetup::hv_exits(ix);
    REQUIRE(hv.size() == 1);
    CHECK(hv[0].exit.cause == 10);
    CHECK(ix.exits().size() == 2);
}
