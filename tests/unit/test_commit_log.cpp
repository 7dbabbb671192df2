// The commit log's lines against Spike's: every expected line below is
// copied from riscv-isa-sim's own --log-commits output (spike
// --isa=rv64gch_zicntr_sstc --log-commits, on the riscv-tests named), and
// the record is what that instruction wrote.
#include <doctest/doctest.h>

#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include "emu/commit_log.hpp"
#include "emu/machine.hpp"

using emu::CommitRecord;
using emu::format_commit;

namespace {
CommitRecord rec(unsigned priv, uint64_t pc, uint32_t insn, unsigned len = 4) {
    CommitRecord r;
    r.priv = priv;
    r.pc = pc;
    r.insn = insn;
    r.len = len;
    return r;
}
}  // namespace

TEST_CASE("commit log: Spike's boot ROM, integer writes, loads, no writes") {
    auto r = rec(3, 0x1000, 0x00000297);  // auipc t0, 0
    r.reg(CommitRecord::X, 5, 0x1000);
    CHECK(format_commit(r) == "core   0: 3 0x0000000000001000 (0x00000297) x5  0x0000000000001000");

    r = rec(3, 0x1004, 0x02028593);  // addi a1, t0, 32: a two-digit register
    r.reg(CommitRecord::X, 11, 0x1020);
    CHECK(format_commit(r) == "core   0: 3 0x0000000000001004 (0x02028593) x11 0x0000000000001020");

    r = rec(3, 0x100c, 0x0182b283);  // ld t0, 24(t0)
    r.reg(CommitRecord::X, 5, 0x80000000);
    r.loads.push_back(0x1018);
    CHECK(format_commit(r) == "core   0: 3 0x000000000000100c (0x0182b283) x5  0x0000000080000000 mem 0x0000000000001018");

    r = rec(3, 0x1010, 0x00028067);  // jr t0
    CHECK(format_commit(r) == "core   0: 3 0x0000000000001010 (0x00028067)");
}

TEST_CASE("commit log: CSRs as c<number>_<name>, in Spike's key order after x, f and each other") {
    auto r = rec(3, 0x80000178, 0x30005073);  // csrwi mstatus, 0 (rv64ui-p-add)
    r.reg(CommitRecord::C, 0x300, 0xa00000000);
    CHECK(format_commit(r) == "core   0: 3 0x0000000080000178 (0x30005073) c768_mstatus 0x0000000a00000000");

    r = rec(3, 0x80000184, 0x00305073);  // csrwi fcsr, 0 (rv64uf-p-fadd): frm, fflags and FS Dirty
    r.reg(CommitRecord::C, 0x300, 0x8000000a00006000);
    r.reg(CommitRecord::C, 0x002, 0);
    r.reg(CommitRecord::C, 0x001, 0);
    CHECK(format_commit(r) == "core   0: 3 0x0000000080000184 (0x00305073) c1_fflags 0x0000000000000000 "
                              "c2_frm 0x0000000000000000 c768_mstatus 0x8000000a00006000");

    r = rec(0, 0x80002024, 0x001015f3);  // fsflags a1, zero: fflags (key 0x14) before x11 (0xb0)
    r.reg(CommitRecord::X, 11, 0);
    r.reg(CommitRecord::C, 0x001, 0);
    CHECK(format_commit(r) == "core   0: 0 0x0000000080002024 (0x001015f3) c1_fflags 0x0000000000000000 x11 0x0000000000000000");

    r = rec(0, 0x80002050, 0x00b576d3);  // fadd.s fa3, fa0, fa1: f13 NaN-boxed, after fflags
    r.reg(CommitRecord::F, 13, 0xffffffffc49a4000);
    r.reg(CommitRecord::C, 0x001, 1);
    CHECK(format_commit(r) == "core   0: 0 0x0000000080002050 (0x00b576d3) c1_fflags 0x0000000000000001 f13 0xffffffffc49a4000");

    r = rec(1, 0x80002164, 0x10200073);  // sret from HS (rv64si-p-csr): mstatus, then hstatus
    r.reg(CommitRecord::C, 0x600, 0x200000000);
    r.reg(CommitRecord::C, 0x300, 0xa000000a0);
    CHECK(format_commit(r) == "core   0: 1 0x0000000080002164 (0x10200073) c768_mstatus 0x0000000a000000a0 c1536_hstatus 0x0000000200000000");

    r = rec(3, 0x80000178, 0x30005073);  // a second write of a register keeps the last value
    r.reg(CommitRecord::C, 0x300, 1);
    r.reg(CommitRecord::C, 0x300, 0xa00000000);
    CHECK(format_commit(r) == "core   0: 3 0x0000000080000178 (0x30005073) c768_mstatus 0x0000000a00000000");
}

TEST_CASE("commit log: compressed encodings, stores with their width, AMOs read then write") {
    auto r = rec(0, 0x80004016, 0x1fe8, 2);  // c.addi4spn a0, sp, 1020 (rv64uc-p-rvc)
    r.reg(CommitRecord::X, 10, 0x1630);
    CHECK(format_commit(r) == "core   0: 0 0x0000000080004016 (0x1fe8) x10 0x0000000000001630");

    r = rec(3, 0x80000040, 0xfc3f2223);  // sw gp, -60(t5): the word to tohost
    r.stores.push_back({0x80001000, 1, 4});
    CHECK(format_commit(r) == "core   0: 3 0x0000000080000040 (0xfc3f2223) mem 0x0000000080001000 0x00000001");

    r = rec(0, 0x80002018, 0x00b6b72f);  // amoadd.d a4, a1, (a3) (rv64ua-p-amoadd_d)
    r.stores.push_back({0x80003000, 0xffffffff7ffff800, 8});
    r.loads.push_back(0x80003000);
    r.reg(CommitRecord::X, 14, 0xffffffff80000000);
    CHECK(format_commit(r) == "core   0: 0 0x0000000080002018 (0x00b6b72f) x14 0xffffffff80000000 "
                              "mem 0x0000000080003000 mem 0x0000000080003000 0xffffffff7ffff800");
}

namespace {
// The lines `program` (at 0x80000000, entered in M-mode) logs on a default machine.
template <size_t N> std::vector<std::string> logged_lines(const uint32_t (&program)[N], const char* name) {
    const auto path = std::filesystem::temp_directory_path() / (name + std::to_string(getpid()) + ".log");
    {
        std::string err;
        auto log = emu::CommitLog::open(path.string(), err);
        REQUIRE(log);
        emu::MachineConfig cfg;
        cfg.ram_size = 1 << 20;
        cfg.console = [](uint8_t) {};
        emu::Machine m(cfg);
        emu::Image img;
        img.entry = 0x80000000;
        emu::Segment s;
        s.paddr = 0x80000000;
        s.data.resize(sizeof program);
        std::memcpy(s.data.data(), program, sizeof program);
        s.memsz = s.data.size();
        img.segments.push_back(s);
        m.load(img);
        m.set_commit_log(log.get());
        while (m.hart(0).pc != 0x80000000 + sizeof program) m.run(1);
        m.set_commit_log(nullptr);
    }
    std::ifstream f(path);
    std::vector<std::string> lines;
    for (std::string l; std::getline(f, l);)
        if (l.compare(12, 15, "0x0000000080000") == 0) lines.push_back(l);  // the program's, in any mode
    std::filesystem::remove(path);
    return lines;
}
}  // namespace

TEST_CASE("commit log: Zbb's one-source ops, Zimop's mop.r, Zfa's fli, hvip and cbo.zero, as Spike logs them") {
    // li ra,0; clz a4,ra; li t1,1234; mop.r.0 t0,t1; lui t0,0x2; csrs mstatus,t0; fli.d ft1,1.0; csrw hvip,zero;
    // auipc a0,0x1; cbo.zero (a0)
    constexpr uint32_t kProgram[] = {0x00000093, 0x60009713, 0x4d200313, 0x81c342f3, 0x000022b7,
                                     0x3002a073, 0xf21800d3, 0x64501073, 0x00001517, 0x0045200f};
    const auto lines = logged_lines(kProgram, "commit-dest-");
    REQUIRE(lines.size() == 10);
    // The register parts of these lines are riscv-isa-sim's for the same instructions.
    CHECK(lines[1] == "core   0: 3 0x0000000080000004 (0x60009713) x14 0x0000000000000040");
    CHECK(lines[3] == "core   0: 3 0x000000008000000c (0x81c342f3) x5  0x0000000000000000");
    CHECK(lines[6] == "core   0: 3 0x0000000080000018 (0xf21800d3) f1  0x3ff0000000000000 c768_mstatus 0x8000000a00006000");
    // hvip.VSSIP is an alias of mip.VSSIP: Spike logs mip with it (nothing pending here).
    CHECK(lines[7] == "core   0: 3 0x000000008000001c (0x64501073) c836_mip 0x0000000000000000 c1605_hvip 0x0000000000000000");
    // cbo.zero: Spike stores the block a byte at a time, and logs 64 one-byte stores.
    CHECK(lines[9].rfind("core   0: 3 0x0000000080000024 (0x0045200f) mem 0x0000000080001000 0x00 "
                         "mem 0x0000000080001001 0x00 mem 0x0000000080001002 0x00", 0) == 0);
    size_t stores = 0;
    for (size_t at = lines[9].find(" mem "); at != std::string::npos; at = lines[9].find(" mem ", at + 1)) ++stores;
    CHECK(stores == 64);
}

TEST_CASE("commit log: a write of hip's VSSIP logs mip alone, as Spike holds hvip.VSSIP in mip") {
    // li t0,0x444; csrw hvip,t0; csrw hip,zero
    constexpr uint32_t kProgram[] = {0x44400293, 0x64529073, 0x64401073};
    const auto lines = logged_lines(kProgram, "commit-hip-");
    REQUIRE(lines.size() == 3);
    // riscv-isa-sim's line for csrw hip,zero (h_csrs.elf): mip without hvip.
    CHECK(lines[2].rfind("core   0: 3 0x0000000080000008 (0x64401073) c836_mip 0x", 0) == 0);
    CHECK(lines[2].find("c1605_hvip") == std::string::npos);
}

TEST_CASE("commit log: writes Spike leaves out: a locked PMP register, hgeie without guest interrupt files") {
    // li t0,0x80; csrw pmpcfg0,t0 (locks entry 0); csrw pmpaddr0,t0; csrw pmpaddr1,t0; csrw hgeie,t0;
    // csrw pmpcfg0,zero
    constexpr uint32_t kProgram[] = {0x08000293, 0x3a029073, 0x3b029073, 0x3b129073, 0x60729073, 0x3a001073};
    const auto lines = logged_lines(kProgram, "commit-ignored-");
    REQUIRE(lines.size() == 6);
    // riscv-isa-sim pmpcfg_csr_t/pmpaddr_csr_t::unlogged_write: a write is
    // logged when an entry it covers is unlocked; hgeie is const_csr_t (GEILEN 0).
    CHECK(lines[1] == "core   0: 3 0x0000000080000004 (0x3a029073) c928_pmpcfg0 0x0000000000000080");
    CHECK(lines[2] == "core   0: 3 0x0000000080000008 (0x3b029073)");
    CHECK(lines[3] == "core   0: 3 0x000000008000000c (0x3b129073) c945_pmpaddr1 0x0000000000000080");
    CHECK(lines[4] == "core   0: 3 0x0000000080000010 (0x60729073)");
    CHECK(lines[5] == "core   0: 3 0x0000000080000014 (0x3a001073) c928_pmpcfg0 0x0000000000000080");
}

TEST_CASE("commit log: an FP write in VS-mode that makes mstatus.FS or vsstatus.FS Dirty logs both, as Spike does") {
    // PMP open (pmpaddr0 = -1, pmpcfg0 = NAPOT RWX); mstatus |= MPV | MPP=S | FS (lui t1); vsstatus.FS |=
    // (lui t0); mret to VS; fmv.d.x f1, zero. riscv-isa-sim sstatus_csr_t::dirty writes mstatus and
    // vsstatus when either was not Dirty yet.
    constexpr uint32_t kLuiT1Dirty = 0x00006337, kLuiT1Initial = 0x00002337;
    constexpr uint32_t kLuiT0Dirty = 0x000062b7, kLuiT0Initial = 0x000022b7;
    for (auto [ms_fs, vs_fs] : {std::pair{kLuiT1Dirty, kLuiT0Initial}, std::pair{kLuiT1Initial, kLuiT0Dirty}}) {
        const uint32_t kProgram[] = {0xfff00293, 0x3b029073, 0x01f00293, 0x3a029073, 0x00100293, 0x02729293, ms_fs,
                                     0x0062e2b3, 0x00100313, 0x00b31313, 0x0062e2b3, 0x3002a073, vs_fs, 0x2002a073,
                                     0x00000297, 0x01028293, 0x34129073, 0x30200073, 0xf20000d3};
        const auto lines = logged_lines(kProgram, "commit-vsfs-");
        REQUIRE(lines.size() == 19);
        CHECK(lines[18].rfind("core   0: 1 0x0000000080000048 (0xf20000d3) f1  0x0000000000000000 "
                              "c512_vsstatus 0x8000000200006000 c768_mstatus ", 0) == 0);
    }
}
