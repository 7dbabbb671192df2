#include "devices/plic.hpp"

#include <algorithm>
#include <utility>

namespace dev {

Plic::Plic(unsigned harts, unsigned num_sources, std::function<void(unsigned ctx, bool level)> irq_out)
    : irq_out_(std::move(irq_out)) {
    const unsigned n = std::clamp(num_sources, 1u, kMaxSources);  // source 0 always "exists" as a slot
    const unsigned ctxs = 2 * harts;
    priority_.assign(n, 0);
    level_.assign(n, 0);
    pending_.assign(n, 0);
    claimer_.assign(n, -1);
    claim_seq_.assign(n, 0);
    enable_.assign(ctxs, std::vector<uint32_t>((n + 31) / 32, 0));
    threshold_.assign(ctxs, 0);
    out_.assign(ctxs, 0);
}

void Plic::reset() {
    std::fill(priority_.begin(), priority_.end(), 0);
    std::fill(claimer_.begin(), claimer_.end(), -1);
    std::fill(claim_seq_.begin(), claim_seq_.end(), 0);
    seq_ = 0;
    for (auto& e : enable_) std::fill(e.begin(), e.end(), 0);
    std::fill(threshold_.begin(), threshold_.end(), 0);
    // The devices keep their levels; the gateways forward those that are high.
    for (unsigned s = 0; s < pending_.size(); ++s) pending_[s] = s != 0 && level_[s];
    update();
}

bool Plic::enabled(unsigned ctx, unsigned src) const {
    return ctx < enable_.size() && src < priority_.size() && ((enable_[ctx][src / 32] >> (src % 32)) & 1);
}

unsigned Plic::claimed(unsigned ctx) const {
    unsigned id = 0;
    uint64_t when = 0;
    for (unsigned s = 1; s < claimer_.size(); ++s)
        if (claimer_[s] == int(ctx) && claim_seq_[s] >= when) {
            when = claim_seq_[s];
            id = s;
        }
    return id;
}

// ------------------------------------------------------------------ gateway

// A level-triggered gateway: the first high level becomes a request (the
// pending bit); no further request until the claimed one is completed.
void Plic::set_source(unsigned src, bool level) {
    if (src == 0 || src >= level_.size()) return;
    level_[src] = level;
    if (level && !pending_[src] && !in_service(src)) {
        pending_[src] = 1;
        update();
    }
}

// ------------------------------------------------------------------ core

// The highest-priority pending source enabled for ctx whose priority is above
// `above`; ties go to the lowest id (the scan is ascending and needs strictly
// more to replace). With above = 0, priority-0 sources never qualify.
unsigned Plic::best(unsigned ctx, uint32_t above) const {
    unsigned id = 0;
    uint32_t prio = above;
    for (unsigned w = 0; w < enable_[ctx].size(); ++w) {
        uint32_t en = enable_[ctx][w];
        while (en) {
            unsigned s = w * 32 + unsigned(__builtin_ctz(en));
            en &= en - 1;
            if (pending_[s] && priority_[s] > prio) {
                prio = priority_[s];
                id = s;
            }
        }
    }
    return id;
}

unsigned Plic::next_claim(unsigned ctx) const { return ctx < enable_.size() ? best(ctx, 0) : 0; }

// EIP of each context: some pending enabled source with priority > threshold.
void Plic::update() {
    for (unsigned c = 0; c < out_.size(); ++c) {
        const bool level = best(c, threshold_[c]) != 0;
        if (level != bool(out_[c])) {
            out_[c] = level;
            if (irq_out_) irq_out_(c, level);
        }
    }
}

// Claim: the threshold does not matter here (spec), only EIP is gated by it.
uint32_t Plic::claim(unsigned ctx) {
    const unsigned id = best(ctx, 0);
    if (id) {
        pending_[id] = 0;
        claimer_[id] = int(ctx);
        claim_seq_[id] = ++seq_;
    }
    return id;
}

// Complete: the completion message goes to the source's gateway, unless the
// source is not enabled for this context (then it is silently ignored). A
// level still high makes a new request.
bool Plic::complete(unsigned ctx, uint32_t src) {
    if (src == 0 || src >= priority_.size() || !enabled(ctx, src) || !in_service(src)) return false;
    claimer_[src] = -1;
    if (level_[src]) pending_[src] = 1;
    return true;
}

// ------------------------------------------------------------------ registers

bool Plic::read32(uint64_t off, uint32_t& v) {
    v = 0;
    if (off < kPendingBase) {
        const uint64_t s = (off - kPriorityBase) / 4;
        if (s < priority_.size()) v = priority_[s];
    } else if (off < kEnableBase) {
        const uint64_t word = (off - kPendingBase) / 4;
        for (unsigned b = 0; b < 32; ++b) {
            const uint64_t s = word * 32 + b;
            if (s < pending_.size() && pending_[s]) v |= 1u << b;
        }
    } else if (off < kContextBase) {
        const uint64_t ctx = (off - kEnableBase) / kEnableStride, word = (off - kEnableBase) % kEnableStride / 4;
        if (ctx < enable_.size() && word < enable_[ctx].size()) v = enable_[ctx][word];
    } else {
        const uint64_t ctx = (off - kContextBase) / kContextStride, reg = (off - kContextBase) % kContextStride;
        if (ctx >= threshold_.size()) return false;
        if (reg == kThreshold) v = threshold_[ctx];
        else if (reg == kClaimComplete) {
            v = claim(unsigned(ctx));
            return v != 0;
        }
    }
    return false;
}

bool Plic::write32(uint64_t off, uint32_t v) {
    if (off < kPendingBase) {
        const uint64_t s = (off - kPriorityBase) / 4;
        if (s == 0 || s >= priority_.size()) return false;
        priority_[s] = v & kMaxPriority;  // WARL: the implemented bits
        return true;
    }
    if (off < kEnableBase) return false;  // pending bits are read-only
    if (off < kContextBase) {
        const uint64_t ctx = (off - kEnableBase) / kEnableStride, word = (off - kEnableBase) % kEnableStride / 4;
        if (ctx >= enable_.size() || word >= enable_[ctx].size()) return false;
        uint32_t mask = ~0u;
        if (word == 0) mask &= ~1u;  // source 0 does not exist
        const uint64_t first = word * 32, n = priority_.size();
        if (n - first < 32) mask &= (1u << (n - first)) - 1;  // ids beyond the last source
        enable_[ctx][word] = v & mask;
        return true;
    }
    const uint64_t ctx = (off - kContextBase) / kContextStride, reg = (off - kContextBase) % kContextStride;
    if (ctx >= threshold_.size()) return false;
    if (reg == kThreshold) {
        threshold_[ctx] = v & kMaxPriority;  // WARL, as the priorities
        return true;
    }
    if (reg == kClaimComplete) return complete(unsigned(ctx), v);
    return false;
}

bool Plic::read(uint64_t offset, unsigned size, uint64_t& value) {
    if (size != 4 || offset % 4 || offset >= kSize) return false;
    uint32_t v = 0;
    if (read32(offset, v)) update();  // a claim took a pending bit
    value = v;
    return true;
}

bool Plic::write(uint64_t offset, unsigned size, uint64_t value) {
    if (size != 4 || offset % 4 || offset >= kSize) return false;
    if (write32(offset, uint32_t(value))) update();
    return true;
}

}  // namespace dev

namespace dev {

void Plic::save(StateOut& out) const {
    out.vec(priority_);
    out.vec(level_);
    out.vec(pending_);
    out.vec(claimer_);
    out.vec(claim_seq_);
    out.u64(seq_);
    for (const auto& e : enable_) out.vec(e);
    out.vec(threshold_);
    out.vec(out_);
}

void Plic::restore(StateIn& in) {
    const size_t n = priority_.size();
    auto prio = in.vec<uint32_t>(n);
    auto level = in.vec<uint8_t>(n);
    auto pending = in.vec<uint8_t>(n);
    auto claimer = in.vec<int>(n);
    auto claim_seq = in.vec<uint64_t>(n);
    uint64_t seq = in.u64();
    std::vector<std::vector<uint32_t>> enable;
    for (const auto& e : enable_) enable.push_back(in.vec<uint32_t>(e.size()));
    auto threshold = in.vec<uint32_t>(threshold_.size());
    auto out = in.vec<uint8_t>(out_.size());
    for (uint32_t p : prio)
        if (p > kMaxPriority) throw StateError("plic: a priority above " + std::to_string(kMaxPriority));
    for (uint32_t t : threshold)
        if (t > kMaxPriority) throw StateError("plic: a threshold above " + std::to_string(kMaxPriority));
    for (int c : claimer)
        if (c < -1 || c >= int(threshold_.size())) throw StateError("plic: a source claimed by no context");
    priority_ = std::move(prio);
    level_ = std::move(level);
    pending_ = std::move(pending);
    claimer_ = std::move(claimer);
    claim_seq_ = std::move(claim_seq);
    seq_ = seq;
    enable_ = std::move(enable);
    threshold_ = std::move(threshold);
    out_ = std::move(out);
}

}  // namespace dev
