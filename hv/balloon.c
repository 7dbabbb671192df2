/* The memory balloon: hypercalls HCALL_BALLOON_FIRST..LAST (hcall.h).
 * hv brokers host pages between VMs. A VM that wants more memory says how
 * many pages (ASK), and hv raises the balloon target of the VMs with
 * balloon drivers. A driver polls its target (TARGET) and gives pages from
 * its own free memory (GIVE): hv unmaps each from the giver's G-stage
 * (fencing the giver's VMID) and keeps the host page. The VM that asked
 * maps them at guest-physical addresses of its choice (TAKE). Pages given
 * back that nobody wants lower the target again, and the driver takes its
 * pages back (TAKE at its own addresses): the balloon deflates.
 *   16 BALLOON_TARGET()   value = pages the driver's balloon should hold
 *   17 BALLOON_GIVE(gpa)  one 4 KiB page of the caller's RAM to hv
 *   18 BALLOON_TAKE(gpa)  a free host page, zeroed, mapped at gpa (RAM it
 *                         gave, or a free GPA below 4 GiB outside the
 *                         emulated devices' windows, mmio.h, and its other
 *                         mappings); SBI_ERR_FAILED when hv has none yet
 *   19 BALLOON_ASK(n)     the caller wants n pages beyond its RAM */
#include "hcall.h"
#include "console.h"
#include "gstage.h"
#include "hart.h"
#include "lib.h"
#include "mm.h"
#include "mmio.h"
#include "riscv.h"
#include "vcpu.h"
#include "vm.h"

#define BALLOON_TARGET 16
#define BALLOON_GIVE   17
#define BALLOON_TAKE   18
#define BALLOON_ASK    19
#define FREE_MAX 4096   /* host pages hv holds at once (16 MiB) */

static uint64_t free_pages[FREE_MAX];
static unsigned nr_free;

/* Pages VMs asked for (ASK) and do not have yet. */
static uint64_t demand(void) {
    uint64_t d = 0;
    for (unsigned k = 0; k < nr_vms; k++)
        if (!vms[k].stopped && vms[k].balloon.want > vms[k].balloon.extra)
            d += vms[k].balloon.want - vms[k].balloon.extra;
    return d;
}

/* A driver's balloon should hold what it holds, plus what others wait for,
 * less what hv already has free: so it inflates while others wait and
 * deflates once pages come back that nobody wants. */
static uint64_t target(const struct vm *vm) {
    if (vm->mgmt.balloon_set) return vm->mgmt.balloon_target;   /* the management controller's word */
    uint64_t want = vm->balloon.held + demand();
    return want > nr_free ? want - nr_free : 0;
}

static struct sbiret give(struct vm *vm, uint64_t gpa) {
    uint64_t hpa;
    if (gpa & (PAGE_SIZE - 1)) return (struct sbiret){SBI_ERR_INVALID_PARAM, 0};
    if (nr_free == FREE_MAX) return (struct sbiret){SBI_ERR_FAILED, 0};
    if (!gstage_translate(vm->mem.gstage_root, gpa, &hpa) || !mm_contains(hpa))
        return (struct sbiret){SBI_ERR_INVALID_ADDRESS, 0};   /* not RAM it has: a device page, say */
    if (!gstage_unmap_page(vm->mem.gstage_root, gpa, &hpa)) return (struct sbiret){SBI_ERR_INVALID_ADDRESS, 0};
    vm_fence_gstage(vm);
    if (vm->dev.pvcon_ring == (void *)hpa) vm->dev.pvcon_ring = 0;   /* its console ring went with the page */
    free_pages[nr_free++] = hpa;
    vm->balloon.given++;
    if (vm->balloon.driver) vm->balloon.held++;
    else if (vm->balloon.extra) vm->balloon.extra--;
    return (struct sbiret){SBI_SUCCESS, 0};
}

static struct sbiret take(struct vm *vm, uint64_t gpa) {
    uint64_t hpa;
    if ((gpa & (PAGE_SIZE - 1)) || gpa >> 32 || mmio_overlaps(gpa, PAGE_SIZE)) return (struct sbiret){SBI_ERR_INVALID_PARAM, 0};
    if (gstage_translate(vm->mem.gstage_root, gpa, &hpa)) return (struct sbiret){SBI_ERR_ALREADY_AVAILABLE, 0};
    if (!nr_free) return (struct sbiret){SBI_ERR_FAILED, 0};
    uint64_t page = free_pages[--nr_free];
    memset((void *)page, 0, PAGE_SIZE);   /* nothing of the giver's leaks */
    if (!gstage_map(vm->mem.gstage_root, gpa, page, PAGE_SIZE, PTE_R | PTE_W | PTE_X)) {
        free_pages[nr_free++] = page;
        return (struct sbiret){SBI_ERR_FAILED, 0};
    }
    if (vm->balloon.driver) vm->balloon.held--;
    else vm->balloon.extra++;
    vm->balloon.taken++;
    return (struct sbiret){SBI_SUCCESS, 0};
}

struct sbiret balloon_hcall(struct vcpu *v, long fid) {
    struct vm *vm = v->vm;
    uint64_t a0 = v->x[10];
    switch (fid) {
    case BALLOON_TARGET:
        vm->balloon.driver = true;
        return (struct sbiret){SBI_SUCCESS, (long)target(vm)};
    case BALLOON_ASK:
        if (a0 > FREE_MAX) return (struct sbiret){SBI_ERR_INVALID_PARAM, 0};
        vm->balloon.want = a0;
        return (struct sbiret){SBI_SUCCESS, 0};
    case BALLOON_GIVE: return give(vm, a0);
    case BALLOON_TAKE: return take(vm, a0);
    }
    return (struct sbiret){SBI_ERR_NOT_SUPPORTED, 0};
}

uint64_t balloon_target_of(const struct vm *vm) { return target(vm); }

void balloon_print(void) {
    for (unsigned k = 0; k < nr_vms; k++) {
        struct vm *vm = &vms[k];
        if (vm->balloon.given || vm->balloon.taken)
            kprintf("hv: %s balloon: %lu pages given to hv, %lu taken; %s %lu now\n", vm->label,
                    vm->balloon.given, vm->balloon.taken, vm->balloon.driver ? "in the balloon" : "extra",
                    vm->balloon.driver ? vm->balloon.held : vm->balloon.extra);
    }
}
