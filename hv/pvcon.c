/* The paravirtual console: hypercalls HCALL_PVCON_FIRST..LAST (hcall.h). */
#include "hcall.h"
#include "vcpu.h"

struct sbiret pvcon_hcall(struct vcpu *v, long fid) {
    (void)v, (void)fid;
    return (struct sbiret){SBI_ERR_NOT_SUPPORTED, 0};
}
