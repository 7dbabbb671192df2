#include "devices/uart16550.hpp"

#include <utility>

namespace dev {

namespace {
// Register offsets.
constexpr unsigned RBR_THR_DLL = 0, IER_DLM = 1, IIR_FCR = 2, LCR = 3, MCR = 4, LSR = 5, MSR = 6,
                   SCR = 7;
// IER bits.
constexpr uint8_t IER_ERBFI = 0x01, IER_ETBEI = 0x02, IER_ELSI = 0x04, IER_EDSSI = 0x08;
// IIR interrupt identification codes (bits 3:0), highest priority first.
constexpr uint8_t IIR_NONE = 0x01, IIR_RLS = 0x06, IIR_RDA = 0x04, IIR_CTI = 0x0c, IIR_THRE = 0x02,
                  IIR_MS = 0x00, IIR_FIFO = 0xc0;
// FCR bits.
constexpr uint8_t FCR_ENABLE = 0x01, FCR_CLEAR_RX = 0x02, FCR_TRIGGER = 0xc0;
// LCR / MCR / LSR / MSR bits.
constexpr uint8_t LCR_DLAB = 0x80;
constexpr uint8_t MCR_DTR = 0x01, MCR_RTS = 0x02, MCR_OUT1 = 0x04, MCR_OUT2 = 0x08, MCR_LOOP = 0x10;
constexpr uint8_t LSR_DR = 0x01, LSR_ERRORS = 0x1e, LSR_THRE = 0x20, LSR_TEMT = 0x40;
constexpr uint8_t MSR_DCTS = 0x01, MSR_DDSR = 0x02, MSR_TERI = 0x04, MSR_DDCD = 0x08, MSR_CTS = 0x10,
                  MSR_DSR = 0x20, MSR_RI = 0x40, MSR_DCD = 0x80;
constexpr size_t kFifoDepth = 16;
}  // namespace

Uart16550::Uart16550(std::function<void(uint8_t)> tx, std::function<void()> changed)
    : tx_(std::move(tx)), changed_(std::move(changed)) {}

void Uart16550::reset() {
    bool before = irq();
    rx_.clear();
    ier_ = lcr_ = mcr_ = scr_ = dll_ = dlm_ = fcr_ = msr_delta_ = 0;
    thr_ipending_ = false;
    if (irq() != before) notify();
}

unsigned Uart16550::trigger_level() const {
    static constexpr unsigned levels[4] = {1, 4, 8, 14};
    return levels[(fcr_ & FCR_TRIGGER) >> 6];
}

uint8_t Uart16550::lsr() const {
    // No line errors are ever raised (LSR_ERRORS stays 0); output is immediate.
    return uint8_t(LSR_THRE | LSR_TEMT | (rx_.empty() ? 0 : LSR_DR));
}

uint8_t Uart16550::msr_value() const {
    uint8_t status;
    if (mcr_ & MCR_LOOP) {  // modem outputs looped back to inputs
        status = uint8_t(((mcr_ & MCR_RTS) ? MSR_CTS : 0) | ((mcr_ & MCR_DTR) ? MSR_DSR : 0) |
                         ((mcr_ & MCR_OUT1) ? MSR_RI : 0) | ((mcr_ & MCR_OUT2) ? MSR_DCD : 0));
    } else {
        status = MSR_DCD | MSR_DSR | MSR_CTS;  // a connected terminal
    }
    return uint8_t(status | msr_delta_);
}

uint8_t Uart16550::iir() const {
    uint8_t id = IIR_NONE;
    if ((ier_ & IER_ELSI) && (lsr() & LSR_ERRORS)) {
        id = IIR_RLS;
    } else if ((ier_ & IER_ERBFI) && !rx_.empty()) {
        id = (fifo_enabled() && rx_.size() < trigger_level()) ? IIR_CTI : IIR_RDA;
    } else if ((ier_ & IER_ETBEI) && thr_ipending_) {
        id = IIR_THRE;
    } else if ((ier_ & IER_EDSSI) && msr_delta_) {
        id = IIR_MS;
    }
    return uint8_t(id | (fifo_enabled() ? IIR_FIFO : 0));
}

bool Uart16550::irq() const { return !(iir() & IIR_NONE); }

void Uart16550::push_input(uint8_t byte) {
    bool before = irq();
    rx_.push_back(byte);
    if (irq() != before) notify();
}

void Uart16550::set_mcr(uint8_t v) {
    uint8_t old = msr_value() & 0xf0;
    mcr_ = v & 0x1f;
    uint8_t now = msr_value() & 0xf0;
    uint8_t diff = old ^ now;
    if (diff & MSR_CTS) msr_delta_ |= MSR_DCTS;
    if (diff & MSR_DSR) msr_delta_ |= MSR_DDSR;
    if ((old & MSR_RI) && !(now & MSR_RI)) msr_delta_ |= MSR_TERI;  // trailing edge
    if (diff & MSR_DCD) msr_delta_ |= MSR_DDCD;
}

bool Uart16550::read(uint64_t offset, unsigned size, uint64_t& value) {
    if (offset >= kSize || (size != 1 && size != 2 && size != 4 && size != 8)) return false;
    bool before = irq();
    uint8_t v = 0;
    switch (offset & 7) {
    case RBR_THR_DLL:
        if (lcr_ & LCR_DLAB) {
            v = dll_;
        } else if (!rx_.empty()) {
            v = rx_.front();
            rx_.pop_front();
        }
        break;
    case IER_DLM: v = (lcr_ & LCR_DLAB) ? dlm_ : ier_; break;
    case IIR_FCR:
        v = iir();
        if ((v & 0x0f) == IIR_THRE) thr_ipending_ = false;  // reading IIR acknowledges THRE
        break;
    case LCR: v = lcr_; break;
    case MCR: v = mcr_; break;
    case LSR: v = lsr(); break;
    case MSR:
        v = msr_value();
        msr_delta_ = 0;
        break;
    case SCR: v = scr_; break;
    }
    value = v;
    if (irq() != before) notify();
    return true;
}

bool Uart16550::write(uint64_t offset, unsigned size, uint64_t value) {
    if (offset >= kSize || (size != 1 && size != 2 && size != 4 && size != 8)) return false;
    bool before = irq();
    uint8_t v = uint8_t(value);
    switch (offset & 7) {
    case RBR_THR_DLL:
        if (lcr_ & LCR_DLAB) {
            dll_ = v;
        } else {
            thr_ipending_ = false;
            if (mcr_ & MCR_LOOP) {
                rx_.push_back(v);
            } else if (tx_) {
                tx_(v);
            }
            thr_ipending_ = true;  // transmitted at once: THR is empty again
        }
        break;
    case IER_DLM:
        if (lcr_ & LCR_DLAB) {
            dlm_ = v;
        } else {
            uint8_t old = ier_;
            ier_ = v & 0x0f;
            if ((ier_ ^ old) & IER_ETBEI) {
                // Enabling ETBEI while THR is empty raises the THRE interrupt.
                thr_ipending_ = (ier_ & IER_ETBEI) && (lsr() & LSR_THRE);
            }
        }
        break;
    case IIR_FCR: {
        bool was_enabled = fifo_enabled();
        // Clearing the receive FIFO (or switching FIFO mode, which resets
        // both) drops what the receiver holds: up to one FIFO's worth.
        if ((v & FCR_CLEAR_RX) || (bool(v & FCR_ENABLE) != was_enabled)) {
            size_t n = was_enabled ? kFifoDepth : 1;
            while (n-- && !rx_.empty()) rx_.pop_front();
        }
        fcr_ = v & (FCR_ENABLE | FCR_TRIGGER);
        break;
    }
    case LCR: lcr_ = v; break;
    case MCR: set_mcr(v); break;
    case LSR: break;  // read-only (factory test register on some parts)
    case MSR: break;  // read-only
    case SCR: scr_ = v; break;
    }
    if (irq() != before) notify();
    return true;
}

}  // namespace dev

namespace dev {

void Uart16550::save(StateOut& out) const {
    out.u64(rx_.size());
    for (uint8_t b : rx_) out.u8(b);
    for (uint8_t r : {ier_, lcr_, mcr_, scr_, dll_, dlm_, fcr_, msr_delta_}) out.u8(r);
    out.boolean(thr_ipending_);
}

void Uart16550::restore(StateIn& in) {
    uint64_t n = in.u64();
    if (n > in.left()) throw StateError("uart: truncated receive queue");
    const uint8_t* rx = in.take(n);
    uint8_t r[8];
    in.raw(r, sizeof r);
    bool thr = in.boolean();
    rx_.assign(rx, rx + n);
    ier_ = r[0], lcr_ = r[1], mcr_ = r[2], scr_ = r[3], dll_ = r[4], dlm_ = r[5], fcr_ = r[6], msr_delta_ = r[7];
    thr_ipending_ = thr;
}

}  // namespace dev
