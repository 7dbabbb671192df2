// The flattened device tree handed to firmware in a1, built at start-up with
// libfdt from the actual configuration.
//
// The tree is a faithful subset of what QEMU 7.2's `virt` machine generates
// (`qemu-system-riscv64 -M virt -machine dumpdtb=F`): the same node names,
// compatibles, property names and cell layouts, and even the same phandle
// numbering, so `dtc -I dtb -O dts` of both lines up. Left out, because the
// platform has no such device: fw-cfg, flash, platform-bus, the goldfish
// rtc, pci and the virtio-mmio slots; and /chosen/rng-seed (a run must be
// deterministic). Added: `#address-cells = <0>` in each hart's
// interrupt-controller node, which QEMU 7.2 lacks and dtc's interrupt_provider
// check asks for (QEMU 7.2's own blob draws that warning; ours decompiles clean).
//
//   /                       #address-cells 2, #size-cells 2, compatible, model
//   /chosen                 bootargs, stdout-path, linux,initrd-start/-end
//   /poweroff, /reboot      syscon-poweroff (0x5555), syscon-reboot (0x7777) on test@100000
//   /memory@80000000        device_type "memory", reg
//   /pmu                    riscv,pmu: riscv,event-to-mhpmcounters (with FdtConfig::pmu_counters)
//   /cpus                   timebase-frequency; cpu@N with riscv,isa, mmu-type and
//                           an interrupt-controller (riscv,cpu-intc); cpu-map/cluster0/coreN
//   /soc                    simple-bus, ranges: serial@10000000, test@100000,
//                           plic@c000000 (or with FdtConfig::aia: aplic@d000000,
//                           aplic@c000000, imsics@28000000, imsics@24000000), clint@2000000
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace emu {

struct FdtConfig {
    unsigned harts = 1;
    // riscv,isa: the single-letter base ("h" included when the H extension is on);
    // the multi-letter extensions are appended as "_zicsr_zifencei_..." in the
    // order given (list them in canonical order: Z* first, then S*, then X*).
    std::string isa = "rv64imafdch";
    std::vector<std::string> extensions;  // e.g. {"zicsr", "zifencei", "zicntr", "sstc"}
    // riscv,cbom-block-size and riscv,cboz-block-size (Zicbom, Zicboz); 0: omitted.
    uint32_t cbom_block = 0, cboz_block = 0;
    uint64_t ram_base = 0x8000'0000, ram_size = 128ull << 20;
    std::string bootargs;                                // /chosen/bootargs, omitted when empty
    std::optional<std::pair<uint64_t, uint64_t>> initrd; // [start, end): linux,initrd-start/-end
    uint64_t timebase_hz = 10'000'000;                   // /cpus/timebase-frequency (CLINT mtime rate)
    std::string mmu_type = "riscv,sv48";                 // the largest satp mode; empty: no mmu-type
    std::string model = "riscv-virtio,qemu";             // / model (OpenSBI prints it as the platform name)
    unsigned plic_ndev = 96;                             // riscv,ndev: highest PLIC source id (QEMU virt: 96)
    bool mgmt_mailbox = false;                           // the management mailbox (hv/mgmt.h)
    bool demo_devices = false;                           // the second UART and the SR-IOV-style console
    // In place of the PLIC, QEMU virt's AIA nodes: 1 = aia=aplic (aplic@c000000,
    // aplic@d000000 wired to the harts), 2 = aia=aplic-imsic (the APLICs'
    // msi-parent the imsics@24000000 / imsics@28000000 nodes). Device
    // interrupts then have two cells (source, 4 = level high).
    unsigned aia = 0;
    unsigned aia_guests = 0;                             // riscv,guest-index-bits = ceil(log2(guests + 1))
    // /pmu (Zihpm): the events mhpmcounter3 .. 3 + pmu_counters - 1 count, in
    // OpenSBI's riscv,event-to-mhpmcounters as QEMU 7.2 writes it; 0: no node.
    unsigned pmu_counters = 0;
};

// Physical addresses the tree describes (QEMU virt's map).
namespace fdt_map {
constexpr uint64_t kTest = 0x100000, kTestSize = 0x1000;
constexpr uint64_t kClint = 0x2000000, kClintSize = 0x10000;
constexpr uint64_t kPlic = 0xc000000, kPlicSize = 0x600000;
constexpr uint64_t kUart0 = 0x10000000, kUart0Size = 0x100;
constexpr uint32_t kUart0Irq = 10, kUart0Clock = 0x384000;
constexpr uint64_t kAplicM = 0xc000000, kAplicS = 0xd000000, kImsicM = 0x24000000, kImsicS = 0x28000000;
constexpr uint32_t kAplicSources = 96, kImsicIds = 255, kImsicIpiId = 1;
}  // namespace fdt_map

// Builds the blob (header, reservation map, structure, strings; totalsize = its
// length). Throws std::invalid_argument for a configuration that cannot be
// described (no harts, empty RAM, an extension that is not lower-case
// alphanumeric, initrd end before start) and std::runtime_error when libfdt
// fails; the message names the libfdt error (fdt_strerror).
std::vector<uint8_t> build_device_tree(const FdtConfig& cfg);

}  // namespace emu
