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
#include <functional>
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

// One VM as the hardware shows it: the hgatp its harts entered it under
// (its VMID and G-stage root), how often they entered and left it, and the
// cycles they spent in it (V=1), from each entry to the next exit on that
// hart. A stay still open counts from in_guest_since() on.
struct VmTally {
    uint64_t hgatp = 0;
    uint64_t entries = 0, exits = 0;
    uint64_t to_hypervisor = 0;  // exits into HS-mode (the others went to M-mode)
    uint64_t guest_cycles = 0;
    uint64_t first_entry = 0;    // cycle of its first entry
};

// One vCPU as the hardware shows it: the stays in a VM (by hgatp) entered
// with the same sscratch, the context a hypervisor keeps there for the vCPU
// while it runs (hv's struct vcpu, KVM's vcpu->arch). Guests cannot change
// it: their sscratch is vsscratch.
struct VcpuTally {
    uint64_t hgatp = 0, context = 0;
    uint64_t entries = 0, exits = 0;
    uint64_t guest_cycles = 0;
    unsigned last_hart = 0;          // the hart it ran on last
    std::optional<Event> last_exit;  // its latest exit
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
    // Every VM entered so far, in the order first entered.
    const std::vector<VmTally>& vms() const { return vms_; }
    const VmTally* vm(uint64_t hgatp) const;
    // Every vCPU entered so far (VcpuTally), in the order first entered.
    const std::vector<VcpuTally>& vcpus() const { return vcpus_; }
    // The vCPU the hart runs now (a vcpus() index), while it is in a guest.
    std::optional<size_t> vcpu_on(unsigned hart) const;
    uint64_t guest_cycles(const VcpuTally& v, const std::function<uint64_t(unsigned)>& now) const;
    // The cycle at which the hart entered the guest it is still in.
    std::optional<uint64_t> in_guest_since(unsigned hart) const;
    // A VM's cycles in V=1 up to now: its closed stays, and the stays still
    // open up to each hart's cycle now (now(hart)).
    uint64_t guest_cycles(const VmTally& v, const std::function<uint64_t(unsigned)>& now) const;
    // The exit whose VmExit event is at seq.
    std::optional<size_t> exit_at(uint64_t seq) const;
    void drop_oldest(size_t n);
    void clear();

private:
    struct HartState {
        std::optional<uint64_t> hgatp;
        std::optional<size_t> open;
        std::optional<uint64_t> since;  // in V=1 from this cycle
        size_t vm = 0;                  // vms_ index of the guest entered
        size_t vcpu = 0;                // and vcpus_ index
    };
    size_t vm_index(uint64_t hgatp);
    size_t vcpu_index(uint64_t hgatp, uint64_t context);
    HartState& hart(unsigned h);
    std::vector<VmExitRecord> exits_;
    std::vector<HartState> harts_;
    std::vector<VmTally> vms_;
    std::vector<VcpuTally> vcpus_;
    uint64_t entries_ = 0;
};

}  // namespace emu
