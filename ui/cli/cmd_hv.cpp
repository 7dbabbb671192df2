// stepvisor hv --vm IMAGE[,opts] ...: the embedded hypervisor (hv/) on
// OpenSBI fw_jump, with the user's guest images instead of its built-in VMs.
//
// The hand-over (hv/handover.h): stepvisor writes a VM table and the images
// into RAM at HV_HANDOVER_ADDR before the harts start; hv finds the magic
// there at boot and creates those VMs, taking guest RAM from the pool the
// table names (RAM above the images). Without the table (QEMU, `stepvisor
// run`), hv runs its built-in guests.
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <span>

#include "commands.hpp"
#include "console.hpp"
#include "debug_session.hpp"
#include "gdb_stub.hpp"
#include "reverse.hpp"
#include "mgmt_headless.hpp"
#include "ui/scenarios/hv_table.hpp"
#include "hv/handover.h"
#include "run_loop.hpp"
#include "stop_signal.hpp"
#include "ui/embedded.hpp"
#include "isa/hex.hpp"

namespace cli {
namespace {

constexpr const char* kFwJump = "/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.bin";
using hvtable::kMiB;
constexpr uint64_t kRawVmLoadAddr = hvtable::kGuestRam + 0x200000;

const char* const kHvHelp =
    "usage: stepvisor hv [options] --vm IMAGE[,OPTS] [--vm IMAGE[,OPTS] ...]\n"
    "\n"
    "Boots the embedded hypervisor (hv/, built into this binary) on OpenSBI's\n"
    "fw_jump and runs one VM per --vm with IMAGE as its kernel, in VS-mode. Each\n"
    "VM has RAM at guest-physical 0x80000000, an emulated ns16550a UART at\n"
    "0x10000000 and hv's SBI; its console lines are labelled [vmN]; typed input\n"
    "goes to vm0 (from a terminal or a pipe), and Ctrl-] typed three times moves it to\n"
    "the next VM. An ELF image is loaded at its physical addresses, a Linux Image at\n"
    "0x80000000 + the text_offset of its header, another raw binary at 0x80200000\n"
    "(as QEMU virt's -kernel places it) or addr=; a VM that has printed nothing after\n"
    "a few seconds gets a hint on standard error naming its load address and entry;\n"
    "vCPU 0 starts at the entry with a0 = 0 and a1 = a device tree from hv.\n"
    "Without --vm, hv runs its built-in guests.\n"
    "\n"
    "  --vm IMAGE[,mem=SIZE][,vcpus=N][,share=PCT][,addr=GPA][,name=NAME][,dev=DEVS]\n"
    "                       mem: the VM's RAM (default 64M); vcpus 1..4 (default 1);\n"
    "                       share: the most of a hart each vCPU may use, in percent\n"
    "                       (default 100; 50 = a 1 GHz vCPU on a 2 GHz hart); addr: a raw\n"
    "                       image's load address and entry; name: hv's name for it;\n"
    "                       dev: devices mapped straight in (with --demo-devices): uart (the\n"
    "                       second UART at 0x10001000), vf (an SR-IOV VF at 0x10002000), uart+vf\n"
    "  --no-htinst          hv decodes trapped MMIO accesses by reading the guest's\n"
    "                       instruction (HLVX) even when htinst holds it\n"
    "  --bios FW            the SBI firmware (default: Debian's " "opensbi fw_jump.bin)\n"
    "  --stdin              feed standard input to the console even when it is a file\n"
    "  --qemu-files DIR     run nothing: write DIR/hv.elf and DIR/vms.bin (the VM table) and\n"
    "                       print the QEMU command that runs the same set-up\n"
    "  --until-output TEXT  stop (exit 0) when the console has printed TEXT\n"
    "\n"
    "Exit status: 0 when hv powers off, 2 bad input, 3 a limit was reached,\n"
    "130/143 stopped by SIGINT/SIGTERM (output files are written first).\n";

struct VmSpec {
    std::string path;
    std::optional<uint64_t> addr;
    hvtable::Vm vm;
};

VmSpec parse_vm(const std::string& text) {
    VmSpec s;
    hvtable::Vm& v = s.vm;
    size_t comma = text.find(',');
    s.path = text.substr(0, comma);
    if (s.path.empty()) throw UsageError("--vm: no image given (--vm IMAGE[,mem=SIZE,...])");
    while (comma != std::string::npos) {
        size_t next = text.find(',', comma + 1);
        std::string opt = text.substr(comma + 1, next == std::string::npos ? std::string::npos : next - comma - 1);
        comma = next;
        size_t eq = opt.find('=');
        std::string key = opt.substr(0, eq), val = eq == std::string::npos ? "" : opt.substr(eq + 1);
        if (val.empty()) throw UsageError("--vm " + s.path + ": '" + opt + "' is not KEY=VALUE");
        if (key == "mem") {
            v.mem = parse_size(val, "--vm mem");
            if (v.mem < kMiB || v.mem > (1ull << 30) || (v.mem & 0xfff))
                throw UsageError("--vm " + s.path + ": mem must be a multiple of 4K between 1M and 1G");
        } else if (key == "vcpus") {
            uint64_t n = parse_u64(val, "--vm vcpus");
            if (n < 1 || n > 4) throw UsageError("--vm " + s.path + ": vcpus must be 1..4");
            v.vcpus = unsigned(n);
        } else if (key == "share") {
            uint64_t n = parse_u64(val, "--vm share");
            if (n < 1 || n > 100) throw UsageError("--vm " + s.path + ": share must be 1..100 (percent)");
            v.share = unsigned(n);
        } else if (key == "addr") {
            s.addr = parse_u64(val, "--vm addr");
        } else if (key == "dev") {
            for (size_t at = 0; at <= val.size();) {
                size_t plus = val.find('+', at);
                std::string d = val.substr(at, plus == std::string::npos ? std::string::npos : plus - at);
                if (d == "uart") v.devices |= HV_DEV_PASSTHRU_UART;
                else if (d == "vf") v.devices |= HV_DEV_SRIOV_VF;
                else throw UsageError("--vm " + s.path + ": dev=" + val + ": devices are uart and vf (dev=uart+vf)");
                if (plus == std::string::npos) break;
                at = plus + 1;
            }
        } else if (key == "name") {
            if (val.size() > 15) throw UsageError("--vm " + s.path + ": name longer than 15 characters");
            v.name = val;
        } else {
            throw UsageError("--vm " + s.path + ": unknown option '" + key + "' (mem, vcpus, share, addr, name, dev)");
        }
    }
    if (v.name.empty()) {
        v.name = std::filesystem::path(s.path).stem().string();
        if (v.name == "u-boot") v.name = "uboot";
        v.name = v.name.substr(0, 15);
    }
    return s;
}

// Loads the image and checks that it fits in the VM's RAM.
void load_vm_image(VmSpec& s) {
    emu::Image img = emu::load_image_file(s.path, s.addr, s.vm.mem, "the VM's RAM");
    if (img.is_elf && s.addr) throw UsageError("--vm " + s.path + ": addr= is for raw images; an ELF image says its own");
    if (!img.is_elf && !img.is_linux_image && !s.addr) {
        // Where QEMU virt's -kernel and OpenSBI fw_jump put a raw S-mode image.
        img.segments[0].paddr = img.entry = kRawVmLoadAddr;
    }
    hvtable::set_image(s.vm, img, s.path);
}

// The same set-up for QEMU: hv.elf and the VM table as files, and the
// command line that loads the table where hv looks for it.
int write_qemu_files(const std::string& dir, std::span<const unsigned char> hv, const hvtable::Table& table,
                     uint64_t ram, const std::string& bios, bool builtin) {
    std::filesystem::create_directories(dir);
    auto put = [&](const std::string& name, const void* data, size_t n) {
        std::string path = (std::filesystem::path(dir) / name).string();
        std::ofstream out(path, std::ios::binary);
        if (!out || !out.write(static_cast<const char*>(data), std::streamsize(n)))
            throw UsageError("hv: --qemu-files: cannot write " + path);
        return path;
    };
    std::string hv_path = put("hv.elf", hv.data(), hv.size());
    std::string cmd = "qemu-system-riscv64 -M virt -cpu rv64,h=true -m " + std::to_string(ram >> 20) +
                      "M -nographic -bios " + bios + " -kernel " + hv_path;
    if (!builtin) {
        std::string table_path = put("vms.bin", table.bytes.data(), table.bytes.size());
        cmd += " -device loader,file=" + table_path + ",addr=" + isa::hex(HV_HANDOVER_ADDR) + ",force-raw=on";
    }
    std::printf("%s\n", cmd.c_str());
    return 0;
}

// Which VMs have printed a line of their own ("[LABEL] ..." from hv's
// console), so that a silent one can be pointed out to the user.
class SilentVmHint {
public:
    explicit SilentVmHint(const std::vector<hvtable::Vm>& vms) : vms_(vms), printed_(vms.size(), false) {}
    void byte(uint8_t b) {
        if (b == '\n') { line_.clear(); return; }
        if (line_.size() < 24) line_.push_back(char(b));
        if (b != ']' || line_.size() < 5 || line_.compare(0, 3, "[vm") != 0) return;
        unsigned k = 0;
        for (size_t i = 3; i + 1 < line_.size(); i++) {
            if (line_[i] < '0' || line_[i] > '9') return;
            k = k * 10 + unsigned(line_[i] - '0');
        }
        if (k < printed_.size()) printed_[k] = true;
    }
    // After kAfterSeconds, one line per VM that has printed nothing yet.
    void tick(double seconds) {
        if (told_ || seconds < kAfterSeconds) return;
        told_ = true;
        for (size_t k = 0; k < vms_.size(); k++) {
            if (printed_[k]) continue;
            const hvtable::Vm& v = vms_[k];
            std::fprintf(stderr,
                         "\r\nstepvisor: hint: vm%zu '%s' has printed nothing in %.0f s; its image is loaded at GPA %s "
                         "and entered at %s. If it is linked for another address, give --vm IMAGE,addr=GPA; "
                         "if it prints through another device than the ns16550a at 0x10000000 or SBI, nothing shows.\r\n",
                         k, v.name.c_str(), kAfterSeconds, isa::hex(v.load_gpa).c_str(), isa::hex(v.entry).c_str());
        }
    }

private:
    static constexpr double kAfterSeconds = 5;
    const std::vector<hvtable::Vm>& vms_;
    std::vector<bool> printed_;
    std::string line_;
    bool told_ = false;
};

// Standard input feeds the console when it is a terminal or a pipe (or a
// socket); a file or /dev/null only with --stdin.
bool stdin_is_interactive() {
    struct stat st;
    if (isatty(0)) return true;
    return fstat(0, &st) == 0 && (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode));
}

}  // namespace

int cmd_hv(const std::vector<std::string>& args) {
    MachineOptions opt;
    bool mem_given = false, no_htinst = false, feed_stdin = stdin_is_interactive();
    std::string bios = kFwJump, until_output, qemu_dir, commit_log, restore;
    std::vector<VmSpec> vms;
    GdbOptions gdb_opt;
    std::optional<MgmtAddress> mgmt_addr;
    for (size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        if (a == "-h" || a == "--help") { std::fputs(kHvHelp, stdout); std::fputs(kRestoreOptionHelp, stdout); std::fputs(kGdbOptionsHelp, stdout); std::fputs(kMgmtOptionsHelp, stdout); std::fputs(kCommitLogHelp, stdout); std::fputs(kMachineOptionsHelp, stdout); return 0; }
        if (a == "--mem") mem_given = true;
        if (parse_machine_option(args, i, opt) || parse_gdb_option(args, i, gdb_opt) ||
            parse_commit_log_option(args, i, commit_log) || parse_restore_option(args, i, restore) ||
            parse_mgmt_option(args, i, mgmt_addr)) continue;
        if (a == "--vm") vms.push_back(parse_vm(value_of(args, i)));
        else if (a == "--bios") bios = value_of(args, i);
        else if (a == "--no-htinst") no_htinst = true;
        else if (a == "--qemu-files") qemu_dir = value_of(args, i);
        else if (a == "--stdin") feed_stdin = true;
        else if (a == "--until-output") {
            until_output = value_of(args, i);
            if (until_output.empty()) throw UsageError("--until-output: empty text");
        } else throw UsageError("hv: unknown argument " + a + " (see stepvisor hv --help)");
    }
    if (vms.size() > HV_HANDOVER_MAX_VMS) throw UsageError("hv: at most " + std::to_string(HV_HANDOVER_MAX_VMS) + " VMs");
    if (!std::filesystem::exists(bios)) {
        if (bios == kFwJump)
            throw UsageError(std::string("hv: no SBI firmware: ") + kFwJump +
                             " is missing (install the Debian package opensbi, or give --bios FW)");
        throw emu::LoadError(bios + ": no such file");
    }
    if (!opt.config.isa.has(isa::Ext::H)) throw UsageError("hv: the hypervisor needs the H extension (h in --isa)");

    // The table and the images, then the pool for guest RAM and G-stage tables.
    std::vector<hvtable::Vm> table_vms;
    for (VmSpec& v : vms) {
        load_vm_image(v);
        if (no_htinst) v.vm.flags |= HV_VM_IGNORE_HTINST;
        table_vms.push_back(std::move(v.vm));
    }
    hvtable::Table table = hvtable::build(table_vms);
    // RAM up to the pool's end, and room at the top for the machine's device tree.
    if (!mem_given) opt.config.ram_size = table.ram_needed;
    else if (!vms.empty() && opt.config.ram_size < table.ram_needed)
        throw UsageError("hv: --mem " + std::to_string(opt.config.ram_size / kMiB) + "M is too small for these VMs; they need " +
                         std::to_string(table.ram_needed / kMiB) + "M");

    auto hv_elf = embedded::find("hv");
    if (!hv_elf) throw emu::LoadError("hv: the hypervisor image is not embedded in this build");
    if (!qemu_dir.empty()) return write_qemu_files(qemu_dir, *hv_elf, table, opt.config.ram_size, bios, vms.empty());

    emu::Machine* mp = nullptr;
    std::unique_ptr<HeadlessMgmt> mgmt;
    if (mgmt_addr) {
        mgmt = std::make_unique<HeadlessMgmt>(*mgmt_addr, &mp);
        opt.config.mgmt_mailbox = true;  // the per-VM commands' way to hv
    }
    SilentVmHint hint(table_vms);
    auto to_stdout = tapped_console(stdout_console(until_output, &mp), mgmt.get());
    opt.config.console = [&hint, to_stdout](uint8_t b) { hint.byte(b); to_stdout(b); };
    emu::Machine::BootSpec spec;
    spec.firmware = emu::load_image_file(bios, emu::kDefaultRawLoadAddr);
    spec.kernel = emu::parse_elf(*hv_elf, "hv");  // linked at 0x80200000, where fw_jump jumps
    std::unique_ptr<emu::CommitLog> commits;  // outlives the machine that writes to it
    auto m = std::make_unique<emu::Machine>(opt.config);
    mp = m.get();
    m->boot(spec);
    commits = attach_commit_log(*m, commit_log);
    if (!vms.empty() && !hvtable::write(*m, table))
        throw UsageError("hv: the VM table does not fit in RAM");

    restore_snapshot(*m, restore);
    std::unique_ptr<emu::History> history;
    std::unique_ptr<HistoryReverse> reverse;
    std::unique_ptr<DebugSession> dbg;
    std::unique_ptr<GdbStub> gdb;
    if (gdb_opt.enabled()) {  // the debugger's symbols are hv's
        history = std::make_unique<emu::History>(*m);
        reverse = std::make_unique<HistoryReverse>(*history);
        dbg = std::make_unique<DebugSession>(*m, *spec.kernel, opt.max_insns, opt.timeout_s);
        gdb = std::make_unique<GdbStub>(*m, *dbg, uint16_t(gdb_opt.port));
        gdb->set_reverse(reverse.get());
    }
    Console console(feed_stdin);
    catch_stop_signals();
    Outcome o = run_to_end(*m, opt, nullptr, &console, gdb.get(), gdb_opt.wait,
                           [&](double s) {
                               hint.tick(s);
                               return mgmt ? mgmt->between() : Between::Run;
                           },
                           mgmt != nullptr);
    std::fflush(stdout);
    if (mgmt) mgmt->ended(*m);
    // What the demo devices sent: they are not the console.
    auto sent = [](const std::string& who, std::string_view text) {
        if (!text.empty()) std::fprintf(stderr, "stepvisor: %s sent: %.*s", who.c_str(), int(text.size()), text.data());
    };
    sent("the second UART", m->uart1_output());
    for (unsigned k = 0; m->sriov() && k < m->sriov()->num_vfs(); k++) sent("SR-IOV VF " + std::to_string(k), m->sriov()->output(k));
    if (!o.message.empty()) std::fprintf(stderr, "stepvisor: hv: %s\n", o.message.c_str());
    return o.exit_code;
}

}  // namespace cli
