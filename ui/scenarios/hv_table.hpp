// The VM table hv reads at boot (hv/handover.h), built in one place for
// `stepvisor hv --vm ...` and for the lecture scenarios: the header, each
// VM's image flattened to one blob, and the pool of RAM hv may use above them.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "emu/loader.hpp"
#include "emu/machine.hpp"

namespace hvtable {

inline constexpr uint64_t kGuestRam = 0x8000'0000;   // GPA of every VM's RAM (as on QEMU virt)
inline constexpr uint64_t kMiB = 1ull << 20;

struct Vm {
    std::string name;             // at most 15 characters
    std::vector<uint8_t> bytes;   // the image from load_gpa on (gaps and .bss zero-filled)
    uint64_t load_gpa = kGuestRam, entry = kGuestRam;
    uint64_t mem = 64 * kMiB;     // RAM at kGuestRam (what U-Boot needs to start)
    unsigned vcpus = 1, share = 100;
    uint32_t flags = 0;           // HV_VM_*
    uint32_t devices = 0;         // HV_DEV_*
};

// Flattens `img` (ELF segments, or a raw image already placed at its load
// address) into v.bytes, v.load_gpa and v.entry. Throws emu::LoadError,
// naming `what`, when the image is empty or does not fit v.mem.
void set_image(Vm& v, const emu::Image& img, const std::string& what);

struct Table {
    std::vector<uint8_t> bytes;   // to be written at HV_HANDOVER_ADDR
    uint64_t ram_needed = 0;      // machine RAM that covers the table, the pool and the machine's device tree
};
// Throws std::invalid_argument when there are more VMs than the table holds.
Table build(const std::vector<Vm>& vms);

// Writes the table into the machine's RAM (after boot(), before the harts
// run); false when it does not fit.
bool write(emu::Machine& m, const Table& t);

}  // namespace hvtable
