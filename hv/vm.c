#include "vm.h"
#include "aia.h"
#include "fdt_build.h"
#include "gstage.h"
#include "hart.h"
#include "input.h"
#include "lib.h"
#include "mm.h"
#include "riscv.h"
#include "sched.h"

struct vm vms[VM_MAX];
unsigned nr_vms;

#define MiB (1024ull * 1024)

/* The image in the VM's RAM, its device tree, and its vCPUs as at
 * power-on; returns the device tree's GPA (0: none). */
static uint64_t vm_boot(struct vm *vm) {
    const struct vm_config *cfg = vm->config;
    uint64_t image_size = (uint64_t)(cfg->image_end - cfg->image);
    uint64_t load = cfg->load_gpa ? cfg->load_gpa : GUEST_RAM_BASE;
    uint64_t entry = cfg->entry_gpa ? cfg->entry_gpa : load;
    memcpy(vm->mem.ram + (load - vm->mem.ram_gpa), cfg->image, image_size);
    /* As on a real machine: a0 = hart id, a1 = the device tree, which hv
     * writes at the top of the VM's RAM (unless the image is there). */
    uint64_t fdt = fdt_build_for_vm(vm);
    if (fdt && fdt < load + image_size) fdt = 0;
    for (unsigned i = 0; i < cfg->vcpus; i++) {
        vcpu_init(&vm->vcpus[i], vm, i, entry, i, fdt);
        /* Secondary vCPUs wait for an SBI HSM hart_start from the guest. */
        vm->vcpus[i].state = i == 0 ? VCPU_RUNNABLE : VCPU_OFF;
    }
    return fdt;
}

struct vm *vm_create(const struct vm_config *cfg) {
    if (nr_vms == VM_MAX) {
        kprintf("hv: %s: no room, at most %u VMs\n", cfg->name, VM_MAX);
        return 0;
    }
    uint64_t image_size = (uint64_t)(cfg->image_end - cfg->image);
    uint64_t load = cfg->load_gpa ? cfg->load_gpa : GUEST_RAM_BASE;
    uint64_t entry = cfg->entry_gpa ? cfg->entry_gpa : load;
    if (load < GUEST_RAM_BASE || image_size > cfg->mem_size ||
        load - GUEST_RAM_BASE > cfg->mem_size - image_size) {
        kprintf("hv: %s: image (%lu bytes at GPA %p) does not fit its RAM (%lu bytes at GPA %p)\n",
                cfg->name, image_size, (void *)load, cfg->mem_size, (void *)GUEST_RAM_BASE);
        return 0;
    }
    if (cfg->vcpus == 0 || cfg->vcpus > VM_MAX_VCPUS) {
        kprintf("hv: %s: %u vCPUs, must be 1..%u\n", cfg->name, cfg->vcpus, VM_MAX_VCPUS);
        return 0;
    }
    struct vm *vm = &vms[nr_vms];
    memset(vm, 0, sizeof *vm);
    vm->id = nr_vms;
    vm->config = cfg;
    vm->label[0] = 'v', vm->label[1] = 'm';
    vm->label[2] = (char)('0' + vm->id);
    vm->console.label = vm->label;
    vuart_init(&vm->dev.uart);
    vm->dev.ignore_htinst = cfg->ignore_htinst;

    /* Guest RAM is host RAM from hv's pool; 2 MiB alignment keeps the door
     * open for mapping it with megapages. */
    vm->mem.ram_gpa = GUEST_RAM_BASE;
    vm->mem.ram_size = ALIGN_UP(cfg->mem_size, PAGE_SIZE);
    vm->mem.ram = mm_alloc(vm->mem.ram_size, 2 * MiB);
    vm->mem.gstage_root = gstage_create();
    if (!vm->mem.ram || !vm->mem.gstage_root ||
        !gstage_map(vm->mem.gstage_root, vm->mem.ram_gpa, (uint64_t)vm->mem.ram, vm->mem.ram_size,
                    PTE_R | PTE_W | PTE_X)) {
        kprintf("hv: %s: out of memory (%lu of %lu bytes of hv's pool used)\n",
                cfg->name, mm_used(), mm_total());
        return 0;
    }

    /* VMID 0 is left unused so that, when the hart has enough VMID bits,
     * every VM's G-stage TLB entries stay apart and switching needs no fence. */
    vm->mem.vmid = hart_vmid_bits() && vm->id + 1 < (1u << hart_vmid_bits()) ? (uint16_t)(vm->id + 1) : 0;
    vm->mem.hgatp = HGATP_MODE_SV39X4 | (uint64_t)vm->mem.vmid << HGATP_VMID_SHIFT |
                (uint64_t)vm->mem.gstage_root >> 12;

    vm->nr_vcpus = cfg->vcpus;
    vm->sched.share_pct = cfg->share_pct && cfg->share_pct < 100 ? cfg->share_pct : 100;
    aia_admit(vm);   /* before its device tree, which shows the IMSIC */
    uint64_t fdt = vm_boot(vm);
    for (unsigned i = 0; i < cfg->vcpus; i++) sched_add(&vm->vcpus[i]);
    nr_vms++;
    kprintf("hv: %s '%s': %lu KiB RAM at GPA %p (host %p), image %lu bytes, "
            "%u vCPU(s), VMID %u, hgatp %p\n",
            vm->label, cfg->name, vm->mem.ram_size / 1024, (void *)vm->mem.ram_gpa, vm->mem.ram,
            image_size, cfg->vcpus, vm->mem.vmid, (void *)vm->mem.hgatp);
    /* trap.S keeps a vCPU's address in sscratch while it runs: named here,
     * a debugger that sees sscratch knows which vCPU a hart runs. */
    for (unsigned i = 0; i < cfg->vcpus; i++)
        kprintf("hv: %s: vCPU %u context at %p (sscratch while it runs)\n", vm->label, i, (void *)&vm->vcpus[i]);
    if (vm->sched.share_pct < 100)
        kprintf("hv: %s: CPU share %u%% of a hart per vCPU\n", vm->label, vm->sched.share_pct);
    if (cfg->load_gpa || cfg->entry_gpa)
        kprintf("hv: %s: image at GPA %p, entry %p, device tree at GPA %p\n", vm->label,
                (void *)load, (void *)entry, (void *)fdt);
    return vm;
}

void vm_stop(struct vm *vm, const char *why) {
    if (vm->stopped) return;
    vm->stopped = true;
    for (unsigned i = 0; i < vm->nr_vcpus; i++) {
        struct vcpu *v = &vm->vcpus[i];
        v->state = VCPU_STOPPED;
        if (!v->ended_at) v->ended_at = read_time();
        if (v->running_on >= 0) hart_kick((unsigned)v->running_on);   /* out of the guest */
    }
    guest_console_flush(&vm->console);
    kprintf("hv: %s stopped: %s\n", vm->label, why);
    input_vm_stopped(vm);
}

void vm_fence_gstage(struct vm *vm) {
    for (unsigned i = 0; i < vm->nr_vcpus; i++) {
        struct vcpu *v = &vm->vcpus[i];
        v->gstage_flush_pending = true;
        if (v->running_on >= 0) hart_kick((unsigned)v->running_on);
    }
    if (hart_loaded_vcpu() && hart_loaded_vcpu()->vm == vm) hfence_gvma_all();
}

bool vm_reset(struct vm *vm) {
    if (vm->balloon.held || vm->balloon.extra) return false;   /* its pages are not all its own */
    guest_console_flush(&vm->console);
    memset(vm->mem.ram, 0, vm->mem.ram_size);
    vuart_init(&vm->dev.uart);
    memset(&vm->irq.vplic, 0, sizeof vm->irq.vplic);
    vm->dev.pvcon_ring = 0;
    vm->balloon.driver = false;
    vm->balloon.want = 0;
    struct { uint64_t run_total, started_at; int last_hart; } keep[VM_MAX_VCPUS];
    for (unsigned i = 0; i < vm->nr_vcpus; i++)
        keep[i].run_total = vm->vcpus[i].run_total, keep[i].started_at = vm->vcpus[i].started_at,
        keep[i].last_hart = vm->vcpus[i].last_hart;
    vm_boot(vm);
    for (unsigned i = 0; i < vm->nr_vcpus; i++) {
        struct vcpu *v = &vm->vcpus[i];
        v->run_total = keep[i].run_total;
        v->started_at = keep[i].started_at;
        v->last_hart = keep[i].last_hart;
        v->reload = true;   /* a hart that still holds its old VS CSRs loads these */
    }
    vm->stopped = false;
    vm->mgmt.paused = vm->mgmt.reset_pending = false;
    vm->mgmt.resets++;
    kprintf("hv: %s reset by the management controller\n", vm->label);
    hart_kick_idle();
    return true;
}

void *vm_gpa_to_host(struct vm *vm, uint64_t gpa, uint64_t len) {
    if (gpa < vm->mem.ram_gpa || len > vm->mem.ram_size || gpa - vm->mem.ram_gpa > vm->mem.ram_size - len)
        return 0;
    uint8_t *host = vm->mem.ram + (gpa - vm->mem.ram_gpa);
    /* Every page must still be the VM's own, where it was: a page it gave
     * to the balloon belongs to hv or another VM now. */
    uint64_t first = gpa & ~(PAGE_SIZE - 1), last = len ? (gpa + len - 1) & ~(PAGE_SIZE - 1) : first;
    for (uint64_t page = first; page <= last; page += PAGE_SIZE) {
        uint64_t hpa;
        if (!gstage_translate(vm->mem.gstage_root, page, &hpa) || hpa != (uint64_t)vm->mem.ram + (page - vm->mem.ram_gpa))
            return 0;
    }
    return host;
}
