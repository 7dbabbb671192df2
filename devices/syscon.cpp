#include "devices/syscon.hpp"

#include <utility>

namespace dev {

Syscon::Syscon(std::function<void(Kind, uint32_t)> on_event) : on_event_(std::move(on_event)) {}

bool Syscon::read(uint64_t offset, unsigned size, uint64_t& value) {
    if (offset >= kSize || (size != 2 && size != 4) || offset % size) return false;
    value = 0;
    return true;
}

bool Syscon::write(uint64_t offset, unsigned size, uint64_t value) {
    if (offset >= kSize || (size != 2 && size != 4) || offset % size) return false;
    if (offset != 0 || !on_event_) return true;
    uint32_t v = uint32_t(value);
    if (size == 2) v &= 0xffff;
    switch (v & 0xffff) {
    case kPass: on_event_(Kind::Poweroff, 0); break;
    case kFail: on_event_(Kind::Fail, v >> 16); break;
    case kReset: on_event_(Kind::Reset, 0); break;
    default: break;  // not a command: ignored
    }
    return true;
}

}  // namespace dev

namespace dev {

// The finisher keeps no state: each write acts at once.
void Syscon::save(StateOut&) const {}
void Syscon::restore(StateIn&) {}

}  // namespace dev
