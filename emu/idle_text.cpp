// The lines that tell a user how the harts wait (Machine::stall_text,
// Machine::idle_text): the CLI, the debugger, the gdb stub, the scenarios
// and the GUI all say it in these words.
#include <cstring>

#include "isa/hex.hpp"
#include "machine.hpp"

namespace emu {

std::string Machine::stall_text() const {
    const char* first = harts_[0]->stall_name();
    bool same = first != nullptr;
    for (const auto& h : harts_) same = same && h->stall_name() && std::strcmp(h->stall_name(), first) == 0;
    if (same) return std::string(harts_.size() == 1 ? "the hart waits in " : "every hart waits in ") + first;
    std::string t;
    for (unsigned i = 0; i < harts_.size(); ++i) {
        const char* s = harts_[i]->stall_name();
        t += (i ? ", hart " : "hart ") + std::to_string(i) + (s ? std::string(" waits in ") + s : " runs");
    }
    return t;
}

std::string Machine::idle_text() const {
    std::string pcs;
    for (const auto& h : harts_) pcs += (pcs.empty() ? "" : ", ") + isa::hex(h->pc);
    return stall_text() + " and nothing can wake it (pc " + pcs + ")";
}

}  // namespace emu
