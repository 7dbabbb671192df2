/* A virtual PLIC per VM, at the guest-physical address of QEMU virt's
 * (0x0c00_0000), emulated by trap-and-emulate like the UART: nothing is
 * mapped there. Sources 1..VPLIC_SOURCES-1 with priorities, one S-mode
 * context per vCPU (context 2*h+1 for vCPU h, as QEMU virt numbers them),
 * and the gateway's level semantics: a source whose line is high becomes
 * pending unless it is claimed; completing it lets it pend again. A vCPU
 * whose context has a pending, enabled source above its threshold has
 * hvip.VSEIP set: the guest takes a supervisor external interrupt. */
#pragma once
#include <stdbool.h>
#include <stdint.h>

#define VPLIC_GPA     0x0c000000ull
#define VPLIC_SIZE    0x00600000ull
#define VPLIC_SOURCES 32
#define VPLIC_NDEV    (VPLIC_SOURCES - 1)

struct vm;
struct vcpu;

struct vplic {
    uint32_t priority[VPLIC_SOURCES];
    uint32_t level, pending, claimed;   /* a bit per source */
    uint32_t enable[8];                 /* per vCPU (its S context) */
    uint32_t threshold[8];
    uint64_t raised, claims;            /* counts, for the figures */
};

/* A device's interrupt line, as the device sees it. */
void vplic_set_level(struct vm *vm, unsigned source, bool high);
uint32_t vplic_read(struct vcpu *v, uint64_t offset);
void vplic_write(struct vcpu *v, uint64_t offset, uint32_t value);
