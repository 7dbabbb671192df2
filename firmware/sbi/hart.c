/* Harts: SBI HSM (start, stop, status, suspend), IPIs and remote fences.
 * Every hart enters the firmware at reset; all but the boot hart wait
 * STOPPED until hart_start. A request to another hart is a bit in its
 * `pending` word and a CLINT software interrupt (MSIP); the target takes
 * the M software interrupt and does what the bits say: SSIP for S (an IPI),
 * or a local fence (RFENCE), counting down each sender's `waiting`. */
#include "platform.h"

enum hsm_state { STARTED = 0, STOPPED = 1, START_PENDING = 2, STOP_PENDING = 3,
                 SUSPENDED = 4, SUSPEND_PENDING = 5, RESUME_PENDING = 6 };

#define REQ_IPI      (1u << 0)
#define REQ_FENCE_I  (1u << 1)
#define REQ_SFENCE   (1u << 2)
#define REQ_HFENCE_G (1u << 3)
#define REQ_HFENCE_V (1u << 4)

struct hart {
    volatile uint32_t present;    /* the device tree names it */
    volatile uint32_t state;      /* enum hsm_state */
    volatile uint64_t start_addr, opaque;
    volatile uint32_t pending;    /* REQ_* */
    volatile uint32_t fence_from; /* harts waiting for this one's fence, a bit each */
    volatile uint32_t waiting;    /* fences this hart asked for and waits on */
};
static struct hart harts[MAX_HARTS];

static unsigned me(void) { return (unsigned)csr_read(mhartid); }

/* Every hart the machine has is STOPPED from the start, arrived or not: a
 * hart_start may come before the hart reaches hart_park, which then finds
 * it START_PENDING. */
void harts_init(unsigned boot_hart, uint64_t mask) {
    mask |= 1ul << boot_hart;
    for (unsigned i = 0; i < MAX_HARTS; i++) {
        if (!(mask >> i & 1)) continue;
        harts[i].state = i == boot_hart ? STARTED : STOPPED;
        harts[i].present = 1;
    }
}

unsigned hart_count(void) {
    unsigned n = 0;
    for (unsigned i = 0; i < MAX_HARTS; i++) n += harts[i].present;
    return n;
}

static bool valid(uint64_t h) { return h < MAX_HARTS && harts[h].present; }

static void send(unsigned target, uint32_t req) {
    __atomic_fetch_or(&harts[target].pending, req, __ATOMIC_ACQ_REL);
    *(volatile uint32_t *)CLINT_MSIP(target) = 1;
}

/* Runs the requests other harts left for this one. */
void hart_software_interrupt(void) {
    unsigned h = me();
    *(volatile uint32_t *)CLINT_MSIP(h) = 0;
    uint32_t req = __atomic_exchange_n(&harts[h].pending, 0, __ATOMIC_ACQ_REL);
    if (req & REQ_IPI) csr_set(mip, MIP_SSIP);
    if (req & REQ_FENCE_I) __asm__ volatile("fence.i" ::: "memory");
    if (req & REQ_SFENCE) __asm__ volatile("sfence.vma" ::: "memory");
    if (req & REQ_HFENCE_G) __asm__ volatile(".option push\n.option arch, +h\nhfence.gvma\n.option pop" ::: "memory");
    if (req & REQ_HFENCE_V) __asm__ volatile(".option push\n.option arch, +h\nhfence.vvma\n.option pop" ::: "memory");
    uint32_t from = __atomic_exchange_n(&harts[h].fence_from, 0, __ATOMIC_ACQ_REL);
    for (unsigned s = 0; s < MAX_HARTS; s++)
        if (from >> s & 1) __atomic_fetch_sub(&harts[s].waiting, 1, __ATOMIC_ACQ_REL);
}

/* The harts a (hart_mask, hart_mask_base) pair names; base -1: all. */
static bool for_each_target(uint64_t mask, uint64_t base, uint32_t req, bool wait) {
    uint64_t all = 0;
    for (unsigned i = 0; i < MAX_HARTS; i++)
        if (harts[i].present) all |= 1ul << i;
    uint64_t set;
    if (base == (uint64_t)-1) set = all;
    else if (base >= MAX_HARTS) return mask == 0;
    else set = mask << base;
    if (set & ~all) return false;
    for (unsigned i = 0; i < MAX_HARTS; i++) {
        if (!(set >> i & 1)) continue;
        if (wait) {
            __atomic_fetch_add(&harts[me()].waiting, 1, __ATOMIC_ACQ_REL);
            __atomic_fetch_or(&harts[i].fence_from, 1u << me(), __ATOMIC_ACQ_REL);
        }
        send(i, req);
    }
    return true;
}

struct sbiret ipi_call(long fid, uint64_t mask, uint64_t base) {
    if (fid != 0) return (struct sbiret){SBI_ERR_NOT_SUPPORTED, 0};
    if (!for_each_target(mask, base, REQ_IPI, false)) return (struct sbiret){SBI_ERR_INVALID_PARAM, 0};
    return (struct sbiret){SBI_SUCCESS, 0};
}

/* Fences cover the whole address space (a superset of any range asked for). */
struct sbiret rfence_call(long fid, uint64_t mask, uint64_t base) {
    static const uint32_t req[] = {REQ_FENCE_I, REQ_SFENCE, REQ_SFENCE, REQ_HFENCE_G,
                                   REQ_HFENCE_G, REQ_HFENCE_V, REQ_HFENCE_V};
    if (fid < 0 || fid > 6) return (struct sbiret){SBI_ERR_NOT_SUPPORTED, 0};
    if (!for_each_target(mask, base, req[fid], true)) return (struct sbiret){SBI_ERR_INVALID_PARAM, 0};
    /* The targets fence when they take their M software interrupt; this
     * hart (perhaps a target itself) serves its own requests meanwhile, so
     * two harts fencing each other do not wait forever. */
    while (__atomic_load_n(&harts[me()].waiting, __ATOMIC_ACQUIRE))
        if (csr_read(mip) & MIP_MSIP) hart_software_interrupt();
    return (struct sbiret){SBI_SUCCESS, 0};
}

/* A stopped hart, in hart_park's loop, after each wake-up. */
void hart_parked(void) {
    unsigned h = me();
    if (csr_read(mip) & MIP_MSIP) hart_software_interrupt();
    if (harts[h].state != START_PENDING) return;
    uint64_t addr = harts[h].start_addr, opaque = harts[h].opaque;
    csr_clear(mip, MIP_SSIP);
    timer_init();
    harts[h].state = STARTED;
    enter_s_mode(addr, h, opaque);
}

static struct sbiret suspend(uint64_t type, uint64_t resume_addr, uint64_t opaque) {
    unsigned h = me();
    if (type != 0 && type != 0x80000000ul) return (struct sbiret){SBI_ERR_INVALID_PARAM, 0};
    harts[h].state = SUSPENDED;
    /* Until an interrupt S has enabled (the S bits of mie are sie's) is pending. */
    while (!(csr_read(mip) & csr_read(mie) & ~(MIP_MSIP | MIP_MTIP))) {
        __asm__ volatile("wfi");
        if (csr_read(mip) & MIP_MSIP) hart_software_interrupt();
        if ((csr_read(mip) & MIP_MTIP) && (csr_read(mie) & MIP_MTIP)) timer_interrupt();
    }
    harts[h].state = STARTED;
    if (type == 0) return (struct sbiret){SBI_SUCCESS, 0};
    enter_s_mode(resume_addr, h, opaque);   /* non-retentive: as if started anew */
}

struct sbiret hsm_call(long fid, uint64_t a0, uint64_t a1, uint64_t a2) {
    switch (fid) {
    case 0: {   /* hart_start(hartid, start_addr, opaque) */
        if (!valid(a0)) return (struct sbiret){SBI_ERR_INVALID_PARAM, 0};
        uint32_t expect = STOPPED;
        if (!__atomic_compare_exchange_n(&harts[a0].state, &expect, START_PENDING, false,
                                         __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
            return (struct sbiret){SBI_ERR_ALREADY_AVAILABLE, 0};
        harts[a0].start_addr = a1;
        harts[a0].opaque = a2;
        __atomic_thread_fence(__ATOMIC_RELEASE);
        *(volatile uint32_t *)CLINT_MSIP(a0) = 1;
        return (struct sbiret){SBI_SUCCESS, 0};
    }
    case 1:     /* hart_stop() */
        harts[me()].state = STOPPED;
        csr_clear(mie, MIP_MTIP);
        hart_park();
    case 2:     /* hart_get_status(hartid) */
        if (!valid(a0)) return (struct sbiret){SBI_ERR_INVALID_PARAM, 0};
        return (struct sbiret){SBI_SUCCESS, harts[a0].state};
    case 3:     /* hart_suspend(type, resume_addr, opaque) */
        return suspend(a0, a1, a2);
    }
    return (struct sbiret){SBI_ERR_NOT_SUPPORTED, 0};
}
