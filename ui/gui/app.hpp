// The GUI's window state and its panels (Dear ImGui). Every panel draws from
// the Session (the machine, its event log, the walker's records); the App
// only holds what the user chose to look at.
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <imgui.h>

#include "inspect.hpp"
#include "session.hpp"
#include "memory_map.hpp"
#include "vm_overview.hpp"

namespace gui {

struct Rect {
    float x = 0, y = 0, w = 0, h = 0;
};

// Mode colours, the same in every panel: M red, HS/S blue, VS green, VU lime, U amber.
ImU32 mode_color(unsigned mode, float alpha = 1.0f);
ImVec4 mode_color_v(unsigned mode);
// A coloured badge with text (hart modes).
void badge(const char* text, ImU32 color);
// Event kind colours (timeline markers, event list).
ImU32 event_color(emu::EventKind k);

class App {
public:
    App(Session& s, int width, int height) : s(s), width(width), height(height) {}
    Session& s;
    int width, height;
    uint64_t frames = 0;

    // ---- layout: fixed tiles computed from the window size ----
    bool relayout = true;
    std::map<std::string, Rect> panel_rects;  // as drawn in the last frame
    std::map<std::string, std::string> panel_tab;  // the open tab of each panel
    // Screen rectangles of named items drawn in the last frame (buttons, table
    // rows, timeline markers), so a script can click them (click-item NAME).
    std::map<std::string, Rect> item_rects;
    void note_item(const std::string& name);  // the last item ImGui drew
    void note_rect(const std::string& name, float x, float y, float w, float h) { item_rects[name] = Rect{x, y, w, h}; }
    bool begin_panel(const char* name, Rect r, ImGuiWindowFlags flags = 0);
    void end_panel();
    // A tab item that a script or a button can bring to the front.
    bool tab(const char* panel, const char* label);
    void show_tab(const std::string& label) { want_tab = label; }
    std::string want_tab;
    std::set<std::string> restore_tabs;  // the saved layout's open tabs, for the first frames

    void draw();  // the whole frame's UI
    void shortcuts_from_key(int scancode, bool shift, bool ctrl);

    // ---- control ----
    int step_n = 100;

    // ---- disassembly ----
    bool follow_pc = true;
    uint64_t disasm_addr = 0;  // when not following
    std::optional<uint64_t> cursor;  // the selected line (run to cursor, F9)
    char goto_buf[64] = "";

    // ---- memory view ----
    // 0..3: through a Regime (hart, satp, guest virtual, guest physical), 4: host physical.
    int mem_space = 0;
    uint64_t mem_addr = 0x80000000;
    char mem_buf[64] = "0x80000000";

    // ---- translate ----
    char tr_buf[64] = "";
    Regime tr_regime = Regime::Hart;
    int tr_access = 0;
    Translation tr;
    uint64_t tr_gen = 0;
    void open_translation(uint64_t addr, Regime r, emu::Access acc = emu::Access::Read);

    // ---- page tables ----
    Tables pt_which = Tables::Satp;
    PageTables pt;
    uint64_t pt_gen = 0;
    Tables pt_for = Tables::Satp;
    unsigned pt_hart = 0;
    double pt_time = 0;

    // ---- TLB ----
    int tlb_ctx = -1;  // -1 = all
    bool tlb_live_only = false;

    // ---- timeline ----
    double tl_start = 0, tl_span = 0;  // cycles; span 0 = fit everything
    bool tl_follow = true;

    // ---- events list ----
    bool ev_show[size_t(emu::EventKind::Count)] = {true, true, true, true, true, false, true, true, true, true, true, true};
    bool scroll_exits = false;
    std::optional<uint64_t> last_selected;  // to bring a newly selected exit's row into view
    bool exits_by_cause = false;  // the summary of exits by VM and cause opens by default

    // ---- console / debugger ----
    char console_in[256] = "";
    char cmd_in[256] = "";
    bool console_scroll = true;

    // ---- VM overview and memory map ----
    VmRates vm_rates;
    std::optional<uint64_t> map_hgatp;  // the VM whose memory map is shown; none: the selected hart's hgatp
    MemoryMap map;
    uint64_t map_gen = 0;

    // ---- hart selection ----
    unsigned hart() const { return s.hart_index(); }

    // ---- presentation mode and the saved layout (presentation.cpp, settings.cpp) ----
    bool presentation = false;
    float present_scale = 2.0f;  // fonts and widgets in presentation mode
    float applied_scale = 0;     // what the fonts were last built for
    float scale() const { return presentation ? present_scale : 1.0f; }
    void set_presentation(bool on);
    ImGuiStyle base_style;       // the style at scale 1
    std::string settings_file;   // where the layout is kept ("": nowhere)

    bool quit = false;
    std::string screenshot_request;  // from the menu: a file name to save at the next frame
};

// Panels (each in its own window).
void draw_menu(App& a);
void draw_control(App& a, Rect r);
void draw_harts(App& a, Rect r);
void draw_registers(App& a, Rect r);
void draw_disassembly(App& a, Rect r);
void draw_transitions(App& a, Rect r);
void draw_memory_tables(App& a, Rect r);
void draw_devices(App& a, Rect r);
void draw_scenario(App& a, Rect r);
// Tabs of their own files.
void draw_vm_overview(App& a);  // panel_vms.cpp
void draw_memory_map(App& a);   // panel_memmap.cpp
void draw_aia(App& a);          // panel_aia.cpp
// What the AIA tab shows, as a JSON value for dump-state ("null" without IMSICs).
std::string aia_state_json(App& a);
void draw_presentation(App& a, Rect r);  // presentation.cpp
void apply_scale(App& a);  // fonts and style for a.scale(), between frames
// The saved layout (settings.cpp): its file, and reading and writing it.
std::string settings_path();
void load_settings(App& a);  // after ImGui's context exists, before the first frame
bool save_settings(App& a, std::string& error);

// Helpers shared by panels.
std::string insn_at(App& a, uint64_t pc, unsigned* len);  // objdump text, "" when unmapped
bool parse_address(App& a, const std::string& text, uint64_t& out);  // number or symbol
std::string size_text(uint64_t bytes);  // "4 KiB", "2 MiB", "256 bytes"
void selected_event_details(App& a);

}  // namespace gui
