/* The VM table a loader (stepvisor hv --vm IMAGE ...) leaves in RAM for hv:
 * which VMs to create, with their images, instead of hv's built-in ones.
 * Plain C, shared with ui/cli/cmd_hv.cpp, which writes it.
 *
 * At HV_HANDOVER_ADDR: the header, then the images, each at image_offset
 * from the header. pool_base/pool_size name RAM (above the table and the
 * images) that hv may use for guest RAM and G-stage tables on top of its
 * own pool. When the magic is not there (QEMU, plain `stepvisor run`), hv
 * creates the VMs of config.c. */
#pragma once
#include <stdint.h>

#define HV_HANDOVER_ADDR     0x84000000ull   /* 64 MiB into RAM: above hv, fw_jump's FDT */
#define HV_HANDOVER_MAGIC    0x3142415456485653ull   /* "SVHVTAB1", little-endian */
#define HV_HANDOVER_VERSION  1
#define HV_HANDOVER_MAX_VMS  8

#define HV_VM_IGNORE_HTINST  1u   /* decode trapped accesses by reading the instruction */

/* Devices a VM gets besides its emulated UART (hv_handover_vm.devices). */
#define HV_DEV_PASSTHRU_UART 1u   /* the machine's second UART, mapped straight in */
#define HV_DEV_SRIOV_VF      2u   /* a virtual function of the SR-IOV-style console */

struct hv_handover_vm {
    char name[16];            /* NUL-terminated */
    uint64_t image_offset;    /* from HV_HANDOVER_ADDR */
    uint64_t image_size;
    uint64_t load_gpa;        /* where the image goes in the VM's RAM */
    uint64_t entry_gpa;       /* where vCPU 0 starts (a0 = 0, a1 = device tree) */
    uint64_t mem_size;        /* RAM at GPA 0x8000_0000 */
    uint32_t vcpus;
    uint32_t share_pct;       /* CPU share, 1..100 */
    uint32_t flags;           /* HV_VM_* */
    uint32_t devices;         /* HV_DEV_* */
};

struct hv_handover {
    uint64_t magic;
    uint32_t version;
    uint32_t nr_vms;
    uint64_t total_size;      /* header and images */
    uint64_t pool_base, pool_size;
    struct hv_handover_vm vm[HV_HANDOVER_MAX_VMS];
};
