// disasm-dump: disassembles a raw binary with isa::disassemble, one line per
// instruction: "<address hex>\t<encoding hex>\t<text>". Used by
// tests/integration/disasm_vs_objdump.py to compare with GNU objdump.
//
//   disasm-dump [--addr ADDR] [--no-aliases] [--syms FILE] FILE
//
// --addr        load address of the first byte (default 0)
// --no-aliases  like objdump -M no-aliases
// --syms        symbols for branch targets, one "ADDR NAME" per line (hex
//               address); at one address the first listed wins, so list them
//               in objdump's order of preference. A target prints as objdump
//               prints it: "<sym>", "<sym+0x10>" after the closest symbol at or
//               below it, "<sym-0x10>" when it lies below every symbol.
#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

#include "isa/disasm.hpp"
#include "isa/insn.hpp"

namespace {

struct Sym {
    uint64_t addr;
    std::string name;
};

[[noreturn]] void die(const std::string& msg) {
    std::fprintf(stderr, "disasm-dump: %s\n", msg.c_str());
    std::exit(2);
}

uint64_t parse_u64(const char* s, const char* what) {
    char* end = nullptr;
    errno = 0;
    unsigned long long v = std::strtoull(s, &end, 0);
    if (errno || end == s || *end) die(std::string("bad ") + what + ": " + s);
    return v;
}

std::vector<Sym> read_syms(const char* path) {
    std::ifstream in(path);
    if (!in) die(std::string("cannot open ") + path);
    std::vector<Sym> syms;
    std::string line;
    while (std::getline(in, line)) {
        std::istringstream ls(line);
        std::string addr, name;
        if (!(ls >> addr >> name)) continue;
        syms.push_back({std::strtoull(addr.c_str(), nullptr, 16), name});
    }
    std::stable_sort(syms.begin(), syms.end(), [](const Sym& a, const Sym& b) { return a.addr < b.addr; });
    return syms;
}

std::string hex_off(uint64_t v) {
    char b[24];
    std::snprintf(b, sizeof b, "0x%llx", static_cast<unsigned long long>(v));
    return b;
}

}  // namespace

int main(int argc, char** argv) {
    uint64_t base = 0;
    bool aliases = true;
    const char* syms_path = nullptr;
    const char* file = nullptr;
    for (int i = 1; i < argc; ++i) {
        if (!std::strcmp(argv[i], "--addr") && i + 1 < argc) base = parse_u64(argv[++i], "address");
        else if (!std::strcmp(argv[i], "--no-aliases")) aliases = false;
        else if (!std::strcmp(argv[i], "--syms") && i + 1 < argc) syms_path = argv[++i];
        else if (argv[i][0] == '-' && argv[i][1]) die(std::string("unknown option ") + argv[i]);
        else if (!file) file = argv[i];
        else die("more than one input file");
    }
    if (!file) {
        std::fprintf(stderr, "usage: disasm-dump [--addr ADDR] [--no-aliases] [--syms FILE] FILE\n");
        return 2;
    }
    std::ifstream in(file, std::ios::binary);
    if (!in) die(std::string("cannot open ") + file);
    const std::vector<unsigned char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());

    std::vector<Sym> syms;
    if (syms_path) syms = read_syms(syms_path);
    isa::SymbolLookup lookup;
    if (!syms.empty()) {
        lookup = [&syms](uint64_t a) -> std::string {
            // The last symbol at or below a (the first of its address group).
            auto it = std::upper_bound(syms.begin(), syms.end(), a,
                                       [](uint64_t v, const Sym& s) { return v < s.addr; });
            if (it == syms.begin()) return it->name + "-" + hex_off(it->addr - a);
            --it;
            while (it != syms.begin() && std::prev(it)->addr == it->addr) --it;
            return a == it->addr ? it->name : it->name + "+" + hex_off(a - it->addr);
        };
    }
    const isa::DisasmOptions opt{aliases};

    std::string out;
    size_t pos = 0;
    while (pos + 2 <= bytes.size()) {
        uint32_t raw = bytes[pos] | uint32_t(bytes[pos + 1]) << 8;
        if (!isa::is_compressed(raw)) {
            if (pos + 4 > bytes.size()) break;
            raw |= uint32_t(bytes[pos + 2]) << 16 | uint32_t(bytes[pos + 3]) << 24;
        }
        const isa::Decoded d = isa::decode(raw);
        const uint64_t pc = base + pos;
        char head[48];
        std::snprintf(head, sizeof head, "%llx\t%0*x\t", static_cast<unsigned long long>(pc),
                      d.len == 2 ? 4 : 8, d.raw);
        out += head;
        out += isa::disassemble(d, pc, lookup, opt);
        out += '\n';
        pos += d.len;
    }
    std::fwrite(out.data(), 1, out.size(), stdout);
    return 0;
}
