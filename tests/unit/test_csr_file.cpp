// The CSR file's interface (emu/hart.hpp): a debugger's write goes through
// the CSR's write mask and keeps the hart's state derived from it in step.
#include <doctest/doctest.h>

#include <cstdint>
#include <vector>

#include "emu/machine.hpp"
#include "isa/csr.hpp"

namespace {

using isa::Csr;
namespace ms = isa::mstatus;
constexpr uint64_t kBase = 0x80000000;

struct Rig {
    emu::Machine m;
    explicit Rig(const std::vector<uint32_t>& code) : m(config()) {
        emu::Image img;
        img.entry = kBase;
        emu::Segment s;
        s.paddr = kBase;
        for (uint32_t w : code)
            for (int i = 0; i < 4; ++i) s.data.push_back(uint8_t(w >> (8 * i)));
        s.memsz = 0x1000;
        img.segments.push_back(s);
        m.load(img);
        h().pc = kBase;  // past the boot ROM
    }
    static emu::MachineConfig config() {
        emu::MachineConfig c;
        c.ram_size = 1 << 20;
        REQUIRE(emu::IsaConfig::parse("rv64gch", c.isa).empty());
        return c;
    }
    emu::Hart& h() { return m.hart(0); }
    uint64_t csr(Csr c) { return h().csr_peek(c).value(); }
    void set(Csr c, uint64_t v) { REQUIRE(h().csr_poke(c, v)); }
};

}  // namespace

TEST_CASE("csr_poke: mstatus.MPRV with MPP = U makes M-mode's next load a U-mode access") {
    // No PMP entry matches, so U-mode may read nothing: a load access fault
    // (privileged spec, "Physical Memory Protection"). Were the hart's data
    // mode not recomputed on the write, the load would read as M.
    Rig r({0x00033283});  // ld x5, 0(x6)
    r.h().x[6] = kBase + 0x100;
    r.set(Csr::MTVEC, kBase + 0x800);
    r.set(Csr::MSTATUS, (r.csr(Csr::MSTATUS) & ~ms::MPP) | ms::MPRV);
    r.m.run(1);
    CHECK(r.csr(Csr::MCAUSE) == 5);
    CHECK(r.csr(Csr::MTVAL) == kBase + 0x100);
    CHECK(r.h().pc == kBase + 0x800);
}

TEST_CASE("csr_poke: the write masks and WARL rules of an instruction's write") {
    Rig r({});
    // MPP's reserved encoding 2 becomes U; sstatus is mstatus's S-level view.
    r.set(Csr::MSTATUS, (r.csr(Csr::MSTATUS) & ~ms::MPP) | (2ull << ms::MPP_SHIFT) | ms::SUM);
    CHECK((r.csr(Csr::MSTATUS) & ms::MPP) == 0);
    CHECK((r.csr(Csr::SSTATUS) & ms::SUM) != 0);
    CHECK((r.csr(Csr::SSTATUS) & ~ms::SSTATUS_VIEW) == 0);
    // satp with an unimplemented MODE (Sv57): the write has no effect.
    const uint64_t sv39 = (8ull << 60) | 0x80001;
    r.set(Csr::SATP, sv39);
    r.set(Csr::SATP, (10ull << 60) | 0x80002);
    CHECK(r.csr(Csr::SATP) == sv39);
    // hgatp's x4 root is 16 KiB aligned: PPN[1:0] read as zero.
    r.set(Csr::HGATP, (8ull << 60) | 0x80007);
    CHECK(r.csr(Csr::HGATP) == ((8ull << 60) | 0x80004));
    // The viewers' read-only view holds what the writes left.
    CHECK(r.h().csrs().satp == sv39);
    // A name no CSR has: neither read nor written.
    CHECK(!r.h().csr_peek(uint16_t(0x7ff)).has_value());
    CHECK(!r.h().csr_poke(uint16_t(0x7ff), 1));
}

TEST_CASE("isa: csr_exists is csr_name's domain; vs_counterpart is the H extension's list") {
    for (unsigned a = 0; a < 4096; ++a) CHECK(isa::csr_exists(uint16_t(a)) == isa::csr_name(uint16_t(a)).has_value());
    CHECK(isa::vs_counterpart(uint16_t(Csr::SSTATUS)) == uint16_t(Csr::VSSTATUS));
    CHECK(isa::vs_counterpart(uint16_t(Csr::SATP)) == uint16_t(Csr::VSATP));
    CHECK(isa::vs_counterpart(uint16_t(Csr::STOPI)) == uint16_t(Csr::VSTOPI));
    CHECK(isa::vs_counterpart(uint16_t(Csr::STIMECMP)) == uint16_t(Csr::VSTIMECMP));
    // Supervisor CSRs with no VS counterpart stay themselves under V=1.
    CHECK(isa::vs_counterpart(uint16_t(Csr::SCOUNTEREN)) == uint16_t(Csr::SCOUNTEREN));
    CHECK(isa::vs_counterpart(uint16_t(Csr::SENVCFG)) == uint16_t(Csr::SENVCFG));
    CHECK(isa::vs_counterpart(uint16_t(Csr::MSTATUS)) == uint16_t(Csr::MSTATUS));
}

TEST_CASE("csr access from VS-mode: a CSR of an absent extension is illegal, an HS CSR a virtual instruction") {
    // rv64gch: no Ssaia, no Sstc. Privileged spec, H extension: the virtual-
    // instruction exception is for CSRs HS-mode could access; an address that
    // names no CSR is an illegal instruction in every mode (as Spike has it).
    auto cause_in_vs = [](uint32_t insn) {
        Rig r({0x30200073, insn});  // mret to VS at the instruction
        r.set(Csr::MTVEC, kBase + 0x800);
        r.set(Csr::PMPADDR0, ~0ull);  // PMP open to VS-mode: NAPOT RWX over everything
        r.set(Csr::PMPCFG0, 0x1f);
        r.set(Csr::MEPC, kBase + 4);
        r.set(Csr::MSTATUS, (r.csr(Csr::MSTATUS) & ~ms::MPP) | (1ull << 11) | ms::MPV);
        r.m.run(2);
        return r.csr(Csr::MCAUSE);
    };
    CHECK(cause_in_vs(0x60802573) == 2);   // csrr a0, hvien (Ssaia)
    CHECK(cause_in_vs(0x24d02573) == 2);   // csrr a0, vstimecmp (Sstc)
    CHECK(cause_in_vs(0x15002573) == 2);   // csrr a0, siselect (Ssaia; vsiselect from VS)
    CHECK(cause_in_vs(0x60002573) == 22);  // csrr a0, hstatus
}
