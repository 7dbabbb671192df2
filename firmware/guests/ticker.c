/* ticker: a guest kernel that takes timer interrupts. It asks SBI for a
 * timer, sleeps in WFI, and counts TICKS interrupts, printing each; then
 * SPIN_TICKS more while it spins instead of sleeping, so the interrupt must
 * arrive while it runs: from vstimecmp without hv when the hart has Sstc,
 * through a VM exit and hvip.VSTIP when it does not. */
#include "guest.h"

#define TICKS 5
#define SPIN_TICKS 3
#define TICK_TIME 300000   /* time units: 30 ms at QEMU virt's 10 MHz timebase */

#define SIE_STIE     (1ul << 5)
#define SSTATUS_SIE  (1ul << 1)
#define SCAUSE_S_TIMER ((1ul << 63) | 5)

static volatile unsigned ticks;

void trap_handler(uint64_t scause, uint64_t sepc) {
    if (scause != SCAUSE_S_TIMER) {
        printf("ticker: unexpected trap, scause 0x%lx at 0x%lx\n", scause, sepc);
        sbi_shutdown();
    }
    ticks++;
    printf("tick %u\n", ticks);
    /* Setting the next timer also clears this one's pending interrupt. */
    sbi_set_timer(ticks < TICKS + SPIN_TICKS ? rdtime() + TICK_TIME : ~0ull);
}

int main(unsigned long hartid, unsigned long fdt) {
    console_init(true);   /* the legacy console, to exercise that SBI path */
    printf("ticker: hart %lu, %d ticks, one every %d time units\n", hartid, TICKS, TICK_TIME);
    __asm__ volatile("csrw stvec, %0" :: "r"(trap_entry));
    __asm__ volatile("csrs sie, %0" :: "r"(SIE_STIE));
    sbi_set_timer(rdtime() + TICK_TIME);
    __asm__ volatile("csrs sstatus, %0" :: "r"(SSTATUS_SIE));
    while (ticks < TICKS) __asm__ volatile("wfi");
    printf("ticker: %d more ticks, spinning instead of WFI\n", SPIN_TICKS);
    while (ticks < TICKS + SPIN_TICKS) {}
    printf("ticker: done after %u ticks\n", ticks);
    (void)fdt;
    return 0;
}
