#include "events.hpp"

#include <cstdio>
#include <cstring>

#include "isa/causes.hpp"
#include "isa/csr.hpp"

namespace emu {

namespace {
constexpr const char* kNames[] = {"trap", "interrupt", "xret", "priv", "atp", "tlbfill",
                                  "vmexit", "vmentry", "wfi", "halt", "reset"};
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

std::vector<Event> EventLog::last(size_t n) const {
    uint64_t from = next_ > n ? next_ - n : 0;
    return since(from);
}

std::vector<Event> EventLog::since(uint64_t from) const {
    std::vector<Event> out;
    uint64_t oldest = next_ > ring_.size() ? next_ - ring_.size() : 0;
    for (uint64_t s = std::max(from, oldest); s < next_; ++s) {
        const Event& e = ring_[s % ring_.size()];
        if (e.seq == s) out.push_back(e);  // else lost to a later run since undone
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
    auto kept = in.vec_up_to<Event>(ring_.size());
    for (const Event& e : kept)
        if (e.seq >= next || size_t(e.kind) >= size_t(EventKind::Count)) throw dev::StateError("event log: an event after its end");
    next_ = next;
    std::memcpy(counts_, counts, sizeof counts);
    std::memcpy(traps_, traps, sizeof traps);
    std::memcpy(interrupts_, intr, sizeof intr);
    std::memcpy(transitions_, trans, sizeof trans);
    for (const Event& e : kept) ring_[e.seq % ring_.size()] = e;
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
        std::snprintf(buf, sizeof buf, "%s %s -> %s to pc 0x%llx", e.cause ? "mret" : "sret", from, to,
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
                      (unsigned long long)e.tinst, (unsigned long long)e.pc);
        break;
    }
    case EventKind::TlbFill:
        std::snprintf(buf, sizeof buf, "tlb fill va 0x%llx -> pa 0x%llx (%s)", (unsigned long long)e.tval,
                      (unsigned long long)e.tval2, e.cause == 2 ? "fetch" : e.cause == 1 ? "store" : "load");
        break;
    case EventKind::Wfi:
        std::snprintf(buf, sizeof buf, "wfi at pc 0x%llx", (unsigned long long)e.pc);
        break;
    case EventKind::Reset:
        return "reset: every hart restarts at the boot ROM";
    case EventKind::Halt:
        std::snprintf(buf, sizeof buf, "halt, exit code %llu", (unsigned long long)e.cause);
        break;
    default: return "?";
    }
    return buf;
}

}  // namespace emu
