// The debugger's snapshot and reverse-execution commands.
#include <chrono>

#include "debug_session.hpp"
#include "emu/snapshot.hpp"
#include "options.hpp"

namespace cli {

namespace {
std::string since(std::chrono::steady_clock::time_point t0) {
    char b[64];
    std::snprintf(b, sizeof b, "%.1f ms",
                  std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
    return b;
}
}  // namespace

emu::History& DebugSession::need_history() {
    if (!m_.history()) throw UsageError("no history is kept for this machine: reverse execution is off");
    return *m_.history();
}

void DebugSession::snapshot(const std::vector<std::string>& a, std::ostream& out) {
    if (a.size() != 2 || (a[0] != "save" && a[0] != "load")) throw UsageError("usage: snapshot save|load FILE");
    try {
        const auto t0 = std::chrono::steady_clock::now();
        if (a[0] == "save") {
            const uint64_t bytes = emu::save_snapshot(m_, a[1]);
            out << "saved " << a[1] << ": " << bytes << " bytes at step " << m_.steps() << " (" << since(t0) << ")\n";
            return;
        }
        emu::load_snapshot(m_, a[1]);
        if (m_.history()) m_.history()->restart();
        out << "restored " << a[1] << ": step " << m_.steps() << " (" << since(t0) << ")\n";
        where(out);
    } catch (const emu::SnapshotError& e) {
        throw UsageError(e.what());
    }
}


void DebugSession::reverse_step(uint64_t n, std::ostream& out) {
    emu::History& h = need_history();
    const auto t0 = std::chrono::steady_clock::now();
    const uint64_t now = m_.steps();
    if (n > now - h.start()) {
        h.seek(h.start());
        out << "at the start of the history (step " << m_.steps() << ")\n";
    } else {
        h.seek(now - n);
        out << "back " << n << " steps to step " << m_.steps() << " (" << since(t0) << ")\n";
    }
    where(out);
}

void DebugSession::reverse_until(const std::vector<std::string>& a, std::ostream& out) {
    emu::History& h = need_history();
    if (a.empty()) throw UsageError("usage: reverse until trap|interrupt|xret|priv|vmexit|vmentry|atp|tlbfill|wfi|msi|pc ADDR");
    const auto t0 = std::chrono::steady_clock::now();
    emu::History::Found f;
    if (a[0] == "pc") {
        if (a.size() < 2) throw UsageError("usage: reverse until pc ADDR");
        f = h.back_to_pc(parse_u64(a[1], "reverse until pc"));
    } else {
        emu::EventKind k;
        if (!emu::event_kind_by_name(a[0], k)) throw UsageError("reverse until: unknown condition '" + a[0] + "'");
        f = h.back_to_event(k);
        if (f == emu::History::Found::Yes) {
            for (auto it = m_.events().last(64); !it.empty(); it.pop_back())
                if (it.back().kind == k) {
                    const auto& e = it.back();
                    out << "event: [cycle " << e.cycle << "] hart" << unsigned(e.hart) << " "
                        << emu::describe(e, m_.config().isa.has(isa::Ext::H)) << "\n";
                    break;
                }
        }
    }
    if (f == emu::History::Found::Start) out << "not found: at the start of the history (step " << m_.steps() << ")\n";
    else out << "back to step " << m_.steps() << " (" << since(t0) << ")\n";
    where(out);
}

void DebugSession::history(std::ostream& out) {
    emu::History& h = need_history();
    char b[256];
    std::snprintf(b, sizeof b,
                  "history: %zu snapshots, one every %llu steps, %.1f MiB of %.0f MiB; steps %llu .. %llu\n",
                  h.count(), (unsigned long long)h.interval(), double(h.bytes()) / (1 << 20),
                  double(h.limits().max_bytes) / (1 << 20), (unsigned long long)h.start(),
                  (unsigned long long)m_.steps());
    out << b;
}

}  // namespace cli
