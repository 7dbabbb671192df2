/* periodic: a guest kernel whose vCPUs have work to do every PERIOD, with a
 * deadline at the end of each period, like a control loop. Demand rises
 * and falls: LOW_WORK per period, then HIGH_WORK, then LOW_WORK again,
 * PERIODS each. A period whose work ends after its deadline is a miss.
 * vCPU 0 starts the others (SBI HSM) and prints, per vCPU and phase, the
 * deadlines missed. Work is a fixed number of loop iterations: on
 * stepvisor's 1 GHz cycle model, ITERS_PER_MS of them take a millisecond. */
#include "guest.h"

#define EXT_HSM 0x48534D
#define MAX_VCPUS 4
#define PERIOD 100000          /* time units: 10 ms */
#define PERIODS 5              /* per phase */
#define ITERS_PER_MS 500000    /* two instructions an iteration */
#define LOW_WORK 1             /* ms of work a period */
#define HIGH_WORK 5

static volatile long arrived[MAX_VCPUS], finished[MAX_VCPUS];
static volatile long misses[MAX_VCPUS][3];
static volatile uint64_t start_at;

void periodic_secondary_start(void);
__asm__(".text\n"
        ".globl periodic_secondary_start\n"
        "periodic_secondary_start:\n"
        "  la sp, periodic_stacks\n"
        "  addi t0, a0, 1\n"
        "  slli t0, t0, 13\n"
        "  add sp, sp, t0\n"
        "  call periodic_secondary\n"
        "1: j 1b\n"
        ".bss\n.balign 16\nperiodic_stacks: .space 8192 * 4\n.text\n");

#define SIE_STIE (1ul << 5)
#define SSTATUS_SIE (1ul << 1)

/* Sleeps until hart time t: its timer, then WFI (the hart is free
 * meanwhile). Interrupts are taken only between WFIs, so the timer's
 * cannot slip in between the check and the WFI. */
static void sleep_until(uint64_t t) {
    if (rdtime() >= t) return;
    sbi_set_timer(t);
    __asm__ volatile("csrs sie, %0" :: "r"(SIE_STIE));
    while (rdtime() < t) {
        __asm__ volatile("wfi");
        __asm__ volatile("csrs sstatus, %0" :: "r"(SSTATUS_SIE));
        __asm__ volatile("csrc sstatus, %0" :: "r"(SSTATUS_SIE));
    }
}

static void work(unsigned ms) {
    for (unsigned long i = (unsigned long)ms * ITERS_PER_MS; i; i--) __asm__ volatile("");
}

static void run(unsigned id) {
    static const unsigned load[3] = {LOW_WORK, HIGH_WORK, LOW_WORK};
    while (!start_at) {}
    uint64_t deadline = start_at;
    for (unsigned phase = 0; phase < 3; phase++)
        for (unsigned p = 0; p < PERIODS; p++) {
            uint64_t begin = deadline;
            deadline += PERIOD;
            sleep_until(begin);            /* the period's work arrives at its start */
            work(load[phase]);
            if (rdtime() > deadline) {
                misses[id][phase]++;
                while (deadline < rdtime()) deadline += PERIOD;   /* drop the periods it overran */
            }
        }
    finished[id] = 1;
}

void periodic_secondary(unsigned long hartid) {
    __asm__ volatile("csrw stvec, %0" :: "r"(trap_entry));
    arrived[hartid] = 1;
    run((unsigned)hartid);
    sbi_call(EXT_HSM, 1, 0, 0, 0);   /* hart_stop */
}

int main(unsigned long hartid, unsigned long fdt) {
    (void)hartid, (void)fdt;
    console_init(false);
    __asm__ volatile("csrw stvec, %0" :: "r"(trap_entry));
    unsigned n = 1;
    while (n < MAX_VCPUS && sbi_call(EXT_HSM, 2, n, 0, 0).error == 0) n++;
    for (unsigned h = 1; h < n; h++) {
        sbi_call(EXT_HSM, 0, h, (long)periodic_secondary_start, 0);
        while (!arrived[h]) {}
    }
    printf("periodic: %u vCPUs, %d ms of work every 10 ms, then %d, then %d (%d periods each)\n", n,
           LOW_WORK, HIGH_WORK, LOW_WORK, PERIODS);
    start_at = rdtime() + PERIOD;
    run(0);
    for (unsigned h = 1; h < n; h++) while (!finished[h]) {}
    for (unsigned h = 0; h < n; h++)
        printf("periodic: vCPU %u missed %ld, %ld, %ld deadlines (low, high, low)\n", h, misses[h][0], misses[h][1],
               misses[h][2]);
    return 0;
}

void trap_handler(uint64_t scause, uint64_t sepc) {
    if (scause == ((1ul << 63) | 5)) {   /* its timer: sleep_until sees the time */
        sbi_set_timer(~0ull);
        return;
    }
    printf("periodic: unexpected trap, scause 0x%lx at 0x%lx\n", scause, sepc);
    sbi_shutdown();
}
