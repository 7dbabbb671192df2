#include "plic.hpp"

namespace dev {

Plic::Plic(unsigned harts, unsigned num_sources, std::function<void(unsigned ctx, bool level)> irq_out)
    : priority_(num_sources, 0),
      level_(num_sources, false),
      pending_(num_sources, false),
      claimed_(num_sources, false),
      enable_(2 * harts, std::vector<uint32_t>((num_sources + 31) / 32, 0)),
      threshold_(2 * harts, 0),
      out_(2 * harts, false),
      irq_out_(std::move(irq_out)) {}

void Plic::reset() {
    std::fill(priority_.begin(), priority_.end(), 0);
    std::fill(pending_.begin(), pending_.end(), false);
    std::fill(claimed_.begin(), claimed_.end(), false);
    for (auto& e : enable_) std::fill(e.begin(), e.end(), 0);
    std::fill(threshold_.begin(), threshold_.end(), 0);
    for (unsigned s = 1; s < level_.size(); ++s) pending_[s] = level_[s];
    update();
}

bool Plic::enabled(unsigned ctx, unsigned src) const {
    return ctx < enable_.size() && src < priority_.size() && ((enable_[ctx][src / 32] >> (src % 32)) & 1);
}

// The gateway: a high level pends the source unless a claim of it is still
// outstanding (until its completion).
void Plic::set_source(unsigned src, bool level) {
    if (src == 0 || src >= level_.size()) return;
    level_[src] = level;
    if (level && !claimed_[src]) pending_[src] = true;
    update();
}

unsigned Plic::best(unsigned ctx) const {
    unsigned id = 0;
    uint32_t prio = threshold_[ctx];
    for (unsigned s = 1; s < priority_.size(); ++s)
        if (pending_[s] && priority_[s] > prio && enabled(ctx, s)) {
            prio = priority_[s];
            id = s;
        }
    return id;
}

void Plic::update() {
    for (unsigned c = 0; c < out_.size(); ++c) {
        bool level = best(c) != 0;
        if (level != out_[c]) {
            out_[c] = level;
            if (irq_out_) irq_out_(c, level);
        }
    }
}

uint32_t Plic::claim(unsigned ctx) {
    unsigned id = best(ctx);
    if (id) {
        pending_[id] = false;
        claimed_[id] = true;
        update();
    }
    return id;
}

void Plic::complete(unsigned ctx, uint32_t src) {
    // A completion for a source not enabled for this context is ignored (spec).
    if (src == 0 || src >= priority_.size() || !enabled(ctx, src)) return;
    claimed_[src] = false;
    if (level_[src]) pending_[src] = true;
    update();
}

bool Plic::read(uint64_t off, unsigned size, uint64_t& value) {
    if (size != 4 || (off & 3)) return false;
    value = 0;
    if (off < kPending) {
        unsigned s = unsigned(off / 4);
        if (s < priority_.size()) value = priority_[s];
    } else if (off < kEnable) {
        unsigned word = unsigned((off - kPending) / 4);
        for (unsigned b = 0; b < 32; ++b) {
            unsigned s = word * 32 + b;
            if (s < pending_.size() && pending_[s]) value |= 1u << b;
        }
    } else if (off < kContext) {
        unsigned ctx = unsigned((off - kEnable) / kEnableStride), word = unsigned((off - kEnable) % kEnableStride / 4);
        if (ctx < enable_.size() && word < enable_[ctx].size()) value = enable_[ctx][word];
    } else {
        unsigned ctx = unsigned((off - kContext) / kContextStride);
        uint64_t reg = (off - kContext) % kContextStride;
        if (ctx >= threshold_.size()) return true;
        if (reg == 0) value = threshold_[ctx];
        else if (reg == 4) value = claim(ctx);
    }
    return true;
}

bool Plic::write(uint64_t off, unsigned size, uint64_t value) {
    if (size != 4 || (off & 3)) return false;
    const uint32_t v = uint32_t(value);
    if (off < kPending) {
        unsigned s = unsigned(off / 4);
        if (s > 0 && s < priority_.size()) priority_[s] = v & kPriorityMask;
    } else if (off < kEnable) {
        return true;  // pending bits are read-only
    } else if (off < kContext) {
        unsigned ctx = unsigned((off - kEnable) / kEnableStride), word = unsigned((off - kEnable) % kEnableStride / 4);
        if (ctx < enable_.size() && word < enable_[ctx].size()) {
            uint32_t mask = ~0u;
            if (word == 0) mask &= ~1u;  // source 0 does not exist
            unsigned last = unsigned(priority_.size());
            if ((word + 1) * 32 > last) mask &= (last - word * 32 >= 32) ? ~0u : ((1u << (last - word * 32)) - 1);
            enable_[ctx][word] = v & mask;
        }
    } else {
        unsigned ctx = unsigned((off - kContext) / kContextStride);
        uint64_t reg = (off - kContext) % kContextStride;
        if (ctx >= threshold_.size()) return true;
        if (reg == 0) threshold_[ctx] = v & kPriorityMask;
        else if (reg == 4) complete(ctx, v);
        else return true;
    }
    update();
    return true;
}

}  // namespace dev
