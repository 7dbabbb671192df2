// stepvisor debug FILE: a command-driven stepping debugger over the
// machine's stepping API. Commands come from a terminal (with a prompt), a
// file (--commands FILE) or piped stdin, so sessions are scriptable.
#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <map>
#include <sstream>

#include "commands.hpp"
#include "isa/csr.hpp"
#include "isa/disasm.hpp"
#include "options.hpp"
#include "debug_session.hpp"

namespace cli {
namespace {

// One command line from a stream, bounded: a stream without newlines
// (/dev/zero) is refused instead of filling memory.
bool read_command_line(std::istream& in, std::string& line) {
    constexpr size_t kMaxLine = 64 << 10;
    line.clear();
    for (int c; (c = in.get()) != EOF;) {
        if (c == '\n') return true;
        if (line.size() == kMaxLine)
            throw UsageError("debug: a command line longer than " + std::to_string(kMaxLine) + " bytes");
        line.push_back(char(c));
    }
    return !line.empty();
}

}  // namespace

int cmd_debug(const std::vector<std::string>& args) {
    MachineOptions opt;
    BootOptions boot;
    std::string file, commands, restore;
    for (size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        if (a == "-h" || a == "--help") { std::fputs(kDebugUsage, stdout); std::fputs(kDebugCommands, stdout); std::fputs(kBootOptionsHelp, stdout); std::fputs(kRestoreOptionHelp, stdout); std::fputs(kMachineOptionsHelp, stdout); return 0; }
        if (parse_machine_option(args, i, opt) || parse_boot_option(args, i, boot) || parse_restore_option(args, i, restore)) continue;
        if (a == "--commands") commands = value_of(args, i);
        else if (!a.empty() && a[0] == '-') throw UsageError("debug: unknown option " + a + " (see stepvisor debug --help)");
        else if (file.empty()) file = a;
        else throw UsageError("debug: more than one image given");
    }
    if (!file.empty() && boot.any()) throw UsageError("debug: give either FILE or --bios FW [--kernel FILE], not both");
    if (file.empty() && !boot.any())
        throw UsageError("debug: no image given (usage: stepvisor debug [options] FILE, or --bios FW [--kernel FILE])");
    std::vector<std::string> script;
    if (!commands.empty()) script = emu::read_input_lines(commands, "command file");
    emu::Image img;
    auto m = boot.any() ? make_booted_machine(opt, boot, &img) : make_machine(opt, file, &img);
    restore_snapshot(*m, restore);
    emu::History history(*m);  // reverse execution
    DebugSession s(*m, img, opt.max_insns, opt.timeout_s);
    const bool interactive = commands.empty() && isatty(0);
    s.where(std::cout);
    std::string line;
    for (size_t next = 0;;) {
        if (interactive) { std::cout << "(stepvisor) " << std::flush; }
        if (!commands.empty()) {
            if (next == script.size()) break;
            line = script[next++];
        } else if (!read_command_line(std::cin, line)) {
            break;
        }
        if (!interactive && !line.empty() && line[0] != '#') std::cout << "> " << line << "\n";
        if (!s.execute(line, std::cout)) break;
        std::cout << std::flush;
    }
    if (s.limit_reached()) return kExitLimit;
    return 0;
}

}  // namespace cli
