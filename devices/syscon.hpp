// SiFive test device "sifive,test0" (QEMU virt's finisher at 0x100000,
// window 0x1000). Register 0 (write): low 16 bits select the action, high 16
// bits carry the failure code:
//   0x5555 pass / poweroff (code 0)
//   0x3333 fail, code = value >> 16
//   0x7777 reset
// other values are ignored. Accesses of 2 or 4 bytes are accepted (as QEMU
// does; Linux's syscon-poweroff/reboot use 32-bit writes); reads return 0;
// 1- and 8-byte accesses fail.
#pragma once
#include <cstdint>
#include <functional>

#include "devices/device.hpp"

namespace dev {

class Syscon final : public Device {
public:
    enum class Kind { Poweroff, Fail, Reset };
    static constexpr uint64_t kSize = 0x1000;
    static constexpr uint32_t kPass = 0x5555, kFail = 0x3333, kReset = 0x7777;

    explicit Syscon(std::function<void(Kind, uint32_t code)> on_event);

    std::string_view name() const override { return "syscon"; }
    bool read(uint64_t offset, unsigned size, uint64_t& value) override;
    bool write(uint64_t offset, unsigned size, uint64_t value) override;
    void save(StateOut& out) const override;
    void restore(StateIn& in) override;

private:
    std::function<void(Kind, uint32_t)> on_event_;
};

}  // namespace dev
