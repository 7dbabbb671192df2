/* stepvisor hv's own hypercalls: an SBI extension in the firmware-specific
 * range (0x0A00_0000..0x0AFF_FFFF), called with ecall from VS-mode like any
 * SBI call: a7 = HCALL_EXT_STEPVISOR, a6 = function ID, a0..a5 arguments,
 * (a0, a1) = (error, value) back. The function IDs:
 *
 *    0        HCALL_VERSION         value = HCALL_VERSION_1
 *    1..15    paravirtual console   (pvcon.c)
 *    16..31   memory balloon        (balloon.c)
 *    32       HCALL_DEVICES         value = the HV_DEV_* devices the VM was given
 *
 * Anything else returns SBI_ERR_NOT_SUPPORTED. hv/README.md lists every
 * function with its arguments. */
#pragma once
#include "sbi.h"

#define HCALL_EXT_STEPVISOR 0x0A535648   /* "SVH" in the firmware-specific range */
#define HCALL_VERSION       0
#define HCALL_VERSION_1     1

#define HCALL_PVCON_FIRST   1
#define HCALL_PVCON_LAST    15
#define HCALL_BALLOON_FIRST 16
#define HCALL_BALLOON_LAST  31
#define HCALL_DEVICES       32

struct vcpu;

struct sbiret hcall_handle(struct vcpu *v, long fid);
/* Each reads its arguments from v->x[10..15]. */
struct sbiret pvcon_hcall(struct vcpu *v, long fid);
struct sbiret balloon_hcall(struct vcpu *v, long fid);
/* balloon.c: what each VM gave and took, printed at shutdown. */
void balloon_print(void);
/* The pages vm's balloon should hold now. */
struct vm;
uint64_t balloon_target_of(const struct vm *vm);
