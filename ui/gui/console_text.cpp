#include "console_text.hpp"

namespace gui {

void ConsoleText::put(char c) {
    if (c == '\r') return;
    text_ += c;
    if (c == '\n') {
        if (text_.compare(line_start_, 14, "stepvisor hv: ") == 0) hv_lines_.clear();  // hv (re)started
        if (text_.compare(line_start_, 4, "hv: ") == 0) hv_lines_.append(text_, line_start_, std::string::npos);
        line_start_ = text_.size();
    }
    if (text_.size() > (1u << 20)) {
        const size_t cut = text_.size() - (1u << 19);
        text_.erase(0, cut);
        line_start_ = line_start_ > cut ? line_start_ - cut : 0;
    }
}

void ConsoleText::new_machine() {
    hv_lines_.clear();
    if (!text_.empty() && text_.back() != '\n') text_ += '\n';  // the old machine's unfinished line ends here
    line_start_ = text_.size();
}

void ConsoleText::clear() {
    text_.clear();
    hv_lines_.clear();
    line_start_ = 0;
}

}  // namespace gui
