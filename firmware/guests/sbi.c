#include <stdarg.h>
#include "guest.h"

static bool use_dbcn;
static void (*writer)(const char *s, unsigned n);

void console_set_writer(void (*write)(const char *s, unsigned n)) { writer = write; }

struct sbiret sbi_call(long ext, long fid, long a0, long a1, long a2) {
    register long r_a0 __asm__("a0") = a0;
    register long r_a1 __asm__("a1") = a1;
    register long r_a2 __asm__("a2") = a2;
    register long r_a6 __asm__("a6") = fid;
    register long r_a7 __asm__("a7") = ext;
    __asm__ volatile("ecall" : "+r"(r_a0), "+r"(r_a1) : "r"(r_a2), "r"(r_a6), "r"(r_a7) : "memory");
    return (struct sbiret){r_a0, r_a1};
}

void console_init(bool legacy_only) {
    if (legacy_only) return;
    struct sbiret r = sbi_call(SBI_EXT_BASE, 3, SBI_EXT_DBCN, 0, 0);   /* probe_extension */
    use_dbcn = r.error == 0 && r.value != 0;
}

bool console_uses_dbcn(void) { return use_dbcn; }

static void console_write(const char *s, unsigned n) {
    if (n == 0) return;
    if (writer) {
        writer(s, n);
        return;
    }
    if (use_dbcn) {
        /* Translation is off in these kernels, so the pointer is the
         * (guest-)physical address DBCN wants. */
        sbi_call(SBI_EXT_DBCN, 0, n, (long)s, 0);
        return;
    }
    for (unsigned i = 0; i < n; i++) sbi_call(0x01, 0, s[i], 0, 0);   /* legacy putchar */
}

void sbi_set_timer(uint64_t stime) { sbi_call(SBI_EXT_TIME, 0, (long)stime, 0, 0); }

void sbi_shutdown(void) {
    sbi_call(SBI_EXT_SRST, 0, 0, 0, 0);   /* shutdown, no reason */
    sbi_call(0x08, 0, 0, 0, 0);           /* legacy shutdown */
    for (;;) __asm__ volatile("wfi");
}

/* %d %u %x %s %c with an optional l: enough for the guests' messages. */
void printf(const char *fmt, ...) {
    char buf[128];
    unsigned n = 0;
    va_list ap;
    va_start(ap, fmt);
    for (; *fmt; fmt++) {
        if (n > sizeof buf - 24) console_write(buf, n), n = 0;
        if (*fmt != '%') {
            buf[n++] = *fmt;
            continue;
        }
        bool lng = false;
        if (*++fmt == 'l') lng = true, fmt++;
        if (*fmt == 's') {
            console_write(buf, n), n = 0;
            const char *s = va_arg(ap, const char *);
            unsigned len = 0;
            while (s[len]) len++;
            console_write(s, len);
            continue;
        }
        if (*fmt == 'c') {
            buf[n++] = (char)va_arg(ap, int);
            continue;
        }
        unsigned base = *fmt == 'x' ? 16 : 10;
        uint64_t v;
        if (*fmt == 'd') {
            int64_t sv = lng ? va_arg(ap, int64_t) : va_arg(ap, int);
            if (sv < 0) buf[n++] = '-', sv = -sv;
            v = (uint64_t)sv;
        } else {
            v = lng ? va_arg(ap, uint64_t) : va_arg(ap, unsigned);
        }
        char tmp[20];
        unsigned k = 0;
        do tmp[k++] = "0123456789abcdef"[v % base], v /= base; while (v);
        while (k) buf[n++] = tmp[--k];
    }
    va_end(ap);
    console_write(buf, n);
}
