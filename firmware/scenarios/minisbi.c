/* minisbi's SBI (spec 2.0, the small part hv needs): base, TIME through
 * Sstc's stimecmp, SRST and the legacy shutdown through the syscon, DBCN
 * and the legacy console through the ns16550a UART. Anything else returns
 * SBI_ERR_NOT_SUPPORTED; any trap other than an ecall from S is a bug in
 * the next stage, reported on the console before powering off with failure. */
#include <stdint.h>

#define UART0 0x10000000ul
#define SYSCON 0x100000ul
#define SYSCON_PASS 0x5555u
#define SYSCON_FAIL 0x3333u
#define SYSCON_RESET 0x7777u

#define EXT_BASE 0x10
#define EXT_TIME 0x54494D45
#define EXT_SRST 0x53525354
#define EXT_DBCN 0x4442434E
#define ERR_NOT_SUPPORTED (-2l)
#define ERR_INVALID_PARAM (-3l)

#define csr_read(r) ({ uint64_t v_; __asm__ volatile("csrr %0, " #r : "=r"(v_)); v_; })
#define csr_write(r, v) __asm__ volatile("csrw " #r ", %0" ::"r"((uint64_t)(v)))

static void putc_uart(char c) {
    volatile uint8_t *u = (volatile uint8_t *)UART0;
    while (!(u[5] & 0x20)) {}  /* LSR.THRE */
    u[0] = (uint8_t)c;
}

static void puts_uart(const char *s) { while (*s) putc_uart(*s++); }

static void puthex(uint64_t v) {
    puts_uart("0x");
    for (int i = 60; i >= 0; i -= 4) putc_uart("0123456789abcdef"[(v >> i) & 15]);
}

__attribute__((noreturn)) static void power(uint32_t code) {
    *(volatile uint32_t *)SYSCON = code;
    for (;;) __asm__ volatile("wfi");
}

static void set_timer(uint64_t t) { csr_write(0x14d, t); }  /* stimecmp */

static int probe(long ext) {
    return ext == EXT_BASE || ext == EXT_TIME || ext == EXT_SRST || ext == EXT_DBCN ||
           ext == 0 || ext == 1 || ext == 2 || ext == 8;
}

/* x[i] = register xi at the trap; a0..a7 are x[10..17]. */
void m_trap(uint64_t *x) {
    uint64_t cause = csr_read(mcause);
    if (cause != 9) {
        puts_uart("\nminisbi: unexpected trap, mcause ");
        puthex(cause);
        puts_uart(" mepc ");
        puthex(csr_read(mepc));
        puts_uart(" mtval ");
        puthex(csr_read(mtval));
        puts_uart("\n");
        power(SYSCON_FAIL | (1u << 16));
    }
    csr_write(mepc, csr_read(mepc) + 4);
    long ext = (long)x[17], fid = (long)x[16], err = 0, val = 0;
    uint64_t a0 = x[10], a1 = x[11];
    switch (ext) {
    case 0: set_timer(a0); x[10] = 0; return;                 /* legacy set_timer */
    case 1: putc_uart((char)a0); x[10] = 0; return;           /* legacy console_putchar */
    case 2: x[10] = (uint64_t)-1; return;                     /* legacy console_getchar */
    case 8: power(SYSCON_PASS);                               /* legacy shutdown */
    case EXT_BASE:
        switch (fid) {
        case 0: val = 2l << 24; break;                        /* spec version 2.0 */
        case 1: val = 0x534d; break;                          /* implementation ID "SM" */
        case 2: val = 1; break;
        case 3: val = probe((long)a0); break;
        case 4: case 5: case 6: val = 0; break;               /* mvendorid, marchid, mimpid */
        default: err = ERR_NOT_SUPPORTED;
        }
        break;
    case EXT_TIME:
        if (fid == 0) set_timer(a0); else err = ERR_NOT_SUPPORTED;
        break;
    case EXT_SRST:
        if (fid != 0) { err = ERR_NOT_SUPPORTED; break; }
        if (a0 == 0) power(a1 == 0 ? SYSCON_PASS : SYSCON_FAIL | (1u << 16));
        if (a0 == 1 || a0 == 2) power(SYSCON_RESET);
        err = ERR_INVALID_PARAM;
        break;
    case EXT_DBCN:
        if (fid == 0) {                                       /* write(n, base_lo, base_hi) */
            const char *p = (const char *)x[11];
            for (uint64_t i = 0; i < a0; i++) putc_uart(p[i]);
            val = (long)a0;
        } else if (fid == 1) {
            val = 0;                                          /* read: no input */
        } else if (fid == 2) {
            putc_uart((char)a0);
        } else {
            err = ERR_NOT_SUPPORTED;
        }
        break;
    default:
        err = ERR_NOT_SUPPORTED;
    }
    (void)a1;
    x[10] = (uint64_t)err;
    x[11] = (uint64_t)val;
}
