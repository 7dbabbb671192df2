/* Which vCPU runs on which hart. One run queue for every hart, round-robin
 * 10 ms slices, and CPU shares: a VM's share (percent) is the fraction of
 * one hart each of its vCPUs may use, like a clock rate (a 50% vCPU runs
 * at most 5 ms of every 10 ms period, even on an otherwise idle hart).
 * A vCPU that has used its share is throttled until the next period.
 * Harts with nothing to run sleep in WFI until hv's timer or a kick.
 * Everything here runs under hv_lock (hart.h). */
#include "sched.h"
#include "aia.h"
#include "console.h"
#include "exit.h"
#include "hart.h"
#include "input.h"
#include "mgmt_mailbox.h"
#include "irq.h"
#include "riscv.h"
#include "sbi.h"
#include "stats.h"
#include "vm.h"

#define SCHED_MAX_VCPUS (VM_MAX * VM_MAX_VCPUS)
#define SLICES_PER_SECOND 100   /* 10 ms time slices */
#define SLICES_PER_PERIOD 1     /* shares are accounted over 10 ms */

static struct vcpu *runq[SCHED_MAX_VCPUS];
static unsigned nr_runq, cur;        /* round-robin: the search starts after runq[cur] */
static uint64_t period_start;        /* hart time the current share period began */
static unsigned harts_running;       /* harts in sched_run */
static uint64_t next_input_poll;     /* typed keys are looked for every slice */

void sched_add(struct vcpu *v) {
    if (nr_runq < SCHED_MAX_VCPUS) runq[nr_runq++] = v;
    cur = nr_runq - 1;   /* so that the first pick is runq[0] */
}

void sched_set_guest_timer(struct vcpu *v, uint64_t deadline) {
    /* SBI: setting a timer also clears the pending one. */
    vcpu_set_timer(v, deadline);
}

static uint64_t slice_len(void) { return hart_timebase_hz() / SLICES_PER_SECOND; }
static uint64_t period_len(void) { return slice_len() * SLICES_PER_PERIOD; }
static uint64_t budget(const struct vcpu *v) { return period_len() * v->vm->sched.share_pct / 100; }
static bool capped(const struct vcpu *v) { return v->vm->sched.share_pct < 100; }

/* Does hv need to watch this vCPU's deadline? Without Sstc, always: hv
 * injects its timer interrupt. With Sstc the hart raises it from
 * vstimecmp once the vCPU runs, so hv only wakes a vCPU blocked in WFI. */
static bool watches_timer(const struct vcpu *v) {
    if (v->state == VCPU_STOPPED || v->state == VCPU_OFF) return false;
    return !hart_has_sstc() || v->state == VCPU_BLOCKED;
}

/* Guest deadlines that have passed: pending VS timer interrupts (hvip.VSTIP)
 * without Sstc; with Sstc, blocked vCPUs the interrupt wakes. */
static void deliver_timers(uint64_t now) {
    this_pcpu()->timers_delivered = now;
    for (unsigned i = 0; i < nr_runq; i++) {
        struct vcpu *v = runq[i];
        uint64_t deadline = vcpu_timer_deadline(v);
        if (!watches_timer(v) || deadline == UINT64_MAX || now + v->htimedelta < deadline) continue;
        if (hart_has_sstc()) {
            if (vcpu_has_wakeup(v)) v->state = VCPU_RUNNABLE, v->suspended = false;
        } else {
            v->timer_deadline = UINT64_MAX;
            vcpu_inject(v, MIP_VSTIP);
        }
    }
}

/* A new share period: every vCPU may run its share again. */
static void new_period(uint64_t now) {
    if (now < period_start + period_len()) return;
    period_start = now - (now - period_start) % period_len();
    for (unsigned i = 0; i < nr_runq; i++) runq[i]->period_used = 0, runq[i]->throttled = false;
}

/* The time v just spent in the guest. */
static void account(struct vcpu *v, uint64_t now) {
    uint64_t ran = now - v->entered_at;
    v->run_total += ran;
    v->period_used += ran;
    this_pcpu()->busy_time_total += ran;
    if (capped(v) && v->period_used >= budget(v)) v->throttled = true;
}

static bool can_run(const struct vcpu *v) {
    return v->state == VCPU_RUNNABLE && !v->throttled && !v->vm->mgmt.paused && !v->vm->mgmt.reset_pending &&
           (v->running_on < 0 || v->running_on == (int)hart_id()) &&
           (v == this_pcpu()->loaded || !v->vm->stopped);
}

static bool taken_elsewhere(const struct vcpu *v) {
    for (unsigned h = 0; h < HV_MAX_HARTS; h++)
        if (h != hart_id() && pcpu_of(h)->online && pcpu_of(h)->loaded == v) return true;
    return false;
}

/* The next vCPU this hart may run, round-robin after runq[cur]; mine (the
 * one loaded here) comes last, so others waiting get the hart first. */
static struct vcpu *pick_next(void) {
    struct vcpu *mine = 0;
    for (unsigned i = 1; i <= nr_runq; i++) {
        unsigned k = (cur + i) % nr_runq;
        struct vcpu *v = runq[k];
        if (!can_run(v) || taken_elsewhere(v) || !aia_may_run_here(v)) continue;
        if (v == this_pcpu()->loaded) { mine = v; continue; }
        cur = k;
        return v;
    }
    return mine;
}

static unsigned count_waiting(void) {
    unsigned n = 0;
    for (unsigned i = 0; i < nr_runq; i++)
        n += can_run(runq[i]) && runq[i] != this_pcpu()->loaded && !taken_elsewhere(runq[i]);
    return n;
}

static bool any_throttled(void) {
    for (unsigned i = 0; i < nr_runq; i++)
        if (runq[i]->throttled && runq[i]->state == VCPU_RUNNABLE) return true;
    return false;
}

static bool all_stopped(void) {
    for (unsigned i = 0; i < nr_runq; i++)
        if (runq[i]->state != VCPU_STOPPED) return false;
    return true;
}

static bool any_running_elsewhere(void) {
    for (unsigned i = 0; i < nr_runq; i++)
        if (runq[i]->running_on >= 0 && runq[i]->running_on != (int)hart_id()) return true;
    return false;
}

/* hv's one timer per hart (through the firmware) serves the earliest of:
 * the end of the slice (when someone else waits, or the vCPU is capped),
 * every guest deadline hv watches, and the next share period when a vCPU
 * is throttled. */
static uint64_t next_timer_event(struct vcpu *running, bool slice_matters) {
    struct pcpu *p = this_pcpu();
    uint64_t t = slice_matters ? p->slice_end : UINT64_MAX;
    if (running && capped(running)) {
        /* Its budget's end, and the period's: a run never crosses into the
         * next period, whose budget is fresh. */
        uint64_t left = budget(running) > running->period_used ? budget(running) - running->period_used : 0;
        uint64_t out = read_time() + left;
        if (out < t) t = out;
        if (period_start + period_len() < t) t = period_start + period_len();
    }
    if (any_throttled() && period_start + period_len() < t) t = period_start + period_len();
    for (unsigned i = 0; i < nr_runq; i++) {
        struct vcpu *v = runq[i];
        uint64_t deadline = vcpu_timer_deadline(v);
        if (!watches_timer(v) || deadline == UINT64_MAX) continue;
        uint64_t host = deadline - v->htimedelta;
        /* With Sstc a passed deadline stays in vstimecmp: one deliver_timers
         * has seen needs no timer. One that passed since (the time read now
         * is later) does, or the blocked vCPU would sleep on with it. */
        if (hart_has_sstc() && host <= p->timers_delivered) continue;
        if (host < t) t = host;
    }
    return t;
}

static void program_timer(uint64_t when) {
    /* An SBI call costs a trip to M-mode: skip it unless the deadline moved
     * or the old one fired (STIP stays pending until reprogrammed). */
    struct pcpu *p = this_pcpu();
    if (when != p->timer_programmed || (csr_read(sip) & MIP_STIP)) {
        sbi_set_timer(when);
        p->timer_programmed = when;
    }
}

/* Nothing to run here: sleep until hv's timer or a kick. hv keeps
 * sstatus.SIE=0, and WFI still wakes for a pending interrupt enabled in
 * sie; nothing traps. Returns false when nothing will ever wake anyone. */
static bool idle(void) {
    struct pcpu *p = this_pcpu();
    uint64_t when = next_timer_event(0, false);
    /* A VM the management controller paused waits for it, not for a timer. */
    if (when == UINT64_MAX && !any_running_elsewhere() && !mgmt_may_wake() && !aia_moves_pending()) return false;
    program_timer(when);
    aia_poll();   /* hgeie: the vCPU just put here may be blocked */
    p->idle = true;
    hv_unlock();
    uint64_t c0 = read_cycle(), t0 = read_time();
    while (!(csr_read(sip) & (MIP_STIP | MIP_SSIP | MIP_SEIP)) && !(aia_present() && (csr_read(CSR_HIP) & MIP_SGEIP)))
        wfi();
    csr_clear(sip, MIP_SSIP);
    p->idle_cycles += read_cycle() - c0;
    p->idle_time_total += read_time() - t0;
    hv_lock();
    p->idle = false;
    if (csr_read(sip) & MIP_SEIP) irq_handle();
    aia_wake();
    return true;
}

static void stop_deadlocked(void) {
    for (unsigned i = 0; i < nr_runq; i++)
        if (runq[i]->state == VCPU_BLOCKED || runq[i]->state == VCPU_OFF)
            vm_stop(runq[i]->vm, "waits for an interrupt that nothing will raise");
}

void sched_run(void) {
    struct pcpu *p = this_pcpu();
    struct vcpu *v = 0;        /* the vCPU loaded on this hart */
    /* The exit hv is still handling, as it was when it happened: by the
     * time it is counted the vCPU may have run and exited on another hart. */
    struct { struct vm *vm; uint64_t scause, cycle; } exited = {0, 0, 0};
    uint64_t t_start = read_time();
    hv_lock();
    p->online = true;
    harts_running++;
    if (!period_start) period_start = t_start;
    aia_hart_init();
    irq_hart_init();   /* its own file takes the devices of VMs whose vCPUs run here */

    for (;;) {
        uint64_t now = read_time();
        aia_poll();    /* files other harts asked for */
        mgmt_poll();   /* resets the management controller asked for, once those vCPUs are off their harts */
        new_period(now);
        deliver_timers(now);
        if (now >= next_input_poll) {
            input_poll();   /* so the switch keys work while the guest does not read */
            next_input_poll = now + slice_len();
        }
        if (!v || !can_run(v) || now >= p->slice_end || v->reload) {
            struct vcpu *next = pick_next();
            if (!next) {
                if (v) {
                    vcpu_put(v);
                    v = 0;
                }
                if (all_stopped()) break;
                if (idle()) continue;
                stop_deadlocked();
                if (all_stopped()) break;
                continue;
            }
            if (next != v) {
                if (v) vcpu_put(v);
                vcpu_load(next);
                v = next;
                if (!v->started_at) v->started_at = now ? now : 1;
            } else if (v->reload) {
                vcpu_load(v);   /* restarted (SBI HSM) since it was loaded here */
            }
            p->slice_end = now + slice_len();
            if (count_waiting()) hart_kick_idle();
        }
        program_timer(next_timer_event(v, count_waiting() > 0));

        /* An exit's cost runs from the trap to the next guest entry (any
         * vCPU's), without time spent idle. */
        if (exited.vm) {
            stats_record(&exited.vm->stats, exited.scause, read_cycle() - exited.cycle - p->idle_cycles);
            exited.vm = 0;
        }
        p->idle_cycles = 0;

        aia_poll();
        vcpu_run_once(v);   /* lets go of hv_lock while the guest runs */
        account(v, read_time());
        exited.vm = v->vm;
        exited.scause = v->trap.scause;
        exited.cycle = v->exit_cycle;
        handle_exit(v);
        if (v->state == VCPU_STOPPED && !v->ended_at) v->ended_at = read_time();
    }
    if (exited.vm) stats_record(&exited.vm->stats, exited.scause, read_cycle() - exited.cycle - p->idle_cycles);
    sbi_set_timer(UINT64_MAX);
    uint64_t total = read_time() - t_start;
    kprintf("hv: hart %u ran %lu ms: in guests %lu ms, idle (WFI) %lu ms\n", hart_id(),
            total * 1000 / hart_timebase_hz(), p->busy_time_total * 1000 / hart_timebase_hz(),
            p->idle_time_total * 1000 / hart_timebase_hz());
    p->online = false;
    harts_running--;
    hart_kick_idle();
    hv_unlock();
}

unsigned sched_harts_running(void) {
    hv_lock();
    unsigned n = harts_running;
    hv_unlock();
    return n;
}
