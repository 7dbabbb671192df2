#include "memory_map.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "devices/imsic.hpp"
#include "inspect.hpp"
#include "isa/fields.hpp"
#include "isa/hex.hpp"
#include "ui/scenarios/hv_table.hpp"

namespace gui {

const char* map_kind_name(MapRow::Kind k) {
    switch (k) {
    case MapRow::Ram: return "ram";
    case MapRow::Device: return "device";
    case MapRow::Hole: return "hole";
    case MapRow::DeviceHole: return "device-hole";
    case MapRow::Ballooned: return "ballooned";
    case MapRow::Extra: return "extra";
    }
    return "?";
}

namespace {

struct Builder {
    emu::Machine& m;
    MemoryMap& mm;

    void add(MapRow::Kind k, uint64_t gpa, uint64_t end, std::string what) {
        if (end <= gpa) return;
        MapRow r;
        r.kind = k;
        r.gpa = gpa;
        r.size = end - gpa;
        r.what = std::move(what);
        mm.rows.push_back(std::move(r));
    }

    // [a, b) is mapped by nothing: the machine's device windows there (an
    // access exits to the hypervisor, which may emulate the device), the
    // part of the VM's RAM that is missing, and plain holes.
    void gap(uint64_t a, uint64_t b) {
        struct Span { uint64_t base, end; MapRow::Kind kind; std::string what; };
        std::vector<Span> spans;
        for (const auto& d : m.bus().devices())
            spans.push_back({d.base, d.base + d.size, MapRow::DeviceHole, std::string(d.device->name())});
        if (mm.ram_size) spans.push_back({mm.ram_gpa, mm.ram_gpa + mm.ram_size, MapRow::Ballooned, "not in its G-stage"});
        std::sort(spans.begin(), spans.end(), [](const Span& x, const Span& y) { return x.base < y.base; });
        uint64_t at = a;
        for (const auto& s : spans) {
            const uint64_t lo = std::max(s.base, at), hi = std::min(s.end, b);
            if (lo >= hi) continue;
            add(MapRow::Hole, at, lo, "");
            add(s.kind, lo, hi, s.what);
            if (s.kind == MapRow::Ballooned) mm.ballooned += (hi - lo) >> 12;
            at = hi;
        }
        add(MapRow::Hole, at, b, "");
    }

    // Each page of an IMSIC on a row of its own, named by its file.
    void imsic_pages(MapRow row, const PtRange& r, const dev::ImsicWindow& w, uint64_t base) {
        const std::string name = row.what;
        mm.mapped += r.size;
        for (uint64_t off = 0; off < r.size; off += dev::Imsics::kPage) {
            row.gpa = r.va + off;
            row.hpa = row.hpa_min = r.pa + off;
            row.hpa_end = row.hpa + dev::Imsics::kPage;
            row.size = dev::Imsics::kPage;
            row.leaves = 1;
            unsigned hart = 0, index = 0;
            row.what = name;
            row.imsic_hart = -1;
            if (w.file_at(row.hpa - base, hart, index)) {
                row.imsic_hart = int(hart);
                row.imsic_index = index;
                row.what += ": hart " + std::to_string(hart) +
                            (index == 0 ? " M file" : index == 1 ? " S file" : " guest file " + std::to_string(index - 1));
            }
            mm.rows.push_back(row);
        }
    }

    void mapped(const PtRange& r) {
        MapRow row;
        row.gpa = r.va;
        row.size = r.size;
        row.hpa = r.pa;
        row.flags = uint8_t(r.flags & (isa::pte::R | isa::pte::W | isa::pte::X | isa::pte::U));
        row.leaves = r.leaves;
        row.kind = MapRow::Ram;
        if (emu::HostRegion* hr = m.bus().region(r.pa, r.size)) {
            row.what = hr->name;
        } else {
            row.what = "nothing at host " + isa::hex(r.pa);
            for (const auto& d : m.bus().devices())
                if (r.pa >= d.base && r.pa < d.base + d.size) {
                    row.kind = MapRow::Device;
                    row.what = std::string(d.device->name());
                    if (auto* w = dynamic_cast<dev::ImsicWindow*>(d.device)) return imsic_pages(row, r, *w, d.base);
                }
        }
        if (mm.ram_size && row.kind == MapRow::Ram && r.va >= mm.ram_gpa + mm.ram_size) {
            row.kind = MapRow::Extra;

        }
        row.hpa_min = r.pa;
        row.hpa_end = r.pa + r.size;
        mm.mapped += r.size;
        // RAM pages that follow in guest order go on one row, wherever their host pages are.
        if (!mm.rows.empty() && row.kind != MapRow::Device) {
            MapRow& prev = mm.rows.back();
            if (prev.kind == row.kind && prev.gpa + prev.size == row.gpa && prev.flags == row.flags && prev.what == row.what) {
                prev.scattered = true;
                prev.size += row.size;
                prev.leaves += row.leaves;
                prev.hpa_min = std::min(prev.hpa_min, row.hpa_min);
                prev.hpa_end = std::max(prev.hpa_end, row.hpa_end);
                return;
            }
        }
        mm.rows.push_back(std::move(row));
    }
};

}  // namespace

MemoryMap read_memory_map(emu::Machine& m, uint64_t hgatp, const VmRow* vm) {
    MemoryMap mm;
    mm.hgatp = hgatp;
    mm.title = vm ? vm->title() : "hgatp " + isa::hex(hgatp);
    if (vm && vm->ram_kib) {
        mm.ram_gpa = hvtable::kGuestRam;
        mm.ram_size = vm->ram_kib * 1024;
    }
    const PageTables pt = read_gstage_tables(m, hgatp);
    mm.mode = pt.mode;
    mm.bare = pt.bare;
    mm.truncated = pt.truncated;
    if (pt.bare) return mm;
    Builder b{m, mm};
    uint64_t at = 0;
    for (const PtRange& r : pt.ranges) {
        if (r.va > at) b.gap(at, r.va);
        b.mapped(r);
        at = std::max(at, r.va + r.size);
    }
    // After the last mapping: the rest of the VM's RAM and the machine's
    // devices up there; the remaining guest physical space is not listed.
    uint64_t end = at;
    if (mm.ram_size) end = std::max(end, mm.ram_gpa + mm.ram_size);
    for (const auto& d : m.bus().devices()) end = std::max(end, d.base + d.size);
    b.gap(at, end);
    // A gap's last plain hole up to a device's end says nothing: drop it.
    while (!mm.rows.empty() && mm.rows.back().kind == MapRow::Hole) mm.rows.pop_back();
    return mm;
}

std::string memory_map_json(const MemoryMap& mm) {
    nlohmann::ordered_json j;
    j["title"] = mm.title;
    j["hgatp"] = isa::hex(mm.hgatp);
    j["mode"] = mm.mode;
    j["mapped"] = mm.mapped;
    j["ballooned_pages"] = mm.ballooned;
    auto& rows = j["rows"] = nlohmann::ordered_json::array();
    for (const auto& r : mm.rows) {
        nlohmann::ordered_json o;
        o["kind"] = map_kind_name(r.kind);
        o["gpa"] = isa::hex(r.gpa);
        o["size"] = r.size;
        if (r.kind == MapRow::Ram || r.kind == MapRow::Device || r.kind == MapRow::Extra) {
            o["hpa"] = isa::hex(r.hpa);
            o["leaves"] = r.leaves;
            o["scattered"] = r.scattered;
            o["hpa_min"] = isa::hex(r.hpa_min);
            o["hpa_end"] = isa::hex(r.hpa_end);
            if (r.imsic_hart >= 0) {
                o["imsic_hart"] = r.imsic_hart;
                o["imsic_index"] = r.imsic_index;
            }
        }
        o["what"] = r.what;
        rows.push_back(o);
    }
    return j.dump();
}

}  // namespace gui
