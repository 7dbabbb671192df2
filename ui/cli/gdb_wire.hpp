// The GDB remote serial protocol's transport: a listening TCP socket on
// localhost, one debugger connection at a time, and packets framed as
// $payload#checksum with acknowledgements (until QStartNoAckMode) and
// Ctrl-C (0x03) as an out-of-band interrupt. Nothing here blocks longer
// than the wait a caller asks for.
#pragma once
#include <cstdint>
#include <optional>
#include <string>

namespace cli {

class GdbWire {
public:
    // Listens on 127.0.0.1:port; UsageError when the port cannot be bound.
    explicit GdbWire(uint16_t port);
    ~GdbWire();
    GdbWire(const GdbWire&) = delete;
    GdbWire& operator=(const GdbWire&) = delete;

    uint16_t port() const { return port_; }
    bool connected() const { return conn_ >= 0; }
    // Waits up to wait_ms for a debugger to connect; true when one is connected.
    bool accept(int wait_ms);
    void disconnect();

    // The next complete packet's payload (escapes undone), waiting up to
    // wait_ms for one. A packet whose checksum is wrong is refused with '-'
    // (gdb sends it again) and not returned.
    std::optional<std::string> receive(int wait_ms);
    // Whether Ctrl-C arrived since the last call (read without waiting).
    bool interrupted();
    void send(const std::string& payload);
    void set_no_ack() { no_ack_ = true; }

private:
    bool fill(int wait_ms);  // reads what arrived; false when the connection closed
    std::optional<std::string> take_packet();
    void send_raw(const std::string& bytes);

    uint16_t port_;
    int listen_ = -1, conn_ = -1;
    std::string in_;
    bool no_ack_ = false, interrupt_ = false;
};

}  // namespace cli
