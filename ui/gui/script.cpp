// The GUI's script runner and what dump-state and screenshot write.
#include "script.hpp"

#include <SDL_opengl.h>
#include <stb_image_write.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>

#include "gui.hpp"
#include "isa/causes.hpp"
#include "isa/hex.hpp"
#include "ui/cli/options.hpp"

namespace gui {

SDL_Window* g_window = nullptr;

namespace {

// A whole decimal or 0x number in [lo, hi]; nothing for anything else ("-1", "5x").
std::optional<uint64_t> number_in(const std::string& text, uint64_t lo, uint64_t hi) {
    if (text.empty() || text[0] == '-' || text[0] == '+') return std::nullopt;
    errno = 0;
    char* end = nullptr;
    const unsigned long long v = std::strtoull(text.c_str(), &end, 0);
    if (errno || *end || v < lo || v > hi) return std::nullopt;
    return v;
}

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
    const bool intr = e.kind == emu::EventKind::Interrupt || (row && s.exits()[*row].interrupt());
    o << "{\"seq\": " << e.seq << ", \"kind\": " << jstr(emu::event_kind_name(e.kind)) << ", \"hart\": " << unsigned(e.hart)
      << ", \"cycle\": " << e.cycle << ", \"instret\": " << e.instret << ", \"pc\": " << jstr(isa::hex(e.pc))
      << ", \"cause\": " << e.cause << ", \"interrupt\": " << (intr ? "true" : "false")
      << ", \"cause_name\": " << jstr(cause_text(e.cause, intr))
      << ", \"tval\": " << jstr(isa::hex(e.tval)) << ", \"tval2\": " << jstr(isa::hex(e.tval2)) << ", \"tinst\": " << jstr(isa::hex(e.tinst))
      << ", \"tinst_text\": " << jstr(tinst_text(e.tinst))
      << ", \"value\": " << jstr(isa::hex(e.value))
      << ", \"from\": " << jstr(emu::priv_name(e.from_priv, e.from_v, s.h_enabled()))
      << ", \"to\": " << jstr(emu::priv_name(e.to_priv, e.to_v, s.h_enabled())) << ", \"line\": " << jstr(s.event_line(e)) << "}";
    return o.str();
}

}  // namespace

bool dump_state(App& a, const std::string& path) {
    Session& s = a.s;
    std::ostringstream o;
    o << "{\n  \"window\": {\"w\": " << a.width << ", \"h\": " << a.height << "},\n";
    o << "  \"presentation\": " << (a.presentation ? "true" : "false") << ",\n  \"font_size\": " << ImGui::GetFontSize()
      << ",\n  \"settings_file\": " << jstr(a.settings_file) << ",\n";
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
        o << (i ? ", " : "") << "{\"mode\": " << jstr(emu::priv_name(h.priv, h.virt, h.h_ext)) << ", \"pc\": " << jstr(isa::hex(h.pc))
          << ", \"cycle\": " << h.cycle << ", \"instret\": " << h.instret << "}";
    }
    o << "],\n  \"events\": " << s.machine().events().total() << ",\n  \"exits\": " << s.exits().size() << ",\n";
    o << "  \"aia\": " << aia_state_json(a) << ",\n";
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
        if (row >= 0 && s.exits()[size_t(row)].vmid()) o << ",\n  \"selected_vmid\": " << *s.exits()[size_t(row)].vmid();
    } else {
        o << "null";
    }
    o << ",\n  \"translation\": ";
    if (a.tr.valid) {
        const Translation& t = a.tr;
        o << "{\"addr\": " << jstr(isa::hex(t.addr)) << ", \"regime\": " << jstr(regime_name(t.regime))
          << ", \"two_stage\": " << (t.virt ? "true" : "false") << ", \"ok\": " << (t.result.ok ? "true" : "false")
          << ", \"pa\": " << jstr(isa::hex(t.result.pa)) << ", \"mem_reads\": " << t.result.mem_reads
          << ", \"cause\": " << t.result.cause;
        if (t.gpa) o << ", \"gpa\": " << jstr(isa::hex(*t.gpa));
        o << ", \"reads\": [";
        for (size_t i = 0; i < t.record.reads.size(); ++i) {
            const auto& r = t.record.reads[i];
            o << (i ? ", " : "") << "{\"stage\": " << jstr(r.gstage ? "G" : t.virt ? "VS" : "S") << ", \"level\": " << r.level
              << ", \"vs_level\": " << r.vs_level << ", \"pte_addr\": " << jstr(isa::hex(r.pte_addr)) << ", \"pte\": " << jstr(isa::hex(r.pte))
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
    if (s.h_enabled()) {
        VmOverview vo = read_vm_overview(s);
        a.vm_rates.sample(s);
        a.vm_rates.apply(vo);
        o << ",\n  \"vm_overview\": " << vm_overview_json(vo);
        o << ",\n  \"memory_maps\": [";
        for (size_t i = 0; i < vo.vms.size(); ++i)
            o << (i ? ",\n    " : "\n    ") << memory_map_json(read_memory_map(s.machine(), vo.vms[i].hgatp, &vo.vms[i]));
        o << "]";
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

bool Script::advance(App& a) {
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

bool Script::number(App& a, const std::string& cmd, const std::string& text, uint64_t lo, uint64_t hi,
                    const char* unit, uint64_t& out) {
    auto v = number_in(text, lo, hi);
    if (!v) {
        fail(a, cmd + ": '" + text + "' is not " + unit + " from " + std::to_string(lo) + " to " +
                    std::to_string(hi));
        return false;
    }
    out = *v;
    return true;
}

void Script::fail(App& a, const std::string& msg) {
    std::cout << "error: " << msg << "\n";
    a.s.log("error: " + msg + "\n");
    failed = true;
}

// The GUI's own commands. Returns false when cmd is not one (the debugger's then).

bool Script::gui_command(App& a, const std::string& cmd, const std::vector<std::string>& arg, bool& more) {
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
        uint64_t x, y;
        if (!number(a, cmd, arg[0], 0, uint64_t(a.width), "a pixel position", x) ||
            !number(a, cmd, arg[1], 0, uint64_t(a.height), "a pixel position", y))
            return true;
        SDL_WarpMouseInWindow(g_window, int(x), int(y));
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
        uint64_t frames = 1;
        if (!arg.empty() && !number(a, cmd, arg[0], 0, 100'000, "a frame count", frames)) return true;
        wait = int(frames);
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
        uint64_t ms = 500;
        if (!arg.empty() && !number(a, cmd, arg[0], 0, 3'600'000, "a time in milliseconds", ms)) return true;
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
        std::cout << "walk of " << isa::hex(addr) << " (" << regime_name(r) << "): "
                  << (a.tr.result.ok ? "pa " + isa::hex(a.tr.result.pa) : "fault, cause " + std::to_string(a.tr.result.cause))
                  << ", " << a.tr.result.mem_reads << " memory reads\n";
        return true;
    }
    if (cmd == "select-exit") {
        const auto& ex = s.exits();
        if (ex.empty()) { fail(a, "select-exit: no VM exits yet"); return true; }
        size_t i = ex.size() - 1;
        if (!arg.empty() && arg[0] == "first") i = 0;
        else if (!arg.empty() && arg[0] != "last") {
            uint64_t row;
            if (!number(a, cmd, arg[0], 0, ex.size() - 1, "a row", row)) return true;
            i = size_t(row);
        }
        s.select(ex[i].exit.seq);
        a.show_tab("VM exits");
        a.scroll_exits = true;
        std::cout << "selected exit " << i << ": " << s.event_line(ex[i].exit) << "\n";
        return true;
    }
    if (cmd == "select-event") {
        if (s.history().empty()) { fail(a, "select-event: no events yet"); return true; }
        uint64_t seq = s.history().back().seq;
        if (!arg.empty() && arg[0] != "last" && !number(a, cmd, arg[0], 0, ~0ull, "an event number", seq)) return true;
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
            {"fp", "FP"},             {"csrs", "CSRs"},        {"vms", "VMs"},
            {"memmap", "Memory map"}, {"aia", "AIA"}};
        auto it = arg.empty() ? tabs.end() : tabs.find(arg[0]);
        if (it == tabs.end()) { fail(a, "show: unknown tab"); return true; }
        a.show_tab(it->second);
        return true;
    }
    if (cmd == "memmap") {
        // The memory map of a VM: vmN (hv's), a VMID's row (vmid:N), or the selected hart's hgatp.
        VmOverview vo = read_vm_overview(s);
        if (arg.empty() || arg[0] == "hart") {
            a.map_hgatp.reset();
        } else {
            const VmRow* hit = nullptr;
            for (const auto& v : vo.vms)
                if (v.label == arg[0] || "vmid:" + std::to_string(v.vmid) == arg[0]) hit = &v;
            if (!hit) { fail(a, "memmap: no VM '" + arg[0] + "' (vmN as hv names them, vmid:N, or hart)"); return true; }
            a.map_hgatp = hit->hgatp;
        }
        a.show_tab("Memory map");
        return true;
    }
    if (cmd == "zoom") {
        // The timeline shows the last N cycles (and follows), or everything: zoom fit.
        if (arg.empty()) { fail(a, "zoom CYCLES|fit"); return true; }
        uint64_t span = 0;
        if (arg[0] != "fit" && !number(a, cmd, arg[0], 1, 1ull << 53, "a cycle count", span)) return true;
        a.tl_follow = true;
        a.tl_span = double(span);
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



}  // namespace gui
