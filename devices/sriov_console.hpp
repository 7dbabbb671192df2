// An SR-IOV-style console device, made up for the lecture (compatible
// "stepvisor,sriov-console"): one physical function (PF) that creates
// virtual functions (VFs), each its own small console with its own MMIO
// page, so a hypervisor can map one VF straight into each VM.
//
// PF page (kPfSize bytes at the device's base):
//   0x00 TOTAL_VFS   (r)   how many VFs the device can have (kMaxVfs)
//   0x04 NUM_VFS     (rw)  VFs enabled; writing 0..kMaxVfs enables that many
//   0x08 VF_OFFSET   (r)   where VF 0's page is, from the base
//   0x0c VF_STRIDE   (r)   from one VF's page to the next
// VF k page (at base + VF_OFFSET + k * VF_STRIDE), once enabled:
//   0x00 TX          (w)   a byte to send: it goes to VF k's output
//   0x04 STATUS      (r)   bit 0: ready to send (always 1)
//   0x08 SENT        (r)   bytes sent so far (the device keeps the last 64K of them)
//   0x0c IE          (rw)  bit 0: interrupt while ready to send. VF k's interrupt
//                          line (source kIrq0 + k of the machine's interrupt
//                          controller) is IE bit 0: each TX with it set drops
//                          and raises the line, as a 16550's THR-empty interrupt
//                          does, so every byte sent gives an edge.
// Accesses to a VF that is not enabled fail (an access fault), as a
// function that does not exist on the bus would.
#pragma once
#include <array>
#include <cstdint>
#include <functional>
#include <string_view>

#include "devices/device.hpp"
#include "devices/output_tail.hpp"

namespace dev {

class SriovConsole final : public Device {
public:
    static constexpr unsigned kMaxVfs = 4;
    static constexpr uint64_t kPfSize = 0x1000, kVfOffset = 0x1000, kVfStride = 0x1000;
    static constexpr uint64_t kSize = kVfOffset + kMaxVfs * kVfStride;
    static constexpr unsigned kIrq0 = 13;  // VF k's interrupt source: kIrq0 + k

    // line(vf, level): VF vf's interrupt line changed.
    explicit SriovConsole(std::function<void(unsigned, bool)> line = {}) : line_(std::move(line)) {}

    std::string_view name() const override { return "sriov-console"; }
    bool read(uint64_t offset, unsigned size, uint64_t& value) override;
    bool write(uint64_t offset, unsigned size, uint64_t value) override;
    void save(StateOut& out) const override;
    void restore(StateIn& in) override;

    unsigned num_vfs() const { return num_vfs_; }
    bool irq(unsigned vf) const { return vf < num_vfs_ && (ie_[vf] & 1); }
    std::string_view output(unsigned vf) const { return out_[vf].text(); }  // the last bytes VF vf sent
    void reset();

private:
    int vf_of(uint64_t offset, uint64_t& reg) const;  // -1: the PF or an absent VF
    void set_ie(unsigned vf, uint32_t ie);
    std::function<void(unsigned, bool)> line_;
    unsigned num_vfs_ = 0;
    std::array<uint32_t, kMaxVfs> ie_{};
    std::array<OutputTail, kMaxVfs> out_;
};

}  // namespace dev
