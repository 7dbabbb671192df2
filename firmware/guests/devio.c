/* devio: one workload, MESSAGE_BYTES bytes to a console, through every path
 * its VM has: the emulated 16550 (each register access traps to hv), hv's
 * paravirtual console (one hypercall for the lot), the machine's second
 * UART passed through (its registers mapped straight in), and a virtual
 * function of the SR-IOV-style console. It asks hv which devices it has
 * (hypercall HCALL_DEVICES), brackets each path with a line, and prints the
 * cycles each took. */
#include "guest.h"

#define HCALL_EXT 0x0A535648
#define HCALL_DEVICES 32
#define PVCON_WRITE 1
#define DEV_PASSTHRU_UART 1
#define DEV_SRIOV_VF 2
#define UART0 0x10000000ul
#define UART1 0x10001000ul
#define VF 0x10002000ul
#define MESSAGE_BYTES 64

static char message[MESSAGE_BYTES + 1];
static volatile unsigned uart1_irqs;

#define PLIC 0x0c000000ul
#define PLIC_CLAIM_S0 (PLIC + 0x200000 + 0x1000 + 4)   /* context 1: vCPU 0's S-mode */
#define UART1_IRQ 11

/* The passed-through UART's THR-empty interrupt: from the device through the
 * machine's PLIC to hv, which raises it on this VM's PLIC (source 11). */
static void uart1_interrupt(void) {
    volatile uint8_t *u = (volatile uint8_t *)UART1;
    *(volatile uint32_t *)(PLIC + 4 * UART1_IRQ) = 1;                 /* priority */
    *(volatile uint32_t *)(PLIC + 0x2000 + 0x80) = 1u << UART1_IRQ;   /* enable, context 1 */
    *(volatile uint32_t *)(PLIC + 0x200000 + 0x1000) = 0;             /* threshold */
    __asm__ volatile("csrw stvec, %0" :: "r"(trap_entry));
    __asm__ volatile("csrs sie, %0" :: "r"(1ul << 9));
    u[1] = 0x02;   /* IER: THR empty */
    while (!uart1_irqs) {
        __asm__ volatile("wfi");
        __asm__ volatile("csrs sstatus, %0" :: "r"(2ul));
        __asm__ volatile("csrc sstatus, %0" :: "r"(2ul));
    }
    printf("devio: the passed-through UART's interrupt reached this kernel as PLIC source %d\n", UART1_IRQ);
}

static uint64_t rdcycle(void) { uint64_t c; __asm__ volatile("csrr %0, cycle" : "=r"(c)); return c; }

static void uart_send(uint64_t base, const char *s, unsigned n) {
    volatile uint8_t *u = (volatile uint8_t *)base;
    for (unsigned i = 0; i < n; i++) {
        while (!(u[5] & 0x20)) {}   /* LSR.THRE */
        u[0] = (uint8_t)s[i];
    }
}

static void vf_send(const char *s, unsigned n) {
    volatile uint32_t *vf = (volatile uint32_t *)VF;
    for (unsigned i = 0; i < n; i++) vf[0] = (uint8_t)s[i];   /* TX; STATUS is always ready */
}

static void path(const char *name, int which) {
    printf("devio: begin %s\n", name);
    uint64_t c0 = rdcycle();
    switch (which) {
    case 0: uart_send(UART0, message, MESSAGE_BYTES); break;
    case 1: sbi_call(HCALL_EXT, PVCON_WRITE, (long)message, MESSAGE_BYTES, 0); break;
    case 2: uart_send(UART1, message, MESSAGE_BYTES); break;
    case 3: vf_send(message, MESSAGE_BYTES); break;
    }
    uint64_t c1 = rdcycle();
    printf("devio: end %s: %d bytes in %lu cycles\n", name, MESSAGE_BYTES, c1 - c0);
}

int main(unsigned long hartid, unsigned long fdt) {
    (void)hartid, (void)fdt;
    console_init(false);
    for (unsigned i = 0; i < MESSAGE_BYTES - 1; i++) message[i] = (char)('a' + i % 26);
    message[MESSAGE_BYTES - 1] = '\n';
    long devices = sbi_call(HCALL_EXT, HCALL_DEVICES, 0, 0, 0).value;
    printf("devio: devices 0x%lx\n", devices);
    path("nothing", -1);   /* the bracketing lines alone, for comparison */
    path("emulation", 0);
    path("paravirtual", 1);
    if (devices & DEV_PASSTHRU_UART) {
        path("pass-through", 2);
        uart1_interrupt();
    }
    if (devices & DEV_SRIOV_VF) {
        path("sr-iov", 3);
        /* A device page is not RAM: hv must refuse it for its balloon. */
        printf("devio: giving its VF page to hv's balloon: %ld\n", sbi_call(HCALL_EXT, 17, (long)VF, 0, 0).error);
    }
    return 0;
}

void trap_handler(uint64_t scause, uint64_t sepc) {
    if (scause == ((1ul << 63) | 9)) {   /* external: ask its PLIC which */
        uint32_t id = *(volatile uint32_t *)PLIC_CLAIM_S0;
        if (id == UART1_IRQ) {
            volatile uint8_t *u = (volatile uint8_t *)UART1;
            (void)u[2];   /* IIR: THR empty, now seen */
            u[1] = 0;     /* no more */
            uart1_irqs++;
        }
        if (id) *(volatile uint32_t *)PLIC_CLAIM_S0 = id;
        return;
    }
    printf("devio: unexpected trap, scause 0x%lx at 0x%lx\n", scause, sepc);
    sbi_shutdown();
}
