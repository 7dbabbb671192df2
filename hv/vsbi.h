/* The SBI that hv offers its guests (SBI spec v2.0), so that a kernel
 * written for a real machine's firmware runs unchanged in a VM. */
#pragma once

struct vcpu;
void vsbi_handle(struct vcpu *v);   /* a guest's ecall: a7 = EID, a6 = FID */
