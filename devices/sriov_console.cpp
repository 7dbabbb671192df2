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
    value = reg == 0x04 ? 1 : reg == 0x08 ? uint32_t(out_[unsigned(vf)].sent()) : reg == 0x0c ? ie_[unsigned(vf)] : 0;
    return true;
}

bool SriovConsole::write(uint64_t offset, unsigned size, uint64_t value) {
    if (size != 4 && !(size == 1 && offset >= kVfOffset)) return false;
    if (offset < kPfSize) {
        if (offset == 0x04 && value <= kMaxVfs) {
            for (unsigned k = unsigned(value); k < num_vfs_; ++k) set_ie(k, 0);  // a VF disabled is quiet
            num_vfs_ = unsigned(value);
        }
        return true;
    }
    uint64_t reg = 0;
    int vf = vf_of(offset, reg);
    if (vf < 0) return false;
    const unsigned k = unsigned(vf);
    if (reg == 0x00) {
        out_[k].push(char(value & 0xff));
        if (ie_[k] & 1 && line_) line_(k, false), line_(k, true);  // sent at once: ready again
    }
    if (reg == 0x0c) set_ie(k, uint32_t(value) & 1);
    return true;
}

void SriovConsole::set_ie(unsigned vf, uint32_t ie) {
    const bool was = ie_[vf] & 1;
    ie_[vf] = ie;
    if (was != bool(ie & 1) && line_) line_(vf, ie & 1);
}

void SriovConsole::reset() {
    for (unsigned k = 0; k < kMaxVfs; ++k) set_ie(k, 0);
    num_vfs_ = 0;
    for (auto& o : out_) o.clear();
}

}  // namespace dev

namespace dev {

void SriovConsole::save(StateOut& out) const {
    out.u32(num_vfs_);
    for (uint32_t ie : ie_) out.u32(ie);
    for (const auto& s : out_) s.save(out);
}

void SriovConsole::restore(StateIn& in) {
    uint32_t n = in.u32();
    if (n > kMaxVfs) throw StateError("sriov-console: more VFs than the device has");
    std::array<uint32_t, kMaxVfs> ie;
    for (uint32_t& e : ie) e = in.u32() & 1;
    std::array<OutputTail, kMaxVfs> o;
    for (auto& s : o) s.restore(in);
    num_vfs_ = n;
    ie_ = ie;  // the lines' levels come back with the interrupt controller's wires
    out_ = std::move(o);
}

}  // namespace dev
