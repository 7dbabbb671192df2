// The event log: what happened, in order, in a fixed-size ring buffer. Traps,
// xRETs, privilege changes, interrupts, writes to translation registers, TLB
// fills, VM exits and entries are recorded here; the CLI narration, traces,
// the debugger and the GUI all read this log. Recording costs nothing on the
// hot path: every event comes from a slow path (trap, CSR write, TLB miss).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "devices/state.hpp"
#include "priv.hpp"

namespace emu {

enum class EventKind : uint8_t {
    Trap,         // synchronous exception taken (cause, tval, tval2=GPA, tinst)
    Interrupt,    // interrupt taken (cause = interrupt number)
    Xret,         // mret / sret (pc = return address)
    PrivChange,   // privilege (or V) changed: from -> to
    AtpWrite,     // satp / vsatp / hgatp written (csr = address, value = new value)
    TlbFill,      // a translation was cached (va, pa = value)
    VmExit,       // a trap that changed V from 1 to 0
    VmEntry,      // an xRET that changed V from 0 to 1
    Wfi,          // hart stalled in WFI
    Halt,         // the machine stopped (poweroff, HTIF exit)
    Reset,        // the machine was reset (syscon reboot)
    Count
};
const char* event_kind_name(EventKind k);
bool event_kind_by_name(const std::string& name, EventKind& out);

struct Event {
    uint64_t seq = 0;      // position in the whole run (monotonic)
    uint64_t cycle = 0;
    uint64_t instret = 0;
    uint64_t pc = 0;       // pc of the instruction (or the return target for xRET)
    uint64_t cause = 0;    // exception cause / interrupt number
    uint64_t tval = 0;     // trap value, GVA, or TLB virtual address
    uint64_t tval2 = 0;    // guest physical address (htval/mtval2 << 2), or TLB physical address
    uint64_t tinst = 0;    // transformed instruction, or CSR value
    uint16_t csr = 0;      // CSR address for AtpWrite
    uint8_t hart = 0;
    EventKind kind = EventKind::Trap;
    Priv from_priv = Priv::M, to_priv = Priv::M;
    bool from_v = false, to_v = false;
    bool interrupt = false;  // for VmExit: the exit was an interrupt (cause is an interrupt number)
};

class EventLog {
public:
    explicit EventLog(size_t capacity = 1u << 16) : ring_(capacity) {}
    void push(const Event& e) {
        Event& slot = ring_[next_ % ring_.size()];
        slot = e;
        slot.seq = next_++;
        counts_[size_t(e.kind)]++;
        if (e.kind == EventKind::Trap && e.cause < 64) traps_[e.cause]++;
        if (e.kind == EventKind::Interrupt && e.cause < 64) interrupts_[e.cause]++;
        if (e.kind == EventKind::PrivChange) transitions_[mode_index(e.from_priv, e.from_v)][mode_index(e.to_priv, e.to_v)]++;
    }
    uint64_t total() const { return next_; }
    uint64_t count(EventKind k) const { return counts_[size_t(k)]; }
    // Whole-run tallies (not limited by the ring's size).
    uint64_t traps(uint64_t cause) const { return cause < 64 ? traps_[cause] : 0; }
    uint64_t interrupts(uint64_t cause) const { return cause < 64 ? interrupts_[cause] : 0; }
    // Mode indexes: 0 U, 1 S/HS, 2 VU, 3 VS, 4 M.
    static unsigned mode_index(Priv p, bool v) { return p == Priv::M ? 4 : (v ? 2 : 0) + (p == Priv::S ? 1 : 0); }
    uint64_t transitions(unsigned from, unsigned to) const { return transitions_[from][to]; }
    // The last n events, oldest first.
    std::vector<Event> last(size_t n) const;
    // Events with seq >= from that are still in the ring.
    std::vector<Event> since(uint64_t from) const;

    // Snapshots: the position and the tallies, and with `ring` the events
    // still in the ring. Restored without them, the ring keeps only the
    // events older than the position that later ones did not overwrite.
    void save(dev::StateOut& out, bool ring) const;
    void restore(dev::StateIn& in);

private:
    std::vector<Event> ring_;
    uint64_t next_ = 0;
    uint64_t counts_[size_t(EventKind::Count)] = {};
    uint64_t traps_[64] = {};
    uint64_t interrupts_[64] = {};
    uint64_t transitions_[5][5] = {};
};

std::string describe(const Event& e, bool h_enabled);

}  // namespace emu
