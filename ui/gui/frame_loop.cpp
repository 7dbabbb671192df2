// The frame loop: input (SDL events, the script, the gdb stub and the
// management socket), a slice of the machine's run, one frame drawn, the
// captures the script asked for; the layout kept when the window closes.
#include <backends/imgui_impl_sdl.h>

#include <cstdio>
#include <iostream>

#include "app.hpp"
#include "remote.hpp"
#include "run.hpp"
#include "script.hpp"
#include "window.hpp"

namespace gui {

namespace {

// One input event: to ImGui, and the window size, quit and shortcut keys to the App.
void handle(App& app, const SDL_Event& ev) {
    ImGui_ImplSDL2_ProcessEvent(&ev);
    if (ev.type == SDL_QUIT) app.quit = true;
    if (ev.type == SDL_WINDOWEVENT && ev.window.event == SDL_WINDOWEVENT_SIZE_CHANGED) {
        app.width = ev.window.data1;
        app.height = ev.window.data2;
        app.relayout = true;
    }
    if (ev.type == SDL_KEYDOWN && !ev.key.repeat)
        app.shortcuts_from_key(ev.key.keysym.scancode, ev.key.keysym.mod & KMOD_SHIFT, ev.key.keysym.mod & KMOD_CTRL);
}

// What the script and the File menu asked to save, from this frame's pixels.
void captures(App& app, Script& script, int dw, int dh) {
    if (script.capture && script.capture->frames-- <= 0) {
        bool ok = script.capture->kind == Capture::Png ? save_png(script.capture->path, dw, dh)
                                                        : dump_state(app, script.capture->path);
        std::cout << (ok ? "saved " : "error: cannot write ") << script.capture->path << "\n" << std::flush;
        if (!ok) script.failed = true;
        script.capture.reset();
    }
    if (!app.screenshot_request.empty()) {
        bool ok = save_png(app.screenshot_request, dw, dh);
        app.s.log((ok ? "saved " : "cannot write ") + app.screenshot_request + "\n");
        app.screenshot_request.clear();
    }
}

}  // namespace

int run_gui(Session::Config cfg, const RunOptions& o) {
    Script script;
    if (!o.script_path.empty()) script.lines = emu::read_input_lines(o.script_path, "script");
    std::string error;
    std::unique_ptr<Window> window = Window::open("stepvisor - " + cfg.image_name, o.width, o.height, error);
    if (!window) {
        std::fprintf(stderr, "stepvisor: gui: %s\n", error.c_str());
        return 1;
    }
    g_window = window->sdl();

    int status = 0;
    {
        Session session(std::move(cfg));
        Remote remote;
        open_gdb(remote, session, o);
        App app(session, o.width, o.height);
        app.base_style = window->base_style();
        // A scripted session starts from the default layout and leaves the user's alone.
        app.settings_file = o.layout ? (*o.layout == "none" ? "" : *o.layout) : o.script_path.empty() ? settings_path() : "";
        load_settings(app);
        open_mgmt(remote, app, o);
        app.s.log("stepvisor gui: " + session.image_name() + ", " + session.machine().config().isa.str() + ", " +
                  std::to_string(session.machine().hart_count()) + " hart(s)\n");
        int busy = 5;  // frames to draw before waiting for input again
        while (!app.quit) {
            SDL_Event ev;
            const bool idle = !session.running() && !session.gdb_connected() && script.done() && busy <= 0;
            // With a management socket, idle frames still come often enough to answer it.
            if (idle && SDL_WaitEventTimeout(&ev, remote.mgmt ? 20 : 250)) {
                handle(app, ev);
                busy = 3;
            }
            while (SDL_PollEvent(&ev)) {
                handle(app, ev);
                busy = 3;
            }
            if (!script.done() && !script.advance(app)) app.quit = true;
            remote.poll();
            if (o.exit_after_script && script.done()) break;
            session.tick(12.0);
            if (session.running()) busy = 2;
            --busy;

            if (app.applied_scale != app.scale()) apply_scale(app);
            window->frame([&] { app.draw(); },
                          [&](int dw, int dh) {
                              ++app.frames;
                              captures(app, script, dw, dh);
                          });
        }
        if (script.failed && o.exit_after_script) status = 1;
        if (!save_settings(app, error)) std::fprintf(stderr, "stepvisor: gui: the layout was not saved: %s\n", error.c_str());
    }
    g_window = nullptr;
    return status;
}

}  // namespace gui
