// The field layouts of isa/fields.hpp against the privileged spec's figures
// (satp, hgatp, mstatus, the PTE formats), the TLB tag built from them, and the trap causes.
#include <doctest/doctest.h>

#include "emu/tlb.hpp"
#include "isa/causes.hpp"
#include "isa/csr.hpp"
#include "isa/fields.hpp"

using namespace isa;

TEST_CASE("satp and hgatp: MODE, ASID/VMID, PPN, and the x4 root") {
    const uint64_t satp = (9ull << 60) | (0x1234ull << 44) | 0x80201;
    CHECK(atp::mode(satp) == 9);
    CHECK(atp::asid(satp) == 0x1234);
    CHECK(atp::ppn(satp) == 0x80201);
    auto l = atp::layout(satp, false);
    REQUIRE(l);
    CHECK(l->levels == 4);
    CHECK(l->va_bits == 48);
    CHECK(l->root == 0x80201000);
    CHECK(l->root_entries == 512);

    // hgatp: VMID is 14 bits (57:44); Sv39x4 translates 41-bit guest
    // physical addresses from a 16 KiB root whose PPN[1:0] are ignored.
    const uint64_t hgatp = (8ull << 60) | (0x3fffull << 44) | 0x80003;
    CHECK(atp::vmid(hgatp) == 0x3fff);
    auto g = atp::layout(hgatp, true);
    REQUIRE(g);
    CHECK(g->levels == 3);
    CHECK(g->va_bits == 41);
    CHECK(g->root == 0x80000000);
    CHECK(g->root_entries == 2048);
    CHECK(atp::vpn(*g, (1ull << 41) - 1, 2, true) == 2047);  // 11 bits at the x4 root
    CHECK(atp::vpn(*g, (1ull << 41) - 1, 1, true) == 511);
    CHECK(atp::vpn(*l, (1ull << 48) - 1, 3, false) == 511);

    CHECK_FALSE(atp::layout(0, false));
    CHECK_FALSE(atp::layout(10ull << 60, false));  // Sv57 is not implemented
    CHECK(atp::mode_supported(0));
    CHECK(atp::mode_supported(8ull << 60));
    CHECK_FALSE(atp::mode_supported(10ull << 60));
    CHECK(std::string(atp::mode_name(9, true)) == "Sv48x4");
    CHECK(atp::mode_name(3, false) == nullptr);
}

TEST_CASE("PTE fields") {
    const uint64_t leaf = (0x80400ull << 10) | pte::D | pte::A | pte::X | pte::R | pte::V;
    CHECK(pte::addr(leaf) == 0x80400000);
    CHECK(pte::valid(leaf));
    CHECK(pte::leaf(leaf));
    CHECK_FALSE(pte::leaf((0x80400ull << 10) | pte::V));
    CHECK(pte::flags_text(leaf) == "VR-X--AD");
    CHECK(pte::page_size(1) == 2ull << 20);
}

TEST_CASE("status fields as the spec places them") {
    auto find = [](uint16_t csr, std::string_view name) {
        for (const auto& f : csr_fields(csr))
            if (f.name == name) return f;
        FAIL("no field " << name);
        return Field{};
    };
    const uint16_t ms = uint16_t(Csr::MSTATUS), hs = uint16_t(Csr::HSTATUS);
    CHECK(find(ms, "MPP").lsb() == 11);
    CHECK(find(ms, "MPP").get(3ull << 11) == 3);
    CHECK(find(ms, "MPV").lsb() == 39);
    CHECK(find(ms, "SD").lsb() == 63);
    CHECK(find(hs, "VGEIN").get(0x3full << 12) == 0x3f);
    CHECK(find(hs, "SPVP").lsb() == 8);
    CHECK(find(uint16_t(Csr::HGATP), "VMID").get(0x3fffull << 44) == 0x3fff);
    // sstatus is a view: no M-only fields.
    for (const auto& f : csr_fields(uint16_t(Csr::SSTATUS))) CHECK((f.mask & (mstatus::MPP | mstatus::MIE)) == 0);
    CHECK(csr_fields(uint16_t(Csr::MSCRATCH)).empty());
}

TEST_CASE("a TLB tag keeps every input of the walk it caches") {
    const uint64_t vsatp = (8ull << 60) | (0xbeefull << 44) | 0x1234;
    const uint64_t hgatp = (9ull << 60) | (0x2a5ull << 44);
    const emu::TlbTag t = emu::TlbTag::unpack(emu::TlbTag::of_vsatp(vsatp, hgatp, false, true).packed());
    CHECK(t.asid == 0xbeef);
    CHECK(t.vmid == 0x2a5);
    CHECK(t.mode == 8);
    CHECK(t.gmode == 9);
    CHECK_FALSE(t.mxr);
    CHECK(t.vs_mxr);
    // Contexts that differ only in VMID, MODE or MXR never share entries.
    CHECK(emu::TlbTag::of_vsatp(vsatp, hgatp, false, true).packed() !=
          emu::TlbTag::of_vsatp(vsatp, hgatp + (1ull << 44), false, true).packed());
    CHECK(emu::TlbTag::of_satp(vsatp, true).packed() != emu::TlbTag::of_satp(vsatp, false).packed());
    CHECK(emu::TlbTag::of_satp(vsatp, false).packed() != emu::TlbTag::of_satp(vsatp & ~(1ull << 63), false).packed());
}

TEST_CASE("trap causes as the spec's mcause table numbers and names them") {
    // Privileged spec, "Machine cause (mcause) register value after trap", with the H extension's additions.
    const struct { uint64_t code; uint64_t spec; const char* name; } exceptions[] = {
        {ILLEGAL_INSTRUCTION, 2, "illegal instruction"},
        {VIRTUAL_SUPERVISOR_ECALL, 10, "environment call from VS-mode"},
        {STORE_PAGE_FAULT, 15, "store/AMO page fault"},
        {FETCH_GUEST_PAGE_FAULT, 20, "instruction guest-page fault"},
        {LOAD_GUEST_PAGE_FAULT, 21, "load guest-page fault"},
        {VIRTUAL_INSTRUCTION, 22, "virtual instruction"},
        {STORE_GUEST_PAGE_FAULT, 23, "store/AMO guest-page fault"},
    };
    for (auto& e : exceptions) {
        CHECK(e.code == e.spec);
        CHECK(cause_name(e.code, false) == e.name);
    }
    CHECK(irq::STI == 5);
    CHECK(cause_name(irq::STI, true) == "supervisor timer interrupt");
    CHECK(irq::SGEI == 12);
    CHECK(cause_name(irq::SGEI, true) == "supervisor guest external interrupt");
    CHECK(cause_name(14, false).empty());
}
