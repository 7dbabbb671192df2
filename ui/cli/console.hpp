// The guest's console on the host terminal: output to stdout, input from
// stdin into the UART. When stdin is a terminal it is put in raw mode (every
// key goes to the guest, Ctrl-C included) and restored on exit, on a signal
// and on Ctrl-A X, the escape to leave (as QEMU's -nographic uses). The
// escape holds for piped input too, as in QEMU 7.2 (`printf '\001x' |
// qemu-system-riscv64 -nographic ...` ends it): Ctrl-A Ctrl-A sends one Ctrl-A.
#pragma once
#include <atomic>
#include <string>

#include "emu/machine.hpp"

namespace cli {

class Console {
public:
    // interactive: stdin feeds the guest. Otherwise stdin is left alone.
    explicit Console(bool interactive);
    ~Console();
    Console(const Console&) = delete;
    Console& operator=(const Console&) = delete;

    // Moves pending input bytes into the machine's UART; returns false when
    // the user asked to leave (Ctrl-A X).
    bool pump(emu::Machine& m);
    // Waits up to `ms` for input (used while every hart is idle).
    void wait_for_input(int ms);
    bool input_open() const { return interactive_ && !eof_; }
    // Standard input is a terminal that feeds the guest (in raw mode).
    bool terminal() const { return terminal_; }

private:
    bool interactive_;
    bool terminal_ = false;
    bool eof_ = false;
    bool escape_ = false;  // Ctrl-A seen
};

// Restores the terminal if a Console put it in raw mode (from signal handlers too).
void restore_terminal();

}  // namespace cli
