#include "vsbi.h"
#include "console.h"
#include "hart.h"
#include "hcall.h"
#include "riscv.h"
#include "sbi.h"
#include "sched.h"
#include "vm.h"

/* Not a registered SBI implementation ID: outside the list in the spec. */
#define VSBI_IMPL_ID       0x5354   /* "ST": stepvisor hv */
#define VSBI_IMPL_VERSION  1
#define VSBI_SPEC_VERSION  (2 << 24 | 0)   /* 2.0: DBCN */

static bool implemented(long ext) {
    switch (ext) {
    case SBI_EXT_LEGACY_SET_TIMER:
    case SBI_EXT_LEGACY_CONSOLE_PUTCHAR:
    case SBI_EXT_LEGACY_CONSOLE_GETCHAR:
    case SBI_EXT_LEGACY_SHUTDOWN:
    case SBI_EXT_BASE:
    case SBI_EXT_TIME:
    case SBI_EXT_SRST:
    case SBI_EXT_DBCN:
    case SBI_EXT_HSM:
    case SBI_EXT_IPI:
    case SBI_EXT_RFENCE:
    case HCALL_EXT_STEPVISOR:
        return true;
    }
    return false;
}

static struct sbiret base(long fid, long a0) {
    switch (fid) {
    case SBI_BASE_GET_SPEC_VERSION: return (struct sbiret){0, VSBI_SPEC_VERSION};
    case SBI_BASE_GET_IMPL_ID:      return (struct sbiret){0, VSBI_IMPL_ID};
    case SBI_BASE_GET_IMPL_VERSION: return (struct sbiret){0, VSBI_IMPL_VERSION};
    case SBI_BASE_PROBE_EXTENSION:  return (struct sbiret){0, implemented(a0)};
    case SBI_BASE_GET_MVENDORID:
    case SBI_BASE_GET_MARCHID:
    case SBI_BASE_GET_MIMPID:       return (struct sbiret){0, 0};
    }
    return (struct sbiret){SBI_ERR_NOT_SUPPORTED, 0};
}

static struct sbiret dbcn(struct vcpu *v, long fid, uint64_t a0, uint64_t a1, uint64_t a2) {
    switch (fid) {
    case SBI_DBCN_WRITE: {
        /* a1/a2: the buffer's guest-physical address, low and high XLEN
         * bits; on RV64 the high half of a real address is zero. */
        const char *buf = a2 ? 0 : vm_gpa_to_host(v->vm, a1, a0);
        if (!buf) return (struct sbiret){SBI_ERR_INVALID_PARAM, 0};
        for (uint64_t i = 0; i < a0; i++) guest_console_putc(&v->vm->console, buf[i]);
        return (struct sbiret){0, (long)a0};
    }
    case SBI_DBCN_READ:
        return (struct sbiret){0, 0};   /* no input for guests yet */
    case SBI_DBCN_WRITE_BYTE:
        guest_console_putc(&v->vm->console, (char)a0);
        return (struct sbiret){0, 0};
    }
    return (struct sbiret){SBI_ERR_NOT_SUPPORTED, 0};
}

static struct sbiret srst(struct vcpu *v, long fid, uint64_t type) {
    if (fid != 0) return (struct sbiret){SBI_ERR_NOT_SUPPORTED, 0};
    if (type == SBI_SRST_TYPE_SHUTDOWN) {
        vm_stop(v->vm, "guest shut down (SBI SRST)");
        return (struct sbiret){0, 0};
    }
    if (type == SBI_SRST_TYPE_COLD_REBOOT || type == SBI_SRST_TYPE_WARM_REBOOT) {
        vm_stop(v->vm, "guest asked for a reboot (not offered yet)");
        return (struct sbiret){0, 0};
    }
    return (struct sbiret){SBI_ERR_INVALID_PARAM, 0};
}

static struct vcpu *vcpu_of(struct vm *vm, uint64_t hartid) {
    return hartid < vm->nr_vcpus ? &vm->vcpus[hartid] : 0;
}

/* HSM: the VM's other vCPUs start OFF (vm.c); a guest starts them as it
 * would start harts, and they stop and suspend themselves. */
static struct sbiret hsm(struct vcpu *v, long fid, uint64_t a0, uint64_t a1, uint64_t a2, unsigned *step) {
    struct vcpu *t;
    switch (fid) {
    case 0:   /* hart_start(hartid, start_addr, opaque) */
        if (!(t = vcpu_of(v->vm, a0))) return (struct sbiret){SBI_ERR_INVALID_PARAM, 0};
        if (t->state != VCPU_OFF) return (struct sbiret){SBI_ERR_ALREADY_AVAILABLE, 0};
        vcpu_start(t, a1, a2);
        hart_kick_idle();
        return (struct sbiret){SBI_SUCCESS, 0};
    case 1:   /* hart_stop(): does not return to the guest */
        v->state = VCPU_OFF;
        for (unsigned i = 0; i < v->vm->nr_vcpus; i++)
            if (v->vm->vcpus[i].state != VCPU_OFF) return (struct sbiret){SBI_SUCCESS, 0};
        vm_stop(v->vm, "every vCPU stopped itself (SBI HSM)");
        return (struct sbiret){SBI_SUCCESS, 0};
    case 2:   /* hart_get_status(hartid) */
        if (!(t = vcpu_of(v->vm, a0))) return (struct sbiret){SBI_ERR_INVALID_PARAM, 0};
        if (t->state == VCPU_OFF || t->state == VCPU_STOPPED) return (struct sbiret){SBI_SUCCESS, SBI_HSM_STOPPED};
        return (struct sbiret){SBI_SUCCESS, t->suspended ? SBI_HSM_SUSPENDED : SBI_HSM_STARTED};
    case 3:   /* hart_suspend(type, resume_addr, opaque) */
        if (a0 != 0 && a0 != 0x80000000ul) return (struct sbiret){SBI_ERR_INVALID_PARAM, 0};
        if (a0 == 0x80000000ul) {
            /* Non-retentive: when it wakes, it starts again at resume_addr. */
            v->sepc = a1;
            *step = 0;
            v->x[10] = v->id;
            v->x[11] = a2;
            csr_clear(vsstatus, SSTATUS_SIE);   /* v is loaded on this hart */
        }
        /* Like WFI: blocked until an interrupt it has enabled is pending. */
        if (!vcpu_has_wakeup(v)) v->state = VCPU_BLOCKED, v->suspended = true;
        return (struct sbiret){SBI_SUCCESS, 0};
    }
    return (struct sbiret){SBI_ERR_NOT_SUPPORTED, 0};
}

/* The vCPUs a (hart_mask, hart_mask_base) pair names, a bit each; base -1
 * names them all. False when the mask names a hart the VM does not have. */
static bool targets(struct vm *vm, uint64_t mask, uint64_t base, uint64_t *set) {
    uint64_t all = (1ul << vm->nr_vcpus) - 1;
    if (base == (uint64_t)-1) *set = all;
    else if (base >= VM_MAX_VCPUS) *set = mask ? ~0ul : 0;
    else *set = mask << base;
    return (*set & ~all) == 0;
}

static struct sbiret ipi(struct vcpu *v, long fid, uint64_t mask, uint64_t base) {
    uint64_t set;
    if (fid != 0) return (struct sbiret){SBI_ERR_NOT_SUPPORTED, 0};
    if (!targets(v->vm, mask, base, &set)) return (struct sbiret){SBI_ERR_INVALID_PARAM, 0};
    for (unsigned i = 0; i < v->vm->nr_vcpus; i++)
        if (set >> i & 1) vcpu_inject(&v->vm->vcpus[i], MIP_VSSIP);
    return (struct sbiret){SBI_SUCCESS, 0};
}

/* RFENCE: remote fence.i and sfence.vma (whole address space, a superset
 * of any range). Each target fences before it next enters the guest; one
 * running on another hart is kicked out, and the call returns once no
 * target still runs unfenced. The hfence calls are for a hypervisor in
 * the guest: guests have no H extension here. */
static struct sbiret rfence(struct vcpu *v, long fid, uint64_t mask, uint64_t base) {
    uint64_t set;
    if (fid < 0 || fid > 2) return (struct sbiret){SBI_ERR_NOT_SUPPORTED, 0};
    if (!targets(v->vm, mask, base, &set)) return (struct sbiret){SBI_ERR_INVALID_PARAM, 0};
    for (unsigned i = 0; i < v->vm->nr_vcpus; i++) {
        struct vcpu *t = &v->vm->vcpus[i];
        if (!(set >> i & 1) || t == v) continue;
        t->flush_pending = true;
        if (t->running_on >= 0) hart_kick((unsigned)t->running_on);
    }
    if (set >> v->id & 1) v->flush_pending = true;   /* this one fences on its way back in */
    for (;;) {
        bool busy = false;
        for (unsigned i = 0; i < v->vm->nr_vcpus; i++) {
            struct vcpu *t = &v->vm->vcpus[i];
            busy |= t != v && t->flush_pending && t->running_on >= 0;
        }
        if (!busy) break;
        hv_unlock();   /* let the target's hart take its exit */
        hv_lock();
    }
    return (struct sbiret){SBI_SUCCESS, 0};
}

unsigned vsbi_handle(struct vcpu *v) {
    long ext = (long)v->x[17], fid = (long)v->x[16];
    uint64_t a0 = v->x[10], a1 = v->x[11], a2 = v->x[12];
    struct sbiret r = {SBI_ERR_NOT_SUPPORTED, 0};
    bool legacy = ext >= 0 && ext <= 0x0f;
    unsigned step = 4;

    switch (ext) {
    case SBI_EXT_LEGACY_SET_TIMER:
        sched_set_guest_timer(v, a0);
        r.error = 0;
        break;
    case SBI_EXT_LEGACY_CONSOLE_PUTCHAR:
        guest_console_putc(&v->vm->console, (char)a0);
        r.error = 0;
        break;
    case SBI_EXT_LEGACY_CONSOLE_GETCHAR:
        r.error = -1;   /* legacy: -1 means no character */
        break;
    case SBI_EXT_LEGACY_SHUTDOWN:
        vm_stop(v->vm, "guest shut down (legacy SBI)");
        break;
    case SBI_EXT_BASE:
        r = base(fid, (long)a0);
        break;
    case SBI_EXT_TIME:
        if (fid == 0) {
            sched_set_guest_timer(v, a0);
            r.error = 0;
        }
        break;
    case SBI_EXT_DBCN:
        r = dbcn(v, fid, a0, a1, a2);
        break;
    case SBI_EXT_SRST:
        r = srst(v, fid, a0);
        break;
    case SBI_EXT_HSM:
        r = hsm(v, fid, a0, a1, a2, &step);
        break;
    case SBI_EXT_IPI:
        r = ipi(v, fid, a0, a1);
        break;
    case SBI_EXT_RFENCE:
        r = rfence(v, fid, a0, a1);
        break;
    case HCALL_EXT_STEPVISOR:
        r = hcall_handle(v, fid);
        break;
    }
    if (v->vm->stopped || v->state == VCPU_OFF) return 0;
    /* Legacy calls return one value in a0; the others return (error, value). */
    v->x[10] = (uint64_t)r.error;
    if (!legacy) v->x[11] = (uint64_t)r.value;
    return step;
}
