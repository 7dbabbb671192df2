// SIGINT and SIGTERM end a run as any other stop does: at the next slice
// boundary (whole instructions), with its stats, summaries and output files
// written (a --log-commits FILE.gz finished as a valid gzip file). The
// process then exits 128 + the signal's number (130, 143), as a shell
// reports a command a signal ended. A second signal ends it at once.
#pragma once
#include <string>

namespace cli {

// Installs the handlers (run, hv, demo).
void catch_stop_signals();
// The signal caught since then, 0 when none.
int stop_signal();
// "SIGINT", "SIGTERM".
std::string signal_name(int sig);

}  // namespace cli
