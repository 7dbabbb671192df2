#include "history.hpp"

#include <algorithm>
#include <cstring>
#include <set>

#include "commit_log.hpp"
#include "machine.hpp"
#include "snapshot.hpp"

namespace emu {

namespace {
constexpr unsigned kRegionShift = 40;

// The debugger's stop conditions, put aside while the history replays, and
// the commit log: replayed instructions were logged when they first ran.
class Aside {
public:
    explicit Aside(Machine& m)
        : m_(m), mask_(m.stop_mask()), bps_(m.breakpoints()), wps_(m.watchpoints()), log_(m.commit_log()) {
        if (log_) log_->pause(true);
        m.clear_stop_conditions();
        m.clear_breakpoints();
        for (const auto& w : wps_) m.remove_watchpoint(w);
        m.stop_at_event(~0ull);
        m.mute_console(true);
    }
    ~Aside() {
        if (log_) log_->pause(false);
        m_.mute_console(false);
        m_.clear_stop_conditions();
        m_.set_stop_mask(mask_);
        m_.clear_breakpoints();
        for (uint64_t b : bps_) m_.add_breakpoint(b);
        for (const auto& w : m_.watchpoints()) m_.remove_watchpoint(w);
        for (const auto& w : wps_) m_.add_watchpoint(w);
    }
    const std::set<uint64_t>& breakpoints() const { return bps_; }
    const std::vector<Watchpoint>& watchpoints() const { return wps_; }

private:
    Machine& m_;
    uint32_t mask_;
    std::set<uint64_t> bps_;
    std::vector<Watchpoint> wps_;
    CommitLog* log_;
};

template <typename F> void each_region(Machine& m, F&& f) {
    const auto& rs = m.bus().regions();
    for (size_t i = 0; i < rs.size(); ++i) f(uint64_t(i), *rs[i]);
}
}  // namespace

History::History(Machine& m, Limits limits) : m_(m), limits_(limits), interval_(limits.first_interval) {
    if (interval_ == 0) interval_ = 1;
    m_.set_history(this);
    take();
}

History::~History() {
    if (m_.history() == this) m_.set_history(nullptr);
}

void History::restart() {
    snaps_.clear();
    bytes_ = 0;
    interval_ = limits_.first_interval ? limits_.first_interval : 1;
    take();
}

void History::at_step(Machine& m) {
    if (!replaying_ && m.steps() >= next_due_) take();
}

uint64_t History::steps_to_next(const Machine& m) const {
    if (replaying_) return ~0ull;
    return next_due_ > m.steps() ? next_due_ - m.steps() : 1;
}

uint64_t History::start() const { return snaps_.front()->step; }

void History::take() {
    auto s = std::make_unique<Snap>();
    s->step = m_.steps();
    s->cycle = m_.cycles_since_power_on();
    s->events = m_.events().total();
    for (size_t k = 0; k < size_t(EventKind::Count); ++k) s->counts[k] = m_.events().count(EventKind(k));
    for (unsigned h = 0; h < m_.hart_count(); ++h) s->hart_steps.push_back(m_.hart_steps(h));
    s->next_input = m_.next_input();
    dev::StateOut st, dec;
    m_.save_state(st, false);
    m_.save_decoded(dec);
    s->state = std::move(st.bytes());
    s->decoded = std::move(dec.bytes());
    const bool first = snaps_.empty() || !m_.bus().tracking();
    each_region(m_, [&](uint64_t ri, HostRegion& r) {
        auto copy = [&](uint64_t p) {
            auto b = std::make_unique<uint8_t[]>(kPageSize);
            const size_t len = std::min<uint64_t>(kPageSize, r.size - p * kPageSize);
            std::memcpy(b.get(), r.bytes + p * kPageSize, len);
            std::memset(b.get() + len, 0, kPageSize - len);
            s->pages[ri << kRegionShift | p] = std::move(b);
        };
        if (first) {
            for_each_nonzero_page(r, [&](uint64_t p, const uint8_t*) { copy(p); });
        } else {
            for (uint64_t p : m_.bus().dirty_pages(r)) copy(p);
        }
    });
    m_.bus().track_dirty();
    for (unsigned h = 0; h < m_.hart_count(); ++h) m_.hart(h).slow_all_stores();
    s->bytes = s->pages.size() * kPageSize + s->state.size() + s->decoded.size() + sizeof(Snap);
    if (!snaps_.empty() && snaps_.back()->step == s->step) {
        // The same step again (the debugger changed something): the newer state wins.
        Snap& b = *snaps_.back();
        bytes_ -= b.bytes;
        for (auto& [key, pg] : s->pages) b.pages[key] = std::move(pg);
        b.cycle = s->cycle;
        b.events = s->events;
        std::memcpy(b.counts, s->counts, sizeof b.counts);
        b.hart_steps = s->hart_steps;
        b.next_input = s->next_input;
        b.state = std::move(s->state);
        b.decoded = std::move(s->decoded);
        b.bytes = b.pages.size() * kPageSize + b.state.size() + b.decoded.size() + sizeof(Snap);
        bytes_ += b.bytes;
    } else {
        bytes_ += s->bytes;
        snaps_.push_back(std::move(s));
    }
    next_due_ = m_.steps() + interval_;
    enforce_limits();
    base_ = snaps_.size() - 1;
}

// Snapshot k goes; its pages that k+1 does not have are k+1's now (they
// were not stored to in between, so they hold the same bytes at k+1).
void History::merge_into_next(size_t k) {
    Snap& a = *snaps_[k];
    Snap& b = *snaps_[k + 1];
    uint64_t moved = 0;
    for (auto& [key, pg] : a.pages)
        if (b.pages.emplace(key, std::move(pg)).second) ++moved;
    b.bytes += moved * kPageSize;
    bytes_ = bytes_ - a.bytes + moved * kPageSize;
    snaps_.erase(snaps_.begin() + long(k));
}

void History::enforce_limits() {
    while ((snaps_.size() > limits_.max_snapshots || bytes_ > limits_.max_bytes) && snaps_.size() > 2) {
        if (interval_ < kMaxInterval) {
            // Every odd one but the newest: 1, 3, 5, ... from the top down.
            size_t k = snaps_.size() - 2;
            if (k % 2 == 0) --k;
            for (; k >= 1; k -= 2) {
                merge_into_next(k);
                if (k < 2) break;
            }
            interval_ *= 2;
        } else {
            merge_into_next(0);
        }
    }
}

const uint8_t* History::page_at(size_t k, uint64_t key) const {
    for (size_t j = k + 1; j-- > 0;) {
        auto it = snaps_[j]->pages.find(key);
        if (it != snaps_[j]->pages.end()) return it->second.get();
    }
    return nullptr;
}

size_t History::latest_at_or_before(uint64_t step) const {
    size_t k = 0;
    for (size_t j = 0; j < snaps_.size(); ++j)
        if (snaps_[j]->step <= step) k = j;
    return k;
}

// The machine's memory differs from snapshot k only in pages stored to
// since the current baseline (the latest snapshot, or the one restored
// last) and in the snapshots between that baseline and k.
void History::restore(size_t k) {
    std::set<uint64_t> keys;
    const size_t lo = std::min(k, base_) + 1, hi = std::max(k, base_);
    for (size_t j = lo; j <= hi && j < snaps_.size(); ++j)
        for (const auto& [key, pg] : snaps_[j]->pages) keys.insert(key);
    each_region(m_, [&](uint64_t ri, HostRegion& r) {
        for (uint64_t p : m_.bus().dirty_pages(r)) keys.insert(ri << kRegionShift | p);
    });
    const auto& rs = m_.bus().regions();
    for (uint64_t key : keys) {
        HostRegion& r = *rs[key >> kRegionShift];
        const uint64_t p = key & ((1ull << kRegionShift) - 1);
        const size_t len = std::min<uint64_t>(kPageSize, r.size - p * kPageSize);
        const uint8_t* src = page_at(k, key);
        if (src) std::memcpy(r.bytes + p * kPageSize, src, len);
        else std::memset(r.bytes + p * kPageSize, 0, len);
    }
    m_.bus().track_dirty();
    const Snap& s = *snaps_[k];
    dev::StateIn st(s.state);
    m_.restore_state(st);
    dev::StateIn dec(s.decoded);
    m_.restore_decoded(dec);
    for (unsigned h = 0; h < m_.hart_count(); ++h) m_.hart(h).slow_all_stores();
    m_.set_next_input(s.next_input);
    base_ = k;
}

void History::truncate_after(size_t k) {
    while (snaps_.size() > k + 1) {
        bytes_ -= snaps_.back()->bytes;
        snaps_.pop_back();
    }
    base_ = std::min(base_, k);
    next_due_ = snaps_[k]->step + interval_;
}

void History::replay_to(uint64_t to) {
    Aside aside(m_);
    replaying_ = true;
    while (m_.steps() < to) {
        StopReason r = m_.run(to - m_.steps());
        if (r == StopReason::Halted || r == StopReason::Idle) break;
    }
    replaying_ = false;
}

void History::seek(uint64_t n) {
    if (n >= m_.steps()) {
        replay_to(n);
        return;
    }
    n = std::max(n, start());
    const size_t k = latest_at_or_before(n);
    restore(k);
    truncate_after(k);
    replay_to(n);
}

void History::seek_cycle(uint64_t cycle) {
    const uint64_t now = m_.steps();
    if (cycle >= m_.cycles_since_power_on()) return;
    size_t k = 0;
    for (size_t j = 0; j < snaps_.size(); ++j)
        if (snaps_[j]->cycle <= cycle && snaps_[j]->step <= now) k = j;
    restore(k);
    truncate_after(k);
    Aside aside(m_);
    replaying_ = true;
    // Every instruction costs a cycle at least: coarse runs, then single steps.
    while (m_.steps() < now && m_.cycles_since_power_on() < cycle) {
        const uint64_t left = cycle - m_.cycles_since_power_on();
        const uint64_t n = std::min(now - m_.steps(), std::max<uint64_t>(1, left / 64));
        const uint64_t before = m_.steps();
        StopReason r = m_.run(n);
        if (m_.steps() == before || r == StopReason::Halted) break;
    }
    replaying_ = false;
}

History::Found History::back_to_event(EventKind kind) {
    const uint64_t now_step = m_.steps(), now_ev = m_.events().total();
    const uint64_t c = m_.events().count(kind);
    for (uint64_t j = c; j >= 1; --j) {
        size_t k = snaps_.size();
        for (size_t i = 0; i < snaps_.size(); ++i)
            if (snaps_[i]->counts[size_t(kind)] < j) k = i;
        if (k == snaps_.size()) break;
        restore(k);
        {
            Aside aside(m_);
            replaying_ = true;
            m_.stop_on(kind);
            while (m_.events().count(kind) < j && m_.steps() <= now_step) {
                StopReason r = m_.run(std::max<uint64_t>(1, now_step - m_.steps()));
                if (r == StopReason::Halted || r == StopReason::Idle) break;
            }
            replaying_ = false;
        }
        const bool reached = m_.events().count(kind) >= j;
        const bool earlier = m_.steps() < now_step || (m_.steps() == now_step && m_.events().total() < now_ev);
        if (reached && earlier) {
            truncate_after(k);
            return Found::Yes;
        }
    }
    seek(start());
    return Found::Start;
}

template <typename F> History::Stop History::last_stop(size_t k, uint64_t end, F&& arm) {
    restore(k);
    Stop last;
    Aside aside(m_);
    arm(aside);
    replaying_ = true;
    for (unsigned h = 0; h < m_.hart_count(); ++h)
        if (m_.at_breakpoint(m_.hart(h).pc)) last = {m_.steps(), false};
    while (m_.steps() < end) {
        StopReason r = m_.run(end - m_.steps());
        if ((r == StopReason::Breakpoint || r == StopReason::Watchpoint) && m_.steps() < end)
            last = {m_.steps(), r == StopReason::Watchpoint};
        else if (r != StopReason::Limit)
            break;
    }
    replaying_ = false;
    return last;
}

History::Found History::back_to_pc(uint64_t pc) {
    const uint64_t now = m_.steps();
    for (size_t k = snaps_.size(); k-- > 0;) {
        if (snaps_[k]->step >= now) continue;
        const uint64_t end = k + 1 < snaps_.size() ? std::min(now, snaps_[k + 1]->step) : now;
        Stop s = last_stop(k, end, [&](Aside&) { m_.add_breakpoint(pc); });
        if (s.step != ~0ull) {
            seek(s.step);
            return Found::Yes;
        }
    }
    seek(start());
    return Found::Start;
}

History::Found History::back_to_stop(StopReason* why) {
    const uint64_t now = m_.steps();
    for (size_t k = snaps_.size(); k-- > 0;) {
        if (snaps_[k]->step >= now) continue;
        const uint64_t end = k + 1 < snaps_.size() ? std::min(now, snaps_[k + 1]->step) : now;
        Stop s = last_stop(k, end, [&](Aside& a) {
            for (uint64_t b : a.breakpoints()) m_.add_breakpoint(b);
            for (const auto& w : a.watchpoints()) m_.add_watchpoint(w);
        });
        if (s.step != ~0ull) {
            seek(s.step);
            if (why) *why = s.watch ? StopReason::Watchpoint : StopReason::Breakpoint;
            return Found::Yes;
        }
    }
    seek(start());
    return Found::Start;
}

History::Found History::back_on_hart(unsigned hart, uint64_t n) {
    const uint64_t have = m_.hart_steps(hart);
    if (m_.hart_count() == 1) {
        if (n > m_.steps() - start()) { seek(start()); return Found::Start; }
        seek(m_.steps() - n);
        return Found::Yes;
    }
    size_t k = snaps_.size();
    if (have >= n)
        for (size_t i = 0; i < snaps_.size(); ++i)
            if (snaps_[i]->hart_steps[hart] <= have - n) k = i;
    if (k == snaps_.size()) {
        seek(start());
        return Found::Start;
    }
    const uint64_t want = have - n;  // the hart's count just before the instruction
    restore(k);
    uint64_t at = m_.steps();
    {
        Aside aside(m_);
        replaying_ = true;
        while (m_.hart_steps(hart) < want) {
            if (m_.run(want - m_.hart_steps(hart)) != StopReason::Limit) break;
        }
        // Other harts' turns may follow: step until this hart's next instruction.
        at = m_.steps();
        for (;;) {
            const uint64_t before = m_.steps();
            StopReason r = m_.run(1);
            if (m_.hart_steps(hart) > want) { at = before; break; }
            if (r != StopReason::Limit || m_.steps() == before) { at = m_.steps(); break; }
        }
        replaying_ = false;
    }
    seek(at);
    return Found::Yes;
}

std::vector<History::Mark> History::marks() const {
    std::vector<Mark> out;
    for (const auto& s : snaps_) out.push_back({s->step, s->cycle});
    return out;
}

}  // namespace emu
