#include "mgmt_mailbox.hpp"

#include <cstring>

#include "hv/mgmt.h"

namespace dev {

static_assert(HV_MGMT_SIZE == MgmtMailbox::kSize && HV_MGMT_DATA_SIZE == 0xf00);

MgmtMailbox::MgmtMailbox(std::function<void()> changed) : changed_(std::move(changed)) {}

bool MgmtMailbox::read(uint64_t off, unsigned size, uint64_t& value) {
    if (off >= HV_MGMT_DATA) {
        if (off - HV_MGMT_DATA + size > data_.size()) return false;
        value = 0;
        std::memcpy(&value, data_.data() + (off - HV_MGMT_DATA), size);
        return true;
    }
    if (off == HV_MGMT_ARG && size == 8) { value = arg_; return true; }
    if (size != 4) return false;
    switch (off) {
    case HV_MGMT_MAGIC: value = HV_MGMT_MAGIC_VALUE; return true;
    case HV_MGMT_READY: value = ready_ ? HV_MGMT_READY_VALUE : 0; return true;
    case HV_MGMT_SEQ: value = seq_; return true;
    case HV_MGMT_CMD: value = pending_ ? cmd_ : 0; return true;
    case HV_MGMT_VM: value = vm_; return true;
    case HV_MGMT_ARG: value = uint32_t(arg_); return true;
    case HV_MGMT_ARG + 4: value = uint32_t(arg_ >> 32); return true;
    case HV_MGMT_STATUS: value = status_; return true;
    case HV_MGMT_COUNT: value = count_; return true;
    case HV_MGMT_DONE: value = done_; return true;
    default: value = 0; return true;
    }
}

bool MgmtMailbox::write(uint64_t off, unsigned size, uint64_t value) {
    if (off >= HV_MGMT_DATA) {
        if (off - HV_MGMT_DATA + size > data_.size()) return false;
        std::memcpy(data_.data() + (off - HV_MGMT_DATA), &value, size);
        return true;
    }
    if (size != 4) return false;
    const uint32_t v = uint32_t(value);
    switch (off) {
    case HV_MGMT_READY: ready_ = v == HV_MGMT_READY_VALUE; return true;
    case HV_MGMT_STATUS: status_ = v; return true;
    case HV_MGMT_COUNT: count_ = v; return true;
    case HV_MGMT_DONE:
        // An answer to an older (cancelled) request is ignored.
        if (pending_ && v == seq_) {
            done_ = v;
            pending_ = false;
            if (changed_) changed_();
        }
        return true;
    default: return true;  // read-only registers ignore writes
    }
}

uint32_t MgmtMailbox::submit(uint32_t cmd, uint32_t vm, uint64_t arg) {
    cmd_ = cmd;
    vm_ = vm;
    arg_ = arg;
    status_ = count_ = 0;
    ++seq_;
    pending_ = true;
    if (changed_) changed_();
    return seq_;
}

void MgmtMailbox::cancel() {
    if (!pending_) return;
    pending_ = false;
    if (changed_) changed_();
}

void MgmtMailbox::reset() {
    pending_ = ready_ = false;
    status_ = count_ = 0;
    if (changed_) changed_();
}

void MgmtMailbox::save(StateOut& out) const {
    out.boolean(pending_);
    out.boolean(ready_);
    for (uint32_t v : {seq_, cmd_, vm_, status_, count_, done_}) out.u32(v);
    out.u64(arg_);
    out.raw(data_.data(), data_.size());
}

void MgmtMailbox::restore(StateIn& in) {
    bool pending = in.boolean(), ready = in.boolean();
    uint32_t r[6];
    for (uint32_t& v : r) v = in.u32();
    uint64_t arg = in.u64();
    const uint8_t* data = in.take(data_.size());
    pending_ = pending;
    ready_ = ready;
    seq_ = r[0], cmd_ = r[1], vm_ = r[2], status_ = r[3], count_ = r[4], done_ = r[5];
    arg_ = arg;
    std::memcpy(data_.data(), data, data_.size());
}

}  // namespace dev
