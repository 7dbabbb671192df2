#include "vsbi.h"
#include "console.h"
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

void vsbi_handle(struct vcpu *v) {
    long ext = (long)v->x[17], fid = (long)v->x[16];
    uint64_t a0 = v->x[10], a1 = v->x[11], a2 = v->x[12];
    struct sbiret r = {SBI_ERR_NOT_SUPPORTED, 0};
    bool legacy = ext >= 0 && ext <= 0x0f;

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
    case HCALL_EXT_STEPVISOR:
        r = hcall_handle(v, fid);
        break;
    }
    if (v->vm->stopped) return;
    /* Legacy calls return one value in a0; the others return (error, value). */
    v->x[10] = (uint64_t)r.error;
    if (!legacy) v->x[11] = (uint64_t)r.value;
    v->sepc += 4;
}
