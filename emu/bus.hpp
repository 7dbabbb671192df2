// The physical address space: host-backed regions (RAM, boot ROM) that the
// TLB can map straight to host pointers, and device windows reached through
// dev::Device. It also owns the decoded-instruction cache, which is keyed by
// physical address, and the watched pages (HTIF tohost) whose stores must
// reach the machine.
#pragma once
#include <cstdint>
#include <cstring>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "devices/device.hpp"
#include "isa/insn.hpp"

namespace emu {

constexpr uint64_t kPageSize = 4096;
constexpr unsigned kPageShift = 12;

// A decoded instruction as the interpreter caches it, in 16 bytes: what the
// hot loop reads, and its handler as an offset into the interpreter. The
// rest of the decoding (the encoding, rm) the slow paths decode again from
// memory (Hart::insn), which is unchanged since the slot was filled: stores
// forget the slots they overwrite. An empty slot (len 0) has the "fetch and
// decode" handler, so the hot loop never tests for emptiness.
struct alignas(16) CachedInsn {
    int32_t handler = 0;  // offset of the handler from the interpreter's base (g_handler_base)
    int32_t imm = 0;      // isa::Decoded::imm (every immediate fits in 32 bits)
    isa::Op op = isa::Op::ILLEGAL;
    uint8_t rd = 0, rs1 = 0, rs2 = 0, rs3 = 0;
    uint8_t cost = 0;     // cycles (the cycle model)
    uint8_t len = 0;      // 2 or 4; 0: not decoded
};
static_assert(sizeof(CachedInsn) == 16);
// Set by the interpreter before the first page is created (Hart's dispatch set-up).
extern int32_t g_refetch_handler;

// 2048 half-word slots: one decoded instruction per possible start address.
struct DecodedPage {
    CachedInsn slot[kPageSize / 2];
    DecodedPage() { clear(); }
    void clear() {
        for (auto& s : slot) forget(s);
    }
    static void forget(CachedInsn& s) {
        s.len = 0;   // len 0 marks "not decoded yet"
        s.cost = 0;
        s.handler = g_refetch_handler;
    }
};

struct HostRegion {
    std::string name;
    uint64_t base = 0, size = 0;
    uint8_t* bytes = nullptr;  // size bytes, zero-filled lazily by the host (mmap)
    std::shared_ptr<uint8_t> storage;
    bool writable = true;
    // Per 4 KiB page: decoded instructions (null until code runs there),
    // and whether stores must take the slow path (code or watched page).
    std::vector<std::unique_ptr<DecodedPage>> code;
    std::vector<uint8_t> slow_store;  // bit 0: has code, bit 1: watched, bit 2 (kCleanPage): see Bus::track_dirty
};

// slow_store bit: the page has not been stored to since Bus::track_dirty().
constexpr uint8_t kCleanPage = 4;

struct DeviceWindow {
    uint64_t base, size;
    dev::Device* device;
};

class Bus {
public:
    HostRegion& add_region(std::string name, uint64_t base, uint64_t size, bool writable);
    void add_device(uint64_t base, uint64_t size, dev::Device* d);

    // The host region holding [pa, pa+len), or null.
    HostRegion* region(uint64_t pa, uint64_t len = 1) {
        for (auto& r : regions_)
            if (pa >= r->base && pa - r->base < r->size && len <= r->size - (pa - r->base)) return r.get();
        return nullptr;
    }
    const std::vector<std::unique_ptr<HostRegion>>& regions() const { return regions_; }
    const std::vector<DeviceWindow>& devices() const { return devices_; }

    // Slow-path physical accesses (size 1/2/4/8, naturally handled for any alignment
    // inside a host region). false = access fault.
    bool read(uint64_t pa, unsigned size, uint64_t& value);
    bool write(uint64_t pa, unsigned size, uint64_t value);
    // Whether a write of [pa, pa+size) reaches a writable region or a device.
    bool writable(uint64_t pa, unsigned size);

    // Bulk access for loaders, HTIF and debuggers (no device side effects for
    // host regions; devices are not reachable this way). Invalidate code.
    bool read_block(uint64_t pa, void* buf, size_t len);
    bool write_block(uint64_t pa, const void* buf, size_t len);

    // Decoded-instruction cache.
    DecodedPage* decoded_page(HostRegion& r, uint64_t pa);
    // A store hit [pa, pa+len) of region r: drop decoded instructions there.
    void invalidate_code(HostRegion& r, uint64_t pa, unsigned len);
    // Called when a page becomes code or watched: harts must drop fast store
    // mappings of that physical page.
    std::function<void(uint64_t page_pa)> on_page_slowed;

    // Dirty-page tracking for snapshots: every page of every region becomes
    // clean; the first store to a clean page (which the harts must send down
    // the slow path: Hart::slow_all_stores) makes it dirty again.
    void track_dirty();
    bool tracking() const { return tracking_; }
    // Pages stored to since track_dirty(), as page numbers within region r.
    std::vector<uint64_t> dirty_pages(const HostRegion& r) const;

    // Watched addresses: a store to one calls on_watch after it lands in memory.
    void watch(uint64_t pa);
    std::function<void(uint64_t pa, uint64_t value)> on_watch;

private:
    void note_store(HostRegion& r, uint64_t pa, unsigned len, uint64_t value);
    std::vector<std::unique_ptr<HostRegion>> regions_;
    std::vector<DeviceWindow> devices_;
    const DeviceWindow* device_at(uint64_t pa, unsigned size) const;  // the window holding [pa, pa+size)
    std::vector<uint64_t> watched_;
    bool tracking_ = false;
    void mark_dirty(HostRegion& r, uint64_t pa, size_t len);
};

}  // namespace emu
