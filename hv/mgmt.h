/* The management mailbox: how the management controller outside every
 * guest (stepvisor's --mgmt socket) asks hv to act on one VM. A device of
 * the machine (devices/mgmt_mailbox.hpp), in the machine's device tree as
 * "stepvisor,mgmt-mailbox" with one interrupt; hv maps it into no guest's
 * G-stage, so no guest can see or reach it. Plain C, shared with the
 * device and with ui/cli, which speak the other side.
 *
 * One request at a time: the host fills CMD, VM and ARG, bumps SEQ and
 * raises the interrupt; hv writes STATUS, COUNT and DATA, then the SEQ it
 * answered to DONE, which lowers the interrupt. Registers are 32-bit
 * unless said; DATA takes stores of any width. */
#pragma once
#include <stdint.h>

#define HV_MGMT_COMPATIBLE "stepvisor,mgmt-mailbox"
#define HV_MGMT_MAGIC_VALUE 0x424d5653u   /* "SVMB" */
#define HV_MGMT_READY_VALUE 1u

#define HV_MGMT_MAGIC   0x00   /* r: HV_MGMT_MAGIC_VALUE */
#define HV_MGMT_READY   0x04   /* rw: hv writes HV_MGMT_READY_VALUE once it serves the mailbox */
#define HV_MGMT_SEQ     0x08   /* r: the request's number */
#define HV_MGMT_CMD     0x0c   /* r: HV_MGMT_CMD_* */
#define HV_MGMT_VM      0x10   /* r: the VM's index (the N of vmN) */
#define HV_MGMT_ARG     0x18   /* r, 64-bit: the command's argument */
#define HV_MGMT_STATUS  0x20   /* w: HV_MGMT_OK or HV_MGMT_E* */
#define HV_MGMT_COUNT   0x24   /* w: records written to DATA */
#define HV_MGMT_DONE    0x28   /* w: the SEQ answered; lowers the interrupt */
#define HV_MGMT_DATA    0x100  /* w: the answer, up to HV_MGMT_DATA_SIZE bytes */
#define HV_MGMT_DATA_SIZE 0xf00
#define HV_MGMT_SIZE    0x1000

#define HV_MGMT_CMD_LIST        1   /* every VM: COUNT struct hv_mgmt_vm in DATA */
#define HV_MGMT_CMD_PAUSE       2   /* the VM's vCPUs leave their harts until resumed */
#define HV_MGMT_CMD_RESUME      3
#define HV_MGMT_CMD_RESET       4   /* the VM starts over: image copied in again, vCPU 0 at the entry */
#define HV_MGMT_CMD_SET_SHARE   5   /* ARG: CPU share per vCPU, 1..100 percent */
#define HV_MGMT_CMD_SET_BALLOON 6   /* ARG: pages its balloon should hold (its driver reads the target) */
#define HV_MGMT_CMD_POWERDOWN   7   /* every VM stops; hv powers the machine off */

#define HV_MGMT_OK       0
#define HV_MGMT_ENOVM    1   /* no VM with that index */
#define HV_MGMT_EARG     2   /* the argument is out of range */
#define HV_MGMT_ESTATE   3   /* not in this state (a stopped VM, a balloon in use) */
#define HV_MGMT_ENOCMD   4   /* no such command */

#define HV_MGMT_VM_RUNNING 0
#define HV_MGMT_VM_PAUSED  1
#define HV_MGMT_VM_STOPPED 2

struct hv_mgmt_vm {
    char name[16];            /* NUL-terminated */
    uint32_t id, state;       /* HV_MGMT_VM_* */
    uint32_t vcpus, share_pct;
    uint64_t run_us;          /* time its vCPUs spent in the guest */
    uint64_t exits;           /* VM exits, every cause */
    uint64_t sbi_calls;       /* ecalls from VS-mode: SBI and hv's hypercalls */
    uint64_t console_bytes;   /* bytes its console printed */
    uint64_t resets;          /* by the management controller */
    uint64_t balloon_target;  /* pages; what the management controller set, else hv's own */
    uint64_t balloon_held;
};
