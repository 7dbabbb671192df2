/* A virtual machine: its configuration, its G-stage (guest-physical to
 * host-physical) table, its RAM, its vCPUs, its console and its figures. */
#pragma once
#include <stdint.h>
#include <stdbool.h>
#include "console.h"
#include "mmio.h"
#include "stats.h"
#include "vcpu.h"
#include "vuart.h"
#include "vplic.h"

#define VM_MAX 8
#define VM_MAX_VCPUS 4
#define GUEST_RAM_BASE 0x80000000ull   /* as on QEMU virt, so guests need no changes */

struct vm_config {
    const char *name;
    const uint8_t *image;   /* raw binary, loaded at load_gpa... */
    const uint8_t *image_end;  /* ...up to here */
    uint64_t mem_size;
    unsigned vcpus;
    uint64_t load_gpa, entry_gpa;   /* 0: the start of guest RAM */
    unsigned share_pct;             /* CPU share per vCPU, percent of a hart (0: 100) */
    /* Decode trapped MMIO accesses by reading the guest's instruction even
     * when htinst holds it (to show, and test, the other path). */
    bool ignore_htinst;
    uint32_t devices;       /* HV_DEV_* of handover.h: devices besides the emulated UART */
};

/* A VM's state, by feature; each part is the business of the files named. */
struct vm_memory {            /* vm.c, gstage.c, balloon.c */
    uint16_t vmid;
    uint64_t hgatp;
    uint64_t *gstage_root;    /* Sv39x4: 16 KiB, 16 KiB aligned */
    uint64_t ram_gpa, ram_size;
    uint8_t *ram;             /* host address of guest RAM */
};

struct vm_sched {             /* sched.c */
    unsigned share_pct;       /* 1..100: the fraction of a hart each vCPU may use */
};

struct vm_interrupts {        /* vplic.c, irq.c, aia.c */
    struct vplic vplic;       /* the emulated PLIC at VPLIC_GPA */
    uint64_t forwarded;       /* the machine's interrupts hv passed on to it (irq.c) */
    /* IMSIC guest interrupt files (aia.c) instead of the vPLIC's hvip.VSEIP. */
    bool aia;
    uint64_t aia_lines;       /* emulated devices' interrupt lines, for their edges */
    uint64_t msis_sent, gfile_moves, gfile_wakeups;
    /* A VM that sees its vPLIC, whose passed-through devices' MSIs go into a
     * guest file while one is free (aia.c), else into hv's own (irq.c). */
    bool aia_devices;
    uint64_t gfile_irqs;      /* its devices' interrupts hv took from a guest file */
};

struct vm_devices {           /* vuart.c, mmio.c, passthru.c, pvcon.c */
    struct vuart uart;        /* the emulated ns16550a at VUART_GPA */
    uint32_t given;           /* HV_DEV_* it was given (passthru.c) */
    bool ignore_htinst;
    struct mmio_counts mmio[MMIO_DEVICES];   /* by device (mmio.c) */
    void *pvcon_ring;         /* the paravirtual console's ring (pvcon.c), host address */
    uint64_t pvcon_bytes;     /* bytes it took by hypercall */
};

struct vm_balloon {           /* balloon.c */
    bool driver;              /* it asked for its target: it has a balloon driver */
    uint64_t want;            /* pages it asked for beyond its RAM */
    uint64_t held;            /* pages its balloon holds (given to hv) */
    uint64_t extra;           /* pages hv mapped for it beyond its RAM */
    uint64_t given, taken;
};

/* The management controller's (mgmt_mailbox.c): paused, a reset it asked
 * for until no vCPU runs, and its balloon target. */
struct vm_mgmt {
    bool paused, reset_pending, balloon_set;
    uint64_t balloon_target, resets;
};

struct vm {
    unsigned id;
    const struct vm_config *config;
    struct vm_memory mem;
    unsigned nr_vcpus;
    struct vm_sched sched;
    struct vcpu vcpus[VM_MAX_VCPUS];
    bool stopped;
    char label[16];
    struct guest_console console;
    struct exit_stats stats;
    struct vm_interrupts irq;
    struct vm_devices dev;
    struct vm_balloon balloon;
    struct vm_mgmt mgmt;
};

extern struct vm vms[VM_MAX];
extern unsigned nr_vms;

/* config.c: which VMs hv creates at boot. */
extern const struct vm_config vm_configs[];
extern const unsigned nr_vm_configs;

/* handover.c: the VMs a loader listed in RAM for hv, if it did. */
bool handover_read(const void *fdt, const struct vm_config **cfgs, unsigned *n);

struct vm *vm_create(const struct vm_config *cfg);
void vm_stop(struct vm *vm, const char *why);
/* Every vCPU of vm drops its G-stage translations before it next runs
 * (those running are kicked out); this hart's too when it holds vm's. */
void vm_fence_gstage(struct vm *vm);
/* The VM starts over, as at power-on: RAM cleared, its image and device
 * tree written again, vCPU 0 at the entry, the others off, its emulated
 * devices reset. Only while none of its vCPUs runs; false (and nothing
 * done) while its balloon holds pages or it holds others'. */
bool vm_reset(struct vm *vm);
/* Host pointer to [gpa, gpa+len) of guest RAM, or 0 when any of it is
 * outside, or no longer the VM's own page there (given to the balloon). */
void *vm_gpa_to_host(struct vm *vm, uint64_t gpa, uint64_t len);
