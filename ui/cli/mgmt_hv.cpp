#include "mgmt_hv.hpp"

#include <cstring>
#include <nlohmann/json.hpp>

#include "devices/mgmt_mailbox.hpp"
#include "hv/mgmt.h"

namespace cli {

namespace {
constexpr double kAnswerWithin = 5.0;  // host seconds hv has to answer a request
}

const char* const HvMailbox::kCommands[] = {
    "x-stepvisor-query-vms", "x-stepvisor-vm-pause", "x-stepvisor-vm-resume", "x-stepvisor-vm-reset",
    "x-stepvisor-vm-set-share", "x-stepvisor-vm-set-balloon", nullptr,
};

bool HvMailbox::handles(const std::string& name) {
    for (const char* const* n = kCommands; *n; ++n)
        if (name == *n) return true;
    return false;
}

std::string HvMailbox::submit(emu::Machine& m, const HvRequest& r) {
    dev::MgmtMailbox* mb = m.mgmt_mailbox();
    if (!mb) return "This machine has no management mailbox: per-VM commands are for stepvisor hv";
    if (!mb->ready()) return "hv does not serve the management mailbox (yet): it has not booted that far";
    seq_ = mb->submit(r.cmd, r.vm, r.arg);
    cmd_ = r.cmd;
    return {};
}

std::optional<std::pair<bool, std::string>> HvMailbox::answer(emu::Machine& m, double waited_s) {
    dev::MgmtMailbox* mb = m.mgmt_mailbox();
    const uint32_t seq = seq_;
    if (!mb || (!mb->answered(seq) && !mb->busy())) {
        seq_ = 0;
        return std::make_pair(false, std::string("The machine was reset before hv answered"));
    }
    if (!mb->answered(seq)) {
        if (waited_s < kAnswerWithin) return std::nullopt;
        mb->cancel();
        seq_ = 0;
        return std::make_pair(false, std::string("hv did not answer within 5 s"));
    }
    seq_ = 0;
    switch (mb->status()) {
    case HV_MGMT_OK: break;
    case HV_MGMT_ENOVM: return std::make_pair(false, std::string("hv has no such VM"));
    case HV_MGMT_EARG: return std::make_pair(false, std::string("hv refused the argument"));
    case HV_MGMT_ESTATE: return std::make_pair(false, std::string("The VM is not in a state to do that (stopped, or its balloon is in use)"));
    default: return std::make_pair(false, std::string("hv does not know this command"));
    }
    if (cmd_ != HV_MGMT_CMD_LIST) return std::make_pair(true, std::string("{}"));
    nlohmann::ordered_json list = nlohmann::ordered_json::array();
    const size_t n = std::min<size_t>(mb->count(), mb->data_size() / sizeof(hv_mgmt_vm));
    for (size_t i = 0; i < n; ++i) {
        hv_mgmt_vm v;
        std::memcpy(&v, mb->data() + i * sizeof v, sizeof v);
        v.name[sizeof v.name - 1] = 0;
        nlohmann::ordered_json o = nlohmann::ordered_json::object();
        o["vm"] = v.id;
        o["name"] = std::string(v.name);
        o["state"] = v.state == HV_MGMT_VM_RUNNING ? "running" : v.state == HV_MGMT_VM_PAUSED ? "paused" : "stopped";
        o["vcpus"] = v.vcpus;
        o["share"] = v.share_pct;
        o["run-us"] = v.run_us;
        o["exits"] = v.exits;
        o["sbi-calls"] = v.sbi_calls;
        o["console-bytes"] = v.console_bytes;
        o["resets"] = v.resets;
        o["balloon-target"] = v.balloon_target;
        o["balloon-held"] = v.balloon_held;
        list.push_back(o);
    }
    return std::make_pair(true, list.dump(-1, ' ', true, nlohmann::ordered_json::error_handler_t::replace));
}

}  // namespace cli
