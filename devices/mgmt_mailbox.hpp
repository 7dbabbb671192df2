// The management mailbox (its protocol: hv/mgmt.h): a window at
// map::kMgmt with one PLIC source, through which the management socket
// asks the hypervisor to act on one VM. The host side submits a request and
// later finds it answered; the guest side (hv) reads the request registers
// and writes status, count, data and DONE. The interrupt is a level: a
// request submitted and not yet answered.
#pragma once
#include <array>
#include <cstdint>
#include <functional>

#include "devices/device.hpp"

namespace dev {

class MgmtMailbox final : public Device {
public:
    static constexpr uint64_t kSize = 0x1000;
    // changed: called whenever irq() may have changed.
    explicit MgmtMailbox(std::function<void()> changed);

    std::string_view name() const override { return "mgmt-mailbox"; }
    bool read(uint64_t offset, unsigned size, uint64_t& value) override;
    bool write(uint64_t offset, unsigned size, uint64_t value) override;
    void save(StateOut& out) const override;
    void restore(StateIn& in) override;

    bool irq() const { return pending_; }
    bool ready() const { return ready_; }  // hv serves it
    bool busy() const { return pending_; }
    // A new request (the previous one answered or cancelled); returns its number.
    uint32_t submit(uint32_t cmd, uint32_t vm, uint64_t arg);
    bool answered(uint32_t seq) const { return done_ == seq && !pending_; }
    void cancel();  // the host gave up waiting: the interrupt goes down
    uint32_t status() const { return status_; }
    uint32_t count() const { return count_; }
    const uint8_t* data() const { return data_.data(); }
    size_t data_size() const { return data_.size(); }
    void reset();  // the machine's reset: hv has to say it is ready again

private:
    std::function<void()> changed_;
    bool pending_ = false, ready_ = false;
    uint32_t seq_ = 0, cmd_ = 0, vm_ = 0, status_ = 0, count_ = 0, done_ = 0;
    uint64_t arg_ = 0;
    std::array<uint8_t, 0xf00> data_{};
};

}  // namespace dev
