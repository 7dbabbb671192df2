// The ISA configuration's multi-letter unprivileged extensions: parsed from
// --isa, listed in the device tree's riscv,isa only when on, and their
// instructions illegal when off.
#include <doctest/doctest.h>

#include <libfdt.h>

#include <cstring>
#include <string>

#include "emu/machine.hpp"
#include "isa/csr.hpp"
#include "isa/hex.hpp"
#include "isa/insn.hpp"

namespace {

constexpr uint64_t kBase = 0x80000000;

emu::IsaConfig config(const std::string& s) {
    emu::IsaConfig c;
    const std::string err = emu::IsaConfig::parse(s, c);
    REQUIRE_MESSAGE(err.empty(), err);
    return c;
}

std::string dt_isa(const std::string& s) {
    emu::MachineConfig cfg;
    cfg.ram_size = 1 << 20;
    cfg.isa = config(s);
    emu::Machine m(cfg);
    m.boot({emu::Image{}, std::nullopt, {}, ""});
    const auto& b = m.device_tree();
    const int off = fdt_path_offset(b.data(), "/cpus/cpu@0");
    REQUIRE(off >= 0);
    auto* p = static_cast<const char*>(fdt_getprop(b.data(), off, "riscv,isa", nullptr));
    REQUIRE(p != nullptr);
    return p;
}

// Runs one instruction at kBase in M-mode; the mcause it left (~0 when it executed).
uint64_t run_one(const std::string& s, uint32_t insn) {
    emu::MachineConfig cfg;
    cfg.ram_size = 1 << 20;
    cfg.isa = config(s);
    emu::Machine m(cfg);
    emu::Image img;
    img.entry = kBase;
    emu::Segment seg;
    seg.paddr = kBase;
    seg.data.resize(4);
    std::memcpy(seg.data.data(), &insn, 4);
    seg.memsz = 4;
    img.segments.push_back(seg);
    m.load(img);
    m.hart(0).pc = kBase;  // past the boot ROM
    emu::Hart& h = m.hart(0);
    REQUIRE(h.csr_poke(isa::Csr::MSTATUS, *h.csr_peek(isa::Csr::MSTATUS) | emu::mstatus::FS));  // FS = Dirty
    h.x[11] = kBase;  // a1: an address in RAM
    REQUIRE(h.csr_poke(isa::Csr::MCAUSE, ~0ull));
    m.run(1);
    return *h.csr_peek(isa::Csr::MCAUSE);
}

}  // namespace

TEST_CASE("isa: the bit-manipulation, Zicond and half-precision extensions are in the default ISA, not in rv64gc") {
    using isa::Ext;
    const Ext ours[] = {Ext::Zba, Ext::Zbb, Ext::Zbc, Ext::Zbs, Ext::Zbkb, Ext::Zbkc, Ext::Zbkx, Ext::Zicond,
                        Ext::Zfh, Ext::Zfhmin};
    const emu::IsaConfig def;
    const emu::IsaConfig gc = config("rv64gc");
    for (Ext e : ours) {
        CHECK(def.has(e));
        CHECK_FALSE(gc.has(e));
    }
    const auto some = config("rv64gc_zbkb");
    CHECK(some.has(Ext::Zbb_or_Zbkb));
    CHECK_FALSE(some.has(Ext::Zbb));
    CHECK_FALSE(some.has(Ext::Zbc_or_Zbkc));
    CHECK(config("rv64gc_zfhmin").has(Ext::Zfhmin_and_D));
    CHECK_FALSE(config("rv64imafc_zfhmin").has(Ext::Zfhmin_and_D));
}

TEST_CASE("isa: riscv,isa lists an extension exactly when it is on") {
    const std::string plain = dt_isa("rv64gc");
    CHECK(plain.find("_zb") == std::string::npos);
    CHECK(plain.find("_zicond") == std::string::npos);
    const std::string some = dt_isa("rv64gc_zbb_zicond");
    CHECK(some.find("_zbb") != std::string::npos);
    CHECK(some.find("_zicond") != std::string::npos);
    CHECK(some.find("_zba") == std::string::npos);
    const std::string all = dt_isa("rv64gc_zba_zbb_zbc_zbs_zbkb_zbkc_zbkx_zicond");
    for (const char* e : {"_zba", "_zbb", "_zbc", "_zbs", "_zbkb", "_zbkc", "_zbkx", "_zicond"})
        CHECK_MESSAGE(all.find(e) != std::string::npos, all, " lacks ", e);
}

TEST_CASE("isa: an instruction of an extension that is off is illegal") {
    constexpr uint64_t kIllegal = 2;
    // Encodings as GNU objdump 2.40 reads them (czero.eqz, which it lacks, from the Zicond spec).
    constexpr uint32_t kClz = 0x60059513;      // clz a0,a1
    constexpr uint32_t kZextH = 0x0805c53b;    // zext.h a0,a1 (Zbb; Zbkb's packw a0,a1,zero)
    constexpr uint32_t kRor = 0x60c5d533;      // ror a0,a1,a2 (Zbb and Zbkb)
    constexpr uint32_t kClmul = 0x0ac59533;    // clmul a0,a1,a2 (Zbc and Zbkc)
    constexpr uint32_t kClmulr = 0x0ac5a533;   // clmulr a0,a1,a2 (Zbc only)
    constexpr uint32_t kShAdd = 0x20c5a533;    // sh1add a0,a1,a2
    constexpr uint32_t kBset = 0x28c59533;     // bset a0,a1,a2
    constexpr uint32_t kXperm8 = 0x28c5c533;   // xperm8 a0,a1,a2
    constexpr uint32_t kCzero = 0x0ec5d533;    // czero.eqz a0,a1,a2
    CHECK(run_one("rv64gc", kClz) == kIllegal);
    CHECK(run_one("rv64gc_zbb", kClz) == ~0ull);
    CHECK(run_one("rv64gc_zbkb", kClz) == kIllegal);
    CHECK(run_one("rv64gc_zbkb", kZextH) == ~0ull);
    CHECK(run_one("rv64gc_zbkb", kRor) == ~0ull);
    CHECK(run_one("rv64gc_zba", kRor) == kIllegal);
    CHECK(run_one("rv64gc_zbkc", kClmul) == ~0ull);
    CHECK(run_one("rv64gc_zbkc", kClmulr) == kIllegal);
    CHECK(run_one("rv64gc_zbc", kClmulr) == ~0ull);
    CHECK(run_one("rv64gc", kShAdd) == kIllegal);
    CHECK(run_one("rv64gc_zba", kShAdd) == ~0ull);
    CHECK(run_one("rv64gc_zba", kBset) == kIllegal);
    CHECK(run_one("rv64gc_zbs", kBset) == ~0ull);
    CHECK(run_one("rv64gc_zbkb", kXperm8) == kIllegal);
    CHECK(run_one("rv64gc_zbkx", kXperm8) == ~0ull);
    CHECK(run_one("rv64gc", kCzero) == kIllegal);
    CHECK(run_one("rv64gc_zicond", kCzero) == ~0ull);
}

TEST_CASE("isa: Zfhmin has the half-precision moves and conversions, Zfh the arithmetic") {
    constexpr uint64_t kIllegal = 2;
    constexpr uint32_t kFaddH = 0x04c5f553;   // fadd.h fa0,fa1,fa2
    constexpr uint32_t kFlh = 0x00059507;     // flh fa0,0(a1)
    constexpr uint32_t kFcvtDH = 0x42258553;  // fcvt.d.h fa0,fa1
    CHECK(run_one("rv64gc", kFlh) == kIllegal);
    CHECK(run_one("rv64gc", kFaddH) == kIllegal);
    CHECK(run_one("rv64gc_zfhmin", kFlh) == ~0ull);
    CHECK(run_one("rv64gc_zfhmin", kFcvtDH) == ~0ull);
    CHECK(run_one("rv64gc_zfhmin", kFaddH) == kIllegal);
    CHECK(run_one("rv64imafc_zfhmin", kFcvtDH) == kIllegal);  // without D
    CHECK(run_one("rv64gc_zfh", kFaddH) == ~0ull);
    CHECK(run_one("rv64gc_zfh", kFlh) == ~0ull);  // Zfh implies Zfhmin
}

TEST_CASE("isa: Zcb, Zimop, Zcmop, Zawrs are illegal when off; the HINTs are not") {
    constexpr uint64_t kIllegal = 2;
    // Encodings from the specifications' tables (objdump 2.40 knows only pause and wrs.*).
    constexpr uint32_t kCLbu = 0x8188;        // c.lbu a0,0(a1)
    constexpr uint32_t kCSextB = 0x9d65;      // c.sext.b a0: Zcb and Zbb
    constexpr uint32_t kCZextW = 0x9d71;      // c.zext.w a0: Zcb and Zba
    constexpr uint32_t kCMul = 0x9d4d;        // c.mul a0,a1: Zcb and M
    constexpr uint32_t kCMop = 0x6081;        // c.mop.1
    constexpr uint32_t kMopR = 0x81c5c573;    // mop.r.0 a0,a1
    constexpr uint32_t kMopRR = 0xcec5c573;   // mop.rr.7 a0,a1,a2
    constexpr uint32_t kWrsNto = 0x00d00073;  // wrs.nto (no reservation: completes)
    constexpr uint32_t kPause = 0x0100000f;   // pause = fence w,0
    constexpr uint32_t kNtl = 0x00500033;     // ntl.all = add x0,x0,x5
    constexpr uint32_t kCNtl = 0x900a;        // c.ntl.p1 = c.add x0,x2
    constexpr uint32_t kPrefetch = 0x0005e013;  // prefetch.i 0(a1) = ori x0,a1,0
    CHECK(run_one("rv64gc", kCLbu) == kIllegal);
    CHECK(run_one("rv64gc_zcb", kCLbu) == ~0ull);
    CHECK(run_one("rv64gc_zcb", kCSextB) == kIllegal);
    CHECK(run_one("rv64gc_zcb_zbb", kCSextB) == ~0ull);
    CHECK(run_one("rv64gc_zcb_zbb", kCZextW) == kIllegal);
    CHECK(run_one("rv64gc_zcb_zba", kCZextW) == ~0ull);
    CHECK(run_one("rv64gc_zcb", kCMul) == ~0ull);
    CHECK(run_one("rv64iac_zcb", kCMul) == kIllegal);
    CHECK(run_one("rv64gc", kCMop) == kIllegal);
    CHECK(run_one("rv64gc_zimop", kCMop) == kIllegal);  // Zcmop is its own extension
    CHECK(run_one("rv64gc_zcmop", kCMop) == ~0ull);
    CHECK(run_one("rv64gc", kMopR) == kIllegal);
    CHECK(run_one("rv64gc", kMopRR) == kIllegal);
    CHECK(run_one("rv64gc_zimop", kMopR) == ~0ull);
    CHECK(run_one("rv64gc_zimop", kMopRR) == ~0ull);
    CHECK(run_one("rv64gc", kWrsNto) == kIllegal);
    CHECK(run_one("rv64gc_zawrs", kWrsNto) == ~0ull);
    for (uint32_t hint : {kPause, kNtl, kCNtl, kPrefetch}) {
        CAPTURE(hint);
        CHECK(run_one("rv64gc", hint) == ~0ull);
        CHECK(run_one("rv64gc_zihintpause_zihintntl_zicbop", hint) == ~0ull);
    }
    // Decoded for the hart, a HINT without its extension is its base instruction.
    CHECK(isa::decode(kPause, config("rv64gc").ext).op == isa::Op::FENCE);
    CHECK(isa::decode(kPause, config("rv64gc_zihintpause").ext).op == isa::Op::PAUSE);
    CHECK(isa::decode(kCNtl, config("rv64gc").ext).op == isa::Op::ADD);
    CHECK(isa::decode(kCNtl, config("rv64gc_zihintntl").ext).op == isa::Op::NTL_P1);
    CHECK(isa::decode(kPrefetch, config("rv64gc").ext).op == isa::Op::ORI);
}

TEST_CASE("isa: riscv,isa and the profiles name the new extensions") {
    const std::string all = dt_isa("rv64gc_zihintntl_zihintpause_zimop_zawrs_zcb_zcmop");
    for (const char* e : {"_zihintntl", "_zihintpause", "_zimop", "_zawrs", "_zcb", "_zcmop"})
        CHECK_MESSAGE(all.find(e) != std::string::npos, all, " lacks ", e);
    const std::string plain = dt_isa("rv64gc");
    for (const char* e : {"_zihint", "_zimop", "_zawrs", "_zcb", "_zcmop"})
        CHECK(plain.find(e) == std::string::npos);
    const auto rva23 = config("rva23s64");
    for (isa::Ext e : {isa::Ext::Zcb, isa::Ext::Zimop, isa::Ext::Zcmop, isa::Ext::Zihintpause,
                       isa::Ext::Zihintntl, isa::Ext::Zawrs})
        CHECK(rva23.has(e));
    CHECK(config("rva22s64").has(isa::Ext::Zihintpause));
    CHECK_FALSE(config("rva22s64").has(isa::Ext::Zcb));
}

TEST_CASE("isa: Zfa's D forms need D, its H forms Zfh") {
    constexpr uint64_t kIllegal = 2;
    // M-mode with mstatus.FS off: every F instruction is illegal, so these
    // rows' presence is checked through the hart's decoding.
    constexpr uint32_t kFliS = 0xf0180553, kFliD = 0xf2108553, kFliH = 0xf41f8553;
    const auto f = config("rv64imafc_zfa"), fd = config("rv64gc_zfa"), fh = config("rv64gc_zfa_zfh");
    CHECK(isa::decode(kFliS, config("rv64gc").ext).op == isa::Op::ILLEGAL);
    CHECK(isa::decode(kFliS, f.ext).op == isa::Op::FLI_S);
    CHECK(isa::decode(kFliD, f.ext).op == isa::Op::ILLEGAL);
    CHECK(isa::decode(kFliD, fd.ext).op == isa::Op::FLI_D);
    CHECK(isa::decode(kFliH, fd.ext).op == isa::Op::ILLEGAL);
    CHECK(isa::decode(kFliH, fh.ext).op == isa::Op::FLI_H);
    CHECK(run_one("rv64gc", kFliS) == kIllegal);
    CHECK(config("rva23s64").has(isa::Ext::Zfa));
    CHECK(dt_isa("rv64gc_zfa").find("_zfa") != std::string::npos);
    CHECK(dt_isa("rv64gc").find("_zfa") == std::string::npos);
}

TEST_CASE("isa: a hart stalled in wrs.nto or wrs.sto is named WRS to viewers, one in wfi WFI") {
    constexpr uint32_t kLrD = 0x1005b52f;  // lr.d a0, (a1): a valid reservation, so wrs.* stalls
    const struct { uint32_t insn; const char* stall; } cases[] = {
        {0x00d00073, "WRS"},  // wrs.nto
        {0x01d00073, "WRS"},  // wrs.sto
        {0x10500073, "WFI"},  // wfi
    };
    for (auto& c : cases) {
        emu::MachineConfig cfg;
        cfg.ram_size = 1 << 20;
        cfg.isa = config("rv64gc_zawrs");
        emu::Machine m(cfg);
        emu::Image img;
        img.entry = kBase;
        emu::Segment seg;
        seg.paddr = kBase;
        const uint32_t prog[] = {kLrD, c.insn};
        seg.data.resize(sizeof prog);
        std::memcpy(seg.data.data(), prog, sizeof prog);
        seg.memsz = sizeof prog;
        img.segments.push_back(seg);
        m.load(img);
        emu::Hart& h = m.hart(0);
        h.pc = kBase;
        h.x[11] = kBase + 0x1000;
        CHECK(h.stall_name() == nullptr);
        m.run(2);
        REQUIRE(h.wfi);
        CHECK(std::string(h.stall_name()) == c.stall);
        // The line every front end shows names the same stall.
        CHECK(m.stall_text() == std::string("the hart waits in ") + c.stall);
        CHECK(m.idle_text() == std::string("the hart waits in ") + c.stall + " and nothing can wake it (pc " + isa::hex(h.pc) + ")");
    }
}
