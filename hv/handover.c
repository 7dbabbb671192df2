/* Reading the VM table a loader left for hv (see handover.h). Nothing in
 * it is trusted: every offset and size is checked before use. */
#include "handover.h"
#include "console.h"
#include "fdt.h"
#include "lib.h"
#include "mm.h"
#include "vm.h"

static struct vm_config configs[HV_HANDOVER_MAX_VMS];
static char names[HV_HANDOVER_MAX_VMS][16];

/* Is [HV_HANDOVER_ADDR, +len) RAM, as the device tree's /memory says? */
static bool in_ram(const void *fdt, uint64_t len) {
    uint32_t n;
    const uint8_t *reg = fdt_getprop(fdt, "/memory", "reg", &n);
    if (!reg || n < 16) return false;
    uint64_t base = 0, size = 0;
    for (int i = 0; i < 8; i++) base = base << 8 | reg[i], size = size << 8 | reg[8 + i];
    return HV_HANDOVER_ADDR >= base && HV_HANDOVER_ADDR - base + len <= size;
}

bool handover_read(const void *fdt, const struct vm_config **cfgs, unsigned *n) {
    const struct hv_handover *h = (const struct hv_handover *)HV_HANDOVER_ADDR;
    if (!in_ram(fdt, sizeof *h) || h->magic != HV_HANDOVER_MAGIC) return false;
    if (h->version != HV_HANDOVER_VERSION || h->nr_vms == 0 || h->nr_vms > HV_HANDOVER_MAX_VMS ||
        h->total_size < sizeof *h || !in_ram(fdt, h->total_size)) {
        kprintf("hv: the VM table at %p is not one hv can read; using the built-in VMs\n", h);
        return false;
    }
    for (unsigned i = 0; i < h->nr_vms; i++) {
        const struct hv_handover_vm *e = &h->vm[i];
        if (e->image_offset < sizeof *h || e->image_offset > h->total_size ||
            e->image_size > h->total_size - e->image_offset) {
            kprintf("hv: VM table entry %u: image outside the table\n", i);
            return false;
        }
        memcpy(names[i], e->name, sizeof names[i] - 1);
        names[i][sizeof names[i] - 1] = 0;
        const uint8_t *img = (const uint8_t *)HV_HANDOVER_ADDR + e->image_offset;
        configs[i] = (struct vm_config){
            .name = names[i], .image = img, .image_end = img + e->image_size,
            .mem_size = e->mem_size, .vcpus = e->vcpus, .load_gpa = e->load_gpa,
            .entry_gpa = e->entry_gpa, .share_pct = e->share_pct,
            .ignore_htinst = e->flags & HV_VM_IGNORE_HTINST, .devices = e->devices,
        };
    }
    uint64_t table_end = HV_HANDOVER_ADDR + h->total_size;
    if (h->pool_size) {
        if (h->pool_base < table_end || !in_ram(fdt, h->pool_base - HV_HANDOVER_ADDR + h->pool_size))
            kprintf("hv: the VM table's pool %p (+%lu) is not free RAM; ignored\n",
                    (void *)h->pool_base, h->pool_size);
        else
            mm_add_region(h->pool_base, h->pool_size);
    }
    *cfgs = configs;
    *n = h->nr_vms;
    kprintf("hv: %u VM(s) from the table at %p\n", h->nr_vms, h);
    return true;
}
