/* hungry: a guest kernel that needs more memory than its RAM. It asks hv
 * for EXTRA pages (BALLOON_ASK), maps each at EXTRA_GPA.. as hv has them
 * (BALLOON_TAKE: they come from another VM's balloon), fills and checks
 * every one, uses them for a while, then gives them back (BALLOON_GIVE). */
#include "balloon.h"

#define EXTRA 128
#define EXTRA_GPA 0x90000000ul    /* beyond its RAM: nothing there until hv maps it */
#define USE_TIME 100000           /* time units: 10 ms */
#define GIVE_UP 10000000          /* 1 s */

int main(unsigned long hartid, unsigned long fdt) {
    (void)hartid, (void)fdt;
    console_init(false);
    uint64_t t0 = rdtime();
    printf("hungry: t=%lu us asking hv for %d extra pages (%d KiB): %ld\n", us_since(t0), EXTRA, EXTRA * 4,
           balloon_call(BALLOON_ASK, EXTRA).error);
    unsigned have = 0;
    while (have < EXTRA) {
        if (balloon_call(BALLOON_TAKE, (long)(EXTRA_GPA + 4096ul * have)).error == 0) {
            have++;
            continue;
        }
        if (us_since(t0) * 10 > GIVE_UP) {
            printf("hungry: only %u pages came\n", have);
            return 0;
        }
        uint64_t until = rdtime() + 10000;   /* 1 ms */
        while (rdtime() < until) {}
    }
    unsigned zero = 0, good = 0;
    for (unsigned i = 0; i < EXTRA; i++) {
        volatile uint64_t *page = (volatile uint64_t *)(EXTRA_GPA + 4096ul * i);
        bool clean = true;
        for (unsigned w = 0; w < 512; w++) clean &= page[w] == 0;
        zero += clean;
        for (unsigned w = 0; w < 512; w++) page[w] = (uint64_t)&page[w] ^ 0x5a5a;
    }
    for (unsigned i = 0; i < EXTRA; i++) {
        volatile uint64_t *page = (volatile uint64_t *)(EXTRA_GPA + 4096ul * i);
        bool ok = true;
        for (unsigned w = 0; w < 512; w++) ok &= page[w] == ((uint64_t)&page[w] ^ 0x5a5a);
        good += ok;
    }
    printf("hungry: t=%lu us has %u extra pages at 0x%lx: %u came zeroed, %u hold what was written\n",
           us_since(t0), have, EXTRA_GPA, zero, good);
    uint64_t until = rdtime() + USE_TIME;
    while (rdtime() < until) {}
    balloon_call(BALLOON_ASK, 0);
    unsigned back = 0;
    for (unsigned i = 0; i < EXTRA; i++) back += balloon_call(BALLOON_GIVE, (long)(EXTRA_GPA + 4096ul * i)).error == 0;
    printf("hungry: t=%lu us gave %u pages back\n", us_since(t0), back);
    return 0;
}

void trap_handler(uint64_t scause, uint64_t sepc) {
    printf("hungry: unexpected trap, scause 0x%lx at 0x%lx\n", scause, sepc);
    sbi_shutdown();
}
