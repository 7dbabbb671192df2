// The window: SDL2 with an OpenGL 3 context, and Dear ImGui's context, style
// and back ends on it; closed in the reverse order.
#pragma once
#include <SDL.h>

#include <memory>
#include <string>

#include <imgui.h>

namespace gui {

class Window {
public:
    // nullptr (and the reason in error) when no window can be opened.
    static std::unique_ptr<Window> open(const std::string& title, int w, int h, std::string& error);
    ~Window();
    Window(const Window&) = delete;
    Window& operator=(const Window&) = delete;
    SDL_Window* sdl() const { return window_; }
    const ImGuiStyle& base_style() const { return style_; }  // the style at scale 1
    // Draws one frame: draw() builds the UI, after() sees the drawable's size
    // before the buffers swap (screenshots read the pixels then).
    template <class Draw, class After>
    void frame(Draw draw, After after) {
        new_frame();
        draw();
        int dw = 0, dh = 0;
        render(dw, dh);
        after(dw, dh);
        SDL_GL_SwapWindow(window_);
    }

private:
    Window() = default;
    void new_frame();
    void render(int& dw, int& dh);
    SDL_Window* window_ = nullptr;
    SDL_GLContext gl_ = nullptr;
    bool imgui_ = false;
    ImGuiStyle style_;
};

}  // namespace gui
