#include "mmio.h"
#include "aia.h"
#include "console.h"
#include "lib.h"
#include "riscv.h"
#include "vm.h"
#include "vuart.h"

/* trap.S: HLVX.HU that comes back with the trap's scause instead of
 * trapping into hv's panic (the guest may have changed its page tables, or
 * the page may not be executable, since the fault). */
struct hlvx_result { uint64_t value, scause; };
struct hlvx_result hv_try_hlvx_hu(uint64_t gva);

/* A load or store, whichever way it was found. */
struct access {
    bool store;
    unsigned size;    /* bytes */
    bool is_signed;   /* loads: sign-extend */
    unsigned reg;     /* rd for a load, rs2 for a store */
    unsigned len;     /* instruction length, 2 or 4 */
    bool from_htinst; /* else read from guest memory */
};

/* A 32-bit load or store (an original one, or htinst's transformed form,
 * which keeps opcode, funct3, rd/rs2). */
static bool decode32(uint32_t insn, struct access *a) {
    unsigned opcode = insn & 0x7f, funct3 = (insn >> 12) & 7;
    if (opcode == 0x03) {          /* LB LH LW LD LBU LHU LWU */
        if (funct3 == 7) return false;
        a->store = false;
        a->size = 1u << (funct3 & 3);
        a->is_signed = funct3 < 4;
        a->reg = (insn >> 7) & 31;
        return true;
    }
    if (opcode == 0x23) {          /* SB SH SW SD */
        if (funct3 > 3) return false;
        a->store = true;
        a->size = 1u << funct3;
        a->reg = (insn >> 20) & 31;
        return true;
    }
    return false;   /* FP loads/stores, AMOs, LR/SC: not to a UART */
}

/* A compressed load or store read from guest memory (quadrants 0 and 2). */
static bool decode16(uint32_t insn, struct access *a) {
    unsigned op = insn & 3, funct3 = (insn >> 13) & 7;
    a->is_signed = true;   /* C.LW sign-extends; C.LD is full width anyway */
    if (op == 0) {   /* C.LW C.LD C.SW C.SD: rd'/rs2' in bits 4:2 */
        a->reg = 8 + ((insn >> 2) & 7);
        switch (funct3) {
        case 2: a->store = false, a->size = 4; return true;
        case 3: a->store = false, a->size = 8; return true;
        case 6: a->store = true, a->size = 4; return true;
        case 7: a->store = true, a->size = 8; return true;
        }
        return false;
    }
    if (op == 2) {   /* C.LWSP C.LDSP (rd in 11:7), C.SWSP C.SDSP (rs2 in 6:2) */
        switch (funct3) {
        case 2: a->store = false, a->size = 4, a->reg = (insn >> 7) & 31; return a->reg != 0;
        case 3: a->store = false, a->size = 8, a->reg = (insn >> 7) & 31; return a->reg != 0;
        case 6: a->store = true, a->size = 4, a->reg = (insn >> 2) & 31; return true;
        case 7: a->store = true, a->size = 8, a->reg = (insn >> 2) & 31; return true;
        }
    }
    return false;
}

/* From htinst when the hart wrote a transformed instruction there (bit 0
 * set; bits 1:0 = 01 for a compressed original), else by reading the
 * instruction at sepc the way the guest fetched it. */
static bool decode(struct vcpu *v, struct access *a) {
    uint64_t t = v->trap.htinst;
    a->from_htinst = (t & 1) && !v->vm->dev.ignore_htinst;
    if (a->from_htinst) {
        a->len = (t & 2) ? 4 : 2;
        return decode32((uint32_t)t | 2, a);
    }
    struct hlvx_result lo = hv_try_hlvx_hu(v->sepc);
    if (lo.scause) {
        kprintf("hv: %s: cannot read the instruction at pc %p (%s)\n", v->vm->label,
                (void *)v->sepc, stats_cause_name(lo.scause));
        return false;
    }
    if ((lo.value & 3) != 3) {
        a->len = 2;
        return decode16((uint32_t)lo.value, a);
    }
    struct hlvx_result hi = hv_try_hlvx_hu(v->sepc + 2);
    if (hi.scause) {
        kprintf("hv: %s: cannot read the instruction at pc %p (%s)\n", v->vm->label,
                (void *)(v->sepc + 2), stats_cause_name(hi.scause));
        return false;
    }
    a->len = 4;
    return decode32((uint32_t)(lo.value | hi.value << 16), a);
}

/* PLIC: 32-bit registers; other widths read as zero and write nothing. */
static void plic_emulate(struct vcpu *v, uint64_t off, const struct access *a) {
    if (a->store && a->size == 4 && !(off & 3)) vplic_write(v, off, (uint32_t)(a->reg ? v->x[a->reg] : 0));
    if (!a->store && a->reg) v->x[a->reg] = a->size == 4 && !(off & 3) ? (uint64_t)(int64_t)(int32_t)vplic_read(v, off) : 0;
}

/* UART: a wider access than the byte registers acts on the byte at its address. */
static void uart_emulate(struct vcpu *v, uint64_t off, const struct access *a) {
    if (a->store) {
        vuart_write(v->vm, off, (uint8_t)(a->reg ? v->x[a->reg] : 0));
    } else {
        uint64_t val = vuart_read(v->vm, off);
        if (a->is_signed && a->size == 1) val = (uint64_t)(int64_t)(int8_t)val;
        if (a->reg) v->x[a->reg] = val;
    }
}

/* A vCPU's IMSIC page while that vCPU holds no guest file (aia.c maps the
 * page onto its file while it does): an MSI written to seteipnum_le. */
static void imsic_emulate(struct vcpu *v, uint64_t off, const struct access *a) {
    unsigned target = (unsigned)(off / PAGE_SIZE);
    if (a->store && a->size == 4 && off % PAGE_SIZE == 0 && v->vm->irq.aia && target < v->vm->nr_vcpus)
        aia_msi(&v->vm->vcpus[target], (uint32_t)(a->reg ? v->x[a->reg] : 0));
    if (!a->store && a->reg) v->x[a->reg] = 0;
}

/* The registry: every device hv emulates, by its guest-physical window. */
static const struct mmio_device {
    const char *name;
    uint64_t gpa, size;
    void (*emulate)(struct vcpu *v, uint64_t off, const struct access *a);
} devices[MMIO_DEVICES] = {
    [MMIO_UART] = {"UART", VUART_GPA, VUART_SIZE, uart_emulate},
    [MMIO_VPLIC] = {"vPLIC", VPLIC_GPA, VPLIC_SIZE, plic_emulate},
    [MMIO_IMSIC] = {"IMSIC", AIA_GUEST_IMSIC_GPA, VM_MAX_VCPUS * PAGE_SIZE, imsic_emulate},
};

static const struct mmio_device *device_at(uint64_t gpa) {
    for (unsigned i = 0; i < ARRAY_SIZE(devices); i++)
        if (gpa >= devices[i].gpa && gpa - devices[i].gpa < devices[i].size) return &devices[i];
    return 0;
}

const char *mmio_device_name(unsigned device) { return devices[device].name; }

bool mmio_overlaps(uint64_t gpa, uint64_t len) {
    for (unsigned i = 0; i < ARRAY_SIZE(devices); i++)
        if (gpa < devices[i].gpa + devices[i].size && devices[i].gpa < gpa + len) return true;
    return false;
}

unsigned mmio_emulate(struct vcpu *v) {
    uint64_t gpa = v->trap.htval << 2 | (v->trap.stval & 3);
    if (v->trap.scause == EXC_INST_GUEST_PAGE_FAULT) return 0;
    const struct mmio_device *d = device_at(gpa);
    if (!d) return 0;
    struct access a;
    if (!decode(v, &a)) {
        kprintf("hv: %s: an access to the %s at GPA %p (pc %p) hv cannot decode\n",
                v->vm->label, d->name, (void *)gpa, (void *)v->sepc);
        return 0;
    }
    if (a.store != (v->trap.scause == EXC_STORE_GUEST_PAGE_FAULT)) return 0;
    d->emulate(v, gpa - d->gpa, &a);
    struct mmio_counts *c = &v->vm->dev.mmio[d - devices];
    c->accesses++;
    if (a.from_htinst) c->from_htinst++;
    else c->from_read++;
    return a.len;
}
