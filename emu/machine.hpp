// The emulated machine: harts, the bus with RAM and devices at the QEMU
// `virt` addresses, the event log, and the scheduler that interleaves harts
// deterministically. This is the stepping API every front end uses:
//
//   Machine m(config);            // build the platform
//   m.load(image);                // place an ELF/raw image, find tohost
//   m.run(limit);                 // run until halt, a stop condition, or limit
//   m.stop_on(EventKind::Trap);   // stop conditions: event kinds ...
//   m.add_breakpoint(pc);         // ... and PCs
//   m.events()                    // what happened
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "bus.hpp"
#include "devices/output_tail.hpp"
#include "isa/extensions.hpp"
#include "events.hpp"
#include "hart.hpp"
#include "loader.hpp"
#include "trap_loop.hpp"
#include "devices/sriov_console.hpp"

namespace dev {
class Clint;
class Plic;
class Aplic;
class AplicWindow;
class Imsics;
class ImsicWindow;
class Uart16550;
class Syscon;
class Htif;
class MgmtMailbox;
}  // namespace dev

namespace emu {

// Physical memory map (QEMU virt compatible).
namespace map {
constexpr uint64_t kBootRom = 0x1000, kBootRomSize = 0x1000;
constexpr uint64_t kSyscon = 0x100000, kSysconSize = 0x1000;
constexpr uint64_t kClint = 0x2000000, kClintSize = 0x10000;
constexpr uint64_t kPlic = 0xc000000, kPlicSize = 0x600000;
constexpr unsigned kPlicSources = 97;  // sources 1..96 (riscv,ndev = 96, as QEMU 7.2 virt)
constexpr unsigned kUart0Irq = 10;
// With MachineConfig::aia (QEMU virt's aia=aplic / aia=aplic-imsic), in place
// of the PLIC: the APLIC's M and S domains and the IMSICs' M- and S-level pages.
constexpr uint64_t kAplicM = 0xc000000, kAplicS = 0xd000000;
constexpr uint64_t kImsicM = 0x24000000, kImsicS = 0x28000000;
// With MachineConfig::demo_devices (not on QEMU virt): a second ns16550a whose
// output the machine keeps apart, and the SR-IOV-style console.
constexpr uint64_t kUart1 = 0x10001000;
constexpr unsigned kUart1Irq = 11;
constexpr uint64_t kSriov = 0x10010000;
// With MachineConfig::mgmt_mailbox (not on QEMU virt): the management
// mailbox only a hypervisor sees (devices/mgmt_mailbox.hpp, hv/mgmt.h).
constexpr uint64_t kMgmt = 0x10020000;
constexpr unsigned kMgmtIrq = 12;
constexpr uint64_t kUart0 = 0x10000000, kUartSize = 0x100;
constexpr uint64_t kRam = 0x80000000;
}  // namespace map

struct IsaConfig {
    isa::ExtSet ext = isa::default_extensions();
    bool has(isa::Ext e) const { return ext.has(e); }
    // An ISA string or profile name (isa::parse_isa_string); returns an error
    // message, or empty on success. *note: what a profile leaves out.
    static std::string parse(const std::string& text, IsaConfig& out, std::string* note = nullptr);
    std::string str() const { return isa::isa_string(ext); }
};

// The interrupt controllers, as QEMU virt's machine option aia=none|aplic|aplic-imsic.
enum class Aia : uint8_t { None, Aplic, AplicImsic };

struct MachineConfig {
    unsigned harts = 1;
    Aia aia = Aia::None;      // AplicImsic also gives the harts Smaia and Ssaia
    unsigned aia_guests = 7;  // guest interrupt files per IMSIC (GEILEN with H; QEMU's aia-guests, at most 7)
    uint64_t ram_size = 256ull << 20;
    IsaConfig isa;
    bool tlb = true;   // false: no translation is cached (every access walks), for comparisons
    bool skip_spins = true;  // time skipping of loops that only wait for time (emu/spin.cpp)
    bool demo_devices = false;  // the lecture's devices: map::kUart1 and map::kSriov
    bool mgmt_mailbox = false;  // map::kMgmt, for the management socket's per-VM commands
    std::function<void(uint8_t)> console;  // UART/HTIF output; default: stdout
    uint64_t misa() const;
};

// A debugger watchpoint: loads (Read), stores (Write) or both (Access) that
// touch [addr, addr + len) by virtual address, in any mode.
enum class WatchKind : uint8_t { Write = 1, Read = 2, Access = 3 };
struct Watchpoint {
    uint64_t addr = 0, len = 0;
    WatchKind kind = WatchKind::Write;
    bool operator==(const Watchpoint&) const = default;
};
struct WatchHit {
    unsigned hart = 0;
    uint64_t addr = 0;  // the first watched byte the access touched
    Watchpoint watch;
    uint64_t pc = ~0ull, instret = 0;  // the instruction stopped before it
};

class History;

// A byte typed at the guest's console, with where the run was when it came:
// replaying the run delivers it at the same step. The schedule (each hart's
// cycle, the round of turns) is kept too, since while every hart idles in
// WFI waiting for input the cycles advance with host time.
struct InputEvent {
    uint64_t step = 0;
    uint8_t byte = 0;
    std::vector<uint8_t> schedule;
};

enum class StopReason {
    Halted,        // poweroff / HTIF exit: see exit_code()
    Limit,         // the instruction budget of this run() call was used
    Event,         // an event kind given to stop_on() occurred
    Breakpoint,    // a hart reached a breakpoint PC
    Watchpoint,    // a hart accessed watched memory (see watch_hit())
    Idle,          // every hart waits in WFI and nothing can wake it (see idle_text())
    TrapLoop,      // a hart traps in a loop without progress (see trap_loop())
};

class CommitLog;
class CommitTracer;

class Machine {
public:
    explicit Machine(MachineConfig cfg);
    ~Machine();
    Machine(const Machine&) = delete;
    Machine& operator=(const Machine&) = delete;

    const MachineConfig& config() const { return cfg_; }
    Bus& bus() { return bus_; }
    EventLog& events() { return events_; }
    unsigned hart_count() const { return unsigned(harts_.size()); }
    Hart& hart(unsigned i) { return *harts_[i]; }
    const Image* image() const { return image_ ? &*image_ : nullptr; }

    // Places the image in RAM (LoadError if it does not fit), points the boot
    // ROM at its entry, and watches `tohost` when the image has one.
    void load(const Image& image);

    // QEMU virt-style boot: firmware (e.g. OpenSBI) at its addresses, a kernel
    // (e.g. U-Boot, Linux) at kernel_load_address(firmware) when raw, an
    // initrd, and the device tree at the top of RAM. The boot ROM starts
    // every hart at the firmware with a0 = hart id, a1 = device tree and
    // a2 = OpenSBI's fw_dynamic information (next stage: the kernel, S-mode).
    struct BootSpec {
        Image firmware;
        std::optional<Image> kernel;
        std::vector<uint8_t> initrd;
        std::string bootargs;
    };
    void boot(const BootSpec& spec);
    static uint64_t kernel_load_address(const Image& firmware);
    // Power-on reset: harts back to the boot ROM, images copied in again.
    void reset();
    // The device tree the boot ROM passes in a1 (empty before boot()).
    const std::vector<uint8_t>& device_tree() const { return dtb_; }
    uint64_t device_tree_address() const { return dtb_addr_; }

    // Runs until halted, a stop condition, or `max_insns` more instructions
    // (summed over harts). Deterministic: the same image and calls give the
    // same run, cycle for cycle.
    StopReason run(uint64_t max_insns);
    // Instructions the last run() executed (retired or trapped), summed over harts.
    uint64_t last_run_instructions() const { return last_run_; }
    // Asked between rounds of run(): true ends the call early (StopReason::
    // Limit), so a caller keeps its host-side limits (wall time, a pause,
    // typed input) however long the guest sleeps or how little it retires.
    // Rounds are whole, so where a run is cut does not change it.
    void set_yield(std::function<bool()> f) { yield_ = std::move(f); }
    // A yield hook for one scope.
    struct ScopedYield {
        Machine& m;
        ScopedYield(Machine& machine, std::function<bool()> f) : m(machine) { m.set_yield(std::move(f)); }
        ~ScopedYield() { m.set_yield(nullptr); }
        ScopedYield(const ScopedYield&) = delete;
        ScopedYield& operator=(const ScopedYield&) = delete;
    };

    // While every hart sleeps (WFI, WRS) until a wake-up `cycles` ahead, the
    // machine moves the clocks there at once; an idle pacer (null: none) is
    // asked first and returns how many of those cycles may pass now, having
    // perhaps waited host time for them (`--idle wall`); the rest are asked
    // for again at the next round. Counters come out the same either way.
    void set_idle_pacer(std::function<uint64_t(uint64_t cycles)> f) { idle_pacer_ = std::move(f); }
    // An idle pacer for one scope (none when f is null).
    struct ScopedIdlePacer {
        Machine& m;
        ScopedIdlePacer(Machine& machine, std::function<uint64_t(uint64_t)> f) : m(machine) { m.set_idle_pacer(std::move(f)); }
        ~ScopedIdlePacer() { m.set_idle_pacer(nullptr); }
        ScopedIdlePacer(const ScopedIdlePacer&) = delete;
        ScopedIdlePacer& operator=(const ScopedIdlePacer&) = delete;
    };

    // Every instruction any hart retires goes to `log` in Spike's
    // --log-commits format (emu/commit_log.hpp); null stops. The log is the caller's.
    void set_commit_log(CommitLog* log);
    CommitLog* commit_log() const { return commit_log_; }

    // Stop conditions.
    void stop_on(EventKind k) { stop_mask_ |= 1u << unsigned(k); }
    void clear_stop_conditions() { stop_mask_ = 0; }
    uint32_t stop_mask() const { return stop_mask_; }
    void set_stop_mask(uint32_t m) { stop_mask_ = m; }
    const std::set<uint64_t>& breakpoints() const { return breakpoints_; }
    void add_breakpoint(uint64_t pc);
    void remove_breakpoint(uint64_t pc);
    void clear_breakpoints();
    bool at_breakpoint(uint64_t pc) const { return breakpoints_.count(pc) != 0; }
    // Watchpoints stop the run before the instruction that touches them
    // (pc on it, nothing done); resumed, that instruction goes through.
    void add_watchpoint(const Watchpoint& w);
    bool remove_watchpoint(const Watchpoint& w);  // false if there was none
    const std::vector<Watchpoint>& watchpoints() const { return watchpoints_; }
    // The access that stopped the last run with StopReason::Watchpoint.
    const WatchHit& watch_hit() const { return watch_hit_; }
    // With a limit (0: off, the default), a hart caught in a trap loop that
    // makes no progress (emu/trap_loop.hpp's rule) stops the run with
    // StopReason::TrapLoop, and trap_loop() says what it was.
    void set_trap_loop_limit(uint64_t n) { trap_loop_.set_limit(n); }
    const std::optional<TrapLoop>& trap_loop() const { return trap_loop_.found(); }
    // The hart that caused the last run's stop (breakpoint, watchpoint, event).
    unsigned stop_hart() const { return stop_hart_; }

    // How the harts wait, by Hart::stall_name(): "the hart waits in WFI",
    // "every hart waits in WRS", "hart 0 waits in WFI, hart 1 runs".
    std::string stall_text() const;
    // StopReason::Idle's line: stall_text() + " and nothing can wake it (pc ...)".
    std::string idle_text() const;

    bool halted() const { return halted_; }
    int exit_code() const { return exit_code_; }
    const std::string& halt_reason() const { return halt_reason_; }
    uint64_t instructions() const;  // retired, all harts
    // Host memory of the decoded-instruction cache, and the instruction
    // slots (one per halfword of the code pages) it holds.
    struct DecodedMemory {
        uint64_t bytes = 0, slots = 0;
    };
    DecodedMemory decoded_memory() const;
    uint64_t time_skipped_instructions() const;  // all harts (Hart::spin_stats)
    uint64_t cycles() const;        // the furthest hart's cycle
    // The same, over every reset since the machine was built (a guest's
    // SBI reboot resets the harts' counters, not these).
    uint64_t instructions_since_power_on() const { return retired_before_reset_ + instructions(); }
    uint64_t cycles_since_power_on() const { return cycles_before_reset_ + cycles(); }
    // Instructions executed (retired or trapped), all harts, since power-on:
    // the position in the run that snapshots and replay count in.
    uint64_t steps() const { return steps_; }
    uint64_t hart_steps(unsigned i) const { return hart_steps_[i]; }

    // Console input from the user (the terminal, the GUI): to the UART, and
    // while a history is kept, into the input log that replay delivers from.
    void console_input(uint8_t byte);
    const std::vector<InputEvent>& input_log() const { return inputs_; }
    // While muted (replaying what already happened) console output is dropped.
    void mute_console(bool on) { muted_ = on; }

    // Snapshots (emu/snapshot.cpp): everything but memory and the decoded
    // instructions, i.e. harts, devices, the event log's position and
    // tallies (its ring too with `with_ring`), counters, the schedule.
    void save_state(dev::StateOut& out, bool with_ring) const;
    // Checks what it reads before each part changes (dev::StateError); a
    // caller that must not half-apply a bad snapshot applies it to a scratch
    // machine of the same configuration first (emu::load_snapshot does).
    void restore_state(dev::StateIn& in);
    // Which halfword slots of which code pages hold decoded instructions
    // (they decide whether a fetch looks at the TLB, so the cycle count),
    // and putting them back by decoding memory again.
    void save_decoded(dev::StateOut& out) const;
    void restore_decoded(dev::StateIn& in);
    // "harts=1 ram=256M isa=rv64imafdch ...": what a snapshot must match.
    std::string fingerprint() const;
    // The history that takes periodic snapshots while the machine runs
    // (emu/history.hpp), or none.
    void set_history(History* h) { history_ = h; }
    History* history() const { return history_; }
    // Replay: deliver the input log from entry `next` on (History's seek).
    void set_next_input(size_t next) { next_input_ = next; }
    size_t next_input() const { return next_input_; }
    // Drops the input log after the current position: the run has left the
    // recorded one (new input, a debugger's write).
    void forget_future_input() { inputs_.resize(next_input_); }
    // Stop the run right after the event with this sequence number is
    // logged (~0: none), as stop_on() stops after an event of a kind.
    void stop_at_event(uint64_t seq) { stop_seq_ = seq; }

    // For harts and devices.
    void emit(Hart& h, Event e);
    // Whether the access hits a watchpoint (the hart then stops before it).
    bool watched_access(Hart& h, uint64_t va, unsigned size, bool write);
    bool stop_requested() const { return stop_; }
    uint64_t mtime() const;
    uint64_t mtimecmp(unsigned hart) const;
    bool msip(unsigned hart) const;
    void halt(int code, std::string reason);
    dev::Uart16550& uart() { return *uart_; }
    // The demo devices (MachineConfig::demo_devices), or null.
    std::string_view uart1_output() const { return uart1_out_.text(); }  // its last 64K
    uint64_t uart1_sent() const { return uart1_out_.sent(); }           // every byte it ever sent
    const dev::SriovConsole* sriov() const { return sriov_.get(); }
    dev::Plic* plic() { return plic_.get(); }     // null with MachineConfig::aia
    dev::Aplic* aplic() { return aplic_.get(); }  // null without
    dev::Imsics* imsics() { return imsics_.get(); }  // null without Aia::AplicImsic
    dev::MgmtMailbox* mgmt_mailbox() { return mgmt_.get(); }  // null without MachineConfig::mgmt_mailbox

private:
    StopReason run_slice(uint64_t max_insns);
    void deliver_inputs();
    std::vector<uint8_t> schedule() const;
    void set_schedule(const std::vector<uint8_t>& s);
    void devices_changed();
    void console_out(uint8_t b);

    MachineConfig cfg_;
    Bus bus_;
    EventLog events_;
    TrapLoopDetector trap_loop_;
    void trap_loop_found(Hart& h);
    std::vector<std::unique_ptr<Hart>> harts_;
    std::vector<std::unique_ptr<CommitTracer>> commit_tracers_;
    CommitLog* commit_log_ = nullptr;
    std::unique_ptr<dev::Clint> clint_;
    std::unique_ptr<dev::Uart16550> uart_, uart1_;
    std::unique_ptr<dev::SriovConsole> sriov_;
    std::unique_ptr<dev::MgmtMailbox> mgmt_;
    dev::OutputTail uart1_out_;
    std::unique_ptr<dev::Plic> plic_;
    std::unique_ptr<dev::Aplic> aplic_;
    std::unique_ptr<dev::AplicWindow> aplic_m_, aplic_s_;
    std::unique_ptr<dev::Imsics> imsics_;
    std::unique_ptr<dev::ImsicWindow> imsic_m_, imsic_s_;
    void set_irq_source(unsigned src, bool level);  // a device's wire, to the PLIC or the APLIC
    void deliver_msi(uint64_t addr, uint32_t data);  // an APLIC's MSI write
    std::unique_ptr<dev::Syscon> syscon_;
    std::unique_ptr<dev::Htif> htif_;
    std::optional<Image> image_;
    std::optional<BootSpec> boot_;
    std::vector<uint8_t> dtb_;
    uint64_t dtb_addr_ = 0;
    void place_images();
    std::optional<uint64_t> tohost_, fromhost_;
    std::set<uint64_t> breakpoints_;
    std::vector<Watchpoint> watchpoints_;
    WatchHit watch_hit_;
    unsigned stop_hart_ = 0;
    uint32_t stop_mask_ = 0;
    bool stop_ = false;
    StopReason stop_reason_ = StopReason::Limit;
    bool halted_ = false;
    uint64_t retired_before_reset_ = 0, cycles_before_reset_ = 0;
    // run()'s round of turns, kept across calls (see run()).
    bool round_open_ = false, round_idle_ = true;
    uint64_t round_end_ = 0;
    unsigned round_next_ = 0;
    bool reset_requested_ = false;
    bool device_activity_ = false;  // a device changed interrupt state during this round
    uint64_t last_run_ = 0;
    bool yielded_ = false;  // run_slice() gave control back through yield_
    std::function<bool()> yield_;
    std::function<uint64_t(uint64_t)> idle_pacer_;
    uint64_t next_round_end(uint64_t from, uint64_t length);
    std::vector<uint8_t> make_device_tree(const std::string& bootargs, uint64_t initrd_start, uint64_t initrd_size) const;
    int exit_code_ = 0;
    std::string halt_reason_;
    unsigned current_ = 0;
    uint64_t steps_ = 0;
    std::vector<uint64_t> hart_steps_;
    std::vector<InputEvent> inputs_;
    size_t next_input_ = 0;
    bool muted_ = false;
    uint64_t stop_seq_ = ~0ull;
    bool phantom_step_ = false;  // a watchpoint stopped the hart's last instruction before it did anything
    History* history_ = nullptr;
};

}  // namespace emu
