#include "vcpu.h"
#include "aia.h"
#include "hart.h"
#include "lib.h"
#include "riscv.h"
#include "vm.h"

_Static_assert(__builtin_offsetof(struct vcpu, x[1]) == VCPU_X(1), "trap.S layout");
_Static_assert(__builtin_offsetof(struct vcpu, sepc) == VCPU_SEPC, "trap.S layout");
_Static_assert(__builtin_offsetof(struct vcpu, hstatus) == VCPU_HSTATUS, "trap.S layout");
_Static_assert(__builtin_offsetof(struct vcpu, sstatus) == VCPU_SSTATUS, "trap.S layout");
_Static_assert(__builtin_offsetof(struct vcpu, host_sp) == VCPU_HOST_SP, "trap.S layout");
_Static_assert(__builtin_offsetof(struct vcpu, exit_cycle) == VCPU_EXIT_CYCLE, "trap.S layout");

#define VSXL_UXL_MASK (3ull << 32)

void vcpu_init(struct vcpu *v, struct vm *vm, unsigned id, uint64_t entry,
               uint64_t a0, uint64_t a1) {
    /* A guest interrupt file stays with its vCPU (aia.c keeps the owners). */
    struct { unsigned g, hart; struct aia_file_state saved; } file = {v->gfile, v->gfile_hart, v->gfile_saved};
    memset(v, 0, sizeof *v);
    v->gfile = file.g, v->gfile_hart = file.hart, v->gfile_saved = file.saved;
    v->vm = vm;
    v->id = id;
    v->x[10] = a0;
    v->x[11] = a1;
    v->sepc = entry;
    /* SPV: sret enters V=1. SPVP: hv's HLV/HSV accesses act as VS-mode ones.
     * VTW: a guest's WFI exits, so hv can run someone else meanwhile.
     * VSXL stays what the hart has (64-bit). */
    v->hstatus = (csr_read(hstatus) & ~(HSTATUS_GVA | HSTATUS_HU | HSTATUS_VTVM |
                                        HSTATUS_VTSR | HSTATUS_VGEIN)) |
                 HSTATUS_SPV | HSTATUS_SPVP | HSTATUS_VTW;
    /* SPP=1: the guest starts in (V)S-mode. FS=Initial lets it turn its FPU
     * on through vsstatus.FS as on bare hardware. SPIE=0 keeps hv's SIE at 0
     * after sret and at the next trap. */
    v->sstatus = (csr_read(sstatus) & ~(SSTATUS_SIE | SSTATUS_SPIE | SSTATUS_FS)) |
                 SSTATUS_SPP | SSTATUS_FS_INITIAL;
    /* The guest's sstatus as after reset: interrupts and FPU off, 64-bit U. */
    v->vs.vsstatus = csr_read(vsstatus) & VSXL_UXL_MASK;
    v->timer_deadline = UINT64_MAX;
    v->vs.vstimecmp = UINT64_MAX;
    v->state = VCPU_RUNNABLE;
    v->running_on = v->last_hart = -1;
}

void vcpu_start(struct vcpu *v, uint64_t start_addr, uint64_t opaque) {
    struct vm *vm = v->vm;
    unsigned id = v->id;
    int last = v->last_hart;
    uint64_t run_total = v->run_total, started = v->started_at;
    vcpu_init(v, vm, id, start_addr, id, opaque);
    v->last_hart = last;
    v->run_total = run_total;
    v->started_at = started;
    v->reload = true;   /* a hart that still holds its old VS CSRs loads these */
}

void vcpu_load(struct vcpu *v) {
    bool fresh = v->reload;
    v->reload = false;
    csr_write(hgatp, v->vm->mem.hgatp);
    if (v->vm->mem.vmid == 0) {
        /* VMIDs shared: nothing tags the previous VM's translations apart. */
        hfence_gvma_all();
        hfence_vvma_all();
    } else if (v->last_hart != (int)hart_id()) {
        /* The guest fenced its VS-stage translations on the hart it ran on;
         * this hart may still hold older ones of this VMID (as KVM does). */
        hfence_vvma_all();
    }
    csr_write(vsstatus, v->vs.vsstatus);
    csr_write(vsie, v->vs.vsie);
    csr_write(vstvec, v->vs.vstvec);
    csr_write(vsscratch, v->vs.vsscratch);
    csr_write(vsepc, v->vs.vsepc);
    csr_write(vscause, v->vs.vscause);
    csr_write(vstval, v->vs.vstval);
    csr_write(vsatp, v->vs.vsatp);
    csr_write(scounteren, v->vs.scounteren);
    csr_write(htimedelta, v->htimedelta);
    if (hart_has_sstc()) csr_write(CSR_VSTIMECMP, v->vs.vstimecmp);
    if (hart_fp_owner() != v || fresh) {
        fp_restore(&v->fp);
        hart_set_fp_owner(v);
    }
    hart_set_loaded_vcpu(v);
    aia_load(v);
}

void vcpu_put(struct vcpu *v) {
    if (v->reload) {   /* restarted since it was loaded: the hart's copy is stale */
        hart_set_loaded_vcpu(0);
        return;
    }
    v->vs.vsstatus = csr_read(vsstatus);
    v->vs.vsie = csr_read(vsie);
    v->vs.vstvec = csr_read(vstvec);
    v->vs.vsscratch = csr_read(vsscratch);
    v->vs.vsepc = csr_read(vsepc);
    v->vs.vscause = csr_read(vscause);
    v->vs.vstval = csr_read(vstval);
    v->vs.vsatp = csr_read(vsatp);
    v->vs.scounteren = csr_read(scounteren);
    if (hart_has_sstc()) v->vs.vstimecmp = csr_read(CSR_VSTIMECMP);
    if ((v->sstatus & SSTATUS_FS) == SSTATUS_FS_DIRTY) {
        fp_save(&v->fp);
        v->sstatus = (v->sstatus & ~SSTATUS_FS) | SSTATUS_FS_CLEAN;
    }
    hart_set_loaded_vcpu(0);
}

void vcpu_run_once(struct vcpu *v) {
    v->hvip |= v->inject;
    v->inject = 0;
    csr_write(hvip, v->hvip);
    if (v->gstage_flush_pending) {
        v->gstage_flush_pending = false;
        hfence_gvma_all();   /* the VMID is this VM's: hgatp is loaded */
    }
    if (v->flush_pending) {
        v->flush_pending = false;
        __asm__ volatile("fence.i" ::: "memory");
        hfence_vvma_all();   /* with this VM's hgatp loaded: its VMID only */
    }
    v->running_on = (int)hart_id();
    v->last_hart = v->running_on;
    v->entered_at = read_time();
    hv_unlock();
    vcpu_enter(v);
    hv_lock();
    v->running_on = -1;
    v->trap.scause = csr_read(scause);
    v->trap.stval = csr_read(stval);
    v->trap.htval = csr_read(htval);
    v->trap.htinst = csr_read(htinst);
    v->hstatus = csr_read(hstatus);
    v->sstatus = csr_read(sstatus);
    /* The guest may clear its own software interrupt: vsip.SSIP is hvip.VSSIP. */
    v->hvip = csr_read(hvip);
}

void vcpu_inject(struct vcpu *v, uint64_t hvip_bits) {
    v->inject |= hvip_bits;
    if (v->state == VCPU_BLOCKED && vcpu_has_wakeup(v)) {
        v->state = VCPU_RUNNABLE;
        v->suspended = false;
        hart_kick_idle();
    }
    if (v->running_on >= 0) hart_kick((unsigned)v->running_on);
}

uint64_t vcpu_timer_deadline(const struct vcpu *v) {
    if (!hart_has_sstc()) return v->timer_deadline;
    return hart_loaded_vcpu() == v ? csr_read(CSR_VSTIMECMP) : v->vs.vstimecmp;
}

void vcpu_set_timer(struct vcpu *v, uint64_t deadline) {
    if (hart_has_sstc()) {
        /* A later vstimecmp also takes back a pending VSTIP, as SBI asks. */
        v->vs.vstimecmp = deadline;
        if (hart_loaded_vcpu() == v) csr_write(CSR_VSTIMECMP, deadline);
        return;
    }
    v->timer_deadline = deadline;
    v->hvip &= ~MIP_VSTIP;
    v->inject &= ~MIP_VSTIP;
}

bool vcpu_has_wakeup(const struct vcpu *v) {
    uint64_t pending = v->hvip | v->inject;
    if (aia_pending(v)) pending |= MIP_VSEIP;   /* hgeip: its guest file's interrupt */
    if (hart_has_sstc() && read_time() + v->htimedelta >= vcpu_timer_deadline(v)) pending |= MIP_VSTIP;
    /* The VS bits sit one above the matching vsie (S-level) bits. */
    uint64_t vsie = hart_loaded_vcpu() == v ? csr_read(vsie) : v->vs.vsie;
    return ((pending >> 1) & vsie) != 0;
}
