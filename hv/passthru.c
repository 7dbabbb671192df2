/* Devices a VM gets straight, without emulation (handover.h HV_DEV_*): hv
 * maps the device's MMIO page into the VM's G-stage, so the guest's loads
 * and stores reach the device itself, with no VM exit.
 *  - HV_DEV_PASSTHRU_UART: the machine's second ns16550a (0x1000_1000),
 *    whole, to one VM, at the same guest-physical address.
 *  - HV_DEV_SRIOV_VF: a virtual function of the SR-IOV-style console
 *    (0x1001_0000, devices/sriov_console.hpp): hv, the PF's driver, enables
 *    one VF per VM that asks, and maps VF k's page at GPA 0x1000_2000 of
 *    the k-th such VM. Its interrupt (source SRIOV_VF_IRQ0 + k of the
 *    machine's) is the VM's source or identity PASSTHRU_VF_IRQ.
 * Devices the machine's device tree does not have (QEMU virt) are skipped. */
#include "passthru.h"
#include "aia.h"
#include "console.h"
#include "fdt.h"
#include "gstage.h"
#include "handover.h"
#include "irq.h"
#include "mmio.h"
#include "riscv.h"
#include "vm.h"

#define UART1_HPA 0x10001000ull
#define UART1_IRQ 11   /* its source on the machine's PLIC, and on the VM's */
#define SRIOV_HPA 0x10010000ull
#define SRIOV_NUM_VFS 0x04
#define SRIOV_VF_OFFSET 0x08
#define SRIOV_VF_STRIDE 0x0c
#define SRIOV_MAX_VFS 4
#define SRIOV_VF_IRQ0 13   /* VF k's source on the machine's interrupt controller: 13 + k */

/* A device's interrupt into its VM: straight into its guest interrupt
 * files when it has them, else through its vPLIC (and into a guest file
 * whenever one is free). */
static void route_interrupt(struct vm *vm, unsigned host, unsigned guest) {
    if (vm->irq.aia) {
        if (!aia_route(host, vm, guest))
            kprintf("hv: %s: the machine's interrupt %u cannot reach its guest interrupt file\n", vm->label, host);
        return;
    }
    irq_route(host, vm, guest);
    aia_route(host, vm, guest);
}

static bool has(const void *fdt, const char *path) {
    uint32_t len;
    return fdt_getprop(fdt, path, "compatible", &len) != 0;
}

/* A device page into the VM's G-stage, unless an emulated device's window
 * (the registry, mmio.h) is there: the guest would lose that device. */
static bool map_device(struct vm *vm, uint64_t gpa, uint64_t hpa) {
    if (mmio_overlaps(gpa, PAGE_SIZE)) {
        kprintf("hv: %s: GPA %p is an emulated device's; not passed through\n", vm->label, (void *)gpa);
        return false;
    }
    return gstage_map(vm->mem.gstage_root, gpa, hpa, PAGE_SIZE, PTE_R | PTE_W);
}

void passthru_assign(const void *fdt) {
    bool uart1 = fdt_valid(fdt) && has(fdt, "/soc/serial@10001000");
    bool sriov = fdt_valid(fdt) && has(fdt, "/soc/sriov@10010000");
    unsigned vfs = 0;
    for (unsigned k = 0; k < nr_vms; k++) {
        struct vm *vm = &vms[k];
        uint32_t want = vm->config->devices;
        if ((want & HV_DEV_PASSTHRU_UART) && uart1) {
            if (map_device(vm, UART1_HPA, UART1_HPA)) {
                vm->dev.given |= HV_DEV_PASSTHRU_UART;
                uart1 = false;   /* one owner */
                kprintf("hv: %s: the second UART passed through at GPA %p\n", vm->label, (void *)UART1_HPA);
                route_interrupt(vm, UART1_IRQ, UART1_IRQ);
            }
        } else if (want & HV_DEV_PASSTHRU_UART) {
            kprintf("hv: %s: no second UART for it on this machine\n", vm->label);
        }
        if ((want & HV_DEV_SRIOV_VF) && sriov && vfs < SRIOV_MAX_VFS) {
            volatile uint32_t *pf = (volatile uint32_t *)SRIOV_HPA;
            pf[SRIOV_NUM_VFS / 4] = vfs + 1;   /* the PF's driver enables one VF more */
            uint64_t vf = SRIOV_HPA + pf[SRIOV_VF_OFFSET / 4] + (uint64_t)vfs * pf[SRIOV_VF_STRIDE / 4];
            if (map_device(vm, PASSTHRU_VF_GPA, vf)) {
                vm->dev.given |= HV_DEV_SRIOV_VF;
                kprintf("hv: %s: SR-IOV VF %u (host %p) at GPA %p\n", vm->label, vfs, (void *)vf, (void *)PASSTHRU_VF_GPA);
                route_interrupt(vm, SRIOV_VF_IRQ0 + vfs, PASSTHRU_VF_IRQ);
                vfs++;
            }
        } else if (want & HV_DEV_SRIOV_VF) {
            kprintf("hv: %s: no SR-IOV VF for it on this machine\n", vm->label);
        }
    }
}
