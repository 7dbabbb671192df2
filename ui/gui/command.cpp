// stepvisor gui: its options, and the session they describe (an image, a
// boot as QEMU virt's, or a lecture scenario) handed to the window.
#include <cstdio>

#include "gui.hpp"
#include "run.hpp"
#include "ui/cli/options.hpp"
#include "ui/embedded.hpp"

namespace gui {

namespace {

const char* const kUsage =
    "usage: stepvisor gui [options] [FILE | --scenario NAME]\n"
    "\n"
    "A window over the emulator: run, pause and step (to the next trap, VM exit,\n"
    "VM entry, privilege change, interrupt), registers and CSRs with decoded fields,\n"
    "disassembly, memory, a timeline of privilege modes, the VM-exit table, page-table\n"
    "trees, nested walks, the TLB and the devices. Without FILE it opens the built-in\n"
    "benchmark (bench-s-quick: M-mode into S-mode with Sv39 paging).\n"
    "\n"
    "gui options:\n"
    "  --scenario NAME      open a lecture scenario (stepvisor demo --list names them): the scenario\n"
    "                       builds the machine; `until checkpoint` runs to its next checkpoint\n"
    "  --size WxH           window size (default 1600x1000)\n"
    "  --bios FW            boot as QEMU virt does: firmware (e.g. OpenSBI fw_jump) at 0x80000000 ...\n"
    "  --kernel FILE        ... the next stage (e.g. build/hv/hv.elf), --initrd FILE, --append ARGS\n"
    "  --symbols ELF        more symbols for the disassembly (may be repeated)\n"
    "  --layout FILE|none   where the layout is kept (default: $XDG_CONFIG_HOME/stepvisor/gui.ini,\n"
    "                       ~/.config/stepvisor/gui.ini; with --script: none)\n"
    "  --script FILE        run commands from FILE, one per frame: the debugger's commands\n"
    "                       (step, until, continue, break, regs, pt, ...) and the GUI's:\n"
    "    screenshot FILE.png      save the window as a PNG\n"
    "    dump-state FILE.json     panel rectangles, harts, the selected event, the walk\n"
    "    translate ADDR [hart|satp|gva|gpa] [read|write|fetch]   open the walk of ADDR\n"
    "    select-exit N|first|last select a row of the VM-exit table\n"
    "    select-event SEQ|last    select an event of the log\n"
    "    show TAB                 bring a tab to the front (timeline, exits, events, tables,\n"
    "                             translate, tlb, memory, console, timer, plic, bus, log,\n"
    "                             integer, fp, csrs, vms, memmap)\n"
    "    memmap vmN|vmid:N|hart   the memory map of a VM (hv's vmN, the VM of a VMID, or the\n"
    "                             selected hart's hgatp)\n"
    "    tables satp|vsatp|hgatp  which page-table tree to show\n"
    "    zoom CYCLES|fit          the timeline shows the last CYCLES cycles, or all of them\n"
    "    memory ADDR [hart|satp|gva|gpa|phys]   the memory view's address and space\n"
    "    goto ADDR                the disassembly at ADDR (goto pc: follow the pc again)\n"
    "    run-for MS               run at full speed for MS milliseconds of host time\n"
    "    wait N                   let N frames pass\n"
    "    key [Shift+][Ctrl+]NAME  press a key (F5, Shift+F5, F10, F11, ...) as if typed\n"
    "    click X Y [right|double] move the pointer to X,Y in the window and click\n"
    "    click-item NAME [right|double]  click an item the GUI drew: run, pause, step,\n"
    "                             next-trap, next-vmexit, ..., exit-row-N, exit-marker-N,\n"
    "                             bp-ADDR, line-ADDR, vm-map-N, present-next, present-back,\n"
    "                             menu-file, menu-run, menu-scenario, menu-view (a closed menu),\n"
    "                             menu-presentation (in the open View menu)\n"
    "                             (dump-state lists them)\n"
    "    reset                    rebuild the machine\n"
    "  --exit-after-script  leave when the script is done (exit code 1 if a command failed)\n"
    "\n"
    "keys: F5 run/continue, Shift+F5 pause, F10 step over, F11 step, Shift+F10/Shift+F11 the\n"
    "same backwards, F9 breakpoint at the cursor, Ctrl+F10 run to the cursor, Ctrl+R reset,\n"
    "Ctrl+Q quit; a click on the timeline goes back to that cycle; F8 presentation mode (every font\n"
    "and widget larger, the scenario's narration as a large panel), where PgDn runs to the next\n"
    "checkpoint and PgUp goes back to the previous one\n"
    "\n"
    "The layout (presentation mode, open tabs, moved windows) is read at start and written when\n"
    "the GUI closes (--layout).\n"
    "\n";


}  // namespace

int cmd_gui(const std::vector<std::string>& args) {
    cli::MachineOptions opt;
    cli::BootOptions boot;
    RunOptions run;
    std::string file, scenario;
    std::vector<std::string> symbol_files;
    for (size_t i = 0; i < args.size(); ++i) {
        const std::string& x = args[i];
        if (x == "-h" || x == "--help") {
            std::fputs(kUsage, stdout);
            std::fputs(cli::kGdbOptionsHelp, stdout);
            std::fputs(cli::kMgmtOptionsHelp, stdout);
            std::fputs(cli::kMachineOptionsHelp, stdout);
            return 0;
        }
        if (cli::parse_machine_option(args, i, opt) || cli::parse_gdb_option(args, i, run.gdb) ||
            cli::parse_mgmt_option(args, i, run.mgmt) || cli::parse_boot_option(args, i, boot))
            continue;
        if (x == "--script") run.script_path = cli::value_of(args, i);
        else if (x == "--exit-after-script") run.exit_after_script = true;
        else if (x == "--scenario") scenario = cli::value_of(args, i);
        else if (x == "--symbols") symbol_files.push_back(cli::value_of(args, i));
        else if (x == "--layout") run.layout = cli::value_of(args, i);
        else if (x == "--size") {
            const std::string& v = cli::value_of(args, i);
            int ww = 0, hh = 0;
            char extra = 0;
            if (std::sscanf(v.c_str(), "%dx%d%c", &ww, &hh, &extra) != 2 || ww < 640 || hh < 400 || ww > 8192 || hh > 8192)
                throw cli::UsageError("gui: --size wants WxH between 640x400 and 8192x8192, not '" + v + "'");
            run.width = ww;
            run.height = hh;
        } else if (!x.empty() && x[0] == '-') throw cli::UsageError("gui: unknown option " + x + " (see stepvisor gui --help)");
        else if (file.empty()) file = x;
        else throw cli::UsageError("gui: more than one image given");
    }
    if (!scenario.empty()) {
        if (!scen::find(scenario))
            throw cli::UsageError("gui: no scenario named '" + scenario + "' (stepvisor demo --list names them)");
        if (!file.empty() || !boot.bios.empty()) throw cli::UsageError("gui: give either FILE, --bios or --scenario, not more");
    }
    if (run.exit_after_script && run.script_path.empty()) throw cli::UsageError("gui: --exit-after-script needs --script FILE");

    if (!boot.bios.empty() && !file.empty()) throw cli::UsageError("gui: give either FILE or --bios FW [--kernel FILE], not both");
    if (boot.bios.empty() && boot.any())
        throw cli::UsageError("gui: --kernel, --initrd and --append need --bios FW (the firmware that starts the kernel)");

    Session::Config cfg;
    cfg.options = opt;
    for (const auto& f : symbol_files) {
        emu::Image si = emu::load_image_file(f, std::nullopt, opt.config.ram_size);
        if (!si.is_elf) throw emu::LoadError(f + ": --symbols wants an ELF file");
        cfg.symbol_images.push_back(std::move(si));
    }
    if (!boot.bios.empty()) {
        emu::Machine::BootSpec spec = cli::load_boot_files(opt, boot);
        cfg.image = spec.firmware;
        auto base = [](const std::string& f) { return f.substr(f.find_last_of('/') == std::string::npos ? 0 : f.find_last_of('/') + 1); };
        cfg.image_name = base(boot.bios) + (boot.kernel.empty() ? "" : " + " + base(boot.kernel));
        cfg.boot = std::move(spec);
    } else if (!scenario.empty()) {
        cfg.scenario = scenario;
        cfg.image_name = "scenario " + scenario;
    } else if (file.empty()) {
        auto bytes = embedded::find("bench-s-quick");
        if (!bytes) throw cli::UsageError("gui: no FILE given and no built-in image in this build");
        cfg.image = emu::parse_elf(*bytes, "bench-s-quick");
        cfg.image_name = "bench-s-quick (built in)";
    } else {
        cfg.image = emu::load_image_file(file, opt.load_addr.value_or(emu::kDefaultRawLoadAddr), opt.config.ram_size);
        if (!cfg.image.is_elf && !opt.load_addr)
            throw emu::LoadError(file + ": not an ELF file (to run a raw binary, give its address with --load-addr)");
        cfg.image_name = file.substr(file.find_last_of('/') == std::string::npos ? 0 : file.find_last_of('/') + 1);
    }
    if (!cfg.boot && cfg.scenario.empty()) emu::check_fits(cfg.image, emu::map::kRam, opt.config.ram_size, file.empty() ? "bench-s-quick" : file);
    return run_gui(std::move(cfg), run);
}

}  // namespace gui
