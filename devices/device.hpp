// The one interface every memory-mapped device implements. A device sees
// offsets within its own window; the bus (emu/bus) routes physical addresses.
#pragma once
#include <cstdint>
#include <string_view>

#include "devices/state.hpp"

namespace dev {

class Device {
public:
    virtual ~Device() = default;
    virtual std::string_view name() const = 0;
    // size is 1, 2, 4 or 8. Returning false makes the access an access fault.
    virtual bool read(uint64_t offset, unsigned size, uint64_t& value) = 0;
    virtual bool write(uint64_t offset, unsigned size, uint64_t value) = 0;
    // Snapshots: every register and queue. restore() reads all of it and
    // checks it before changing anything (StateError when it does not fit),
    // and does not signal interrupt lines: the machine restores those itself.
    virtual void save(StateOut& out) const = 0;
    virtual void restore(StateIn& in) = 0;
};

}  // namespace dev
