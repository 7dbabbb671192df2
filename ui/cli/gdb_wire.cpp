#include "gdb_wire.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "options.hpp"

namespace cli {

namespace {
constexpr size_t kMaxPacket = 1 << 20;  // longer than any packet gdb sends (PacketSize is 16 KiB)

bool wait_readable(int fd, int wait_ms) {
    pollfd p{fd, POLLIN, 0};
    return ::poll(&p, 1, wait_ms) > 0;
}
}  // namespace

GdbWire::GdbWire(uint16_t port) : port_(port) {
    listen_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (listen_ < 0) throw UsageError(std::string("--gdb: socket: ") + std::strerror(errno));
    int one = 1;
    ::setsockopt(listen_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::bind(listen_, reinterpret_cast<sockaddr*>(&a), sizeof a) < 0 || ::listen(listen_, 1) < 0) {
        std::string err = std::strerror(errno);
        ::close(listen_);
        throw UsageError("--gdb: cannot listen on port " + std::to_string(port) + ": " + err);
    }
    if (port == 0) {  // an ephemeral port: find out which
        socklen_t len = sizeof a;
        ::getsockname(listen_, reinterpret_cast<sockaddr*>(&a), &len);
        port_ = ntohs(a.sin_port);
    }
}

GdbWire::~GdbWire() {
    disconnect();
    if (listen_ >= 0) ::close(listen_);
}

bool GdbWire::accept(int wait_ms) {
    if (conn_ >= 0) return true;
    if (!wait_readable(listen_, wait_ms)) return false;
    conn_ = ::accept4(listen_, nullptr, nullptr, SOCK_CLOEXEC);
    if (conn_ < 0) return false;
    int one = 1;
    ::setsockopt(conn_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    in_.clear();
    no_ack_ = interrupt_ = false;
    return true;
}

void GdbWire::disconnect() {
    if (conn_ >= 0) ::close(conn_);
    conn_ = -1;
    in_.clear();
}

bool GdbWire::fill(int wait_ms) {
    if (conn_ < 0) return false;
    if (!wait_readable(conn_, wait_ms)) return true;
    char buf[16384];
    ssize_t n = ::recv(conn_, buf, sizeof buf, MSG_DONTWAIT);
    if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
        disconnect();
        return false;
    }
    if (n > 0) in_.append(buf, size_t(n));
    return true;
}

std::optional<std::string> GdbWire::take_packet() {
    for (;;) {
        // Acknowledgements and interrupts between packets.
        size_t i = 0;
        while (i < in_.size() && in_[i] != '$') {
            if (in_[i] == '\x03') interrupt_ = true;
            ++i;
        }
        in_.erase(0, i);
        if (in_.empty()) return std::nullopt;
        size_t hash = in_.find('#');
        if (hash == std::string::npos) {
            if (in_.size() > kMaxPacket) {  // never terminated: drop it and ask again
                in_.clear();
                if (!no_ack_) send_raw("-");
            }
            return std::nullopt;
        }
        if (in_.size() < hash + 3) return std::nullopt;
        const std::string raw = in_.substr(1, hash - 1);
        const std::string sum = in_.substr(hash + 1, 2);
        in_.erase(0, hash + 3);
        unsigned char c = 0;
        for (char ch : raw) c = static_cast<unsigned char>(c + static_cast<unsigned char>(ch));
        char* end = nullptr;
        const unsigned long want = std::strtoul(sum.c_str(), &end, 16);
        if (!no_ack_ && (end != sum.c_str() + 2 || want != c)) {
            send_raw("-");
            continue;
        }
        if (!no_ack_) send_raw("+");
        std::string payload;
        payload.reserve(raw.size());
        for (size_t k = 0; k < raw.size(); ++k) {
            if (raw[k] == '}' && k + 1 < raw.size()) payload.push_back(char(raw[++k] ^ 0x20));
            else payload.push_back(raw[k]);
        }
        return payload;
    }
}

std::optional<std::string> GdbWire::receive(int wait_ms) {
    if (auto p = take_packet()) return p;
    if (!fill(wait_ms)) return std::nullopt;
    return take_packet();
}

bool GdbWire::interrupted() {
    fill(0);
    // A Ctrl-C is only looked for outside packets: leave those for receive().
    size_t i = 0;
    while (i < in_.size() && in_[i] != '$') {
        if (in_[i] == '\x03') interrupt_ = true;
        ++i;
    }
    in_.erase(0, i);
    bool r = interrupt_;
    interrupt_ = false;
    return r;
}

void GdbWire::send(const std::string& payload) {
    std::string out = "$";
    unsigned char c = 0;
    for (char ch : payload) {
        if (ch == '$' || ch == '#' || ch == '}' || ch == '*') {
            out.push_back('}');
            ch = char(ch ^ 0x20);
            c = static_cast<unsigned char>(c + '}');
        }
        out.push_back(ch);
        c = static_cast<unsigned char>(c + static_cast<unsigned char>(ch));
    }
    static const char* const kHex = "0123456789abcdef";
    out.push_back('#');
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 15]);
    send_raw(out);
}

void GdbWire::send_raw(const std::string& bytes) {
    size_t off = 0;
    int stalls = 0;  // a debugger that stops reading for 10 s is dropped
    while (conn_ >= 0 && off < bytes.size()) {
        ssize_t n = ::send(conn_, bytes.data() + off, bytes.size() - off, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && errno == EAGAIN && ++stalls <= 10) { pollfd p{conn_, POLLOUT, 0}; ::poll(&p, 1, 1000); continue; }
        if (n <= 0) { disconnect(); return; }
        off += size_t(n);
    }
}

}  // namespace cli
