// The management socket's transport: `--mgmt unix:PATH` or
// `--mgmt tcp:127.0.0.1:PORT`, many clients at once, every socket
// non-blocking. Nothing here waits unless asked to: the machine's run loop
// calls poll() between slices, and a client that reads nothing while its
// replies pile up is dropped rather than ever stalling the machine.
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace cli {

struct MgmtAddress {
    enum class Kind { Unix, Tcp } kind = Kind::Unix;
    std::string path;   // Unix
    uint16_t port = 0;  // Tcp (0: any free port)
    std::string text;   // as given
};
// "unix:PATH" or "tcp:127.0.0.1:PORT" (also tcp:localhost:PORT); UsageError otherwise.
MgmtAddress parse_mgmt_address(const std::string& spec);

class MgmtSocket {
public:
    // Listens: a Unix socket is created owner-only (0600) and replaces a
    // stale socket file nobody listens on; UsageError when it cannot.
    explicit MgmtSocket(const MgmtAddress& a);
    ~MgmtSocket();
    MgmtSocket(const MgmtSocket&) = delete;
    MgmtSocket& operator=(const MgmtSocket&) = delete;

    const MgmtAddress& address() const { return addr_; }
    uint16_t port() const { return addr_.port; }  // Tcp: the port bound

    // Accepts clients and reads what arrived, without waiting: on_open for
    // each new client, on_data with its bytes, on_close when it went away.
    void poll(const std::function<void(int)>& on_open, const std::function<void(int, std::string_view)>& on_data,
              const std::function<void(int)>& on_close);
    // Queues text for a client and writes what the socket takes now.
    void send(int client, const std::string& text);
    // Writes queued output, waiting up to wait_ms in all (before exiting).
    void flush(int wait_ms);
    void close_client(int client);
    std::vector<int> clients() const;

private:
    struct Client {
        int fd = -1;
        std::string out;
    };
    void write_some(Client& c);

    MgmtAddress addr_;
    int listen_ = -1;
    int next_id_ = 1;
    std::map<int, Client> clients_;
    std::vector<int> dropped_;  // closed while writing; reported by the next poll
};

}  // namespace cli
