/* Writing a flattened device tree (devicetree spec v0.4, chapter 5) by
 * hand, for the machine a VM sees: what a firmware would pass its kernel. */
#pragma once
#include <stdint.h>

struct vm;
/* The VM's device tree (RAM, one cpu node per vCPU, the emulated UART,
 * /chosen/stdout-path) written into its RAM; returns its GPA, 0 if no room. */
uint64_t fdt_build_for_vm(struct vm *vm);
