#include "hcall.h"
#include "vcpu.h"
#include "vm.h"

struct sbiret hcall_handle(struct vcpu *v, long fid) {
    if (fid == HCALL_VERSION) return (struct sbiret){SBI_SUCCESS, HCALL_VERSION_1};
    if (fid == HCALL_DEVICES) return (struct sbiret){SBI_SUCCESS, (long)v->vm->dev.given};
    if (fid >= HCALL_PVCON_FIRST && fid <= HCALL_PVCON_LAST) return pvcon_hcall(v, fid);
    if (fid >= HCALL_BALLOON_FIRST && fid <= HCALL_BALLOON_LAST) return balloon_hcall(v, fid);
    return (struct sbiret){SBI_ERR_NOT_SUPPORTED, 0};
}
