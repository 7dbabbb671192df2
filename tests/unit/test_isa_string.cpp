// ISA strings and profiles (isa/extensions.hpp) against the spellings Spike
// and QEMU 7.2 use and the profile lists of the RVA22/RVA23 profile documents.
#include <doctest/doctest.h>

#include <algorithm>
#include <set>
#include <sstream>

#include "isa/extensions.hpp"

using namespace isa;

namespace {
ExtSet parse_ok(const char* s) {
    ExtSet e;
    std::string err = parse_isa_string(s, e);
    INFO(s);
    CHECK(err.empty());
    return e;
}
std::string parse_err(const char* s) {
    ExtSet e;
    return parse_isa_string(s, e);
}
std::set<std::string> names_of(const ExtSet& e) {
    std::set<std::string> out;
    for (const auto& x : extension_table())
        if (e.has(x.id)) out.emplace(x.name);
    return out;
}
std::set<std::string> split(const std::string& s) {
    std::set<std::string> out;
    std::istringstream in(s);
    for (std::string w; in >> w;) out.insert(w);
    return out;
}
}  // namespace

TEST_CASE("rv64gc is G and C only, with the base counters every hart has") {
    CHECK(isa_string(parse_ok("rv64gc")) == "rv64imafdc_zicntr_zicsr_zifencei");
    CHECK(isa_string(parse_ok("RV64IMAFDC_Zicsr_Zifencei")) == "rv64imafdc_zicntr_zicsr_zifencei");
    CHECK(isa_base(parse_ok("rv64gch")) == "rv64imafdch");
    CHECK(isa_base(parse_ok("rv64imac")) == "rv64imac");
    CHECK(isa_base(parse_ok("rv64imafdcsu")) == "rv64imafdc");
    CHECK(isa_string(parse_ok("rv64gch_sstc")) == "rv64imafdch_zicntr_zicsr_zifencei_sstc");
    // misa: I M A F D C H S U (bits 8 12 0 5 3 2 7 18 20).
    CHECK(misa_extensions(parse_ok("rv64gch")) == 0x1411adull);
}

TEST_CASE("the registry orders extensions as QEMU 7.2 writes riscv,isa") {
    // qemu-system-riscv64 7.2 -M virt -cpu rv64,h=true,zbkb=true,zbkc=true,zbkx=true,Zfh=true,
    // Zfhmin=true,svpbmt=true,svinval=true,svnapot=true,sscofpmf=true,zkr=true, dumpdtb:
    const std::string qemu = "zicsr zifencei zihintpause zfh zfhmin zba zbb zbc zbkb zbkc zbkx zbs zkr "
                             "sscofpmf sstc svinval svnapot svpbmt";
    std::vector<std::string> want, ours;
    for (std::istringstream in(qemu); in;) {
        std::string w;
        if (in >> w) want.push_back(w);
    }
    for (const auto& x : extension_table())
        if (std::find(want.begin(), want.end(), std::string(x.name)) != want.end()) ours.emplace_back(x.name);
    CHECK(ours == want);
}

TEST_CASE("bad ISA strings name their bad part") {
    CHECK(parse_err("rv64gc_zfoo").find("'zfoo'") != std::string::npos);
    CHECK(parse_err("rv32gc").find("rv64") != std::string::npos);
    CHECK(parse_err("x86").find("'x86'") != std::string::npos);
    CHECK(parse_err("rv64").find("no base") != std::string::npos);
    CHECK(parse_err("rv64imd").find("d needs f") != std::string::npos);
    CHECK(parse_err("rv64gcq").find("'q'") != std::string::npos);
    std::string v = parse_err("rv64gcv");
    CHECK(v.find("'v'") != std::string::npos);
    CHECK(v.find("not implemented") != std::string::npos);
    CHECK(parse_err("rva23s64_v").find("'v'") != std::string::npos);
    CHECK(parse_err("rv64gc_zicsr_").empty());
    ExtSet keep = parse_ok("rv64gch");
    ExtSet e = keep;
    CHECK(!parse_isa_string("rv64gc_zfoo", e).empty());
    CHECK(e == keep);  // a failed parse leaves the set as it was
}

TEST_CASE("profiles: the mandatory extensions of RVA22S64 and RVA23S64 that are implemented") {
    // RVA22S64: RVA22U64's mandatory extensions and the S64 additions (the
    // profile document's lists; names for existing behaviour such as Ziccif,
    // Za64rs, Zic64b, Svbare, Sv39, Svade, Ssccptr, Sstvecd, Sstvala and
    // Sscounterenw are not ISA-string extensions here).
    const auto rva22 = split("i m a f d c zicsr zicntr zihpm zihintpause zba zbb zbs zicbom zicbop zicboz "
                             "zfhmin zkt zifencei svpbmt svinval");
    // RVA23S64 without V (and the vector extensions Zvfhmin, Zvbb, Zvkt) and
    // without pointer masking (Supm, Ssnpm).
    auto rva23 = rva22;
    for (const auto& n : split("zihintntl zicond zimop zcmop zcb zfa zawrs svnapot sstc sscofpmf h ssstateen"))
        rva23.insert(n);
    for (auto [name, want] : {std::pair{"rva22s64", rva22}, std::pair{"rva23s64", rva23}}) {
        INFO(name);
        ExtSet e;
        std::string note;
        REQUIRE(parse_isa_string(name, e, &note).empty());
        std::set<std::string> implemented, missing;
        for (const auto& n : want) {
            const ExtInfo* x = find_extension(n);
            REQUIRE(x);
            (x->implemented ? implemented : missing).insert(n);
        }
        CHECK(names_of(e) == implemented);
        std::string expect_note;
        if (!missing.empty()) {
            expect_note = std::string(name) + " without";
            for (const auto& x : extension_table())
                if (missing.count(std::string(x.name))) expect_note += " " + std::string(x.name);
            expect_note += " (not implemented yet)";
        }
        CHECK(note == expect_note);
    }
    CHECK(names_of(parse_ok("rva22s64_h_sstc")).count("sstc"));
}

TEST_CASE("the default is every implemented extension, H and Sstc among them, but the AIA's") {
    ExtSet d = default_extensions();
    CHECK(d.has(Ext::H));
    CHECK(d.has(Ext::Sstc));
    for (const auto& x : extension_table()) {
        INFO(x.name);
        // Smaia and Ssaia come with --aia aplic-imsic (the machine's IMSICs), as on QEMU virt.
        const bool aia = x.id == Ext::Smaia || x.id == Ext::Ssaia;
        CHECK(d.has(x.id) == (x.implemented && !aia));
        for (auto list : {x.implies, x.needs})
            for (const auto& n : split(std::string(list))) CHECK(find_extension(n));
    }
    CHECK(!d.has(Ext::V));
}
