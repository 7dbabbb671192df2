// Device tree generation with libfdt's sequential-write API. Node and property
// order follow QEMU 7.2's virt dump so the decompiled trees can be diffed.
#include "fdt.hpp"

#include <cstdio>
#include <stdexcept>

#include <libfdt.h>

#include "isa/fields.hpp"
#include "isa/hex.hpp"

namespace emu {
namespace {

// libfdt ran out of room in the buffer: the caller retries with a larger one.
struct NoSpace {};

[[noreturn]] void fail(int err, const std::string& what) {
    throw std::runtime_error("device tree: " + what + ": libfdt error " + std::to_string(err) + " (" +
                             fdt_strerror(err) + ")");
}

// A thin wrapper over the sequential-write calls that turns errors into exceptions.
class Writer {
public:
    explicit Writer(std::vector<uint8_t>& buf) : buf_(buf) {
        check(fdt_create(fdt(), int(buf_.size())), "fdt_create");
        check(fdt_finish_reservemap(fdt()), "fdt_finish_reservemap");
    }

    void begin(const std::string& name) {
        check(fdt_begin_node(fdt(), name.c_str()), "node '" + name + "'");
        path_.push_back(name);
    }
    void end() {
        check(fdt_end_node(fdt()), "end of node '" + path_.back() + "'");
        path_.pop_back();
    }

    void raw(const char* name, const void* data, size_t len) {
        check(fdt_property(fdt(), name, data, int(len)), std::string("property '") + name + "'");
    }
    void empty(const char* name) { raw(name, nullptr, 0); }
    void str(const char* name, const std::string& s) { raw(name, s.c_str(), s.size() + 1); }
    // A string list ("a\0b\0"), as compatible = "a", "b".
    void strs(const char* name, std::initializer_list<const char*> list) {
        std::string v;
        for (const char* s : list) {
            v += s;
            v += '\0';
        }
        raw(name, v.data(), v.size());
    }
    void cells(const char* name, const std::vector<uint32_t>& cs) {
        std::vector<fdt32_t> be;
        be.reserve(cs.size());
        for (uint32_t c : cs) be.push_back(cpu_to_fdt32(c));
        raw(name, be.data(), be.size() * sizeof(fdt32_t));
    }
    void u32(const char* name, uint32_t v) { cells(name, {v}); }

    // totalsize after fdt_finish.
    size_t finish() {
        check(fdt_finish(fdt()), "fdt_finish");
        return fdt_totalsize(fdt());
    }

private:
    void* fdt() { return buf_.data(); }
    void check(int err, const std::string& what) {
        if (err == -FDT_ERR_NOSPACE) throw NoSpace{};
        if (err < 0) fail(err, what + " (in /" + join_path() + ")");
    }
    std::string join_path() const {
        std::string p;
        for (size_t i = 1; i < path_.size(); ++i) p += (i > 1 ? "/" : "") + path_[i];
        return p;
    }

    std::vector<uint8_t>& buf_;
    std::vector<std::string> path_;
};

// Two cells of a 64-bit value (#address-cells / #size-cells = 2).
void push64(std::vector<uint32_t>& v, uint64_t x) {
    v.push_back(uint32_t(x >> 32));
    v.push_back(uint32_t(x));
}

std::vector<uint32_t> reg(uint64_t base, uint64_t size) {
    std::vector<uint32_t> v;
    push64(v, base);
    push64(v, size);
    return v;
}

void validate(const FdtConfig& cfg) {
    if (cfg.harts == 0) throw std::invalid_argument("device tree: no harts");
    if (cfg.harts > 4096) throw std::invalid_argument("device tree: too many harts");
    if (cfg.ram_size == 0) throw std::invalid_argument("device tree: no RAM");
    if (cfg.ram_base + cfg.ram_size < cfg.ram_base) throw std::invalid_argument("device tree: RAM wraps around");
    if (cfg.isa.empty()) throw std::invalid_argument("device tree: empty riscv,isa");
    for (const auto& e : cfg.extensions) {
        bool ok = !e.empty() && e.front() >= 'a' && e.front() <= 'z';
        for (char c : e) ok = ok && ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'));
        if (!ok) throw std::invalid_argument("device tree: bad ISA extension name '" + e + "'");
    }
    if (cfg.initrd && cfg.initrd->second < cfg.initrd->first)
        throw std::invalid_argument("device tree: initrd ends before it starts");
    if (cfg.timebase_hz == 0 || cfg.timebase_hz > 0xffffffffu)
        throw std::invalid_argument("device tree: timebase-frequency must fit in one cell");
}

size_t write_tree(std::vector<uint8_t>& buf, const FdtConfig& cfg) {
    using namespace fdt_map;
    Writer w(buf);
    const unsigned n = cfg.harts;

    // Phandles as QEMU numbers them: harts from the last one down, each cpu
    // node then its interrupt controller; then the PLIC and the test device.
    std::vector<uint32_t> cpu_ph(n), intc_ph(n);
    uint32_t next = 1;
    for (unsigned i = n; i-- > 0;) {
        cpu_ph[i] = next++;
        intc_ph[i] = next++;
    }
    // With the AIA: the IMSICs (M, then S) and the APLIC domains (M, then S) in
    // the PLIC's place, as QEMU 7.2 numbers them; devices then interrupt the S domain.
    uint32_t imsic_m_ph = 0, imsic_s_ph = 0, aplic_m_ph = 0, aplic_s_ph = 0, plic_ph = 0;
    if (cfg.aia == 2) {
        imsic_m_ph = next++;
        imsic_s_ph = next++;
    }
    if (cfg.aia) {
        aplic_m_ph = next++;
        aplic_s_ph = next++;
    } else {
        plic_ph = next++;
    }
    const uint32_t test_ph = next++;
    const uint32_t irq_parent = cfg.aia ? aplic_s_ph : plic_ph;
    // A device's interrupt specifier: the PLIC's one cell, the APLIC's source and type (4: level high).
    auto irq = [&](uint32_t src) { return cfg.aia ? std::vector<uint32_t>{src, 4} : std::vector<uint32_t>{src}; };

    std::string isa = cfg.isa;
    for (const auto& e : cfg.extensions) isa += "_" + e;

    w.begin("");
    w.u32("#address-cells", 2);
    w.u32("#size-cells", 2);
    w.str("compatible", "riscv-virtio");
    w.str("model", cfg.model);

    w.begin("chosen");
    if (cfg.initrd) {
        // 32-bit cells when both fit, as QEMU 7.2 writes them; two cells otherwise.
        auto [start, end] = *cfg.initrd;
        if (end <= 0xffffffffu) {
            w.u32("linux,initrd-end", uint32_t(end));
            w.u32("linux,initrd-start", uint32_t(start));
        } else {
            std::vector<uint32_t> e, s;
            push64(e, end);
            push64(s, start);
            w.cells("linux,initrd-end", e);
            w.cells("linux,initrd-start", s);
        }
    }
    if (!cfg.bootargs.empty()) w.str("bootargs", cfg.bootargs);
    w.str("stdout-path", "/soc/serial@" + isa::hex_digits(kUart0));
    w.end();

    w.begin("poweroff");
    w.u32("value", 0x5555);
    w.u32("offset", 0);
    w.u32("regmap", test_ph);
    w.str("compatible", "syscon-poweroff");
    w.end();

    w.begin("reboot");
    w.u32("value", 0x7777);
    w.u32("offset", 0);
    w.u32("regmap", test_ph);
    w.str("compatible", "syscon-reboot");
    w.end();

    w.begin("memory@" + isa::hex_digits(cfg.ram_base));
    w.str("device_type", "memory");
    w.cells("reg", reg(cfg.ram_base, cfg.ram_size));
    w.end();

    w.begin("cpus");
    w.u32("#address-cells", 1);
    w.u32("#size-cells", 0);
    w.u32("timebase-frequency", uint32_t(cfg.timebase_hz));
    for (unsigned i = 0; i < n; ++i) {
        w.begin("cpu@" + isa::hex_digits(i));
        w.u32("phandle", cpu_ph[i]);
        w.str("device_type", "cpu");
        w.u32("reg", i);
        w.str("status", "okay");
        w.str("compatible", "riscv");
        w.str("riscv,isa", isa);
        if (cfg.cbom_block) w.u32("riscv,cbom-block-size", cfg.cbom_block);
        if (cfg.cboz_block) w.u32("riscv,cboz-block-size", cfg.cboz_block);
        if (!cfg.mmu_type.empty()) w.str("mmu-type", cfg.mmu_type);
        w.begin("interrupt-controller");
        w.u32("#address-cells", 0);
        w.u32("#interrupt-cells", 1);
        w.empty("interrupt-controller");
        w.str("compatible", "riscv,cpu-intc");
        w.u32("phandle", intc_ph[i]);
        w.end();
        w.end();
    }
    w.begin("cpu-map");
    w.begin("cluster0");
    for (unsigned i = 0; i < n; ++i) {
        w.begin("core" + std::to_string(i));
        w.u32("cpu", cpu_ph[i]);
        w.end();
    }
    w.end();
    w.end();
    w.end();  // cpus

    if (cfg.pmu_counters) {
        // <first last counters> per event; cycles and instructions also on
        // mcycle (bit 0) and minstret (bit 2). QEMU 7.2 writes its 20-cell
        // array whole, 5 unused cells at the end included.
        namespace ev = isa::hpmevent;
        const uint32_t any = ((1u << cfg.pmu_counters) - 1) << 3;
        std::vector<uint32_t> map;
        for (auto [e, also] : {std::pair{ev::CYCLES, 1u}, {ev::INSTRUCTIONS, 4u}, {ev::DTLB_READ_MISS, 0u},
                               {ev::DTLB_WRITE_MISS, 0u}, {ev::ITLB_READ_MISS, 0u}})
            map.insert(map.end(), {uint32_t(e), uint32_t(e), any | also});
        map.resize(20);
        w.begin("pmu");
        w.cells("riscv,event-to-mhpmcounters", map);
        w.str("compatible", "riscv,pmu");
        w.end();
    }

    w.begin("soc");
    w.u32("#address-cells", 2);
    w.u32("#size-cells", 2);
    w.str("compatible", "simple-bus");
    w.empty("ranges");

    w.begin("serial@" + isa::hex_digits(kUart0));
    w.cells("interrupts", irq(kUart0Irq));
    w.u32("interrupt-parent", irq_parent);
    w.u32("clock-frequency", kUart0Clock);
    w.cells("reg", reg(kUart0, kUart0Size));
    w.str("compatible", "ns16550a");
    w.end();

    if (cfg.demo_devices) {
        // Not on QEMU virt: the lecture's devices (machine.hpp, map::kUart1, kSriov).
        w.begin("serial@" + isa::hex_digits(0x10001000));
        w.cells("interrupts", irq(11));
        w.u32("interrupt-parent", irq_parent);
        w.u32("clock-frequency", kUart0Clock);
        w.cells("reg", reg(0x10001000, 0x100));
        w.str("compatible", "ns16550a");
        w.end();
        w.begin("sriov@" + isa::hex_digits(0x10010000));
        std::vector<uint32_t> vf_irqs;  // VF k's: dev::SriovConsole::kIrq0 + k
        for (unsigned k = 0; k < 4; ++k)
            for (uint32_t c : irq(13 + k)) vf_irqs.push_back(c);
        w.cells("interrupts", vf_irqs);
        w.u32("interrupt-parent", irq_parent);
        w.cells("reg", reg(0x10010000, 0x5000));
        w.str("compatible", "stepvisor,sriov-console");
        w.end();
    }

    if (cfg.mgmt_mailbox) {
        // Not on QEMU virt: machine.hpp's map::kMgmt, for the hypervisor only.
        w.begin("mgmt@" + isa::hex_digits(0x10020000));
        w.cells("interrupts", irq(12));
        w.u32("interrupt-parent", irq_parent);
        w.cells("reg", reg(0x10020000, 0x1000));
        w.str("compatible", "stepvisor,mgmt-mailbox");
        w.end();
    }

    w.begin("test@" + isa::hex_digits(kTest));
    w.u32("phandle", test_ph);
    w.cells("reg", reg(kTest, kTestSize));
    w.strs("compatible", {"sifive,test1", "sifive,test0", "syscon"});
    w.end();

    // Hart-local interrupt lines: 11 = M external, 9 = S external, 3 = M software, 7 = M timer.
    std::vector<uint32_t> plic_irqs, clint_irqs, m_irqs, s_irqs;
    for (unsigned i = 0; i < n; ++i) {
        plic_irqs.insert(plic_irqs.end(), {intc_ph[i], 11, intc_ph[i], 9});
        clint_irqs.insert(clint_irqs.end(), {intc_ph[i], 3, intc_ph[i], 7});
        m_irqs.insert(m_irqs.end(), {intc_ph[i], 11});
        s_irqs.insert(s_irqs.end(), {intc_ph[i], 9});
    }

    if (!cfg.aia) {
        w.begin("plic@" + isa::hex_digits(kPlic));
        w.u32("phandle", plic_ph);
        w.u32("riscv,ndev", cfg.plic_ndev);
        w.cells("reg", reg(kPlic, kPlicSize));
        w.cells("interrupts-extended", plic_irqs);
        w.empty("interrupt-controller");
        w.strs("compatible", {"sifive,plic-1.0.0", "riscv,plic0"});
        w.u32("#address-cells", 0);
        w.u32("#interrupt-cells", 1);
        w.end();
    } else {
        // QEMU 7.2's hw/riscv/virt.c create_fdt_socket_aplic/imsic, one socket:
        // the APLIC window is 0x4000 + 32 bytes a hart rounded up to 16 KiB.
        const uint64_t aplic_size = 0x4000 + ((uint64_t(n) * 32 + 0x3fff) & ~0x3fffull);
        auto aplic = [&](uint64_t base, uint32_t ph, bool root) {
            w.begin("aplic@" + isa::hex_digits(base));
            w.u32("phandle", ph);
            if (root) {
                w.cells("riscv,delegate", {aplic_s_ph, 1, kAplicSources});
                w.u32("riscv,children", aplic_s_ph);
            }
            w.u32("riscv,num-sources", kAplicSources);
            w.cells("reg", reg(base, aplic_size));
            if (cfg.aia == 2) w.u32("msi-parent", root ? imsic_m_ph : imsic_s_ph);
            else w.cells("interrupts-extended", root ? m_irqs : s_irqs);
            w.empty("interrupt-controller");
            w.u32("#interrupt-cells", 2);
            w.str("compatible", "riscv,aplic");
            w.end();
        };
        aplic(kAplicS, aplic_s_ph, false);
        aplic(kAplicM, aplic_m_ph, true);
        if (cfg.aia == 2) {
            unsigned bits = 0;
            while ((1u << bits) < cfg.aia_guests + 1) ++bits;
            auto imsic = [&](uint64_t base, uint32_t ph, bool m) {
                w.begin("imsics@" + isa::hex_digits(base));
                w.u32("phandle", ph);
                if (!m && bits) w.u32("riscv,guest-index-bits", bits);
                w.u32("riscv,ipi-id", kImsicIpiId);
                w.u32("riscv,num-ids", kImsicIds);
                w.cells("reg", reg(base, uint64_t(n) * (m ? 0x1000 : 0x1000ull << bits)));
                w.cells("interrupts-extended", m ? m_irqs : s_irqs);
                w.empty("msi-controller");
                w.empty("interrupt-controller");
                w.u32("#interrupt-cells", 0);
                w.str("compatible", "riscv,imsics");
                w.end();
            };
            imsic(kImsicS, imsic_s_ph, false);
            imsic(kImsicM, imsic_m_ph, true);
        }
    }

    w.begin("clint@" + isa::hex_digits(kClint));
    w.cells("interrupts-extended", clint_irqs);
    w.cells("reg", reg(kClint, kClintSize));
    w.strs("compatible", {"sifive,clint0", "riscv,clint0"});
    w.end();

    w.end();  // soc
    w.end();  // root
    return w.finish();
}

}  // namespace

std::vector<uint8_t> build_device_tree(const FdtConfig& cfg) {
    validate(cfg);
    size_t cap = 4096 + 512 * size_t(cfg.harts) + cfg.bootargs.size() + cfg.isa.size();
    for (const auto& e : cfg.extensions) cap += e.size() + 1;
    for (;;) {
        std::vector<uint8_t> buf(cap, 0);
        try {
            size_t size = write_tree(buf, cfg);
            buf.resize(size);
            int err = fdt_check_full(buf.data(), buf.size());
            if (err < 0) fail(err, "fdt_check_full");
            return buf;
        } catch (const NoSpace&) {
            if (cap > (64u << 20)) fail(-FDT_ERR_NOSPACE, "tree larger than 64 MiB");
            cap *= 2;
        }
    }
}

}  // namespace emu
