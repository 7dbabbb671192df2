// The one interface every memory-mapped device implements. A device sees
// offsets within its own window; the bus (emu/bus) routes physical addresses.
#pragma once
#include <cstdint>
#include <string_view>

namespace dev {

class Device {
public:
    virtual ~Device() = default;
    virtual std::string_view name() const = 0;
    // size is 1, 2, 4 or 8. Returning false makes the access an access fault.
    virtual bool read(uint64_t offset, unsigned size, uint64_t& value) = 0;
    virtual bool write(uint64_t offset, unsigned size, uint64_t value) = 0;
};

}  // namespace dev
