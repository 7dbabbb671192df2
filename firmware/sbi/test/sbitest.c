/* sbitest: an S-mode program that checks an SBI implementation's HSM, IPI,
 * RFENCE and TIME extensions on four harts and prints what it saw, one
 * deterministic line per fact. The same program runs on firmware/sbi and
 * on OpenSBI (the oracle): the lines must be the same. It ends with
 * "sbitest: PASS" or "sbitest: FAIL (n)" and SBI system reset. */
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>

#define HARTS 4
#define EXT_BASE 0x10
#define EXT_TIME 0x54494D45
#define EXT_IPI 0x735049
#define EXT_RFENCE 0x52464E43
#define EXT_HSM 0x48534D
#define EXT_SRST 0x53525354
#define EXT_DBCN 0x4442434E
#define SIE_SSIE (1ul << 1)
#define SIE_STIE (1ul << 5)
#define SSTATUS_SIE (1ul << 1)

struct sbiret { long error, value; };
static struct sbiret ecall(long ext, long fid, long a0, long a1, long a2) {
    register long r0 __asm__("a0") = a0, r1 __asm__("a1") = a1, r2 __asm__("a2") = a2;
    register long r6 __asm__("a6") = fid, r7 __asm__("a7") = ext;
    __asm__ volatile("ecall" : "+r"(r0), "+r"(r1) : "r"(r2), "r"(r6), "r"(r7) : "memory");
    return (struct sbiret){r0, r1};
}

static void putc_(char c) { ecall(1, 0, c, 0, 0); }   /* legacy console_putchar: both have it */
static void puts_(const char *s) { while (*s) putc_(*s++); }
static void putnum(long v) {
    char b[24];
    int n = 0;
    unsigned long u = v < 0 ? -(unsigned long)v : (unsigned long)v;
    do b[n++] = (char)('0' + u % 10); while (u /= 10);
    if (v < 0) putc_('-');
    while (n) putc_(b[--n]);
}
/* %d (long) and %s only. */
static void say(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    puts_("sbitest: ");
    for (; *fmt; fmt++) {
        if (*fmt != '%') { putc_(*fmt); continue; }
        if (*++fmt == 'd') putnum(va_arg(ap, long));
        else puts_(va_arg(ap, const char *));
    }
    va_end(ap);
    putc_('\n');
}

static unsigned failures;
static void expect(bool ok, const char *what) {
    if (!ok) {
        failures++;
        say("MISMATCH: %s", what);
    }
}

static volatile long arrived[HARTS], opaque_seen[HARTS], ipis[HARTS], ticks[HARTS];
static volatile long phase[HARTS];   /* what hart 0 tells a secondary to do next */
extern char secondary_start[];

static uint64_t rdtime(void) { uint64_t t; __asm__ volatile("csrr %0, time" : "=r"(t)); return t; }
static unsigned hartid_of_tp(void) { unsigned long tp; __asm__ volatile("mv %0, tp" : "=r"(tp)); return (unsigned)tp; }

void trap_handler(uint64_t scause) {
    unsigned h = hartid_of_tp();
    if (scause == ((1ul << 63) | 1)) {          /* supervisor software interrupt: an IPI */
        __asm__ volatile("csrc sip, %0" :: "r"(SIE_SSIE));
        ipis[h]++;
    } else if (scause == ((1ul << 63) | 5)) {   /* supervisor timer interrupt */
        ecall(EXT_TIME, 0, -1, 0, 0);
        ticks[h]++;
    } else {
        say("unexpected trap, scause %d", (long)scause);
        ecall(EXT_SRST, 0, 0, 1, 0);
    }
}

static void wait_until(volatile long *p, long v) {
    for (long spin = 0; *p < v; spin++)
        if (spin > 200000000) { say("timed out waiting"); ecall(EXT_SRST, 0, 0, 1, 0); }
}

/* WFI until *p reaches v, without losing a wake-up: interrupts are taken
 * only between the check and the next WFI (WFI wakes on a pending one even
 * with sstatus.SIE clear). */
static void sleep_until(volatile long *p, long v) {
    __asm__ volatile("csrc sstatus, %0" :: "r"(SSTATUS_SIE));
    while (*p < v) {
        __asm__ volatile("wfi");
        __asm__ volatile("csrs sstatus, %0" :: "r"(SSTATUS_SIE));
        __asm__ volatile("csrc sstatus, %0" :: "r"(SSTATUS_SIE));
    }
    __asm__ volatile("csrs sstatus, %0" :: "r"(SSTATUS_SIE));
}

static long status(long h) { return ecall(EXT_HSM, 2, h, 0, 0).value; }
static void wait_status(long h, long s) { for (long i = 0; status(h) != s && i < 100000000; i++) {} }

void secondary_main(unsigned long hartid, unsigned long opaque) {
    __asm__ volatile("mv tp, %0" :: "r"(hartid));
    opaque_seen[hartid] = (long)opaque;
    __asm__ volatile("csrs sie, %0" :: "r"(SIE_SSIE | SIE_STIE));
    __asm__ volatile("csrs sstatus, %0" :: "r"(SSTATUS_SIE));
    arrived[hartid]++;
    sleep_until(&phase[hartid], 1);
    if (phase[hartid] == 1) {
        /* Retentive suspend: returns after an interrupt (hart 0's IPI). */
        __asm__ volatile("csrc sstatus, %0" :: "r"(SSTATUS_SIE));
        struct sbiret r = ecall(EXT_HSM, 3, 0, 0, 0);
        __asm__ volatile("csrs sstatus, %0" :: "r"(SSTATUS_SIE));
        opaque_seen[hartid] = r.error == 0 ? 1000 : r.error;
        arrived[hartid]++;
        sleep_until(&phase[hartid], 2);
    }
    ecall(EXT_HSM, 1, 0, 0, 0);   /* hart_stop: does not return */
    say("hart_stop returned");
}

int main(unsigned long hartid, unsigned long fdt) {
    (void)fdt;
    __asm__ volatile("mv tp, %0" :: "r"(hartid));
    if (hartid >= HARTS) { say("booted on hart %d, expected 0..3", (long)hartid); ecall(EXT_SRST, 0, 0, 1, 0); }
    /* The boot hart is whichever the firmware chose (OpenSBI draws lots);
     * the lines name the others "secondary 1..3", in hart-id order. */
    long sec[HARTS], n = 0;
    for (long h = 0; h < HARTS; h++)
        if (h != (long)hartid) sec[++n] = h;
    long boot = (long)hartid, mask_all_secondaries = 0;
    for (long k = 1; k < HARTS; k++) mask_all_secondaries |= 1l << sec[k];
    say("start");
    static const struct { long id; const char *name; } exts[] = {
        {EXT_TIME, "TIME"}, {EXT_IPI, "IPI"}, {EXT_RFENCE, "RFENCE"}, {EXT_HSM, "HSM"}, {EXT_SRST, "SRST"}};
    for (unsigned i = 0; i < sizeof exts / sizeof exts[0]; i++)
        say("probe %s: %d", exts[i].name, ecall(EXT_BASE, 3, exts[i].id, 0, 0).value);

    /* HSM: start the secondaries. */
    for (long k = 1; k < HARTS; k++) {
        long h = sec[k];
        say("secondary %d status before start: %d", k, status(h));
        say("secondary %d start: %d", k, ecall(EXT_HSM, 0, h, (long)secondary_start, 100 * k).error);
        wait_until(&arrived[h], 1);
        say("secondary %d arrived with opaque %d", k, opaque_seen[h]);
        say("secondary %d status: %d", k, status(h));
        say("secondary %d start again: %d", k, ecall(EXT_HSM, 0, h, (long)secondary_start, 0).error);
    }
    say("status of hart 9: %d", ecall(EXT_HSM, 2, 9, 0, 0).error);

    /* IPIs: to the secondaries, then secondary 2 alone (mask 1 at its
     * base), then to all harts (base -1), the boot hart included. */
    __asm__ volatile("csrs sie, %0" :: "r"(SIE_SSIE | SIE_STIE));
    __asm__ volatile("csrs sstatus, %0" :: "r"(SSTATUS_SIE));
    say("send_ipi to the secondaries: %d", ecall(EXT_IPI, 0, mask_all_secondaries, 0, 0).error);
    for (long k = 1; k < HARTS; k++) wait_until(&ipis[sec[k]], 1);
    say("send_ipi to secondary 2 (mask 1 at its base): %d", ecall(EXT_IPI, 0, 1, sec[2], 0).error);
    wait_until(&ipis[sec[2]], 2);
    say("send_ipi to all (base -1): %d", ecall(EXT_IPI, 0, 0, -1, 0).error);
    wait_until(&ipis[boot], 1);
    for (long k = 1; k < HARTS; k++) wait_until(&ipis[sec[k]], k == 2 ? 3 : 2);
    say("boot hart took %d IPIs", ipis[boot]);
    for (long k = 1; k < HARTS; k++) say("secondary %d took %d IPIs", k, ipis[sec[k]]);

    /* Remote fences on the secondaries and on all. */
    static const char *const fence[] = {"remote_fence_i", "remote_sfence_vma", "remote_sfence_vma_asid",
                                        "remote_hfence_gvma_vmid", "remote_hfence_gvma",
                                        "remote_hfence_vvma_asid", "remote_hfence_vvma"};
    for (long f = 0; f < 7; f++) {
        say("%s on the secondaries: %d", fence[f], ecall(EXT_RFENCE, f, mask_all_secondaries, 0, 0).error);
        say("%s on all: %d", fence[f], ecall(EXT_RFENCE, f, 0, -1, 0).error);
    }

    /* TIME: three timer interrupts on the boot hart. */
    for (long i = 1; i <= 3; i++) {
        ecall(EXT_TIME, 0, (long)(rdtime() + 1000), 0, 0);
        sleep_until(&ticks[boot], i);
    }
    say("boot hart took %d timer interrupts", ticks[boot]);

    /* Suspend: secondary 1 suspends (retentive) until an IPI. */
    phase[sec[1]] = 1;
    ecall(EXT_IPI, 0, 1, sec[1], 0);
    wait_status(sec[1], 4);
    say("secondary 1 status while suspended: %d", status(sec[1]));
    ecall(EXT_IPI, 0, 1, sec[1], 0);
    wait_until(&arrived[sec[1]], 2);
    say("secondary 1 resumed: %d", opaque_seen[sec[1]]);

    /* Stop: every secondary stops itself; then secondary 3 starts again. */
    for (long k = 1; k < HARTS; k++) {
        phase[sec[k]] = 2;
        ecall(EXT_IPI, 0, 1, sec[k], 0);
        wait_status(sec[k], 1);
        say("secondary %d status after hart_stop: %d", k, status(sec[k]));
    }
    say("secondary 3 restart: %d", ecall(EXT_HSM, 0, sec[3], (long)secondary_start, 333).error);
    wait_until(&arrived[sec[3]], 2);
    say("secondary 3 arrived again with opaque %d", opaque_seen[sec[3]]);
    phase[sec[3]] = 2;
    ecall(EXT_IPI, 0, 1, sec[3], 0);
    wait_status(sec[3], 1);
    say("secondary 3 status: %d", status(sec[3]));

    expect(failures == 0, "no mismatch");
    if (failures) say("FAIL (%d)", (long)failures);
    else say("PASS");
    ecall(EXT_SRST, 0, 0, failures ? 1 : 0, 0);
    return 0;
}
