// ns16550a UART as QEMU virt has it (0x1000_0000, reg-shift 0, 8 registers):
//   0 RBR (read) / THR (write)     DLL when LCR.DLAB
//   1 IER                          DLM when LCR.DLAB
//   2 IIR (read) / FCR (write)
//   3 LCR   4 MCR   5 LSR   6 MSR   7 SCR
// Output is immediate (each THR write calls tx), so LSR.THRE and LSR.TEMT are
// always set. Input comes from the host through push_input() into an
// unbounded queue; LSR.DR is set while it is non-empty, so no byte is ever
// lost to an overrun. Registers repeat every 8 bytes inside the 0x100 window;
// an access wider than one byte reaches the register at its offset (upper
// bytes read 0, written bits above 7 are ignored). Offsets >= 0x100 fail.
//
// Interrupt (irq(), a level): by 16550 priority
//   receiver line status (IER.ELSI, never raised: no line errors here),
//   received data available (IER.ERBFI and data queued; reported as
//     character timeout 0x0C when FIFOs are on and fewer bytes than the
//     trigger level are queued),
//   THR empty (IER.ETBEI; raised when THR empties or ETBEI is enabled while
//     it is empty, cleared by writing THR or by reading IIR while it is the
//     interrupt IIR reports),
//   modem status (IER.EDSSI and an MSR delta bit; deltas come from loopback).
// MCR.LOOP loops THR back into the receiver and MCR's outputs into MSR, as
// Linux's 8250 probe expects.
#pragma once
#include <cstdint>
#include <deque>
#include <functional>

#include "devices/device.hpp"

namespace dev {

class Uart16550 final : public Device {
public:
    static constexpr uint64_t kSize = 0x100;

    // tx: called with each transmitted byte.
    // changed (optional): called when irq() may have changed outside a guest
    // access to the UART (push_input); the machine should also re-sample
    // irq() after each read/write it routes here.
    explicit Uart16550(std::function<void(uint8_t)> tx, std::function<void()> changed = {});

    std::string_view name() const override { return "uart16550"; }
    bool read(uint64_t offset, unsigned size, uint64_t& value) override;
    bool write(uint64_t offset, unsigned size, uint64_t value) override;
    void save(StateOut& out) const override;
    void restore(StateIn& in) override;

    void push_input(uint8_t byte);
    size_t input_pending() const { return rx_.size(); }
    bool irq() const;
    void reset();

    // Register values without side effects (for the GUI / tests).
    uint8_t lsr() const;
    uint8_t iir() const;
    uint8_t ier() const { return ier_; }
    uint8_t lcr() const { return lcr_; }
    uint8_t mcr() const { return mcr_; }
    uint16_t divisor() const { return uint16_t(dll_ | (dlm_ << 8)); }

private:
    uint8_t msr_value() const;
    void set_mcr(uint8_t v);
    void notify() { if (changed_) changed_(); }
    bool fifo_enabled() const { return fcr_ & 0x01; }
    unsigned trigger_level() const;

    std::function<void(uint8_t)> tx_;
    std::function<void()> changed_;
    std::deque<uint8_t> rx_;
    uint8_t ier_ = 0, lcr_ = 0, mcr_ = 0, scr_ = 0, dll_ = 0, dlm_ = 0;
    uint8_t fcr_ = 0;          // FIFO enable + trigger level (write-only register)
    uint8_t msr_delta_ = 0;    // MSR bits 3:0
    bool thr_ipending_ = false;
};

}  // namespace dev
