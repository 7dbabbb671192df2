/* The AIA for guests (RISC-V AIA specification, src/VSLevel.adoc and
 * src/IMSIC.adoc): when the machine has IMSICs with guest interrupt files,
 * each vCPU of a VM that got them holds one file on the hart it runs on,
 * selected by hstatus.VGEIN at entry. The guest reaches it through
 * vsiselect/vsireg and vstopei (its siselect, sireg, stopei) and through
 * its IMSIC page, which the G-stage maps onto the file's host page; an MSI
 * written there reaches the guest with no VM exit. A vCPU that blocks in
 * WFI keeps its file on that hart with its hgeie bit set, so an MSI wakes
 * hv there (supervisor guest external interrupt, hgeip). A vCPU another
 * hart wants to run has its file's state moved: its hart saves and frees
 * it, the other restores it into one of its own. VMs admitted when no file
 * is left for every vCPU (more vCPUs than GEILEN) keep the virtual PLIC
 * and hvip.VSEIP. Everything here runs under hv_lock. */
#pragma once
#include <stdbool.h>
#include <stdint.h>

struct vm;
struct vcpu;

/* A guest's IMSIC: one S-level page per vCPU at QEMU virt's address. */
#define AIA_GUEST_IMSIC_GPA 0x28000000ull

/* The state of a guest interrupt file, while its vCPU holds none. */
struct aia_file_state {
    uint64_t eidelivery, eithreshold, eip[4], eie[4];
};

/* The boot hart, from the machine's device tree and hgeie (GEILEN). */
void aia_init(const void *fdt);
bool aia_present(void);
/* Each hart, before it runs guests: the guest external interrupt on. */
void aia_hart_init(void);
/* At VM creation: whether it gets guest interrupt files (vm->irq.aia). */
void aia_admit(struct vm *vm);
/* vcpu_load: a file on this hart for v, VGEIN in v->hstatus. */
void aia_load(struct vcpu *v);
/* Whether v may run on this hart; if its file is on another, that hart
 * is asked to free it. */
bool aia_may_run_here(struct vcpu *v);
/* The scheduler's loop, each round: files asked for are freed, hgeie set
 * for the files of blocked vCPUs. */
void aia_poll(void);
/* Whether a vCPU waits for another hart to free its file: that hart will
 * kick this one when it has. */
bool aia_moves_pending(void);
/* hgeip: wakes the blocked vCPUs whose files have an interrupt. */
void aia_wake(void);
/* Whether v's file has an interrupt for it (its VSEIP). */
bool aia_pending(const struct vcpu *v);
/* A wired device passed through to vm (its source on the machine's APLIC):
 * the APLIC's supervisor-level domain sends its MSIs, identity id,
 * straight into the guest file of vCPU 0, following the file when it
 * moves. A VM without files (its guest sees its vPLIC, and irq.c routes
 * the source there) gets one for these MSIs whenever a file is free on
 * its vCPU 0's hart beyond those the VMs with files may need (as when one
 * of those stops); hv takes what lands in it when the guest claims at its
 * vPLIC, and gives the file up, its pending identities to the vPLIC, when
 * a vCPU with files needs it or the vCPU moves. False without an IMSIC's
 * guest files. */
bool aia_route(unsigned source, struct vm *vm, unsigned id);
/* The guest of v claims at its vPLIC: what its devices' file holds first. */
void aia_claiming(struct vcpu *v);
/* An MSI of identity id for v: into its file, wherever that is, or into
 * the file's saved state while it holds none. */
void aia_msi(struct vcpu *v, unsigned id);
/* An emulated device's interrupt line into v's VM: a rising edge is an MSI
 * of identity id into vCPU 0's file. */
void aia_set_level(struct vm *vm, unsigned id, bool high);
