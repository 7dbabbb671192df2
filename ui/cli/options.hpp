// Command-line parsing shared by the subcommands: machine options and
// number/size parsing with one-line errors.
#pragma once
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "emu/commit_log.hpp"
#include "emu/machine.hpp"

namespace cli {

// A usage error: printed as one line, exit code 2.
struct UsageError : std::runtime_error {
    using runtime_error::runtime_error;
};

constexpr int kExitPass = 0, kExitFail = 1, kExitUsage = 2, kExitLimit = 3, kExitIdle = 4;

// --idle: what happens to host time while every hart sleeps until a timer.
enum class IdleMode { Auto, Skip, Wall };

struct MachineOptions {
    emu::MachineConfig config;
    std::optional<uint64_t> load_addr;  // raw binaries
    uint64_t max_insns = 0;             // 0 = no limit
    double timeout_s = 0;               // 0 = no limit
    uint64_t trap_loop = emu::TrapLoopDetector::kDefaultLimit;  // 0 = no trap-loop detection
    IdleMode idle = IdleMode::Auto;     // Auto: Wall with a terminal as the console, and in the GUI
    // Options that change what another one set, kept as given so that
    // their order does not matter (--no-sstc before or after --isa).
    bool no_sstc = false;
};

// Consumes argv[i] (and its value) if it is a machine option; returns false otherwise.
bool parse_machine_option(const std::vector<std::string>& args, size_t& i, MachineOptions& opt);
extern const char* const kMachineOptionsHelp;

// --log-commits FILE (run, hv): Spike's commit log, gzip-compressed when FILE ends in .gz.
bool parse_commit_log_option(const std::vector<std::string>& args, size_t& i, std::string& path);
extern const char* const kCommitLogHelp;
// The log opened for writing and attached to the machine, or null when `path`
// is empty; UsageError naming the path when it cannot be created.
std::unique_ptr<emu::CommitLog> attach_commit_log(emu::Machine& m, const std::string& path);

uint64_t parse_u64(const std::string& text, const std::string& what);  // decimal or 0x hex
uint64_t parse_size(const std::string& text, const std::string& what);  // 64M, 1G, 4096, 0x1000
// UsageError "OPTION: cannot write 'PATH': why" unless PATH can be written: checked before the work.
void check_writable(const std::string& path, const std::string& option);
const std::string& value_of(const std::vector<std::string>& args, size_t& i);  // argument after an option

// Booting firmware and a kernel as on QEMU's virt machine (run, debug).
struct BootOptions {
    std::string bios, kernel, initrd, append;
    bool have_append = false;
    bool any() const { return !bios.empty() || !kernel.empty() || !initrd.empty() || have_append; }
};
bool parse_boot_option(const std::vector<std::string>& args, size_t& i, BootOptions& opt);
extern const char* const kBootOptionsHelp;
// The files of --bios FW [--kernel FILE] [--initrd FILE], each bounded by the RAM it must fit in.
emu::Machine::BootSpec load_boot_files(const MachineOptions& opt, const BootOptions& boot);
// The machine booted from --bios FW [--kernel ...]; the firmware image goes to *firmware_out.
std::unique_ptr<emu::Machine> make_booted_machine(const MachineOptions& opt, const BootOptions& boot,
                                                  emu::Image* firmware_out = nullptr);

// --restore FILE (run, debug, hv): the machine starts from a snapshot that
// `snapshot save` wrote; a bad one is refused (emu::SnapshotError) unchanged.
bool parse_restore_option(const std::vector<std::string>& args, size_t& i, std::string& path);
extern const char* const kRestoreOptionHelp;
void restore_snapshot(emu::Machine& m, const std::string& path);  // nothing when path is empty

// Builds the machine and loads the image: LoadError / UsageError on bad input.
std::unique_ptr<emu::Machine> make_machine(const MachineOptions& opt, const std::string& path,
                                           emu::Image* image_out = nullptr);

}  // namespace cli
