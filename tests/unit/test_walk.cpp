// The page-table walker on hand-built page tables: each fault type, each
// permission rule, superpages, A/D updates, and the number of memory reads
// (the privileged spec's algorithm gives the expected values).
#include <doctest/doctest.h>

#include <map>

#include "emu/walk.hpp"

using namespace emu;

namespace {

constexpr uint64_t V = 1, R = 2, W = 4, X = 8, U = 16, G = 32, A = 64, D = 128;

struct Mem {
    std::map<uint64_t, uint64_t> words;
    unsigned writes = 0;
    WalkMemory iface() {
        return {[this](uint64_t pa, uint64_t& v) {
                    if (pa >= 0x1'0000'0000ull) return false;  // "no memory there": access fault
                    auto it = words.find(pa);
                    v = it == words.end() ? 0 : it->second;
                    return true;
                },
                [this](uint64_t pa, uint64_t v) {
                    words[pa] = v;
                    ++writes;
                    return true;
                }};
    }
    void pte(uint64_t table, unsigned index, uint64_t target_pa, uint64_t flags) {
        words[table + 8 * index] = ((target_pa >> 12) << 10) | flags;
    }
};

uint64_t vpn(uint64_t va, int level) { return (va >> (12 + 9 * level)) & 0x1ff; }
uint64_t sv39(uint64_t root) { return (8ull << 60) | (root >> 12); }
uint64_t sv48(uint64_t root) { return (9ull << 60) | (root >> 12); }

// Maps va -> pa with 4 KiB pages under root, tables at root+0x1000, +0x2000.
void map4k_sv39(Mem& m, uint64_t root, uint64_t va, uint64_t pa, uint64_t flags) {
    const uint64_t l1 = root + 0x1000, l0 = root + 0x2000;
    m.pte(root, unsigned(vpn(va, 2)), l1, V);
    m.pte(l1, unsigned(vpn(va, 1)), l0, V);
    m.pte(l0, unsigned(vpn(va, 0)), pa, flags);
}

WalkRequest req(uint64_t va, Access a, Priv p, uint64_t atp) {
    WalkRequest r;
    r.va = va;
    r.access = a;
    r.priv = p;
    r.atp = atp;
    return r;
}

}  // namespace

TEST_CASE("Sv39: a 4 KiB mapping takes three reads and lands on the right byte") {
    Mem m;
    const uint64_t root = 0x8000'0000, va = 0x0000'0012'3456'7678ull;
    map4k_sv39(m, root, va, 0x8123'4000, V | R | W | A | D);
    WalkRecord rec;
    WalkResult w = walk(req(va, Access::Read, Priv::S, sv39(root)), m.iface(), &rec);
    REQUIRE(w.ok);
    CHECK(w.pa == 0x8123'4678);
    CHECK(w.mem_reads == 3);
    REQUIRE(rec.reads.size() == 3);
    CHECK(rec.reads[0].pte_addr == root + 8 * vpn(va, 2));
    CHECK(rec.reads[0].level == 2);
    CHECK(rec.reads[2].pte_addr == root + 0x2000 + 8 * vpn(va, 0));
    CHECK(rec.reads[2].level == 0);
}

TEST_CASE("Sv48 walks four levels; Sv39 rejects non-canonical addresses") {
    Mem m;
    const uint64_t root = 0x8000'0000, va = 0x0000'7f00'0000'1000ull;
    const uint64_t l2 = root + 0x1000, l1 = root + 0x2000, l0 = root + 0x3000;
    m.pte(root, unsigned((va >> 39) & 0x1ff), l2, V);
    m.pte(l2, unsigned(vpn(va, 2)), l1, V);
    m.pte(l1, unsigned(vpn(va, 1)), l0, V);
    m.pte(l0, unsigned(vpn(va, 0)), 0x9000'0000, V | R | A);
    WalkResult w = walk(req(va, Access::Read, Priv::S, sv48(root)), m.iface());
    REQUIRE(w.ok);
    CHECK(w.pa == 0x9000'0000);
    CHECK(w.mem_reads == 4);
    // bit 38 set but bits 63:39 clear: not a valid Sv39 address
    WalkResult bad = walk(req(1ull << 38, Access::Read, Priv::S, sv39(root)), m.iface());
    CHECK_FALSE(bad.ok);
    CHECK(bad.cause == LOAD_PAGE_FAULT);
    CHECK(bad.mem_reads == 0);
}

TEST_CASE("Superpages: 2 MiB and 1 GiB leaves, and misaligned superpages fault") {
    Mem m;
    const uint64_t root = 0x8000'0000, l1 = root + 0x1000;
    m.pte(root, 1, 0x4000'0000, V | R | W | X | A | D);  // 1 GiB at va 0x4000_0000
    m.pte(root, 2, l1, V);
    m.pte(l1, 0, 0xa000'0000, V | R | A);                // 2 MiB at va 0x8000_0000
    m.pte(l1, 1, 0xa000'1000, V | R | A);                // ppn[0] != 0: misaligned
    WalkResult giga = walk(req(0x4012'3456, Access::Read, Priv::S, sv39(root)), m.iface());
    REQUIRE(giga.ok);
    CHECK(giga.pa == 0x4012'3456);
    CHECK(giga.mem_reads == 1);
    CHECK(giga.page_mask == (1ull << 30) - 1);
    WalkResult mega = walk(req(0x8012'3456, Access::Read, Priv::S, sv39(root)), m.iface());
    REQUIRE(mega.ok);
    CHECK(mega.pa == 0xa012'3456);
    CHECK(mega.mem_reads == 2);
    WalkResult mis = walk(req(0x8020'0000, Access::Read, Priv::S, sv39(root)), m.iface());
    CHECK_FALSE(mis.ok);
    CHECK(mis.cause == LOAD_PAGE_FAULT);
}

TEST_CASE("Invalid and reserved PTEs fault with the cause of the access") {
    Mem m;
    const uint64_t root = 0x8000'0000;
    m.pte(root, 0, 0x1000, 0);          // V=0
    m.pte(root, 1, 0x4000'0000, V | W); // W without R: reserved
    m.pte(root, 3, 0x8000'0000, V | R | A);
    m.words[root + 8 * 3] |= 1ull << 60;  // reserved high bits
    CHECK(walk(req(0x0000'1000, Access::Fetch, Priv::S, sv39(root)), m.iface()).cause == FETCH_PAGE_FAULT);
    CHECK(walk(req(0x4000'0000, Access::Write, Priv::S, sv39(root)), m.iface()).cause == STORE_PAGE_FAULT);
    CHECK(walk(req(0xc000'0000, Access::Read, Priv::S, sv39(root)), m.iface()).cause == LOAD_PAGE_FAULT);
    // A PTE outside memory is an access fault, not a page fault.
    Mem far;
    CHECK(walk(req(0x1000, Access::Read, Priv::S, sv39(0x2'0000'0000)), far.iface()).cause == LOAD_ACCESS);
}

TEST_CASE("Permissions: R, W, X, U with SUM and MXR") {
    Mem m;
    const uint64_t root = 0x8000'0000, l1 = root + 0x1000;
    m.pte(root, 0, l1, V);
    m.pte(l1, 0, 0x9000'0000, V | X | A);          // va 0x000000: execute-only
    m.pte(l1, 1, 0x9020'0000, V | R | U | A | D);  // va 0x200000: user read-only
    m.pte(l1, 2, 0x9040'0000, V | R | W | A | D);  // va 0x400000: supervisor read/write
    auto try_ = [&](uint64_t va, Access a, Priv p, bool sum = false, bool mxr = false) {
        WalkRequest r = req(va, a, p, sv39(root));
        r.sum = sum;
        r.mxr = mxr;
        return walk(r, m.iface()).ok;
    };
    CHECK(try_(0x000000, Access::Fetch, Priv::S));
    CHECK_FALSE(try_(0x000000, Access::Read, Priv::S));
    CHECK(try_(0x000000, Access::Read, Priv::S, false, true));   // MXR: executable is readable
    CHECK_FALSE(try_(0x000000, Access::Fetch, Priv::U));         // not a user page
    CHECK(try_(0x200000, Access::Read, Priv::U));
    CHECK_FALSE(try_(0x200000, Access::Write, Priv::U));
    CHECK_FALSE(try_(0x200000, Access::Read, Priv::S));          // user page from S without SUM
    CHECK(try_(0x200000, Access::Read, Priv::S, true));          // ... with SUM
    CHECK_FALSE(try_(0x200000, Access::Fetch, Priv::S, true));   // SUM never allows execute
    CHECK(try_(0x400000, Access::Write, Priv::S));
    CHECK_FALSE(try_(0x400000, Access::Read, Priv::U));
}

TEST_CASE("A/D: the walker sets A on access and D on a store; debugger walks write nothing") {
    Mem m;
    const uint64_t root = 0x8000'0000, va = 0x5000;
    map4k_sv39(m, root, va, 0x9000'0000, V | R | W);
    const uint64_t leaf = root + 0x2000 + 8 * vpn(va, 0);
    WalkRequest look = req(va, Access::Write, Priv::S, sv39(root));
    look.update_ad = false;
    REQUIRE(walk(look, m.iface()).ok);
    CHECK(m.writes == 0);
    REQUIRE(walk(req(va, Access::Read, Priv::S, sv39(root)), m.iface()).ok);
    CHECK((m.words[leaf] & (A | D)) == A);
    REQUIRE(walk(req(va, Access::Write, Priv::S, sv39(root)), m.iface()).ok);
    CHECK((m.words[leaf] & (A | D)) == (A | D));
    CHECK(m.writes == 2);
}

TEST_CASE("Two-stage: Sv39 over Sv39x4 with 4 KiB pages reads 15 PTEs") {
    // Spec arithmetic: each of the 3 VS-stage PTE addresses is a guest physical
    // address translated by a 3-level G-stage walk (3 reads) before the PTE
    // itself is read (1 read): 3 x 4 = 12; then the final guest physical
    // address takes 3 more G-stage reads: 15.
    Mem m;
    const uint64_t groot = 0x8000'0000;  // 16 KiB x4 root
    const uint64_t gl1 = 0x8000'4000, gl0 = 0x8000'5000;
    // G-stage: guest physical 0x0000_0000-0x001f_ffff -> host 0x9000_0000, 4 KiB pages.
    m.pte(groot, 0, gl1, V);
    m.pte(gl1, 0, gl0, V);
    for (unsigned i = 0; i < 512; ++i) m.pte(gl0, i, 0x9000'0000 + i * 0x1000ull, V | R | W | X | U | A | D);
    // VS-stage tables in guest physical memory at 0x1000, 0x2000, 0x3000; data at gpa 0x7000.
    const uint64_t vs_root = 0x1000, vs_l1 = 0x2000, vs_l0 = 0x3000;
    auto host = [](uint64_t gpa) { return 0x9000'0000 + gpa; };
    const uint64_t gva = 0x4000'5000;
    m.pte(host(vs_root), unsigned(vpn(gva, 2)), vs_l1, V);
    m.pte(host(vs_l1), unsigned(vpn(gva, 1)), vs_l0, V);
    m.pte(host(vs_l0), unsigned(vpn(gva, 0)), 0x7000, V | R | W | A | D);
    WalkRequest r = req(gva + 0x123, Access::Read, Priv::S, sv39(vs_root));
    r.virt = true;
    r.hgatp = (8ull << 60) | (groot >> 12);
    WalkRecord rec;
    WalkResult w = walk(r, m.iface(), &rec);
    REQUIRE(w.ok);
    CHECK(w.pa == host(0x7000) + 0x123);
    CHECK(w.mem_reads == 15);
    REQUIRE(rec.reads.size() == 15);
    CHECK(rec.reads[0].gstage);
    CHECK(rec.reads[0].vs_level == 2);
    CHECK(rec.reads[3].gstage == false);
    CHECK(rec.reads[3].pte_addr == host(vs_root) + 8 * vpn(gva, 2));
    CHECK(rec.reads[14].gstage);
    CHECK(rec.reads[14].vs_level == -1);
    // The record names each VS-stage PTE by its guest physical address, and
    // the guest physical address the VS-stage leaf gave.
    CHECK(rec.reads[3].pte_gpa == vs_root + 8 * vpn(gva, 2));
    CHECK(rec.reads[7].pte_gpa == vs_l1 + 8 * vpn(gva, 1));
    CHECK(rec.reads[11].pte_gpa == vs_l0 + 8 * vpn(gva, 0));
    CHECK(rec.reads[0].pte_gpa == rec.reads[0].pte_addr);  // G-stage PTEs: host physical
    CHECK(rec.gpa == 0x7123);

    SUBCASE("a G-stage fault on the final address is a guest-page fault with the GPA") {
        m.pte(gl0, 7, 0x9000'7000, V | R | U | A | D);  // no W for gpa 0x7000
        WalkRequest wr = r;
        wr.access = Access::Write;
        WalkResult f = walk(wr, m.iface());
        CHECK_FALSE(f.ok);
        CHECK(f.cause == STORE_GUEST_PAGE_FAULT);
        CHECK(f.guest_fault);
        CHECK(f.gpa == 0x7123);
        CHECK_FALSE(f.implicit);
    }
    SUBCASE("a G-stage fault on a VS-stage page-table read is implicit, with the PTE's GPA") {
        m.pte(gl0, 2, 0x9000'2000, V | R | A | D);  // not a user page: every G-stage access is U-mode
        WalkResult f = walk(r, m.iface());
        CHECK_FALSE(f.ok);
        CHECK(f.cause == LOAD_GUEST_PAGE_FAULT);
        CHECK(f.implicit);
        CHECK(f.gpa == vs_l1 + 8 * vpn(gva, 1));
    }
    SUBCASE("mstatus.MXR makes an execute-only G-stage page readable for explicit loads only") {
        // hypervisor spec: MXR 'makes execute-only pages readable by explicit loads'; a VS-stage
        // page-table read is an implicit access, checked 'as though for an implicit load'.
        m.pte(gl0, 7, 0x9000'7000, V | X | U | A | D);  // the data page: execute-only
        WalkRequest mxr = r;
        mxr.gmxr = true;
        CHECK(walk(mxr, m.iface()).ok);
        m.pte(gl0, 7, 0x9000'7000, V | R | W | U | A | D);
        m.pte(gl0, 2, 0x9000'2000, V | X | U | A | D);  // the VS-stage level-1 table: execute-only
        for (Access a : {Access::Read, Access::Fetch}) {
            mxr.access = a;
            WalkResult f = walk(mxr, m.iface());
            CHECK_FALSE(f.ok);
            CHECK(f.cause == (a == Access::Read ? LOAD_GUEST_PAGE_FAULT : FETCH_GUEST_PAGE_FAULT));
            CHECK(f.implicit);
            CHECK(f.gpa == vs_l1 + 8 * vpn(gva, 1));
        }
    }
    SUBCASE("guest physical addresses beyond the x4 width fault") {
        WalkRequest b = r;
        b.atp = 0;  // vsatp Bare: gva == gpa
        b.va = 1ull << 41;
        WalkResult f = walk(b, m.iface());
        CHECK_FALSE(f.ok);
        CHECK(f.cause == LOAD_GUEST_PAGE_FAULT);
        CHECK(f.gpa == (1ull << 41));
    }
}
