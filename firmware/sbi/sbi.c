/* firmware/sbi: the project's M-mode SBI firmware (spec 2.0). The ecalls
 * from S-mode and M-mode's own interrupts land in m_trap; anything else is
 * a bug in the next stage, reported on the console before powering off
 * with failure. */
#include "platform.h"

#define EXT_BASE   0x10
#define EXT_TIME   0x54494D45
#define EXT_IPI    0x735049
#define EXT_RFENCE 0x52464E43
#define EXT_HSM    0x48534D
#define EXT_SRST   0x53525354
#define EXT_DBCN   0x4442434E

#define IMPL_ID 0x5356   /* "SV": not a registered SBI implementation ID */
#define IMPL_VERSION 1

static bool implemented(long ext) {
    switch (ext) {
    case EXT_BASE: case EXT_TIME: case EXT_IPI: case EXT_RFENCE: case EXT_HSM:
    case EXT_SRST: case EXT_DBCN: case 0: case 1: case 2: case 8:
        return true;
    }
    return false;
}

static struct sbiret base(long fid, uint64_t a0) {
    switch (fid) {
    case 0: return (struct sbiret){0, 2l << 24};   /* spec version 2.0 */
    case 1: return (struct sbiret){0, IMPL_ID};
    case 2: return (struct sbiret){0, IMPL_VERSION};
    case 3: return (struct sbiret){0, implemented((long)a0)};
    case 4: case 5: case 6: return (struct sbiret){0, 0};   /* mvendorid, marchid, mimpid */
    }
    return (struct sbiret){SBI_ERR_NOT_SUPPORTED, 0};
}

static struct sbiret srst(long fid, uint64_t type, uint64_t reason) {
    if (fid != 0) return (struct sbiret){SBI_ERR_NOT_SUPPORTED, 0};
    if (type == 0) power(reason == 0 ? SYSCON_PASS : SYSCON_FAIL | (1u << 16));
    if (type == 1 || type == 2) power(SYSCON_RESET);
    return (struct sbiret){SBI_ERR_INVALID_PARAM, 0};
}

/* The buffer is S-mode's physical memory: the firmware runs untranslated. */
static struct sbiret dbcn(long fid, uint64_t a0, uint64_t a1, uint64_t a2) {
    switch (fid) {
    case 0:     /* write(num_bytes, base_lo, base_hi) */
        if (a2) return (struct sbiret){SBI_ERR_INVALID_PARAM, 0};
        for (uint64_t i = 0; i < a0; i++) uart_putc(((const char *)a1)[i]);
        return (struct sbiret){0, (long)a0};
    case 1: {   /* read(num_bytes, base_lo, base_hi) */
        if (a2) return (struct sbiret){SBI_ERR_INVALID_PARAM, 0};
        uint64_t n = 0;
        for (int c; n < a0 && (c = uart_getc()) >= 0; n++) ((char *)a1)[n] = (char)c;
        return (struct sbiret){0, (long)n};
    }
    case 2:     /* write_byte(byte) */
        uart_putc((char)a0);
        return (struct sbiret){0, 0};
    }
    return (struct sbiret){SBI_ERR_NOT_SUPPORTED, 0};
}

__attribute__((noreturn)) static void unexpected(uint64_t cause) {
    uart_puts("\nsbi: unexpected trap on hart ");
    uart_putc((char)('0' + csr_read(mhartid)));
    uart_puts(", mcause ");
    uart_puthex(cause);
    uart_puts(" mepc ");
    uart_puthex(csr_read(mepc));
    uart_puts(" mtval ");
    uart_puthex(csr_read(mtval));
    uart_puts("\n");
    power(SYSCON_FAIL | (1u << 16));
}

/* x[i] = register xi at the trap; a0..a7 are x[10..17]. */
void m_trap(uint64_t *x) {
    uint64_t cause = csr_read(mcause);
    if ((int64_t)cause < 0) {
        switch (cause & 0xff) {
        case 3: hart_software_interrupt(); return;
        case 7: timer_interrupt(); return;
        }
        unexpected(cause);
    }
    if (cause != 9) unexpected(cause);   /* only ecalls from S are SBI */
    csr_write(mepc, csr_read(mepc) + 4);
    long ext = (long)x[17], fid = (long)x[16];
    uint64_t a0 = x[10], a1 = x[11], a2 = x[12];
    struct sbiret r = {SBI_ERR_NOT_SUPPORTED, 0};
    switch (ext) {
    case 0: timer_set(a0); x[10] = 0; return;                 /* legacy set_timer */
    case 1: uart_putc((char)a0); x[10] = 0; return;           /* legacy console_putchar */
    case 2: x[10] = (uint64_t)(long)uart_getc(); return;      /* legacy console_getchar */
    case 8: power(SYSCON_PASS);                               /* legacy shutdown */
    case EXT_BASE: r = base(fid, a0); break;
    case EXT_TIME:
        if (fid == 0) {
            timer_set(a0);
            r = (struct sbiret){0, 0};
        }
        break;
    case EXT_IPI: r = ipi_call(fid, a0, a1); break;
    case EXT_RFENCE: r = rfence_call(fid, a0, a1); break;
    case EXT_HSM: r = hsm_call(fid, a0, a1, a2); break;
    case EXT_SRST: r = srst(fid, a0, a1); break;
    case EXT_DBCN: r = dbcn(fid, a0, a1, a2); break;
    }
    x[10] = (uint64_t)r.error;
    x[11] = (uint64_t)r.value;
}

/* fw_dynamic's information (a2 from the boot ROM, as OpenSBI reads it). */
struct fw_dynamic_info { uint64_t magic, version, next_addr, next_mode, options, boot_hart; };
#define FW_DYNAMIC_MAGIC 0x4942534f   /* "OSBI" */

/* The boot hart, after entry.S's per-hart M-mode set-up: the next stage. */
__attribute__((noreturn)) void boot_hart_main(uint64_t hartid, uint64_t fdt, const struct fw_dynamic_info *info) {
    uint64_t next = NEXT_STAGE_DEFAULT;
    if (info && ((uint64_t)info & 7) == 0 && (uint64_t)info >= 0x1000 && info->magic == FW_DYNAMIC_MAGIC &&
        info->next_addr)
        next = info->next_addr;
    timer_init();
    enter_s_mode(next, hartid, fdt);
}

/* The boot hart, once .bss is clear: which harts exist. */
void boot_hart_init(uint64_t hartid, const void *fdt) {
    uint64_t mask = fdt_hart_mask(fdt);
    if (!mask) mask = (1ul << MAX_HARTS) - 1;   /* no device tree: assume every hart */
    harts_init((unsigned)hartid, mask);
    aplic_init(mask);
}
