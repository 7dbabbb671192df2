/* The physical hart hv runs on: its one-time H-extension set-up and what
 * is loaded on it now. (One hart for now; per-hart state will hang off tp.) */
#pragma once
#include <stdbool.h>
#include <stdint.h>

struct vcpu;

void hart_init(unsigned hartid);
unsigned hart_id(void);
unsigned hart_vmid_bits(void);           /* VMIDLEN, probed at boot */
uint64_t hart_timebase_hz(void);
/* Sstc for guests: henvcfg.STCE stuck (the firmware set menvcfg.STCE), so a
 * guest's timer is its vstimecmp and fires in VS-mode without hv. */
bool hart_has_sstc(void);
void hart_set_timebase_hz(uint64_t hz);
struct vcpu *hart_loaded_vcpu(void);     /* whose VS CSRs the hart holds */
void hart_set_loaded_vcpu(struct vcpu *v);
struct vcpu *hart_fp_owner(void);        /* whose FP registers the hart holds */
void hart_set_fp_owner(struct vcpu *v);
