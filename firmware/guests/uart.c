/* uart: a guest kernel with a console driver of its own, for the ns16550a
 * at 0x1000_0000 where QEMU virt has one. Under hv nothing is mapped there:
 * every register access is a guest-page fault that hv decodes and emulates
 * (trap-and-emulate). The kernel counts its own register accesses and
 * prints the count, so they can be checked against hv's exit table: one
 * LSR read and one THR write per character sent, a newline sent as CR LF. */
#include "guest.h"

#define UART_BASE 0x10000000ul
#define LINES 3

enum { THR = 0, DLL = 0, IER = 1, DLM = 1, IIR = 2, FCR = 2, LCR = 3, MCR = 4, LSR = 5, SCR = 7 };
#define LSR_THRE 0x20

static unsigned loads, stores;

static uint8_t rd(unsigned reg) {
    loads++;
    return *(volatile uint8_t *)(UART_BASE + reg);
}

static void wr(unsigned reg, uint8_t v) {
    stores++;
    *(volatile uint8_t *)(UART_BASE + reg) = v;
}

static void uart_putc(char c) {
    while (!(rd(LSR) & LSR_THRE)) {}
    wr(THR, (uint8_t)c);
}

static void uart_write(const char *s, unsigned n) {
    for (unsigned i = 0; i < n; i++) {
        if (s[i] == '\n') uart_putc('\r');
        uart_putc(s[i]);
    }
}

/* MCR through compressed instructions (c.sw, c.lw: a 32-bit access whose
 * low byte is the register), so hv sees a 2-byte instruction too. */
static uint8_t mcr_compressed(uint32_t value) {
    register uint64_t base __asm__("a0") = UART_BASE;
    register uint32_t v __asm__("a1") = value;
    register uint32_t back __asm__("a2");
    __asm__ volatile(".option push\n.option rvc\n"
                     "c.sw a1, 4(a0)\n"
                     "c.lw a2, 4(a0)\n"
                     ".option pop" : "=r"(back) : "r"(base), "r"(v) : "memory");
    loads++, stores++;
    return (uint8_t)back;
}

int main(unsigned long hartid, unsigned long fdt) {
    /* The usual 16550 set-up: no interrupts, 8N1, divisor 3, FIFOs on. */
    wr(IER, 0);
    wr(LCR, 0x80);   /* DLAB: the divisor latch */
    wr(DLL, 3);
    wr(DLM, 0);
    uint8_t divisor = rd(DLL);
    wr(LCR, 0x03);
    wr(FCR, 0x07);
    wr(SCR, 0x5a);
    uint8_t scratch = rd(SCR), iir = rd(IIR);
    uint8_t mcr = mcr_compressed(0x0b);
    console_set_writer(uart_write);

    printf("uart: a 16550 at 0x%lx on hart %lu\n", UART_BASE, hartid);
    printf("uart: divisor %u, scratch 0x%x, IIR 0x%x, MCR 0x%x\n", divisor, scratch, iir, mcr);
    for (int i = 1; i <= LINES; i++) printf("uart: line %d of %d\n", i, LINES);
    printf("uart: %u loads and %u stores before this line\n", loads, stores);
    (void)fdt;
    return 0;
}

void trap_handler(uint64_t scause, uint64_t sepc) {
    printf("uart: unexpected trap, scause 0x%lx at 0x%lx\n", scause, sepc);
    sbi_shutdown();
}
