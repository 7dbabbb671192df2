#include "devices/imsic.hpp"

#include <utility>

namespace dev {

unsigned ImsicFile::top() const {
    for (unsigned w = 0; w < kWords; ++w) {
        const uint64_t live = eip[w] & eie[w];
        if (!live) continue;
        const unsigned id = w * 64 + unsigned(__builtin_ctzll(live));
        return (eithreshold == 0 || id < eithreshold) ? id : 0;
    }
    return 0;
}

uint64_t ImsicFile::read(uint64_t sel) const {
    if (sel == 0x70) return eidelivery;
    if (sel == 0x72) return eithreshold;
    if (sel >= 0x80 && sel <= 0xbf && sel % 2 == 0 && (sel - 0x80) / 2 < kWords) return eip[(sel - 0x80) / 2];
    if (sel >= 0xc0 && sel <= 0xff && sel % 2 == 0 && (sel - 0xc0) / 2 < kWords) return eie[(sel - 0xc0) / 2];
    return 0;
}

void ImsicFile::write(uint64_t sel, uint64_t v) {
    // Identity 0 does not exist: bit 0 of eip0/eie0 is read-only zero.
    const uint64_t mask0 = ~1ull;
    if (sel == 0x70) {
        eidelivery = v & 1;  // WARL: 0 or 1 (no direct delivery from an APLIC, 0x40000000)
    } else if (sel == 0x72) {
        eithreshold = v & kIds;  // WLRL 0..255: the 8 bits that hold them
    } else if (sel >= 0x80 && sel <= 0xbf && sel % 2 == 0 && (sel - 0x80) / 2 < kWords) {
        const unsigned w = unsigned(sel - 0x80) / 2;
        eip[w] = v & (w == 0 ? mask0 : ~0ull);
    } else if (sel >= 0xc0 && sel <= 0xff && sel % 2 == 0 && (sel - 0xc0) / 2 < kWords) {
        const unsigned w = unsigned(sel - 0xc0) / 2;
        eie[w] = v & (w == 0 ? mask0 : ~0ull);
    }
}

Imsics::Imsics(unsigned harts, unsigned geilen, std::function<void(unsigned hart)> changed)
    : geilen_(geilen), files_(harts, std::vector<ImsicFile>(2 + geilen)), changed_(std::move(changed)) {}

unsigned Imsics::guest_index_bits() const {
    unsigned bits = 0;
    while ((1u << bits) < geilen_ + 1) ++bits;
    return bits;
}

uint64_t Imsics::hgeip(unsigned hart) const {
    uint64_t bits = 0;
    for (unsigned g = 1; g <= geilen_; ++g)
        if (files_[hart][1 + g].signal()) bits |= 1ull << g;
    return bits;
}

void Imsics::deliver(unsigned hart, unsigned index, uint32_t id) {
    if (hart >= harts() || index >= files_[hart].size() || id == 0 || id > ImsicFile::kIds) return;
    files_[hart][index].set_pending(id);
    if (delivered_) delivered_(hart, index, id);
    notify(hart);
}

void Imsics::reset() {
    for (unsigned h = 0; h < harts(); ++h) {
        for (auto& f : files_[h]) f = ImsicFile{};
        notify(h);
    }
}

void Imsics::save(StateOut& out) const {
    out.u64(harts());
    out.u64(geilen_);
    for (const auto& hart : files_) out.vec(hart);
}

void Imsics::restore(StateIn& in) {
    if (in.u64() != harts() || in.u64() != geilen_) throw StateError("imsic: another number of harts or guest files");
    std::vector<std::vector<ImsicFile>> files;
    for (const auto& hart : files_) files.push_back(in.vec<ImsicFile>(hart.size()));
    for (const auto& hart : files)
        for (const auto& f : hart)
            if (f.eidelivery > 1 || f.eithreshold > ImsicFile::kIds || (f.eip[0] & 1) || (f.eie[0] & 1))
                throw StateError("imsic: an interrupt file register out of range");
    files_ = std::move(files);
}

bool ImsicWindow::read(uint64_t offset, unsigned size, uint64_t& value) {
    if (size != 4 || offset % 4 || offset >= this->size()) return false;
    value = 0;  // seteipnum_le/_be and every reserved word read zero
    return true;
}

bool ImsicWindow::file_at(uint64_t offset, unsigned& hart, unsigned& index) const {
    if (offset >= size()) return false;
    const uint64_t page = offset / Imsics::kPage;
    if (machine_) {
        hart = unsigned(page), index = 0;
        return true;
    }
    const uint64_t per_hart = imsics_.s_stride() / Imsics::kPage;
    hart = unsigned(page / per_hart);
    index = 1 + unsigned(page % per_hart);  // S file, then guest 1..
    return index <= 1 + imsics_.geilen();
}

bool ImsicWindow::write(uint64_t offset, unsigned size, uint64_t value) {
    if (size != 4 || offset % 4 || offset >= this->size()) return false;
    const uint64_t reg = offset % Imsics::kPage;
    unsigned hart, index;
    if (!file_at(offset, hart, index)) return true;  // a page with no file: read-only zeros
    uint32_t id = uint32_t(value);
    if (reg == 4) id = __builtin_bswap32(id);  // seteipnum_be
    else if (reg != 0) return true;
    imsics_.deliver(hart, index, id);
    return true;
}

}  // namespace dev
