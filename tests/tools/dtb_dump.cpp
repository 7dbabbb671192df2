// dtb-dump: writes emu::build_device_tree(...) for a configuration to a file,
// for tests/integration/fdt_test.py (which decompiles it with dtc and compares
// it with QEMU's virt tree).
//
//   dtb-dump [--harts N] [--mem BYTES] [--isa BASE] [--ext a,b,...]
//            [--bootargs S] [--initrd START:END] [--aia none|aplic|aplic-imsic]
//            [--aia-guests N] -o FILE
//
// Numbers accept 0x prefixes and K/M/G suffixes (--mem 256M).
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <fstream>
#include <string>

#include "emu/fdt.hpp"

namespace {

[[noreturn]] void die(const std::string& msg) {
    std::fprintf(stderr, "dtb-dump: %s\n", msg.c_str());
    std::exit(2);
}

uint64_t number(const std::string& s) {
    size_t pos = 0;
    uint64_t v = 0;
    try {
        v = std::stoull(s, &pos, 0);
    } catch (const std::exception&) {
        die("not a number: '" + s + "'");
    }
    std::string suffix = s.substr(pos);
    if (suffix == "K" || suffix == "k") v <<= 10;
    else if (suffix == "M" || suffix == "m") v <<= 20;
    else if (suffix == "G" || suffix == "g") v <<= 30;
    else if (!suffix.empty()) die("not a number: '" + s + "'");
    return v;
}

}  // namespace

int main(int argc, char** argv) {
    emu::FdtConfig cfg;
    cfg.extensions = {"zicsr", "zifencei", "zicntr", "sstc"};
    std::string out;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        auto value = [&]() -> std::string {
            if (i + 1 >= argc) die(a + " needs a value");
            return argv[++i];
        };
        if (a == "--harts") cfg.harts = unsigned(number(value()));
        else if (a == "--mem") cfg.ram_size = number(value());
        else if (a == "--isa") cfg.isa = value();
        else if (a == "--ext") {
            cfg.extensions.clear();
            std::string list = value();
            size_t p = 0;
            while (p <= list.size() && !list.empty()) {
                size_t q = list.find(',', p);
                if (q == std::string::npos) q = list.size();
                cfg.extensions.push_back(list.substr(p, q - p));
                p = q + 1;
            }
        } else if (a == "--bootargs") cfg.bootargs = value();
        else if (a == "--initrd") {
            std::string v = value();
            size_t c = v.find(':');
            if (c == std::string::npos) die("--initrd wants START:END");
            cfg.initrd = {number(v.substr(0, c)), number(v.substr(c + 1))};
        } else if (a == "--aia") {
            const std::string v = value();
            if (v == "none") cfg.aia = 0;
            else if (v == "aplic") cfg.aia = 1;
            else if (v == "aplic-imsic") cfg.aia = 2;
            else die("--aia: none, aplic or aplic-imsic");
        } else if (a == "--aia-guests") cfg.aia_guests = unsigned(number(value()));
        else if (a == "-o") out = value();
        else die("unknown argument '" + a + "'");
    }
    if (out.empty()) die("no output file (-o FILE)");
    try {
        auto dtb = emu::build_device_tree(cfg);
        std::ofstream f(out, std::ios::binary);
        if (!f || !f.write(reinterpret_cast<const char*>(dtb.data()), std::streamsize(dtb.size())))
            die("cannot write '" + out + "'");
    } catch (const std::exception& e) {
        die(e.what());
    }
    return 0;
}
