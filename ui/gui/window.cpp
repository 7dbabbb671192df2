#include "window.hpp"

#include <SDL_opengl.h>
#include <backends/imgui_impl_opengl3.h>
#include <backends/imgui_impl_sdl.h>

#include <cstdlib>

namespace gui {

std::unique_ptr<Window> Window::open(const std::string& title, int w, int h, std::string& error) {
    if (SDL_Init(SDL_INIT_VIDEO | SDL_INIT_TIMER) != 0) {
        error = std::string("cannot open a window: ") + SDL_GetError() + " (no display? try xvfb-run)";
        return nullptr;
    }
    const char* driver = SDL_GetCurrentVideoDriver();
    if (driver && std::string(driver) == "offscreen" && !std::getenv("SDL_VIDEODRIVER")) {
        error = "no display to open a window on (DISPLAY is not set; try xvfb-run -a stepvisor gui ...)";
        SDL_Quit();
        return nullptr;
    }
    SDL_GL_SetAttribute(SDL_GL_CONTEXT_FLAGS, 0);
    SDL_GL_SetAttribute(SDL_GL_CONTEXT_PROFILE_MASK, SDL_GL_CONTEXT_PROFILE_CORE);
    SDL_GL_SetAttribute(SDL_GL_CONTEXT_MAJOR_VERSION, 3);
    SDL_GL_SetAttribute(SDL_GL_CONTEXT_MINOR_VERSION, 0);
    SDL_GL_SetAttribute(SDL_GL_DOUBLEBUFFER, 1);
    std::unique_ptr<Window> win(new Window);
    win->window_ = SDL_CreateWindow(title.c_str(), SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED, w, h,
                                    SDL_WINDOW_OPENGL | SDL_WINDOW_RESIZABLE);
    win->gl_ = win->window_ ? SDL_GL_CreateContext(win->window_) : nullptr;
    if (!win->gl_) {
        error = std::string("cannot create an OpenGL 3.0 window: ") + SDL_GetError();
        return nullptr;  // the destructor closes what was opened
    }
    SDL_GL_MakeCurrent(win->window_, win->gl_);
    SDL_GL_SetSwapInterval(1);

    IMGUI_CHECKVERSION();
    ImGui::CreateContext();
    win->imgui_ = true;
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr;  // ImGui's part of the layout goes into our own file (settings.cpp)
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
    win->style_ = style;
    ImGui_ImplSDL2_InitForOpenGL(win->window_, win->gl_);
    ImGui_ImplOpenGL3_Init("#version 130");
    return win;
}

Window::~Window() {
    if (imgui_) {
        ImGui_ImplOpenGL3_Shutdown();
        ImGui_ImplSDL2_Shutdown();
        ImGui::DestroyContext();
    }
    if (gl_) SDL_GL_DeleteContext(gl_);
    if (window_) SDL_DestroyWindow(window_);
    SDL_Quit();
}

void Window::new_frame() {
    ImGui_ImplOpenGL3_NewFrame();
    ImGui_ImplSDL2_NewFrame();
    ImGui::NewFrame();
}

void Window::render(int& dw, int& dh) {
    ImGui::Render();
    SDL_GL_GetDrawableSize(window_, &dw, &dh);
    glViewport(0, 0, dw, dh);
    glClearColor(0.08f, 0.08f, 0.10f, 1.0f);
    glClear(GL_COLOR_BUFFER_BIT);
    ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
}

}  // namespace gui
