// Shared by the scenarios that run the embedded hypervisor: hv's machine and
// VM table, what hv printed about its VMs and exits, and the VM exits as the
// exit index (emu/exit_index.hpp) gives them.
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "emu/exit_index.hpp"
#include "emu/machine.hpp"
#include "ui/scenarios/hv_table.hpp"

namespace scen::hvsetup {

// What a scenario runs hv with: the harts, the SBI firmware (an embedded ELF
// name) and the VMs. With no VMs hv creates its built-in ones (hv/config.c);
// otherwise they go to hv in its VM table (ui/scenarios/hv_table.hpp), as
// `stepvisor hv --vm` does.
struct HvSetup {
    unsigned harts = 1;
    std::string firmware = "sbi";
    std::vector<hvtable::Vm> vms;
};
// A VM running a guest kernel of firmware/guests embedded in the binary
// ("hello", "ticker", ...), at GPA 0x8000_0000; name defaults to the image's.
hvtable::Vm guest(const std::string& image, const std::string& name = "", uint64_t mem = 4 * hvtable::kMiB,
                  unsigned vcpus = 1, unsigned share = 100);
// The machine: the given ISA with H, the firmware at 0x8000_0000 and hv.elf at
// 0x8020_0000 (both embedded in the binary), the VM table when there are VMs.
std::unique_ptr<emu::Machine> build_hv_machine(emu::MachineConfig cfg, const HvSetup& setup = {});
// An embedded ELF image by name ("hv", "sbi"); std::runtime_error when absent.
emu::Image embedded_elf(const char* name);

// A VM as hv announced it ("hv: vmN 'name': ... (host 0x...) ... hgatp 0x...").
struct VmInfo {
    unsigned index = 0;
    std::string label, name;
    uint64_t ram_kib = 0, host = 0, hgatp = 0;
    unsigned vcpus = 0;
    std::vector<uint64_t> contexts;  // vCPU i's context, in sscratch while it runs ("hv: vmN: vCPU i context at ...")
    unsigned share = 100;  // CPU share per vCPU, percent of a hart (also as the management controller set it)
    std::string console;  // its "[vmN] " lines, without the label
    bool paused = false;  // by the management controller
    bool stopped = false;
    std::string stop_reason;  // from "hv: vmN stopped: ..."
};
std::vector<VmInfo> parse_vms(const std::string& console);

// hv's own exit table ("hv: vmN  cause (code)  exits cycles avg").
struct HvExitRow {
    std::string vm;
    unsigned code = 0;
    bool interrupt = false;
    uint64_t exits = 0, cycles = 0;
};
std::vector<HvExitRow> parse_hv_exit_table(const std::string& console);

// The VM exits into HS-mode (hv's), in order, from the exit index
// (emu/exit_index.hpp); those to M-mode are the firmware's.
std::vector<emu::VmExitRecord> hv_exits(const emu::ExitIndex& index);

// The host-physical address a VM's G-stage maps `gpa` to, by the emulator's
// own walker (no A/D updates); nullopt when unmapped.
std::optional<uint64_t> gstage_translate(emu::Machine& m, uint64_t hgatp, uint64_t gpa);

}  // namespace scen::hvsetup
