#include "debug_session.hpp"

#include <cstdio>
#include <sstream>

#include "emu/snapshot.hpp"
#include "isa/csr.hpp"
#include "isa/disasm.hpp"
#include "isa/hex.hpp"
#include "options.hpp"
#include "walk_text.hpp"

namespace cli {

const char* const kDebugUsage =
    "usage: stepvisor debug [options] FILE | --bios FW [--kernel FILE] ...\n"
    "\n"
    "Loads FILE and stops before its first instruction. Reads commands from the\n"
    "terminal, from --commands FILE, or from standard input when it is not a terminal.\n"
    "Exit status: 0, 2 bad input, 3 when --max-insns or --timeout stopped a command.\n"
    "\n"
    "debug options:\n"
    "  --commands FILE  read commands from FILE\n"
    "\n";

const char* const kDebugCommands =
    "commands:\n"
    "  step [N]                 execute N instructions (default 1)\n"
    "  until trap|interrupt|xret|priv|vmexit|vmentry|atp|tlbfill|wfi|msi\n"
    "                           run until the next event of that kind\n"
    "  until pc ADDR            run until a hart is about to execute ADDR\n"
    "  continue                 run until a breakpoint or the end\n"
    "                           (step, until and continue run at most 100M instructions each;\n"
    "                           --max-insns and --timeout bound the whole session, which then\n"
    "                           runs nothing more and exits with code 3)\n"
    "  break ADDR | delete ADDR set or remove a breakpoint\n"
    "  regs                     integer registers, pc and privilege mode\n"
    "  csr NAME|ADDR            one CSR\n"
    "  mem ADDR [N]             N bytes (default 64) at a virtual address, as the hart sees it\n"
    "  pt VADDR                 the page-table walk of VADDR: every level, PTE address, value, flags\n"
    "  disas [ADDR] [N]         N instructions (default 8) from ADDR (default pc)\n"
    "  events [N]               the last N events (default 20)\n"
    "  hart N                   select the hart the commands look at\n"
    "  snapshot save FILE       write the whole machine to FILE (zlib-compressed, checksummed)\n"
    "  snapshot load FILE       go on from a snapshot of this machine (a bad file changes nothing)\n"
    "  reverse-step [N]         go back N instructions (default 1)\n"
    "  reverse until KIND       go back to the latest earlier stop `until KIND` would make\n"
    "  reverse until pc ADDR    go back to the latest time a hart was about to execute ADDR\n"
    "  history                  what reverse execution keeps: snapshots, interval, memory\n"
    "  memhash                  a hash of all memory, to compare runs\n"
    "  quit                     leave\n";

namespace {
constexpr const char* kAbi[32] = {"zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2", "s0", "s1", "a0",
                                  "a1",   "a2", "a3", "a4", "a5", "a6", "a7", "s2", "s3", "s4", "s5",
                                  "s6",   "s7", "s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6"};
constexpr uint64_t kRunLimit = 100'000'000;

void need(const std::vector<std::string>& a, size_t n, const char* usage) {
    if (a.size() < n) throw UsageError(std::string("usage: ") + usage);
}

}  // namespace

DebugSession::DebugSession(emu::Machine& m, const emu::Image& img, uint64_t max_insns, double timeout_s)
    : m_(m), max_insns_(max_insns), timeout_s_(timeout_s), t0_(std::chrono::steady_clock::now()) {
    for (const auto& [name, addr] : img.symbols) by_addr_.emplace(addr, name);
}

// Executes one command line; returns false on quit.
bool DebugSession::execute(const std::string& line, std::ostream& out) {
    std::istringstream in(line);
    std::string cmd;
    if (!(in >> cmd) || cmd[0] == '#') return true;
    std::vector<std::string> a;
    for (std::string w; in >> w;) a.push_back(w);
    try {
        if (cmd == "quit" || cmd == "q" || cmd == "exit") return false;
        if (cmd == "help" || cmd == "h") out << kDebugCommands;
        else if (cmd == "step" || cmd == "s" || cmd == "si") step(a.empty() ? 1 : parse_u64(a[0], "step"), out);
        else if (cmd == "until" || cmd == "u") until(a, out);
        else if (cmd == "continue" || cmd == "c") run_and_report(~0ull, out);
        else if (cmd == "break" || cmd == "b") { need(a, 1, "break ADDR"); m_.add_breakpoint(parse_u64(a[0], "break")); out << "breakpoint at " << a[0] << "\n"; }
        else if (cmd == "delete") { need(a, 1, "delete ADDR"); m_.remove_breakpoint(parse_u64(a[0], "delete")); }
        else if (cmd == "regs" || cmd == "r") regs(out);
        else if (cmd == "csr") { need(a, 1, "csr NAME"); csr(a[0], out); }
        else if (cmd == "mem" || cmd == "x") { need(a, 1, "mem ADDR [N]"); mem(parse_u64(a[0], "mem"), a.size() > 1 ? parse_u64(a[1], "mem") : 64, out); }
        else if (cmd == "pt") { need(a, 1, "pt VADDR"); pt(parse_u64(a[0], "pt"), out); }
        else if (cmd == "disas" || cmd == "d") disas(a.empty() ? hart().pc : parse_u64(a[0], "disas"), a.size() > 1 ? parse_u64(a[1], "disas") : 8, out);
        else if (cmd == "events" || cmd == "e") events(a.empty() ? 20 : parse_u64(a[0], "events"), out);
        else if (cmd == "snapshot") snapshot(a, out);
        else if (cmd == "reverse-step" || cmd == "rs") reverse_step(a.empty() ? 1 : parse_u64(a[0], "reverse-step"), out);
        else if (cmd == "reverse") {
            if (a.empty() || a[0] != "until") throw UsageError("usage: reverse until KIND|pc ADDR");
            reverse_until({a.begin() + 1, a.end()}, out);
        }
        else if (cmd == "history") history(out);
        else if (cmd == "memhash") out << "memhash " << isa::hex(emu::memory_hash(m_), 16) << "\n";
        else if (cmd == "hart") { need(a, 1, "hart N"); select_hart(parse_u64(a[0], "hart"), out); }
        else out << "unknown command '" << cmd << "' (try help)\n";
    } catch (const UsageError& e) {
        out << "error: " << e.what() << "\n";
    }
    return true;
}

void DebugSession::where(std::ostream& out) {
    emu::Hart& h = hart();
    out << "hart" << h.id << " " << emu::priv_name(h.priv, h.virt, h.h_ext) << " " << isa::hex(h.pc, 16) << ": "
        << insn_text(h.pc) << "\n";
}



void DebugSession::select_hart(uint64_t n, std::ostream& out) {
    if (n >= m_.hart_count()) throw UsageError("no hart " + std::to_string(n));
    cur_ = unsigned(n);
    where(out);
}

std::string DebugSession::symbol_for(uint64_t addr) const {
    auto it = by_addr_.find(addr);
    return it == by_addr_.end() ? std::string() : it->second;
}

std::string DebugSession::insn_text(uint64_t pc) {
    uint16_t lo = 0, hi = 0;
    if (!hart().debug_read_virt(pc, &lo, 2)) return "(not mapped)";
    uint32_t raw = lo;
    if ((lo & 3) == 3) {
        if (!hart().debug_read_virt(pc + 2, &hi, 2)) return "(not mapped)";
        raw |= uint32_t(hi) << 16;
    }
    isa::Decoded d = isa::decode(raw);
    char enc[16];
    if (d.len == 2) std::snprintf(enc, sizeof enc, "%04x    ", raw & 0xffff);
    else std::snprintf(enc, sizeof enc, "%08x", raw);
    std::string text = isa::disassemble(d, pc, [this](uint64_t a) { return symbol_for(a); });
    for (auto& c : text) if (c == '\t') c = ' ';
    std::string sym = symbol_for(pc);
    return std::string(enc) + "  " + text + (sym.empty() ? "" : "   <" + sym + ">");
}

void DebugSession::report_stop(emu::StopReason r, uint64_t first_event, std::ostream& out) {
    switch (r) {
    case emu::StopReason::Halted: out << "halted: " << m_.halt_reason() << " (exit code " << m_.exit_code() << ")\n"; return;
    case emu::StopReason::Breakpoint: out << "breakpoint\n"; break;
    case emu::StopReason::Watchpoint: out << "watchpoint: hart" << m_.watch_hit().hart << " touched " << isa::hex(m_.watch_hit().addr) << "\n"; break;
    case emu::StopReason::Idle: out << "idle: " << m_.idle_text() << "\n"; break;
    case emu::StopReason::Event:
        for (const auto& e : m_.events().since(first_event))
            if (watched_ & (1u << unsigned(e.kind)))
                out << "event: [cycle " << e.cycle << "] hart" << unsigned(e.hart) << " " << emu::describe(e, m_.config().isa.has(isa::Ext::H)) << "\n";
        break;
    case emu::StopReason::TrapLoop: out << emu::describe(*m_.trap_loop(), m_.config().isa.has(isa::Ext::H)) << "\n"; break;
    case emu::StopReason::Limit: break;
    }
    where(out);
}

std::string DebugSession::limit_text() const {
    if (max_insns_ && used_ >= max_insns_) return "--max-insns " + std::to_string(max_insns_) + " reached";
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0_).count();
    if (timeout_s_ > 0 && s >= timeout_s_) return "--timeout reached after " + std::to_string(s).substr(0, 5) + " s";
    return {};
}

void DebugSession::run_and_report(uint64_t n, std::ostream& out) {
    const uint64_t first = m_.events().total();
    // One command runs at most kRunLimit instructions and what is left of the
    // session's --max-insns, in slices short enough that --timeout is noticed.
    constexpr uint64_t kSlice = 1'000'000;
    uint64_t want = std::min(n, kRunLimit);
    if (max_insns_) want = std::min(want, max_insns_ - std::min(max_insns_, used_));
    emu::StopReason r = emu::StopReason::Limit;
    std::string limit = limit_text();
    for (uint64_t done = 0; limit.empty() && done < want;) {
        const uint64_t before = m_.steps();
        r = m_.run(std::min(want - done, kSlice));
        const uint64_t ran = m_.steps() - before;
        done += ran;
        used_ += ran;
        if (r != emu::StopReason::Limit || ran == 0) break;
        limit = limit_text();
    }
    if (!limit.empty()) {
        limit_reached_ = true;
        out << "stopped: " << limit << " (the session runs nothing more)\n";
    } else if (r == emu::StopReason::Limit && want < n) {
        out << "stopped after " << want << " instructions (a command runs at most " << kRunLimit << ")\n";
    }
    report_stop(r, first, out);
}

void DebugSession::step(uint64_t n, std::ostream& out) {
    m_.clear_stop_conditions();
    watched_ = 0;
    run_and_report(n, out);
}

void DebugSession::until(const std::vector<std::string>& a, std::ostream& out) {
    need(a, 1, "until trap|interrupt|xret|priv|vmexit|vmentry|atp|tlbfill|wfi|msi|pc ADDR");
    m_.clear_stop_conditions();
    watched_ = 0;
    if (a[0] == "pc") {
        need(a, 2, "until pc ADDR");
        uint64_t addr = parse_u64(a[1], "until pc");
        bool had = m_.at_breakpoint(addr);
        m_.add_breakpoint(addr);
        run_and_report(~0ull, out);
        if (!had) m_.remove_breakpoint(addr);
        return;
    }
    emu::EventKind k;
    if (!emu::event_kind_by_name(a[0], k)) throw UsageError("until: unknown condition '" + a[0] + "'");
    m_.stop_on(k);
    watched_ = 1u << unsigned(k);
    run_and_report(~0ull, out);
    m_.clear_stop_conditions();
    watched_ = 0;
}

void DebugSession::regs(std::ostream& out) {
    emu::Hart& h = hart();
    out << "pc  " << isa::hex(h.pc, 16) << "  mode " << emu::priv_name(h.priv, h.virt, h.h_ext)
        << "  cycle " << h.cycle << "  instret " << h.instret << "\n";
    for (int i = 0; i < 32; i += 2) {
        char b[128];
        std::snprintf(b, sizeof b, "x%-2d %-4s 0x%016llx   x%-2d %-4s 0x%016llx\n", i, kAbi[i],
                      (unsigned long long)h.x[i], i + 1, kAbi[i + 1], (unsigned long long)h.x[i + 1]);
        out << b;
    }
}

void DebugSession::csr(const std::string& name, std::ostream& out) {
    std::optional<uint16_t> addr = isa::csr_by_name(name);
    if (!addr) {
        try { addr = uint16_t(parse_u64(name, "csr")); } catch (const UsageError&) {}
    }
    if (!addr || *addr > 0xfff) throw UsageError("csr: unknown CSR '" + name + "'");
    auto v = hart().csr_peek(*addr);
    if (!v) throw UsageError("csr: " + name + " is not implemented");
    auto n = isa::csr_name(*addr);
    out << (n ? std::string(*n) : name) << " = " << isa::hex(*v, 16) << "\n";
}

void DebugSession::mem(uint64_t addr, uint64_t n, std::ostream& out) {
    n = std::min<uint64_t>(n, 4096);
    for (uint64_t off = 0; off < n; off += 16) {
        out << isa::hex(addr + off, 16) << ":";
        for (uint64_t i = off; i < std::min(n, off + 16); ++i) {
            uint8_t b;
            if (hart().debug_read_virt(addr + i, &b, 1)) { char s[4]; std::snprintf(s, sizeof s, " %02x", b); out << s; }
            else out << " ??";
        }
        out << "\n";
    }
}

void DebugSession::pt(uint64_t va, std::ostream& out) { out << walk_text(hart(), va); }

void DebugSession::disas(uint64_t addr, uint64_t n, std::ostream& out) {
    n = std::min<uint64_t>(n, 1000);
    for (uint64_t i = 0; i < n; ++i) {
        uint16_t lo = 0;
        bool ok = hart().debug_read_virt(addr, &lo, 2);
        out << (addr == hart().pc ? "=> " : "   ") << isa::hex(addr, 16) << ": " << insn_text(addr) << "\n";
        if (!ok) break;
        addr += (lo & 3) == 3 ? 4 : 2;
    }
}

void DebugSession::events(uint64_t n, std::ostream& out) {
    for (const auto& e : m_.events().last(std::min<uint64_t>(n, 100000)))
        out << "#" << e.seq << " [cycle " << e.cycle << "] hart" << unsigned(e.hart) << " "
            << emu::describe(e, m_.config().isa.has(isa::Ext::H)) << "\n";
}

}  // namespace cli
