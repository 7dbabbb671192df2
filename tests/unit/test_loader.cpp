// ELF / raw image loader: images are built byte by byte in the test.
#include <doctest/doctest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

#include "emu/loader.hpp"

using emu::Image;
using emu::LoadError;

namespace {

struct Bytes {
    std::vector<uint8_t> b;
    void put(size_t off, uint64_t v, unsigned n) {
        if (b.size() < off + n) b.resize(off + n);
        for (unsigned i = 0; i < n; ++i) b[off + i] = i < 8 ? uint8_t(v >> (8 * i)) : 0;
    }
    void put_str(size_t off, const std::string& s) {
        if (b.size() < off + s.size() + 1) b.resize(off + s.size() + 1);
        for (size_t i = 0; i < s.size(); ++i) b[off + i] = uint8_t(s[i]);
        b[off + s.size()] = 0;
    }
};

struct Seg { uint64_t vaddr, paddr; std::vector<uint8_t> data; uint64_t memsz; uint32_t type = 1; };
struct Sym { std::string name; uint64_t value; uint8_t info; uint16_t shndx = 1; };

// Builds an ELF64 LE RISC-V executable:
//   [ehdr 64][phdrs 56*n][segment data...][strtab][symtab][shdrs: null, .text-ish, .strtab, .symtab]
std::vector<uint8_t> make_elf(uint64_t entry, const std::vector<Seg>& segs, const std::vector<Sym>& syms = {},
                              uint16_t machine = 243, uint16_t type = 2) {
    Bytes e;
    e.put(0, 0x464c457f, 4);
    e.put(4, 2, 1);  // ELFCLASS64
    e.put(5, 1, 1);  // ELFDATA2LSB
    e.put(6, 1, 1);  // EV_CURRENT
    e.put(16, type, 2);
    e.put(18, machine, 2);
    e.put(20, 1, 4);
    e.put(24, entry, 8);
    e.put(32, 64, 8);  // e_phoff
    e.put(52, 64, 2);
    e.put(54, 56, 2);
    e.put(56, segs.size(), 2);
    size_t off = 64 + 56 * segs.size();
    for (size_t i = 0; i < segs.size(); ++i) {
        size_t ph = 64 + 56 * i;
        e.put(ph, segs[i].type, 4);
        e.put(ph + 4, 7, 4);
        e.put(ph + 8, off, 8);
        e.put(ph + 16, segs[i].vaddr, 8);
        e.put(ph + 24, segs[i].paddr, 8);
        e.put(ph + 32, segs[i].data.size(), 8);
        e.put(ph + 40, segs[i].memsz, 8);
        e.put(ph + 48, 0x1000, 8);
        for (size_t k = 0; k < segs[i].data.size(); ++k) e.put(off + k, segs[i].data[k], 1);
        off += segs[i].data.size();
    }
    if (syms.empty()) return e.b;

    size_t strtab = off;
    std::vector<size_t> name_off;
    size_t p = strtab + 1;
    e.put(strtab, 0, 1);
    for (auto& s : syms) {
        name_off.push_back(p - strtab);
        e.put_str(p, s.name);
        p += s.name.size() + 1;
    }
    size_t strsize = p - strtab;
    size_t symtab = (p + 7) & ~size_t{7};
    e.put(symtab, 0, 24);  // null symbol
    for (size_t i = 0; i < syms.size(); ++i) {
        size_t s = symtab + 24 * (i + 1);
        e.put(s, name_off[i], 4);
        e.put(s + 4, syms[i].info, 1);
        e.put(s + 6, syms[i].shndx, 2);
        e.put(s + 8, syms[i].value, 8);
    }
    size_t symsize = 24 * (syms.size() + 1);
    size_t shoff = symtab + symsize;
    auto sh = [&](size_t idx, uint32_t type_, uint64_t o, uint64_t size, uint32_t link, uint64_t entsize) {
        size_t h = shoff + 64 * idx;
        e.put(h + 4, type_, 4);
        e.put(h + 24, o, 8);
        e.put(h + 32, size, 8);
        e.put(h + 40, link, 4);
        e.put(h + 56, entsize, 8);
    };
    sh(0, 0, 0, 0, 0, 0);
    sh(1, 1, 64, 0, 0, 0);  // PROGBITS stand-in for symbols' st_shndx
    sh(2, 3, strtab, strsize, 0, 0);
    sh(3, 2, symtab, symsize, 2, 24);
    e.put(40, shoff, 8);
    e.put(58, 64, 2);
    e.put(60, 4, 2);
    e.put(62, 2, 2);
    return e.b;
}

std::string error_of(const std::vector<uint8_t>& bytes) {
    try {
        emu::parse_elf(bytes, "img.elf");
    } catch (const LoadError& e) {
        return e.what();
    }
    return "(no error)";
}

void set(std::vector<uint8_t>& b, size_t off, uint64_t v, unsigned n) {
    for (unsigned i = 0; i < n; ++i) b.at(off + i) = uint8_t(v >> (8 * i));
}

constexpr uint8_t GLOBAL_OBJECT = 0x11, GLOBAL_FUNC = 0x12, LOCAL_NOTYPE = 0x00, LOCAL_SECTION = 0x03,
                  GLOBAL_FILE = 0x14;

std::vector<uint8_t> sample() {
    return make_elf(0x80000000,
                    {{0x80000000, 0x80000000, {0x13, 0, 0, 0, 0x73, 0, 0x10, 0x10}, 8},
                     {0x80001000, 0x80001000, {1, 2, 3}, 0x100}},
                    {{"_start", 0x80000000, GLOBAL_FUNC},
                     {"tohost", 0x80001000, GLOBAL_OBJECT},
                     {"fromhost", 0x80001040, GLOBAL_OBJECT},
                     {"local_label", 0x80000004, LOCAL_NOTYPE},
                     {".text", 0x80000000, LOCAL_SECTION},
                     {"file.c", 0, GLOBAL_FILE},
                     {"undefined_weak", 0, 0x20, 0},
                     {"$x", 0x80000000, LOCAL_NOTYPE},
                     {"$xrv64i2p1_m2p0", 0x80000000, LOCAL_NOTYPE},
                     {"$d", 0x80000004, LOCAL_NOTYPE}});
}

}  // namespace

TEST_CASE("loader: an odd entry address is refused, not rounded down") {
    auto odd = make_elf(0x80000001, {{0x80000000, 0x80000000, {0x13, 0, 0, 0}, 4}}, {});
    CHECK(error_of(odd) == "img.elf: entry address 0x80000001 is odd (instructions start on 2-byte boundaries)");
    auto even = make_elf(0x80000002, {{0x80000000, 0x80000000, {0x13, 0, 0, 0}, 4}}, {});
    CHECK(error_of(even) == "(no error)");
}

TEST_CASE("loader: parses entry, segments and symbols") {
    Image img = emu::parse_elf(sample(), "img.elf");
    CHECK(img.is_elf);
    CHECK(img.entry == 0x80000000);
    REQUIRE(img.segments.size() == 2);
    CHECK(img.segments[0].paddr == 0x80000000);
    CHECK(img.segments[0].memsz == 8);
    CHECK(img.segments[0].data == std::vector<uint8_t>{0x13, 0, 0, 0, 0x73, 0, 0x10, 0x10});
    CHECK(img.segments[1].paddr == 0x80001000);
    CHECK(img.segments[1].memsz == 0x100);
    CHECK(img.segments[1].data == std::vector<uint8_t>{1, 2, 3});
    CHECK(img.symbol("tohost") == 0x80001000);
    CHECK(img.symbol("fromhost") == 0x80001040);
    CHECK(img.symbol("_start") == 0x80000000);
    CHECK(img.symbol("local_label") == 0x80000004);
    CHECK_FALSE(img.symbol(".text"));           // section symbol
    CHECK_FALSE(img.symbol("file.c"));          // file symbol
    CHECK_FALSE(img.symbol("undefined_weak"));  // SHN_UNDEF
    CHECK_FALSE(img.symbol(""));
    CHECK_FALSE(img.symbol("$x"));  // RISC-V mapping symbols
    CHECK_FALSE(img.symbol("$d"));
    CHECK_FALSE(img.symbol("$xrv64i2p1_m2p0"));
    CHECK(img.symbols.size() == 4);
}

TEST_CASE("loader: uses p_paddr, translates a virtual entry, sorts segments, accepts ET_DYN") {
    auto b = make_elf(0xffffffff80000010,
                      {{0xffffffff80200000, 0x80200000, {9}, 1}, {0xffffffff80000000, 0x80000000, {7, 7}, 0x20}});
    Image img = emu::parse_elf(b, "vmlinux");
    CHECK(img.entry == 0x80000010);
    REQUIRE(img.segments.size() == 2);
    CHECK(img.segments[0].paddr == 0x80000000);
    CHECK(img.segments[1].paddr == 0x80200000);
    CHECK(img.symbols.empty());

    auto pie = make_elf(0x80000000, {{0x80000000, 0x80000000, {1}, 1}}, {}, 243, 3);
    CHECK(emu::parse_elf(pie, "fw_jump.elf").entry == 0x80000000);

    // Non-LOAD and empty segments are skipped.
    auto skip = make_elf(0x80000000, {{0, 0, {1, 2}, 2, 4 /* PT_NOTE */}, {0x90000000, 0x90000000, {}, 0},
                                      {0x80000000, 0x80000000, {1}, 1}});
    CHECK(emu::parse_elf(skip, "x").segments.size() == 1);
}

TEST_CASE("loader: bad inputs give one-line errors naming file and problem") {
    auto good = sample();
    auto has = [](const std::string& msg, const std::string& frag) {
        INFO(msg);
        CHECK(msg.rfind("img.elf: ", 0) == 0);
        CHECK(msg.find(frag) != std::string::npos);
        CHECK(msg.find('\n') == std::string::npos);
    };

    has(error_of({'h', 'e', 'l', 'l', 'o'}), "not an ELF file");
    has(error_of({}), "not an ELF file");
    has(error_of({0x7f, 'E', 'L', 'F'}), "truncated ELF header");

    auto b = good;
    b[4] = 1;
    has(error_of(b), "32-bit ELF");
    b = good;
    b[4] = 9;
    has(error_of(b), "invalid ELF class");
    b = good;
    b[5] = 2;
    has(error_of(b), "big-endian");
    b = good;
    set(b, 18, 62, 2);
    has(error_of(b), "x86-64 ELF, not RISC-V");
    set(b, 18, 183, 2);
    has(error_of(b), "AArch64 ELF, not RISC-V");
    set(b, 18, 999, 2);
    has(error_of(b), "machine 999, not RISC-V");
    b = good;
    set(b, 16, 1, 2);
    has(error_of(b), "relocatable object file, not an executable");
    set(b, 16, 4, 2);
    has(error_of(b), "core dump, not an executable");

    // Truncation at several points.
    for (size_t n : {size_t{5}, size_t{20}, size_t{63}})
        has(error_of(std::vector<uint8_t>(good.begin(), good.begin() + n)), "truncated ELF header");
    for (size_t n : {size_t{64}, size_t{100}, size_t{64 + 56 * 2 - 1}})
        has(error_of(std::vector<uint8_t>(good.begin(), good.begin() + n)), "truncated: program headers");
    has(error_of(std::vector<uint8_t>(good.begin(), good.begin() + 64 + 56 * 2 + 4)), "truncated: segment 0 data");
    has(error_of(std::vector<uint8_t>(good.begin(), good.end() - 1)), "truncated: section headers");

    // Hostile offsets and sizes (must not read out of bounds or overflow).
    b = good;
    set(b, 32, ~uint64_t{0} - 10, 8);  // e_phoff
    has(error_of(b), "truncated: program headers");
    b = good;
    set(b, 56, 0xfffe, 2);  // e_phnum
    has(error_of(b), "truncated: program headers");
    b = good;
    set(b, 64 + 8, ~uint64_t{0} - 2, 8);  // p_offset of segment 0
    has(error_of(b), "truncated: segment 0 data");
    b = good;
    set(b, 64 + 32, 0x10000, 8);  // p_filesz > p_memsz
    has(error_of(b), "segment 0: file size 0x10000 > memory size 0x8");
    b = good;
    set(b, 64 + 24, ~uint64_t{0} - 3, 8);  // p_paddr near the top, memsz 8
    has(error_of(b), "wraps around");
    b = good;
    set(b, 54, 32, 2);
    has(error_of(b), "bad program header size 32");
    b = good;
    set(b, 56, 0, 2);
    has(error_of(b), "no program headers");
    b = good;
    set(b, 40, ~uint64_t{0}, 8);  // e_shoff
    has(error_of(b), "truncated: section headers");
    b = good;
    set(b, 60, 0xffff, 2);  // e_shnum
    has(error_of(b), "truncated: section headers");

    // Overlapping segments.
    auto ov = make_elf(0x80000000, {{0x80000000, 0x80000000, {1}, 0x100}, {0x80000080, 0x80000080, {2}, 0x10}});
    std::string m = error_of(ov);
    has(m, "segments 0 and 1 overlap");
    has(m, "0x80000000-0x800000ff");

    // No PT_LOAD.
    has(error_of(make_elf(0, {{0, 0, {1}, 1, 4}})), "no loadable");
}

TEST_CASE("loader: a corrupted symbol table is rejected or ignored, never read out of bounds") {
    auto good = sample();
    uint64_t shoff = 0;
    for (int i = 7; i >= 0; --i) shoff = (shoff << 8) | good[40 + i];
    const size_t symtab_sh = shoff + 64 * 3, strtab_sh = shoff + 64 * 2;

    auto b = good;
    set(b, symtab_sh + 32, ~uint64_t{0} - 100, 8);  // symtab size
    CHECK(error_of(b).find("truncated: symbol table") != std::string::npos);
    b = good;
    set(b, strtab_sh + 24, ~uint64_t{0} - 1, 8);  // strtab offset
    CHECK(error_of(b).find("truncated: string table") != std::string::npos);
    b = good;
    set(b, symtab_sh + 40, 77, 4);  // sh_link out of range
    CHECK(error_of(b).find("missing string table") != std::string::npos);
    b = good;
    set(b, symtab_sh + 40, 1, 4);  // sh_link to a non-strtab
    CHECK(error_of(b).find("not a string table") != std::string::npos);
    b = good;
    set(b, symtab_sh + 56, 16, 8);
    CHECK(error_of(b).find("bad symbol entry size") != std::string::npos);

    // A name offset past the string table and an unterminated name are skipped.
    b = good;
    set(b, strtab_sh + 32, 3, 8);  // strtab now "\0_s": names beyond are out of range / unterminated
    Image img = emu::parse_elf(b, "img.elf");
    CHECK(img.symbols.empty());
}

TEST_CASE("loader: files, raw binaries and check_fits") {
    namespace fs = std::filesystem;
    fs::path dir = fs::temp_directory_path() / ("stepvisor-loader-test-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    auto write = [&](const std::string& name, const std::vector<uint8_t>& data) {
        fs::path p = dir / name;
        std::ofstream(p, std::ios::binary).write(reinterpret_cast<const char*>(data.data()), std::streamsize(data.size()));
        return p.string();
    };

    std::string elf = write("a.elf", sample());
    Image img = emu::load_image_file(elf, std::nullopt);
    CHECK(img.is_elf);
    CHECK(img.symbol("tohost") == 0x80001000);

    std::string raw = write("fw.bin", {0x6f, 0, 0, 0});
    Image r = emu::load_image_file(raw, std::nullopt);
    CHECK_FALSE(r.is_elf);
    CHECK(r.entry == 0x80000000);
    REQUIRE(r.segments.size() == 1);
    CHECK(r.segments[0].paddr == 0x80000000);
    CHECK(r.segments[0].memsz == 4);
    Image r2 = emu::load_image_file(raw, 0x80200000);
    CHECK(r2.entry == 0x80200000);
    CHECK(r2.segments[0].paddr == 0x80200000);

    auto msg = [](auto f) {
        try {
            f();
        } catch (const LoadError& e) {
            return std::string(e.what());
        }
        return std::string("(no error)");
    };
    std::string missing = (dir / "nope.elf").string();
    std::string m = msg([&] { emu::load_image_file(missing, std::nullopt); });
    CHECK(m.rfind(missing + ": cannot open", 0) == 0);
    CHECK(msg([&] { emu::load_image_file(dir.string(), std::nullopt); }).find("is a directory") != std::string::npos);
    CHECK(msg([&] { emu::load_image_file(write("empty", {}), std::nullopt); }).find("empty file") != std::string::npos);
    auto truncated = sample();
    truncated.resize(40);
    CHECK(msg([&] { emu::load_image_file(write("t.elf", truncated), std::nullopt); }).find("t.elf: truncated ELF header") !=
          std::string::npos);

    // Only regular files, and nothing larger than the RAM it must fit in, checked before reading.
    fs::path fifo = dir / "fifo";
    REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    CHECK(msg([&] { emu::load_image_file(fifo.string(), std::nullopt); }) == fifo.string() + ": is a FIFO (named pipe), not an image file");
    CHECK(msg([&] { emu::load_image_file("/dev/zero", std::nullopt); }) == "/dev/zero: is a character device, not an image file");
    CHECK(msg([&] { emu::read_input_file(fifo.string(), 100, "initrd", "RAM"); }) == fifo.string() + ": is a FIFO (named pipe), not an initrd");
    std::string big = write("big.bin", std::vector<uint8_t>(4097, 0x13));
    CHECK(msg([&] { emu::load_image_file(big, 0x80000000, 4096); }) == big + ": raw image of 4097 bytes, larger than RAM (4096 bytes)");
    CHECK(msg([&] { emu::read_input_file(big, 4096, "initrd", "RAM"); }) == big + ": initrd of 4097 bytes, larger than RAM (4096 bytes)");
    CHECK(emu::read_input_file(big, 4097, "initrd", "RAM").size() == 4097);
    // sample()'s segments hold 8 + 3 bytes of file data.
    CHECK(msg([&] { emu::parse_elf(sample(), "a.elf", 10); }) == "a.elf: loadable segments hold at least 11 bytes, larger than RAM (10 bytes)");
    CHECK(emu::parse_elf(sample(), "a.elf", 11).segments.size() == 2);
    std::string script = write("cmds", {'s', 't', 'e', 'p', '\r', '\n', '\n', 'q'});
    CHECK(emu::read_input_lines(script, "command file") == std::vector<std::string>{"step", "", "q"});

    // check_fits
    emu::check_fits(img, 0x80000000, 0x8000000, "a.elf");
    m = msg([&] { emu::check_fits(img, 0x80000000, 0x1000, "a.elf"); });
    CHECK(m == "a.elf: segment at 0x80001000 (256 bytes) lies outside RAM 0x80000000-0x80000fff");
    m = msg([&] { emu::check_fits(img, 0x80000004, 0x8000000, "a.elf"); });
    CHECK(m.find("segment at 0x80000000 (8 bytes) lies outside RAM 0x80000004-") != std::string::npos);
    Image top;
    top.segments.push_back({~uint64_t{0} - 3, {}, 4});
    CHECK(msg([&] { emu::check_fits(top, 0x80000000, ~uint64_t{0} - 0x80000000 + 1, "x"); }) == "(no error)");
    CHECK(msg([&] { emu::check_fits(top, 0x80000000, 0x1000, "x"); }).find("lies outside RAM") != std::string::npos);

    fs::remove_all(dir);
}

// The RISC-V Linux Image header as Documentation/riscv/boot-image-header.rst
// lays it out: code0, code1, text_offset, image_size, flags, version, res1,
// res2, magic "RISCV\0\0\0" (deprecated), magic2 "RSC\x05", res3.
TEST_CASE("loader: a Linux Image is recognized by its header") {
    namespace fs = std::filesystem;
    Bytes h;
    h.put(0, 0x0000006f, 4);          // code0: j . (any instruction)
    h.put(8, 0x400000, 8);            // text_offset
    h.put(16, 0x123000, 8);           // image_size, more than the file (.bss)
    h.put(24, 0, 8);
    h.put(32, 0x2, 4);                // version 0.2
    h.put_str(0x30, "RISCV");
    h.put(0x38, 0x05435352, 4);       // "RSC\x05"
    h.put(0x3c, 0, 4);
    h.b.resize(0x1000);
    auto hdr = emu::linux_image_header(h.b);
    REQUIRE(hdr);
    CHECK(hdr->text_offset == 0x400000);
    CHECK(hdr->image_size == 0x123000);

    fs::path p = fs::temp_directory_path() / ("stepvisor-linux-image-" + std::to_string(::getpid()));
    std::ofstream(p, std::ios::binary).write(reinterpret_cast<const char*>(h.b.data()), std::streamsize(h.b.size()));
    Image img = emu::load_image_file(p.string(), std::nullopt);
    CHECK(img.is_linux_image);
    CHECK(img.entry == 0x80400000);
    REQUIRE(img.segments.size() == 1);
    CHECK(img.segments[0].paddr == 0x80400000);
    CHECK(img.segments[0].memsz == 0x123000);
    Image at = emu::load_image_file(p.string(), 0x80200000);  // a load address given wins
    CHECK(at.segments[0].paddr == 0x80200000);

    h.b[0x38] = 'X';  // without magic2 it is a plain raw binary
    CHECK_FALSE(emu::linux_image_header(h.b));
    std::ofstream(p, std::ios::binary).write(reinterpret_cast<const char*>(h.b.data()), std::streamsize(h.b.size()));
    Image plain = emu::load_image_file(p.string(), std::nullopt);
    CHECK_FALSE(plain.is_linux_image);
    CHECK(plain.segments[0].paddr == 0x80000000);
    CHECK(plain.segments[0].memsz == 0x1000);
    fs::remove(p);
}
