// The incoming MSI controller (RISC-V AIA specification, github riscv/riscv-aia,
// src/IMSIC.adoc): one per hart, each with interrupt files for machine level,
// supervisor level and GEILEN guests (VS level). The hart reaches a file's
// registers through the *iselect/*ireg and *topei CSRs (emu/aia_csr.cpp);
// devices reach it through the file's 4 KiB page, where a 32-bit write of an
// identity to seteipnum_le (offset 0) or seteipnum_be (4) makes it pending.
//
// Laid out as QEMU 7.2's virt machine (hw/riscv/virt.c): the M-level pages of
// all harts at 0x2400_0000 + hart * 0x1000; the S-level page of hart h at
// 0x2800_0000 + h * stride, followed by its guest pages 1..GEILEN, where
// stride = 2^guest_index_bits pages, guest_index_bits = ceil(log2(GEILEN + 1)).
// Each file has 255 identities (riscv,num-ids = 255: eip0/eip2/eip4/eip6 on RV64).
//
// Within a window only naturally aligned 32-bit accesses are allowed (others
// are access faults, as the spec prefers); pages with no file behind them and
// every other word of a file's page read zero and ignore writes.
#pragma once
#include <cstdint>
#include <functional>
#include <vector>

#include "devices/device.hpp"

namespace dev {

struct ImsicFile {
    static constexpr unsigned kIds = 255;                 // identities 1..255
    static constexpr unsigned kWords = (kIds + 1) / 64;   // 64-bit eip/eie words
    uint64_t eidelivery = 0, eithreshold = 0;
    uint64_t eip[kWords] = {}, eie[kWords] = {};

    // The highest-priority (lowest) identity pending and enabled, below
    // eithreshold when that is not zero; 0 when none.
    unsigned top() const;
    // The file's interrupt signal: delivery enabled and top() != 0.
    bool signal() const { return eidelivery == 1 && top() != 0; }
    // *topei's value: identity in bits 26:16 and again in 10:0 (its priority).
    uint64_t topei() const { const uint64_t t = top(); return (t << 16) | t; }
    void set_pending(unsigned id) {
        if (id >= 1 && id <= kIds) eip[id / 64] |= 1ull << (id % 64);
    }
    void clear_pending(unsigned id) {
        if (id >= 1 && id <= kIds) eip[id / 64] &= ~(1ull << (id % 64));
    }

    // Registers selected by *iselect 0x70..0xff (RV64: XLEN = 64). exists():
    // false for the odd eipN/eieN, which RV64 lacks (an illegal- or
    // virtual-instruction exception at the CSR); reserved numbers 0x71 and
    // 0x73..0x7f exist and read zero, as do eip/eie words beyond the identities.
    static bool exists(uint64_t sel) { return sel >= 0x70 && sel <= 0xff && (sel < 0x80 || sel % 2 == 0); }
    uint64_t read(uint64_t sel) const;
    void write(uint64_t sel, uint64_t v);
};

// The IMSICs of every hart: files [hart][0] M level, [hart][1] S level,
// [hart][1 + g] guest g (1..GEILEN).
class Imsics {
public:
    static constexpr uint64_t kPage = 0x1000;
    // changed(hart): a file of that hart changed; its signals may differ.
    Imsics(unsigned harts, unsigned geilen, std::function<void(unsigned hart)> changed);

    unsigned harts() const { return unsigned(files_.size()); }
    unsigned geilen() const { return geilen_; }
    unsigned guest_index_bits() const;                 // ceil(log2(GEILEN + 1))
    uint64_t s_stride() const { return kPage << guest_index_bits(); }
    uint64_t m_window() const { return kPage * harts(); }
    uint64_t s_window() const { return s_stride() * harts(); }

    ImsicFile& file(unsigned hart, unsigned index) { return files_[hart][index]; }
    const ImsicFile& file(unsigned hart, unsigned index) const { return files_[hart][index]; }
    // The guest files' signals as hgeip bits (bit g for guest g).
    uint64_t hgeip(unsigned hart) const;
    void notify(unsigned hart) { if (changed_) changed_(hart); }
    // delivered(hart, index, id): an MSI made identity id pending in that file.
    void set_observer(std::function<void(unsigned hart, unsigned index, uint32_t id)> delivered) {
        delivered_ = std::move(delivered);
    }
    // An MSI: identity `id` into file `index` of `hart` (ignored when out of range).
    void deliver(unsigned hart, unsigned index, uint32_t id);
    void reset();

    void save(StateOut& out) const;
    void restore(StateIn& in);

private:
    unsigned geilen_;
    std::vector<std::vector<ImsicFile>> files_;
    std::function<void(unsigned)> changed_;
    std::function<void(unsigned, unsigned, uint32_t)> delivered_;
};

// One of the two windows of pages: machine level (one page a hart) or
// supervisor level (S page and guest pages a hart). The state is the Imsics'.
class ImsicWindow final : public Device {
public:
    ImsicWindow(Imsics& imsics, bool machine) : imsics_(imsics), machine_(machine) {}
    std::string_view name() const override { return machine_ ? "imsic-m" : "imsic-s"; }
    uint64_t size() const { return machine_ ? imsics_.m_window() : imsics_.s_window(); }
    bool read(uint64_t offset, unsigned size, uint64_t& value) override;
    bool write(uint64_t offset, unsigned size, uint64_t value) override;
    // The file whose page holds `offset`: its hart and Imsics::file index
    // (0 M level, 1 S level, 1 + g guest g); false for a page with no file.
    bool file_at(uint64_t offset, unsigned& hart, unsigned& index) const;
    // Every file's state is saved once, with the machine-level window.
    void save(StateOut& out) const override { if (machine_) imsics_.save(out); }
    void restore(StateIn& in) override { if (machine_) imsics_.restore(in); }

private:
    Imsics& imsics_;
    bool machine_;
};

}  // namespace dev
