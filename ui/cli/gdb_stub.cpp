#include "gdb_stub.hpp"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <sstream>

#include "emu/history.hpp"
#include "gdb_regs.hpp"
#include "options.hpp"
#include "isa/hex.hpp"

namespace cli {

const char* const kGdbOptionsHelp =
    "gdb options:\n"
    "  --gdb PORT       a gdb remote stub on localhost:PORT (gdb: target remote :PORT)\n"
    "  -s               the same on port 1234, as QEMU's -s\n"
    "  -S               wait for gdb before the first instruction (port 1234 unless --gdb)\n";

bool parse_gdb_option(const std::vector<std::string>& args, size_t& i, GdbOptions& opt) {
    const std::string& a = args[i];
    if (a == "--gdb") {
        uint64_t p = parse_u64(value_of(args, i), "--gdb");
        if (p == 0 || p > 65535) throw UsageError("--gdb: port must be 1..65535");
        opt.port = int(p);
    } else if (a == "-s") {
        opt.port = 1234;
    } else if (a == "-S") {
        opt.wait = true;
        if (opt.port < 0) opt.port = 1234;
    } else {
        return false;
    }
    return true;
}

namespace {
constexpr size_t kMaxMemoryPacket = 0x1000;  // bytes per m/M reply: fits PacketSize=4000 (hex)
constexpr unsigned kSigInt = 2, kSigTrap = 5, kSigXcpu = 24;  // gdb's signal numbers

std::string hex_bytes(const std::string& b) {
    static const char* const kHex = "0123456789abcdef";
    std::string s;
    s.reserve(b.size() * 2);
    for (unsigned char c : b) { s.push_back(kHex[c >> 4]); s.push_back(kHex[c & 15]); }
    return s;
}

bool unhex(const std::string& s, std::string& out) {
    if (s.size() % 2) return false;
    out.clear();
    for (size_t i = 0; i < s.size(); i += 2) {
        int v = 0;
        for (size_t k = i; k < i + 2; ++k) {
            char c = s[k];
            int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
            if (d < 0) return false;
            v = v * 16 + d;
        }
        out.push_back(char(v));
    }
    return true;
}

// A hexadecimal number filling all of s.
bool parse_hex(const std::string& s, uint64_t& v) {
    if (s.empty() || s.size() > 16) return false;
    v = 0;
    for (char c : s) {
        int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
        if (d < 0) return false;
        v = v * 16 + uint64_t(d);
    }
    return true;
}

// "ADDR,LEN" (and what follows ':' for M/X).
bool addr_len(const std::string& s, uint64_t& addr, uint64_t& len) {
    size_t comma = s.find(',');
    return comma != std::string::npos && parse_hex(s.substr(0, comma), addr) && parse_hex(s.substr(comma + 1), len);
}

// What tells a step's hart moved on: it executed, trapped or slept.
struct Progress {
    uint64_t pc, cycle, instret;
    emu::Priv priv;
    bool virt;
    bool operator==(const Progress&) const = default;
};
Progress progress(const emu::Hart& h) { return {h.pc, h.cycle, h.instret, h.priv, h.virt}; }
}  // namespace

GdbStub::GdbStub(emu::Machine& m, DebugSession& dbg, uint16_t port) : mp_(&m), dbg_(&dbg), wire_(port) {}

void GdbStub::attach(emu::Machine& m, DebugSession& dbg) {
    if (&m == mp_) return;
    mp_ = &m;
    dbg_ = &dbg;
    bp_refs_.clear();  // the new machine has none of them
    armed_ = goal_ = Goal{};
    temp_bp_ = false;
    xml_.clear();
    interrupt();
}

bool GdbStub::accept(int wait_ms) {
    if (wire_.connected()) return true;
    if (!wire_.accept(wait_ms)) return false;
    running_ = false;
    step_hart_ = -1;
    g_tid_ = 1;
    c_tid_ = -1;
    last_ = GdbStop{};
    return true;
}

emu::Hart& GdbStub::hart(int tid) {
    unsigned i = tid > 0 ? unsigned(tid - 1) : 0;
    return m().hart(std::min(i, m().hart_count() - 1));
}

int GdbStub::tid_of(const std::string& t) {
    if (t == "-1") return -1;
    uint64_t v;
    if (!parse_hex(t, v)) return -2;
    if (v == 0) return 0;
    return v <= m().hart_count() ? int(v) : -2;
}

void GdbStub::console(const std::string& text) {
    for (size_t off = 0; off < text.size(); off += 512) reply("O" + hex_bytes(text.substr(off, 512)));
}

std::string GdbStub::stop_reply() {
    const unsigned tid = last_.hart + 1;
    char b[64];
    std::snprintf(b, sizeof b, "T%02xthread:%x;", last_.kind == GdbStop::Interrupt ? kSigInt : kSigTrap, tid);
    std::string s = b;
    if (last_.kind == GdbStop::HistoryStart) s += "replaylog:begin;";
    if (last_.kind == GdbStop::HistoryEnd) s += "replaylog:end;";
    if (last_.reason == emu::StopReason::Watchpoint) {
        const emu::WatchHit& w = m().watch_hit();
        const char* k = w.watch.kind == emu::WatchKind::Write ? "watch" : w.watch.kind == emu::WatchKind::Read ? "rwatch" : "awatch";
        s += std::string(k) + ":" + isa::hex_digits(w.addr) + ";";
    }
    return s;
}

void GdbStub::stopped(const GdbStop& s) {
    if (s.reason == emu::StopReason::Event && goal_.kind) {  // say which event, as the debugger does
        std::string text;
        for (const auto& e : m().events().since(event_seq_))
            if (e.kind == *goal_.kind)
                text += "event: [cycle " + std::to_string(e.cycle) + "] hart" + std::to_string(e.hart) + " " +
                        emu::describe(e, m().config().isa.has(isa::Ext::H)) + "\n";
        console(text);
    }
    disarm();
    running_ = false;
    step_hart_ = -1;
    last_ = s;
    g_tid_ = int(s.hart) + 1;
    reply(stop_reply());
}

void GdbStub::interrupt() {
    if (running_) stopped({GdbStop::Interrupt, emu::StopReason::Limit, step_hart_ >= 0 ? unsigned(step_hart_) : 0});
}

void GdbStub::machine_halted(int exit_code) {
    running_ = false;
    if (!wire_.connected()) return;
    char b[8];
    std::snprintf(b, sizeof b, "W%02x", unsigned(exit_code) & 0xff);
    reply(b);
    wire_.disconnect();
}

void GdbStub::limit_reached(const std::string& message) {
    running_ = false;
    if (!wire_.connected()) return;
    console("stepvisor: " + message + "\n");
    char b[8];
    std::snprintf(b, sizeof b, "X%02x", kSigXcpu);
    reply(b);
    wire_.disconnect();
}

uint64_t GdbStub::service(int wait_ms, uint64_t budget) {
    if (!wire_.connected()) return 0;
    if (!running_) {
        for (auto p = wire_.receive(wait_ms); p; p = wire_.receive(0)) {
            handle(*p);
            if (running_ || !wire_.connected()) break;
        }
    }
    if (!wire_.connected()) {
        // gdb went away (detach, kill or a dropped connection): its
        // breakpoints and watchpoints go with it, the machine runs on.
        for (const auto& [addr, n] : bp_refs_) m().remove_breakpoint(addr);
        bp_refs_.clear();
        while (!m().watchpoints().empty()) m().remove_watchpoint(m().watchpoints().front());
        running_ = false;
        return 0;
    }
    if (!running_ || budget == 0) return 0;
    if (wire_.interrupted()) {
        interrupt();
        return 0;
    }
    return run_slice(budget);
}

uint64_t GdbStub::run_slice(uint64_t budget) {
    const uint64_t n0 = m().instructions_since_power_on();
    emu::StopReason r = emu::StopReason::Limit;
    bool step_done = false;
    if (step_hart_ >= 0) {
        emu::Hart& h = m().hart(unsigned(step_hart_));
        const Progress before = progress(h);
        for (uint64_t i = 0; i < budget && r == emu::StopReason::Limit && !step_done; ++i) {
            r = m().run(1);
            step_done = !(progress(h) == before);
        }
    } else if (goal_.steps) {
        // run(1) executes one instruction (retired or trapped), or none when
        // it gave control back early (a long WFI sleep).
        for (uint64_t i = 0; i < budget && goal_.steps && r == emu::StopReason::Limit; ++i) {
            r = m().run(1);
            if (r == emu::StopReason::Limit) goal_.steps -= std::min(goal_.steps, m().last_run_instructions());
        }
        step_done = goal_.steps == 0;
    } else {
        r = m().run(budget);
    }
    const uint64_t done = m().instructions_since_power_on() - n0;
    switch (r) {
    case emu::StopReason::Halted: machine_halted(m().exit_code()); break;
    case emu::StopReason::Idle:
        console("stepvisor: " + m().idle_text() + "\n");
        stopped({GdbStop::Trap, r, step_hart_ >= 0 ? unsigned(step_hart_) : 0});
        break;
    case emu::StopReason::Breakpoint:
    case emu::StopReason::Watchpoint:
    case emu::StopReason::TrapLoop:
    case emu::StopReason::Event: stopped({GdbStop::Trap, r, m().stop_hart()}); break;
    case emu::StopReason::Limit:
        if (step_done) stopped({GdbStop::Trap, r, step_hart_ >= 0 ? unsigned(step_hart_) : hart(g_tid_).id});
        break;
    }
    return done;
}

// ---------------------------------------------------------------- packets

void GdbStub::handle(const std::string& p) {
    if (p.empty()) { reply(""); return; }
    switch (p[0]) {
    case '?': reply(stop_reply()); return;
    case 'q': case 'Q': query(p); return;
    case 'H': set_thread(p); return;
    case 'T': reply(tid_of(p.substr(1)) > 0 ? "OK" : "E01"); return;
    case 'g': case 'p': registers(p); return;
    case 'm': memory(p); return;
    case 'G': case 'P': case 'M': case 'X':
        // A write by hand: the machine's history keeps it (a snapshot now).
        if (p[0] == 'G' || p[0] == 'P') registers(p); else memory(p);
        if (m().history()) m().history()->changed();
        return;
    case 'Z': case 'z': breakpoint(p); return;
    case 'c': case 'C': case 's': case 'S': resume(p); return;
    case 'v':
        if (p == "vCont?") reply("vCont;c;C;s;S");
        else if (p.rfind("vCont;", 0) == 0) resume_vcont(p);
        else reply("");  // vMustReplyEmpty and every v packet not offered
        return;
    case 'b': reverse(p); return;
    case 'D':
        reply("OK");
        wire_.disconnect();
        return;
    case 'k':
        killed_ = true;
        wire_.disconnect();
        return;
    default: reply(""); return;  // not supported: gdb falls back or says so
    }
}

void GdbStub::query(const std::string& p) {
    if (p.rfind("qSupported", 0) == 0) {
        std::string s = "PacketSize=4000;qXfer:features:read+;QStartNoAckMode+;vContSupported+";
        if (reverse_) s += ";ReverseStep+;ReverseContinue+";
        reply(s);
    } else if (p == "QStartNoAckMode") {
        reply("OK");
        wire_.set_no_ack();
    } else if (p.rfind("qXfer:features:read:", 0) == 0) {
        const std::string rest = p.substr(20);
        size_t colon = rest.find(':');
        uint64_t off, len;
        if (colon == std::string::npos || !addr_len(rest.substr(colon + 1), off, len)) { reply("E01"); return; }
        if (rest.substr(0, colon) != "target.xml") { reply("E00"); return; }
        if (xml_.empty()) xml_ = gdbregs::target_xml(m().hart(0));
        if (off >= xml_.size()) { reply("l"); return; }
        len = std::min<uint64_t>(len, 0x3f00);
        std::string part = xml_.substr(off, len);
        reply((off + part.size() >= xml_.size() ? "l" : "m") + part);
    } else if (p == "qAttached") {
        reply("1");
    } else if (p == "qC") {
        reply("QC" + isa::hex_digits(uint64_t(last_.hart) + 1));
    } else if (p == "qfThreadInfo") {
        std::string s = "m";
        for (unsigned i = 0; i < m().hart_count(); ++i) s += (i ? "," : "") + isa::hex_digits(i + 1);
        reply(s);
    } else if (p == "qsThreadInfo") {
        reply("l");
    } else if (p.rfind("qThreadExtraInfo,", 0) == 0) {
        int tid = tid_of(p.substr(17));
        if (tid <= 0) { reply("E01"); return; }
        emu::Hart& h = hart(tid);
        reply(hex_bytes("hart" + std::to_string(h.id) + " " + emu::priv_name(h.priv, h.virt, h.h_ext) + "-mode"));
    } else if (p.rfind("qRcmd,", 0) == 0) {
        monitor(p.substr(6));
    } else if (p == "qSymbol::") {
        reply("OK");
    } else {
        reply("");
    }
}

void GdbStub::monitor(const std::string& hex_line) {
    std::string line;
    if (!unhex(hex_line, line)) { reply("E01"); return; }
    std::istringstream in(line);
    std::vector<std::string> words;
    for (std::string w; in >> w;) words.push_back(w);
    std::ostringstream out;
    if (words.empty() || words[0] == "help") {
        out << kDebugCommands
            << "under gdb, until/step/continue arm gdb's next continue or stepi (monitor until vmexit, then continue)\n";
    } else if (!arm(words, out)) {
        // The debugger's language on the hart gdb has selected.
        std::ostringstream ignore;
        dbg_->execute("hart " + std::to_string(hart(g_tid_).id), ignore);
        if (!dbg_->execute(line, out)) out << "quit: detach or kill from gdb instead\n";
    }
    console(out.str());
    reply("OK");
}

// until KIND | until pc ADDR | step [N] | continue: armed for gdb's next resume.
bool GdbStub::arm(const std::vector<std::string>& w, std::ostream& out) {
    const std::string& c = w[0];
    try {
        if (c == "until" || c == "u") {
            if (w.size() < 2) throw UsageError("usage: until trap|interrupt|xret|priv|vmexit|vmentry|atp|tlbfill|wfi|pc ADDR");
            Goal g;
            if (w[1] == "pc") {
                if (w.size() < 3) throw UsageError("usage: until pc ADDR");
                g.pc = parse_u64(w[2], "until pc");
            } else {
                emu::EventKind k;
                if (!emu::event_kind_by_name(w[1], k)) throw UsageError("until: unknown condition '" + w[1] + "'");
                g.kind = k;
            }
            armed_ = g;
            out << "armed: gdb's next continue or stepi stops at " << (g.pc ? "pc " + isa::hex(*g.pc) : "the next " + w[1]) << "\n";
        } else if (c == "step" || c == "s" || c == "si") {
            Goal g;
            g.steps = w.size() > 1 ? parse_u64(w[1], "step") : 1;
            if (g.steps == 0) throw UsageError("step: N must be at least 1");
            armed_ = g;
            out << "armed: gdb's next continue runs " << g.steps << " instruction(s) of the machine and stops\n";
        } else if (c == "continue" || c == "c") {
            out << "use gdb's continue\n";
        } else {
            return false;
        }
    } catch (const UsageError& e) {
        out << "error: " << e.what() << "\n";
    }
    return true;
}

void GdbStub::disarm() {
    m().clear_stop_conditions();
    if (goal_.pc && temp_bp_) m().remove_breakpoint(*goal_.pc);
    goal_ = Goal{};
    temp_bp_ = false;
}

void GdbStub::set_thread(const std::string& p) {
    if (p.size() < 3 || (p[1] != 'g' && p[1] != 'c')) { reply("E01"); return; }
    int tid = tid_of(p.substr(2));
    if (tid == -2) { reply("E01"); return; }
    if (p[1] == 'g') g_tid_ = tid > 0 ? tid : g_tid_;
    else c_tid_ = tid;
    reply("OK");
}

void GdbStub::registers(const std::string& p) {
    emu::Hart& h = hart(g_tid_);
    if (p == "g") {
        std::string s;
        for (unsigned n = 0; n < gdbregs::kCpuCount; ++n) s += hex_bytes(*gdbregs::read(h, n));
        reply(s);
        return;
    }
    if (p[0] == 'G') {
        std::string b;
        if (!unhex(p.substr(1), b) || b.size() < gdbregs::kCpuCount * 8) { reply("E01"); return; }
        for (unsigned n = 0; n < gdbregs::kCpuCount; ++n) gdbregs::write(h, n, b.substr(n * 8, 8));
        reply("OK");
        return;
    }
    uint64_t n;
    if (p[0] == 'p') {
        if (!parse_hex(p.substr(1), n) || n > 0xffff) { reply("E01"); return; }
        auto v = gdbregs::read(h, unsigned(n));
        reply(v ? hex_bytes(*v) : "E02");
        return;
    }
    size_t eq = p.find('=');
    std::string b;
    if (eq == std::string::npos || !parse_hex(p.substr(1, eq - 1), n) || n > 0xffff || !unhex(p.substr(eq + 1), b)) {
        reply("E01");
        return;
    }
    reply(gdbregs::write(h, unsigned(n), b) ? "OK" : "E02");
}

void GdbStub::memory(const std::string& p) {
    emu::Hart& h = hart(g_tid_);
    uint64_t addr, len;
    size_t colon = p.find(':');
    if (!addr_len(p.substr(1, colon == std::string::npos ? std::string::npos : colon - 1), addr, len)) {
        reply("E01");
        return;
    }
    if (p[0] == 'm') {
        len = std::min<uint64_t>(len, kMaxMemoryPacket);
        std::string bytes;
        for (uint64_t i = 0; i < len; ++i) {
            uint8_t b;
            if (!h.debug_read_virt(addr + i, &b, 1)) break;
            bytes.push_back(char(b));
        }
        reply(bytes.empty() && len ? "E14" : hex_bytes(bytes));  // a short reply: the rest is not mapped
        return;
    }
    if (colon == std::string::npos) { reply("E01"); return; }
    std::string data = p.substr(colon + 1);
    if (p[0] == 'M' && !unhex(data, data)) { reply("E01"); return; }
    if (data.size() != len) { reply("E01"); return; }
    reply(h.debug_write_virt(addr, data.data(), data.size()) ? "OK" : "E14");
}

void GdbStub::breakpoint(const std::string& p) {
    // Z/z TYPE,ADDR,KIND (KIND: instruction length, or watched bytes).
    if (p.size() < 4 || p[2] != ',' || p[1] < '0' || p[1] > '4') { reply(""); return; }
    uint64_t addr, len;
    std::string rest = p.substr(3);
    size_t semi = rest.find(';');  // conditions (not offered) would follow
    if (!addr_len(rest.substr(0, semi), addr, len)) { reply("E01"); return; }
    const bool insert = p[0] == 'Z';
    if (p[1] == '0' || p[1] == '1') {
        if (insert) {
            if (bp_refs_[addr]++ == 0) m().add_breakpoint(addr);
        } else {
            auto it = bp_refs_.find(addr);
            if (it == bp_refs_.end()) { reply("E01"); return; }
            if (--it->second == 0) { bp_refs_.erase(it); m().remove_breakpoint(addr); }
        }
        reply("OK");
        return;
    }
    if (len == 0 || addr + len < addr) { reply("E01"); return; }
    const emu::WatchKind k = p[1] == '2' ? emu::WatchKind::Write : p[1] == '3' ? emu::WatchKind::Read : emu::WatchKind::Access;
    const emu::Watchpoint w{addr, len, k};
    if (insert) m().add_watchpoint(w);
    else if (!m().remove_watchpoint(w)) { reply("E01"); return; }
    reply("OK");
}

void GdbStub::start(int step_tid) {
    running_ = true;
    step_hart_ = step_tid > 0 ? step_tid - 1 : -1;
    disarm();
    goal_ = armed_;
    armed_ = Goal{};
    if (goal_.kind) m().stop_on(*goal_.kind);
    if (goal_.pc) {
        temp_bp_ = !m().at_breakpoint(*goal_.pc);
        m().add_breakpoint(*goal_.pc);
    }
    if (goal_.steps) step_hart_ = -1;  // a count of the machine's instructions
    event_seq_ = m().events().total();
}

void GdbStub::resume(const std::string& p) {
    // c [ADDR], s [ADDR], C SIG[;ADDR], S SIG[;ADDR]: the signal means nothing to a bare machine.
    std::string arg = p.substr(1);
    if (p[0] == 'C' || p[0] == 'S') {
        size_t semi = arg.find(';');
        arg = semi == std::string::npos ? "" : arg.substr(semi + 1);
    }
    const int tid = c_tid_ > 0 ? c_tid_ : g_tid_;
    if (!arg.empty()) {
        uint64_t pc;
        if (!parse_hex(arg, pc)) { reply("E01"); return; }
        hart(tid).pc = pc;
    }
    start(p[0] == 's' || p[0] == 'S' ? tid : -1);
}

void GdbStub::resume_vcont(const std::string& p) {
    // vCont;ACTION[:TID];... The machine runs as a whole: a step action
    // names the hart whose next instruction ends the run.
    int step_tid = 0;
    bool any = false;
    std::istringstream in(p.substr(6));
    for (std::string act; std::getline(in, act, ';');) {
        if (act.empty()) { reply("E01"); return; }
        size_t colon = act.find(':');
        std::string what = act.substr(0, colon);
        int tid = colon == std::string::npos ? 0 : tid_of(act.substr(colon + 1));
        if (tid == -2) { reply("E01"); return; }
        const char a = what[0];
        if ((a != 'c' && a != 'C' && a != 's' && a != 'S') || ((a == 'c' || a == 's') && what.size() != 1)) {
            reply("E01");
            return;
        }
        if ((a == 's' || a == 'S') && step_tid == 0) step_tid = tid > 0 ? tid : g_tid_;
        any = true;
    }
    if (!any) { reply("E01"); return; }
    start(step_tid > 0 ? step_tid : -1);
}

void GdbStub::reverse(const std::string& p) {
    if (!reverse_ || (p != "bs" && p != "bc")) { reply(""); return; }
    GdbStop s = p == "bs" ? reverse_->reverse_step(m(), hart(g_tid_).id) : reverse_->reverse_continue(m());
    stopped(s);
}

}  // namespace cli
