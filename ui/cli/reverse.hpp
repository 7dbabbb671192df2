// gdb's reverse-stepi and reverse-continue (the stub's ReverseExecution
// hook) over the machine's history of snapshots.
#pragma once
#include "emu/history.hpp"
#include "gdb_stub.hpp"

namespace cli {

class HistoryReverse final : public ReverseExecution {
public:
    explicit HistoryReverse(emu::History& h) : h_(h) {}
    GdbStop reverse_step(emu::Machine& m, unsigned hart) override;
    GdbStop reverse_continue(emu::Machine& m) override;

private:
    emu::History& h_;
};

}  // namespace cli
