#include "devices/htif.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <string_view>
#include <utility>

namespace dev {

namespace {
constexpr uint64_t kDevSyscall = 0, kDevConsole = 1;
constexpr uint64_t kCmdIdentify = 255;
constexpr uint64_t kConsoleGetc = 0, kConsolePutc = 1;
constexpr int64_t kENOSYS = 38, kEBADF = 9, kEFAULT = 14;
constexpr size_t kIdentitySize = 64;

uint64_t device_of(uint64_t v) { return v >> 56; }
uint64_t cmd_of(uint64_t v) { return (v >> 48) & 0xff; }
uint64_t payload_of(uint64_t v) { return v & ((uint64_t{1} << 48) - 1); }

uint64_t load_le64(const uint8_t* p) {
    uint64_t v = 0;
    for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];
    return v;
}
void store_le64(uint8_t* p, uint64_t v) {
    for (int i = 0; i < 8; ++i) p[i] = uint8_t(v >> (8 * i));
}
}  // namespace

Htif::Htif(MemFn read_mem, MemFn write_mem, std::function<void(uint64_t)> set_fromhost,
           std::function<void(uint8_t)> console_out, std::function<void(uint64_t)> on_exit)
    : read_mem_(std::move(read_mem)), write_mem_(std::move(write_mem)),
      set_fromhost_(std::move(set_fromhost)), console_out_(std::move(console_out)),
      on_exit_(std::move(on_exit)) {}

void Htif::reset() {
    input_.clear();
    pending_reads_ = 0;
    ignored_ = 0;
    exit_code_.reset();
}

// A response keeps the command's device and cmd fields (Spike's
// command_t::respond) and carries 48 bits of data.
void Htif::respond(uint64_t command, uint64_t data) {
    if (set_fromhost_) set_fromhost_((command >> 48 << 48) | payload_of(data));
}

void Htif::tohost_written(uint64_t value) {
    if (value == 0) return;  // the guest (or the machine) clearing tohost
    uint64_t device = device_of(value), cmd = cmd_of(value), payload = payload_of(value);

    if (cmd == kCmdIdentify) {
        identify(value);
        return;
    }
    if (device == kDevSyscall && cmd == 0) {
        if (payload & 1) {
            exit_code_ = payload >> 1;
            if (on_exit_) on_exit_(payload >> 1);
            return;
        }
        syscall(payload);
        return;
    }
    if (device == kDevConsole && cmd == kConsolePutc) {
        out(uint8_t(payload));
        respond(value, 0);
        return;
    }
    if (device == kDevConsole && cmd == kConsoleGetc) {
        ++pending_reads_;
        deliver_input();
        return;
    }
    ++ignored_;
}

void Htif::push_input(uint8_t byte) {
    input_.push_back(byte);
    deliver_input();
}

void Htif::deliver_input() {
    while (pending_reads_ && !input_.empty()) {
        uint8_t ch = input_.front();
        input_.pop_front();
        --pending_reads_;
        respond((kDevConsole << 56) | (kConsoleGetc << 48), 0x100 | ch);
    }
}

void Htif::syscall(uint64_t magic_addr) {
    std::array<uint8_t, 64> mm{};
    if (!read_mem_ || !read_mem_(magic_addr, mm.data(), mm.size())) {
        ++ignored_;  // Spike stops with "bad address"; the guest just waits
        return;
    }
    uint64_t n = load_le64(&mm[0]);
    uint64_t a[7];
    for (int i = 0; i < 7; ++i) a[i] = load_le64(&mm[8 * (i + 1)]);

    int64_t ret;
    if (n == kSysWrite) {
        uint64_t fd = a[0], buf = a[1], len = a[2];
        if (fd != 1 && fd != 2) {
            ret = -kEBADF;
        } else {
            uint64_t done = 0;
            bool fault = false;
            uint8_t chunk[256];
            while (done < len) {
                size_t n_chunk = size_t(std::min<uint64_t>(sizeof chunk, len - done));
                if (buf + done < buf) { fault = true; break; }
                if (read_mem_(buf + done, chunk, n_chunk)) {
                    for (size_t i = 0; i < n_chunk; ++i) out(chunk[i]);
                    done += n_chunk;
                    continue;
                }
                // The chunk runs off memory: write what exists, byte by byte.
                for (size_t i = 0; i < n_chunk; ++i, ++done) {
                    uint8_t b;
                    if (buf + done < buf || !read_mem_(buf + done, &b, 1)) break;
                    out(b);
                }
                fault = true;
                break;
            }
            ret = (fault && done == 0) ? -kEFAULT : int64_t(done);
        }
    } else if (n == kSysExit) {
        exit_code_ = a[0];
        if (on_exit_) on_exit_(a[0]);
        ret = 0;
    } else {
        ret = -kENOSYS;
    }

    uint8_t out_word[8];
    store_le64(out_word, uint64_t(ret));
    if (!write_mem_ || !write_mem_(magic_addr, out_word, sizeof out_word)) ++ignored_;
    respond(uint64_t(kDevSyscall) << 56, 1);
}

void Htif::identify(uint64_t command) {
    uint64_t device = device_of(command), payload = payload_of(command);
    uint64_t what = payload % 256, addr = payload / 256;
    std::string_view id;
    if (device == kDevSyscall) {
        id = what == kCmdIdentify ? "syscall_proxy" : what == 0 ? "syscall" : "";
    } else if (device == kDevConsole) {
        id = what == kCmdIdentify ? "bcd" : what == kConsoleGetc ? "read"
           : what == kConsolePutc ? "write" : "";
    }
    std::array<char, kIdentitySize> buf{};
    std::copy(id.begin(), id.end(), buf.begin());
    if (!write_mem_ || !write_mem_(addr, buf.data(), buf.size())) ++ignored_;
    respond(command, 1);
}

}  // namespace dev

namespace dev {

void Htif::save(StateOut& out) const {
    out.u64(input_.size());
    for (uint8_t b : input_) out.u8(b);
    out.u64(pending_reads_);
    out.u64(ignored_);
    out.boolean(exit_code_.has_value());
    out.u64(exit_code_.value_or(0));
}

void Htif::restore(StateIn& in) {
    uint64_t n = in.u64();
    if (n > in.left()) throw StateError("htif: truncated input queue");
    const uint8_t* b = in.take(n);
    uint64_t reads = in.u64(), ignored = in.u64();
    bool has_exit = in.boolean();
    uint64_t code = in.u64();
    input_.assign(b, b + n);
    pending_reads_ = size_t(reads);
    ignored_ = ignored;
    exit_code_ = has_exit ? std::optional<uint64_t>(code) : std::nullopt;
}

}  // namespace dev
