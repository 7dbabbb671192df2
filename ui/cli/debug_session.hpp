// The debugger's command language, shared by `stepvisor debug` and the
// GUI's --script: one object per session over a Machine, executing one
// command line at a time and writing its answer to a stream.
#pragma once
#include <chrono>
#include <map>
#include <ostream>
#include <string>
#include <vector>

#include "emu/history.hpp"
#include "emu/machine.hpp"

namespace cli {

extern const char* const kDebugUsage;     // `stepvisor debug` usage and options
extern const char* const kDebugCommands;  // the command list

class DebugSession {
public:
    // max_insns and timeout_s (0: none) bound everything the session runs,
    // counted from its creation.
    DebugSession(emu::Machine& m, const emu::Image& img, uint64_t max_insns = 0, double timeout_s = 0);
    // Executes one command line; returns false on quit.
    bool execute(const std::string& line, std::ostream& out);
    // "hartN MODE PC: instruction" for the selected hart.
    void where(std::ostream& out);
    // The text of the instruction at a virtual address (as the hart sees it).
    std::string insn_text(uint64_t pc);
    std::string symbol_for(uint64_t addr) const;
    unsigned selected_hart() const { return cur_; }
    // A command stopped at --max-insns or --timeout.
    bool limit_reached() const { return limit_reached_; }

private:
    emu::Hart& hart() { return m_.hart(cur_); }
    void select_hart(uint64_t n, std::ostream& out);
    void report_stop(emu::StopReason r, uint64_t first_event, std::ostream& out);
    void run_and_report(uint64_t n, std::ostream& out);
    std::string limit_text() const;  // which session limit is used up, "" when none
    void step(uint64_t n, std::ostream& out);
    void until(const std::vector<std::string>& a, std::ostream& out);
    void regs(std::ostream& out);
    void csr(const std::string& name, std::ostream& out);
    void mem(uint64_t addr, uint64_t n, std::ostream& out);
    void pt(uint64_t va, std::ostream& out);
    void disas(uint64_t addr, uint64_t n, std::ostream& out);
    void events(uint64_t n, std::ostream& out);
    // debug_history.cpp: snapshots and reverse execution.
    void snapshot(const std::vector<std::string>& a, std::ostream& out);
    void reverse_step(uint64_t n, std::ostream& out);
    void reverse_until(const std::vector<std::string>& a, std::ostream& out);
    void history(std::ostream& out);
    emu::History& need_history();

    emu::Machine& m_;
    unsigned cur_ = 0;
    uint32_t watched_ = 0;
    std::multimap<uint64_t, std::string> by_addr_;
    uint64_t max_insns_;
    double timeout_s_;
    std::chrono::steady_clock::time_point t0_;
    uint64_t used_ = 0;  // instructions the session's commands ran (reverse execution gives none back)
    bool limit_reached_ = false;
};

}  // namespace cli
