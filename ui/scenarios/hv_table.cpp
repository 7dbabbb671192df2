#include "hv_table.hpp"

#include <algorithm>
#include <cstring>
#include <stdexcept>

#include "hv/handover.h"
#include "isa/hex.hpp"

namespace hvtable {

void set_image(Vm& v, const emu::Image& img, const std::string& what) {
    if (img.segments.empty()) throw emu::LoadError(what + ": the image is empty");
    uint64_t lo = UINT64_MAX, hi = 0;
    for (const auto& s : img.segments) {
        lo = std::min(lo, s.paddr);
        hi = std::max(hi, s.paddr + std::max<uint64_t>(s.memsz, s.data.size()));
    }
    if (lo < kGuestRam || hi > kGuestRam + v.mem || hi < lo)
        throw emu::LoadError(what + ": the image (" + isa::hex(lo) + "-" + isa::hex(hi) + ", " + std::to_string(hi - lo) +
                             " bytes) does not fit the VM's RAM " + isa::hex(kGuestRam) + "-" + isa::hex(kGuestRam + v.mem) +
                             " (give more with ,mem=SIZE)");
    if (img.entry < lo || img.entry >= hi)
        throw emu::LoadError(what + ": entry " + isa::hex(img.entry) + " is outside the image");
    v.load_gpa = lo;
    v.entry = img.entry;
    v.bytes.assign(hi - lo, 0);
    for (const auto& s : img.segments) std::copy(s.data.begin(), s.data.end(), v.bytes.begin() + (s.paddr - lo));
}

Table build(const std::vector<Vm>& vms) {
    if (vms.size() > HV_HANDOVER_MAX_VMS)
        throw std::invalid_argument("at most " + std::to_string(HV_HANDOVER_MAX_VMS) + " VMs");
    Table t;
    t.bytes.assign(sizeof(hv_handover), 0);
    hv_handover h{};
    h.magic = HV_HANDOVER_MAGIC;
    h.version = HV_HANDOVER_VERSION;
    h.nr_vms = uint32_t(vms.size());
    uint64_t pool = 0;
    for (size_t k = 0; k < vms.size(); ++k) {
        const Vm& v = vms[k];
        hv_handover_vm& e = h.vm[k];
        std::strncpy(e.name, v.name.c_str(), sizeof e.name - 1);
        t.bytes.resize((t.bytes.size() + 4095) & ~uint64_t(4095));
        e.image_offset = t.bytes.size();
        e.image_size = v.bytes.size();
        e.load_gpa = v.load_gpa;
        e.entry_gpa = v.entry;
        e.mem_size = v.mem;
        e.vcpus = v.vcpus;
        e.share_pct = v.share;
        e.flags = v.flags;
        e.devices = v.devices;
        t.bytes.insert(t.bytes.end(), v.bytes.begin(), v.bytes.end());
        // RAM 2 MiB aligned, its G-stage tables (4 KiB pages: one table per
        // 2 MiB), the guest's device tree and slack.
        pool += ((v.mem + 2 * kMiB - 1) & ~(2 * kMiB - 1)) + v.mem / 256 + 2 * kMiB;
    }
    h.total_size = t.bytes.size();
    h.pool_base = (HV_HANDOVER_ADDR + h.total_size + 2 * kMiB - 1) & ~(2 * kMiB - 1);
    h.pool_size = vms.empty() ? 0 : pool;
    std::memcpy(t.bytes.data(), &h, sizeof h);
    uint64_t need = h.pool_base + h.pool_size + 2 * kMiB - emu::map::kRam;
    t.ram_needed = std::max<uint64_t>((need + kMiB - 1) & ~(kMiB - 1), 256 * kMiB);
    return t;
}

bool write(emu::Machine& m, const Table& t) {
    return m.bus().write_block(HV_HANDOVER_ADDR, t.bytes.data(), t.bytes.size());
}

}  // namespace hvtable
