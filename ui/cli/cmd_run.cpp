// stepvisor run FILE: run an image headless until it reports its result.
#include <unistd.h>

#include <cstdio>
#include <fstream>

#include "commands.hpp"
#include "console.hpp"
#include "run_loop.hpp"

namespace cli {
namespace {

const char* const kRunHelp =
    "usage: stepvisor run [options] FILE\n"
    "\n"
    "Runs an RV64 ELF or raw binary headless. The run ends when the program\n"
    "reports through HTIF tohost (riscv-tests, Spike-style programs) or powers\n"
    "off through the syscon/sifive-test device (QEMU virt-style programs).\n"
    "Exit status: 0 pass, 1 the program reported failure (the failing test\n"
    "number is printed), 2 bad input, 3 a limit was reached, 4 all harts idle.\n"
    "\n"
    "run options:\n"
    "  --stats              print instructions, cycles, host seconds and MIPS to stderr\n"
    "  --signature FILE     write memory between the symbols begin_signature and\n"
    "                       end_signature as hex, one word per line (as Spike's +signature)\n"
    "  --signature-granularity N  bytes per signature line (default 4)\n"
    "  --until-output TEXT  stop (exit 0) when the console has printed TEXT\n"
    "\n"
    "booting firmware and a kernel, as on QEMU's virt machine:\n"
    "  --bios FW            firmware at 0x80000000 (ELF, or a raw binary such as OpenSBI's fw_jump.bin)\n"
    "  --kernel FILE        the next stage (U-Boot, Linux): an ELF, or raw at the first 2 MiB\n"
    "                       boundary after the firmware; a2 points at OpenSBI fw_dynamic information\n"
    "  --initrd FILE        an initial RAM disk, announced in the device tree\n"
    "  --append ARGS        the kernel command line (/chosen/bootargs)\n"
    "  --dump-dtb FILE      write the generated device tree and exit\n"
    "\n"
    "\n"
    "The terminal is the guest's console: when standard input is a terminal, keys go\n"
    "to the UART (raw mode; Ctrl-A X leaves).\n"
    "  --stdin              feed piped standard input to the UART as it arrives\n";

std::vector<uint8_t> read_file(const std::string& path, const char* what) {
    std::ifstream f(path, std::ios::binary);
    if (!f) throw emu::LoadError(path + ": cannot open " + what);
    return std::vector<uint8_t>((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
}

void write_signature(emu::Machine& m, const emu::Image& img, const std::string& path, unsigned gran) {
    auto b = img.symbol("begin_signature"), e = img.symbol("end_signature");
    if (!b || !e || *e < *b) throw UsageError("--signature: the image has no begin_signature/end_signature symbols");
    std::ofstream out(path);
    if (!out) throw UsageError("--signature: cannot write '" + path + "'");
    std::vector<uint8_t> bytes(*e - *b);
    if (!m.bus().read_block(*b, bytes.data(), bytes.size()))
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
    std::string signature, file, bios, kernel, initrd, append, dump_dtb, until_output;
    bool have_append = false, feed_stdin = isatty(0);
    unsigned gran = 4;
    for (size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        if (a == "-h" || a == "--help") { std::fputs(kRunHelp, stdout); std::fputs(kMachineOptionsHelp, stdout); return 0; }
        if (parse_machine_option(args, i, opt)) continue;
        if (a == "--stats") stats = true;
        else if (a == "--signature") signature = value_of(args, i);
        else if (a == "--signature-granularity") {
            uint64_t g = parse_u64(value_of(args, i), a);
            if (g != 1 && g != 2 && g != 4 && g != 8 && g != 16) throw UsageError("--signature-granularity: 1, 2, 4, 8 or 16");
            gran = unsigned(g);
        } else if (a == "--bios") bios = value_of(args, i);
        else if (a == "--kernel") kernel = value_of(args, i);
        else if (a == "--initrd") initrd = value_of(args, i);
        else if (a == "--append") { append = value_of(args, i); have_append = true; }
        else if (a == "--dump-dtb") dump_dtb = value_of(args, i);
        else if (a == "--stdin") feed_stdin = true;
        else if (a == "--until-output") {
            until_output = value_of(args, i);
            if (until_output.empty()) throw UsageError("--until-output: empty text");
        } else if (!a.empty() && a[0] == '-') throw UsageError("run: unknown option " + a + " (see stepvisor run --help)");
        else if (file.empty()) file = a;
        else throw UsageError("run: more than one image given ('" + file + "' and '" + a + "')");
    }
    if (!bios.empty() && !file.empty())
        throw UsageError("run: give either FILE or --bios FW [--kernel FILE], not both");
    if (bios.empty() && (!kernel.empty() || !initrd.empty() || (have_append && dump_dtb.empty())))
        throw UsageError("run: --kernel, --initrd and --append need --bios FW (the firmware that starts the kernel)");
    if (file.empty() && bios.empty() && dump_dtb.empty())
        throw UsageError("run: no image given (usage: stepvisor run [options] FILE)");

    // Output goes to the terminal; --until-output watches it.
    emu::Machine* mp = nullptr;
    opt.config.console = stdout_console(until_output, &mp);
    emu::Image img;
    std::unique_ptr<emu::Machine> m;
    if (!bios.empty()) {
        emu::Machine::BootSpec spec;
        spec.firmware = emu::load_image_file(bios, emu::kDefaultRawLoadAddr);
        if (!kernel.empty())
            spec.kernel = emu::load_image_file(kernel, emu::Machine::kernel_load_address(spec.firmware));
        if (!initrd.empty()) spec.initrd = read_file(initrd, "initrd");
        spec.bootargs = append;
        m = std::make_unique<emu::Machine>(opt.config);
        m->boot(spec);
        img = spec.firmware;
    } else if (!file.empty()) {
        m = make_machine(opt, file, &img);
    } else {
        m = std::make_unique<emu::Machine>(opt.config);
        m->boot({emu::Image{}, std::nullopt, {}, append});
    }
    mp = m.get();
    if (!dump_dtb.empty()) {
        const auto& dtb = m->device_tree();
        std::ofstream out(dump_dtb, std::ios::binary);
        if (!out || !out.write(reinterpret_cast<const char*>(dtb.data()), std::streamsize(dtb.size())))
            throw UsageError("--dump-dtb: cannot write '" + dump_dtb + "'");
        if (file.empty() && bios.empty()) return 0;
    }
    Console console(feed_stdin);
    Outcome o = run_to_end(*m, opt, nullptr, &console);
    std::fflush(stdout);
    if (!signature.empty()) write_signature(*m, img, signature, gran);
    if (stats) {
        double mips = o.seconds > 0 ? double(o.instructions) / o.seconds / 1e6 : 0;
        std::fprintf(stderr, "stats: instructions=%llu cycles=%llu host_seconds=%.3f mips=%.1f\n",
                     (unsigned long long)o.instructions, (unsigned long long)o.cycles, o.seconds, mips);
    }
    if (!o.message.empty())
        std::fprintf(stderr, "stepvisor: %s: %s\n", (file.empty() ? bios : file).c_str(), o.message.c_str());
    return o.exit_code;
}

}  // namespace cli
