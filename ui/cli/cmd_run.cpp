// stepvisor run FILE: run an image headless until it reports its result.
#include <unistd.h>

#include <cstdio>
#include <fstream>

#include "commands.hpp"
#include "console.hpp"
#include "debug_session.hpp"
#include "gdb_stub.hpp"
#include "reverse.hpp"
#include "mgmt_headless.hpp"
#include "run_loop.hpp"
#include "stop_signal.hpp"

namespace cli {
namespace {

const char* const kRunHelp =
    "usage: stepvisor run [options] FILE\n"
    "\n"
    "Runs an RV64 ELF or raw binary headless. The run ends when the program\n"
    "reports through HTIF tohost (riscv-tests, Spike-style programs) or powers\n"
    "off through the syscon/sifive-test device (QEMU virt-style programs).\n"
    "Exit status: 0 pass, 1 the program reported failure (the failing test\n"
    "number is printed), 2 bad input, 3 a limit was reached, 4 all harts idle,\n"
    "130/143 stopped by SIGINT/SIGTERM (at an instruction boundary; the stats and\n"
    "every output file are written first).\n"
    "\n"
    "run options:\n"
    "  --stats              print instructions, cycles, host seconds and MIPS to stderr\n"
    "  --signature FILE     write memory between the symbols begin_signature and\n"
    "                       end_signature as hex, one word per line (as Spike's +signature)\n"
    "  --signature-granularity N  bytes per signature line (default 4)\n"
    "  --until-output TEXT  stop (exit 0) when the console has printed TEXT\n"
    "  --dump-dtb FILE      write the generated device tree (and exit when there is nothing to run)\n"
    "\n"
    "\n"
    "The terminal is the guest's console: when standard input is a terminal, keys go\n"
    "to the UART (raw mode; Ctrl-A X leaves).\n"
    "  --stdin              feed piped standard input to the UART as it arrives\n"
    "                       (Ctrl-A X in it leaves too, as QEMU's -nographic)\n";


// The signature region [begin_signature, end_signature) of the image.
std::pair<uint64_t, uint64_t> signature_range(const emu::Image& img) {
    auto b = img.symbol("begin_signature"), e = img.symbol("end_signature");
    if (!b || !e || *e < *b) throw UsageError("--signature: the image has no begin_signature/end_signature symbols");
    return {*b, *e};
}

void write_signature(emu::Machine& m, const emu::Image& img, const std::string& path, unsigned gran) {
    auto [b, e] = signature_range(img);
    std::ofstream out(path);
    if (!out) throw UsageError("--signature: cannot write '" + path + "'");
    std::vector<uint8_t> bytes(e - b);
    if (!m.bus().read_block(b, bytes.data(), bytes.size()))
        throw UsageError("--signature: the signature region is outside RAM");
    for (size_t off = 0; off < bytes.size(); off += gran) {
        std::string line;
        for (size_t i = gran; i-- > 0;) {
            char hex[3];
            std::snprintf(hex, sizeof hex, "%02x", off + i < bytes.size() ? bytes[off + i] : 0);
            line += hex;
        }
        out << line << '\n';
    }
}

}  // namespace

int cmd_run(const std::vector<std::string>& args) {
    MachineOptions opt;
    bool stats = false;
    BootOptions boot;
    GdbOptions gdb_opt;
    std::optional<MgmtAddress> mgmt_addr;
    std::string signature, file, dump_dtb, until_output, commit_log, restore;
    bool feed_stdin = isatty(0);
    unsigned gran = 4;
    for (size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        if (a == "-h" || a == "--help") { std::fputs(kRunHelp, stdout); std::fputs(kBootOptionsHelp, stdout); std::fputs(kRestoreOptionHelp, stdout); std::fputs(kGdbOptionsHelp, stdout); std::fputs(kMgmtOptionsHelp, stdout); std::fputs(kCommitLogHelp, stdout); std::fputs(kMachineOptionsHelp, stdout); return 0; }
        if (parse_machine_option(args, i, opt) || parse_boot_option(args, i, boot) || parse_gdb_option(args, i, gdb_opt) ||
            parse_commit_log_option(args, i, commit_log) || parse_restore_option(args, i, restore) ||
            parse_mgmt_option(args, i, mgmt_addr))
            continue;
        if (a == "--stats") stats = true;
        else if (a == "--signature") signature = value_of(args, i);
        else if (a == "--signature-granularity") {
            uint64_t g = parse_u64(value_of(args, i), a);
            if (g != 1 && g != 2 && g != 4 && g != 8 && g != 16) throw UsageError("--signature-granularity: 1, 2, 4, 8 or 16");
            gran = unsigned(g);
        } else if (a == "--dump-dtb") dump_dtb = value_of(args, i);
        else if (a == "--stdin") feed_stdin = true;
        else if (a == "--until-output") {
            until_output = value_of(args, i);
            if (until_output.empty()) throw UsageError("--until-output: empty text");
        } else if (!a.empty() && a[0] == '-') throw UsageError("run: unknown option " + a + " (see stepvisor run --help)");
        else if (file.empty()) file = a;
        else throw UsageError("run: more than one image given ('" + file + "' and '" + a + "')");
    }
    if (boot.any() && !file.empty())
        throw UsageError("run: give either FILE or --bios FW [--kernel FILE], not both");
    if (file.empty() && !boot.any() && dump_dtb.empty())
        throw UsageError("run: no image given (usage: stepvisor run [options] FILE)");

    if (!signature.empty()) check_writable(signature, "--signature");
    if (!dump_dtb.empty()) check_writable(dump_dtb, "--dump-dtb");

    // Output goes to the terminal; --until-output watches it.
    emu::Machine* mp = nullptr;
    std::unique_ptr<HeadlessMgmt> mgmt;
    if (mgmt_addr && (!file.empty() || !boot.bios.empty())) mgmt = std::make_unique<HeadlessMgmt>(*mgmt_addr, &mp);
    opt.config.console = tapped_console(stdout_console(until_output, &mp), mgmt.get());
    emu::Image img;
    std::unique_ptr<emu::CommitLog> commits;  // outlives the machine that writes to it
    std::unique_ptr<emu::Machine> m;
    if (!boot.bios.empty() || (boot.any() && dump_dtb.empty())) {
        m = make_booted_machine(opt, boot, &img);
    } else if (!file.empty()) {
        m = make_machine(opt, file, &img);
    } else {  // --dump-dtb alone (perhaps with --append)
        m = std::make_unique<emu::Machine>(opt.config);
        m->boot({emu::Image{}, std::nullopt, {}, boot.append});
    }
    mp = m.get();
    if (!signature.empty()) signature_range(img);  // an image without the symbols is refused before the run
    if (!dump_dtb.empty()) {
        const auto& dtb = m->device_tree();
        std::ofstream out(dump_dtb, std::ios::binary);
        if (!out || !out.write(reinterpret_cast<const char*>(dtb.data()), std::streamsize(dtb.size())))
            throw UsageError("--dump-dtb: cannot write '" + dump_dtb + "'");
        if (file.empty() && boot.bios.empty()) return 0;
    }
    restore_snapshot(*m, restore);
    commits = attach_commit_log(*m, commit_log);
    std::unique_ptr<emu::History> history;
    std::unique_ptr<HistoryReverse> reverse;
    std::unique_ptr<DebugSession> dbg;
    std::unique_ptr<GdbStub> gdb;
    if (gdb_opt.enabled()) {
        history = std::make_unique<emu::History>(*m);
        reverse = std::make_unique<HistoryReverse>(*history);
        dbg = std::make_unique<DebugSession>(*m, img, opt.max_insns, opt.timeout_s);
        gdb = std::make_unique<GdbStub>(*m, *dbg, uint16_t(gdb_opt.port));
        gdb->set_reverse(reverse.get());
    }
    Console console(feed_stdin);
    catch_stop_signals();
    std::function<Between(double)> between;
    if (mgmt) between = [&](double) { return mgmt->between(); };
    Outcome o = run_to_end(*m, opt, nullptr, &console, gdb.get(), gdb_opt.wait, between, mgmt != nullptr);
    std::fflush(stdout);
    if (mgmt) mgmt->ended(*m);
    if (!signature.empty()) write_signature(*m, img, signature, gran);
    if (stats) {
        double mips = o.seconds > 0 ? double(o.instructions) / o.seconds / 1e6 : 0;
        const emu::Machine::DecodedMemory dm = m->decoded_memory();
        std::fprintf(stderr,
                     "stats: instructions=%llu cycles=%llu host_seconds=%.3f mips=%.1f time_skipped_insns=%llu "
                     "decoded_bytes=%llu decoded_bytes_per_slot=%.1f\n",
                     (unsigned long long)o.instructions, (unsigned long long)o.cycles, o.seconds, mips,
                     (unsigned long long)m->time_skipped_instructions(), (unsigned long long)dm.bytes,
                     dm.slots ? double(dm.bytes) / double(dm.slots) : 0.0);
    }
    if (!o.message.empty())
        std::fprintf(stderr, "stepvisor: %s: %s\n", (file.empty() ? boot.bios : file).c_str(), o.message.c_str());
    return o.exit_code;
}

}  // namespace cli
