/* hv is a supervisor like any other to the firmware beneath it: the
 * console, its own timer and power-off go through SBI calls. Newer
 * extensions are probed once; the legacy calls are the fallback because
 * OpenSBI 1.1 (Debian 12) has no DBCN. */
#include "sbi.h"
#include "lib.h"

static bool have_dbcn, have_time, have_srst;
static long fw_impl_id, fw_impl_version, fw_spec_version;

struct sbiret sbi_ecall(long ext, long fid, long a0, long a1, long a2) {
    register long r_a0 __asm__("a0") = a0;
    register long r_a1 __asm__("a1") = a1;
    register long r_a2 __asm__("a2") = a2;
    register long r_a6 __asm__("a6") = fid;
    register long r_a7 __asm__("a7") = ext;
    __asm__ volatile("ecall"
                     : "+r"(r_a0), "+r"(r_a1)
                     : "r"(r_a2), "r"(r_a6), "r"(r_a7)
                     : "memory");
    return (struct sbiret){r_a0, r_a1};
}

static bool probe(long ext) {
    struct sbiret r = sbi_ecall(SBI_EXT_BASE, SBI_BASE_PROBE_EXTENSION, ext, 0, 0);
    return r.error == SBI_SUCCESS && r.value != 0;
}

void sbi_init(void) {
    fw_spec_version = sbi_ecall(SBI_EXT_BASE, SBI_BASE_GET_SPEC_VERSION, 0, 0, 0).value;
    fw_impl_id = sbi_ecall(SBI_EXT_BASE, SBI_BASE_GET_IMPL_ID, 0, 0, 0).value;
    fw_impl_version = sbi_ecall(SBI_EXT_BASE, SBI_BASE_GET_IMPL_VERSION, 0, 0, 0).value;
    have_dbcn = probe(SBI_EXT_DBCN);
    have_time = probe(SBI_EXT_TIME);
    have_srst = probe(SBI_EXT_SRST);
}

long sbi_firmware_impl_id(void) { return fw_impl_id; }
long sbi_firmware_impl_version(void) { return fw_impl_version; }
long sbi_firmware_spec_version(void) { return fw_spec_version; }

void sbi_console_write(const char *s, uint64_t n) {
    /* hv runs with translation off, so a pointer is a physical address. */
    if (have_dbcn) {
        while (n) {
            struct sbiret r = sbi_ecall(SBI_EXT_DBCN, SBI_DBCN_WRITE, (long)n, (long)s, 0);
            if (r.error != SBI_SUCCESS) break;
            s += r.value;
            n -= (uint64_t)r.value;
        }
        if (n == 0) return;
    }
    for (; n; n--, s++) sbi_ecall(SBI_EXT_LEGACY_CONSOLE_PUTCHAR, 0, *s, 0, 0);
}

int sbi_console_getchar(void) {
    /* The legacy call: OpenSBI 1.1 has no DBCN read. */
    long c = sbi_ecall(SBI_EXT_LEGACY_CONSOLE_GETCHAR, 0, 0, 0, 0).error;
    return c < 0 ? -1 : (int)(c & 0xff);
}

void sbi_set_timer(uint64_t stime) {
    if (have_time)
        sbi_ecall(SBI_EXT_TIME, 0, (long)stime, 0, 0);
    else
        sbi_ecall(SBI_EXT_LEGACY_SET_TIMER, 0, (long)stime, 0, 0);
}

void sbi_shutdown(void) {
    if (have_srst)
        sbi_ecall(SBI_EXT_SRST, 0, SBI_SRST_TYPE_SHUTDOWN, 0, 0);
    sbi_ecall(SBI_EXT_LEGACY_SHUTDOWN, 0, 0, 0, 0);
    for (;;) __asm__ volatile("wfi");
}

void sbi_send_ipi(uint64_t hart_mask, uint64_t hart_mask_base) {
    sbi_ecall(SBI_EXT_IPI, 0, (long)hart_mask, (long)hart_mask_base, 0);
}

long sbi_hart_start(uint64_t hartid, uint64_t start_addr, uint64_t opaque) {
    return sbi_ecall(SBI_EXT_HSM, 0, (long)hartid, (long)start_addr, (long)opaque).error;
}

void sbi_hart_stop(void) {
    sbi_ecall(SBI_EXT_HSM, 1, 0, 0, 0);
    for (;;) __asm__ volatile("wfi");
}
