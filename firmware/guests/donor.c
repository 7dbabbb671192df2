/* donor: a guest kernel with a balloon driver. Its free memory is the RAM
 * above its image (POOL_START..RAM_END, a page each); every TICK it asks
 * hv for its balloon target (BALLOON_TARGET) and gives pages to hv
 * (inflate) or takes its own back (deflate) until its balloon holds the
 * target, printing its free memory whenever that changes. It ends once the
 * balloon has been inflated and is empty again. */
#include "balloon.h"

#define POOL_START 0x80100000ul
#define RAM_END    0x80400000ul   /* 4 MiB of RAM at 0x8000_0000 */
#define PAGES      ((RAM_END - POOL_START) / 4096)
#define TICK       20000          /* time units: 2 ms */
#define GIVE_UP    10000000       /* 1 s without the balloon coming back: stop */

static uint64_t balloon[PAGES];   /* GPAs in the balloon, a stack */
static unsigned held;
static unsigned free_pages = PAGES;
static unsigned next_free;        /* pages below this index are taken from the pool */

static void report(uint64_t t0, const char *what) {
    printf("donor: t=%lu us %s: balloon %u pages, free %u KiB\n", us_since(t0), what, held, free_pages * 4);
}

int main(unsigned long hartid, unsigned long fdt) {
    (void)hartid, (void)fdt;
    console_init(false);
    uint64_t t0 = rdtime();
    bool inflated = false;
    report(t0, "start");
    for (;;) {
        struct sbiret t = balloon_call(BALLOON_TARGET, 0);
        if (t.error) {
            printf("donor: no balloon in this hypervisor (error %ld)\n", t.error);
            return 0;
        }
        unsigned target = (unsigned)t.value, before = held;
        while (held < target && next_free < PAGES) {
            uint64_t gpa = POOL_START + 4096ul * next_free;
            /* Touching a page after giving it away would fault in the G-stage. */
            if (balloon_call(BALLOON_GIVE, (long)gpa).error) break;
            next_free++;
            balloon[held++] = gpa;
            free_pages--;
        }
        while (held > target) {
            uint64_t gpa = balloon[held - 1];
            if (balloon_call(BALLOON_TAKE, (long)gpa).error) break;
            held--;
            next_free--;
            free_pages++;
            *(volatile uint64_t *)gpa = gpa;   /* its own RAM again, and zeroed by hv */
        }
        if (held != before) {
            if (held > before && !inflated) {
                /* A page in the balloon is not its own any more: hv must not
                 * read it on its behalf (it may hold another VM's data now). */
                printf("donor: SBI console write from a page in the balloon: %ld\n",
                       sbi_call(SBI_EXT_DBCN, 0, 8, (long)balloon[0], 0).error);
            }
            inflated |= held > before;
            report(t0, held > before ? "inflated" : "deflated");
        }
        if (inflated && held == 0) break;
        if (us_since(t0) * 10 > GIVE_UP) {
            printf("donor: gave up waiting\n");
            break;
        }
        uint64_t until = rdtime() + TICK;
        while (rdtime() < until) {}
    }
    report(t0, "end");
    return 0;
}

void trap_handler(uint64_t scause, uint64_t sepc) {
    printf("donor: unexpected trap, scause 0x%lx at 0x%lx\n", scause, sepc);
    sbi_shutdown();
}
