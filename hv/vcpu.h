/* A virtual CPU: everything a hart holds while it runs a guest, kept in
 * memory while it does not. trap.S saves and restores the first fields, so
 * their offsets are fixed here for both C and assembly. */
#pragma once

#define VCPU_X(n)        ((n) * 8)   /* x1..x31; x0's slot is unused */
#define VCPU_SEPC        256
#define VCPU_HSTATUS     264
#define VCPU_SSTATUS     272
#define VCPU_HOST_SP     280
#define VCPU_EXIT_CYCLE  288

#ifndef __ASSEMBLER__
#include <stdint.h>
#include <stdbool.h>
#include "aia.h"

struct vm;

enum vcpu_state {
    VCPU_RUNNABLE,
    VCPU_BLOCKED,     /* in WFI (or SBI HSM retentive suspend) until an interrupt */
    VCPU_OFF,         /* SBI HSM: stopped, until a hart_start from another vCPU */
    VCPU_STOPPED,     /* its VM has stopped */
};

struct vcpu {
    uint64_t x[32];
    uint64_t sepc;        /* guest pc: where sret enters, where the trap left */
    uint64_t hstatus;     /* SPV=1 to enter VS-mode; GVA etc. from the last trap */
    uint64_t sstatus;     /* SPP=1 (VS, not VU) to enter; FS tracks the guest's FP state */
    uint64_t host_sp;     /* hv's stack pointer while the guest runs */
    uint64_t exit_cycle;  /* cycle counter at the trap into hv */

    /* VS-level state, switched when another vCPU takes the hart. */
    struct {
        uint64_t vsstatus, vsie, vstvec, vsscratch, vsepc, vscause, vstval, vsatp;
        uint64_t scounteren;  /* not banked for V=1: VS-mode sees the real one */
        uint64_t vstimecmp;   /* with Sstc: the guest's timer */
    } vs;
    uint64_t hvip;            /* interrupts hv injects (the guest may clear VSSIP) */
    uint64_t inject;          /* set by any hart, merged into hvip before the next entry */
    uint64_t htimedelta;      /* guest time = hart time + htimedelta */
    uint64_t timer_deadline;  /* without Sstc: guest's SBI set_timer, in guest time; UINT64_MAX: none */
    struct { uint64_t f[32]; uint64_t fcsr; } fp;

    /* The last trap, read by the exit handlers. */
    struct { uint64_t scause, stval, htval, htinst; } trap;

    struct vm *vm;
    unsigned id;              /* the guest's hart id for this vCPU */
    enum vcpu_state state;
    bool suspended;           /* BLOCKED by SBI HSM hart_suspend (status SUSPENDED) */
    bool flush_pending;       /* SBI RFENCE: fence.i and hfence.vvma before it runs again */
    bool reload;              /* its VS CSRs in memory are newer than a hart's copy */
    bool gstage_flush_pending;   /* its VM's G-stage changed: hfence.gvma before it runs */
    int running_on;           /* the hart it runs on now, or -1 */
    int last_hart;            /* the hart it last ran on, or -1 */

    /* Time on a hart, for CPU shares (sched.c): in hart time units. */
    uint64_t entered_at;      /* when it last entered the guest */
    uint64_t run_total;       /* since it started */
    uint64_t period_used;     /* in the current accounting period */
    uint64_t started_at, ended_at;   /* life span, for the share it got */
    bool throttled;           /* used its share of this period */

    /* Its IMSIC guest interrupt file (aia.h), when its VM has them. */
    unsigned gfile;           /* 1..GEILEN on hart gfile_hart, 0: none (its state in gfile_saved) */
    unsigned gfile_hart;
    bool gfile_release;       /* another hart wants to run it: free the file */
    struct aia_file_state gfile_saved;
};

void vcpu_init(struct vcpu *v, struct vm *vm, unsigned id, uint64_t entry,
               uint64_t a0, uint64_t a1);
/* SBI HSM hart_start: v (OFF) starts at start_addr with a0 = its hart id,
 * a1 = opaque, in VS-mode with translation and interrupts off. */
void vcpu_start(struct vcpu *v, uint64_t start_addr, uint64_t opaque);
void vcpu_load(struct vcpu *v);   /* onto this hart: VS CSRs, hgatp, FP */
void vcpu_put(struct vcpu *v);    /* off this hart: VS CSRs back to memory */
void vcpu_run_once(struct vcpu *v);  /* enter the guest, come back at its next trap */
/* Raises VS-level interrupts for v (any hart, hv_lock held): a blocked
 * vCPU becomes runnable, a running one is kicked out to take them. */
void vcpu_inject(struct vcpu *v, uint64_t hvip_bits);
bool vcpu_has_wakeup(const struct vcpu *v);  /* would WFI in the guest return now? */
/* The guest's next timer deadline in guest time (UINT64_MAX: none), and
 * setting it: vstimecmp with Sstc, else hv's copy. */
uint64_t vcpu_timer_deadline(const struct vcpu *v);
void vcpu_set_timer(struct vcpu *v, uint64_t deadline);

/* trap.S */
void vcpu_enter(struct vcpu *v);
void fp_save(void *fp);
void fp_restore(const void *fp);
#endif
