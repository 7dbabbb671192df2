#include "snapshot.hpp"

#include <sys/mman.h>
#include <unistd.h>
#include <zlib.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>

#include "devices/clint.hpp"
#include "devices/htif.hpp"
#include "devices/plic.hpp"
#include "devices/uart16550.hpp"
#include "machine.hpp"

namespace emu {

namespace {
constexpr char kMagic[8] = {'S', 'T', 'E', 'P', 'V', 'S', 'N', 'P'};
constexpr size_t kHeaderSize = 8 + 4 + 4 + 8 + 8;
constexpr size_t kSlotBytes = kPageSize / 2 / 8;  // one bit per halfword slot

// A string read from a snapshot, fit for a one-line message: bytes outside
// printable ASCII as \xNN, cut after `max` characters.
std::string printable(const std::string& s, size_t max = 200) {
    static const char hex[] = "0123456789abcdef";
    std::string out;
    for (unsigned char c : s) {
        if (out.size() >= max) return out + "...";
        if (c >= 0x20 && c < 0x7f) out += char(c);
        else out += std::string("\\x") + hex[c >> 4] + hex[c & 15];
    }
    return out;
}

uint64_t fnv(uint64_t h, const void* p, size_t n) {
    const auto* b = static_cast<const uint8_t*>(p);
    for (size_t i = 0; i < n; ++i) h = (h ^ b[i]) * 0x100000001b3ull;
    return h;
}

std::string errno_text() { return std::strerror(errno); }
}  // namespace

void for_each_nonzero_page(const HostRegion& r, const std::function<void(uint64_t, const uint8_t*)>& f) {
    const uint64_t pages = (r.size + kPageSize - 1) / kPageSize;
    std::vector<unsigned char> resident(pages, 1);
    if (mincore(r.bytes, r.size, resident.data()) != 0) std::fill(resident.begin(), resident.end(), 1);
    for (uint64_t p = 0; p < pages; ++p) {
        if (!(resident[p] & 1)) continue;
        const uint8_t* b = r.bytes + p * kPageSize;
        const size_t len = std::min<uint64_t>(kPageSize, r.size - p * kPageSize);
        uint64_t acc = 0;
        for (size_t i = 0; i + 8 <= len; i += 8) {
            uint64_t w;
            std::memcpy(&w, b + i, 8);
            acc |= w;
        }
        if (acc) f(p, b);
    }
}

// ---- the machine's state (Machine members) ----

std::vector<uint8_t> Machine::schedule() const {
    dev::StateOut o;
    for (auto& h : harts_) o.u64(h->cycle);
    o.boolean(round_open_);
    o.boolean(round_idle_);
    o.u64(round_end_);
    o.u32(round_next_);
    o.boolean(device_activity_);
    o.u32(current_);
    return std::move(o.bytes());
}

void Machine::set_schedule(const std::vector<uint8_t>& s) {
    dev::StateIn in(s);
    std::vector<uint64_t> cycles(harts_.size());
    for (auto& c : cycles) c = in.u64();
    const bool open = in.boolean(), idle = in.boolean();
    const uint64_t end = in.u64();
    const uint32_t next = in.u32();
    const bool activity = in.boolean();
    const uint32_t cur = in.u32();
    if (next > harts_.size() || cur >= harts_.size()) throw dev::StateError("schedule: no such hart");
    for (size_t i = 0; i < harts_.size(); ++i) {
        harts_[i]->cycle = cycles[i];
        harts_[i]->interrupt_state_changed();
    }
    round_open_ = open;
    round_idle_ = idle;
    round_end_ = end;
    round_next_ = next;
    device_activity_ = activity;
    current_ = cur;
}

std::string Machine::fingerprint() const {
    char b[256];
    std::snprintf(b, sizeof b, "harts=%u ram=%lluK%s%s", cfg_.harts, (unsigned long long)(cfg_.ram_size >> 10),
                  cfg_.tlb ? "" : " no-tlb", cfg_.demo_devices ? " demo-devices" : "");
    std::string s = b + std::string(" isa=") + cfg_.isa.str();
    if (cfg_.aia != Aia::None)
        s += std::string(cfg_.aia == Aia::Aplic ? " aia=aplic" : " aia=aplic-imsic") + " aia-guests=" +
             std::to_string(cfg_.aia_guests);
    if (boot_) {
        uint64_t h = 0xcbf29ce484222325ull;
        auto add = [&](const Image& img) {
            for (const auto& seg : img.segments) {
                h = fnv(h, &seg.paddr, 8);
                h = fnv(h, seg.data.data(), seg.data.size());
            }
        };
        add(boot_->firmware);
        if (boot_->kernel) add(*boot_->kernel);
        h = fnv(h, boot_->initrd.data(), boot_->initrd.size());
        h = fnv(h, boot_->bootargs.data(), boot_->bootargs.size());
        std::snprintf(b, sizeof b, " images=%016llx", (unsigned long long)h);
        s += b;
    }
    return s;
}

void Machine::save_state(dev::StateOut& o, bool with_ring) const {
    o.u64(harts_.size());
    for (auto& h : harts_) h->save(o);
    o.u64(steps_);
    o.vec(hart_steps_);
    o.boolean(halted_);
    o.u64(uint64_t(int64_t(exit_code_)));
    o.str(halt_reason_);
    o.u64(retired_before_reset_);
    o.u64(cycles_before_reset_);
    o.vec(schedule());
    o.boolean(reset_requested_);
    uart1_out_.save(o);
    o.u64(bus_.devices().size());
    for (const auto& w : bus_.devices()) {
        dev::StateOut d;
        w.device->save(d);
        o.str(std::string(w.device->name()));
        o.vec(d.bytes());
    }
    dev::StateOut ht;
    htif_->save(ht);
    o.vec(ht.bytes());
    events_.save(o, with_ring);
}

void Machine::restore_state(dev::StateIn& in) {
    if (in.u64() != harts_.size()) throw dev::StateError("another number of harts");
    for (auto& h : harts_) h->restore(in);
    const uint64_t steps = in.u64();
    auto hart_steps = in.vec<uint64_t>(harts_.size());
    const bool halted = in.boolean();
    const int code = int(int64_t(in.u64()));
    std::string reason = in.str();
    const uint64_t retired = in.u64(), cycles = in.u64();
    auto sched = in.vec_up_to<uint8_t>(1u << 16);
    const bool reset_req = in.boolean();
    dev::OutputTail uart1;
    uart1.restore(in);
    if (in.u64() != bus_.devices().size()) throw dev::StateError("another set of devices");
    for (const auto& w : bus_.devices()) {
        std::string name = in.str(64);
        auto blob = in.vec_up_to<uint8_t>(in.left());
        if (name != w.device->name()) throw dev::StateError("device " + printable(name) + " where " + std::string(w.device->name()) + " is");
        dev::StateIn d(blob);
        w.device->restore(d);
        d.expect_end(name.c_str());
    }
    auto ht = in.vec_up_to<uint8_t>(in.left());
    dev::StateIn hin(ht);
    htif_->restore(hin);
    hin.expect_end("htif");
    events_.restore(in);
    set_schedule(sched);
    steps_ = steps;
    hart_steps_ = std::move(hart_steps);
    halted_ = halted;
    exit_code_ = code;
    halt_reason_ = printable(reason, 4096);  // printed as one line
    retired_before_reset_ = retired;
    cycles_before_reset_ = cycles;
    reset_requested_ = reset_req;
    uart1_out_ = std::move(uart1);
    stop_ = false;
}

void Machine::save_decoded(dev::StateOut& o) const {
    const auto& regions = bus_.regions();
    uint64_t n = 0;
    for (const auto& r : regions)
        for (const auto& p : r->code) n += p != nullptr;
    o.u64(n);
    for (size_t ri = 0; ri < regions.size(); ++ri) {
        const HostRegion& r = *regions[ri];
        for (uint64_t pg = 0; pg < r.code.size(); ++pg) {
            if (!r.code[pg]) continue;
            uint8_t bits[kSlotBytes] = {};
            for (unsigned s = 0; s < kPageSize / 2; ++s)
                if (r.code[pg]->slot[s].len) bits[s / 8] |= uint8_t(1u << (s % 8));
            o.u32(uint32_t(ri));
            o.u64(pg);
            o.raw(bits, sizeof bits);
        }
    }
}

void Machine::restore_decoded(dev::StateIn& in) {
    const auto& regions = bus_.regions();
    const uint64_t n = in.u64();
    if (n > in.left() / (12 + kSlotBytes)) throw dev::StateError("decoded slots: truncated");
    struct Page { uint32_t region; uint64_t page; const uint8_t* bits; };
    std::vector<Page> pages;
    for (uint64_t i = 0; i < n; ++i) {
        Page p{in.u32(), in.u64(), nullptr};
        p.bits = in.take(kSlotBytes);
        if (p.region >= regions.size() || p.page >= regions[p.region]->code.size())
            throw dev::StateError("decoded slots: a page outside memory");
        pages.push_back(p);
    }
    for (const auto& r : regions)
        for (auto& p : r->code)
            if (p) p->clear();
    const bool c_ok = harts_[0]->csrs().misa & (1u << 2);
    for (const Page& p : pages) {
        HostRegion& r = *regions[p.region];
        const uint64_t base = r.base + p.page * kPageSize;
        DecodedPage* dp = bus_.decoded_page(r, base);
        for (unsigned s = 0; s < kPageSize / 2; ++s) {
            if (!(p.bits[s / 8] & (1u << (s % 8)))) continue;
            const uint64_t off = p.page * kPageSize + s * 2;
            uint16_t lo, hi = 0;
            std::memcpy(&lo, r.bytes + off, 2);
            if ((lo & 3) == 3) {
                if (s == kPageSize / 2 - 1) continue;  // crosses the page: never cached
                std::memcpy(&hi, r.bytes + off + 2, 2);
            }
            isa::Decoded d = isa::decode(uint32_t(lo) | uint32_t(hi) << 16, harts_[0]->ext);
            if (!c_ok && d.len == 2) d.op = isa::Op::ILLEGAL;
            Hart::prepare(dp->slot[s], d, s * 2);
        }
    }
}

// ---- memory ----

void save_memory(Machine& m, std::vector<uint8_t>& out) {
    dev::StateOut o;
    const auto& regions = m.bus().regions();
    o.u64(regions.size());
    for (const auto& r : regions) {
        o.str(r->name);
        o.u64(r->size);
        std::vector<uint64_t> pages;
        for_each_nonzero_page(*r, [&](uint64_t p, const uint8_t*) { pages.push_back(p); });
        o.u64(pages.size());
        for (uint64_t p : pages) {
            o.u64(p);
            const size_t len = std::min<uint64_t>(kPageSize, r->size - p * kPageSize);
            o.raw(r->bytes + p * kPageSize, len);
            if (len < kPageSize) {
                uint8_t zero[kPageSize] = {};
                o.raw(zero, kPageSize - len);
            }
        }
    }
    out = std::move(o.bytes());
}

namespace {
// Walks the memory section; with apply, writes it into the regions.
void walk_memory(Machine& m, const uint8_t* p, size_t n, bool apply) {
    dev::StateIn in(p, n);
    const auto& regions = m.bus().regions();
    if (in.u64() != regions.size()) throw dev::StateError("memory: another set of regions");
    for (const auto& r : regions) {
        std::string name = in.str(64);
        const uint64_t size = in.u64();
        if (name != r->name || size != r->size) throw dev::StateError("memory: region " + printable(name) + " differs");
        const uint64_t pages = in.u64();
        const uint64_t limit = (r->size + kPageSize - 1) / kPageSize;
        if (pages > limit) throw dev::StateError("memory: more pages than region " + name + " has");
        if (apply) {
            madvise(r->bytes, r->size, MADV_DONTNEED);  // every page not in the snapshot reads zero
            for (auto& c : r->code)
                if (c) c->clear();
        }
        for (uint64_t i = 0; i < pages; ++i) {
            const uint64_t pg = in.u64();
            const uint8_t* b = in.take(kPageSize);
            if (pg >= limit) throw dev::StateError("memory: a page outside region " + name);
            if (apply) std::memcpy(r->bytes + pg * kPageSize, b, std::min<uint64_t>(kPageSize, r->size - pg * kPageSize));
        }
    }
    in.expect_end("memory");
}
}  // namespace

void check_memory(Machine& m, const uint8_t* p, size_t n) { walk_memory(m, p, n, false); }
void restore_memory(Machine& m, const uint8_t* p, size_t n) { walk_memory(m, p, n, true); }

uint64_t memory_hash(Machine& m) {
    uint64_t h = 0xcbf29ce484222325ull;
    for (const auto& r : m.bus().regions()) {
        h = fnv(h, r->name.data(), r->name.size());
        for_each_nonzero_page(*r, [&](uint64_t p, const uint8_t* b) {
            h = fnv(h, &p, 8);
            for (size_t i = 0; i + 8 <= kPageSize && p * kPageSize + i + 8 <= r->size; i += 8) {
                uint64_t w;
                std::memcpy(&w, b + i, 8);
                h = (h ^ w) * 0x100000001b3ull;
            }
        });
    }
    return h;
}

// ---- the file ----

uint64_t save_snapshot(Machine& m, const std::string& path) {
    // The file is written beside the path and renamed over it: never over a device, a FIFO or a directory.
    if (std::string kind = special_file_kind(path); !kind.empty())
        throw SnapshotError("snapshot " + path + ": is " + kind + ", not a file a snapshot may replace");
    dev::StateOut payload;
    payload.str(m.fingerprint());
    dev::StateOut state;
    m.save_state(state, true);
    payload.vec(state.bytes());
    std::vector<uint8_t> mem;
    save_memory(m, mem);
    payload.vec(mem);
    dev::StateOut dec;
    m.save_decoded(dec);
    payload.vec(dec.bytes());

    const std::vector<uint8_t>& raw = payload.bytes();
    uLongf clen = compressBound(raw.size());
    std::vector<uint8_t> z(kHeaderSize + clen);
    if (compress2(z.data() + kHeaderSize, &clen, raw.data(), raw.size(), Z_BEST_SPEED) != Z_OK)
        throw SnapshotError("snapshot " + path + ": compression failed");
    z.resize(kHeaderSize + clen);
    const uint32_t version = kSnapshotVersion;
    const uint32_t crc = uint32_t(crc32(0, raw.data(), uInt(raw.size())));
    const uint64_t size = raw.size(), csize = clen;
    std::memcpy(z.data(), kMagic, 8);
    std::memcpy(z.data() + 8, &version, 4);
    std::memcpy(z.data() + 12, &crc, 4);
    std::memcpy(z.data() + 16, &size, 8);
    std::memcpy(z.data() + 24, &csize, 8);

    const std::string tmp = path + ".tmp" + std::to_string(getpid());
    FILE* f = std::fopen(tmp.c_str(), "wb");
    if (!f) throw SnapshotError("snapshot " + path + ": cannot write (" + errno_text() + ")");
    bool ok = std::fwrite(z.data(), 1, z.size(), f) == z.size();
    ok = std::fflush(f) == 0 && ok;
    ok = fsync(fileno(f)) == 0 && ok;
    ok = std::fclose(f) == 0 && ok;
    if (!ok || std::rename(tmp.c_str(), path.c_str()) != 0) {
        const std::string why = errno_text();
        std::remove(tmp.c_str());
        throw SnapshotError("snapshot " + path + ": cannot write (" + why + ")");
    }
    return z.size();
}

void load_snapshot(Machine& m, const std::string& path) {
    const std::string what = "snapshot " + path + ": ";
    // The state is at most the RAM and the devices' state beside it: a bound before anything is read or allocated.
    const uint64_t most = 2 * m.config().ram_size + (64ull << 20);
    std::vector<uint8_t> file;
    try {
        file = read_input_file(path, most, "snapshot", "what a snapshot of this machine can be");
    } catch (const LoadError& e) {
        throw SnapshotError(std::string("snapshot ") + e.what());
    }
    if (file.size() < 8 || std::memcmp(file.data(), kMagic, 8) != 0) {
        if (file.size() < 8 && std::memcmp(file.data(), kMagic, file.size()) == 0)
            throw SnapshotError(what + "truncated (" + std::to_string(file.size()) + " bytes)");
        throw SnapshotError(what + "not a stepvisor snapshot");
    }
    if (file.size() < kHeaderSize) throw SnapshotError(what + "truncated (" + std::to_string(file.size()) + " bytes)");
    uint32_t version, crc;
    uint64_t size, csize;
    std::memcpy(&version, file.data() + 8, 4);
    std::memcpy(&crc, file.data() + 12, 4);
    std::memcpy(&size, file.data() + 16, 8);
    std::memcpy(&csize, file.data() + 24, 8);
    if (version != kSnapshotVersion)
        throw SnapshotError(what + "version " + std::to_string(version) + ", this stepvisor reads version " +
                            std::to_string(kSnapshotVersion));
    if (csize > file.size() - kHeaderSize)
        throw SnapshotError(what + "truncated (" + std::to_string(file.size()) + " of " +
                            std::to_string(kHeaderSize + csize) + " bytes)");
    if (csize < file.size() - kHeaderSize) throw SnapshotError(what + "corrupt (bytes after the end of the snapshot)");
    if (size > most) throw SnapshotError(what + "corrupt (an impossible size)");
    std::vector<uint8_t> raw(size);
    uLongf got = size;
    if (uncompress(raw.data(), &got, file.data() + kHeaderSize, csize) != Z_OK || got != size)
        throw SnapshotError(what + "corrupt (the compressed data does not decompress)");
    if (uint32_t(crc32(0, raw.data(), uInt(raw.size()))) != crc) throw SnapshotError(what + "corrupt (checksum mismatch)");
    file.clear();
    file.shrink_to_fit();

    try {
        dev::StateIn in(raw);
        const std::string fp = in.str(4096);
        if (fp != m.fingerprint())
            throw SnapshotError(what + "made on another machine (" + printable(fp, 4096) + "; this one: " + m.fingerprint() + ")");
        auto state = in.vec_up_to<uint8_t>(in.left());
        const uint64_t mem_len = in.u64();
        const uint8_t* mem = in.take(mem_len);
        auto dec = in.vec_up_to<uint8_t>(in.left());
        in.expect_end("snapshot");
        // Everything is checked before the machine changes: the state on a
        // scratch machine of the same configuration, memory by walking it.
        MachineConfig cfg = m.config();
        cfg.console = [](uint8_t) {};
        {
            Machine scratch(cfg);
            dev::StateIn s(state);
            scratch.restore_state(s);
            s.expect_end("machine state");
            dev::StateIn d(dec);
            scratch.restore_decoded(d);
        }
        check_memory(m, mem, mem_len);
        restore_memory(m, mem, mem_len);
        dev::StateIn s(state);
        m.restore_state(s);
        dev::StateIn d(dec);
        m.restore_decoded(d);
    } catch (const dev::StateError& e) {
        throw SnapshotError(what + "corrupt (" + e.what() + ")");
    }
}

}  // namespace emu
