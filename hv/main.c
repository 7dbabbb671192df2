/* stepvisor hv: a small type-1 hypervisor for RISC-V with the H extension.
 *
 * The firmware (OpenSBI fw_jump, or the project's own) starts hv in HS-mode
 * with a0 = hart id and a1 = the device tree. hv creates the VMs listed in
 * config.c, runs their vCPUs in VS-mode until all have stopped, prints its
 * figures and powers the machine off. */
#include "aia.h"
#include "aplic.h"
#include "console.h"
#include "fdt.h"
#include "hart.h"
#include "mgmt_mailbox.h"
#include "mm.h"
#include "passthru.h"
#include "riscv.h"
#include "sbi.h"
#include "sched.h"
#include "stats.h"
#include "vm.h"

static const char *firmware_name(long impl_id) {
    switch (impl_id) {
    case 0: return "BBL";
    case 1: return "OpenSBI";
    case 2: return "Xvisor";
    case 3: return "KVM";
    case 4: return "RustSBI";
    case 0x5356: return "stepvisor sbi";   /* firmware/sbi: not a registered ID */
    }
    return "SBI firmware";
}

extern char _start_secondary[];

/* The other harts, once the boot hart has created the VMs. */
void hv_secondary_main(uint64_t hartid) {
    hart_init((unsigned)hartid);
    sched_run();
    sbi_hart_stop();
}

/* Every hart the firmware holds (SBI HSM), started at _start_secondary. */
static unsigned start_secondaries(uint64_t boot) {
    unsigned n = 0;
    for (unsigned h = 0; h < HV_MAX_HARTS; h++)
        if (h != boot && sbi_hart_start(h, (uint64_t)_start_secondary, 0) == SBI_SUCCESS) n++;
    return n;
}

void hv_main(uint64_t hartid, const void *fdt) {
    mm_init();
    sbi_init();
    long impl = sbi_firmware_impl_id(), ver = sbi_firmware_impl_version();
    long spec = sbi_firmware_spec_version();
    kprintf("\nstepvisor hv: hart %lu, device tree %p, on %s %ld.%ld (SBI %ld.%ld)\n",
            hartid, fdt, firmware_name(impl),
            impl == 1 ? ver >> 16 : ver, impl == 1 ? ver & 0xffff : 0,
            (spec >> 24) & 0x7f, spec & 0xffffff);

    if (fdt_valid(fdt))
        hart_set_timebase_hz(fdt_getprop_u64(fdt, "/cpus", "timebase-frequency",
                                             hart_timebase_hz()));
    else
        kprintf("hv: no device tree in a1; assuming a %lu Hz timebase\n", hart_timebase_hz());
    hart_init((unsigned)hartid);
    kprintf("hv: timebase %lu Hz, VMIDLEN %u, pool %lu KiB, guest timers through %s\n",
            hart_timebase_hz(), hart_vmid_bits(), mm_total() / 1024,
            hart_has_sstc() ? "vstimecmp (Sstc)" : "hvip.VSTIP");

    aia_init(fdt);
    aplic_init(fdt);

    /* The VMs a loader listed for hv (stepvisor hv --vm ...), else config.c's. */
    const struct vm_config *cfgs = vm_configs;
    unsigned n = nr_vm_configs;
    if (fdt_valid(fdt)) handover_read(fdt, &cfgs, &n);
    for (unsigned i = 0; i < n; i++) vm_create(&cfgs[i]);
    passthru_assign(fdt);
    mgmt_init(fdt);
    hv_lock();   /* the others print too, from now on */
    unsigned others = start_secondaries(hartid);
    kprintf("hv: running on %u hart(s)\n", others + 1);
    hv_unlock();
    sched_run();
    while (sched_harts_running()) {}   /* the others leave sched_run too */

    stats_print();
    kprintf("hv: all VMs have stopped; powering off\n");
    sbi_shutdown();
}

/* A trap from HS-mode itself: hv keeps interrupts off and touches no
 * guest memory it has not checked, so this is a bug in hv. */
void hv_panic_trap(void) {
    uint64_t cause = csr_read(scause);
    kprintf("hv: PANIC: %s (scause %p) in hv at pc %p, stval %p\n", stats_cause_name(cause),
            (void *)cause, (void *)csr_read(sepc), (void *)csr_read(stval));
    sbi_shutdown();
}
