// What the GUI keeps of the machine's console: the text the Console tab
// shows (its last MiB), and the lines hv announced its VMs with ("hv: ...",
// kept from the start however long the console grows) for the VM overview.
// Those announcements hold for one run of hv: they start over when hv
// boots again (its banner, "stepvisor hv: ...", after a reset or a power
// cycle) and when the machine is another one (a scenario's next part).
#pragma once
#include <string>

namespace gui {

class ConsoleText {
public:
    void put(char c);
    // The bytes from here on come from another machine.
    void new_machine();
    void clear();
    const std::string& text() const { return text_; }
    const std::string& hv_lines() const { return hv_lines_; }

private:
    std::string text_;
    std::string hv_lines_;
    size_t line_start_ = 0;  // where text_'s last, unfinished line begins
};

}  // namespace gui
