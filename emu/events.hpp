// The event log: what happened, in order, in a fixed-size ring buffer. Traps,
// xRETs, privilege changes, interrupts, writes to translation registers, TLB
// fills, VM exits and entries are recorded here; the CLI narration, traces,
// the debugger and the GUI all read this log. Recording costs nothing on the
// hot path: every event comes from a slow path (trap, CSR write, TLB miss).
// TLB fills, by far the most frequent, have a ring of their own so that
// they never push traps, xRETs and VM exits out of theirs; `since` and
// `last` merge the two by position. The VM-exit index over this log is
// emu/exit_index.hpp.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "devices/state.hpp"
#include "priv.hpp"
#include "tlb.hpp"

namespace emu {

enum class EventKind : uint8_t {
    Trap,         // synchronous exception taken (cause, tval, tval2 = GPA, tinst)
    Interrupt,    // interrupt taken (cause = interrupt number)
    Xret,         // mret / sret (pc = return address, mret)
    PrivChange,   // privilege (or V) changed: from -> to
    AtpWrite,     // satp / vsatp / hgatp written (csr = address, value = new value)
    TlbFill,      // a translation was cached (va -> pa, access)
    VmExit,       // a trap that changed V from 1 to 0
    VmEntry,      // an xRET that changed V from 0 to 1
    Wfi,          // hart stalled in WFI
    Halt,         // the machine stopped (poweroff, HTIF exit: exit_code)
    Reset,        // the machine was reset (syscon reboot)
    Msi,          // an MSI written into an IMSIC interrupt file (target, file, value = its identity)
    Count
};
const char* event_kind_name(EventKind k);
bool event_kind_by_name(const std::string& name, EventKind& out);

// A privilege mode with its V bit: where an event came from or went to.
struct Mode {
    Priv priv = Priv::M;
    bool v = false;
};

// One record of the log. Build it with the constructor of its kind below;
// each field means one thing, and only for the kinds its comment names.
struct Event {
    uint64_t seq = 0;      // position in the whole run (monotonic); set by the log
    uint64_t cycle = 0;    // set by Machine::emit, with hart and instret
    uint64_t instret = 0;
    uint64_t pc = 0;       // pc of the instruction (the return target for Xret and VmEntry)
    uint64_t cause = 0;    // Trap, Interrupt, VmExit: exception cause or interrupt number
    uint64_t tval = 0;     // Trap, Interrupt, VmExit: the trap value (GVA)
    uint64_t tval2 = 0;    // Trap, Interrupt, VmExit: guest physical address (htval/mtval2 << 2)
    uint64_t tinst = 0;    // Trap, Interrupt, VmExit: transformed instruction (htinst/mtinst)
    uint64_t value = 0;    // AtpWrite: the CSR's new value; Msi: the identity
    uint64_t context = 0;  // VmExit, VmEntry: the hart's (HS-level) sscratch, where a hypervisor keeps its vCPU's context while it runs
    uint64_t va = 0, pa = 0;  // TlbFill: the translation cached
    int32_t exit_code = 0;    // Halt
    uint16_t csr = 0;         // AtpWrite: the CSR's address
    uint8_t hart = 0;         // the hart it happened on (Msi: the one whose store or device sent it)
    uint8_t target = 0;       // Msi: the hart whose IMSIC holds the file
    uint8_t file = 0;         // Msi: the file, 0 M level, 1 S level, 1 + g guest g
    EventKind kind = EventKind::Trap;
    Priv from_priv = Priv::M, to_priv = Priv::M;
    bool from_v = false, to_v = false;
    bool interrupt = false;   // Trap, Interrupt, VmExit: an interrupt (cause is its number)
    bool mret = false;        // Xret, VmEntry: mret (else sret)
    Access access = Access::Read;  // TlbFill
};

// The constructors, one per kind. A VM exit and a privilege change are
// logged together with the trap or xRET that caused them, as copies of it.
namespace event {
Event trap(uint64_t pc, uint64_t cause, bool interrupt, uint64_t tval, uint64_t tval2, uint64_t tinst, Mode from,
           Mode to);
Event xret(bool mret, uint64_t target, Mode from, Mode to);
// context: the hart's sscratch (Event::context).
Event vm_exit(const Event& trap, uint64_t context = 0);
Event vm_entry(const Event& xret, uint64_t context = 0);
Event priv_change(const Event& trap_or_xret);
Event atp_write(uint16_t csr, uint64_t value, uint64_t pc, Mode at);
Event tlb_fill(uint64_t va, uint64_t pa, Access access, uint64_t pc, Mode at);
Event wfi(uint64_t pc, Mode at);
Event halt(int32_t exit_code, uint64_t pc, Mode at);
Event reset();
Event msi(unsigned target, unsigned file, uint32_t id, uint64_t pc, Mode at);
}  // namespace event

class EventLog {
public:
    explicit EventLog(size_t capacity = 1u << 16) : ring_(capacity), fills_(capacity) {}
    void push(const Event& e) {
        (e.kind == EventKind::TlbFill ? fills_ : ring_).push(e).seq = next_++;
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
    // Events with seq >= from that are still in the rings, in order.
    std::vector<Event> since(uint64_t from) const;

    // Snapshots: the position and the tallies, and with `ring` the events
    // still in the rings. Restored without them, the rings keep only the
    // events older than the position that later ones did not overwrite.
    void save(dev::StateOut& out, bool ring) const;
    void restore(dev::StateIn& in);

private:
    // The last slots.size() events pushed into it, oldest first: [lo, hi).
    struct Ring {
        explicit Ring(size_t n) : slots(n) {}
        std::vector<Event> slots;
        uint64_t lo = 0, hi = 0;
        Event& push(const Event& e) {
            Event& slot = slots[hi++ % slots.size()];
            slot = e;
            if (hi - lo > slots.size()) lo = hi - slots.size();
            return slot;
        }
        const Event& at(uint64_t i) const { return slots[i % slots.size()]; }
        uint64_t first_at_or_after(uint64_t seq) const;  // index of the first event with seq >= seq
    };
    Ring ring_;    // every kind but TlbFill
    Ring fills_;   // TlbFill
    uint64_t next_ = 0;
    uint64_t counts_[size_t(EventKind::Count)] = {};
    uint64_t traps_[64] = {};
    uint64_t interrupts_[64] = {};
    uint64_t transitions_[5][5] = {};
};

std::string describe(const Event& e, bool h_enabled);

}  // namespace emu
