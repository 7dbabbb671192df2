/* Devices mapped straight into VMs (passthru.c). */
#pragma once

#define PASSTHRU_VF_GPA 0x10002000ull   /* where a VM finds its SR-IOV VF */
#define PASSTHRU_VF_IRQ 13              /* and its interrupt: vPLIC source, or IMSIC identity */

/* After the VMs are created: gives each the devices its configuration asks
 * for that the machine (its device tree) has. */
void passthru_assign(const void *fdt);
