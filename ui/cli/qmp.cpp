#include "qmp.hpp"

#include <sys/time.h>

#include <cctype>
#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>

#include "devices/mgmt_mailbox.hpp"
#include "hv/mgmt.h"
#include "mgmt_hv.hpp"
#include "options.hpp"

namespace cli {

using json = nlohmann::ordered_json;

const char* const kMgmtOptionsHelp =
    "management:\n"
    "  --mgmt unix:PATH       a management socket speaking QEMU's QMP (owner-only, a stale\n"
    "  --mgmt tcp:127.0.0.1:PORT  socket file replaced): status, stop, cont, system_reset, quit,\n"
    "                       events, each hart's state, a UART's output from an offset, and\n"
    "                       under hv per-VM commands (x-stepvisor-query-vms, x-stepvisor-vm-*)\n";

bool parse_mgmt_option(const std::vector<std::string>& args, size_t& i, std::optional<MgmtAddress>& out) {
    if (args[i] != "--mgmt") return false;
    out = parse_mgmt_address(value_of(args, i));
    return true;
}

// ---------------------------------------------------------------- the console ring

void ConsoleRing::push(uint8_t b) {
    data_.push_back(char(b));
    if (data_.size() > kCapacity) data_.pop_front();
    ++total_;
}

void ConsoleRing::skip(uint64_t n) {
    data_.clear();
    total_ += n;
}

std::string ConsoleRing::read(uint64_t from, size_t max) const {
    if (from < oldest()) from = oldest();
    if (from >= total_) return {};
    size_t at = size_t(from - oldest()), n = std::min<size_t>(max, data_.size() - at);
    return std::string(data_.begin() + std::ptrdiff_t(at), data_.begin() + std::ptrdiff_t(at + n));
}

// ---------------------------------------------------------------- JSON texts

namespace {

// QEMU's way of writing JSON: ", " and ": " as separators, non-ASCII as \u escapes.
std::string text_of(const json& j) {
    if (j.is_object()) {
        if (j.empty()) return "{}";
        std::string s = "{";
        bool first = true;
        for (auto it = j.begin(); it != j.end(); ++it) {
            s += first ? "" : ", ";
            first = false;
            s += json(it.key()).dump(-1, ' ', true, json::error_handler_t::replace) + ": " + text_of(it.value());
        }
        return s + "}";
    }
    if (j.is_array()) {
        if (j.empty()) return "[]";
        std::string s = "[";
        for (size_t i = 0; i < j.size(); ++i) s += (i ? ", " : "") + text_of(j[i]);
        return s + "]";
    }
    return j.dump(-1, ' ', true, json::error_handler_t::replace);
}

// Splits a byte stream into JSON texts as QEMU's streamer does: an object or
// array ends where its brackets balance (outside strings); a bare word or
// number at the top level ends at white space.
class JsonSplitter {
public:
    static constexpr size_t kMaxText = 1u << 20;
    template <typename F> void feed(std::string_view bytes, F&& emit) {
        for (char c : bytes) {
            if (in_string_) {
                cur_ += c;
                if (escape_) escape_ = false;
                else if (c == '\\') escape_ = true;
                else if (c == '"') {
                    in_string_ = false;
                    if (depth_ == 0) take(emit);
                }
            } else if (c == '"') {
                cur_ += c;
                in_string_ = true;
            } else if (c == '{' || c == '[') {
                if (depth_ == 0 && !cur_.empty()) take(emit);  // a bare word before it
                cur_ += c;
                ++depth_;
            } else if (c == '}' || c == ']') {
                cur_ += c;
                if (depth_ > 0) --depth_;
                if (depth_ == 0) take(emit);
            } else if (depth_ == 0 && std::isspace(static_cast<unsigned char>(c))) {
                if (!cur_.empty()) take(emit);
            } else {
                cur_ += c;
            }
            if (cur_.size() > kMaxText) {
                cur_.clear();
                depth_ = 0;
                in_string_ = escape_ = false;
                emit(std::string(), true);
            }
        }
    }

private:
    template <typename F> void take(F&& emit) {
        std::string t = std::move(cur_);
        cur_.clear();
        emit(t, false);
    }
    std::string cur_;
    unsigned depth_ = 0;
    bool in_string_ = false, escape_ = false;
};

json error_obj(const std::string& cls, const std::string& desc) {
    json e = json::object();
    e["class"] = cls;
    e["desc"] = desc;
    return e;
}

// A command's arguments, checked as QEMU's generated visitors check them.
class Args {
public:
    explicit Args(const json& a) : a_(a) {}
    std::string error;
    bool ok() const { return error.empty(); }
    // An integer argument: nullopt when absent (and error set when required or mistyped).
    std::optional<int64_t> integer(const char* name, bool required) {
        used_.push_back(name);
        if (!error.empty()) return std::nullopt;
        auto it = a_.find(name);
        if (it == a_.end()) {
            if (required) error = std::string("Parameter '") + name + "' is missing";
            return std::nullopt;
        }
        if (!it->is_number_integer()) {
            error = std::string("Invalid parameter type for '") + name + "', expected: integer";
            return std::nullopt;
        }
        return it->get<int64_t>();
    }
    // Nothing else given (checked last, as QEMU does).
    bool done() {
        if (!error.empty()) return false;
        for (auto it = a_.begin(); it != a_.end(); ++it)
            if (std::find(used_.begin(), used_.end(), it.key()) == used_.end()) {
                error = "Parameter '" + it.key() + "' is unexpected";
                return false;
            }
        return true;
    }

private:
    const json& a_;
    std::vector<std::string> used_;
};

const char* const kCommands[] = {
    "qmp_capabilities", "query-status", "query-version", "query-commands", "stop", "cont", "system_reset",
    "system_powerdown", "quit", "x-stepvisor-query-harts", "x-stepvisor-console",
};

}  // namespace

// ---------------------------------------------------------------- the server

struct QmpServer::Client {
    int id = 0;
    bool negotiated = false;
    JsonSplitter splitter;
    struct Text {
        std::optional<json> value;
        std::string error;  // a parse error's description
    };
    std::deque<Text> texts;
    // A per-VM command hv has not answered yet: nothing more of this
    // client's is answered before it.
    struct Pending {
        std::optional<json> id;
        std::chrono::steady_clock::time_point since;
    };
    std::optional<Pending> pending;
};

QmpServer::QmpServer(const MgmtAddress& a, MgmtControl control)
    : sock_(a), ctl_(std::move(control)), hv_(std::make_unique<HvMailbox>()) {}

QmpServer::~QmpServer() = default;

void QmpServer::send_json(int id, const std::string& text) { sock_.send(id, text + "\r\n"); }

void QmpServer::event(const std::string& name, const std::string& data_json) {
    struct timeval tv;
    gettimeofday(&tv, nullptr);
    std::string t = "{\"timestamp\": {\"seconds\": " + std::to_string(tv.tv_sec) +
                    ", \"microseconds\": " + std::to_string(tv.tv_usec) + "}, \"event\": \"" + name + "\"";
    if (!data_json.empty()) t += ", \"data\": " + data_json;
    t += "}";
    // Events go to clients past capabilities negotiation, as QEMU sends them.
    for (auto& [id, c] : clients_)
        if (c->negotiated) send_json(id, t);
}

void QmpServer::on_open(int id) {
    auto c = std::make_unique<Client>();
    c->id = id;
    clients_[id] = std::move(c);
    send_json(id, "{\"QMP\": {\"version\": {\"qemu\": {\"micro\": 0, \"minor\": 1, \"major\": 0}, \"package\": "
                  "\"stepvisor 0.1.0\"}, \"capabilities\": []}}");
}

void QmpServer::on_data(int id, std::string_view bytes) {
    Client& c = *clients_.at(id);
    c.splitter.feed(bytes, [&](const std::string& text, bool too_long) {
        Client::Text t;
        if (too_long) {
            t.error = "JSON parse error, a text longer than 1 MiB";
        } else {
            try {
                t.value = json::parse(text);
            } catch (const json::parse_error& e) {
                std::string w = e.what();
                size_t at = w.find("] ");
                t.error = "JSON parse error, " + (at == std::string::npos ? w : w.substr(at + 2));
            }
        }
        c.texts.push_back(std::move(t));
    });
}

void QmpServer::poll() {
    watch_machine();
    sock_.poll([this](int id) { on_open(id); }, [this](int id, std::string_view b) { on_data(id, b); },
               [this](int id) { clients_.erase(id); });
    for (auto& [id, c] : clients_) {
        if (c->pending) finish_pending(*c);
        serve(*c);
    }
    watch_machine();
}

void QmpServer::watch_machine() {
    emu::Machine& m = ctl_.machine();
    if (&m != seen_machine_) {  // a new machine (the GUI rebuilt it)
        seen_machine_ = &m;
        uart1_seen_ = 0;
        resets_seen_ = m.events().count(emu::EventKind::Reset);
    }
    // The second UART keeps only its tail: what came since the last look, as far as it still holds.
    const uint64_t sent = m.uart1_sent();
    if (sent < uart1_seen_) uart1_seen_ = 0;
    if (sent > uart1_seen_) {
        const std::string_view tail = m.uart1_output();
        const uint64_t fresh = sent - uart1_seen_;
        if (fresh > tail.size()) rings_[1].skip(fresh - tail.size());
        for (char ch : tail.substr(tail.size() - std::min<uint64_t>(fresh, tail.size()))) rings_[1].push(uint8_t(ch));
        uart1_seen_ = sent;
    }
    const uint64_t resets = m.events().count(emu::EventKind::Reset);
    if (resets != resets_seen_) {
        resets_seen_ = resets;
        event("RESET", "{\"guest\": true, \"reason\": \"guest-reset\"}");
    }
    const bool running = ctl_.running();
    if (!started_) {
        started_ = true;
        was_running_ = running;
    }
    if (running != was_running_) {
        was_running_ = running;
        // A machine that powered itself off gets SHUTDOWN (guest_shutdown), not STOP.
        if (!m.halted()) event(running ? "RESUME" : "STOP");
    }
}

void QmpServer::serve(Client& c) {
    while (!c.pending && !c.texts.empty() && clients_.count(c.id)) {
        // hv takes one request at a time: a client's per-VM command waits its turn.
        const Client::Text& t = c.texts.front();
        if (hv_->waiting() && t.value && t.value->is_object()) {
            auto e = t.value->find("execute");
            if (e != t.value->end() && e->is_string() && HvMailbox::handles(e->get<std::string>())) return;
        }
        Client::Text text = std::move(c.texts.front());
        c.texts.pop_front();
        if (!text.value) {
            send_json(c.id, text_of(json{{"error", error_obj("GenericError", text.error)}}));
            continue;
        }
        execute(c, *text.value);
    }
}

void QmpServer::finish_pending(Client& c) {
    const double waited = std::chrono::duration<double>(std::chrono::steady_clock::now() - c.pending->since).count();
    auto a = hv_->answer(ctl_.machine(), waited);
    if (!a) return;
    json r = json::object();
    if (a->first) {
        r["return"] = json::parse(a->second);
        if (c.pending->id) r["id"] = *c.pending->id;
    } else {
        if (c.pending->id) r["id"] = *c.pending->id;
        r["error"] = error_obj("GenericError", a->second);
    }
    c.pending.reset();
    send_json(c.id, text_of(r));
}

void QmpServer::execute(Client& c, const json& req) {
    std::optional<json> id;
    auto fail = [&](const std::string& cls, const std::string& desc) {
        json r = json::object();
        if (id) r["id"] = *id;  // QEMU puts "id" first in an error
        r["error"] = error_obj(cls, desc);
        send_json(c.id, text_of(r));
    };
    auto ok = [&](const json& value) {
        json r = json::object();
        r["return"] = value;
        if (id) r["id"] = *id;
        send_json(c.id, text_of(r));
    };
    if (!req.is_object()) return fail("GenericError", "QMP input must be a JSON object");
    if (auto it = req.find("id"); it != req.end()) id = *it;
    for (auto it = req.begin(); it != req.end(); ++it)
        if (it.key() != "execute" && it.key() != "arguments" && it.key() != "id")
            return fail("GenericError", "QMP input member '" + it.key() + "' is unexpected");
    auto ex = req.find("execute");
    if (ex == req.end()) return fail("GenericError", "QMP input lacks member 'execute'");
    if (!ex->is_string()) return fail("GenericError", "QMP input member 'execute' must be a string");
    const std::string name = ex->get<std::string>();
    json no_args = json::object();
    const json* argp = &no_args;
    if (auto it = req.find("arguments"); it != req.end()) {
        if (!it->is_object()) return fail("GenericError", "QMP input member 'arguments' must be an object");
        argp = &*it;
    }
    Args args(*argp);

    if (!c.negotiated) {
        if (name != "qmp_capabilities")
            return fail("CommandNotFound", "Expecting capabilities negotiation with 'qmp_capabilities'");
        if (auto en = argp->find("enable"); en != argp->end()) {
            if (!en->is_array()) return fail("GenericError", "Invalid parameter type for 'enable', expected: array");
            for (const auto& cap : *en)
                return fail("GenericError", "Capability '" + (cap.is_string() ? cap.get<std::string>() : cap.dump()) +
                                                "' not available");
        }
        for (auto it = argp->begin(); it != argp->end(); ++it)
            if (it.key() != "enable") return fail("GenericError", "Parameter '" + it.key() + "' is unexpected");
        c.negotiated = true;
        return ok(json::object());
    }
    if (name == "qmp_capabilities")
        return fail("CommandNotFound", "Capabilities negotiation is already complete, command ignored");

    emu::Machine& m = ctl_.machine();
    if (name == "query-status") {
        if (!args.done()) return fail("GenericError", args.error);
        const bool run = ctl_.running();
        json r = json::object();
        r["status"] = m.halted() ? "shutdown" : run ? "running" : "paused";
        r["singlestep"] = false;
        r["running"] = run;
        return ok(r);
    }
    if (name == "query-version") {
        if (!args.done()) return fail("GenericError", args.error);
        json v = json::object();
        v["qemu"] = json{{"micro", 0}, {"minor", 1}, {"major", 0}};
        v["package"] = "stepvisor 0.1.0";
        return ok(v);
    }
    if (name == "query-commands") {
        if (!args.done()) return fail("GenericError", args.error);
        json list = json::array();
        for (const char* n : kCommands) list.push_back(json{{"name", n}});
        for (const char* const* n = HvMailbox::kCommands; *n; ++n) list.push_back(json{{"name", *n}});
        return ok(list);
    }
    if (name == "stop" || name == "cont") {
        if (!args.done()) return fail("GenericError", args.error);
        if (name == "stop" && ctl_.running()) ctl_.stop();
        if (name == "cont" && !ctl_.running()) {
            if (m.halted()) return fail("GenericError", "The machine has powered off; system_reset first");
            ctl_.cont();
        }
        watch_machine();  // the event before the reply, as QEMU sends them
        return ok(json::object());
    }
    if (name == "system_reset") {
        if (!args.done()) return fail("GenericError", args.error);
        ctl_.reset();
        seen_machine_ = nullptr;  // a rebuilt machine's counters start over; not a guest reset
        watch_machine();
        event("RESET", "{\"guest\": false, \"reason\": \"host-qmp-system-reset\"}");
        return ok(json::object());
    }
    if (name == "system_powerdown") {
        if (!args.done()) return fail("GenericError", args.error);
        event("POWERDOWN");
        // Under hv the power button is hv's: it stops every VM and powers off.
        // On a bare machine there is nothing to press it to (QEMU virt has no ACPI).
        dev::MgmtMailbox* mb = m.mgmt_mailbox();
        if (mb && mb->ready() && !hv_->waiting()) hv_->submit(m, {HV_MGMT_CMD_POWERDOWN, 0, 0});
        return ok(json::object());
    }
    if (name == "quit") {
        if (!args.done()) return fail("GenericError", args.error);
        event("SHUTDOWN", "{\"guest\": false, \"reason\": \"host-qmp-quit\"}");
        ok(json::object());
        sock_.flush(200);
        quitting_ = true;
        ctl_.quit();
        return;
    }
    if (name == "x-stepvisor-query-harts") {
        if (!args.done()) return fail("GenericError", args.error);
        json list = json::array();
        for (unsigned i = 0; i < m.hart_count(); ++i) {
            emu::Hart& h = m.hart(i);
            json o = json::object();
            o["hart"] = i;
            o["pc"] = h.pc;
            o["mode"] = emu::priv_name(h.priv, h.virt, m.config().isa.has(isa::Ext::H));
            o["virt"] = h.virt;
            o["wfi"] = h.wfi;
            o["cycle"] = h.cycle;
            o["instret"] = h.instret;
            list.push_back(o);
        }
        return ok(list);
    }
    if (name == "x-stepvisor-console") {
        auto uart = args.integer("uart", false), offset = args.integer("offset", false),
             max = args.integer("max-bytes", false);
        if (!args.done()) return fail("GenericError", args.error);
        const int64_t u = uart.value_or(0);
        if (u != 0 && u != 1) return fail("GenericError", "Parameter 'uart' must be 0 or 1");
        if (u == 1 && !m.config().demo_devices)
            return fail("GenericError", "This machine has no second UART (--demo-devices adds it)");
        if (offset.value_or(0) < 0) return fail("GenericError", "Parameter 'offset' must not be negative");
        if (max && (*max < 1 || *max > int64_t(ConsoleRing::kCapacity)))
            return fail("GenericError", "Parameter 'max-bytes' must be 1.." + std::to_string(ConsoleRing::kCapacity));
        const ConsoleRing& ring = rings_[u];
        uint64_t from = std::min<uint64_t>(uint64_t(offset.value_or(0)), ring.total());
        uint64_t start = std::max(from, ring.oldest());
        std::string data = ring.read(start, size_t(max.value_or(65536)));
        json r = json::object();
        r["uart"] = u;
        r["offset"] = start;
        r["next"] = start + data.size();
        r["dropped"] = start - from;  // bytes the ring no longer holds
        r["data"] = data;
        return ok(r);
    }
    if (HvMailbox::handles(name)) {
        HvRequest r;
        std::optional<int64_t> vm, val;
        if (name != "x-stepvisor-query-vms") vm = args.integer("vm", true);
        if (name == "x-stepvisor-vm-set-share") val = args.integer("share", true);
        if (name == "x-stepvisor-vm-set-balloon") val = args.integer("pages", true);
        if (!args.done()) return fail("GenericError", args.error);
        if (vm && (*vm < 0 || *vm >= 64)) return fail("GenericError", "Parameter 'vm' must be a VM's index (the N of vmN)");
        if (name == "x-stepvisor-vm-set-share" && (*val < 1 || *val > 100))
            return fail("GenericError", "Parameter 'share' must be 1..100 (percent of a hart per vCPU)");
        if (name == "x-stepvisor-vm-set-balloon" && *val < 0)
            return fail("GenericError", "Parameter 'pages' must not be negative");
        r.cmd = name == "x-stepvisor-query-vms" ? HV_MGMT_CMD_LIST
                : name == "x-stepvisor-vm-pause"  ? HV_MGMT_CMD_PAUSE
                : name == "x-stepvisor-vm-resume" ? HV_MGMT_CMD_RESUME
                : name == "x-stepvisor-vm-reset"  ? HV_MGMT_CMD_RESET
                : name == "x-stepvisor-vm-set-share" ? HV_MGMT_CMD_SET_SHARE
                                                     : HV_MGMT_CMD_SET_BALLOON;
        r.vm = uint32_t(vm.value_or(0));
        r.arg = uint64_t(val.value_or(0));
        if (!ctl_.running() && m.mgmt_mailbox())
            return fail("GenericError", "The machine is stopped: hv answers per-VM commands while it runs (cont first)");
        std::string e = hv_->submit(m, r);
        if (!e.empty()) return fail("GenericError", e);
        c.pending = Client::Pending{id, std::chrono::steady_clock::now()};
        return;
    }
    fail("CommandNotFound", "The command " + name + " has not been found");
}

void QmpServer::guest_shutdown() {
    event("SHUTDOWN", "{\"guest\": true, \"reason\": \"guest-shutdown\"}");
    sock_.flush(200);
}

void QmpServer::closing() { sock_.flush(200); }

}  // namespace cli
