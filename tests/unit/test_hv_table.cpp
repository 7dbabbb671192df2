// The VM table stepvisor leaves for hv, read back with hv's own header
// (hv/handover.h) the way hv/handover.c reads it.
#include <doctest/doctest.h>

#include <cstring>

#include "hv/handover.h"
#include "ui/scenarios/hv_table.hpp"

namespace {

emu::Image raw(uint64_t at, std::vector<uint8_t> bytes, uint64_t memsz = 0) {
    emu::Image img;
    img.entry = at;
    emu::Segment s;
    s.paddr = at;
    s.data = std::move(bytes);
    s.memsz = std::max<uint64_t>(memsz, s.data.size());
    img.segments.push_back(std::move(s));
    return img;
}

}  // namespace

TEST_CASE("hv table: header, images and pool as hv/handover.h lays them out") {
    hvtable::Vm a, b;
    a.name = "first";
    hvtable::set_image(a, raw(0x8000'0000, {1, 2, 3}), "a");
    b.name = "second";
    b.mem = 64 * hvtable::kMiB;
    b.vcpus = 2;
    b.share = 50;
    b.devices = 0x5;
    hvtable::set_image(b, raw(0x8020'0000, {9, 8, 7, 6}, 0x1000), "b");
    hvtable::Table t = hvtable::build({a, b});

    hv_handover h;
    REQUIRE(t.bytes.size() >= sizeof h);
    std::memcpy(&h, t.bytes.data(), sizeof h);
    CHECK(h.magic == HV_HANDOVER_MAGIC);
    CHECK(h.version == HV_HANDOVER_VERSION);
    CHECK(h.nr_vms == 2);
    CHECK(h.total_size == t.bytes.size());
    CHECK(std::string(h.vm[0].name) == "first");
    CHECK(std::string(h.vm[1].name) == "second");
    for (unsigned i = 0; i < 2; i++) {
        CHECK(h.vm[i].image_offset % 4096 == 0);
        CHECK(h.vm[i].image_offset >= sizeof h);
        CHECK(h.vm[i].image_offset + h.vm[i].image_size <= h.total_size);
    }
    CHECK(h.vm[0].image_size == 3);
    CHECK(t.bytes[h.vm[0].image_offset + 2] == 3);
    // .bss of the second image is part of its blob, zero-filled.
    CHECK(h.vm[1].image_size == 0x1000);
    CHECK(t.bytes[h.vm[1].image_offset] == 9);
    CHECK(t.bytes[h.vm[1].image_offset + 0xfff] == 0);
    CHECK(h.vm[1].load_gpa == 0x8020'0000);
    CHECK(h.vm[1].entry_gpa == 0x8020'0000);
    CHECK(h.vm[1].mem_size == 64 * hvtable::kMiB);
    CHECK(h.vm[1].vcpus == 2);
    CHECK(h.vm[1].share_pct == 50);
    CHECK(h.vm[1].devices == 0x5);
    // The pool starts 2 MiB aligned above the table and holds both VMs' RAM.
    CHECK(h.pool_base % (2 * hvtable::kMiB) == 0);
    CHECK(h.pool_base >= HV_HANDOVER_ADDR + h.total_size);
    CHECK(h.pool_size >= (4 + 64) * hvtable::kMiB);
    CHECK(emu::map::kRam + t.ram_needed >= h.pool_base + h.pool_size);
}

TEST_CASE("hv table: images that do not fit the VM's RAM are refused") {
    hvtable::Vm v;
    v.mem = hvtable::kMiB;
    CHECK_THROWS_AS(hvtable::set_image(v, raw(0x8000'0000, std::vector<uint8_t>(2 * hvtable::kMiB)), "big"),
                    emu::LoadError);
    CHECK_THROWS_AS(hvtable::set_image(v, raw(0x7000'0000, {1}), "low"), emu::LoadError);
    CHECK_THROWS_AS(hvtable::set_image(v, emu::Image{}, "empty"), emu::LoadError);
    CHECK_THROWS_AS(hvtable::build(std::vector<hvtable::Vm>(HV_HANDOVER_MAX_VMS + 1)), std::invalid_argument);
}
