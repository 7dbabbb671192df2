// A VM's memory map, computed without drawing, from its G-stage tree (the
// ranges read_gstage_tables coalesces from hgatp's tables): each guest
// physical range with what backs it (host RAM, a device window of the
// machine: a device passed through), the holes between them and the
// machine's device windows inside them (an access there exits to the
// hypervisor), and, for hv's VMs, the pages missing from the RAM hv gave
// the VM at GPA 0x8000_0000 (ballooned out) and those beyond it (taken).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "emu/machine.hpp"
#include "vm_overview.hpp"

namespace gui {

struct MapRow {
    enum Kind { Ram, Device, Hole, DeviceHole, Ballooned, Extra };
    Kind kind = Hole;
    uint64_t gpa = 0, size = 0;
    uint64_t hpa = 0;      // mapped rows: where the first page is
    // The host pages of a row of RAM pages in guest order but not in host
    // order (pages given one by one): lowest and end of the highest.
    bool scattered = false;
    uint64_t hpa_min = 0, hpa_end = 0;
    uint8_t flags = 0;     // the leaves' R W X U (mapped rows)
    unsigned leaves = 0;
    std::string what;      // the host region's or device's name, ...
    // A page of an IMSIC: whose file it is (dev::ImsicWindow::file_at).
    int imsic_hart = -1;
    unsigned imsic_index = 0;  // 0 M level, 1 S level, 1 + g guest file g
};
const char* map_kind_name(MapRow::Kind k);

struct MemoryMap {
    uint64_t hgatp = 0;
    std::string title, mode;
    bool bare = true, truncated = false;
    std::vector<MapRow> rows;  // by guest physical address
    uint64_t mapped = 0;       // bytes mapped
    uint64_t ballooned = 0;    // pages missing from the VM's RAM
    uint64_t ram_gpa = 0, ram_size = 0;  // hv's VMs: the RAM it announced (0: not known)
};

// vm: the overview's row of that hgatp (hv's RAM size, the title), or null.
MemoryMap read_memory_map(emu::Machine& m, uint64_t hgatp, const VmRow* vm);

std::string memory_map_json(const MemoryMap& mm);

}  // namespace gui
