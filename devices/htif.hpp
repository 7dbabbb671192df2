// Spike's host-target interface (HTIF), the channel riscv-tests and other
// software written for Spike use to print and to end the run.
//
// It is not MMIO: the guest stores a command into the 64-bit word at the ELF
// symbol `tohost`, and the host answers in `fromhost`. The machine calls
// tohost_written(value) after a guest store to tohost has reached memory.
// Like Spike's host loop, the machine must then store 0 to tohost ("command
// taken"): pk and OpenSBI spin on tohost != 0 before sending the next one.
//
// A command is  device[63:56] | cmd[55:48] | payload[47:0].
//   device 0 (syscall_proxy), cmd 0:
//     payload bit 0 set   -> exit; code = payload >> 1 (0 = pass; riscv-tests
//                            put the failing TESTNUM there). No response.
//     payload bit 0 clear -> payload is the physical address of magic_mem,
//                            8 little-endian uint64: [0] syscall number,
//                            [1..7] arguments a0..a6. The result is written
//                            back to magic_mem[0], then fromhost = 1.
//                            SYS_write (64) to fd 1/2 goes to console_out,
//                            SYS_exit (93) ends the run with code a0, other
//                            syscalls return -ENOSYS (Spike knows more).
//   device 1 (bcd console):
//     cmd 1 putchar: console_out(payload & 0xff), then
//                    fromhost = (1<<56)|(1<<48) (Spike itself sends no
//                    response; QEMU does; pk and OpenSBI accept both).
//     cmd 0 getchar: a read request; it stays pending until an input byte is
//                    available (push_input), then fromhost =
//                    (1<<56)|(0<<48)|(0x100|byte) (Spike's bcd semantics).
//   any device, cmd 255 identify: payload = addr*256 + what; writes the
//     64-byte zero-padded name ("syscall_proxy", "bcd", "" for absent
//     devices; or command `what`'s name) to addr, then responds 1.
// Unknown devices and commands are ignored. A response overwrites fromhost
// (the machine may queue instead, as Spike does, if it wants).
#pragma once
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <optional>

#include "devices/state.hpp"

namespace dev {

class Htif {
public:
    using MemFn = std::function<bool(uint64_t paddr, void* buf, size_t len)>;

    static constexpr uint64_t kSysWrite = 64, kSysExit = 93;

    // read_mem/write_mem: guest physical memory (false = no memory there).
    // set_fromhost: store this value to the fromhost word.
    // console_out: one output byte.  on_exit: code 0 = pass, else failure.
    Htif(MemFn read_mem, MemFn write_mem, std::function<void(uint64_t)> set_fromhost,
         std::function<void(uint8_t)> console_out, std::function<void(uint64_t code)> on_exit);

    void tohost_written(uint64_t value);
    // A console input byte for device 1's getchar.
    void push_input(uint8_t byte);

    std::optional<uint64_t> exit_code() const { return exit_code_; }
    size_t pending_reads() const { return pending_reads_; }
    // Commands that could not be carried out (unknown device/command,
    // magic_mem outside memory): counted, never fatal.
    uint64_t ignored_commands() const { return ignored_; }
    void reset();
    // Snapshots: the queued input and the pending reads; restore checks
    // everything before it changes anything (dev::StateError).
    void save(StateOut& out) const;
    void restore(StateIn& in);

private:
    void syscall(uint64_t magic_addr);
    void identify(uint64_t command);
    void deliver_input();
    void respond(uint64_t command, uint64_t data);
    void out(uint8_t b) { if (console_out_) console_out_(b); }

    MemFn read_mem_, write_mem_;
    std::function<void(uint64_t)> set_fromhost_;
    std::function<void(uint8_t)> console_out_;
    std::function<void(uint64_t)> on_exit_;
    std::deque<uint8_t> input_;
    size_t pending_reads_ = 0;
    uint64_t ignored_ = 0;
    std::optional<uint64_t> exit_code_;
};

}  // namespace dev
