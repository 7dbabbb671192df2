#include "events.hpp"

#include <cstdio>
#include <cstring>

#include "isa/causes.hpp"
#include "isa/csr.hpp"

namespace emu {

namespace {
constexpr const char* kNames[] = {"trap", "interrupt", "xret", "priv", "atp", "tlbfill",
                                  "vmexit", "vmentry", "wfi", "halt", "reset", "msi"};
static_assert(std::size(kNames) == size_t(EventKind::Count));
}  // namespace

const char* event_kind_name(EventKind k) { return kNames[size_t(k)]; }

bool event_kind_by_name(const std::string& name, EventKind& out) {
    for (size_t i = 0; i < std::size(kNames); ++i)
        if (name == kNames[i]) { out = EventKind(i); return true; }
    return false;
}

const char* priv_name(Priv p, bool v, bool h_enabled) {
    switch (p) {
    case Priv::M: return "M";
    case Priv::S: return v ? "VS" : (h_enabled ? "HS" : "S");
    default: return v ? "VU" : "U";
    }
}

namespace event {
namespace {
Event at(EventKind k, uint64_t pc, Mode from, Mode to) {
    Event e;
    e.kind = k;
    e.pc = pc;
    e.from_priv = from.priv;
    e.from_v = from.v;
    e.to_priv = to.priv;
    e.to_v = to.v;
    return e;
}
Event as(EventKind k, Event e) {
    e.kind = k;
    return e;
}
}  // namespace

Event trap(uint64_t pc, uint64_t cause, bool interrupt, uint64_t tval, uint64_t tval2, uint64_t tinst, Mode from,
           Mode to) {
    Event e = at(interrupt ? EventKind::Interrupt : EventKind::Trap, pc, from, to);
    e.cause = cause;
    e.interrupt = interrupt;
    e.tval = tval;
    e.tval2 = tval2;
    e.tinst = tinst;
    return e;
}
Event xret(bool mret, uint64_t target, Mode from, Mode to) {
    Event e = at(EventKind::Xret, target, from, to);
    e.mret = mret;
    return e;
}
Event vm_exit(const Event& trap, uint64_t context) {
    Event e = as(EventKind::VmExit, trap);
    e.context = context;
    return e;
}
Event vm_entry(const Event& xret, uint64_t context) {
    Event e = as(EventKind::VmEntry, xret);
    e.context = context;
    return e;
}
Event priv_change(const Event& trap_or_xret) { return as(EventKind::PrivChange, trap_or_xret); }
Event atp_write(uint16_t csr, uint64_t value, uint64_t pc, Mode m) {
    Event e = at(EventKind::AtpWrite, pc, m, m);
    e.csr = csr;
    e.value = value;
    return e;
}
Event tlb_fill(uint64_t va, uint64_t pa, Access access, uint64_t pc, Mode m) {
    Event e = at(EventKind::TlbFill, pc, m, m);
    e.va = va;
    e.pa = pa;
    e.access = access;
    return e;
}
Event wfi(uint64_t pc, Mode m) { return at(EventKind::Wfi, pc, m, m); }
Event halt(int32_t exit_code, uint64_t pc, Mode m) {
    Event e = at(EventKind::Halt, pc, m, m);
    e.exit_code = exit_code;
    return e;
}
Event reset() { return at(EventKind::Reset, 0, {}, {}); }
Event msi(unsigned target, unsigned file, uint32_t id, uint64_t pc, Mode m) {
    Event e = at(EventKind::Msi, pc, m, m);
    e.target = uint8_t(target);
    e.file = uint8_t(file);
    e.value = id;
    return e;
}
}  // namespace event

uint64_t EventLog::Ring::first_at_or_after(uint64_t seq) const {
    uint64_t a = lo, b = hi;
    while (a < b) {
        const uint64_t m = a + (b - a) / 2;
        if (at(m).seq < seq) a = m + 1;
        else b = m;
    }
    return a;
}

std::vector<Event> EventLog::last(size_t n) const {
    uint64_t from = next_ > n ? next_ - n : 0;
    return since(from);
}

std::vector<Event> EventLog::since(uint64_t from) const {
    std::vector<Event> out;
    uint64_t i = ring_.first_at_or_after(from), j = fills_.first_at_or_after(from);
    out.reserve(size_t((ring_.hi - i) + (fills_.hi - j)));
    while (i < ring_.hi || j < fills_.hi) {
        if (j == fills_.hi || (i < ring_.hi && ring_.at(i).seq < fills_.at(j).seq)) out.push_back(ring_.at(i++));
        else out.push_back(fills_.at(j++));
    }
    return out;
}

void EventLog::save(dev::StateOut& o, bool ring) const {
    o.u64(next_);
    o.raw(counts_, sizeof counts_);
    o.raw(traps_, sizeof traps_);
    o.raw(interrupts_, sizeof interrupts_);
    o.raw(transitions_, sizeof transitions_);
    std::vector<Event> kept = ring ? since(0) : std::vector<Event>{};
    o.vec(kept);
}

void EventLog::restore(dev::StateIn& in) {
    const uint64_t next = in.u64();
    uint64_t counts[size_t(EventKind::Count)], traps[64], intr[64], trans[5][5];
    in.raw(counts, sizeof counts);
    in.raw(traps, sizeof traps);
    in.raw(intr, sizeof intr);
    in.raw(trans, sizeof trans);
    auto kept = in.vec_up_to<Event>(ring_.slots.size() + fills_.slots.size());
    for (size_t k = 0; k < kept.size(); ++k)
        if (kept[k].seq >= next || size_t(kept[k].kind) >= size_t(EventKind::Count) ||
            (k && kept[k].seq <= kept[k - 1].seq))
            throw dev::StateError("event log: an event after its end or out of order");
    next_ = next;
    std::memcpy(counts_, counts, sizeof counts);
    std::memcpy(traps_, traps, sizeof traps);
    std::memcpy(interrupts_, intr, sizeof intr);
    std::memcpy(transitions_, trans, sizeof trans);
    if (kept.empty()) {
        // What the rings hold from before the position stays; what came after goes.
        ring_.hi = ring_.first_at_or_after(next);
        fills_.hi = fills_.first_at_or_after(next);
        return;
    }
    ring_.lo = ring_.hi = fills_.lo = fills_.hi = 0;
    for (const Event& e : kept) (e.kind == EventKind::TlbFill ? fills_ : ring_).push(e);
}

std::string describe(const Event& e, bool h) {
    char buf[256];
    const char* from = priv_name(e.from_priv, e.from_v, h);
    const char* to = priv_name(e.to_priv, e.to_v, h);
    auto cause = [&](bool intr) {
        std::string_view n = isa::cause_name(e.cause, intr);
        return n.empty() ? std::string("cause ") + std::to_string(e.cause) : std::string(n);
    };
    switch (e.kind) {
    case EventKind::Trap:
    case EventKind::VmExit:
        std::snprintf(buf, sizeof buf, "%s %s -> %s: %s (%s %llu) at pc 0x%llx tval 0x%llx",
                      e.kind == EventKind::VmExit ? "vmexit" : "trap", from, to, cause(e.interrupt).c_str(),
                      e.interrupt ? "interrupt" : "cause", (unsigned long long)e.cause, (unsigned long long)e.pc,
                      (unsigned long long)e.tval);
        if (e.kind == EventKind::VmExit || e.tval2 || e.tinst) {
            std::string s = buf;
            std::snprintf(buf, sizeof buf, " gpa 0x%llx tinst 0x%llx", (unsigned long long)e.tval2,
                          (unsigned long long)e.tinst);
            return s + buf;
        }
        break;
    case EventKind::Interrupt:
        std::snprintf(buf, sizeof buf, "interrupt %s -> %s: %s at pc 0x%llx", from, to, cause(true).c_str(),
                      (unsigned long long)e.pc);
        break;
    case EventKind::Xret:
        std::snprintf(buf, sizeof buf, "%s %s -> %s to pc 0x%llx", e.mret ? "mret" : "sret", from, to,
                      (unsigned long long)e.pc);
        break;
    case EventKind::VmEntry:
        std::snprintf(buf, sizeof buf, "vmentry %s -> %s to pc 0x%llx", from, to, (unsigned long long)e.pc);
        break;
    case EventKind::PrivChange:
        std::snprintf(buf, sizeof buf, "priv %s -> %s at pc 0x%llx", from, to, (unsigned long long)e.pc);
        break;
    case EventKind::AtpWrite: {
        auto n = isa::csr_name(e.csr);
        std::snprintf(buf, sizeof buf, "%s <- 0x%016llx at pc 0x%llx", n ? std::string(*n).c_str() : "atp",
                      (unsigned long long)e.value, (unsigned long long)e.pc);
        break;
    }
    case EventKind::TlbFill:
        std::snprintf(buf, sizeof buf, "tlb fill va 0x%llx -> pa 0x%llx (%s)", (unsigned long long)e.va,
                      (unsigned long long)e.pa, e.access == Access::Fetch ? "fetch" : e.access == Access::Write ? "store" : "load");
        break;
    case EventKind::Wfi:
        std::snprintf(buf, sizeof buf, "wfi at pc 0x%llx", (unsigned long long)e.pc);
        break;
    case EventKind::Reset:
        return "reset: every hart restarts at the boot ROM";
    case EventKind::Msi:
        if (e.file >= 2)
            std::snprintf(buf, sizeof buf, "msi: identity %llu into hart %u's guest file %u (from pc 0x%llx)",
                          (unsigned long long)e.value, e.target, e.file - 1, (unsigned long long)e.pc);
        else
            std::snprintf(buf, sizeof buf, "msi: identity %llu into hart %u's %s-level file (from pc 0x%llx)",
                          (unsigned long long)e.value, e.target, e.file ? "S" : "M", (unsigned long long)e.pc);
        break;
    case EventKind::Halt:
        std::snprintf(buf, sizeof buf, "halt, exit code %llu", (unsigned long long)uint64_t(int64_t(e.exit_code)));
        break;
    default: return "?";
    }
    return buf;
}

}  // namespace emu
