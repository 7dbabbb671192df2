#include "stop_signal.hpp"

#include <signal.h>

#include <atomic>

#include "console.hpp"

namespace cli {
namespace {
std::atomic<int> g_caught{0};

void on_stop_signal(int sig) {
    int none = 0;
    if (g_caught.compare_exchange_strong(none, sig)) return;
    restore_terminal();  // the second: the default action, the terminal as it was
    signal(sig, SIG_DFL);
    raise(sig);
}
}  // namespace

void catch_stop_signals() {
    struct sigaction sa = {};
    sa.sa_handler = on_stop_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    for (int s : {SIGINT, SIGTERM}) sigaction(s, &sa, nullptr);
}

int stop_signal() { return g_caught.load(std::memory_order_relaxed); }

std::string signal_name(int sig) {
    switch (sig) {
    case SIGINT: return "SIGINT";
    case SIGTERM: return "SIGTERM";
    default: return "signal " + std::to_string(sig);
    }
}

}  // namespace cli
