// The advanced platform-level interrupt controller (RISC-V AIA specification,
// github riscv/riscv-aia, src/AdvPLIC.adoc), as QEMU 7.2's virt machine has it
// with aia=aplic or aia=aplic-imsic: two interrupt domains, the machine-level
// root at 0x0c00_0000 and its one child, the supervisor-level domain at
// 0x0d00_0000, each a window of 0x4000 + 32 * harts bytes rounded up to 16 KiB,
// with wired sources 1..96 (riscv,num-sources = 96).
//
// Per domain: domaincfg (IE; DM fixed by the machine: 1, MSI delivery, with
// IMSICs, 0, direct delivery, without; BE read-only zero), sourcecfg[i]
// (D and child index 0 in the root; SM inactive, detached, edge or level, the
// reserved SM 2 and 3 leaving the source inactive), setip/setipnum,
// in_clrip/clripnum, setie/setienum, clrie/clrienum, setipnum_le/_be,
// target[i]: in direct mode hart index and IPRIO (IPRIOLEN = 3, as QEMU's
// VIRT_IRQCHIP_NUM_PRIO_BITS; 0 becomes 1), in MSI mode hart index, guest index
// (S domain only, 0..GEILEN) and EIID (11 bits); genmsi (MSI mode; the MSI
// leaves at once, so Busy always reads zero); the root's mmsiaddrcfg(h) and
// smsiaddrcfg(h) (writable until mmsiaddrcfgh.L locks them); and in direct mode
// one IDC per hart at 0x4000 + 32 * hart: idelivery, iforce, ithreshold,
// topi, claimi.
//
// A source is active in the root when its sourcecfg has D = 0 and SM != 0; in
// the S domain when the root delegates it (D = 1) and the S domain's sourcecfg
// has SM != 0. Inactive sources read zero in every register of the domain.
// Pending bits follow the spec's "precise effects" section for each mode.
//
// Delivery: direct mode raises line(domain, hart) (MEIP for the root, SEIP for
// the S domain) while IE, idelivery and (iforce or topi != 0); MSI mode sends,
// for each pending and enabled source while IE = 1, one MSI through msi(address,
// data) and clears the pending bit, the address computed from the root's
// *msiaddrcfg registers as the spec's "Addresses and data for outgoing MSIs".
//
// Only naturally aligned 32-bit accesses are allowed (others fail); reserved
// words read zero and ignore writes.
#pragma once
#include <array>
#include <cstdint>
#include <functional>
#include <vector>

#include "devices/device.hpp"

namespace dev {

class Aplic {
public:
    static constexpr unsigned kSources = 97;  // ids 1..96, as QEMU 7.2 virt (VIRT_IRQCHIP_NUM_SOURCES)
    static constexpr unsigned kPrioBits = 3;
    static constexpr uint32_t kMaxPrio = (1u << kPrioBits) - 1;
    enum Domain : unsigned { M = 0, S = 1 };
    // Source modes (sourcecfg.SM).
    enum Sm : uint32_t { Inactive = 0, Detached = 1, Edge1 = 4, Edge0 = 5, Level1 = 6, Level0 = 7 };

    // Register offsets within a domain's window.
    static constexpr uint64_t kDomaincfg = 0x0000, kSourcecfg = 0x0004, kMmsiaddrcfg = 0x1bc0,
                              kMmsiaddrcfgh = 0x1bc4, kSmsiaddrcfg = 0x1bc8, kSmsiaddrcfgh = 0x1bcc,
                              kSetip = 0x1c00, kSetipnum = 0x1cdc, kInClrip = 0x1d00, kClripnum = 0x1ddc,
                              kSetie = 0x1e00, kSetienum = 0x1edc, kClrie = 0x1f00, kClrienum = 0x1fdc,
                              kSetipnumLe = 0x2000, kSetipnumBe = 0x2004, kGenmsi = 0x3000, kTarget = 0x3004,
                              kIdc = 0x4000, kIdcSize = 32;
    static constexpr uint64_t kIdelivery = 0x00, kIforce = 0x04, kIthreshold = 0x08, kTopi = 0x18, kClaimi = 0x1c;
    static uint64_t window_size(unsigned harts) { return 0x4000 + ((uint64_t(harts) * kIdcSize + 0x3fff) & ~0x3fffull); }

    // msi_mode: the domains deliver by MSIs (DM = 1) instead of directly.
    // line(domain, hart, level): direct mode's interrupt signal to a hart.
    // msi(address, data): an outgoing MSI write.
    Aplic(unsigned harts, bool msi_mode, unsigned geilen, std::function<void(unsigned, unsigned, bool)> line,
          std::function<void(uint64_t, uint32_t)> msi);

    // A device's wire (sources 1..96; others ignored).
    void set_source(unsigned src, bool level);
    void reset();

    bool read(Domain d, uint64_t offset, unsigned size, uint64_t& value);
    bool write(Domain d, uint64_t offset, unsigned size, uint64_t value);
    void save(StateOut& out) const;
    void restore(StateIn& in);

    // Views for tests and panels.
    bool active(Domain d, unsigned src) const;
    bool pending(Domain d, unsigned src) const { return src < kSources && dom_[d].pending[src]; }
    bool enabled(Domain d, unsigned src) const { return src < kSources && dom_[d].enabled[src]; }
    uint32_t topi(Domain d, unsigned hart) const;
    bool line(Domain d, unsigned hart) const { return hart < harts_ && dom_[d].out[hart]; }
    // The address an MSI for (hart index, guest index) of domain d goes to.
    uint64_t msi_address(Domain d, unsigned hart, unsigned guest) const;

private:
    struct Idc {
        uint32_t idelivery = 0, iforce = 0, ithreshold = 0;
    };
    struct DomainState {
        uint32_t domaincfg_ie = 0;
        std::array<uint32_t, kSources> sourcecfg{}, target{};
        std::array<uint8_t, kSources> pending{}, enabled{};
        uint32_t genmsi = 0;
        std::vector<Idc> idc;
        std::vector<uint8_t> out;
    };
    bool rectified(Domain d, unsigned src) const;
    bool level_mode(Domain d, unsigned src) const;
    void set_pending(Domain d, unsigned src, bool on);  // as a register write asks (the spec's rules)
    void write_sourcecfg(Domain d, unsigned src, uint32_t v);
    void write_target(Domain d, unsigned src, uint32_t v);
    uint32_t read32(Domain d, uint64_t off);
    void write32(Domain d, uint64_t off, uint32_t v);
    void update();

    unsigned harts_;
    bool msi_mode_;
    unsigned geilen_;
    std::array<uint8_t, kSources> wire_{};
    DomainState dom_[2];
    uint32_t mmsiaddrcfg_ = 0, mmsiaddrcfgh_ = 0, smsiaddrcfg_ = 0, smsiaddrcfgh_ = 0;
    std::function<void(unsigned, unsigned, bool)> line_;
    std::function<void(uint64_t, uint32_t)> msi_;
};

// One domain's window on the bus.
class AplicWindow final : public Device {
public:
    AplicWindow(Aplic& aplic, Aplic::Domain d, unsigned harts) : aplic_(aplic), d_(d), size_(Aplic::window_size(harts)) {}
    std::string_view name() const override { return d_ == Aplic::M ? "aplic-m" : "aplic-s"; }
    uint64_t size() const { return size_; }
    bool read(uint64_t offset, unsigned size, uint64_t& value) override {
        return offset < size_ && aplic_.read(d_, offset, size, value);
    }
    bool write(uint64_t offset, unsigned size, uint64_t value) override {
        return offset < size_ && aplic_.write(d_, offset, size, value);
    }
    // Both domains' state is saved once, with the root's window.
    void save(StateOut& out) const override { if (d_ == Aplic::M) aplic_.save(out); }
    void restore(StateIn& in) override { if (d_ == Aplic::M) aplic_.restore(in); }

private:
    Aplic& aplic_;
    Aplic::Domain d_;
    uint64_t size_;
};

}  // namespace dev
