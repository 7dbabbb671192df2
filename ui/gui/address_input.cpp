// What the user types where an address is wanted: a number, a symbol, or pc.
#include "app.hpp"
#include "ui/cli/options.hpp"

namespace gui {

bool parse_address(App& a, const std::string& text, uint64_t& out) {
    std::string t = text;
    while (!t.empty() && t.back() == ' ') t.pop_back();
    while (!t.empty() && t.front() == ' ') t.erase(0, 1);
    if (t.empty()) return false;
    if (t == "pc") { out = a.s.hart().pc; return true; }
    try {
        out = cli::parse_u64(t, "address");
        return true;
    } catch (const cli::UsageError&) {
    }
    if (auto s = a.s.symbol_address(t)) { out = *s; return true; }
    return false;
}

}  // namespace gui
