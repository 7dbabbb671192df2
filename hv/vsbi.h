/* The SBI that hv offers its guests (SBI spec v2.0), so that a kernel
 * written for a real machine's firmware runs unchanged in a VM. */
#pragma once

struct vcpu;
/* A guest's ecall: a7 = EID, a6 = FID. Returns how far sepc moves: past
 * the ecall (4), or 0 when the call does not return there (the VM or the
 * vCPU stopped, a non-retentive suspend set the resume address). */
unsigned vsbi_handle(struct vcpu *v);
