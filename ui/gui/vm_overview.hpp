// The VM overview's rows, computed without drawing: every VM the harts
// entered, as emu::ExitIndex tallies it (its hgatp, entries, exits, cycles
// in V=1), joined by G-stage root with what hv announced about it on the
// console (name, vCPUs, share asked, paused or stopped:
// scen::hvsetup::parse_vms); each vCPU, told apart by the sscratch its
// stays were entered with and named by hv's announcement of that context;
// and each hart now: its mode, the VM and vCPU it runs, and its guest
// interrupt file selection (hstatus.VGEIN, hgeie, hgeip).
// Another hypervisor (a Linux KVM host) shows what the hardware tells.
#pragma once
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "session.hpp"

namespace gui {

struct VmRow {
    uint64_t hgatp = 0, vmid = 0, root = 0;  // root: the G-stage root table's address
    std::string mode;                        // "Sv39x4", ...
    // From hv's console; empty, 0 or false for another hypervisor.
    std::string label, name;
    unsigned vcpus = 0;
    unsigned share_asked = 0;  // per vCPU, percent of a hart
    std::vector<uint64_t> contexts;  // vCPU i's context, as hv announced it
    uint64_t ram_kib = 0, ram_host = 0;
    bool paused = false, stopped = false;
    std::string stop_reason;
    // From the hardware (the exit index) and the harts now.
    std::vector<unsigned> harts;  // in this VM (V=1 under its hgatp) now
    uint64_t entries = 0, exits = 0, to_hypervisor = 0;
    uint64_t guest_cycles = 0;    // its harts' cycles in V=1, open stays up to now
    // Over the last window of machine time (VmRates); negative until there is one.
    double share_got = -1;        // percent of one hart
    double exits_per_s = -1;
    std::string title() const;    // "vm0 'hello'" or "VMID 3"
    std::string state() const;    // "stopped", "paused", "on hart 0, 1", "waiting"
};

// One vCPU: the stays under its VM's hgatp that its hart entered with the
// same sscratch (emu::VcpuTally), named by what hv announced about that
// context ("vCPU 1 of vm0"); another hypervisor's by its context alone.
struct VcpuRow {
    size_t vm = 0;                 // VmOverview::vms index
    uint64_t hgatp = 0;            // the hgatp its stays were entered under
    std::optional<unsigned> id;    // hv's number for it (the guest's hart id)
    uint64_t context = 0;          // sscratch while it runs
    std::optional<unsigned> hart;  // the hart it runs on now
    std::optional<unsigned> last_hart;  // where it ran last (none: not entered yet)
    uint64_t entries = 0, exits = 0, guest_cycles = 0;
    std::optional<emu::Event> last_exit;
    unsigned vgein = 0;            // its hart's hstatus.VGEIN while it runs: its guest interrupt file
    double share_got = -1, exits_per_s = -1;  // over VmRates' window, as VmRow's
    std::string name(const VmRow& vm) const;   // "vCPU 1 of vm0", "vCPU at 0x80a0f000 of VMID 1"
    std::string where() const;                 // "on hart 1", "last on hart 0", "-"
    std::string state(const VmRow& vm) const;  // "running", "stopped", "out: WFI", "out: timer interrupt", ...
};

struct HartRow {
    unsigned hart = 0;
    std::string mode;          // "VS", "HS", "M", ...
    unsigned mode_index = 4;   // mode_of()
    bool virt = false, wfi = false;
    const char* stall = nullptr;  // Hart::stall_name()
    std::optional<size_t> vm;  // VmOverview::vms index while V=1
    std::optional<size_t> vcpu;  // VmOverview::vcpus index while V=1
    uint64_t hgatp = 0;
    uint64_t sscratch = 0;     // what hv and KVM keep there while a guest runs: their vCPU's context
    // Guest interrupt files (AIA with H): how many, which one VS-level
    // interrupts come from (hstatus.VGEIN), which may interrupt HS (hgeie),
    // which have an interrupt pending (hgeip).
    unsigned geilen = 0, vgein = 0;
    uint64_t hgeie = 0, hgeip = 0;
    // Who each guest file belongs to: the VM whose G-stage maps the file's
    // page (the hypervisor gives a vCPU its file that way), with the guest
    // physical address of that page; file_owner: the one VGEIN selects.
    std::map<unsigned, std::string> file_owners;
    std::map<unsigned, uint64_t> file_gpas;  // the guest-physical address of each of those pages
    std::string file_owner;
};

struct VmOverview {
    std::vector<VmRow> vms;
    std::vector<VcpuRow> vcpus;  // by VM, hv's in its order
    std::vector<HartRow> harts;
    bool from_hv = false;  // hv announced its VMs
    uint64_t cycle = 0;    // the machine's, when read
    double window_s = 0;   // machine time the rates cover
};

VmOverview read_vm_overview(Session& s);

// Rates over the last kWindow cycles of machine time: samples of the exit
// index's tallies, one a frame; cleared when the machine went back.
class VmRates {
public:
    static constexpr uint64_t kWindow = 50'000'000;  // 50 ms at 1 GHz: five of hv's accounting periods
    void sample(Session& s);
    void apply(VmOverview& o);  // share_got, exits_per_s and window_s since the oldest sample kept

private:
    struct Sample {
        uint64_t cycle;
        std::map<uint64_t, std::pair<uint64_t, uint64_t>> vm;  // hgatp -> (exits, guest cycles)
        std::map<std::pair<uint64_t, uint64_t>, std::pair<uint64_t, uint64_t>> vcpu;  // (hgatp, context) -> the same
    };
    std::deque<Sample> samples_;
};

// The overview as JSON for dump-state.
std::string vm_overview_json(const VmOverview& o);

}  // namespace gui
