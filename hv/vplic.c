#include "vplic.h"
#include "aia.h"
#include "irq.h"
#include "riscv.h"
#include "vcpu.h"
#include "vm.h"

/* Register offsets, as in the PLIC specification. */
#define PRIORITY_BASE  0x000000
#define PENDING_BASE   0x001000
#define ENABLE_BASE    0x002000
#define ENABLE_STRIDE  0x80
#define CONTEXT_BASE   0x200000
#define CONTEXT_STRIDE 0x1000

/* The best source vCPU h may claim: pending, enabled, above its threshold. */
static unsigned best(const struct vplic *p, unsigned h) {
    unsigned id = 0;
    uint32_t prio = p->threshold[h];
    uint32_t ready = p->pending & p->enable[h] & ~p->claimed;
    for (unsigned s = 1; s < VPLIC_SOURCES; s++)
        if ((ready >> s & 1) && p->priority[s] > prio) prio = p->priority[s], id = s;
    return id;
}

/* Every vCPU's VSEIP from the PLIC's state. */
static void update(struct vm *vm) {
    struct vplic *p = &vm->irq.vplic;
    for (unsigned h = 0; h < vm->nr_vcpus; h++) {
        struct vcpu *v = &vm->vcpus[h];
        if (best(p, h)) {
            if (!((v->hvip | v->inject) & MIP_VSEIP)) p->raised++;
            vcpu_inject(v, MIP_VSEIP);
        } else if ((v->hvip | v->inject) & MIP_VSEIP) {
            v->hvip &= ~MIP_VSEIP;
            v->inject &= ~MIP_VSEIP;
            if (v->running_on >= 0) vcpu_inject(v, 0);   /* out of the guest, to drop it */
        }
    }
}

void vplic_set_level(struct vm *vm, unsigned source, bool high) {
    struct vplic *p = &vm->irq.vplic;
    if (!source || source >= VPLIC_SOURCES) return;
    uint32_t bit = 1u << source;
    if (high) {
        p->level |= bit;
        if (!(p->claimed & bit)) p->pending |= bit;
    } else {
        p->level &= ~bit;
        p->pending &= ~bit;   /* a level interrupt that went away before its claim */
    }
    update(vm);
}

/* Which vCPU an S-mode context (2h+1) belongs to, or -1. */
static int context_vcpu(struct vm *vm, uint64_t context) {
    if (!(context & 1) || context / 2 >= vm->nr_vcpus) return -1;
    return (int)(context / 2);
}

uint32_t vplic_read(struct vcpu *v, uint64_t off) {
    struct vplic *p = &v->vm->irq.vplic;
    if (off < PENDING_BASE) return off / 4 < VPLIC_SOURCES ? p->priority[off / 4] : 0;
    if (off == PENDING_BASE) return p->pending;
    if (off >= ENABLE_BASE && off < CONTEXT_BASE) {
        int h = context_vcpu(v->vm, (off - ENABLE_BASE) / ENABLE_STRIDE);
        return h >= 0 && (off - ENABLE_BASE) % ENABLE_STRIDE == 0 ? p->enable[h] : 0;
    }
    if (off >= CONTEXT_BASE) {
        int h = context_vcpu(v->vm, (off - CONTEXT_BASE) / CONTEXT_STRIDE);
        uint64_t reg = (off - CONTEXT_BASE) % CONTEXT_STRIDE;
        if (h < 0) return 0;
        if (reg == 0) return p->threshold[h];
        if (reg == 4) {   /* claim */
            aia_claiming(v);
            unsigned id = best(p, (unsigned)h);
            if (id) {
                p->pending &= ~(1u << id);
                p->claimed |= 1u << id;
                p->claims++;
            }
            update(v->vm);
            return id;
        }
    }
    return 0;
}

void vplic_write(struct vcpu *v, uint64_t off, uint32_t value) {
    struct vplic *p = &v->vm->irq.vplic;
    if (off < PENDING_BASE) {
        if (off / 4 && off / 4 < VPLIC_SOURCES) p->priority[off / 4] = value & 7;
    } else if (off >= ENABLE_BASE && off < CONTEXT_BASE) {
        int h = context_vcpu(v->vm, (off - ENABLE_BASE) / ENABLE_STRIDE);
        if (h >= 0 && (off - ENABLE_BASE) % ENABLE_STRIDE == 0) p->enable[h] = value & ~1u;
    } else if (off >= CONTEXT_BASE) {
        int h = context_vcpu(v->vm, (off - CONTEXT_BASE) / CONTEXT_STRIDE);
        uint64_t reg = (off - CONTEXT_BASE) % CONTEXT_STRIDE;
        if (h < 0) return;
        if (reg == 0) p->threshold[h] = value & 7;
        if (reg == 4 && value && value < VPLIC_SOURCES && (p->claimed >> value & 1)) {   /* complete */
            p->claimed &= ~(1u << value);
            if (p->level >> value & 1) p->pending |= 1u << value;   /* still high: pends again */
            irq_guest_completed(v->vm, value);   /* a real device's: complete it at the machine's PLIC too */
        }
    }
    update(v->vm);
}
