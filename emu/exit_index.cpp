#include "exit_index.hpp"

#include <algorithm>

#include "isa/csr.hpp"
#include "isa/fields.hpp"

namespace emu {

std::optional<uint64_t> VmExitRecord::vmid() const {
    if (!hgatp) return std::nullopt;
    return isa::atp::vmid(*hgatp);
}

std::optional<uint64_t> VmExitRecord::cycles() const {
    if (!entry) return std::nullopt;
    return entry->cycle - exit.cycle;
}

ExitIndex::HartState& ExitIndex::hart(unsigned h) {
    if (h >= harts_.size()) harts_.resize(h + 1);
    return harts_[h];
}

void ExitIndex::observe(const Event& e) {
    switch (e.kind) {
    case EventKind::AtpWrite:
        if (e.csr == uint16_t(isa::Csr::HGATP)) hart(e.hart).hgatp = e.value;
        break;
    case EventKind::VmExit: {
        HartState& h = hart(e.hart);
        VmExitRecord r;
        r.exit = e;
        r.hgatp = h.hgatp;
        exits_.push_back(r);
        h.open = exits_.size() - 1;
        break;
    }
    case EventKind::Wfi: {
        HartState& h = hart(e.hart);
        if (!e.from_v && h.open) exits_[*h.open].idle = true;
        break;
    }
    case EventKind::PrivChange: {
        HartState& h = hart(e.hart);
        if (h.open && e.to_priv == Priv::U && !e.to_v) exits_[*h.open].via_user = true;
        break;
    }
    case EventKind::VmEntry: {
        ++entries_;
        HartState& h = hart(e.hart);
        if (h.open) {
            exits_[*h.open].entry = e;
            exits_[*h.open].entry_hgatp = h.hgatp;
            h.open.reset();
        }
        break;
    }
    default: break;
    }
}

std::optional<uint64_t> ExitIndex::hgatp_of(unsigned h) const {
    return h < harts_.size() ? harts_[h].hgatp : std::nullopt;
}

std::optional<size_t> ExitIndex::open_exit(unsigned h) const {
    return h < harts_.size() ? harts_[h].open : std::nullopt;
}

std::optional<size_t> ExitIndex::exit_at(uint64_t seq) const {
    auto it = std::lower_bound(exits_.begin(), exits_.end(), seq,
                               [](const VmExitRecord& r, uint64_t q) { return r.exit.seq < q; });
    if (it != exits_.end() && it->exit.seq == seq) return size_t(it - exits_.begin());
    return std::nullopt;
}

void ExitIndex::drop_oldest(size_t n) {
    n = std::min(n, exits_.size());
    exits_.erase(exits_.begin(), exits_.begin() + std::ptrdiff_t(n));
    for (auto& h : harts_)
        if (h.open) h.open = *h.open >= n ? std::optional<size_t>(*h.open - n) : std::nullopt;
}

void ExitIndex::clear() {
    exits_.clear();
    harts_.clear();
    entries_ = 0;
}

}  // namespace emu
