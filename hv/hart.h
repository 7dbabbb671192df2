/* The physical harts hv runs on: each one's H-extension set-up and its own
 * state (struct pcpu, reached through tp), and the one lock hv's code runs
 * under. hv is a big-lock hypervisor: a hart holds hv_lock whenever it runs
 * hv code, and lets go only while it runs a guest or sleeps in WFI; so the
 * VMs, vCPUs, the run queue and the consoles need no locks of their own. */
#pragma once

#define HV_MAX_HARTS 8

/* trap.S reaches the first field through tp. */
#define PCPU_FAULT_RECOVER 0

#ifndef __ASSEMBLER__
#include <stdbool.h>
#include <stdint.h>

struct vcpu;

struct pcpu {
    uint64_t fault_recover;   /* where an hv_try_* access that faults resumes (trap.S), 0: none */
    unsigned hartid;
    bool online;              /* in sched_run */
    bool idle;                /* asleep in WFI: kick it with an IPI when there is work */
    struct vcpu *loaded;      /* whose VS CSRs the hart holds */
    struct vcpu *fp_owner;    /* whose FP registers the hart holds */
    uint64_t slice_end;       /* hart time when the loaded vCPU's slice ends */
    uint64_t timer_programmed;
    uint64_t timers_delivered;   /* the time deliver_timers last looked at */
    uint64_t idle_cycles;     /* cycles in WFI since the last exit */
    uint64_t idle_time_total; /* hart time in WFI, for the final figures */
    uint64_t busy_time_total; /* hart time in guests */
};

void hart_init(unsigned hartid);   /* on the hart itself; sets tp */
static inline struct pcpu *this_pcpu(void) {
    struct pcpu *p;
    __asm__ volatile("mv %0, tp" : "=r"(p));
    return p;
}
struct pcpu *pcpu_of(unsigned hartid);
unsigned hart_id(void);
unsigned hart_vmid_bits(void);           /* VMIDLEN, probed at boot */
uint64_t hart_timebase_hz(void);
void hart_set_timebase_hz(uint64_t hz);
/* Sstc for guests: henvcfg.STCE stuck (the firmware set menvcfg.STCE), so a
 * guest's timer is its vstimecmp and fires in VS-mode without hv. */
bool hart_has_sstc(void);
struct vcpu *hart_loaded_vcpu(void);     /* whose VS CSRs the hart holds */
void hart_set_loaded_vcpu(struct vcpu *v);
struct vcpu *hart_fp_owner(void);        /* whose FP registers the hart holds */
void hart_set_fp_owner(struct vcpu *v);
/* Wakes the hart from WFI, or makes it leave its guest, to look at the run
 * queue again (an SBI IPI: a supervisor software interrupt there). */
void hart_kick(unsigned hartid);
void hart_kick_idle(void);               /* every idle hart but this one */

void hv_lock(void);
void hv_unlock(void);
#endif
