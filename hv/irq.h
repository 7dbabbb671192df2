/* Interrupts of real devices a VM owns (a passed-through UART, an SR-IOV
 * VF): hv takes them from the machine's PLIC (the boot hart's S context)
 * or, with the AIA, as MSIs the APLIC writes into hv's own S-level
 * interrupt file (aplic.h) on the boot hart, or where aia.c aims them;
 * either way a supervisor external interrupt. It raises them on the owning VM's virtual PLIC, which sets
 * hvip.VSEIP; when the guest completes the interrupt at its vPLIC, hv
 * completes it at the machine's PLIC, or makes the APLIC source pending
 * again if its wire is still high, so the device may interrupt again. */
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
/* With the APLIC: host_irq's MSIs into hv's own file on that hart (aia.c
 * follows its VM's vCPU 0, or had them go into a guest interrupt file). */
void irq_retake(unsigned host_irq, unsigned hart);
/* Each hart, before it runs guests: its own file takes the VMs' sources
 * too, wherever aia.c aims them. */
void irq_hart_init(void);
/* The guest completed guest_irq at its vPLIC (vplic.c). */
void irq_guest_completed(struct vm *vm, unsigned guest_irq);
