// Lecture row 10, out-of-band management: four VMs under hv on two harts.
// "web" and "db" beat every 5 ms (firmware/guests/beat.c); "stuck" beats too
// until, after its sixth beat, it turns interrupts off and spins (hang.c); "chatty"
// floods its console (flood.c). A management client outside every guest, a
// script of this scenario that speaks QMP over the same --mgmt socket a user
// would (a Unix socket of its own), watches the consoles through
// x-stepvisor-console and the VMs' counters through x-stepvisor-query-vms:
// a VM whose SBI calls and console stall while its time in the guest grows
// has hung, and it resets that VM (x-stepvisor-vm-reset, through the
// management mailbox only hv sees); a VM whose console grows faster than a
// budget gets its CPU share lowered. Then it power-cycles the whole machine
// (system_reset), waits for every VM to beat again and presses the power
// button (system_powerdown). Figures: time to detect, time to recover, the
// flood before and after, console output kept per VM (what the client saw
// against what hv printed).
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>

#include "ui/cli/qmp.hpp"
#include "ui/scenarios/hv_setup.hpp"
#include "ui/scenarios/scenario.hpp"

namespace scen {
namespace {

using namespace hvsetup;
using json = nlohmann::json;

constexpr uint64_t kMs = 1'000'000;             // cycles in a millisecond (the 1 GHz cycle model)
constexpr uint64_t kPollEvery = 1 * kMs;        // the client looks this often
constexpr uint64_t kHungAfter = 10 * kMs;       // counters still this long while it ran: hung
constexpr uint64_t kRanAtLeast = 3'000;         // ... and it had at least this much hart time (us)
constexpr uint64_t kFloodBytesPerMs = 1000;     // a console faster than this is flooding
constexpr int kLoweredShare = 10;
constexpr const char* kNames[] = {"web", "db", "stuck", "chatty"};

// The client's end of the socket: JSON lines out, lines in, never waiting.
class Client {
public:
    explicit Client(const std::string& path) {
        fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_un sa{};
        sa.sun_family = AF_UNIX;
        std::snprintf(sa.sun_path, sizeof sa.sun_path, "%s", path.c_str());
        if (fd_ < 0 || ::connect(fd_, reinterpret_cast<sockaddr*>(&sa), sizeof sa) < 0)
            throw std::runtime_error("cannot connect to the management socket " + path);
    }
    ~Client() { if (fd_ >= 0) ::close(fd_); }
    void send(const json& j) {
        std::string t = j.dump() + "\n";
        for (size_t off = 0; off < t.size();) {
            ssize_t n = ::send(fd_, t.data() + off, t.size() - off, MSG_NOSIGNAL);
            if (n <= 0) throw std::runtime_error("the management socket closed");
            off += size_t(n);
        }
    }
    // The messages that arrived.
    std::vector<json> receive() {
        char buf[65536];
        for (;;) {
            ssize_t n = ::recv(fd_, buf, sizeof buf, MSG_DONTWAIT);
            if (n <= 0) break;
            in_.append(buf, size_t(n));
        }
        std::vector<json> out;
        for (size_t nl; (nl = in_.find('\n')) != std::string::npos;) {
            out.push_back(json::parse(in_.substr(0, nl)));
            in_.erase(0, nl + 1);
        }
        return out;
    }

private:
    int fd_ = -1;
    std::string in_;
};

// Each VM's console as the client saw it, line by line, split by hv's labels.
struct Watched {
    std::vector<std::string> lines;
    uint64_t bytes = 0;
};

class OobManagement : public Scenario {
public:
    ~OobManagement() override {
        server_.reset();
        if (!dir_.empty()) std::filesystem::remove_all(dir_);
    }
    std::string name() const override { return "oob-management"; }
    std::string summary() const override {
        return "a management client outside every guest finds a hung VM by its stalled counters, resets it, "
               "throttles a flooding one and power-cycles the machine";
    }
    std::string intro() const override {
        return "Two harts, four VMs under hv. web and db beat every 5 ms; stuck beats too, until after its\n"
               "sixth beat it turns its interrupts off and spins; chatty floods its console. Nothing inside\n"
               "a guest can help: stuck's own kernel no longer runs. Outside every guest a management client, as a\n"
               "server's management controller would be, speaks QMP to stepvisor's --mgmt socket: it reads\n"
               "the machine's console from an offset (x-stepvisor-console) and each VM's counters from hv\n"
               "(x-stepvisor-query-vms, carried through the management mailbox that only hv maps). A VM\n"
               "that makes no SBI call and prints nothing for 10 ms while it keeps getting hart time has\n"
               "hung: the client resets it. A console growing faster than 1 KB a millisecond is a flood:\n"
               "the client lowers that VM's CPU share to 10%. Then it power-cycles the whole machine.";
    }
    std::unique_ptr<emu::Machine> build(emu::MachineConfig cfg) const override {
        cfg.mgmt_mailbox = true;
        HvSetup s;
        s.harts = 2;
        s.vms = {guest("beat", "web"), guest("beat", "db"), guest("hang", "stuck"), guest("flood", "chatty", 4 * hvtable::kMiB, 1, 50)};
        return build_hv_machine(cfg, s);
    }
    uint64_t budget() const override { return 1'500'000'000; }
    std::vector<Step> steps() const override {
        return {
            {"vms-up", "four VMs run on two harts", Condition::console("running on 2 hart(s)"),
             "hv created web, db, stuck and chatty and found the management mailbox in the machine's\n"
             "device tree: a device in no VM's G-stage, whose interrupt only hv takes. The client\n"
             "connected to the socket and negotiated QMP."},
            {"flood-throttled", "the client lowers chatty's share", Condition::console("CPU share set to 10%"),
             "chatty's console grew faster than the client's budget: it sent x-stepvisor-vm-set-share;\n"
             "the request went into the mailbox, hv took its interrupt and capped chatty's vCPU at 10%\n"
             "of a hart. Its flood slows; the other VMs' beats go on."},
            {"hang", "stuck hangs with interrupts off", Condition::console("hang: interrupts off, spinning"),
             "stuck's kernel turned sstatus.SIE off and spins. Its timer interrupt never reaches it again;\n"
             "it makes no SBI call and prints nothing. hv still takes the hart back every slice (its own\n"
             "timer is an HS-level interrupt, which VS-mode cannot mask), so the others run on."},
            {"detected-reset", "the client sees the stalled counters and resets stuck",
             Condition::console("vm2 reset by the management controller"),
             "10 ms of its hart time without an SBI call or a byte of output: the client sent\n"
             "x-stepvisor-vm-reset. hv waited until stuck's vCPU was off its hart, cleared its RAM,\n"
             "wrote its image and device tree again and started vCPU 0 at the entry."},
            {"recovered", "stuck beats again", Condition::console("[vm2] beat 1"),
             "The VM's kernel booted again and its first beat came: the management client sees it in\n"
             "the console ring, and the counters move again."},
            {"power-cycle", "the client power-cycles the machine", Condition::console("stepvisor hv: hart 0"),
             "system_reset: every hart back at the boot ROM, the firmware and hv start over (a RESET\n"
             "event went to the client). The client's console offsets go on: nothing it read is lost."},
            {"back", "every VM beats again", Condition::console("[vm1] beat 3"),
             "hv created the four VMs again; the client waited for every VM's beats."},
            {"powered-down", "the client presses the power button", Condition::halted(),
             "system_powerdown: under hv it is hv's power button: hv stopped every VM and powered the\n"
             "machine off; the client got SHUTDOWN from the guest side."},
        };
    }

    void between(emu::Machine& m, const std::string& console) override {
        m_ = &m;
        if (!server_) start();
        for (; fed_ < console.size(); ++fed_) server_->console_byte(uint8_t(console[fed_]));
        server_->poll();
        if (m.halted() && !shutdown_told_) {
            shutdown_told_ = true;
            server_->guest_shutdown();
        }
        for (json& msg : client_->receive()) handle(m, msg);
        server_->poll();
        if (!waiting_ && m.cycles_since_power_on() >= next_poll_) {
            next_poll_ = m.cycles_since_power_on() + kPollEvery;
            ask();
        }
    }

    std::vector<Figure> figures(const RunView& run) override {
        if (client_)
            for (json& msg : client_->receive()) handle(run.machine, msg);
        FigureList list;
        const char* t = "time (guest time on the 1 GHz cycle model)";
        const uint64_t hang_at = line_cycle(run, "hang: interrupts off, spinning", 0);
        const uint64_t back_at = reset_sent_ ? line_cycle(run, "[vm2] beat 1", reset_at_offset(run)) : 0;
        auto ms = [](uint64_t c) { return double(c) / double(kMs); };
        list.add(t, "hang.at_ms", "stuck hung at", ms(hang_at), "ms");
        list.add(t, "detect_ms", "  time to detect (hang to the client's reset)", detected_ ? ms(detected_ - hang_at) : -1.0, "ms");
        list.add(t, "recover_ms", "  time to recover (reset to its first beat)", back_at ? ms(back_at - detected_) : -1.0, "ms");
        list.add(t, "outage_ms", "  stuck's outage (hang to its first beat)", back_at ? ms(back_at - hang_at) : -1.0, "ms");
        list.add(t, "power_cycle_ms", "power cycle: system_reset to every VM beating", cycled_back_ ? ms(cycled_back_ - cycled_) : -1.0, "ms");

        const char* f = "chatty's flood (console bytes a millisecond, as the client measured)";
        list.add(f, "flood.before", "at its asked share, 50%", flood_before_, "B/ms");
        list.add(f, "flood.after", "after the client set 10%", flood_after_, "B/ms");
        list.add(f, "flood.share_after", "the share hv reported after", int64_t(share_after_), "%");

        // Every line hv printed for each VM up to the power cycle, against what
        // the client saw in the console ring.
        const char* k = "console output kept per VM (up to the power cycle)";
        // Whole lines only: the client had read up to cycle_offset_ when it power-cycled.
        const size_t upto = cycle_offset_ ? cycle_offset_ : run.console.size();
        const size_t cut = upto ? run.console.rfind('\n', upto - 1) : std::string::npos;
        const std::string first_boot = run.console.substr(0, cut == std::string::npos ? 0 : cut + 1);
        int64_t lost_total = 0;
        const std::vector<VmInfo> vms = parse_vms(first_boot);
        for (unsigned i = 0; i < 4; ++i) {
            const std::string label = "[vm" + std::to_string(i) + "] ";
            std::vector<std::string> printed;
            for (const VmInfo& v : vms)
                if (v.index == i)
                    for (size_t at = 0, nl; (nl = v.console.find('\n', at)) != std::string::npos; at = nl + 1)
                        printed.push_back(v.console.substr(at, nl - at));
            const auto& seen = watched_[i].lines;
            size_t n = std::min(printed.size(), seen.size());
            int64_t same = 0;
            for (size_t j = 0; j < n; ++j) same += printed[j] == seen[j];
            const std::string key = std::string("kept.") + kNames[i];
            list.add(k, key + ".printed", label + kNames[i] + ": lines hv printed", int64_t(printed.size()));
            list.add(k, key + ".seen", "  lines the client saw, in order", same);
            if (i < 2) {
                int64_t gaps = beat_gaps(printed);
                lost_total += gaps;
                list.add(k, key + ".beat_gaps", "  beats missing from its sequence", gaps);
            }
        }
        list.add(k, "kept.beats_lost", "beats web and db lost", lost_total);

        const char* q = "the management client";
        list.add(q, "qmp.requests", "QMP requests sent", int64_t(requests_));
        list.add(q, "qmp.errors", "  answered with an error (hv not serving yet, after the power cycle)", int64_t(errors_));
        list.add(q, "qmp.events", "  events received", int64_t(events_.size()));
        std::string ev;
        for (const auto& e : events_) ev += (ev.empty() ? "" : " ") + e;
        list.add(q, "qmp.event_names", "  which", ev);
        list.add(q, "hv.boots", "hv boots seen", int64_t(count(run.console, "stepvisor hv: hart 0")));
        return list.take();
    }

    std::vector<Check> checks(const std::vector<Figure>& f, const RunView& run) override {
        auto n = [&](const char* key) { return number(f, key); };
        std::vector<Check> c;
        c.push_back({"the hang was detected by stalled counters within 20 ms", n("detect_ms") >= 10 && n("detect_ms") <= 20, ""});
        c.push_back({"stuck beat again after its reset, within 10 ms", n("recover_ms") > 0 && n("recover_ms") <= 10, ""});
        c.push_back({"chatty's share was lowered and its flood slowed to less than half",
                     n("flood.share_after") == kLoweredShare && n("flood.after") > 0 && n("flood.after") < n("flood.before") / 2, ""});
        bool kept = n("kept.beats_lost") == 0;
        for (unsigned i = 0; i < 2; ++i) {
            std::string k = std::string("kept.") + kNames[i];
            kept = kept && n((k + ".printed").c_str()) >= 10 && n((k + ".seen").c_str()) == n((k + ".printed").c_str());
        }
        c.push_back({"web and db lost no console output: every beat in order, all seen by the client", kept, ""});
        c.push_back({"the client saw every line of stuck and chatty too",
                     n("kept.stuck.seen") == n("kept.stuck.printed") && n("kept.chatty.seen") == n("kept.chatty.printed"), ""});
        c.push_back({"the machine was power-cycled and every VM came back", n("hv.boots") == 2 && n("power_cycle_ms") > 0, ""});
        auto ev = std::get<std::string>(figure(f, "qmp.event_names"));
        c.push_back({"the client got RESET, POWERDOWN and SHUTDOWN", ev == "RESET POWERDOWN SHUTDOWN", ev});
        c.push_back({"the machine powered off at the client's request", run.halted && run.machine.exit_code() == 0, ""});
        return c;
    }

private:
    enum class Phase { Watch, Cycled, Down };

    void start() {
        // A directory of its own (0700, as mkdtemp makes it) for the socket.
        const char* base = std::getenv("TMPDIR");
        std::string t = std::string(base && *base ? base : "/tmp") + "/stepvisor-oob-XXXXXX";
        std::vector<char> buf(t.begin(), t.end());
        buf.push_back(0);
        if (!::mkdtemp(buf.data())) throw std::runtime_error("cannot make a directory for the management socket in " + t);
        dir_ = buf.data();
        cli::MgmtAddress a = cli::parse_mgmt_address("unix:" + dir_ + "/mgmt.sock");
        server_ = std::make_unique<cli::QmpServer>(a, cli::MgmtControl{
            [this]() -> emu::Machine& { return *m_; },
            [] { return true; },
            [] {},
            [] {},
            [this] { m_->reset(); },
            [] {},
        });
        client_ = std::make_unique<Client>(a.path);
        server_->poll();
        send({{"execute", "qmp_capabilities"}});
    }

    void send(const json& j) {
        client_->send(j);
        ++requests_;
        waiting_ = true;
    }

    // The next request of the script.
    void ask() {
        if (phase_ == Phase::Down) return;
        if (console_behind_) {
            send({{"execute", "x-stepvisor-console"}, {"arguments", {{"offset", offset_}, {"max-bytes", 65536}}}});
            return;
        }
        console_behind_ = true;  // after this look at the VMs, catch up with the console
        send({{"execute", "x-stepvisor-query-vms"}});
    }

    void handle(emu::Machine& m, const json& msg) {
        if (msg.contains("event")) {
            events_.push_back(msg["event"].get<std::string>());
            return;
        }
        waiting_ = false;
        if (msg.contains("error")) {
            ++errors_;
            return;
        }
        const json& r = msg["return"];
        if (r.is_object() && r.contains("data")) {
            console(m, r);
            return;
        }
        if (r.is_array()) vms(m, r);
    }

    void console(emu::Machine& m, const json& r) {
        const std::string data = r["data"].get<std::string>();
        offset_ = r["next"].get<uint64_t>();
        for (char ch : data) {
            if (ch == '\r') continue;
            if (ch != '\n') { line_ += ch; continue; }
            static const std::regex label(R"(^\[vm(\d)\] )");
            std::smatch mt;
            if (std::regex_search(line_, mt, label)) {
                unsigned k = unsigned(std::stoul(mt[1]));
                if (k < 4 && phase_ == Phase::Watch) {
                    watched_[k].lines.push_back(line_.substr(mt.length(0)));
                    watched_[k].bytes += line_.size() - size_t(mt.length(0)) + 1;
                }
                // Back after the power cycle: web and db at their third beat, stuck at its first, chatty printing.
                const std::string text = line_.substr(size_t(mt.length(0)));
                if (phase_ == Phase::Cycled && k < 4 &&
                    text == (k < 2 ? "beat 3" : k == 2 ? "beat 1" : "flood 1 ................................................"))
                    back_.insert(k);
            }
            line_.clear();
        }
        console_behind_ = data.size() == 65536;
        if (!console_behind_) next_poll_ = std::min(next_poll_, m.cycles_since_power_on() + kPollEvery);
        if (phase_ == Phase::Cycled && back_.size() == 4 && !cycled_back_) {
            cycled_back_ = m.cycles_since_power_on();
            phase_ = Phase::Down;
            send({{"execute", "system_powerdown"}});
        }
    }

    void vms(emu::Machine& m, const json& list) {
        const uint64_t now = m.cycles_since_power_on();
        if (phase_ != Phase::Watch) return;
        for (const json& v : list) {
            const unsigned k = v["vm"].get<unsigned>();
            if (k >= 4) continue;
            Sample s{now, v["run-us"].get<uint64_t>(), v["sbi-calls"].get<uint64_t>(), v["console-bytes"].get<uint64_t>()};
            Sample& last = progress_[k];  // the last time its counters moved
            if (!last.cycle || s.sbi != last.sbi || s.bytes != last.bytes) {
                last = s;
            } else if (now - last.cycle >= kHungAfter && s.run_us - last.run_us >= kRanAtLeast && !reset_sent_ &&
                       v["state"] == "running") {
                detected_ = now;
                reset_sent_ = true;
                send({{"execute", "x-stepvisor-vm-reset"}, {"arguments", {{"vm", k}}}});
                return;
            }
            // The flood: console bytes over the last 5 ms of guest time.
            Sample& w = window_[k];
            if (!w.cycle) w = s;
            if (now - w.cycle >= 5 * kMs) {
                double rate = double(s.bytes - w.bytes) / (double(now - w.cycle) / double(kMs));
                if (k == 3 && !throttled_ && rate > kFloodBytesPerMs) {
                    flood_before_ = rate;
                    throttled_ = true;
                    throttled_at_ = now;
                    send({{"execute", "x-stepvisor-vm-set-share"}, {"arguments", {{"vm", k}, {"share", kLoweredShare}}}});
                    w = s;
                    return;
                }
                if (k == 3 && throttled_ && flood_after_ == 0 && now - throttled_at_ >= 10 * kMs) {
                    flood_after_ = rate;
                    share_after_ = v["share"].get<int>();
                }
                w = s;
            }
        }
        // Once stuck beats again (its SBI calls move after the reset) and 10 ms
        // have passed, the power cycle.
        if (reset_sent_ && flood_after_ > 0 && list.size() > 2 && list[2]["resets"].get<int>() == 1 &&
            list[2]["sbi-calls"].get<uint64_t>() > 5 && now - detected_ >= 20 * kMs) {
            phase_ = Phase::Cycled;
            cycled_ = now;
            cycle_offset_ = offset_;
            send({{"execute", "system_reset"}});
        }
    }

    static int64_t beat_gaps(const std::vector<std::string>& lines) {
        int64_t gaps = 0;
        unsigned long last = 0;
        for (const auto& l : lines) {
            unsigned long b;
            if (std::sscanf(l.c_str(), "beat %lu", &b) != 1) continue;
            if (b != last + 1) gaps += b > last ? int64_t(b - last - 1) : 1;
            last = b;
        }
        return gaps;
    }
    static size_t count(const std::string& s, const std::string& what) {
        size_t n = 0;
        for (size_t p = s.find(what); p != std::string::npos; p = s.find(what, p + 1)) ++n;
        return n;
    }
    // The cycle the console line holding `text` (first at or after `from`) was finished.
    static uint64_t line_cycle(const RunView& run, const std::string& text, size_t from) {
        size_t at = run.console.find(text, from);
        return at == std::string::npos ? 0 : run.line_cycle(at);
    }
    size_t reset_at_offset(const RunView& run) const {
        size_t at = run.console.find("vm2 reset by the management controller");
        return at == std::string::npos ? 0 : at;
    }

    struct Sample {
        uint64_t cycle = 0, run_us = 0, sbi = 0, bytes = 0;
    };
    emu::Machine* m_ = nullptr;
    std::string dir_;
    std::unique_ptr<cli::QmpServer> server_;
    std::unique_ptr<Client> client_;
    size_t fed_ = 0;
    Phase phase_ = Phase::Watch;
    bool waiting_ = false, console_behind_ = true, shutdown_told_ = false;
    uint64_t next_poll_ = 0, offset_ = 0;
    std::string line_;
    Watched watched_[4];
    Sample progress_[4], window_[4];
    bool reset_sent_ = false, throttled_ = false;
    uint64_t detected_ = 0, throttled_at_ = 0, cycled_ = 0, cycled_back_ = 0;
    size_t cycle_offset_ = 0;
    double flood_before_ = 0, flood_after_ = 0;
    int share_after_ = 0;
    std::set<unsigned> back_;
    std::vector<std::string> events_;
    uint64_t requests_ = 0, errors_ = 0;
};

}  // namespace

std::unique_ptr<Scenario> make_oob_management() { return std::make_unique<OobManagement>(); }

}  // namespace scen
