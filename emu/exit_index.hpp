// The VM exits of a run, indexed: each exit with the VM entry that ended
// it, the VM it left (by the hgatp last written on its hart), and whether
// an interrupt or an exception caused it. The GUI's exit table, the lecture
// scenarios' figures and the debugger read this index; none of them pairs
// exits with entries or attributes them to VMs on its own.
//
// Fed with the event log in order (observe); a consumer that keeps a
// window of the log drops the oldest exits with drop_oldest().
#pragma once
#include <cstdint>
#include <optional>
#include <vector>

#include "events.hpp"

namespace emu {

struct VmExitRecord {
    Event exit;                   // the VmExit event
    std::optional<Event> entry;   // the next VM entry on the same hart
    std::optional<uint64_t> hgatp;  // the hgatp last written on that hart before the exit, if logged
    std::optional<uint64_t> entry_hgatp;  // and before the entry (another VM's when the hypervisor switched)
    bool idle = false;            // the hart waited in WFI outside the guest before the entry
    bool via_user = false;        // the hart ran U-mode (V=0) before the entry: a type-2 VMM's round trip

    bool interrupt() const { return exit.interrupt; }
    // Into HS-mode, the hypervisor's (not to M-mode, the firmware's).
    bool to_hypervisor() const { return exit.to_priv == Priv::S; }
    std::optional<uint64_t> vmid() const;
    // Cycles from the exit to its entry; nullopt while the VM has not been entered again.
    std::optional<uint64_t> cycles() const;
};

class ExitIndex {
public:
    void observe(const Event& e);
    const std::vector<VmExitRecord>& exits() const { return exits_; }
    uint64_t entries() const { return entries_; }  // every VM entry seen
    // The hgatp last written on the hart: the VM it runs (or last ran).
    std::optional<uint64_t> hgatp_of(unsigned hart) const;
    // The exit of the hart still waiting for its entry.
    std::optional<size_t> open_exit(unsigned hart) const;
    // The exit whose VmExit event is at seq.
    std::optional<size_t> exit_at(uint64_t seq) const;
    void drop_oldest(size_t n);
    void clear();

private:
    struct HartState {
        std::optional<uint64_t> hgatp;
        std::optional<size_t> open;
    };
    HartState& hart(unsigned h);
    std::vector<VmExitRecord> exits_;
    std::vector<HartState> harts_;
    uint64_t entries_ = 0;
};

}  // namespace emu
