// What a device has sent, kept as its last kKeep bytes: a guest writing
// without end costs the host a bounded amount of memory, while the count of
// bytes sent stays exact.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

#include "devices/state.hpp"

namespace dev {

class OutputTail {
public:
    static constexpr size_t kKeep = 64 << 10;

    void push(char c) {
        if (buf_.size() == 2 * kKeep) buf_.erase(0, kKeep);  // amortized: one move per kKeep bytes
        buf_.push_back(c);
        ++sent_;
    }
    // The last (up to) kKeep bytes.
    std::string_view text() const {
        std::string_view v = buf_;
        return v.size() > kKeep ? v.substr(v.size() - kKeep) : v;
    }
    uint64_t sent() const { return sent_; }
    bool empty() const { return sent_ == 0; }
    void clear() { buf_.clear(); sent_ = 0; }

    // Snapshots: the tail and the count.
    void save(StateOut& out) const {
        out.str(std::string(text()));
        out.u64(sent_);
    }
    void restore(StateIn& in) {
        std::string t = in.str(kKeep);
        uint64_t sent = in.u64();
        if (sent < t.size()) throw StateError("an output tail longer than what was sent");
        buf_ = std::move(t);
        sent_ = sent;
    }

private:
    std::string buf_;
    uint64_t sent_ = 0;
};

}  // namespace dev
