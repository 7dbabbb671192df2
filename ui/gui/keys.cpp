// The keyboard shortcuts: the same actions as the menus and buttons.
#include <SDL.h>

#include "app.hpp"

namespace gui {

void App::shortcuts_from_key(int sc, bool shift, bool ctrl) {
    if (sc == SDL_SCANCODE_F5 && shift) s.pause();
    else if (sc == SDL_SCANCODE_F5) { if (!s.running()) s.run_continue(); }
    else if (sc == SDL_SCANCODE_F10 && ctrl) { if (cursor) s.run_to(*cursor); }
    else if (sc == SDL_SCANCODE_F10 && shift) s.reverse_step_over();
    else if (sc == SDL_SCANCODE_F10) s.step_over();
    else if (sc == SDL_SCANCODE_F11 && shift) s.reverse_step(1);
    else if (sc == SDL_SCANCODE_F11) s.step(1);
    else if (sc == SDL_SCANCODE_F9) { if (cursor) s.toggle_breakpoint(*cursor); }
    else if (sc == SDL_SCANCODE_R && ctrl) s.reset();
    else if (sc == SDL_SCANCODE_F8) set_presentation(!presentation);
    else if (sc == SDL_SCANCODE_PAGEDOWN && presentation) { if (!s.running()) s.run_checkpoint(); }
    else if (sc == SDL_SCANCODE_PAGEUP && presentation) { if (!s.running()) s.back_checkpoint(); }
    else if (sc == SDL_SCANCODE_Q && ctrl) quit = true;
}

}  // namespace gui
