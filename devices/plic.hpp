// The platform-level interrupt controller (RISC-V PLIC specification 1.0.0,
// github riscv/riscv-plic-spec), laid out as QEMU's virt machine has it
// (hw/riscv/virt.h VIRT_PLIC_*, QEMU 7.2: window 0x0c00_0000 + 0x60_0000):
//
//   0x000000 + 4*src          priority of source src (source 0 does not exist)
//   0x001000 + 4*(src/32)     pending bits, 32 sources a word (read-only)
//   0x002000 + 0x80*ctx       enable bits of context ctx, 32 sources a word
//   0x200000 + 0x1000*ctx     priority threshold of context ctx
//   0x200004 + 0x1000*ctx     claim (read) / complete (write) of context ctx
//
// Contexts: two per hart as QEMU virt's "MS" hart-config: context 2h is hart
// h's M-mode (MEIP), 2h+1 its S-mode (SEIP).
//
// Priorities and thresholds are WARL, 3 bits (VIRT_IRQCHIP_NUM_PRIO_BITS = 3,
// so values 0..7); priority 0 means "never interrupt". Sources are
// level-triggered through the gateway: a high level makes the source pending
// unless a request of it is claimed and not yet completed; a completion with
// the level still high pends it again. A falling level does not retract a
// pending request (the gateway cannot). A context's EIP output is high when
// some pending source enabled for it has priority > its threshold.
//
// A claim returns the highest-priority pending source enabled for the context
// (ties: the lowest id), or 0, and clears its pending bit. As the spec says,
// the threshold only gates EIP, not claims ("the claim operation is not
// affected by the setting of the priority threshold register"); a source of
// priority 0 is never claimed. (QEMU and Spike also apply the threshold to
// claims; software that claims only after EIP cannot tell the difference.)
// A completion (writing a source id) is ignored unless that source is enabled
// for the writing context (spec; QEMU accepts any id).
//
// Only naturally aligned 32-bit accesses are allowed (others fail, as the
// spec and QEMU's min/max access size 4); unimplemented offsets inside the
// window read 0 and ignore writes.
#pragma once
#include <cstdint>
#include <functional>
#include <vector>

#include "devices/device.hpp"

namespace dev {

class Plic final : public Device {
public:
    static constexpr uint64_t kSize = 0x600000;
    static constexpr uint64_t kPriorityBase = 0x0;
    static constexpr uint64_t kPendingBase = 0x1000;
    static constexpr uint64_t kEnableBase = 0x2000, kEnableStride = 0x80;
    static constexpr uint64_t kContextBase = 0x200000, kContextStride = 0x1000;
    static constexpr uint64_t kThreshold = 0x0, kClaimComplete = 0x4;  // within a context's block
    static constexpr unsigned kPriorityBits = 3;                        // VIRT_IRQCHIP_NUM_PRIO_BITS
    static constexpr uint32_t kMaxPriority = (1u << kPriorityBits) - 1;
    static constexpr unsigned kMaxSources = 1024;  // the spec's limit, ids 0..1023

    // num_sources counts source 0 (as QEMU's num-sources property): ids are
    // 1 .. num_sources-1 (clamped to kMaxSources). irq_out(ctx, level): the
    // EIP line of context ctx changed (M: MEIP of hart ctx/2, S: SEIP).
    Plic(unsigned harts, unsigned num_sources, std::function<void(unsigned ctx, bool level)> irq_out);

    std::string_view name() const override { return "plic"; }
    bool read(uint64_t offset, unsigned size, uint64_t& value) override;
    bool write(uint64_t offset, unsigned size, uint64_t value) override;
    void save(StateOut& out) const override;
    void restore(StateIn& in) override;

    // A device's interrupt line (sources 1 .. sources()-1; others ignored).
    void set_source(unsigned src, bool level);

    // Back to the reset state: priorities, enables, thresholds 0, no claims;
    // sources whose level is high are pending again.
    void reset();

    // Side-effect-free views (GUI panels, tests, debugger).
    unsigned contexts() const { return unsigned(threshold_.size()); }
    unsigned sources() const { return unsigned(priority_.size()); }  // including source 0
    uint32_t priority(unsigned src) const { return src < priority_.size() ? priority_[src] : 0; }
    bool level(unsigned src) const { return src < level_.size() && level_[src]; }
    bool pending(unsigned src) const { return src < pending_.size() && pending_[src]; }
    bool enabled(unsigned ctx, unsigned src) const;
    uint32_t threshold(unsigned ctx) const { return ctx < threshold_.size() ? threshold_[ctx] : 0; }
    bool context_irq(unsigned ctx) const { return ctx < out_.size() && out_[ctx]; }
    // Claimed and not yet completed (the gateway holds further requests).
    bool in_service(unsigned src) const { return src < claimer_.size() && claimer_[src] >= 0; }
    // The context that claimed src, or -1 when src is not in service.
    int claimed_by(unsigned src) const { return src < claimer_.size() ? claimer_[src] : -1; }
    // The source ctx claimed most recently and has not completed, or 0.
    unsigned claimed(unsigned ctx) const;
    // What a claim by ctx would return now (without claiming), or 0.
    unsigned next_claim(unsigned ctx) const;

private:
    unsigned best(unsigned ctx, uint32_t above) const;  // highest pending enabled source with priority > above
    bool read32(uint64_t offset, uint32_t& v);
    bool write32(uint64_t offset, uint32_t v);  // returns whether interrupt state may have changed
    uint32_t claim(unsigned ctx);
    bool complete(unsigned ctx, uint32_t src);
    void update();  // recompute every context's EIP and report changes

    std::vector<uint32_t> priority_;
    std::vector<uint8_t> level_, pending_;
    std::vector<int> claimer_;                   // per source: claiming context or -1
    std::vector<uint64_t> claim_seq_;            // per source: when it was claimed (for claimed(ctx))
    uint64_t seq_ = 0;
    std::vector<std::vector<uint32_t>> enable_;  // per context, 32 sources a word
    std::vector<uint32_t> threshold_;
    std::vector<uint8_t> out_;
    std::function<void(unsigned, bool)> irq_out_;
};

}  // namespace dev
