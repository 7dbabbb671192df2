/* Interrupts of real devices a VM owns (a passed-through UART): hv takes
 * them from the machine's PLIC (supervisor external interrupt, on the boot
 * hart's S context) and raises them on the owning VM's virtual PLIC, which
 * sets hvip.VSEIP; when the guest completes the interrupt at its vPLIC, hv
 * completes it at the machine's PLIC, so the device may interrupt again. */
#pragma once
#include <stdbool.h>

struct vm;

/* Routes the machine's PLIC source host_irq to vm's vPLIC source guest_irq. */
void irq_route(unsigned host_irq, struct vm *vm, unsigned guest_irq);
/* The machine's PLIC source host_irq is hv's own device's: handler runs
 * when it interrupts (on this hart, which takes them all). */
void irq_own(unsigned host_irq, void (*handler)(void));
/* A supervisor external interrupt is pending: claim it and pass it on. */
void irq_handle(void);
/* The guest completed guest_irq at its vPLIC (vplic.c). */
void irq_guest_completed(struct vm *vm, unsigned guest_irq);
