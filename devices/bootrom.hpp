// Boot ROM: read-only memory holding the reset code (QEMU virt puts it at
// 0x1000). Guest writes fail (access fault), as on a real mask ROM.
#pragma once
#include <cstdint>
#include <vector>

#include "devices/device.hpp"

namespace dev {

class BootRom final : public Device {
public:
    explicit BootRom(std::vector<uint8_t> bytes);

    std::string_view name() const override { return "bootrom"; }
    // Any size 1/2/4/8 inside the ROM; little-endian. Out of range -> false.
    bool read(uint64_t offset, unsigned size, uint64_t& value) override;
    // Always false: ROM is not writable.
    bool write(uint64_t offset, unsigned size, uint64_t value) override;
    // The contents are given at construction and never change.
    void save(StateOut&) const override {}
    void restore(StateIn&) override {}

    const std::vector<uint8_t>& bytes() const { return bytes_; }
    uint64_t size() const { return bytes_.size(); }

    // QEMU-virt-like reset vector (see bootrom.cpp for the encodings):
    //   a0 = mhartid, a1 = dtb_addr, a2 = a2_value (0, or later the
    //   fw_dynamic info struct), then jump to jump_to.
    // The stub must be placed at an 8-byte-aligned address (its data words
    // are read with ld relative to the first instruction).
    static std::vector<uint8_t> reset_stub(uint64_t dtb_addr, uint64_t jump_to,
                                           uint64_t a2_value = 0);

private:
    std::vector<uint8_t> bytes_;
};

}  // namespace dev
