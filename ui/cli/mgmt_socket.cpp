#include "mgmt_socket.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

#include "options.hpp"

namespace cli {

namespace {
// Replies and events a client may leave unread before it is dropped.
constexpr size_t kMaxQueued = 16u << 20;

std::string err() { return std::strerror(errno); }
}  // namespace

MgmtAddress parse_mgmt_address(const std::string& spec) {
    MgmtAddress a;
    a.text = spec;
    if (spec.rfind("unix:", 0) == 0) {
        a.kind = MgmtAddress::Kind::Unix;
        a.path = spec.substr(5);
        if (a.path.empty()) throw UsageError("--mgmt unix:PATH: no path given");
        if (a.path.size() >= sizeof(sockaddr_un::sun_path))
            throw UsageError("--mgmt " + spec + ": the path is longer than a Unix socket's " +
                             std::to_string(sizeof(sockaddr_un::sun_path) - 1) + " characters");
        return a;
    }
    if (spec.rfind("tcp:", 0) == 0) {
        a.kind = MgmtAddress::Kind::Tcp;
        std::string rest = spec.substr(4);
        size_t colon = rest.rfind(':');
        if (colon == std::string::npos) throw UsageError("--mgmt " + spec + ": want tcp:127.0.0.1:PORT");
        std::string host = rest.substr(0, colon), port = rest.substr(colon + 1);
        if (host != "127.0.0.1" && host != "localhost")
            throw UsageError("--mgmt " + spec + ": the management socket listens on 127.0.0.1 only, not '" + host + "'");
        uint64_t p = parse_u64(port, "--mgmt tcp port");
        if (p > 65535) throw UsageError("--mgmt " + spec + ": port must be 0..65535");
        a.port = uint16_t(p);
        return a;
    }
    throw UsageError("--mgmt '" + spec + "': want unix:PATH or tcp:127.0.0.1:PORT");
}

MgmtSocket::MgmtSocket(const MgmtAddress& a) : addr_(a) {
    const std::string what = "--mgmt " + a.text + ": ";
    if (a.kind == MgmtAddress::Kind::Unix) {
        sockaddr_un sa{};
        sa.sun_family = AF_UNIX;
        std::memcpy(sa.sun_path, a.path.c_str(), a.path.size() + 1);
        struct stat st;
        if (::lstat(a.path.c_str(), &st) == 0) {
            if (!S_ISSOCK(st.st_mode)) throw UsageError(what + "'" + a.path + "' exists and is not a socket");
            // A socket file somebody still listens on is theirs; one nobody does is stale.
            int probe = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
            bool live = probe >= 0 && ::connect(probe, reinterpret_cast<sockaddr*>(&sa), sizeof sa) == 0;
            if (probe >= 0) ::close(probe);
            if (live) throw UsageError(what + "another program listens on '" + a.path + "'");
            ::unlink(a.path.c_str());
        }
        listen_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        if (listen_ < 0) throw UsageError(what + "socket: " + err());
        // Owner-only from the moment it exists: the socket controls the machine.
        mode_t old = ::umask(0077);
        int rc = ::bind(listen_, reinterpret_cast<sockaddr*>(&sa), sizeof sa);
        ::umask(old);
        if (rc == 0) rc = ::chmod(a.path.c_str(), 0600);
        if (rc < 0 || ::listen(listen_, 16) < 0) {
            std::string e = err();
            ::close(listen_);
            throw UsageError(what + "cannot listen on '" + a.path + "': " + e);
        }
        return;
    }
    listen_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (listen_ < 0) throw UsageError(what + "socket: " + err());
    int one = 1;
    ::setsockopt(listen_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_port = htons(a.port);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::bind(listen_, reinterpret_cast<sockaddr*>(&sa), sizeof sa) < 0 || ::listen(listen_, 16) < 0) {
        std::string e = err();
        ::close(listen_);
        throw UsageError(what + "cannot listen on port " + std::to_string(a.port) + ": " + e);
    }
    socklen_t len = sizeof sa;
    ::getsockname(listen_, reinterpret_cast<sockaddr*>(&sa), &len);
    addr_.port = ntohs(sa.sin_port);
}

MgmtSocket::~MgmtSocket() {
    for (auto& [id, c] : clients_) ::close(c.fd);
    if (listen_ >= 0) ::close(listen_);
    if (addr_.kind == MgmtAddress::Kind::Unix) ::unlink(addr_.path.c_str());
}

std::vector<int> MgmtSocket::clients() const {
    std::vector<int> v;
    for (const auto& [id, c] : clients_) v.push_back(id);
    return v;
}

void MgmtSocket::close_client(int client) {
    auto it = clients_.find(client);
    if (it == clients_.end()) return;
    ::close(it->second.fd);
    clients_.erase(it);
    dropped_.push_back(client);
}

void MgmtSocket::poll(const std::function<void(int)>& on_open, const std::function<void(int, std::string_view)>& on_data,
                      const std::function<void(int)>& on_close) {
    for (int id : dropped_) on_close(id);
    dropped_.clear();
    for (;;) {
        int fd = ::accept4(listen_, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
        if (fd < 0) break;
        if (addr_.kind == MgmtAddress::Kind::Tcp) {
            int one = 1;
            ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        }
        int id = next_id_++;
        clients_[id].fd = fd;
        on_open(id);
    }
    char buf[16384];
    for (int id : clients()) {
        auto it = clients_.find(id);
        if (it == clients_.end()) continue;
        // At most a few reads per client per poll, so one busy client cannot hold the machine up.
        for (int reads = 0; reads < 4; ++reads) {
            ssize_t n = ::recv(it->second.fd, buf, sizeof buf, MSG_DONTWAIT);
            if (n > 0) {
                on_data(id, std::string_view(buf, size_t(n)));
                it = clients_.find(id);  // on_data may have closed it
                if (it == clients_.end()) break;
                if (size_t(n) < sizeof buf) break;
                continue;
            }
            if (n < 0 && (errno == EAGAIN || errno == EINTR)) break;
            close_client(id);
            break;
        }
        if (clients_.count(id)) write_some(clients_[id]);
    }
    for (int id : dropped_) on_close(id);
    dropped_.clear();
}

void MgmtSocket::write_some(Client& c) {
    while (!c.out.empty()) {
        ssize_t n = ::send(c.fd, c.out.data(), c.out.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n > 0) {
            c.out.erase(0, size_t(n));
            continue;
        }
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && errno == EAGAIN) return;
        c.out.clear();  // the client is gone; the next poll notices
        return;
    }
}

void MgmtSocket::send(int client, const std::string& text) {
    auto it = clients_.find(client);
    if (it == clients_.end()) return;
    it->second.out += text;
    write_some(it->second);
    if (it->second.out.size() > kMaxQueued) close_client(client);
}

void MgmtSocket::flush(int wait_ms) {
    const auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(wait_ms);
    for (;;) {
        bool pending = false;
        for (auto& [id, c] : clients_) {
            write_some(c);
            pending = pending || !c.out.empty();
        }
        if (!pending || std::chrono::steady_clock::now() >= end) return;
        struct timespec ts = {0, 2'000'000};
        nanosleep(&ts, nullptr);
    }
}

}  // namespace cli
