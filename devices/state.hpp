// A device's state as bytes, for snapshots: each device writes its own
// registers and queues with StateOut and reads them back with StateIn.
// StateIn throws StateError on anything that does not fit (short data, a
// count larger than the device), so a bad snapshot never half-applies a
// device: readers check everything before they assign.
#pragma once
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

namespace dev {

struct StateError : std::runtime_error {
    using runtime_error::runtime_error;
};

class StateOut {
public:
    void u8(uint8_t v) { bytes_.push_back(v); }
    void u32(uint32_t v) { raw(&v, 4); }
    void u64(uint64_t v) { raw(&v, 8); }
    void boolean(bool v) { u8(v ? 1 : 0); }
    void raw(const void* p, size_t n) {
        const auto* b = static_cast<const uint8_t*>(p);
        bytes_.insert(bytes_.end(), b, b + n);
    }
    void str(const std::string& s) { u64(s.size()); raw(s.data(), s.size()); }
    template <typename T> void vec(const std::vector<T>& v) {
        static_assert(std::is_trivially_copyable_v<T>);
        u64(v.size());
        raw(v.data(), v.size() * sizeof(T));
    }
    std::vector<uint8_t>& bytes() { return bytes_; }
    size_t size() const { return bytes_.size(); }

private:
    std::vector<uint8_t> bytes_;
};

class StateIn {
public:
    StateIn(const uint8_t* p, size_t n) : p_(p), n_(n) {}
    explicit StateIn(const std::vector<uint8_t>& v) : p_(v.data()), n_(v.size()) {}
    uint8_t u8() { uint8_t v; raw(&v, 1); return v; }
    uint32_t u32() { uint32_t v; raw(&v, 4); return v; }
    uint64_t u64() { uint64_t v; raw(&v, 8); return v; }
    bool boolean() {
        uint8_t v = u8();
        if (v > 1) throw StateError("a flag is neither 0 nor 1");
        return v;
    }
    void raw(void* out, size_t n) {
        const uint8_t* b = take(n);
        if (n) std::memcpy(out, b, n);  // an empty vector's data() may be null
    }
    // n bytes in place (valid while the buffer lives).
    const uint8_t* take(size_t n) {
        if (n > n_ - at_) throw StateError("truncated");
        const uint8_t* b = p_ + at_;
        at_ += n;
        return b;
    }
    std::string str(size_t max = 1u << 30) {
        uint64_t n = u64();
        if (n > max) throw StateError("a string is too long");
        const uint8_t* b = take(n);
        return std::string(reinterpret_cast<const char*>(b), n);
    }
    // A vector of exactly `expect` elements (the device's own size).
    template <typename T> std::vector<T> vec(size_t expect) {
        uint64_t n = u64();
        if (n != expect) throw StateError("holds " + std::to_string(n) + " entries where " + std::to_string(expect) + " were expected");
        std::vector<T> v(n);
        raw(v.data(), n * sizeof(T));
        return v;
    }
    template <typename T> std::vector<T> vec_up_to(size_t max) {
        uint64_t n = u64();
        if (n > max) throw StateError("holds too many entries");
        if (n * sizeof(T) > n_ - at_) throw StateError("truncated");
        std::vector<T> v(n);
        raw(v.data(), n * sizeof(T));
        return v;
    }
    size_t left() const { return n_ - at_; }
    void expect_end(const char* what) const {
        if (at_ != n_) throw StateError(std::string(what) + ": " + std::to_string(n_ - at_) + " bytes too many");
    }

private:
    const uint8_t* p_;
    size_t n_, at_ = 0;
};

}  // namespace dev
