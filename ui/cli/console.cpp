#include "console.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <termios.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>

#include "devices/uart16550.hpp"

namespace cli {
namespace {
struct termios g_saved;
std::atomic<bool> g_raw{false};

void on_signal(int sig) {
    restore_terminal();
    signal(sig, SIG_DFL);
    raise(sig);
}
}  // namespace

void restore_terminal() {
    if (g_raw.exchange(false)) tcsetattr(0, TCSANOW, &g_saved);
}

Console::Console(bool interactive) : interactive_(interactive) {
    if (!interactive_) return;
    if (isatty(0) && tcgetattr(0, &g_saved) == 0) {
        struct termios raw = g_saved;
        cfmakeraw(&raw);
        raw.c_oflag |= OPOST | ONLCR;  // keep "\n" -> "\r\n" for the guest's output
        if (tcsetattr(0, TCSANOW, &raw) == 0) {
            g_raw = true;
            terminal_ = true;
            std::atexit(restore_terminal);
            // (SIGINT and SIGTERM keep a handler of the command's: stop_signal.hpp.)
            for (int s : {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGABRT, SIGSEGV}) {
                struct sigaction old;
                if (sigaction(s, nullptr, &old) == 0 && old.sa_handler == SIG_DFL) signal(s, on_signal);
            }
            std::fputs("[stepvisor: the terminal is the guest's console; Ctrl-A X leaves]\r\n", stderr);
        }
    }
    fcntl(0, F_SETFL, fcntl(0, F_GETFL) | O_NONBLOCK);
}

Console::~Console() {
    if (!interactive_) return;
    fcntl(0, F_SETFL, fcntl(0, F_GETFL) & ~O_NONBLOCK);
    restore_terminal();
}

bool Console::pump(emu::Machine& m) {
    if (!interactive_ || eof_) return true;
    unsigned char buf[256];
    ssize_t n = read(0, buf, sizeof buf);
    if (n == 0) {
        eof_ = true;
        return true;
    }
    for (ssize_t i = 0; i < n; ++i) {
        unsigned char c = buf[i];
        if (escape_) {
            escape_ = false;
            if (c == 'x' || c == 'X') return false;
            if (c != 0x01) m.console_input(0x01);  // Ctrl-A Ctrl-A sends one Ctrl-A
        } else if (c == 0x01) {
            escape_ = true;
            continue;
        }
        m.console_input(c);
    }
    return true;
}

void Console::wait_for_input(int ms) {
    if (!input_open()) return;
    struct pollfd p = {0, POLLIN, 0};
    poll(&p, 1, ms);
}

}  // namespace cli
