/* The management controller's requests (mgmt.h): the mailbox found in the
 * machine's device tree, its interrupt taken on the boot hart, each request
 * answered under hv_lock. The mailbox is in no VM's G-stage. */
#pragma once
#include <stdbool.h>

void mgmt_init(const void *fdt);   /* on the boot hart, after the VMs exist */
/* From the scheduler's loop: resets asked for whose vCPUs have left their harts. */
void mgmt_poll(void);
/* Whether a request may still come that makes a vCPU runnable (a paused VM). */
bool mgmt_may_wake(void);
