// stepvisor gui: the window, the frame loop, the script runner, screenshots,
// and the layout of the panels.
#include "app.hpp"

#include <SDL.h>
#include <SDL_opengl.h>
#include <backends/imgui_impl_opengl3.h>
#include <backends/imgui_impl_sdl.h>
#include <stb_image_write.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

#include "gui.hpp"
#include "isa/causes.hpp"
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
    "  --script FILE        run commands from FILE, one per frame: the debugger's commands\n"
    "                       (step, until, continue, break, regs, pt, ...) and the GUI's:\n"
    "    screenshot FILE.png      save the window as a PNG\n"
    "    dump-state FILE.json     panel rectangles, harts, the selected event, the walk\n"
    "    translate ADDR [hart|satp|gva|gpa] [read|write|fetch]   open the walk of ADDR\n"
    "    select-exit N|first|last select a row of the VM-exit table\n"
    "    select-event SEQ|last    select an event of the log\n"
    "    show TAB                 bring a tab to the front (timeline, exits, events, tables,\n"
    "                             translate, tlb, memory, console, timer, plic, bus, log,\n"
    "                             integer, fp, csrs)\n"
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
    "                             bp-ADDR, line-ADDR (dump-state lists them)\n"
    "    reset                    rebuild the machine\n"
    "  --exit-after-script  leave when the script is done (exit code 1 if a command failed)\n"
    "\n"
    "keys: F5 run/continue, Shift+F5 pause, F10 step over, F11 step, F9 breakpoint at the\n"
    "cursor, Ctrl+F10 run to the cursor, Ctrl+R reset, Ctrl+Q quit\n"
    "\n";

SDL_Window* g_window = nullptr;  // for script commands that act as the user would

struct Capture {
    enum Kind { Png, Json } kind = Png;
    std::string path;
    int frames = 0;  // frames to wait before capturing
};

// ---------------------------------------------------------------- JSON

std::string jstr(const std::string& s) {
    std::string o = "\"";
    for (char c : s) {
        if (c == '"' || c == '\\') { o += '\\'; o += c; }
        else if (c == '\n') o += "\\n";
        else if (c == '\t') o += "\\t";
        else if (uint8_t(c) < 0x20) { char b[8]; std::snprintf(b, sizeof b, "\\u%04x", c); o += b; }
        else o += c;
    }
    return o + "\"";
}

std::string event_json(Session& s, const emu::Event& e) {
    std::ostringstream o;
    const auto row = s.exit_row_of(e.seq);
    const bool intr = e.kind == emu::EventKind::Interrupt || (row && s.exits()[*row].interrupt);
    o << "{\"seq\": " << e.seq << ", \"kind\": " << jstr(emu::event_kind_name(e.kind)) << ", \"hart\": " << unsigned(e.hart)
      << ", \"cycle\": " << e.cycle << ", \"instret\": " << e.instret << ", \"pc\": " << jstr(hex(e.pc))
      << ", \"cause\": " << e.cause << ", \"interrupt\": " << (intr ? "true" : "false")
      << ", \"cause_name\": " << jstr(cause_text(e.cause, intr))
      << ", \"tval\": " << jstr(hex(e.tval)) << ", \"tval2\": " << jstr(hex(e.tval2)) << ", \"tinst\": " << jstr(hex(e.tinst))
      << ", \"tinst_text\": " << jstr(tinst_text(e.tinst))
      << ", \"from\": " << jstr(emu::priv_name(e.from_priv, e.from_v, s.h_enabled()))
      << ", \"to\": " << jstr(emu::priv_name(e.to_priv, e.to_v, s.h_enabled())) << ", \"line\": " << jstr(s.event_line(e)) << "}";
    return o.str();
}

bool dump_state(App& a, const std::string& path) {
    Session& s = a.s;
    std::ostringstream o;
    o << "{\n  \"window\": {\"w\": " << a.width << ", \"h\": " << a.height << "},\n";
    o << "  \"frames\": " << a.frames << ",\n  \"ips\": " << s.ips() << ",\n";
    o << "  \"image\": " << jstr(s.image_name()) << ",\n  \"status\": " << jstr(s.status()) << ",\n";
    o << "  \"panels\": [";
    bool first = true;
    for (const auto& [name, r] : a.panel_rects) {
        o << (first ? "\n" : ",\n") << "    {\"name\": " << jstr(name) << ", \"x\": " << r.x << ", \"y\": " << r.y
          << ", \"w\": " << r.w << ", \"h\": " << r.h << ", \"title_h\": " << ImGui::GetFrameHeight();
        auto t = a.panel_tab.find(name);
        if (t != a.panel_tab.end()) o << ", \"tab\": " << jstr(t->second);
        o << "}";
        first = false;
    }
    o << "\n  ],\n  \"items\": {";
    first = true;
    for (const auto& [name, r] : a.item_rects) {
        o << (first ? "" : ", ") << jstr(name) << ": [" << r.x << ", " << r.y << ", " << r.w << ", " << r.h << "]";
        first = false;
    }
    o << "},\n  \"harts\": [";
    for (unsigned i = 0; i < s.machine().hart_count(); ++i) {
        emu::Hart& h = s.machine().hart(i);
        o << (i ? ", " : "") << "{\"mode\": " << jstr(emu::priv_name(h.priv, h.virt, h.h_ext)) << ", \"pc\": " << jstr(hex(h.pc))
          << ", \"cycle\": " << h.cycle << ", \"instret\": " << h.instret << "}";
    }
    o << "],\n  \"events\": " << s.machine().events().total() << ",\n  \"exits\": " << s.exits().size() << ",\n";
    o << "  \"selected\": ";
    std::optional<emu::Event> sel;
    if (s.selected()) sel = s.find_event(*s.selected());
    if (sel) {
        o << event_json(s, *sel);
        int row = -1;
        if (auto r = s.exit_row_of(sel->seq)) row = int(*r);
        o << ",\n  \"selected_exit_row\": " << row;
        if (row >= 0 && s.exits()[size_t(row)].entry)
            o << ",\n  \"cycles_to_entry\": " << s.exits()[size_t(row)].entry->cycle - sel->cycle;
        if (row >= 0 && s.exits()[size_t(row)].vmid) o << ",\n  \"selected_vmid\": " << *s.exits()[size_t(row)].vmid;
    } else {
        o << "null";
    }
    o << ",\n  \"translation\": ";
    if (a.tr.valid) {
        const Translation& t = a.tr;
        o << "{\"addr\": " << jstr(hex(t.addr)) << ", \"regime\": " << jstr(regime_name(t.regime))
          << ", \"two_stage\": " << (t.virt ? "true" : "false") << ", \"ok\": " << (t.result.ok ? "true" : "false")
          << ", \"pa\": " << jstr(hex(t.result.pa)) << ", \"mem_reads\": " << t.result.mem_reads
          << ", \"cause\": " << t.result.cause;
        if (t.gpa) o << ", \"gpa\": " << jstr(hex(*t.gpa));
        o << ", \"reads\": [";
        for (size_t i = 0; i < t.record.reads.size(); ++i) {
            const auto& r = t.record.reads[i];
            o << (i ? ", " : "") << "{\"stage\": " << jstr(r.gstage ? "G" : t.virt ? "VS" : "S") << ", \"level\": " << r.level
              << ", \"vs_level\": " << r.vs_level << ", \"pte_addr\": " << jstr(hex(r.pte_addr)) << ", \"pte\": " << jstr(hex(r.pte))
              << "}";
        }
        o << "]}";
    } else {
        o << "null";
    }
    o << ",\n  \"page_tables\": {\"which\": " << jstr(tables_name(a.pt.which)) << ", \"mode\": " << jstr(a.pt.mode)
      << ", \"tables\": " << a.pt.tables.size() << ", \"ranges\": " << a.pt.ranges.size() << "}";
    if (auto& sc = s.scenario()) {
        o << ",\n  \"scenario\": {\"name\": " << jstr(sc->name) << ", \"reached\": " << sc->current << ", \"checkpoints\": [";
        for (size_t i = 0; i < sc->checkpoints.size(); ++i) {
            const auto& c = sc->checkpoints[i];
            o << (i ? ", " : "") << "{\"title\": " << jstr(c.label) << ", \"reached\": " << (c.reached ? "true" : "false");
            if (c.reached) o << ", \"cycle\": " << c.cycle;
            o << "}";
        }
        o << "]}";
    } else {
        o << ",\n  \"scenario\": null";
    }
    o << ",\n  \"console\": " << jstr(s.console().substr(s.console().size() > 2000 ? s.console().size() - 2000 : 0));
    o << "\n}\n";
    std::ofstream f(path);
    f << o.str();
    return bool(f);
}

bool save_png(const std::string& path, int w, int h) {
    std::vector<unsigned char> rgba(size_t(w) * size_t(h) * 4);
    glPixelStorei(GL_PACK_ALIGNMENT, 1);
    glReadPixels(0, 0, w, h, GL_RGBA, GL_UNSIGNED_BYTE, rgba.data());
    std::vector<unsigned char> rgb(size_t(w) * size_t(h) * 3);
    for (int y = 0; y < h; ++y) {
        const unsigned char* src = &rgba[size_t(h - 1 - y) * size_t(w) * 4];  // OpenGL rows go bottom-up
        unsigned char* dst = &rgb[size_t(y) * size_t(w) * 3];
        for (int x = 0; x < w; ++x) {
            dst[x * 3 + 0] = src[x * 4 + 0];
            dst[x * 3 + 1] = src[x * 4 + 1];
            dst[x * 3 + 2] = src[x * 4 + 2];
        }
    }
    return stbi_write_png(path.c_str(), w, h, 3, rgb.data(), w * 3) != 0;
}

// ---------------------------------------------------------------- script

class Script {
public:
    std::vector<std::string> lines;
    size_t next = 0;
    int wait = 0;
    bool failed = false;
    std::chrono::steady_clock::time_point run_until;
    bool run_timed = false;
    std::optional<Capture> capture;

    struct Click {
        int button = SDL_BUTTON_LEFT;
        int clicks = 1;
        int frames = 0;  // frames until the button goes down (the pointer moves first)
    };
    std::optional<Click> click;

    bool done() const { return next >= lines.size() && wait == 0 && !capture && !run_timed && !click; }

    // Runs commands until one needs frames to pass. Returns false on quit.
    bool advance(App& a) {
        if (run_timed) {
            if (std::chrono::steady_clock::now() < run_until && a.s.running()) return true;
            run_timed = false;
            a.s.pause();
        }
        if (click) {
            if (click->frames-- > 0) return true;
            SDL_Event ev{};
            ev.type = SDL_MOUSEBUTTONDOWN;
            ev.button.button = Uint8(click->button);
            ev.button.state = SDL_PRESSED;
            ev.button.clicks = Uint8(click->clicks);
            ev.button.windowID = SDL_GetWindowID(g_window);
            SDL_PushEvent(&ev);
            ev.type = SDL_MOUSEBUTTONUP;
            ev.button.state = SDL_RELEASED;
            SDL_PushEvent(&ev);
            if (click->clicks == 2) {  // ImGui wants two presses for a double click: another one next frame
                click->clicks = 1;
                click->frames = 1;
                return true;
            }
            click.reset();
            wait = 3;
            return true;
        }
        if (capture || a.s.running()) return true;
        if (wait > 0) {
            --wait;
            return true;
        }
        while (next < lines.size()) {
            const std::string line = lines[next++];
            std::istringstream in(line);
            std::string cmd;
            if (!(in >> cmd) || cmd[0] == '#') continue;
            std::vector<std::string> arg;
            for (std::string w; in >> w;) arg.push_back(w);
            std::cout << "> " << line << "\n";
            a.s.log("> " + line + "\n");
            bool more = true;
            if (!gui_command(a, cmd, arg, more)) {
                std::ostringstream out;
                more = a.s.execute(line, out);
                std::cout << out.str() << std::flush;
                a.s.log(out.str());
                if (out.str().rfind("error:", 0) == 0 || out.str().rfind("unknown command", 0) == 0) failed = true;
            }
            std::cout << std::flush;
            if (!more) return false;
            wait = std::max(wait, 1);  // let the panels show the new state
            return true;
        }
        return true;
    }

private:
    void fail(App& a, const std::string& msg) {
        std::cout << "error: " << msg << "\n";
        a.s.log("error: " + msg + "\n");
        failed = true;
    }

    // The GUI's own commands. Returns false when cmd is not one (the debugger's then).
    bool gui_command(App& a, const std::string& cmd, const std::vector<std::string>& arg, bool& more) {
        Session& s = a.s;
        if (cmd == "screenshot" || cmd == "dump-state") {
            if (arg.empty()) { fail(a, cmd + " needs a file name"); return true; }
            capture = Capture{cmd == "screenshot" ? Capture::Png : Capture::Json, arg[0], 3};
            return true;
        }
        if (cmd == "key") {
            // A key press through SDL's event queue, as if typed: "F5", "Shift+F5", "Ctrl+F10".
            if (arg.empty()) { fail(a, "key [Shift+][Ctrl+]NAME"); return true; }
            std::string k = arg[0];
            Uint16 mod = 0;
            for (bool more_mods = true; more_mods;) {
                more_mods = false;
                if (k.rfind("Shift+", 0) == 0) { mod |= KMOD_LSHIFT; k = k.substr(6); more_mods = true; }
                if (k.rfind("Ctrl+", 0) == 0) { mod |= KMOD_LCTRL; k = k.substr(5); more_mods = true; }
            }
            SDL_Scancode sc = SDL_GetScancodeFromName(k.c_str());
            if (sc == SDL_SCANCODE_UNKNOWN) { fail(a, "key: unknown key " + k); return true; }
            SDL_Event ev{};
            ev.type = SDL_KEYDOWN;
            ev.key.state = SDL_PRESSED;
            ev.key.keysym.scancode = sc;
            ev.key.keysym.sym = SDL_GetKeyFromScancode(sc);
            ev.key.keysym.mod = mod;
            SDL_PushEvent(&ev);
            ev.type = SDL_KEYUP;
            ev.key.state = SDL_RELEASED;
            SDL_PushEvent(&ev);
            wait = 2;
            return true;
        }
        if (cmd == "click") {
            // The pointer moves to X,Y (window coordinates), then a button goes down and up.
            if (arg.size() < 2) { fail(a, "click X Y [right|double]"); return true; }
            Click c;
            if (arg.size() > 2 && arg[2] == "right") c.button = SDL_BUTTON_RIGHT;
            if (arg.size() > 2 && arg[2] == "double") c.clicks = 2;
            c.frames = 2;
            SDL_WarpMouseInWindow(g_window, int(std::strtol(arg[0].c_str(), nullptr, 0)), int(std::strtol(arg[1].c_str(), nullptr, 0)));
            click = c;
            return true;
        }
        if (cmd == "click-item") {
            // Clicks the centre of an item the last frame drew (see dump-state's "items").
            if (arg.empty()) { fail(a, "click-item NAME [right|double]"); return true; }
            auto it = a.item_rects.find(arg[0]);
            if (it == a.item_rects.end()) { fail(a, "click-item: no item '" + arg[0] + "' on screen"); return true; }
            Click c;
            if (arg.size() > 1 && arg[1] == "right") c.button = SDL_BUTTON_RIGHT;
            if (arg.size() > 1 && arg[1] == "double") c.clicks = 2;
            c.frames = 2;
            SDL_WarpMouseInWindow(g_window, int(it->second.x + it->second.w / 2), int(it->second.y + it->second.h / 2));
            click = c;
            return true;
        }
        if ((cmd == "until" || cmd == "u") && !arg.empty() && arg[0] == "checkpoint") {
            if (!s.scenario()) { fail(a, "until checkpoint: no scenario is open (--scenario NAME)"); return true; }
            if (!s.run_checkpoint()) { fail(a, "until checkpoint: the scenario has no checkpoint left"); return true; }
            return true;
        }
        if (cmd == "wait") {
            wait = arg.empty() ? 1 : int(std::strtol(arg[0].c_str(), nullptr, 0));
            return true;
        }
        if (cmd == "quit" || cmd == "exit" || cmd == "q") {
            more = false;
            return true;
        }
        if (cmd == "reset") {
            s.reset();
            return true;
        }
        if (cmd == "run-for") {
            const long ms = arg.empty() ? 500 : std::strtol(arg[0].c_str(), nullptr, 0);
            s.run_continue();
            run_until = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
            run_timed = true;
            return true;
        }
        if (cmd == "translate") {
            uint64_t addr;
            if (arg.empty() || !parse_address(a, arg[0], addr)) { fail(a, "translate ADDR [hart|satp|gva|gpa] [read|write|fetch]"); return true; }
            Regime r = Regime::Hart;
            if (arg.size() > 1 && !regime_by_name(arg[1], r)) { fail(a, "translate: unknown regime " + arg[1]); return true; }
            emu::Access acc = emu::Access::Read;
            if (arg.size() > 2) acc = arg[2] == "write" ? emu::Access::Write : arg[2] == "fetch" ? emu::Access::Fetch : emu::Access::Read;
            a.open_translation(addr, r, acc);
            std::cout << "walk of " << hex(addr) << " (" << regime_name(r) << "): "
                      << (a.tr.result.ok ? "pa " + hex(a.tr.result.pa) : "fault, cause " + std::to_string(a.tr.result.cause))
                      << ", " << a.tr.result.mem_reads << " memory reads\n";
            return true;
        }
        if (cmd == "select-exit") {
            const auto& ex = s.exits();
            if (ex.empty()) { fail(a, "select-exit: no VM exits yet"); return true; }
            size_t i = ex.size() - 1;
            if (!arg.empty() && arg[0] == "first") i = 0;
            else if (!arg.empty() && arg[0] != "last") i = size_t(std::strtoull(arg[0].c_str(), nullptr, 0));
            if (i >= ex.size()) { fail(a, "select-exit: no row " + arg[0]); return true; }
            s.select(ex[i].exit.seq);
            a.show_tab("VM exits");
            a.scroll_exits = true;
            std::cout << "selected exit " << i << ": " << s.event_line(ex[i].exit) << "\n";
            return true;
        }
        if (cmd == "select-event") {
            if (s.history().empty()) { fail(a, "select-event: no events yet"); return true; }
            uint64_t seq = s.history().back().seq;
            if (!arg.empty() && arg[0] != "last") seq = std::strtoull(arg[0].c_str(), nullptr, 0);
            if (!s.find_event(seq)) { fail(a, "select-event: event " + std::to_string(seq) + " is not in the log"); return true; }
            s.select(seq);
            std::cout << "selected " << s.event_line(*s.find_event(seq)) << "\n";
            return true;
        }
        if (cmd == "show") {
            static const std::map<std::string, std::string> tabs = {
                {"timeline", "Timeline"}, {"exits", "VM exits"},   {"events", "Events"},     {"tables", "Page tables"},
                {"translate", "Translate"}, {"tlb", "TLB"},        {"memory", "Memory"},     {"console", "Console"},
                {"timer", "Timer"},       {"bus", "Bus"},        {"plic", "PLIC"},   {"log", "Debugger"},      {"integer", "Integer"},
                {"fp", "FP"},             {"csrs", "CSRs"}};
            auto it = arg.empty() ? tabs.end() : tabs.find(arg[0]);
            if (it == tabs.end()) { fail(a, "show: unknown tab"); return true; }
            a.show_tab(it->second);
            return true;
        }
        if (cmd == "zoom") {
            // The timeline shows the last N cycles (and follows), or everything: zoom fit.
            if (arg.empty()) { fail(a, "zoom CYCLES|fit"); return true; }
            a.tl_follow = true;
            a.tl_span = arg[0] == "fit" ? 0 : double(std::strtoull(arg[0].c_str(), nullptr, 0));
            a.show_tab("Timeline");
            return true;
        }
        if (cmd == "tables") {
            if (arg.empty()) { fail(a, "tables satp|vsatp|hgatp"); return true; }
            a.pt_which = arg[0] == "vsatp" ? Tables::Vsatp : arg[0] == "hgatp" ? Tables::Hgatp : Tables::Satp;
            a.pt_gen = 0;
            a.show_tab("Page tables");
            return true;
        }
        if (cmd == "memory") {
            uint64_t addr;
            if (arg.empty() || !parse_address(a, arg[0], addr)) { fail(a, "memory ADDR [hart|satp|gva|gpa|phys]"); return true; }
            a.mem_addr = addr;
            std::snprintf(a.mem_buf, sizeof a.mem_buf, "0x%llx", (unsigned long long)addr);
            if (arg.size() > 1) {
                Regime r;
                if (arg[1] == "phys") a.mem_space = 4;
                else if (regime_by_name(arg[1], r)) a.mem_space = int(r);
                else { fail(a, "memory: unknown space " + arg[1]); return true; }
            }
            a.show_tab("Memory");
            return true;
        }
        if (cmd == "goto") {
            uint64_t addr;
            if (!arg.empty() && arg[0] == "pc") { a.follow_pc = true; return true; }
            if (arg.empty() || !parse_address(a, arg[0], addr)) { fail(a, "goto ADDR|pc"); return true; }
            a.follow_pc = false;
            a.disasm_addr = addr;
            a.cursor = addr;
            return true;
        }
        return false;
    }
};

std::vector<std::string> read_lines(const std::string& path) {
    std::ifstream f(path);
    if (!f) throw cli::UsageError("gui: cannot read script '" + path + "'");
    std::vector<std::string> lines;
    for (std::string l; std::getline(f, l);) lines.push_back(l);
    return lines;
}

}  // namespace

// ---------------------------------------------------------------- colours and helpers

ImVec4 mode_color_v(unsigned mode) {
    switch (mode) {
    case 0: return ImVec4(0.85f, 0.62f, 0.15f, 1);  // U amber
    case 1: return ImVec4(0.25f, 0.47f, 0.85f, 1);  // S/HS blue
    case 2: return ImVec4(0.55f, 0.78f, 0.20f, 1);  // VU lime
    case 3: return ImVec4(0.15f, 0.65f, 0.35f, 1);  // VS green
    default: return ImVec4(0.85f, 0.25f, 0.25f, 1); // M red
    }
}

ImU32 mode_color(unsigned mode, float alpha) {
    ImVec4 c = mode_color_v(mode);
    c.w = alpha;
    return ImGui::ColorConvertFloat4ToU32(c);
}

ImU32 event_color(emu::EventKind k) {
    using K = emu::EventKind;
    switch (k) {
    case K::Trap: return IM_COL32(235, 80, 70, 255);
    case K::Interrupt: return IM_COL32(250, 160, 40, 255);
    case K::VmExit: return IM_COL32(220, 90, 230, 255);
    case K::VmEntry: return IM_COL32(80, 220, 120, 255);
    case K::Xret: return IM_COL32(140, 170, 230, 255);
    case K::AtpWrite: return IM_COL32(90, 200, 220, 255);
    case K::Halt:
    case K::Reset: return IM_COL32(255, 255, 255, 255);
    default: return IM_COL32(170, 170, 170, 255);
    }
}

void badge(const char* text, ImU32 color) {
    ImVec2 ts = ImGui::CalcTextSize(text);
    ImVec2 p = ImGui::GetCursorScreenPos();
    const float padx = 6, pady = 1;
    ImVec2 size(std::max(ts.x + 2 * padx, 30.0f), ts.y + 2 * pady);
    ImDrawList* dl = ImGui::GetWindowDrawList();
    dl->AddRectFilled(p, ImVec2(p.x + size.x, p.y + size.y), color, 4.0f);
    dl->AddText(ImVec2(p.x + (size.x - ts.x) / 2, p.y + pady), IM_COL32(255, 255, 255, 255), text);
    ImGui::Dummy(size);
}

bool parse_address(App& a, const std::string& text, uint64_t& out) {
    std::string t = text;
    while (!t.empty() && t.back() == ' ') t.pop_back();
    while (!t.empty() && t.front() == ' ') t.erase(0, 1);
    if (t.empty()) return false;
    if (t == "pc") { out = a.s.hart().pc; return true; }
    try {
        out = cli::parse_u64(t, "address");
        return true;
    } catch (const cli::UsageError&) {
    }
    if (auto s = a.s.symbol_address(t)) { out = *s; return true; }
    return false;
}

void App::open_translation(uint64_t addr, Regime r, emu::Access acc) {
    std::snprintf(tr_buf, sizeof tr_buf, "0x%llx", (unsigned long long)addr);
    tr_regime = r;
    tr_access = int(acc);
    tr = translate(s.hart(), r, addr, acc);
    tr_gen = s.generation();
    show_tab("Translate");
}

// ---------------------------------------------------------------- layout

bool App::begin_panel(const char* name, Rect r, ImGuiWindowFlags flags) {
    ImGuiCond cond = relayout ? ImGuiCond_Always : ImGuiCond_FirstUseEver;
    ImGui::SetNextWindowPos(ImVec2(r.x, r.y), cond);
    ImGui::SetNextWindowSize(ImVec2(r.w, r.h), cond);
    bool open = ImGui::Begin(name, nullptr, flags | ImGuiWindowFlags_NoCollapse);
    ImVec2 p = ImGui::GetWindowPos(), sz = ImGui::GetWindowSize();
    panel_rects[name] = Rect{p.x, p.y, sz.x, sz.y};
    return open;
}

void App::end_panel() { ImGui::End(); }

void App::note_item(const std::string& name) {
    const ImVec2 a = ImGui::GetItemRectMin(), b = ImGui::GetItemRectMax();
    item_rects[name] = Rect{a.x, a.y, b.x - a.x, b.y - a.y};
}

bool App::tab(const char* panel, const char* label) {
    ImGuiTabItemFlags f = 0;
    if (want_tab == label) {
        f |= ImGuiTabItemFlags_SetSelected;
        want_tab.clear();
    }
    bool open = ImGui::BeginTabItem(label, nullptr, f);
    if (open) panel_tab[panel] = label;
    return open;
}

void App::draw() {
    item_rects.clear();
    if (s.selected() != last_selected) {
        last_selected = s.selected();
        scroll_exits = true;
    }
    draw_menu(*this);
    const float W = float(width), H = float(height);
    const float top0 = ImGui::GetFrameHeight();  // the menu bar
    const float ctrl_h = ImGui::GetFrameHeightWithSpacing() * 2 + ImGui::GetStyle().WindowPadding.y * 2 - 4;
    const float top = top0 + ctrl_h;
    const float left_w = std::max(330.0f, W * 0.22f);
    const float right_w = std::max(440.0f, W * 0.38f);
    const float mid_w = W - left_w - right_w;
    const float rest = H - top;
    const float harts_h = std::min(60.0f + 24.0f * float(s.machine().hart_count()), rest * 0.3f);
    const float disasm_h = rest * 0.36f;
    const float mem_h = rest * 0.50f;
    const float scen_h = std::max(110.0f, rest * 0.14f);
    draw_control(*this, {0, top0, W, ctrl_h});
    draw_harts(*this, {0, top, left_w, harts_h});
    draw_registers(*this, {0, top + harts_h, left_w, rest - harts_h});
    draw_disassembly(*this, {left_w, top, mid_w, disasm_h});
    draw_transitions(*this, {left_w, top + disasm_h, mid_w, rest - disasm_h});
    draw_memory_tables(*this, {left_w + mid_w, top, right_w, mem_h});
    draw_devices(*this, {left_w + mid_w, top + mem_h, right_w, rest - mem_h - scen_h});
    draw_scenario(*this, {left_w + mid_w, H - scen_h, right_w, scen_h});
    relayout = false;
}

void App::shortcuts_from_key(int sc, bool shift, bool ctrl) {
    if (sc == SDL_SCANCODE_F5 && shift) s.pause();
    else if (sc == SDL_SCANCODE_F5) { if (!s.running()) s.run_continue(); }
    else if (sc == SDL_SCANCODE_F10 && ctrl) { if (cursor) s.run_to(*cursor); }
    else if (sc == SDL_SCANCODE_F10) s.step_over();
    else if (sc == SDL_SCANCODE_F11) s.step(1);
    else if (sc == SDL_SCANCODE_F9) { if (cursor) s.toggle_breakpoint(*cursor); }
    else if (sc == SDL_SCANCODE_R && ctrl) s.reset();
    else if (sc == SDL_SCANCODE_Q && ctrl) quit = true;
}

// ---------------------------------------------------------------- menu, control, harts

void draw_menu(App& a) {
    Session& s = a.s;
    if (!ImGui::BeginMainMenuBar()) return;
    if (ImGui::BeginMenu("File")) {
        if (ImGui::MenuItem("Save screenshot", nullptr)) {
            a.screenshot_request = "stepvisor-" + std::to_string(std::time(nullptr)) + ".png";
        }
        if (ImGui::MenuItem("Reset machine", "Ctrl+R")) s.reset();
        ImGui::Separator();
        if (ImGui::MenuItem("Quit", "Ctrl+Q")) a.quit = true;
        ImGui::EndMenu();
    }
    if (ImGui::BeginMenu("Run")) {
        const bool run = s.running() || s.idle();
        if (ImGui::MenuItem("Run / continue", "F5", false, !run)) s.run_continue();
        if (ImGui::MenuItem("Pause", "Shift+F5", false, run)) s.pause();
        ImGui::Separator();
        if (ImGui::MenuItem("Step instruction", "F11", false, !run)) s.step(1);
        if (ImGui::MenuItem("Step over call", "F10", false, !run)) s.step_over();
        if (ImGui::MenuItem(("Step " + std::to_string(a.step_n) + " instructions").c_str(), nullptr, false, !run)) s.step(uint64_t(a.step_n));
        ImGui::Separator();
        if (ImGui::MenuItem("To next trap", nullptr, false, !run)) s.run_until(emu::EventKind::Trap);
        if (ImGui::MenuItem("To next VM exit", nullptr, false, !run && s.h_enabled())) s.run_until(emu::EventKind::VmExit);
        if (ImGui::MenuItem("To next VM entry", nullptr, false, !run && s.h_enabled())) s.run_until(emu::EventKind::VmEntry);
        if (ImGui::MenuItem("To next privilege change", nullptr, false, !run)) s.run_until(emu::EventKind::PrivChange);
        if (ImGui::MenuItem("To next interrupt", nullptr, false, !run)) s.run_until(emu::EventKind::Interrupt);
        if (ImGui::MenuItem("To next xRET", nullptr, false, !run)) s.run_until(emu::EventKind::Xret);
        if (ImGui::MenuItem("To next satp/vsatp/hgatp write", nullptr, false, !run)) s.run_until(emu::EventKind::AtpWrite);
        if (ImGui::MenuItem("To next scenario checkpoint", nullptr, false, !run && s.scenario())) s.run_checkpoint();
        ImGui::Separator();
        if (ImGui::MenuItem("Run to cursor", "Ctrl+F10", false, !run && a.cursor)) s.run_to(*a.cursor);
        if (ImGui::MenuItem("Toggle breakpoint at cursor", "F9", false, bool(a.cursor))) s.toggle_breakpoint(*a.cursor);
        ImGui::EndMenu();
    }
    if (ImGui::BeginMenu("Scenario")) {
        for (const auto& e : scen::registry()) {
            const bool open = s.scenario() && s.scenario()->name == e.name;
            if (ImGui::MenuItem(e.name.c_str(), nullptr, open)) {
                try {
                    s.open_scenario(e.name);
                } catch (const std::exception& ex) {
                    s.log(std::string("error: ") + ex.what() + "\n");
                }
            }
            if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", e.summary.c_str());
        }
        ImGui::EndMenu();
    }
    if (ImGui::BeginMenu("View")) {
        if (ImGui::MenuItem("Reset layout")) a.relayout = true;
        if (ImGui::BeginMenu("Hart")) {
            for (unsigned i = 0; i < s.machine().hart_count(); ++i)
                if (ImGui::MenuItem(("hart " + std::to_string(i)).c_str(), nullptr, i == a.hart())) s.select_hart(i);
            ImGui::EndMenu();
        }
        ImGui::EndMenu();
    }
    ImGui::EndMainMenuBar();
}

void draw_control(App& a, Rect r) {
    Session& s = a.s;
    a.begin_panel("Control", r, ImGuiWindowFlags_NoTitleBar | ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoMove |
                                    ImGuiWindowFlags_NoScrollbar);
    const bool run = s.running() || s.idle();
    ImGui::BeginDisabled(run);
    if (ImGui::Button("Run (F5)")) s.run_continue();
    a.note_item("run");
    ImGui::EndDisabled();
    ImGui::SameLine();
    ImGui::BeginDisabled(!run);
    if (ImGui::Button("Pause (Shift+F5)")) s.pause();
    a.note_item("pause");
    ImGui::EndDisabled();
    ImGui::SameLine();
    ImGui::BeginDisabled(run);
    if (ImGui::Button("Step (F11)")) s.step(1);
    a.note_item("step");
    ImGui::SameLine();
    if (ImGui::Button("Over (F10)")) s.step_over();
    ImGui::SameLine();
    if (ImGui::Button("Step N")) s.step(uint64_t(a.step_n));
    ImGui::SameLine();
    ImGui::SetNextItemWidth(90);
    ImGui::InputInt("##n", &a.step_n, 0, 0);
    if (a.step_n < 1) a.step_n = 1;
    ImGui::SameLine();
    ImGui::TextDisabled("|  next:");
    struct Next { const char* label; emu::EventKind k; bool needs_h; };
    static const Next kNext[] = {{"trap", emu::EventKind::Trap, false},        {"VM exit", emu::EventKind::VmExit, true},
                                 {"VM entry", emu::EventKind::VmEntry, true},  {"priv change", emu::EventKind::PrivChange, false},
                                 {"interrupt", emu::EventKind::Interrupt, false}};
    for (const auto& n : kNext) {
        ImGui::SameLine();
        ImGui::BeginDisabled(n.needs_h && !s.h_enabled());
        if (ImGui::Button(n.label)) s.run_until(n.k);
        a.note_item(std::string("next-") + emu::event_kind_name(n.k));
        ImGui::EndDisabled();
    }
    ImGui::SameLine();
    ImGui::BeginDisabled(!s.scenario());
    if (ImGui::Button("checkpoint")) s.run_checkpoint();
    a.note_item("next-checkpoint");
    ImGui::EndDisabled();
    ImGui::SameLine();
    ImGui::TextDisabled("|");
    ImGui::SameLine();
    ImGui::BeginDisabled(!a.cursor);
    if (ImGui::Button("Run to cursor")) s.run_to(*a.cursor);
    ImGui::EndDisabled();
    ImGui::SameLine();
    if (ImGui::Button("Reset")) s.reset();
    ImGui::EndDisabled();

    // Second line: state and speed.
    emu::Machine& m = s.machine();
    ImGui::TextColored(run ? ImVec4(0.4f, 0.9f, 0.4f, 1) : ImVec4(0.95f, 0.8f, 0.3f, 1), "%s",
                       s.idle() ? "WAITING" : run ? "RUNNING" : "PAUSED");
    ImGui::SameLine();
    ImGui::Text("%s", s.status().c_str());
    ImGui::SameLine(std::max(ImGui::GetCursorPosX() + 20, r.w * 0.42f));
    char speed[32] = "- MIPS";
    if (s.ips() > 0) std::snprintf(speed, sizeof speed, "%.1f MIPS", s.ips() / 1e6);
    ImGui::Text("%s  |  %llu instructions, cycle %llu  |  %s  |  %llu events  |  %s", s.image_name().c_str(),
                (unsigned long long)m.instructions(), (unsigned long long)m.cycles(), speed,
                (unsigned long long)m.events().total(), m.config().isa.str().c_str());
    if (ImGui::IsItemHovered())
        ImGui::SetTooltip("MIPS: instructions per second of host time while running (the last run or slice);\n"
                          "cycles follow the documented cycle model, not the host clock");
    a.end_panel();
}

void draw_harts(App& a, Rect r) {
    Session& s = a.s;
    a.begin_panel("Harts", r);
    emu::Machine& m = s.machine();
    if (ImGui::BeginTable("harts", 6, ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingFixedFit)) {
        ImGui::TableSetupColumn("hart");
        ImGui::TableSetupColumn("mode");
        ImGui::TableSetupColumn("V");
        ImGui::TableSetupColumn("pc");
        ImGui::TableSetupColumn("cycle");
        ImGui::TableSetupColumn("state", ImGuiTableColumnFlags_WidthStretch);
        ImGui::TableHeadersRow();
        for (unsigned i = 0; i < m.hart_count(); ++i) {
            emu::Hart& h = m.hart(i);
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            char label[32];
            std::snprintf(label, sizeof label, "hart%u", i);
            if (ImGui::Selectable(label, i == a.hart(), ImGuiSelectableFlags_SpanAllColumns)) s.select_hart(i);
            ImGui::TableNextColumn();
            badge(emu::priv_name(h.priv, h.virt, h.h_ext), mode_color(mode_of(h.priv, h.virt)));
            ImGui::TableNextColumn();
            ImGui::Text("%d", h.virt ? 1 : 0);
            ImGui::TableNextColumn();
            ImGui::Text("0x%016llx", (unsigned long long)h.pc);
            ImGui::TableNextColumn();
            ImGui::Text("%llu", (unsigned long long)h.cycle);
            ImGui::TableNextColumn();
            std::string sym = s.symbolize(h.pc);
            ImGui::TextDisabled("%s%s", h.wfi ? "WFI " : "", sym.empty() ? "" : ("<" + sym + ">").c_str());
        }
        ImGui::EndTable();
    }
    a.end_panel();
}

// ---------------------------------------------------------------- the command

int cmd_gui(const std::vector<std::string>& args) {
    cli::MachineOptions opt;
    std::string file, scenario, script_path, bios, kernel, initrd, append;
    std::vector<std::string> symbol_files;
    bool exit_after = false;
    int w = 1600, h = 1000;
    for (size_t i = 0; i < args.size(); ++i) {
        const std::string& x = args[i];
        if (x == "-h" || x == "--help") {
            std::fputs(kUsage, stdout);
            std::fputs(cli::kMachineOptionsHelp, stdout);
            return 0;
        }
        if (cli::parse_machine_option(args, i, opt)) continue;
        if (x == "--script") script_path = cli::value_of(args, i);
        else if (x == "--exit-after-script") exit_after = true;
        else if (x == "--scenario") scenario = cli::value_of(args, i);
        else if (x == "--bios") bios = cli::value_of(args, i);
        else if (x == "--kernel") kernel = cli::value_of(args, i);
        else if (x == "--initrd") initrd = cli::value_of(args, i);
        else if (x == "--append") append = cli::value_of(args, i);
        else if (x == "--symbols") symbol_files.push_back(cli::value_of(args, i));
        else if (x == "--size") {
            const std::string& v = cli::value_of(args, i);
            int ww = 0, hh = 0;
            char extra = 0;
            if (std::sscanf(v.c_str(), "%dx%d%c", &ww, &hh, &extra) != 2 || ww < 640 || hh < 400 || ww > 8192 || hh > 8192)
                throw cli::UsageError("gui: --size wants WxH between 640x400 and 8192x8192, not '" + v + "'");
            w = ww;
            h = hh;
        } else if (!x.empty() && x[0] == '-') throw cli::UsageError("gui: unknown option " + x + " (see stepvisor gui --help)");
        else if (file.empty()) file = x;
        else throw cli::UsageError("gui: more than one image given");
    }
    if (!scenario.empty()) {
        if (!scen::find(scenario))
            throw cli::UsageError("gui: no scenario named '" + scenario + "' (stepvisor demo --list names them)");
        if (!file.empty() || !bios.empty()) throw cli::UsageError("gui: give either FILE, --bios or --scenario, not more");
    }
    if (exit_after && script_path.empty()) throw cli::UsageError("gui: --exit-after-script needs --script FILE");

    if (!bios.empty() && !file.empty()) throw cli::UsageError("gui: give either FILE or --bios FW [--kernel FILE], not both");
    if (bios.empty() && (!kernel.empty() || !initrd.empty() || !append.empty()))
        throw cli::UsageError("gui: --kernel, --initrd and --append need --bios FW (the firmware that starts the kernel)");

    Session::Config cfg;
    cfg.options = opt;
    for (const auto& f : symbol_files) {
        emu::Image si = emu::load_image_file(f);
        if (!si.is_elf) throw emu::LoadError(f + ": --symbols wants an ELF file");
        cfg.symbol_images.push_back(std::move(si));
    }
    if (!bios.empty()) {
        emu::Machine::BootSpec spec;
        spec.firmware = emu::load_image_file(bios, emu::kDefaultRawLoadAddr);
        if (!kernel.empty()) spec.kernel = emu::load_image_file(kernel, emu::Machine::kernel_load_address(spec.firmware));
        if (!initrd.empty()) {
            std::ifstream in(initrd, std::ios::binary);
            if (!in) throw cli::UsageError("gui: cannot read initrd '" + initrd + "'");
            spec.initrd.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
        }
        spec.bootargs = append;
        cfg.image = spec.firmware;
        auto base = [](const std::string& f) { return f.substr(f.find_last_of('/') == std::string::npos ? 0 : f.find_last_of('/') + 1); };
        cfg.image_name = base(bios) + (kernel.empty() ? "" : " + " + base(kernel));
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
        cfg.image = emu::load_image_file(file, opt.load_addr.value_or(emu::kDefaultRawLoadAddr));
        if (!cfg.image.is_elf && !opt.load_addr)
            throw emu::LoadError(file + ": not an ELF file (to run a raw binary, give its address with --load-addr)");
        cfg.image_name = file.substr(file.find_last_of('/') == std::string::npos ? 0 : file.find_last_of('/') + 1);
    }
    if (!cfg.boot && cfg.scenario.empty()) emu::check_fits(cfg.image, emu::map::kRam, opt.config.ram_size, file.empty() ? "bench-s-quick" : file);
    Script script;
    if (!script_path.empty()) script.lines = read_lines(script_path);

    if (SDL_Init(SDL_INIT_VIDEO | SDL_INIT_TIMER) != 0) {
        std::fprintf(stderr, "stepvisor: gui: cannot open a window: %s (no display? try xvfb-run)\n", SDL_GetError());
        return 1;
    }
    const char* driver = SDL_GetCurrentVideoDriver();
    if (driver && std::string(driver) == "offscreen" && !std::getenv("SDL_VIDEODRIVER")) {
        std::fprintf(stderr, "stepvisor: gui: no display to open a window on (DISPLAY is not set; try xvfb-run -a "
                             "stepvisor gui ...)\n");
        SDL_Quit();
        return 1;
    }
    SDL_GL_SetAttribute(SDL_GL_CONTEXT_FLAGS, 0);
    SDL_GL_SetAttribute(SDL_GL_CONTEXT_PROFILE_MASK, SDL_GL_CONTEXT_PROFILE_CORE);
    SDL_GL_SetAttribute(SDL_GL_CONTEXT_MAJOR_VERSION, 3);
    SDL_GL_SetAttribute(SDL_GL_CONTEXT_MINOR_VERSION, 0);
    SDL_GL_SetAttribute(SDL_GL_DOUBLEBUFFER, 1);
    SDL_Window* window = SDL_CreateWindow(("stepvisor - " + cfg.image_name).c_str(), SDL_WINDOWPOS_CENTERED,
                                          SDL_WINDOWPOS_CENTERED, w, h, SDL_WINDOW_OPENGL | SDL_WINDOW_RESIZABLE);
    SDL_GLContext gl = window ? SDL_GL_CreateContext(window) : nullptr;
    if (!gl) {
        std::fprintf(stderr, "stepvisor: gui: cannot create an OpenGL 3.0 window: %s\n", SDL_GetError());
        if (window) SDL_DestroyWindow(window);
        SDL_Quit();
        return 1;
    }
    SDL_GL_MakeCurrent(window, gl);
    g_window = window;
    SDL_GL_SetSwapInterval(1);

    IMGUI_CHECKVERSION();
    ImGui::CreateContext();
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr;  // the layout is computed, not remembered
    ImGui::StyleColorsDark();
    ImGuiStyle& style = ImGui::GetStyle();
    style.WindowRounding = 0;
    style.FrameRounding = 2;
    style.WindowPadding = ImVec2(6, 6);
    style.ItemSpacing = ImVec2(6, 3);
    style.CellPadding = ImVec2(4, 1);
    // Title bars that stand out, so each panel's name is easy to find.
    style.Colors[ImGuiCol_TitleBg] = ImVec4(0.13f, 0.19f, 0.29f, 1.0f);
    style.Colors[ImGuiCol_TitleBgActive] = ImVec4(0.17f, 0.29f, 0.47f, 1.0f);
    style.Colors[ImGuiCol_TitleBgCollapsed] = ImVec4(0.13f, 0.19f, 0.29f, 1.0f);
    ImGui_ImplSDL2_InitForOpenGL(window, gl);
    ImGui_ImplOpenGL3_Init("#version 130");

    int status = 0;
    {
        Session session(std::move(cfg));
        App app(session, w, h);
        app.s.log("stepvisor gui: " + session.image_name() + ", " + session.machine().config().isa.str() + ", " +
                  std::to_string(session.machine().hart_count()) + " hart(s)\n");
        int busy = 5;  // frames to draw before waiting for input again
        while (!app.quit) {
            SDL_Event ev;
            const bool idle = !session.running() && script.done() && busy <= 0;
            if (idle && SDL_WaitEventTimeout(&ev, 250)) {
                ImGui_ImplSDL2_ProcessEvent(&ev);
                if (ev.type == SDL_QUIT) app.quit = true;
                if (ev.type == SDL_KEYDOWN && !ev.key.repeat)
                    app.shortcuts_from_key(ev.key.keysym.scancode, ev.key.keysym.mod & KMOD_SHIFT, ev.key.keysym.mod & KMOD_CTRL);
                busy = 3;
            }
            while (SDL_PollEvent(&ev)) {
                ImGui_ImplSDL2_ProcessEvent(&ev);
                if (ev.type == SDL_QUIT) app.quit = true;
                if (ev.type == SDL_WINDOWEVENT && ev.window.event == SDL_WINDOWEVENT_SIZE_CHANGED) {
                    app.width = ev.window.data1;
                    app.height = ev.window.data2;
                    app.relayout = true;
                }
                if (ev.type == SDL_KEYDOWN && !ev.key.repeat)
                    app.shortcuts_from_key(ev.key.keysym.scancode, ev.key.keysym.mod & KMOD_SHIFT, ev.key.keysym.mod & KMOD_CTRL);
                busy = 3;
            }
            if (!script.done() && !script.advance(app)) app.quit = true;
            if (exit_after && script.done()) break;
            session.tick(12.0);
            if (session.running()) busy = 2;
            --busy;

            ImGui_ImplOpenGL3_NewFrame();
            ImGui_ImplSDL2_NewFrame();
            ImGui::NewFrame();
            app.draw();
            ImGui::Render();
            int dw = 0, dh = 0;
            SDL_GL_GetDrawableSize(window, &dw, &dh);
            glViewport(0, 0, dw, dh);
            glClearColor(0.08f, 0.08f, 0.10f, 1.0f);
            glClear(GL_COLOR_BUFFER_BIT);
            ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
            ++app.frames;
            if (script.capture && script.capture->frames-- <= 0) {
                bool ok = script.capture->kind == Capture::Png ? save_png(script.capture->path, dw, dh)
                                                                : dump_state(app, script.capture->path);
                std::cout << (ok ? "saved " : "error: cannot write ") << script.capture->path << "\n" << std::flush;
                if (!ok) script.failed = true;
                script.capture.reset();
            }
            if (!app.screenshot_request.empty()) {
                bool ok = save_png(app.screenshot_request, dw, dh);
                session.log((ok ? "saved " : "cannot write ") + app.screenshot_request + "\n");
                app.screenshot_request.clear();
            }
            SDL_GL_SwapWindow(window);
        }
        if (script.failed && exit_after) status = 1;
    }

    ImGui_ImplOpenGL3_Shutdown();
    ImGui_ImplSDL2_Shutdown();
    ImGui::DestroyContext();
    SDL_GL_DeleteContext(gl);
    SDL_DestroyWindow(window);
    SDL_Quit();
    return status;
}

}  // namespace gui
