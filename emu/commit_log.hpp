// The commit log: one line per retired instruction in Spike's --log-commits
// format (the registers, CSRs and memory it wrote, the addresses it read),
// so that a stepvisor log and a Spike log compare line by line.
//
// The hart calls a CommitTracer only while one is attached, and then runs
// one instruction at a time with loads and stores on the slow path; a run
// without a commit log never reaches this code.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "hart.hpp"

namespace emu {

// One retired instruction, as Spike's commit_log_print_insn prints it.
struct CommitRecord {
    // Spike keys each written register as number << 4 | kind and prints them
    // in key order (a std::map): x5 (0x50) after fflags (0x14), before mstatus (0x3004).
    enum Kind : uint32_t { X = 0, F = 1, C = 4 };
    struct Write {
        uint32_t key;
        uint64_t value;
    };
    struct Store {
        uint64_t addr, value;
        unsigned size;
    };
    unsigned hart = 0;
    unsigned priv = 3;   // the privilege the instruction ran in (0 U, 1 S, 3 M; not the V bit)
    unsigned flen = 64;  // width of f registers as printed
    uint64_t pc = 0;
    uint32_t insn = 0;   // the encoding as fetched
    unsigned len = 4;    // 2 for a compressed instruction
    std::vector<Write> writes;     // kept sorted by key, one entry per register
    std::vector<uint64_t> loads;   // virtual addresses read
    std::vector<Store> stores;     // virtual addresses written, with the data

    // Records a write of register `num` of kind `k`; a later write of the
    // same register replaces the earlier one (Spike keeps the last).
    void reg(Kind k, unsigned num, uint64_t value);
    void clear();
};

// The line without its newline, e.g.
// "core   0: 3 0x0000000080000000 (0x00000297) x5  0x0000000080000000".
std::string format_commit(const CommitRecord& r);

// Where the lines go: a text file, or gzip (zlib) when the path ends in ".gz".
class CommitLog {
public:
    // nullptr and `error` set (one line naming the path) when it cannot be created.
    static std::unique_ptr<CommitLog> open(const std::string& path, std::string& error);
    ~CommitLog();
    void write(const CommitRecord& r);
    void flush();
    // While paused, write() drops its lines (a replay of instructions
    // already logged); the harts run exactly as while logging.
    void pause(bool on) { paused_ = on; }

private:
    CommitLog() = default;
    struct Sink;
    std::unique_ptr<Sink> sink_;
    bool paused_ = false;
};

// Collects what one instruction of one hart writes; the hart calls the
// hooks below from its slow paths while the tracer is attached.
class CommitTracer {
public:
    explicit CommitTracer(CommitLog& out) : out_(out) {}

    // Around exactly one instruction (or a trap, or nothing).
    void begin(const Hart& h);
    // `d` is the instruction executed, `executed` what the interpreter counted.
    void end(Hart& h, const isa::Decoded& d, uint64_t executed);

    // ---- hooks
    void load(uint64_t va) { rec_.loads.push_back(va); }
    void store(uint64_t va, uint64_t value, unsigned size);
    // An instruction's explicit write of CSR `addr` (after V=1's aliasing),
    // or an accrual into fflags: logged even when the value did not change.
    void csr_written(uint16_t addr) { csrs_.push_back(addr); }
    void trapped() { trapped_ = true; }

private:
    CommitLog& out_;
    CommitRecord rec_;
    CsrFile before_{};
    Priv priv_ = Priv::M;
    bool virt_ = false;
    uint64_t pc_ = 0;
    bool trapped_ = false;
    std::vector<uint16_t> csrs_;
};

}  // namespace emu
