#include "bus.hpp"

#include <sys/mman.h>

#include <new>

namespace emu {

int32_t g_refetch_handler = 0;

HostRegion& Bus::add_region(std::string name, uint64_t base, uint64_t size, bool writable) {
    auto r = std::make_unique<HostRegion>();
    r->name = std::move(name);
    r->base = base;
    r->size = size;
    void* mem = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (mem == MAP_FAILED) throw std::bad_alloc();
    madvise(mem, size, MADV_HUGEPAGE);  // fewer host TLB misses on large guest working sets
    r->storage = std::shared_ptr<uint8_t>(static_cast<uint8_t*>(mem), [size](uint8_t* p) { munmap(p, size); });
    r->bytes = r->storage.get();
    r->writable = writable;
    uint64_t pages = (size + kPageSize - 1) / kPageSize;
    r->code.resize(pages);
    r->slow_store.assign(pages, 0);
    regions_.push_back(std::move(r));
    return *regions_.back();
}

void Bus::add_device(uint64_t base, uint64_t size, dev::Device* d) { devices_.push_back({base, size, d}); }

const DeviceWindow* Bus::device_at(uint64_t pa, unsigned size) const {
    for (auto& w : devices_)
        if (pa >= w.base && pa - w.base < w.size && size <= w.size - (pa - w.base)) return &w;
    return nullptr;
}

bool Bus::read(uint64_t pa, unsigned size, uint64_t& value) {
    if (HostRegion* r = region(pa, size)) {
        value = 0;
        std::memcpy(&value, &r->bytes[pa - r->base], size);
        return true;
    }
    if (const DeviceWindow* w = device_at(pa, size)) {
        value = 0;
        return w->device->read(pa - w->base, size, value);
    }
    return false;
}

bool Bus::write(uint64_t pa, unsigned size, uint64_t value) {
    if (HostRegion* r = region(pa, size)) {
        if (!r->writable) return false;
        std::memcpy(&r->bytes[pa - r->base], &value, size);
        note_store(*r, pa, size, value);
        return true;
    }
    if (const DeviceWindow* w = device_at(pa, size)) return w->device->write(pa - w->base, size, value);
    return false;
}

bool Bus::writable(uint64_t pa, unsigned size) {
    if (HostRegion* r = region(pa, size)) return r->writable;
    return device_at(pa, size) != nullptr;
}

void Bus::note_store(HostRegion& r, uint64_t pa, unsigned len, uint64_t value) {
    uint64_t first = (pa - r.base) >> kPageShift, last = (pa - r.base + len - 1) >> kPageShift;
    for (uint64_t p = first; p <= last; ++p) {
        if (!r.slow_store[p]) continue;
        r.slow_store[p] &= uint8_t(~kCleanPage);
        if (r.slow_store[p] & 1) invalidate_code(r, pa, len);
        if ((r.slow_store[p] & 2) && on_watch)
            for (uint64_t w : watched_)
                if (w >= pa && w < pa + len) on_watch(w, value);
    }
}

bool Bus::read_block(uint64_t pa, void* buf, size_t len) {
    HostRegion* r = region(pa, len);
    if (!r) return false;
    if (len) std::memcpy(buf, &r->bytes[pa - r->base], len);  // an empty block may come with no buffer
    return true;
}

bool Bus::write_block(uint64_t pa, const void* buf, size_t len) {
    HostRegion* r = region(pa, len);
    if (!r) return false;
    if (len) std::memcpy(&r->bytes[pa - r->base], buf, len);  // an empty block may come with no buffer
    if (tracking_) mark_dirty(*r, pa, len);
    for (uint64_t off = 0; off < len; off += kPageSize) {
        uint64_t page = (pa - r->base + off) >> kPageShift;
        if (r->code[page]) r->code[page]->clear();
    }
    if (len) {
        uint64_t last = (pa - r->base + len - 1) >> kPageShift;
        if (r->code[last]) r->code[last]->clear();
    }
    return true;
}

DecodedPage* Bus::decoded_page(HostRegion& r, uint64_t pa) {
    uint64_t page = (pa - r.base) >> kPageShift;
    auto& p = r.code[page];
    if (!p) {
        p = std::make_unique<DecodedPage>();
        r.slow_store[page] |= 1;
        if (on_page_slowed) on_page_slowed(r.base + (page << kPageShift));
    }
    return p.get();
}

void Bus::invalidate_code(HostRegion& r, uint64_t pa, unsigned len) {
    // A 4-byte instruction may start in the half-word before the store.
    uint64_t lo = pa >= r.base + 2 ? pa - 2 : pa, hi = pa + len;
    for (uint64_t a = lo & ~1ull; a < hi; a += 2) {
        if (a < r.base || a - r.base >= r.size) continue;
        auto& p = r.code[(a - r.base) >> kPageShift];
        if (p) DecodedPage::forget(p->slot[(a & (kPageSize - 1)) >> 1]);
    }
}

void Bus::mark_dirty(HostRegion& r, uint64_t pa, size_t len) {
    if (!len) return;
    const uint64_t first = (pa - r.base) >> kPageShift, last = (pa - r.base + len - 1) >> kPageShift;
    for (uint64_t p = first; p <= last; ++p) r.slow_store[p] &= uint8_t(~kCleanPage);
}

void Bus::track_dirty() {
    tracking_ = true;
    for (auto& r : regions_)
        for (auto& b : r->slow_store) b |= kCleanPage;
}

std::vector<uint64_t> Bus::dirty_pages(const HostRegion& r) const {
    std::vector<uint64_t> out;
    for (uint64_t p = 0; p < r.slow_store.size(); ++p)
        if (!(r.slow_store[p] & kCleanPage)) out.push_back(p);
    return out;
}

void Bus::watch(uint64_t pa) {
    HostRegion* r = region(pa);
    if (!r) return;
    watched_.push_back(pa);
    r->slow_store[(pa - r->base) >> kPageShift] |= 2;
    if (on_page_slowed) on_page_slowed(pa & ~(kPageSize - 1));
}

}  // namespace emu
