// Device tree generation: the blob read back with libfdt.
#include <doctest/doctest.h>

#include <libfdt.h>

#include <cstring>
#include <stdexcept>
#include <string>
#include <tuple>
#include <vector>

#include "emu/fdt.hpp"

using emu::FdtConfig;

namespace {

int node(const std::vector<uint8_t>& b, const char* path) { return fdt_path_offset(b.data(), path); }

// A property's raw value; fails the test when absent.
std::vector<uint8_t> prop(const std::vector<uint8_t>& b, const char* path, const char* name) {
    int off = node(b, path);
    REQUIRE_MESSAGE(off >= 0, path, ": ", fdt_strerror(off));
    int len = 0;
    auto* p = static_cast<const uint8_t*>(fdt_getprop(b.data(), off, name, &len));
    REQUIRE_MESSAGE(p != nullptr, path, " has no ", name);
    return {p, p + len};
}

bool has_prop(const std::vector<uint8_t>& b, const char* path, const char* name) {
    int off = node(b, path);
    REQUIRE(off >= 0);
    return fdt_getprop(b.data(), off, name, nullptr) != nullptr;
}

std::vector<uint32_t> cells(const std::vector<uint8_t>& b, const char* path, const char* name) {
    auto raw = prop(b, path, name);
    REQUIRE(raw.size() % 4 == 0);
    std::vector<uint32_t> v;
    for (size_t i = 0; i < raw.size(); i += 4) {
        fdt32_t c;
        std::memcpy(&c, raw.data() + i, 4);
        v.push_back(fdt32_to_cpu(c));
    }
    return v;
}

uint32_t cell(const std::vector<uint8_t>& b, const char* path, const char* name) {
    auto v = cells(b, path, name);
    REQUIRE(v.size() == 1);
    return v[0];
}

// A NUL-terminated single string value.
std::string str(const std::vector<uint8_t>& b, const char* path, const char* name) {
    auto raw = prop(b, path, name);
    REQUIRE(!raw.empty());
    REQUIRE(raw.back() == 0);
    REQUIRE(std::memchr(raw.data(), 0, raw.size()) == raw.data() + raw.size() - 1);
    return std::string(raw.begin(), raw.end() - 1);
}

// A string list, "a\0b\0" -> {a, b}.
std::vector<std::string> strs(const std::vector<uint8_t>& b, const char* path, const char* name) {
    auto raw = prop(b, path, name);
    REQUIRE(!raw.empty());
    REQUIRE(raw.back() == 0);
    std::vector<std::string> v;
    std::string cur;
    for (uint8_t c : raw) {
        if (c == 0) {
            v.push_back(cur);
            cur.clear();
        } else {
            cur += char(c);
        }
    }
    return v;
}

// The node offset a phandle names; fails when it resolves to nothing.
int resolve(const std::vector<uint8_t>& b, uint32_t ph) {
    int off = fdt_node_offset_by_phandle(b.data(), ph);
    REQUIRE_MESSAGE(off >= 0, "phandle ", ph, " does not resolve: ", fdt_strerror(off));
    return off;
}

std::string path_of(const std::vector<uint8_t>& b, int off) {
    char buf[256];
    REQUIRE(fdt_get_path(b.data(), off, buf, sizeof buf) == 0);
    return buf;
}

FdtConfig config(unsigned harts) {
    FdtConfig c;
    c.harts = harts;
    c.ram_size = 256ull << 20;
    c.extensions = {"zicsr", "zifencei", "zicntr", "sstc"};
    return c;
}

}  // namespace

TEST_CASE("fdt: header and the node set") {
    auto b = emu::build_device_tree(config(1));
    REQUIRE(fdt_check_header(b.data()) == 0);
    CHECK(fdt_totalsize(b.data()) == b.size());
    CHECK(fdt_check_full(b.data(), b.size()) == 0);
    for (const char* p : {"/", "/chosen", "/poweroff", "/reboot", "/memory@80000000", "/cpus", "/cpus/cpu@0",
                          "/cpus/cpu@0/interrupt-controller", "/cpus/cpu-map/cluster0/core0", "/soc",
                          "/soc/clint@2000000", "/soc/plic@c000000", "/soc/serial@10000000", "/soc/test@100000"})
        CHECK_MESSAGE(node(b, p) >= 0, p);
    // Devices the platform does not have are not described.
    for (const char* p : {"/cpus/cpu@1", "/soc/virtio_mmio@10001000", "/soc/pci@30000000", "/soc/rtc@101000",
                          "/fw-cfg@10100000", "/flash@20000000", "/pmu", "/platform-bus@4000000"})
        CHECK_MESSAGE(node(b, p) == -FDT_ERR_NOTFOUND, p);

    CHECK(cell(b, "/", "#address-cells") == 2);
    CHECK(cell(b, "/", "#size-cells") == 2);
    CHECK(str(b, "/", "compatible") == "riscv-virtio");
    CHECK(str(b, "/", "model") == "riscv-virtio,qemu");
    CHECK(str(b, "/chosen", "stdout-path") == "/soc/serial@10000000");
    CHECK(node(b, str(b, "/chosen", "stdout-path").c_str()) >= 0);
    CHECK(str(b, "/soc", "compatible") == "simple-bus");
    CHECK(has_prop(b, "/soc", "ranges"));
    CHECK(prop(b, "/soc", "ranges").empty());
}

TEST_CASE("fdt: memory reg cells equal the configuration") {
    auto c = config(1);
    c.ram_size = 0x1'2340'0000ull;  // above 4 GiB: both size cells matter
    auto b = emu::build_device_tree(c);
    CHECK(str(b, "/memory@80000000", "device_type") == "memory");
    CHECK(cells(b, "/memory@80000000", "reg") == std::vector<uint32_t>{0, 0x80000000u, 0x1, 0x23400000u});

    c.ram_base = 0x1'0000'0000ull;
    c.ram_size = 64ull << 20;
    b = emu::build_device_tree(c);
    CHECK(node(b, "/memory@80000000") == -FDT_ERR_NOTFOUND);
    CHECK(cells(b, "/memory@100000000", "reg") == std::vector<uint32_t>{1, 0, 0, 64u << 20});
}

TEST_CASE("fdt: cpus, riscv,isa and the per-hart interrupt controllers") {
    auto c = config(3);
    auto b = emu::build_device_tree(c);
    CHECK(cell(b, "/cpus", "timebase-frequency") == 10'000'000);
    CHECK(cell(b, "/cpus", "#address-cells") == 1);
    CHECK(cell(b, "/cpus", "#size-cells") == 0);
    CHECK(node(b, "/cpus/cpu@3") == -FDT_ERR_NOTFOUND);
    for (unsigned i = 0; i < 3; ++i) {
        std::string cpu = "/cpus/cpu@" + std::to_string(i);
        std::string intc = cpu + "/interrupt-controller";
        CHECK(str(b, cpu.c_str(), "device_type") == "cpu");
        CHECK(cell(b, cpu.c_str(), "reg") == i);
        CHECK(str(b, cpu.c_str(), "status") == "okay");
        CHECK(str(b, cpu.c_str(), "compatible") == "riscv");
        CHECK(str(b, cpu.c_str(), "riscv,isa") == "rv64imafdch_zicsr_zifencei_zicntr_sstc");
        CHECK(str(b, cpu.c_str(), "mmu-type") == "riscv,sv48");
        CHECK(str(b, intc.c_str(), "compatible") == "riscv,cpu-intc");
        CHECK(cell(b, intc.c_str(), "#interrupt-cells") == 1);
        CHECK(has_prop(b, intc.c_str(), "interrupt-controller"));
        CHECK(path_of(b, resolve(b, cell(b, intc.c_str(), "phandle"))) == intc);
        // cpu-map/cluster0/coreN points at cpu@N.
        std::string core = "/cpus/cpu-map/cluster0/core" + std::to_string(i);
        CHECK(path_of(b, resolve(b, cell(b, core.c_str(), "cpu"))) == cpu);
    }

    // 'h' only when asked, and the extension list as given.
    c.isa = "rv64imafdc";
    c.extensions = {"zicsr"};
    c.mmu_type = "riscv,sv39";
    b = emu::build_device_tree(c);
    std::string isa = str(b, "/cpus/cpu@0", "riscv,isa");
    CHECK(isa == "rv64imafdc_zicsr");
    CHECK(isa.substr(0, isa.find('_')).find('h') == std::string::npos);
    CHECK(str(b, "/cpus/cpu@2", "mmu-type") == "riscv,sv39");

    c.mmu_type.clear();
    c.extensions.clear();
    b = emu::build_device_tree(c);
    CHECK(str(b, "/cpus/cpu@1", "riscv,isa") == "rv64imafdc");
    CHECK_FALSE(has_prop(b, "/cpus/cpu@1", "mmu-type"));
}

TEST_CASE("fdt: CLINT and PLIC interrupts-extended list every hart") {
    for (unsigned harts : {1u, 2u, 4u, 8u}) {
        CAPTURE(harts);
        auto b = emu::build_device_tree(config(harts));
        auto clint = cells(b, "/soc/clint@2000000", "interrupts-extended");
        auto plic = cells(b, "/soc/plic@c000000", "interrupts-extended");
        REQUIRE(clint.size() == 4 * harts);
        REQUIRE(plic.size() == 4 * harts);
        for (unsigned i = 0; i < harts; ++i) {
            std::string intc = "/cpus/cpu@" + std::to_string(i) + "/interrupt-controller";
            uint32_t ph = cell(b, intc.c_str(), "phandle");
            CHECK(clint[4 * i] == ph);
            CHECK(clint[4 * i + 1] == 3);  // machine software
            CHECK(clint[4 * i + 2] == ph);
            CHECK(clint[4 * i + 3] == 7);  // machine timer
            CHECK(plic[4 * i] == ph);
            CHECK(plic[4 * i + 1] == 11);  // machine external
            CHECK(plic[4 * i + 2] == ph);
            CHECK(plic[4 * i + 3] == 9);   // supervisor external
        }
        // Phandles are unique.
        std::vector<uint32_t> seen;
        for (int off = fdt_next_node(b.data(), -1, nullptr); off >= 0; off = fdt_next_node(b.data(), off, nullptr)) {
            uint32_t ph = fdt_get_phandle(b.data(), off);
            if (ph == 0) continue;
            for (uint32_t s : seen) CHECK(s != ph);
            seen.push_back(ph);
        }
        CHECK(seen.size() == 2 * harts + 2);
    }
}

TEST_CASE("fdt: SoC devices and the syscon poweroff/reboot") {
    auto b = emu::build_device_tree(config(2));
    CHECK(strs(b, "/soc/clint@2000000", "compatible") == std::vector<std::string>{"sifive,clint0", "riscv,clint0"});
    CHECK(cells(b, "/soc/clint@2000000", "reg") == std::vector<uint32_t>{0, 0x2000000, 0, 0x10000});

    const char* plic = "/soc/plic@c000000";
    CHECK(strs(b, plic, "compatible") == std::vector<std::string>{"sifive,plic-1.0.0", "riscv,plic0"});
    CHECK(cells(b, plic, "reg") == std::vector<uint32_t>{0, 0xc000000, 0, 0x600000});
    CHECK(cell(b, plic, "#interrupt-cells") == 1);
    CHECK(cell(b, plic, "#address-cells") == 0);
    CHECK(cell(b, plic, "riscv,ndev") == 96);
    CHECK(has_prop(b, plic, "interrupt-controller"));
    CHECK(path_of(b, resolve(b, cell(b, plic, "phandle"))) == plic);

    const char* uart = "/soc/serial@10000000";
    CHECK(str(b, uart, "compatible") == "ns16550a");
    CHECK(cells(b, uart, "reg") == std::vector<uint32_t>{0, 0x10000000, 0, 0x100});
    CHECK(cell(b, uart, "clock-frequency") == 0x384000);
    CHECK(cell(b, uart, "interrupts") == 10);
    CHECK(path_of(b, resolve(b, cell(b, uart, "interrupt-parent"))) == plic);

    const char* test = "/soc/test@100000";
    CHECK(strs(b, test, "compatible") == std::vector<std::string>{"sifive,test1", "sifive,test0", "syscon"});
    CHECK(cells(b, test, "reg") == std::vector<uint32_t>{0, 0x100000, 0, 0x1000});
    for (auto [path, compat, value] : {std::tuple{"/poweroff", "syscon-poweroff", 0x5555u},
                                       std::tuple{"/reboot", "syscon-reboot", 0x7777u}}) {
        CAPTURE(path);
        CHECK(str(b, path, "compatible") == compat);
        CHECK(path_of(b, resolve(b, cell(b, path, "regmap"))) == test);
        CHECK(cell(b, path, "offset") == 0);
        CHECK(cell(b, path, "value") == value);
    }
}

TEST_CASE("fdt: chosen bootargs and initrd only when given") {
    auto c = config(1);
    auto b = emu::build_device_tree(c);
    CHECK_FALSE(has_prop(b, "/chosen", "bootargs"));
    CHECK_FALSE(has_prop(b, "/chosen", "linux,initrd-start"));
    CHECK_FALSE(has_prop(b, "/chosen", "linux,initrd-end"));
    CHECK_FALSE(has_prop(b, "/chosen", "rng-seed"));

    c.bootargs = "console=ttyS0 earlycon=sbi rdinit=/init";
    c.initrd = {{0x88000000ull, 0x88002710ull}};
    b = emu::build_device_tree(c);
    CHECK(str(b, "/chosen", "bootargs") == c.bootargs);
    // One cell each when they fit, as QEMU 7.2 writes them.
    CHECK(cells(b, "/chosen", "linux,initrd-start") == std::vector<uint32_t>{0x88000000u});
    CHECK(cells(b, "/chosen", "linux,initrd-end") == std::vector<uint32_t>{0x88002710u});

    c.initrd = {{0x1'0000'0000ull, 0x1'0010'0000ull}};
    b = emu::build_device_tree(c);
    CHECK(cells(b, "/chosen", "linux,initrd-start") == std::vector<uint32_t>{1, 0});
    CHECK(cells(b, "/chosen", "linux,initrd-end") == std::vector<uint32_t>{1, 0x100000});
}

TEST_CASE("fdt: large configurations grow the buffer; bad ones are refused") {
    auto c = config(64);
    c.bootargs = std::string(20000, 'x');
    auto b = emu::build_device_tree(c);
    CHECK(fdt_check_full(b.data(), b.size()) == 0);
    CHECK(node(b, "/cpus/cpu@3f/interrupt-controller") >= 0);  // unit addresses in hex, as QEMU
    CHECK(str(b, "/chosen", "bootargs").size() == 20000);

    c = config(0);
    CHECK_THROWS_AS(emu::build_device_tree(c), std::invalid_argument);
    c = config(1);
    c.ram_size = 0;
    CHECK_THROWS_AS(emu::build_device_tree(c), std::invalid_argument);
    c = config(1);
    c.extensions = {"Zicsr"};
    CHECK_THROWS_AS(emu::build_device_tree(c), std::invalid_argument);
    c = config(1);
    c.initrd = {{0x88001000ull, 0x88000000ull}};
    CHECK_THROWS_AS(emu::build_device_tree(c), std::invalid_argument);
}
