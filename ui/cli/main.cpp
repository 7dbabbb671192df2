// stepvisor: one binary, several subcommands.
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "commands.hpp"
#include "emu/snapshot.hpp"
#include "options.hpp"
#include "ui/gui/gui.hpp"

namespace {
const char* const kHelp =
    "stepvisor: a RISC-V RV64 system emulator for watching privilege transitions,\n"
    "traps and page-table walks\n"
    "\n"
    "usage: stepvisor COMMAND [options] ...\n"
    "\n"
    "commands:\n"
    "  run FILE         run an ELF or raw image headless until it reports pass/fail\n"
    "  test PATHS...    run many test ELFs in parallel and print a summary\n"
    "  debug FILE       step through a program: a command prompt, or commands from a file/stdin\n"
    "  demo [NAME]      run a built-in demo (no files needed); demo --list names them\n"
    "  hv --vm IMAGE    the embedded hypervisor on OpenSBI with your guest kernels as VMs\n"
    "  gui [FILE]       the graphical debugger: step through traps, VM exits and page-table walks\n"
    "  version          print the version\n"
    "  help             this text; `stepvisor COMMAND --help` for a command's options\n";
}  // namespace

int main(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    if (args.empty() || args[0] == "help" || args[0] == "-h" || args[0] == "--help") {
        std::fputs(kHelp, args.empty() ? stderr : stdout);
        return args.empty() ? cli::kExitUsage : 0;
    }
    std::string cmd = args[0];
    args.erase(args.begin());
    try {
        if (cmd == "run") return cli::cmd_run(args);
        if (cmd == "test") return cli::cmd_test(args);
        if (cmd == "debug") return cli::cmd_debug(args);
        if (cmd == "demo") return cli::cmd_demo(args);
        if (cmd == "hv") return cli::cmd_hv(args);
        if (cmd == "gui") return gui::cmd_gui(args);
        if (cmd == "version" || cmd == "--version") {
            std::puts("stepvisor 0.1.0");
            return 0;
        }
        std::fprintf(stderr, "stepvisor: unknown command '%s' (try stepvisor help)\n", cmd.c_str());
        return cli::kExitUsage;
    } catch (const emu::LoadError& e) {
        std::fprintf(stderr, "stepvisor: %s\n", e.what());
        return cli::kExitUsage;
    } catch (const emu::SnapshotError& e) {
        std::fprintf(stderr, "stepvisor: %s\n", e.what());
        return cli::kExitUsage;
    } catch (const cli::UsageError& e) {
        std::fprintf(stderr, "stepvisor: %s\n", e.what());
        return cli::kExitUsage;
    } catch (const std::bad_alloc&) {
        std::fprintf(stderr, "stepvisor: out of host memory (try a smaller --mem)\n");
        return cli::kExitUsage;
    }
}
