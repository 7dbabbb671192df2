// The VM overview's rows, computed without drawing: every VM the harts
// entered, as emu::ExitIndex tallies it (its hgatp, entries, exits, cycles
// in V=1), joined by G-stage root with what hv announced about it on the
// console (name, vCPUs, share asked, paused or stopped:
// scen::hvsetup::parse_vms); and each hart now: its mode, the VM it is in,
// and its guest interrupt file selection (hstatus.VGEIN, hgeie, hgeip).
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

struct HartRow {
    unsigned hart = 0;
    std::string mode;          // "VS", "HS", "M", ...
    unsigned mode_index = 4;   // mode_of()
    bool virt = false, wfi = false;
    std::optional<size_t> vm;  // VmOverview::vms index while V=1
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
    };
    std::deque<Sample> samples_;
};

// The overview as JSON for dump-state.
std::string vm_overview_json(const VmOverview& o);

}  // namespace gui
