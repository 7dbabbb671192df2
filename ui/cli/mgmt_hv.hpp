// The management socket's per-VM commands for hv, carried through the
// management mailbox (hv/mgmt.h, devices/mgmt_mailbox.hpp): one request at
// a time, answered by hv a few slices later.
#pragma once
#include <cstdint>
#include <optional>
#include <string>

#include "emu/machine.hpp"

namespace cli {

struct HvRequest {
    uint32_t cmd = 0, vm = 0;
    uint64_t arg = 0;
};

class HvMailbox {
public:
    // Whether `name` is one of the commands hv answers (x-stepvisor-query-vms, x-stepvisor-vm-*).
    static bool handles(const std::string& name);
    static const char* const kCommands[];  // null-terminated

    // Submits a request; an error text when the machine cannot take it now.
    std::string submit(emu::Machine& m, const HvRequest& r);
    bool waiting() const { return seq_ != 0; }
    // The answer once hv gave it: true with the "return" value's JSON, or
    // false with an error's description. nullopt while waiting.
    std::optional<std::pair<bool, std::string>> answer(emu::Machine& m, double waited_s);

private:
    uint32_t seq_ = 0, cmd_ = 0;
};

}  // namespace cli
