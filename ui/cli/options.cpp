#include "options.hpp"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "emu/snapshot.hpp"

namespace cli {

namespace {
const std::string kMachineOptionsText = "machine options:\n" + isa::isa_help() +
    "  --mem SIZE       RAM size at 0x80000000, e.g. 64M, 1G (default 256M)\n"
    "  --harts N        number of harts (default 1)\n"
    "  --no-sstc        harts without Sstc: no stimecmp/vstimecmp, timers only through the\n"
    "                   CLINT's mtimecmp (as QEMU's -cpu rv64,sstc=false)\n"
    "  --no-tlb         cache no translation: every access walks the page tables (to\n"
    "                   compare; the walk counts show what the TLB saves)\n"
    "  --no-time-skip   execute every iteration of a loop that only waits for time\n"
    "                   (by default it is skipped, with the same counters and output)\n"
    "  --aia MODE       interrupt controllers as QEMU virt's aia=MODE: none (the PLIC, default),\n"
    "                   aplic (APLIC M and S domains at 0xc000000/0xd000000, direct delivery)\n"
    "                   or aplic-imsic (the APLIC delivering MSIs to per-hart IMSICs at\n"
    "                   0x24000000 (M) and 0x28000000 (S and guest files); the harts get\n"
    "                   Smaia and Ssaia)\n"
    "  --aia-guests N   guest interrupt files per IMSIC, 0..7 (default 7; GEILEN with H)\n"
    "  --demo-devices   add the lecture's devices: a second ns16550a at 0x10001000 and the\n"
    "                   SR-IOV-style console at 0x10010000 (not on QEMU virt)\n"
    "  --idle MODE      while every hart sleeps (WFI, WRS) until a timer: skip (guest time\n"
    "                   jumps to it at once) or wall (the host waits as long: guest time\n"
    "                   follows the wall clock, as QEMU's -icount sleep=on). Default: wall\n"
    "                   when the console is a terminal and in the GUI, skip otherwise. Only\n"
    "                   host time differs: the run is the same (typed input aside)\n"
    "  --load-addr ADDR run FILE as a raw binary placed at ADDR (e.g. 0x80000000)\n"
    "  --max-insns N    stop after N instructions executed (exit code 3); one that traps\n"
    "                   counts too, so a trap loop is bounded, while --stats and test report\n"
    "                   instructions retired (minstret), which leaves those out; N >= 1\n"
    "  --timeout SEC    stop after SEC seconds of host time (exit code 3)\n"
    "  --trap-loop N    end the run as a failure (exit code 1) when a hart takes the same\n"
    "                   trap (pc, cause, mode, into that mode) N times in a row with no\n"
    "                   handler returning (xRET) and no interrupt between, retiring the same\n"
    "                   few (at most 64) instructions each time: a handler that faults on its\n"
    "                   own way in; the trap that began the chain is reported. Default 1000,\n"
    "                   0 off; run, test, hv and demo (debug and gui stop only where told)\n";
}  // namespace
const char* const kMachineOptionsHelp = kMachineOptionsText.c_str();

const char* const kCommitLogHelp =
    "commit log:\n"
    "  --log-commits FILE  write each retired instruction to FILE as Spike's --log-commits\n"
    "                   does (privilege, pc, encoding, registers, CSRs and memory written,\n"
    "                   addresses read); FILE.gz is gzip-compressed. Runs one instruction\n"
    "                   at a time\n";

bool parse_commit_log_option(const std::vector<std::string>& args, size_t& i, std::string& path) {
    if (args[i] != "--log-commits") return false;
    path = value_of(args, i);
    if (path.empty()) throw UsageError("--log-commits: empty file name");
    return true;
}

std::unique_ptr<emu::CommitLog> attach_commit_log(emu::Machine& m, const std::string& path) {
    if (path.empty()) return nullptr;
    std::string err;
    auto log = emu::CommitLog::open(path, err);
    if (!log) throw UsageError(err);
    m.set_commit_log(log.get());
    return log;
}

uint64_t parse_u64(const std::string& text, const std::string& what) {
    if (text.empty()) throw UsageError(what + ": empty number");
    errno = 0;
    char* end = nullptr;
    unsigned long long v = std::strtoull(text.c_str(), &end, 0);
    if (errno || *end || text[0] == '-') throw UsageError(what + ": '" + text + "' is not a number");
    return v;
}

uint64_t parse_size(const std::string& text, const std::string& what) {
    if (text.empty()) throw UsageError(what + ": empty size");
    uint64_t mult = 1;
    std::string num = text;
    char last = char(std::toupper(static_cast<unsigned char>(text.back())));
    if (last == 'K' || last == 'M' || last == 'G') {
        mult = last == 'K' ? 1ull << 10 : last == 'M' ? 1ull << 20 : 1ull << 30;
        num.pop_back();
    }
    uint64_t v = parse_u64(num, what);
    if (v > (~0ull) / mult) throw UsageError(what + ": '" + text + "' is too large");
    return v * mult;
}

void check_writable(const std::string& path, const std::string& option) {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) throw UsageError(option + ": '" + path + "' is a directory");
    // Opened for appending, so an existing file keeps its contents until it is written.
    std::ofstream probe(path, std::ios::app);
    if (!probe) throw UsageError(option + ": cannot write '" + path + "': " + std::strerror(errno));
}

const std::string& value_of(const std::vector<std::string>& args, size_t& i) {
    if (i + 1 >= args.size()) throw UsageError("option " + args[i] + " needs a value");
    return args[++i];
}

namespace {
// What every option given so far says together, whatever their order.
void settle(MachineOptions& opt) {
    if (opt.no_sstc) opt.config.isa.ext.remove(isa::Ext::Sstc);
}
}  // namespace

bool parse_machine_option(const std::vector<std::string>& args, size_t& i, MachineOptions& opt) {
    const std::string& a = args[i];
    if (a == "--isa") {
        std::string note;
        std::string err = emu::IsaConfig::parse(value_of(args, i), opt.config.isa, &note);
        if (!err.empty()) throw UsageError(err);
        if (!note.empty()) std::fprintf(stderr, "note: %s\n", note.c_str());
        settle(opt);
    } else if (a == "--mem") {
        uint64_t s = parse_size(value_of(args, i), "--mem");
        if (s < (1ull << 20) || s > (64ull << 30) || (s & 0xfff))
            throw UsageError("--mem: size must be a multiple of 4K between 1M and 64G");
        opt.config.ram_size = s;
    } else if (a == "--no-sstc") {
        opt.no_sstc = true;
        settle(opt);
    } else if (a == "--no-tlb") {
        opt.config.tlb = false;
    } else if (a == "--no-time-skip") {
        opt.config.skip_spins = false;
    } else if (a == "--aia") {
        const std::string& v = value_of(args, i);
        if (v == "none") opt.config.aia = emu::Aia::None;
        else if (v == "aplic") opt.config.aia = emu::Aia::Aplic;
        else if (v == "aplic-imsic") opt.config.aia = emu::Aia::AplicImsic;
        else throw UsageError("--aia: '" + v + "' is not none, aplic or aplic-imsic");
    } else if (a == "--aia-guests") {
        const uint64_t n = parse_u64(value_of(args, i), "--aia-guests");
        if (n > 7) throw UsageError("--aia-guests: must be between 0 and 7");
        opt.config.aia_guests = unsigned(n);
    } else if (a == "--idle") {
        const std::string& v = value_of(args, i);
        if (v == "skip") opt.idle = IdleMode::Skip;
        else if (v == "wall") opt.idle = IdleMode::Wall;
        else throw UsageError("--idle: '" + v + "' is not skip or wall");
    } else if (a == "--demo-devices") {
        opt.config.demo_devices = true;
    } else if (a == "--harts") {
        uint64_t n = parse_u64(value_of(args, i), "--harts");
        if (n < 1 || n > 64) throw UsageError("--harts: must be between 1 and 64");
        opt.config.harts = unsigned(n);
    } else if (a == "--load-addr") {
        opt.load_addr = parse_u64(value_of(args, i), "--load-addr");
    } else if (a == "--max-insns") {
        opt.max_insns = parse_u64(value_of(args, i), "--max-insns");
        if (opt.max_insns == 0) throw UsageError("--max-insns: must be at least 1 (leave it out for no limit)");
    } else if (a == "--trap-loop") {
        opt.trap_loop = parse_u64(value_of(args, i), "--trap-loop");
        if (opt.trap_loop == 1) throw UsageError("--trap-loop: 0 (off) or at least 2 traps in a row");
    } else if (a == "--timeout") {
        const std::string& v = value_of(args, i);
        char* end = nullptr;
        double t = std::strtod(v.c_str(), &end);
        if (*end || !(t > 0)) throw UsageError("--timeout: '" + v + "' is not a positive number of seconds");
        opt.timeout_s = t;
    } else {
        return false;
    }
    return true;
}

std::unique_ptr<emu::Machine> make_machine(const MachineOptions& opt, const std::string& path, emu::Image* image_out) {
    emu::Image image = emu::load_image_file(path, opt.load_addr.value_or(emu::kDefaultRawLoadAddr), opt.config.ram_size);
    if (!image.is_elf && !opt.load_addr)
        throw emu::LoadError(path + ": not an ELF file (to run a raw binary, give its address with --load-addr)");
    emu::check_fits(image, emu::map::kRam, opt.config.ram_size, path);
    auto m = std::make_unique<emu::Machine>(opt.config);
    m->load(image);
    if (image_out) *image_out = std::move(image);
    return m;
}

}  // namespace cli

namespace cli {

const char* const kBootOptionsHelp =
    "booting firmware and a kernel, as on QEMU's virt machine:\n"
    "  --bios FW            firmware at 0x80000000 (ELF, or a raw binary such as OpenSBI's fw_jump.bin)\n"
    "  --kernel FILE        the next stage (U-Boot, Linux): an ELF, or raw at the first 2 MiB\n"
    "                       boundary after the firmware; a2 points at OpenSBI fw_dynamic information\n"
    "  --initrd FILE        an initial RAM disk, announced in the device tree\n"
    "  --append ARGS        the kernel command line (/chosen/bootargs)\n";

bool parse_boot_option(const std::vector<std::string>& args, size_t& i, BootOptions& opt) {
    const std::string& a = args[i];
    if (a == "--bios") opt.bios = value_of(args, i);
    else if (a == "--kernel") opt.kernel = value_of(args, i);
    else if (a == "--initrd") opt.initrd = value_of(args, i);
    else if (a == "--append") { opt.append = value_of(args, i); opt.have_append = true; }
    else return false;
    return true;
}

emu::Machine::BootSpec load_boot_files(const MachineOptions& opt, const BootOptions& boot) {
    if (boot.bios.empty())
        throw UsageError("--kernel, --initrd and --append need --bios FW (the firmware that starts the kernel)");
    emu::Machine::BootSpec spec;
    const uint64_t ram = opt.config.ram_size;
    spec.firmware = emu::load_image_file(boot.bios, emu::kDefaultRawLoadAddr, ram);
    if (!boot.kernel.empty())
        spec.kernel = emu::load_image_file(boot.kernel, emu::Machine::kernel_load_address(spec.firmware), ram);
    if (!boot.initrd.empty()) spec.initrd = emu::read_input_file(boot.initrd, ram, "initrd", "RAM");
    spec.bootargs = boot.append;
    return spec;
}

std::unique_ptr<emu::Machine> make_booted_machine(const MachineOptions& opt, const BootOptions& boot,
                                                  emu::Image* firmware_out) {
    emu::Machine::BootSpec spec = load_boot_files(opt, boot);
    auto m = std::make_unique<emu::Machine>(opt.config);
    m->boot(spec);
    if (firmware_out) *firmware_out = spec.firmware;
    return m;
}

}  // namespace cli

namespace cli {

const char* const kRestoreOptionHelp =
    "  --restore FILE       start from a snapshot (`snapshot save FILE` in stepvisor debug) of\n"
    "                       this machine with these images, instead of from reset\n";

bool parse_restore_option(const std::vector<std::string>& args, size_t& i, std::string& path) {
    if (args[i] != "--restore") return false;
    path = value_of(args, i);
    return true;
}

void restore_snapshot(emu::Machine& m, const std::string& path) {
    if (!path.empty()) emu::load_snapshot(m, path);
}

}  // namespace cli
