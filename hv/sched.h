/* Which vCPU runs on the hart: round-robin time slices, guest timers,
 * and WFI when nobody has anything to do. */
#pragma once
#include <stdint.h>

struct vcpu;

void sched_add(struct vcpu *v);
void sched_run(void);   /* on every hart; returns when every VM has stopped */
unsigned sched_harts_running(void);   /* harts still in sched_run */
/* SBI set_timer from a guest: a deadline in the guest's time. */
void sched_set_guest_timer(struct vcpu *v, uint64_t deadline);
