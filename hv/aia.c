#include "aia.h"
#include "aplic.h"
#include "console.h"
#include "fdt.h"
#include "gstage.h"
#include "hart.h"
#include "irq.h"
#include "lib.h"
#include "riscv.h"
#include "vm.h"
#include "vplic.h"

#define HOST_IMSIC_S "/soc/imsics@28000000"   /* QEMU virt's S-level IMSICs */
#define HOST_IMSIC_S_BASE 0x28000000ull
#define MAX_FILES 64                          /* GEILEN is at most 63 */

long hv_try_set_hstateen0(uint64_t bits);   /* trap.S */
long hv_try_write_vsiselect(uint64_t value);

#define MAX_ROUTES 8

static bool present;
static struct { unsigned source, id; struct vcpu *v; } routes[MAX_ROUTES];
static unsigned nr_routes;
static unsigned geilen, guest_index_bits, admitted;
/* owner[hart][g]: the vCPU holding guest file g of that hart. fencing:
 * the VM whose page mapped the file until it was freed, while a vCPU of
 * that VM may still run with the old translation (its hart not yet kicked
 * out): the file is not given again meanwhile, so no stray MSI reaches
 * another owner. */
static struct vcpu *owner[HV_MAX_HARTS][MAX_FILES];
static struct vm *fencing[HV_MAX_HARTS][MAX_FILES];

void aia_init(const void *fdt) {
    uint32_t len;
    if (!fdt_valid(fdt) || !fdt_getprop(fdt, HOST_IMSIC_S, "compatible", &len)) return;
    /* GEILEN is the number of hgeie bits that stick (bit 0 never does). */
    csr_write(CSR_HGEIE, ~0ull);
    uint64_t bits = csr_read(CSR_HGEIE);
    csr_write(CSR_HGEIE, 0);
    for (; bits; bits &= bits - 1) geilen++;
    guest_index_bits = (unsigned)fdt_getprop_u64(fdt, HOST_IMSIC_S, "riscv,guest-index-bits", 0);
    present = geilen > 0;
    if (present && hv_try_write_vsiselect(ISELECT_EIDELIVERY) != 0) {
        kprintf("hv: the firmware keeps the AIA's CSRs closed (mstateen0.CSRIND)\n");
        present = false;
    }
    kprintf("hv: IMSICs with %u guest interrupt file(s) per hart: guest interrupts %s\n", geilen,
            present ? "without VM exits where a file is free" : "through hvip.VSEIP");
}

bool aia_present(void) { return present; }

void aia_hart_init(void) {
    if (!present) return;
    csr_set(CSR_HIE, MIP_SGEIP);
    /* Smstateen: the guests' siselect/sireg, stopei and stopi are their own
     * (without it there is nothing to open). */
    (void)hv_try_set_hstateen0(HSTATEEN0_CSRIND | HSTATEEN0_AIA | HSTATEEN0_IMSIC);
}

void aia_admit(struct vm *vm) {
    /* With no more vCPUs holding files than GEILEN, every hart always has
     * one free for whichever of them arrives. */
    if (!present) return;
    if (admitted + vm->nr_vcpus > geilen) {
        kprintf("hv: %s: no guest interrupt files left; its interrupts through its vPLIC (hvip.VSEIP)\n", vm->label);
        return;
    }
    vm->irq.aia = true;
    admitted += vm->nr_vcpus;
    kprintf("hv: %s: an IMSIC guest interrupt file for each of its %u vCPU(s), at GPA %p\n", vm->label,
            vm->nr_vcpus, (void *)AIA_GUEST_IMSIC_GPA);
}

static uint64_t host_page(unsigned hart, unsigned g) {
    return HOST_IMSIC_S_BASE + ((uint64_t)hart << guest_index_bits) * PAGE_SIZE + g * PAGE_SIZE;
}
static uint64_t guest_page(const struct vcpu *v) { return AIA_GUEST_IMSIC_GPA + v->id * PAGE_SIZE; }

/* vsiselect/vsireg reach the guest file hstatus.VGEIN names, from HS-mode too. */
static uint64_t select_file(unsigned g) {
    uint64_t hs = csr_read(hstatus);
    csr_write(hstatus, (hs & ~HSTATUS_VGEIN) | (uint64_t)g << HSTATUS_VGEIN_SHIFT);
    return hs;
}
static uint64_t file_swap(uint64_t sel, uint64_t value) {
    csr_write(CSR_VSISELECT, sel);
    uint64_t old = csr_read(CSR_VSIREG);
    csr_write(CSR_VSIREG, value);
    return old;
}

static void save_and_clear(unsigned g, struct aia_file_state *s) {
    uint64_t hs = select_file(g);
    s->eidelivery = file_swap(ISELECT_EIDELIVERY, 0);
    s->eithreshold = file_swap(ISELECT_EITHRESHOLD, 0);
    for (unsigned i = 0; i < 4; i++) {
        s->eie[i] = file_swap(ISELECT_EIE0 + 2 * i, 0);
        s->eip[i] = file_swap(ISELECT_EIP0 + 2 * i, 0);
    }
    csr_write(hstatus, hs);
}

static void restore(unsigned g, const struct aia_file_state *s) {
    uint64_t hs = select_file(g);
    for (unsigned i = 0; i < 4; i++) {
        file_swap(ISELECT_EIE0 + 2 * i, s->eie[i]);
        file_swap(ISELECT_EIP0 + 2 * i, s->eip[i]);
    }
    file_swap(ISELECT_EITHRESHOLD, s->eithreshold);
    file_swap(ISELECT_EIDELIVERY, s->eidelivery);
    csr_write(hstatus, hs);
}

static bool unfenced(const struct vm *vm) {
    for (unsigned i = 0; i < vm->nr_vcpus; i++)
        if (vm->vcpus[i].running_on >= 0 && vm->vcpus[i].gstage_flush_pending) return true;
    return false;
}

/* v's routed sources: their MSIs into its file wherever it is; while it
 * holds none, held pending at the APLIC (its VM sees its IMSIC: it gets
 * one as soon as it runs) or, for a VM that sees only its vPLIC, into
 * hv's own file on this hart (irq.c), where v runs or ran last. */
static void retarget(struct vcpu *v) {
    for (unsigned i = 0; i < nr_routes; i++) {
        if (routes[i].v != v) continue;
        unsigned s = routes[i].source;
        if (v->gfile) aplic_target(s, v->gfile_hart, v->gfile, routes[i].id);
        else if (v->vm->irq.aia) aplic_mask(s);
        else irq_retake(s, hart_id());
    }
}

bool aia_route(unsigned source, struct vm *vm, unsigned id) {
    if (!present || nr_routes == MAX_ROUTES || !aplic_present()) return false;
    if (vm->irq.aia && !aplic_claim_source(source)) return false;
    struct vcpu *v = &vm->vcpus[0];
    routes[nr_routes].source = source, routes[nr_routes].id = id, routes[nr_routes].v = v;
    nr_routes++;
    if (vm->irq.aia) {
        retarget(v);
        kprintf("hv: %s: the machine's interrupt %u as MSIs straight into its guest interrupt file (identity %u)\n",
                vm->label, source, id);
    } else {
        /* The file's state hv keeps for the guest, which does not know it. */
        vm->irq.aia_devices = true;
        v->gfile_saved.eidelivery = 1;
        v->gfile_saved.eie[id / 64] |= 1ull << (id % 64);
    }
    return true;
}

/* VMs that see their vPLIC may have a guest file for their devices' MSIs
 * while one is free. */
static bool has_files(const struct vm *vm) { return vm->irq.aia || vm->irq.aia_devices; }

static bool usable(unsigned me, unsigned g) {
    if (owner[me][g] || (fencing[me][g] && unfenced(fencing[me][g]))) return false;
    fencing[me][g] = 0;
    return true;
}

static void release(struct vcpu *v);

/* A file of this hart for v, or 0. Every vCPU of a VM with files may
 * arrive on any hart, and admission left one for each: a VM that sees
 * only its vPLIC takes one beyond those (a VM that stopped gives its
 * back), and gives it up when such a vCPU needs it. */
static unsigned free_file(const struct vcpu *v) {
    unsigned me = hart_id(), free = 0, first = 0, need = 0;
    for (unsigned g = 1; g <= geilen; g++)
        if (usable(me, g)) free++, first = first ? first : g;
    if (!v->vm->irq.aia) {
        for (unsigned k = 0; k < nr_vms; k++)
            for (unsigned i = 0; i < vms[k].nr_vcpus; i++) {
                const struct vcpu *o = &vms[k].vcpus[i];
                need += vms[k].irq.aia && !vms[k].stopped && !(o->gfile && o->gfile_hart == me);
            }
        return free > need ? first : 0;
    }
    if (first) return first;
    for (unsigned g = 1; g <= geilen; g++)
        if (owner[me][g] && !owner[me][g]->vm->irq.aia) {
            release(owner[me][g]);   /* back to hv's file: its MSIs reach it there */
            return usable(me, g) ? g : 0;
        }
    return 0;
}

/* v takes file g of this hart, with the state it had. */
static void take(struct vcpu *v, unsigned g) {
    unsigned me = hart_id();
    owner[me][g] = v;
    v->gfile = g, v->gfile_hart = me;
    restore(g, &v->gfile_saved);
    struct vm *vm = v->vm;
    if (vm->irq.aia) {
        memset(&v->gfile_saved, 0, sizeof v->gfile_saved);
        uint64_t old;
        gstage_unmap_page(vm->mem.gstage_root, guest_page(v), &old);
        gstage_map(vm->mem.gstage_root, guest_page(v), host_page(me, g), PAGE_SIZE, PTE_R | PTE_W);
        vm_fence_gstage(vm);
    } else if (!vm->irq.gfile_moves) {
        kprintf("hv: %s: guest interrupt file %u of hart %u is free: its devices' MSIs go into it\n",
                vm->label, g, me);
    }
    vm->irq.gfile_moves++;
    retarget(v);
    v->hstatus = (v->hstatus & ~HSTATUS_VGEIN) | (uint64_t)g << HSTATUS_VGEIN_SHIFT;
}

void aia_load(struct vcpu *v) {
    if (!has_files(v->vm)) return;
    if (!v->gfile) {
        unsigned g = free_file(v);
        if (g) {
            take(v, g);
        } else if (!v->vm->irq.aia) {
            retarget(v);   /* into hv's file here */
        } else {   /* aia_may_run_here keeps this from happening */
            kprintf("hv: %s: no guest interrupt file free on hart %u\n", v->vm->label, hart_id());
            vm_stop(v->vm, "found no guest interrupt file");
            return;
        }
    }
    v->gfile_release = false;
    v->hstatus = (v->hstatus & ~HSTATUS_VGEIN) | (uint64_t)v->gfile << HSTATUS_VGEIN_SHIFT;
}

/* A file's pending identities, for a VM that sees its vPLIC: taken from
 * the file (on its hart) and raised there, as hv raises what reaches its
 * own file. */
static void pull(struct vcpu *v) {
    uint64_t hs = select_file(v->gfile);
    for (unsigned i = 0; i < 4; i++) {
        uint64_t bits = file_swap(ISELECT_EIP0 + 2 * i, 0);
        for (unsigned id = 64 * i; bits; bits >>= 1, id++)
            if (bits & 1) {
                v->vm->irq.gfile_irqs++;
                vplic_set_level(v->vm, id, true);
            }
    }
    csr_write(hstatus, hs);
}

void aia_claiming(struct vcpu *v) {
    if (v->gfile && v->gfile_hart == hart_id() && !v->vm->irq.aia) pull(v);
}

/* On the file's hart, with v on none. */
static void release(struct vcpu *v) {
    unsigned g = v->gfile;
    if (!v->vm->irq.aia) pull(v);   /* what it holds goes to the vPLIC */
    v->gfile = 0;
    retarget(v);   /* its devices' MSIs wait at the APLIC, or go to hv's file, from now on */
    save_and_clear(g, &v->gfile_saved);
    owner[v->gfile_hart][g] = 0;
    v->gfile_release = false;
    v->hstatus &= ~HSTATUS_VGEIN;
    if (!v->vm->irq.aia) return;   /* its guest never saw the file's page */
    fencing[v->gfile_hart][g] = v->vm;
    uint64_t old;
    gstage_unmap_page(v->vm->mem.gstage_root, guest_page(v), &old);
    vm_fence_gstage(v->vm);
}

bool aia_may_run_here(struct vcpu *v) {
    if (!has_files(v->vm) || (v->gfile && v->gfile_hart == hart_id())) return true;
    if (!v->gfile) return !v->vm->irq.aia || free_file(v) != 0;   /* admission leaves one, once fenced */
    if (!v->gfile_release) {
        v->gfile_release = true;
        hart_kick(v->gfile_hart);
    }
    return false;
}

bool aia_moves_pending(void) {
    for (unsigned h = 0; h < HV_MAX_HARTS; h++)
        for (unsigned g = 1; g <= geilen; g++)
            if ((owner[h][g] && owner[h][g]->gfile_release) || (fencing[h][g] && unfenced(fencing[h][g])))
                return true;
    return false;
}

/* Files of vCPUs blocked in WFI whose guest takes external interrupts. */
static uint64_t wakeup_files(void) {
    uint64_t bits = 0;
    for (unsigned g = 1; g <= geilen; g++) {
        struct vcpu *o = owner[hart_id()][g];
        if (o && o->state == VCPU_BLOCKED && o != hart_loaded_vcpu() && (o->vs.vsie & (MIP_VSEIP >> 1)))
            bits |= 1ull << g;
    }
    return bits;
}

void aia_poll(void) {
    if (!present) return;
    bool freed = false;
    for (unsigned g = 1; g <= geilen; g++) {
        struct vcpu *o = owner[hart_id()][g];
        if (!o || o->running_on >= 0) continue;
        /* Asked for by another hart, or its VM stopped: free for another. */
        if ((o->gfile_release && o != hart_loaded_vcpu()) || o->vm->stopped) release(o), freed = true;
    }
    /* The vCPU about to run here, of a VM that sees its vPLIC, takes a
     * file when one is free. */
    struct vcpu *l = hart_loaded_vcpu();
    if (l && l->vm->irq.aia_devices && !l->gfile && !l->vm->stopped) {
        unsigned g = free_file(l);
        if (g) take(l, g);
    }
    /* A file another hart may be waiting for is fenced now. */
    for (unsigned h = 0; h < HV_MAX_HARTS; h++)
        for (unsigned g = 1; g <= geilen; g++)
            if (fencing[h][g] && !unfenced(fencing[h][g])) fencing[h][g] = 0, freed = true;
    if (freed) hart_kick_idle();
    csr_write(CSR_HGEIE, wakeup_files());
}

void aia_wake(void) {
    if (!present) return;
    uint64_t pending = csr_read(CSR_HGEIP) & wakeup_files();
    for (unsigned g = 1; g <= geilen; g++) {
        struct vcpu *o = owner[hart_id()][g];
        if (!(pending >> g & 1)) continue;
        o->state = VCPU_RUNNABLE;
        o->suspended = false;
        o->vm->irq.gfile_wakeups++;
    }
    csr_write(CSR_HGEIE, wakeup_files());
    if (pending) hart_kick_idle();
}

/* The file's signal, as IMSIC.adoc defines it: delivery on, and an
 * identity pending and enabled below the threshold (0: none). */
static bool saved_signal(const struct aia_file_state *s) {
    if (s->eidelivery != 1) return false;
    for (unsigned i = 0; i < 4; i++) {
        uint64_t ready = s->eip[i] & s->eie[i] & (i ? ~0ull : ~1ull);
        if (!ready) continue;
        unsigned id = 64 * i;
        while (!(ready & 1)) ready >>= 1, id++;   /* the lowest: the highest priority */
        return !s->eithreshold || id < s->eithreshold;
    }
    return false;
}

bool aia_pending(const struct vcpu *v) {
    if (!has_files(v->vm)) return false;
    if (!v->gfile) return v->vm->irq.aia && saved_signal(&v->gfile_saved);
    if (v->gfile_hart != hart_id()) return false;   /* that hart sees it */
    return csr_read(CSR_HGEIP) >> v->gfile & 1;
}

void aia_msi(struct vcpu *v, unsigned id) {
    v->vm->irq.msis_sent++;
    if (v->gfile) {
        /* seteipnum_le, at offset 0 of the file's page */
        *(volatile uint32_t *)host_page(v->gfile_hart, v->gfile) = id;
        if (v->gfile_hart == hart_id()) aia_wake();
        return;
    }
    if (id < 256) v->gfile_saved.eip[id / 64] |= 1ull << (id % 64);
    if (v->state == VCPU_BLOCKED && vcpu_has_wakeup(v)) {
        v->state = VCPU_RUNNABLE;
        v->suspended = false;
        hart_kick_idle();
    }
}

void aia_set_level(struct vm *vm, unsigned id, bool high) {
    uint64_t bit = 1ull << (id & 63);
    bool was = (vm->irq.aia_lines & bit) != 0;
    vm->irq.aia_lines = high ? vm->irq.aia_lines | bit : vm->irq.aia_lines & ~bit;
    if (high && !was) aia_msi(&vm->vcpus[0], id);
}
