#include "vuart.h"
#include "console.h"
#include "input.h"
#include "vplic.h"
#include "aia.h"
#include "vm.h"

/* Register offsets (reg-shift 0: one byte each), as in the 16550 data sheet. */
#define UART_RBR_THR_DLL 0
#define UART_IER_DLM     1
#define UART_IIR_FCR     2
#define UART_LCR         3
#define UART_MCR         4
#define UART_LSR         5
#define UART_MSR         6
#define UART_SCR         7

#define LCR_DLAB   0x80
#define LSR_DR     0x01   /* a received byte waits in RBR */
#define LSR_THRE   0x20   /* THR empty: output is never slow here */
#define LSR_TEMT   0x40
#define IIR_NO_INT 0x01
#define IIR_FIFO   0xc0   /* FIFOs enabled (FCR bit 0) */
#define MSR_DCD_DSR_CTS 0xb0

void vuart_init(struct vuart *u) {
    *u = (struct vuart){.lcr = 0x03};   /* 8N1, as QEMU's after reset */
}

#define IER_ERBFI 0x01   /* interrupt when a received byte waits */
#define IER_ETBEI 0x02   /* interrupt when THR is empty */
#define IIR_THRE  0x02
#define IIR_RDA   0x04

/* The interrupt line to the VM's vPLIC: received data first, then THRE. */
static uint8_t iir_cause(const struct vuart *u) {
    if ((u->ier & IER_ERBFI) && u->rx_len) return IIR_RDA;
    if ((u->ier & IER_ETBEI) && u->thre_pending) return IIR_THRE;
    return IIR_NO_INT;
}

static void update_irq(struct vm *vm) {
    bool high = iir_cause(&vm->dev.uart) != IIR_NO_INT;
    if (vm->irq.aia)
        aia_set_level(vm, VUART_IRQ, high);   /* an MSI into its IMSIC guest file */
    else
        vplic_set_level(vm, VUART_IRQ, high);
}

bool vuart_push_input(struct vm *vm, uint8_t c) {
    struct vuart *u = &vm->dev.uart;
    if (u->rx_len == sizeof u->rx) return false;
    u->rx[(u->rx_head + u->rx_len++) % sizeof u->rx] = c;
    update_irq(vm);
    return true;
}

/* Terminal input goes to one VM at a time (input.c). When that VM looks for
 * input and has none, it also gets its unfinished line (a prompt) shown. */
static void poll_input(struct vm *vm) {
    if (vm != input_focus()) return;
    if (!vm->dev.uart.rx_len) input_poll();
    if (!vm->dev.uart.rx_len) guest_console_show_partial(&vm->console);
}

uint8_t vuart_read(struct vm *vm, uint64_t offset) {
    struct vuart *u = &vm->dev.uart;
    bool dlab = u->lcr & LCR_DLAB;
    if (offset == UART_LSR || (offset == UART_RBR_THR_DLL && !dlab)) poll_input(vm);
    switch (offset) {
    case UART_RBR_THR_DLL: {
        if (dlab) return u->dll;
        if (!u->rx_len) return 0;
        uint8_t c = u->rx[u->rx_head];
        u->rx_head = (u->rx_head + 1) % sizeof u->rx;
        u->rx_len--;
        update_irq(vm);
        return c;
    }
    case UART_IER_DLM: return dlab ? u->dlm : u->ier;
    case UART_IIR_FCR: {
        uint8_t cause = iir_cause(u);
        if (cause == IIR_THRE) {   /* reading IIR with THRE as its cause clears it */
            u->thre_pending = false;
            update_irq(vm);
        }
        return cause | (u->fcr & 1 ? IIR_FIFO : 0);
    }
    case UART_LCR: return u->lcr;
    case UART_MCR: return u->mcr;
    case UART_LSR: return LSR_THRE | LSR_TEMT | (u->rx_len ? LSR_DR : 0);
    case UART_MSR: return MSR_DCD_DSR_CTS;
    case UART_SCR: return u->scr;
    }
    return 0;   /* the rest of the window reads as zero */
}

void vuart_write(struct vm *vm, uint64_t offset, uint8_t value) {
    struct vuart *u = &vm->dev.uart;
    bool dlab = u->lcr & LCR_DLAB;
    switch (offset) {
    case UART_RBR_THR_DLL:
        if (dlab) {
            u->dll = value;
        } else {
            guest_console_putc(&vm->console, (char)value);
            u->thre_pending = true;   /* sent at once: THR is empty again */
            u->tx_bytes++;
        }
        break;
    case UART_IER_DLM:
        if (dlab) {
            u->dlm = value;
        } else {
            if ((value & IER_ETBEI) && !(u->ier & IER_ETBEI)) u->thre_pending = true;
            u->ier = value & 0x0f;
        }
        break;
    case UART_IIR_FCR:
        u->fcr = value & 0xc9;        /* FIFO enable, DMA mode, trigger level */
        if (value & 2) u->rx_len = 0; /* clear the receive FIFO */
        break;
    case UART_LCR: u->lcr = value; break;
    case UART_MCR: u->mcr = value & 0x1f; break;
    case UART_SCR: u->scr = value; break;
    }   /* LSR, MSR and the rest of the window ignore writes */
    update_irq(vm);
}
