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
        // A stay whose entry came before the log began still counts its exit.
        if (h.since || r.hgatp) {
            VmTally& v = vms_[h.since ? h.vm : vm_index(*r.hgatp)];
            VcpuTally& c = vcpus_[h.since ? h.vcpu : vcpu_index(*r.hgatp, e.context)];
            if (h.since) v.guest_cycles += e.cycle - *h.since, c.guest_cycles += e.cycle - *h.since;
            ++v.exits;
            ++c.exits;
            v.to_hypervisor += r.to_hypervisor();
            c.last_hart = e.hart;
            c.last_exit = e;
            h.since.reset();
        }
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
        h.vm = vm_index(h.hgatp.value_or(0));
        if (!vms_[h.vm].entries++) vms_[h.vm].first_entry = e.cycle;
        h.vcpu = vcpu_index(h.hgatp.value_or(0), e.context);
        ++vcpus_[h.vcpu].entries;
        vcpus_[h.vcpu].last_hart = e.hart;
        h.since = e.cycle;
        break;
    }
    case EventKind::Reset:
        for (auto& h : harts_) h.since.reset();
        break;
    default: break;
    }
}

size_t ExitIndex::vm_index(uint64_t hgatp) {
    for (size_t i = 0; i < vms_.size(); ++i)
        if (vms_[i].hgatp == hgatp) return i;
    vms_.push_back(VmTally{});
    vms_.back().hgatp = hgatp;
    return vms_.size() - 1;
}

size_t ExitIndex::vcpu_index(uint64_t hgatp, uint64_t context) {
    for (size_t i = 0; i < vcpus_.size(); ++i)
        if (vcpus_[i].hgatp == hgatp && vcpus_[i].context == context) return i;
    vcpus_.push_back(VcpuTally{});
    vcpus_.back().hgatp = hgatp;
    vcpus_.back().context = context;
    return vcpus_.size() - 1;
}

std::optional<size_t> ExitIndex::vcpu_on(unsigned h) const {
    if (h < harts_.size() && harts_[h].since) return harts_[h].vcpu;
    return std::nullopt;
}

uint64_t ExitIndex::guest_cycles(const VcpuTally& v, const std::function<uint64_t(unsigned)>& now) const {
    uint64_t c = v.guest_cycles;
    for (unsigned h = 0; h < harts_.size(); ++h) {
        const HartState& s = harts_[h];
        if (!s.since) continue;
        const VcpuTally& in = vcpus_[s.vcpu];
        if (in.hgatp == v.hgatp && in.context == v.context && now(h) > *s.since) c += now(h) - *s.since;
    }
    return c;
}

const VmTally* ExitIndex::vm(uint64_t hgatp) const {
    for (const auto& v : vms_)
        if (v.hgatp == hgatp) return &v;
    return nullptr;
}

std::optional<uint64_t> ExitIndex::in_guest_since(unsigned h) const {
    return h < harts_.size() ? harts_[h].since : std::nullopt;
}

uint64_t ExitIndex::guest_cycles(const VmTally& v, const std::function<uint64_t(unsigned)>& now) const {
    uint64_t c = v.guest_cycles;
    for (unsigned h = 0; h < harts_.size(); ++h) {
        const HartState& s = harts_[h];
        if (s.since && vms_[s.vm].hgatp == v.hgatp && now(h) > *s.since) c += now(h) - *s.since;
    }
    return c;
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
    vms_.clear();
    vcpus_.clear();
    entries_ = 0;
}

}  // namespace emu
