/* beat: a guest kernel with a heartbeat. Every BEAT_TIME its timer
 * interrupt prints "beat N"; in between it sleeps in WFI. It never ends by
 * itself: the management controller resets it or powers the machine down.
 * hang.c builds the same kernel with a bug (HANG_AT). */
#include "guest.h"

#ifndef NAME
#define NAME "beat"
#endif
#define BEAT_TIME 50000   /* time units: 5 ms at QEMU virt's 10 MHz timebase */

#define SIE_STIE     (1ul << 5)
#define SSTATUS_SIE  (1ul << 1)
#define SCAUSE_S_TIMER ((1ul << 63) | 5)

static volatile unsigned long beats;
static uint64_t booted_at;

void trap_handler(uint64_t scause, uint64_t sepc) {
    if (scause != SCAUSE_S_TIMER) {
        printf(NAME ": unexpected trap, scause 0x%lx at 0x%lx\n", scause, sepc);
        sbi_shutdown();
    }
    beats++;
    printf("beat %lu\n", beats);
#ifdef HANG_AT
    if (beats == HANG_AT && booted_at < HANG_BEFORE) {
        printf(NAME ": interrupts off, spinning\n");
        __asm__ volatile("csrc sstatus, %0" :: "r"(SSTATUS_SIE));
        for (;;) {}
    }
#endif
    sbi_set_timer(rdtime() + BEAT_TIME);
}

int main(unsigned long hartid, unsigned long fdt) {
    booted_at = rdtime();
    console_init(false);
    printf(NAME ": hart %lu, a beat every %d time units\n", hartid, BEAT_TIME);
    __asm__ volatile("csrw stvec, %0" :: "r"(trap_entry));
    __asm__ volatile("csrs sie, %0" :: "r"(SIE_STIE));
    sbi_set_timer(rdtime() + BEAT_TIME);
    __asm__ volatile("csrs sstatus, %0" :: "r"(SSTATUS_SIE));
    for (;;) __asm__ volatile("wfi");
    (void)fdt;
    return 0;
}
