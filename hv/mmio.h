/* Trap-and-emulate: a guest load or store to an emulated device faults in
 * the G-stage (nothing is mapped there); hv decodes the instruction,
 * performs the access on the device model and steps the guest past it.
 * mmio.c also keeps the registry of those devices' guest-physical windows,
 * which the balloon and pass-through consult before they map a page. */
#pragma once
#include <stdbool.h>
#include <stdint.h>

struct vcpu;
/* The length of the trapped instruction when the fault was an access to an
 * emulated device and has been emulated (the caller steps sepc past it);
 * 0 when it is not hv's to emulate. */
unsigned mmio_emulate(struct vcpu *v);

/* The emulated devices, in the registry's order. */
enum { MMIO_UART, MMIO_VPLIC, MMIO_IMSIC, MMIO_DEVICES };
/* What hv emulated at one device for one VM: the accesses, and where it
 * found each one's instruction. */
struct mmio_counts { uint64_t accesses, from_htinst, from_read; };
/* The device's name in hv's lines: "UART", "vPLIC", "IMSIC". */
const char *mmio_device_name(unsigned device);
/* Whether [gpa, gpa + len) overlaps an emulated device's window. */
bool mmio_overlaps(uint64_t gpa, uint64_t len);
