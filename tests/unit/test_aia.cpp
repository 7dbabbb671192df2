// The AIA: IMSIC interrupt files and pages, the APLIC's registers in direct
// and MSI delivery mode, and the top-interrupt priority rules, each against
// the spec's text (github riscv/riscv-aia, src/IMSIC.adoc, src/AdvPLIC.adoc,
// src/MSLevel.adoc, src/VSLevel.adoc).
#include <doctest/doctest.h>

#include <vector>

#include "devices/aplic.hpp"
#include "devices/imsic.hpp"
#include "emu/aia_csr.hpp"
#include "emu/machine.hpp"
#include "isa/csr.hpp"

using dev::Aplic;
using dev::ImsicFile;

TEST_CASE("imsic file: top is the lowest pending-and-enabled identity below eithreshold") {
    ImsicFile f;
    f.set_pending(70);
    f.set_pending(9);
    CHECK(f.top() == 0);  // nothing enabled
    f.write(0xc0, ~0ull);  // eie0: 0..63
    CHECK(f.read(0xc0) == ~1ull);  // identity 0 does not exist
    CHECK(f.top() == 9);
    CHECK(f.topei() == ((9u << 16) | 9));
    f.write(0x72, 9);  // eithreshold 9: identities 9 and up do not count
    CHECK(f.top() == 0);
    f.write(0xc2, ~0ull);  // eie2: 64..127
    f.write(0x72, 71);
    CHECK(f.top() == 9);
    f.clear_pending(9);
    CHECK(f.top() == 70);
    CHECK(!f.signal());  // eidelivery 0
    f.write(0x70, 0x40000001);  // WARL: only bit 0 (no APLIC direct delivery here)
    CHECK(f.read(0x70) == 1);
    CHECK(f.signal());
    f.set_pending(0);
    f.set_pending(256);
    CHECK(f.read(0x80) == 0);  // eip0: nothing new
    CHECK(f.read(0x86) == 0);  // eip6 holds 192..255
    CHECK(ImsicFile::exists(0x70));
    CHECK(ImsicFile::exists(0x71));  // reserved: reads zero
    CHECK(!ImsicFile::exists(0x81));  // odd eip: not on RV64
    CHECK(!ImsicFile::exists(0xff));
    CHECK(ImsicFile::exists(0xfe));
    CHECK(f.read(0x71) == 0);
    CHECK(f.read(0x88) == 0);  // eip8: beyond 255 identities
}

TEST_CASE("imsic pages: seteipnum_le/_be set pending bits in the file the CSRs read") {
    std::vector<unsigned> changed;
    dev::Imsics im(2, 3, [&](unsigned h) { changed.push_back(h); });
    CHECK(im.guest_index_bits() == 2);
    CHECK(im.s_stride() == 0x4000);
    CHECK(im.m_window() == 0x2000);
    CHECK(im.s_window() == 0x8000);
    dev::ImsicWindow m(im, true), s(im, false);
    REQUIRE(m.write(0x1000, 4, 5));  // hart 1's M file
    CHECK(im.file(1, 0).eip[0] == (1ull << 5));
    CHECK(changed == std::vector<unsigned>{1});
    REQUIRE(s.write(0x4000 + 2 * 0x1000 + 4, 4, __builtin_bswap32(200)));  // hart 1, guest 2, seteipnum_be
    CHECK(im.file(1, 3).eip[3] == (1ull << (200 - 192)));
    REQUIRE(s.write(0x0000, 4, 1));  // hart 0's S file
    CHECK(im.file(0, 1).eip[0] == 2);
    changed.clear();
    REQUIRE(s.write(0x0000, 4, 0));    // identity 0: ignored
    REQUIRE(s.write(0x0000, 4, 256));  // not implemented: ignored
    REQUIRE(s.write(0x3000, 4, 7));    // hart 0's fourth page: guest 3 exists
    CHECK(im.file(0, 4).eip[0] == (1ull << 7));
    REQUIRE(s.write(0x0008, 4, 7));    // a reserved word of the page
    CHECK(im.file(0, 1).eip[0] == 2);
    uint64_t v = 1;
    REQUIRE(m.read(0, 4, v));
    CHECK(v == 0);  // seteipnum reads zero
    CHECK(!m.read(0, 8, v));   // only 32-bit accesses
    CHECK(!m.write(2, 4, 1));  // misaligned
    CHECK(!m.write(0x2000, 4, 1));  // beyond the harts
    CHECK(!s.write(0x8000, 4, 1));

    // With GEILEN = 5 the stride is 8 pages and pages 6, 7 have no file.
    dev::Imsics im5(1, 5, nullptr);
    dev::ImsicWindow s5(im5, false);
    REQUIRE(s5.write(0x6000, 4, 3));  // accepted, read-only zeros
    for (unsigned i = 0; i < 7; ++i) CHECK(im5.file(0, i).eip[0] == 0);
    REQUIRE(s5.write(0x5000, 4, 3));  // guest 5
    CHECK(im5.file(0, 6).eip[0] == 8);

    // Which file a page is (QEMU virt's layout above): hart, then S or guest g.
    unsigned hart = 9, index = 9;
    CHECK(s.file_at(0x4000 + 2 * 0x1000 + 0x10, hart, index));
    CHECK((hart == 1 && index == 3));
    CHECK(m.file_at(0x1000, hart, index));
    CHECK((hart == 1 && index == 0));
    CHECK(!s5.file_at(0x6000, hart, index));
    CHECK(!s.file_at(0x8000, hart, index));
}

namespace {
struct AplicRig {
    std::vector<std::pair<uint64_t, uint32_t>> msis;
    bool lines[2][4] = {};
    Aplic a;
    explicit AplicRig(bool msi, unsigned harts = 2)
        : a(harts, msi, 3, [this](unsigned d, unsigned h, bool l) { lines[d][h] = l; },
            [this](uint64_t addr, uint32_t data) { msis.push_back({addr, data}); }) {}
    uint32_t r(Aplic::Domain d, uint64_t off) {
        uint64_t v = 0;
        REQUIRE(a.read(d, off, 4, v));
        return uint32_t(v);
    }
    void w(Aplic::Domain d, uint64_t off, uint32_t v) { REQUIRE(a.write(d, off, 4, v)); }
};
uint64_t cfg(unsigned src) { return Aplic::kSourcecfg + 4 * (src - 1); }
uint64_t tgt(unsigned src) { return Aplic::kTarget + 4 * (src - 1); }
uint64_t idc(unsigned hart, uint64_t reg) { return Aplic::kIdc + Aplic::kIdcSize * hart + reg; }
}  // namespace

TEST_CASE("aplic direct mode: level and edge sources, target priorities, topi/claimi, IDC gating") {
    AplicRig t(false);
    CHECK(Aplic::window_size(2) == 0x8000);
    CHECK(t.r(Aplic::M, Aplic::kDomaincfg) == 0x80000000u);  // DM = 0: direct
    t.w(Aplic::M, Aplic::kDomaincfg, 0x104);                  // IE; DM stays the machine's
    CHECK(t.r(Aplic::M, Aplic::kDomaincfg) == 0x80000100u);
    t.w(Aplic::M, cfg(10), Aplic::Level1);
    CHECK(t.r(Aplic::M, cfg(10)) == Aplic::Level1);
    CHECK(t.r(Aplic::M, tgt(10)) == 1);  // an active source has a priority (never 0)
    t.w(Aplic::M, tgt(10), (1u << 18) | 0);  // hart 1, IPRIO 0 -> 1
    CHECK(t.r(Aplic::M, tgt(10)) == ((1u << 18) | 1));
    t.w(Aplic::M, tgt(10), (1u << 18) | 0xfd);  // 3 bits of priority: 5
    CHECK(t.r(Aplic::M, tgt(10)) == ((1u << 18) | 5));
    t.a.set_source(10, true);
    CHECK(t.a.pending(Aplic::M, 10));   // direct mode: a copy of the level
    t.w(Aplic::M, Aplic::kClripnum, 10);
    CHECK(t.a.pending(Aplic::M, 10));   // cannot be cleared while high
    CHECK(t.r(Aplic::M, idc(1, Aplic::kTopi)) == 0);  // not enabled
    t.w(Aplic::M, Aplic::kSetienum, 10);
    CHECK(t.r(Aplic::M, Aplic::kSetie) == (1u << 10));
    CHECK(t.r(Aplic::M, idc(1, Aplic::kTopi)) == ((10u << 16) | 5));
    CHECK(!t.lines[Aplic::M][1]);  // idelivery 0
    t.w(Aplic::M, idc(1, Aplic::kIdelivery), 1);
    CHECK(t.lines[Aplic::M][1]);
    t.w(Aplic::M, idc(1, Aplic::kIthreshold), 5);  // priority 5 no longer below the threshold
    CHECK(!t.lines[Aplic::M][1]);
    t.w(Aplic::M, idc(1, Aplic::kIthreshold), 6);
    CHECK(t.lines[Aplic::M][1]);
    // An edge source of higher priority (lower number) on the same hart wins the claim.
    t.w(Aplic::M, cfg(3), Aplic::Edge1);
    t.w(Aplic::M, tgt(3), (1u << 18) | 2);
    t.w(Aplic::M, Aplic::kSetienum, 3);
    t.a.set_source(3, true);
    CHECK(t.r(Aplic::M, idc(1, Aplic::kClaimi)) == ((3u << 16) | 2));
    CHECK(!t.a.pending(Aplic::M, 3));  // an edge is claimed
    CHECK(t.r(Aplic::M, idc(1, Aplic::kClaimi)) == ((10u << 16) | 5));
    CHECK(t.a.pending(Aplic::M, 10));  // a level stays pending while high
    t.a.set_source(10, false);
    CHECK(!t.a.pending(Aplic::M, 10));
    CHECK(!t.lines[Aplic::M][1]);
    // iforce: a spurious interrupt, cleared by a claim that finds nothing.
    t.w(Aplic::M, idc(1, Aplic::kIforce), 1);
    CHECK(t.lines[Aplic::M][1]);
    CHECK(t.r(Aplic::M, idc(1, Aplic::kClaimi)) == 0);
    CHECK(t.r(Aplic::M, idc(1, Aplic::kIforce)) == 0);
    CHECK(!t.lines[Aplic::M][1]);
    // IE = 0 holds every line low.
    t.w(Aplic::M, Aplic::kSetipnum, 3);
    CHECK(t.lines[Aplic::M][1]);
    t.w(Aplic::M, Aplic::kDomaincfg, 0);
    CHECK(!t.lines[Aplic::M][1]);
    // Reserved source modes leave a source inactive; inactive sources read zero everywhere.
    t.w(Aplic::M, cfg(4), 2);
    CHECK(t.r(Aplic::M, cfg(4)) == 0);
    t.w(Aplic::M, Aplic::kSetienum, 4);
    CHECK(t.r(Aplic::M, Aplic::kSetie) == ((1u << 3) | (1u << 10)));  // not 4
    CHECK(t.r(Aplic::M, tgt(4)) == 0);
    // No MSI registers, genmsi or sources beyond 96 in direct mode.
    CHECK(t.r(Aplic::M, Aplic::kMmsiaddrcfgh) == 0);
    t.w(Aplic::M, Aplic::kGenmsi, 5);
    CHECK(t.r(Aplic::M, Aplic::kGenmsi) == 0);
    t.w(Aplic::M, cfg(97), Aplic::Level1);
    CHECK(t.r(Aplic::M, cfg(97)) == 0);
    uint64_t v;
    CHECK(!t.a.read(Aplic::M, 0, 8, v));
    CHECK(!t.a.write(Aplic::M, 2, 4, 0));
}

TEST_CASE("aplic delegation: the root's D bit hands a source to the S domain") {
    AplicRig t(false);
    t.w(Aplic::S, cfg(10), Aplic::Level1);
    CHECK(t.r(Aplic::S, cfg(10)) == 0);  // not delegated: read-only zero
    t.w(Aplic::M, cfg(10), 0x400 | 5);   // D = 1, child index 5 -> the one child, 0
    CHECK(t.r(Aplic::M, cfg(10)) == 0x400);
    CHECK(!t.a.active(Aplic::M, 10));
    CHECK(t.r(Aplic::S, cfg(10)) == 0);  // stays zero until written
    t.w(Aplic::S, cfg(10), 0x400 | Aplic::Level1);  // the leaf cannot delegate: the register becomes zero
    CHECK(t.r(Aplic::S, cfg(10)) == 0);
    t.w(Aplic::S, cfg(10), Aplic::Level1);
    CHECK(t.a.active(Aplic::S, 10));
    t.w(Aplic::S, Aplic::kDomaincfg, 0x100);
    t.w(Aplic::S, Aplic::kSetienum, 10);
    t.w(Aplic::S, idc(0, Aplic::kIdelivery), 1);
    t.w(Aplic::S, tgt(10), 0);
    t.a.set_source(10, true);
    CHECK(t.lines[Aplic::S][0]);
    CHECK(!t.lines[Aplic::M][0]);
    t.w(Aplic::M, cfg(10), Aplic::Level1);  // taken back: the S domain loses it
    CHECK(!t.a.active(Aplic::S, 10));
    CHECK(t.r(Aplic::S, cfg(10)) == 0);
    CHECK(!t.lines[Aplic::S][0]);
}

TEST_CASE("aplic MSI mode: addresses from *msiaddrcfg, MSIs on pending-and-enabled, genmsi, lock") {
    AplicRig t(true);
    CHECK(t.r(Aplic::M, Aplic::kDomaincfg) == 0x80000004u);  // DM = 1
    // QEMU virt's layout as OpenSBI programs it: M files at 0x24000000, a page
    // a hart (LHXS 0, LHXW 1); S files at 0x28000000, 8 pages a hart (LHXS 3).
    t.w(Aplic::M, Aplic::kMmsiaddrcfg, 0x24000);
    t.w(Aplic::M, Aplic::kMmsiaddrcfgh, 1u << 12);
    t.w(Aplic::M, Aplic::kSmsiaddrcfg, 0x28000);
    t.w(Aplic::M, Aplic::kSmsiaddrcfgh, 3u << 20);
    CHECK(t.a.msi_address(Aplic::M, 1, 0) == 0x24001000);
    CHECK(t.a.msi_address(Aplic::S, 1, 0) == 0x28008000);
    CHECK(t.a.msi_address(Aplic::S, 1, 2) == 0x2800a000);
    CHECK(t.r(Aplic::S, Aplic::kSmsiaddrcfg) == 0);  // only the root has them
    t.w(Aplic::M, cfg(10), 0x400);
    t.w(Aplic::S, cfg(10), Aplic::Level1);
    t.w(Aplic::S, tgt(10), (1u << 18) | (2u << 12) | 0x7ff);
    CHECK(t.r(Aplic::S, tgt(10)) == ((1u << 18) | (2u << 12) | 0x7ff));
    t.w(Aplic::S, tgt(10), (1u << 18) | (2u << 12) | 33);
    t.w(Aplic::S, Aplic::kSetienum, 10);
    t.a.set_source(10, true);
    CHECK(t.msis.empty());  // IE = 0
    CHECK(t.a.pending(Aplic::S, 10));
    t.w(Aplic::S, Aplic::kDomaincfg, 0x100);
    REQUIRE(t.msis.size() == 1);
    CHECK(t.msis[0] == std::make_pair(uint64_t(0x2800a000), uint32_t(33)));
    CHECK(!t.a.pending(Aplic::S, 10));  // forwarded: cleared
    t.w(Aplic::S, Aplic::kSetipnum, 10);  // input still high: may be set again
    CHECK(t.msis.size() == 2);
    t.a.set_source(10, false);
    t.w(Aplic::S, Aplic::kSetipnum, 10);  // input low: a level source cannot be set
    CHECK(t.msis.size() == 2);
    // The root's guest index is read-only zero; genmsi sends whatever IE says.
    t.w(Aplic::M, cfg(5), Aplic::Detached);
    t.w(Aplic::M, tgt(5), (1u << 18) | (3u << 12) | 9);
    CHECK(t.r(Aplic::M, tgt(5)) == ((1u << 18) | 9));
    t.w(Aplic::M, Aplic::kGenmsi, (0u << 18) | 77);
    REQUIRE(t.msis.size() == 3);
    CHECK(t.msis[2] == std::make_pair(uint64_t(0x24000000), uint32_t(77)));
    CHECK((t.r(Aplic::M, Aplic::kGenmsi) & (1u << 12)) == 0);  // never busy
    // Locked: the address registers ignore writes.
    t.w(Aplic::M, Aplic::kMmsiaddrcfgh, (1u << 31) | (1u << 12));
    t.w(Aplic::M, Aplic::kMmsiaddrcfg, 0x30000);
    CHECK(t.r(Aplic::M, Aplic::kMmsiaddrcfg) == 0x24000);
    // No IDCs in MSI mode.
    CHECK(t.r(Aplic::M, idc(0, Aplic::kIdelivery)) == 0);
}

TEST_CASE("topi: the AIA's default order, IPRIO 1 with read-only-zero iprio arrays") {
    using emu::irq::bit;
    namespace irq = emu::irq;
    CHECK(emu::topi_default(0) == 0);
    CHECK(emu::topi_default(bit(irq::MTI) | bit(irq::MSI)) == ((3u << 16) | 1));
    CHECK(emu::topi_default(bit(irq::MTI) | bit(irq::SEI)) == ((7u << 16) | 1));
    CHECK(emu::topi_default(bit(irq::SSI) | bit(irq::SEI) | bit(irq::STI)) == ((9u << 16) | 1));
    CHECK(emu::topi_default(bit(irq::SGEI) | bit(irq::VSEI) | bit(irq::STI)) == ((5u << 16) | 1));
    CHECK(emu::topi_default(bit(irq::VSSI) | bit(irq::SGEI)) == ((12u << 16) | 1));
    CHECK(emu::topi_default(bit(irq::VSTI) | bit(irq::VSSI) | bit(irq::VSEI)) == ((10u << 16) | 1));
}

TEST_CASE("vstopi: the candidates and ranking of src/VSLevel.adoc") {
    namespace hv = emu::hvictl;
    const uint64_t sei = 1u << 9, ssi = 1u << 1, sti = 1u << 5;
    auto top = [](uint64_t vs, uint32_t ep, bool vg0, uint64_t ctl, uint64_t prio) {
        return emu::vstopi(vs, ep, vg0, ctl, prio).value;
    };
    CHECK(top(0, 0, true, 0, 0) == 0);
    // Default order: SEI, SSI, STI; IPRIOM = 0 reports IPRIO 1.
    CHECK(top(sei | ssi | sti, 0, true, 0, 0) == ((9u << 16) | 1));
    CHECK(top(ssi | sti, 0, true, 0, 0) == ((1u << 16) | 1));
    // IPRIOM = 1: an external interrupt with no number of its own is 256 -> 255;
    // one from the guest file has vstopei's number.
    CHECK(top(sei, 0, true, hv::IPRIOM, 0) == ((9u << 16) | 255));
    CHECK(top(sei, 40, false, hv::IPRIOM, 0) == ((9u << 16) | 40));
    // hvictl.IID = 9 with IPRIO gives a VGEIN = 0 external interrupt its number.
    CHECK(top(sei, 0, true, hv::IPRIOM | (9ull << 16) | 30, 0) == ((9u << 16) | 30));
    CHECK(top(sei, 0, false, hv::IPRIOM | (9ull << 16) | 30, 0) == ((9u << 16) | 255));  // VGEIN != 0
    // hviprio1 raises STI above an external interrupt of a larger number...
    const uint64_t sti_20 = 20ull << 24, ssi_20 = 20ull << 8;
    CHECK(top(sei | sti, 40, false, hv::IPRIOM, sti_20) == ((5u << 16) | 20));
    // ... and at an equal number the default order decides: SEI before STI.
    CHECK(top(sei | sti, 20, false, hv::IPRIOM, sti_20) == ((9u << 16) | 20));
    CHECK(top(ssi | sti, 0, true, hv::IPRIOM, sti_20 | ssi_20) == ((1u << 16) | 20));
    // Priority 0 for SSI/STI (default below SEI): lowest; IPRIO reported 255.
    CHECK(top(sti, 0, true, hv::IPRIOM, 0) == ((5u << 16) | 255));
    CHECK(top(sei | sti, 0, true, 0, sti_20) == ((5u << 16) | 1));  // 20 beats the external 256
    // VTI = 1, IID != 9: hvictl's interrupt replaces vsip's SSI/STI ...
    const uint64_t vti13 = hv::VTI | (13ull << 16);
    CHECK(top(ssi | sti, 0, true, vti13, 0) == ((13u << 16) | 1));
    auto r = emu::vstopi(0, 0, true, vti13, 0);
    CHECK(r.value == ((13u << 16) | 1));
    CHECK(r.from_hvictl);
    // ... DPR = 0 with priority 0: above SEI (IPRIO 0); DPR = 1: below it.
    CHECK(top(sei, 5, false, vti13 | hv::IPRIOM, 0) == ((13u << 16) | 0));
    CHECK(top(sei, 5, false, vti13 | hv::IPRIOM | hv::DPR, 0) == ((9u << 16) | 5));
    // Equal numbers: DPR alone decides.
    CHECK(top(sei, 7, false, vti13 | hv::IPRIOM | 7, 0) == ((13u << 16) | 7));
    CHECK(top(sei, 7, false, vti13 | hv::IPRIOM | hv::DPR | 7, 0) == ((9u << 16) | 7));
    // VTI = 1 with IID = 9: no interrupt of hvictl's ("no interrupt" by IID 9, IPRIO 0).
    CHECK(top(ssi, 0, true, hv::VTI | (9ull << 16), 0) == 0);
}

namespace {
emu::MachineConfig aia_config(unsigned harts = 1) {
    emu::MachineConfig c;
    c.harts = harts;
    c.aia = emu::Aia::AplicImsic;
    c.console = [](uint8_t) {};
    return c;
}
}  // namespace

TEST_CASE("aplic-imsic machine: the CSRs reach the files the pages fill; hgeip, VGEIN and SGEIP") {
    using isa::Csr;
    emu::Machine m(aia_config(2));
    emu::Hart& h = m.hart(1);
    const uint64_t meip = emu::irq::bit(emu::irq::MEI), seip = emu::irq::bit(emu::irq::SEI);
    const uint64_t sgeip = emu::irq::bit(emu::irq::SGEI), vseip = emu::irq::bit(emu::irq::VSEI);
    REQUIRE(h.ext.has(isa::Ext::Smaia));
    CHECK(h.geilen() == 7);
    REQUIRE(h.csr_poke(uint16_t(Csr::MISELECT), 0x70));
    REQUIRE(h.csr_poke(uint16_t(Csr::MIREG), 1));  // eidelivery
    REQUIRE(h.csr_poke(uint16_t(Csr::MISELECT), 0xc0));
    REQUIRE(h.csr_poke(uint16_t(Csr::MIREG), 1u << 6));  // eie0: identity 6
    uint64_t v = 0;
    REQUIRE(m.bus().write(emu::map::kImsicM + 0x1000, 4, 6));  // hart 1's M page
    CHECK((*h.csr_peek(uint16_t(Csr::MIP)) & meip) != 0);
    CHECK(*h.csr_peek(uint16_t(Csr::MTOPEI)) == ((6u << 16) | 6));
    CHECK((*m.hart(0).csr_peek(uint16_t(Csr::MIP)) & meip) == 0);
    REQUIRE(h.csr_poke(uint16_t(Csr::MTOPEI), 0));  // claim
    CHECK(*h.csr_peek(uint16_t(Csr::MTOPEI)) == 0);
    CHECK((*h.csr_peek(uint16_t(Csr::MIP)) & meip) == 0);
    // The S file through siselect/sireg.
    REQUIRE(h.csr_poke(uint16_t(Csr::SISELECT), 0x70));
    REQUIRE(h.csr_poke(uint16_t(Csr::SIREG), 1));
    REQUIRE(h.csr_poke(uint16_t(Csr::SISELECT), 0xc2));
    REQUIRE(h.csr_poke(uint16_t(Csr::SIREG), 1u << 1));  // identity 65
    REQUIRE(m.bus().write(emu::map::kImsicS + 0x8000, 4, 65));  // hart 1: stride 8 pages
    CHECK((*h.csr_peek(uint16_t(Csr::MIP)) & seip) != 0);
    CHECK(*h.csr_peek(uint16_t(Csr::STOPEI)) == ((65u << 16) | 65));
    // Guest file 3: hgeip follows its signal, SGEIP needs hgeie, VSEIP needs VGEIN = 3.
    dev::ImsicFile& g3 = m.imsics()->file(1, 4);
    g3.eidelivery = 1;
    g3.eie[0] = 1u << 2;
    REQUIRE(m.bus().write(emu::map::kImsicS + 0x8000 + 3 * 0x1000, 4, 2));
    CHECK(*h.csr_peek(uint16_t(Csr::HGEIP)) == (1u << 3));
    CHECK((*h.csr_peek(uint16_t(Csr::HIP)) & (sgeip | vseip)) == 0);
    REQUIRE(h.csr_poke(uint16_t(Csr::HGEIE), ~0ull));
    CHECK(*h.csr_peek(uint16_t(Csr::HGEIE)) == 0xfe);  // bits GEILEN:1
    CHECK((*h.csr_peek(uint16_t(Csr::HIP)) & sgeip) != 0);
    const uint64_t hs = *h.csr_peek(uint16_t(Csr::HSTATUS));
    REQUIRE(h.csr_poke(uint16_t(Csr::HSTATUS), hs | (9ull << 12)));  // VGEIN 9 > GEILEN: kept
    CHECK((*h.csr_peek(uint16_t(Csr::HSTATUS)) & (0x3full << 12)) == 0);
    REQUIRE(h.csr_poke(uint16_t(Csr::HSTATUS), hs | (3ull << 12)));
    CHECK((*h.csr_peek(uint16_t(Csr::HIP)) & vseip) != 0);
    CHECK(*h.csr_peek(uint16_t(Csr::VSTOPEI)) == ((2u << 16) | 2));
    REQUIRE(h.csr_poke(uint16_t(Csr::VSISELECT), 0x80));
    CHECK(*h.csr_peek(uint16_t(Csr::VSIREG)) == (1u << 2));
    REQUIRE(h.csr_poke(uint16_t(Csr::VSTOPEI), 0));  // claim in guest file 3
    CHECK(*h.csr_peek(uint16_t(Csr::HGEIP)) == 0);
    CHECK((*h.csr_peek(uint16_t(Csr::HIP)) & (sgeip | vseip)) == 0);
    (void)v;
}

TEST_CASE("aplic-imsic machine: the UART's interrupt arrives as an MSI in the S file") {
    emu::Machine m(aia_config());
    auto w = [&](uint64_t a, uint32_t v) { REQUIRE(m.bus().write(a, 4, v)); };
    const uint64_t M = emu::map::kAplicM, S = emu::map::kAplicS;
    w(M + Aplic::kMmsiaddrcfg, 0x24000);
    w(M + Aplic::kSmsiaddrcfg, 0x28000);
    w(M + Aplic::kSmsiaddrcfgh, 3u << 20);
    w(M + cfg(10), 0x400);
    w(S + cfg(10), Aplic::Level1);
    w(S + tgt(10), 42);  // hart 0, S level, identity 42
    w(S + Aplic::kSetienum, 10);
    w(S + Aplic::kDomaincfg, 0x100);
    w(emu::map::kUart0 + 1, 2);  // IER: THR empty -> the UART raises its line
    CHECK(m.imsics()->file(0, 1).eip[0] == (1ull << 42));
    CHECK(m.plic() == nullptr);
    // The event log has it: into hart 0's S-level file (file 1), identity 42.
    auto ev = m.events().last(1);
    REQUIRE(ev.size() == 1);
    CHECK(ev[0].kind == emu::EventKind::Msi);
    CHECK((ev[0].target == 0 && ev[0].file == 1 && ev[0].value == 42));
    CHECK(m.events().count(emu::EventKind::Msi) == 1);
    // A guest file's page (hart 0, guest 2: the third page of its stride).
    w(emu::map::kImsicS + 2 * 0x1000, 7);
    ev = m.events().last(1);
    CHECK((ev[0].kind == emu::EventKind::Msi && ev[0].file == 3 && ev[0].value == 7));
    CHECK(emu::describe(ev[0], true).find("identity 7 into hart 0's guest file 2") != std::string::npos);
}
