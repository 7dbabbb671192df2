#include "devices/sriov_console.hpp"

namespace dev {

int SriovConsole::vf_of(uint64_t offset, uint64_t& reg) const {
    if (offset < kVfOffset) return -1;
    uint64_t k = (offset - kVfOffset) / kVfStride;
    reg = (offset - kVfOffset) % kVfStride;
    return k < num_vfs_ ? int(k) : -1;
}

bool SriovConsole::read(uint64_t offset, unsigned size, uint64_t& value) {
    if (size != 4) return false;
    if (offset < kPfSize) {
        switch (offset) {
        case 0x00: value = kMaxVfs; return true;
        case 0x04: value = num_vfs_; return true;
        case 0x08: value = kVfOffset; return true;
        case 0x0c: value = kVfStride; return true;
        }
        value = 0;
        return true;
    }
    uint64_t reg = 0;
    int vf = vf_of(offset, reg);
    if (vf < 0) return false;
    value = reg == 0x04 ? 1 : reg == 0x08 ? uint32_t(out_[unsigned(vf)].sent()) : 0;
    return true;
}

bool SriovConsole::write(uint64_t offset, unsigned size, uint64_t value) {
    if (size != 4 && !(size == 1 && offset >= kVfOffset)) return false;
    if (offset < kPfSize) {
        if (offset == 0x04 && value <= kMaxVfs) num_vfs_ = unsigned(value);
        return true;
    }
    uint64_t reg = 0;
    int vf = vf_of(offset, reg);
    if (vf < 0) return false;
    if (reg == 0x00) out_[unsigned(vf)].push(char(value & 0xff));
    return true;
}

void SriovConsole::reset() {
    num_vfs_ = 0;
    for (auto& o : out_) o.clear();
}

}  // namespace dev

namespace dev {

void SriovConsole::save(StateOut& out) const {
    out.u32(num_vfs_);
    for (const auto& s : out_) s.save(out);
}

void SriovConsole::restore(StateIn& in) {
    uint32_t n = in.u32();
    if (n > kMaxVfs) throw StateError("sriov-console: more VFs than the device has");
    std::array<OutputTail, kMaxVfs> o;
    for (auto& s : o) s.restore(in);
    num_vfs_ = n;
    out_ = std::move(o);
}

}  // namespace dev
