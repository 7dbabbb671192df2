/* The memory balloon: hypercalls HCALL_BALLOON_FIRST..LAST (hcall.h). */
#include "hcall.h"
#include "vcpu.h"

struct sbiret balloon_hcall(struct vcpu *v, long fid) {
    (void)v, (void)fid;
    return (struct sbiret){SBI_ERR_NOT_SUPPORTED, 0};
}
