// Whole-machine snapshots in a file: a versioned header, then the machine's
// state, its memory as the pages that are not zero, and which code slots are
// decoded, zlib-compressed and checked with a CRC-32.
//
//   "STEPVSNP"  u32 version  u32 crc32(payload)  u64 payload size  u64 compressed size
//   compressed payload: fingerprint, machine state, memory, decoded slots
//
// A file that is truncated, corrupt, of another version or from a machine
// of another configuration is refused with a one-line SnapshotError before
// anything changes; a snapshot is written to a temporary file renamed into
// place, so no half-written one is left behind.
#pragma once
#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

namespace emu {

class Machine;

struct SnapshotError : std::runtime_error {
    using runtime_error::runtime_error;
};

constexpr uint32_t kSnapshotVersion = 6;  // 3: events with a field per meaning (emu/events.hpp); 4: a WRS stall's bound; 5: the SR-IOV console's VF interrupt enables; 6: VM entries and exits with sscratch

// Returns the file's size in bytes.
uint64_t save_snapshot(Machine& m, const std::string& path);
void load_snapshot(Machine& m, const std::string& path);

// Memory of every host region: pages that are not all zero, as
// (region, page number, 4096 bytes), and putting them back (every other
// page becomes zero).
void save_memory(Machine& m, std::vector<uint8_t>& out);
void check_memory(Machine& m, const uint8_t* p, size_t n);  // SnapshotError when it does not fit
void restore_memory(Machine& m, const uint8_t* p, size_t n);

// Calls f(page number, bytes) for every page of r that is not all zero;
// pages the host never backed are zero and are skipped unread.
struct HostRegion;
void for_each_nonzero_page(const HostRegion& r, const std::function<void(uint64_t, const uint8_t*)>& f);

// FNV-1a over every host region's bytes, for comparing runs.
uint64_t memory_hash(Machine& m);

}  // namespace emu
