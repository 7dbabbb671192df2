// The management controller outside every guest: `--mgmt ADDRESS` for run,
// hv and gui speaks a subset of QEMU's machine protocol (QMP), so existing
// QMP clients and scripts work:
//   the greeting, qmp_capabilities (required first, as QEMU does),
//   query-status, query-version, query-commands, stop, cont, system_reset,
//   system_powerdown, quit, and the events SHUTDOWN, RESET, STOP, RESUME and
//   POWERDOWN with QEMU's timestamps;
// and stepvisor's own commands, named in QEMU's style for vendor commands:
//   x-stepvisor-query-harts   each hart's state and counters
//   x-stepvisor-console       a UART's output from an offset (its ring), so a
//                             console can be watched without being its terminal
//   x-stepvisor-query-vms, x-stepvisor-vm-pause, -resume, -reset, -set-share,
//   x-stepvisor-vm-set-balloon: per-VM commands carried to the hypervisor
//                             through the management mailbox (hv/mgmt.h)
// Bad JSON, unknown commands and wrong arguments get QMP error objects; the
// connection stays. Replies to one client come in the order it asked.
//
// Served from the run loop: poll() between slices never waits.
#pragma once
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include <nlohmann/json_fwd.hpp>

#include "emu/machine.hpp"
#include "mgmt_socket.hpp"

namespace cli {

// --mgmt ADDRESS for run, hv and gui.
bool parse_mgmt_option(const std::vector<std::string>& args, size_t& i, std::optional<MgmtAddress>& out);
extern const char* const kMgmtOptionsHelp;

// What the front end lets the management socket do to its machine.
struct MgmtControl {
    std::function<emu::Machine&()> machine;  // the machine now (the GUI rebuilds it on reset)
    std::function<bool()> running;
    std::function<void()> stop, cont;
    std::function<void()> reset;  // power-on reset of the whole machine
    std::function<void()> quit;   // the front end ends after this poll
};

// Output of one UART kept for watchers: the last kCapacity bytes, by their
// offset in everything the UART ever sent.
class ConsoleRing {
public:
    static constexpr size_t kCapacity = 1u << 20;
    void push(uint8_t b);
    void skip(uint64_t n);  // n bytes passed that the ring never saw
    uint64_t total() const { return total_; }
    uint64_t oldest() const { return total_ - data_.size(); }
    std::string read(uint64_t from, size_t max) const;  // from >= oldest()
private:
    std::deque<char> data_;
    uint64_t total_ = 0;
};

class HvMailbox;

class QmpServer {
public:
    QmpServer(const MgmtAddress& a, MgmtControl control);
    ~QmpServer();
    const MgmtAddress& address() const { return sock_.address(); }

    // Accepts clients, answers what arrived and sends events; never waits.
    void poll();
    // The machine's console (UART0), byte by byte as it prints.
    void console_byte(uint8_t b) { rings_[0].push(b); }
    // The machine powered itself off: SHUTDOWN (guest) to every client,
    // written out before the front end exits.
    void guest_shutdown();
    // The run ended for another reason (a limit, Ctrl-A X): flushes what is queued.
    void closing();

private:
    struct Client;
    void on_open(int id);
    void on_data(int id, std::string_view bytes);
    void serve(Client& c);
    void execute(Client& c, const nlohmann::ordered_json& req);
    void send_json(int id, const std::string& text);
    void event(const std::string& name, const std::string& data_json = "");
    void watch_machine();  // guest resets, the second UART, and STOP/RESUME however they came
    void finish_pending(Client& c);

    MgmtSocket sock_;
    MgmtControl ctl_;
    std::map<int, std::unique_ptr<Client>> clients_;
    ConsoleRing rings_[2];  // UART0, the second UART (--demo-devices)
    emu::Machine* seen_machine_ = nullptr;
    uint64_t uart1_seen_ = 0;
    uint64_t resets_seen_ = 0;
    bool started_ = false, was_running_ = false;
    bool quitting_ = false;
    std::unique_ptr<HvMailbox> hv_;
};

}  // namespace cli
