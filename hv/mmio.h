/* Trap-and-emulate: a guest load or store to an emulated device faults in
 * the G-stage (nothing is mapped there); hv decodes the instruction,
 * performs the access on the device model and steps the guest past it. */
#pragma once
#include <stdbool.h>

struct vcpu;
/* true when the fault was an access to an emulated device and has been
 * emulated (sepc advanced); false when it is not hv's to emulate. */
bool mmio_emulate(struct vcpu *v);
