/* What the guest kernels share: SBI calls and a tiny printf. */
#pragma once
#include <stdint.h>
#include <stdbool.h>

struct sbiret { long error; long value; };
struct sbiret sbi_call(long ext, long fid, long a0, long a1, long a2);

#define SBI_EXT_BASE 0x10
#define SBI_EXT_TIME 0x54494D45
#define SBI_EXT_SRST 0x53525354
#define SBI_EXT_DBCN 0x4442434E

/* Console output goes through SBI DBCN when the SBI offers it, else the
 * legacy console_putchar; a kernel may insist on the legacy call. */
void console_init(bool legacy_only);
bool console_uses_dbcn(void);
void printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* A kernel with a console driver of its own sends printf's output there. */
void console_set_writer(void (*write)(const char *s, unsigned n));

void sbi_set_timer(uint64_t stime);
void sbi_shutdown(void) __attribute__((noreturn));

static inline uint64_t rdtime(void) {
    uint64_t t;
    __asm__ volatile("csrr %0, time" : "=r"(t));
    return t;
}

/* Whether the device tree has a node of that compatible string. */
bool fdt_has_compatible(const void *fdt, const char *compatible);
/* This hart's S-level interrupt file (imsic.c): a register by its siselect
 * number, an identity enabled, and the claim of the top one (0: none). */
#define IMSIC_EIDELIVERY  0x70
#define IMSIC_EITHRESHOLD 0x72
#define IMSIC_EIE0        0xc0
#define IMSIC_S_GPA       0x28000000ul   /* QEMU virt's S-level IMSIC pages, one a hart */
void imsic_write(uint64_t sel, uint64_t value);
void imsic_enable(unsigned id);
unsigned imsic_claim(void);

void trap_entry(void);
void trap_handler(uint64_t scause, uint64_t sepc);
