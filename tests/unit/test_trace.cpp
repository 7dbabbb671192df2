// The trace model: the event log's two rings (TLB fills never push traps
// out) and the VM-exit index (exit <-> entry on the same hart, the VM by the
// hgatp written before, interrupt vs exception, idle waits in HS).
#include <doctest/doctest.h>

#include "emu/events.hpp"
#include "emu/exit_index.hpp"
#include "isa/csr.hpp"

using namespace emu;

namespace {
constexpr Mode kVS{Priv::S, true}, kHS{Priv::S, false}, kM{Priv::M, false};

Event on(Event e, unsigned hart, uint64_t cycle) {
    e.hart = uint8_t(hart);
    e.cycle = cycle;
    return e;
}
}  // namespace

TEST_CASE("event log: a flood of TLB fills leaves the traps in their ring") {
    EventLog log(8);
    log.push(event::trap(0x100, 13, false, 0x1234, 0, 0, kHS, kHS));
    for (int i = 0; i < 100; ++i) log.push(event::tlb_fill(0x1000u * i, 0x8000'0000u + 0x1000u * i, Access::Read, 0x104, kHS));
    log.push(event::trap(0x200, 2, false, 0, 0, 0, kHS, kHS));
    const auto all = log.since(0);
    REQUIRE(all.size() == 10);  // both traps, the last 8 fills
    CHECK(all.front().kind == EventKind::Trap);
    CHECK(all.front().seq == 0);
    CHECK(all.front().tval == 0x1234);
    CHECK(all.back().seq == 101);
    for (size_t i = 1; i < all.size(); ++i) CHECK(all[i - 1].seq < all[i].seq);
    CHECK(all[1].va == 0x1000u * 92);
    CHECK(log.count(EventKind::TlbFill) == 100);
    CHECK(log.last(2).size() == 2);
    CHECK(log.last(2).front().kind == EventKind::TlbFill);
}

TEST_CASE("event constructors: each field for its kind") {
    const Event x = event::xret(true, 0x8000'0000, kM, kVS);
    CHECK(x.kind == EventKind::Xret);
    CHECK(x.mret);
    CHECK(x.cause == 0);
    CHECK(describe(x, true) == "mret M -> VS to pc 0x80000000");
    const Event a = event::atp_write(uint16_t(isa::Csr::HGATP), 0x8000'0000'0008'0123ull, 0x10, kHS);
    CHECK(a.value == 0x8000'0000'0008'0123ull);
    CHECK(a.tinst == 0);
    CHECK(describe(a, true) == "hgatp <- 0x8000000000080123 at pc 0x10");
    const Event f = event::tlb_fill(0x4000, 0x8000'4000, Access::Fetch, 0x4000, kVS);
    CHECK(f.cause == 0);
    CHECK(describe(f, true) == "tlb fill va 0x4000 -> pa 0x80004000 (fetch)");
    CHECK(describe(event::halt(3, 0x20, kM), true) == "halt, exit code 3");
    const Event t = event::trap(0x30, 9, true, 0, 0, 0, kVS, kHS);
    CHECK(t.kind == EventKind::Interrupt);
    CHECK(event::vm_exit(t).kind == EventKind::VmExit);
    CHECK(event::vm_exit(t).interrupt);
}

TEST_CASE("exit index: exits paired with entries per hart, the VM by hgatp") {
    ExitIndex ix;
    const uint64_t vm1 = (8ull << 60) | (1ull << 44), vm2 = (8ull << 60) | (2ull << 44);
    ix.observe(on(event::atp_write(uint16_t(isa::Csr::HGATP), vm1, 0, kHS), 0, 1));
    ix.observe(on(event::atp_write(uint16_t(isa::Csr::HGATP), vm2, 0, kHS), 1, 1));
    ix.observe(on(event::vm_entry(event::xret(false, 0x8000'0000, kHS, kVS)), 0, 10));
    const Event timer = event::trap(0x8000'0010, 5, true, 0, 0, 0, kVS, kHS);
    ix.observe(on(event::vm_exit(timer), 0, 20));
    const Event gpf = event::trap(0x8000'0020, 23, false, 0x1000'0000, 0x1000'0000, 0x00a5'2023, kVS, kHS);
    ix.observe(on(event::vm_exit(gpf), 1, 25));
    ix.observe(on(event::wfi(0x8020'0000, kHS), 0, 30));  // hv idles before it enters hart 0's guest again
    ix.observe(on(event::vm_entry(event::xret(false, 0x8000'0024, kHS, kVS)), 1, 70));
    ix.observe(on(event::vm_entry(event::xret(false, 0x8000'0014, kHS, kVS)), 0, 120));
    const Event to_m = event::trap(0x8000'0030, 7, true, 0, 0, 0, kVS, kM);
    ix.observe(on(event::vm_exit(to_m), 0, 130));

    REQUIRE(ix.exits().size() == 3);
    CHECK(ix.entries() == 3);
    const auto& a = ix.exits()[0];
    CHECK(a.interrupt());
    CHECK(a.vmid() == 1);
    CHECK(a.idle);
    CHECK(a.cycles() == 100);
    const auto& b = ix.exits()[1];
    CHECK(!b.interrupt());
    CHECK(b.vmid() == 2);
    CHECK(!b.idle);
    CHECK(b.cycles() == 45);
    CHECK(b.exit.tinst == 0x00a5'2023);
    CHECK(b.entry_hgatp == vm2);
    const auto& c = ix.exits()[2];
    CHECK(!c.to_hypervisor());
    CHECK(!c.cycles());
    CHECK(ix.open_exit(0) == 2u);
    CHECK(!ix.open_exit(1));
    CHECK(ix.hgatp_of(1) == vm2);
    CHECK(!ix.hgatp_of(5));

    ix.drop_oldest(2);
    REQUIRE(ix.exits().size() == 1);
    CHECK(ix.open_exit(0) == 0u);
    ix.observe(on(event::vm_entry(event::xret(true, 0x8000'0030, kM, kVS)), 0, 140));
    CHECK(ix.exits()[0].cycles() == 10);
}

TEST_CASE("exit index: per VM, its entries, exits and the cycles its harts spent in V=1") {
    ExitIndex ix;
    const uint64_t vm1 = (8ull << 60) | (1ull << 44) | 0x100, vm2 = (8ull << 60) | (2ull << 44) | 0x200;
    const Event timer = event::trap(0x8000'0010, 5, true, 0, 0, 0, kVS, kHS);
    ix.observe(on(event::atp_write(uint16_t(isa::Csr::HGATP), vm1, 0, kHS), 0, 1));
    ix.observe(on(event::atp_write(uint16_t(isa::Csr::HGATP), vm2, 0, kHS), 1, 1));
    ix.observe(on(event::vm_entry(event::xret(false, 0x8000'0000, kHS, kVS)), 0, 10));   // vm1 on hart 0: 10..40
    ix.observe(on(event::vm_entry(event::xret(false, 0x8000'0000, kHS, kVS)), 1, 15));   // vm2 on hart 1: 15..
    ix.observe(on(event::vm_exit(timer), 0, 40));
    CHECK(ix.in_guest_since(1) == 15u);
    CHECK(!ix.in_guest_since(0));
    CHECK(ix.guest_cycles(ix.vms()[1], [](unsigned) { return 35; }) == 20);  // hart 1's stay, open since 15
    CHECK(ix.guest_cycles(ix.vms()[0], [](unsigned) { return 35; }) == 30);
    ix.observe(on(event::atp_write(uint16_t(isa::Csr::HGATP), vm2, 0, kHS), 0, 50));
    ix.observe(on(event::vm_entry(event::xret(false, 0x8000'0000, kHS, kVS)), 0, 60));   // vm2 on hart 0: 60..65
    ix.observe(on(event::vm_exit(event::trap(0x8000'0030, 7, true, 0, 0, 0, kVS, kM)), 0, 65));  // to the firmware
    ix.observe(on(event::vm_exit(timer), 1, 115));                                       // hart 1: 15..115
    REQUIRE(ix.vms().size() == 2);
    const VmTally& a = ix.vms()[0];
    const VmTally& b = ix.vms()[1];
    CHECK(a.hgatp == vm1);
    CHECK(a.entries == 1);
    CHECK(a.exits == 1);
    CHECK(a.guest_cycles == 30);
    CHECK(a.first_entry == 10);
    CHECK(b.hgatp == vm2);
    CHECK(b.entries == 2);
    CHECK(b.exits == 2);
    CHECK(b.to_hypervisor == 1);
    CHECK(b.guest_cycles == 100 + 5);
    CHECK(b.first_entry == 15);
    CHECK(ix.vm(vm2) == &b);
    CHECK(!ix.vm(0));
    // A reset ends every stay without an exit.
    ix.observe(on(event::vm_entry(event::xret(false, 0x8000'0000, kHS, kVS)), 1, 200));
    ix.observe(on(event::reset(), 0, 210));
    CHECK(!ix.in_guest_since(1));
    ix.clear();
    CHECK(ix.vms().empty());
}

TEST_CASE("exit index: an exit whose hart ran U-mode before the entry went through a VMM") {
    ExitIndex ix;
    constexpr Mode kU{Priv::U, false}, kVU{Priv::U, true};
    // Type-2: the host kernel returns to its VMM in U-mode, which calls back in.
    const Event mmio = event::trap(0x8000'0020, 21, false, 0x1000'0005, 0x1000'0005, 0x0005'4503, kVS, kHS);
    ix.observe(on(event::vm_exit(mmio), 0, 10));
    ix.observe(on(event::priv_change(event::xret(false, 0x1'0000, kHS, kU)), 0, 40));
    ix.observe(on(event::priv_change(event::trap(0x1'0004, 8, false, 0, 0, 0, kU, kHS)), 0, 60));
    ix.observe(on(event::vm_entry(event::xret(false, 0x8000'0024, kHS, kVS)), 0, 90));
    // Handled in HS alone; the guest's own U-mode (VU) does not count.
    ix.observe(on(event::vm_exit(event::trap(0x8000'0030, 10, false, 0, 0, 0, kVS, kHS)), 0, 100));
    ix.observe(on(event::vm_entry(event::xret(false, 0x8000'0034, kHS, kVS)), 0, 120));
    ix.observe(on(event::priv_change(event::xret(false, 0x1000, kVS, kVU)), 0, 130));
    // U-mode after the entry belongs to no exit.
    ix.observe(on(event::priv_change(event::xret(false, 0x1'0000, kHS, kU)), 0, 140));
    // A VM ends with an exit to its VMM for good; the next entry is another VM's.
    const uint64_t vm1 = (8ull << 60) | (1ull << 44) | 0x100, vm2 = (8ull << 60) | (2ull << 44) | 0x200;
    ix.observe(on(event::atp_write(uint16_t(isa::Csr::HGATP), vm1, 0, kHS), 0, 150));
    ix.observe(on(event::vm_entry(event::xret(false, 0x8000'0000, kHS, kVS)), 0, 160));
    ix.observe(on(event::vm_exit(event::trap(0x8000'0040, 10, false, 0, 0, 0, kVS, kHS)), 0, 170));
    ix.observe(on(event::priv_change(event::xret(false, 0x1'0000, kHS, kU)), 0, 180));
    ix.observe(on(event::atp_write(uint16_t(isa::Csr::HGATP), vm2, 0, kHS), 0, 190));
    ix.observe(on(event::vm_entry(event::xret(false, 0x8000'0000, kHS, kVS)), 0, 200));
    REQUIRE(ix.exits().size() == 3);
    CHECK(ix.exits()[2].via_user);
    CHECK(ix.exits()[2].hgatp == vm1);
    CHECK(ix.exits()[2].entry_hgatp == vm2);
    CHECK(ix.exits()[0].via_user);
    CHECK(ix.exits()[0].cycles() == 80);
    CHECK(!ix.exits()[1].via_user);
}

TEST_CASE("exit index: vCPUs told apart by the sscratch their stays were entered with") {
    ExitIndex ix;
    const uint64_t vm = (8ull << 60) | (1ull << 44);
    const uint64_t c0 = 0x8022'53c0, c1 = 0x8022'5a00;  // two vCPUs' contexts, as hv keeps them in sscratch
    for (unsigned h : {0u, 1u}) ix.observe(on(event::atp_write(uint16_t(isa::Csr::HGATP), vm, 0, kHS), h, 1));
    const Event enter = event::xret(false, 0x8000'0000, kHS, kVS);
    const Event timer = event::trap(0x8000'0010, 5, true, 0, 0, 0, kVS, kHS);
    const Event wfi = event::trap(0x8000'0040, 22, false, 0x1050'0073, 0, 0, kVS, kHS);
    ix.observe(on(event::vm_entry(enter, c0), 0, 10));
    ix.observe(on(event::vm_entry(enter, c1), 1, 15));
    ix.observe(on(event::vm_exit(timer, c0), 0, 40));
    ix.observe(on(event::vm_exit(wfi, c1), 1, 50));
    ix.observe(on(event::vm_entry(enter, c1), 0, 60));  // vCPU 1 moves to hart 0

    REQUIRE(ix.vms().size() == 1);
    REQUIRE(ix.vcpus().size() == 2);
    const VcpuTally &a = ix.vcpus()[0], &b = ix.vcpus()[1];
    CHECK(a.context == c0);
    CHECK(a.hgatp == vm);
    CHECK(a.entries == 1);
    CHECK(a.exits == 1);
    CHECK(a.guest_cycles == 30);
    CHECK(a.last_hart == 0);
    REQUIRE(a.last_exit);
    CHECK(a.last_exit->cause == 5);
    CHECK(b.context == c1);
    CHECK(b.entries == 2);
    CHECK(b.exits == 1);
    CHECK(b.last_hart == 0);
    CHECK(b.last_exit->cause == 22);
    CHECK(ix.vcpu_on(0) == 1);
    CHECK(!ix.vcpu_on(1));
    auto now = [](unsigned) { return uint64_t(100); };
    CHECK(ix.guest_cycles(b, now) == 35 + 40);  // its closed stay on hart 1, the open one on hart 0
    CHECK(ix.guest_cycles(a, now) == 30);
    CHECK(ix.guest_cycles(ix.vms()[0], now) == 30 + 35 + 40);
}
