// The platform-level interrupt controller (RISC-V PLIC specification), laid
// out as QEMU's virt machine has it: two contexts per hart (2h = M-mode,
// 2h+1 = S-mode), level-triggered sources through the gateway.
#pragma once
#include <cstdint>
#include <functional>
#include <vector>

#include "device.hpp"

namespace dev {

class Plic final : public Device {
public:
    static constexpr uint64_t kSize = 0x600000;
    static constexpr uint64_t kPriority = 0x0, kPending = 0x1000, kEnable = 0x2000, kEnableStride = 0x80;
    static constexpr uint64_t kContext = 0x200000, kContextStride = 0x1000;
    static constexpr uint32_t kPriorityMask = 7;  // 3 priority bits, as QEMU virt

    // irq_out(ctx, level): a context's external-interrupt line (M: MEIP of
    // hart ctx/2, S: SEIP) changed.
    Plic(unsigned harts, unsigned num_sources, std::function<void(unsigned ctx, bool level)> irq_out);

    std::string_view name() const override { return "plic"; }
    bool read(uint64_t offset, unsigned size, uint64_t& value) override;
    bool write(uint64_t offset, unsigned size, uint64_t value) override;

    // A device's interrupt level (sources 1 .. num_sources-1).
    void set_source(unsigned src, bool level);

    // Side-effect-free views (for panels and tests).
    unsigned contexts() const { return unsigned(threshold_.size()); }
    unsigned sources() const { return unsigned(priority_.size()); }
    uint32_t priority(unsigned src) const { return src < priority_.size() ? priority_[src] : 0; }
    bool pending(unsigned src) const { return src < pending_.size() && pending_[src]; }
    bool enabled(unsigned ctx, unsigned src) const;
    uint32_t threshold(unsigned ctx) const { return ctx < threshold_.size() ? threshold_[ctx] : 0; }
    bool context_irq(unsigned ctx) const { return ctx < out_.size() && out_[ctx]; }
    void reset();

private:
    unsigned best(unsigned ctx) const;  // highest-priority pending enabled source above threshold, or 0
    uint32_t claim(unsigned ctx);
    void complete(unsigned ctx, uint32_t src);
    void update();

    std::vector<uint32_t> priority_;
    std::vector<bool> level_, pending_, claimed_;
    std::vector<std::vector<uint32_t>> enable_;  // per context, 32 sources per word
    std::vector<uint32_t> threshold_;
    std::vector<bool> out_;
    std::function<void(unsigned, bool)> irq_out_;
};

}  // namespace dev
