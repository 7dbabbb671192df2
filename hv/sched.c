#include "sched.h"
#include "exit.h"
#include "hart.h"
#include "riscv.h"
#include "sbi.h"
#include "vm.h"

#define SCHED_MAX_VCPUS (VM_MAX * VM_MAX_VCPUS)
#define SLICES_PER_SECOND 100   /* 10 ms time slices */

static struct vcpu *runq[SCHED_MAX_VCPUS];
static unsigned nr_runq, cur;        /* runq[cur] holds the hart, or held it last */
static uint64_t slice_end;           /* hart time when the current slice ends */
static uint64_t timer_programmed = UINT64_MAX;
static uint64_t idle_cycles;         /* cycles spent in WFI since the last exit */
static uint64_t idle_time_total;     /* hart time spent in WFI, for the final figures */

void sched_add(struct vcpu *v) {
    if (nr_runq < SCHED_MAX_VCPUS) runq[nr_runq++] = v;
}

void sched_set_guest_timer(struct vcpu *v, uint64_t deadline) {
    /* SBI: setting a timer also clears the pending one. */
    vcpu_set_timer(v, deadline);
}

/* Does hv need to watch this vCPU's deadline? Without Sstc, always: hv
 * injects its timer interrupt. With Sstc the hart raises it from
 * vstimecmp once the vCPU runs, so hv only wakes a vCPU blocked in WFI. */
static bool watches_timer(const struct vcpu *v) {
    if (v->state == VCPU_STOPPED) return false;
    return !hart_has_sstc() || v->state == VCPU_BLOCKED;
}

/* Guest deadlines that have passed: pending VS timer interrupts (hvip.VSTIP)
 * without Sstc; with Sstc, blocked vCPUs the interrupt wakes. */
static void deliver_timers(uint64_t now) {
    for (unsigned i = 0; i < nr_runq; i++) {
        struct vcpu *v = runq[i];
        uint64_t deadline = vcpu_timer_deadline(v);
        if (!watches_timer(v) || deadline == UINT64_MAX || now + v->htimedelta < deadline) continue;
        if (hart_has_sstc()) {
            if (vcpu_has_wakeup(v)) v->state = VCPU_RUNNABLE;
        } else {
            v->timer_deadline = UINT64_MAX;
            vcpu_inject(v, MIP_VSTIP);
        }
    }
}

static unsigned count_runnable(void) {
    unsigned n = 0;
    for (unsigned i = 0; i < nr_runq; i++) n += runq[i]->state == VCPU_RUNNABLE;
    return n;
}

/* The next runnable vCPU after runq[cur], ending with runq[cur] itself. */
static struct vcpu *pick_next(void) {
    for (unsigned i = 1; i <= nr_runq; i++) {
        unsigned k = (cur + i) % nr_runq;
        if (runq[k]->state == VCPU_RUNNABLE) {
            cur = k;
            return runq[k];
        }
    }
    return 0;
}

/* hv's one timer (through the firmware) serves the earliest of: the end of
 * the slice when someone else waits for the hart, and every guest deadline. */
static uint64_t next_timer_event(bool slice_matters) {
    uint64_t t = slice_matters ? slice_end : UINT64_MAX;
    uint64_t now = read_time();
    for (unsigned i = 0; i < nr_runq; i++) {
        struct vcpu *v = runq[i];
        uint64_t deadline = vcpu_timer_deadline(v);
        if (!watches_timer(v) || deadline == UINT64_MAX) continue;
        uint64_t host = deadline - v->htimedelta;
        /* With Sstc a passed deadline stays in vstimecmp: deliver_timers
         * has seen it, and only a later one needs hv's timer. */
        if (hart_has_sstc() && host <= now) continue;
        if (host < t) t = host;
    }
    return t;
}

static void program_timer(uint64_t when) {
    /* An SBI call costs a trip to M-mode: skip it unless the deadline moved
     * or the old one fired (STIP stays pending until reprogrammed). */
    if (when != timer_programmed || (csr_read(sip) & MIP_STIP)) {
        sbi_set_timer(when);
        timer_programmed = when;
    }
}

/* Nobody can run: sleep until hv's timer. hv keeps sstatus.SIE=0, and WFI
 * still wakes for a pending interrupt enabled in sie; nothing traps. */
static bool idle(void) {
    uint64_t when = next_timer_event(false);
    if (when == UINT64_MAX) return false;   /* nothing will ever wake anyone */
    program_timer(when);
    uint64_t c0 = read_cycle(), t0 = read_time();
    while (!(csr_read(sip) & MIP_STIP)) wfi();
    idle_cycles += read_cycle() - c0;
    idle_time_total += read_time() - t0;
    return true;
}

static void stop_deadlocked(void) {
    for (unsigned i = 0; i < nr_runq; i++)
        if (runq[i]->state == VCPU_BLOCKED)
            vm_stop(runq[i]->vm, "waits in WFI for an interrupt that nothing will raise");
}

void sched_run(void) {
    uint64_t slice = hart_timebase_hz() / SLICES_PER_SECOND;
    struct vcpu *v = 0;        /* the vCPU loaded on the hart */
    struct vcpu *exited = 0;   /* whose exit hv is still handling */
    uint64_t t_start = read_time();
    cur = nr_runq - 1;         /* so that the first pick is runq[0] */

    for (;;) {
        uint64_t now = read_time();
        deliver_timers(now);
        if (!v || v->state != VCPU_RUNNABLE || now >= slice_end) {
            struct vcpu *next = pick_next();
            if (!next) {
                if (idle()) continue;
                stop_deadlocked();
                break;
            }
            if (next != v) {
                if (v) vcpu_put(v);
                vcpu_load(next);
                v = next;
            }
            slice_end = now + slice;
        }
        program_timer(next_timer_event(count_runnable() > 1));

        /* An exit's cost runs from the trap to the next guest entry (any
         * vCPU's), without time spent idle. */
        if (exited) {
            stats_record(&exited->vm->stats, exited->trap.scause,
                         read_cycle() - exited->exit_cycle - idle_cycles);
            exited = 0;
        }
        idle_cycles = 0;

        vcpu_run_once(v);
        exited = v;
        handle_exit(v);
    }
    if (exited)
        stats_record(&exited->vm->stats, exited->trap.scause,
                     read_cycle() - exited->exit_cycle - idle_cycles);
    if (v) vcpu_put(v);
    sbi_set_timer(UINT64_MAX);
    uint64_t total = read_time() - t_start;
    kprintf("hv: ran %lu ms, idle (WFI) %lu ms\n",
            total * 1000 / hart_timebase_hz(), idle_time_total * 1000 / hart_timebase_hz());
}
