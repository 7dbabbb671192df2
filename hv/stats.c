#include "stats.h"
#include "console.h"
#include "hart.h"
#include "hcall.h"
#include "riscv.h"
#include "vm.h"

static unsigned slot(uint64_t scause) {
    uint64_t code = scause & ~CAUSE_INTERRUPT;
    if (scause & CAUSE_INTERRUPT) return code < STATS_CAUSES - 32 ? 32 + (unsigned)code : STATS_CAUSES - 1;
    return code < 32 ? (unsigned)code : STATS_CAUSES - 1;
}

void stats_record(struct exit_stats *s, uint64_t scause, uint64_t cycles) {
    unsigned i = slot(scause);
    s->count[i]++;
    s->cycles[i] += cycles;
}

/* The privileged spec's names (table 8.7: scause with the H extension). */
const char *stats_cause_name(uint64_t scause) {
    uint64_t code = scause & ~CAUSE_INTERRUPT;
    if (scause & CAUSE_INTERRUPT) {
        switch (code) {
        case IRQ_S_SOFT: return "supervisor software interrupt";
        case IRQ_VS_SOFT: return "virtual supervisor software interrupt";
        case IRQ_S_TIMER: return "supervisor timer interrupt";
        case IRQ_VS_TIMER: return "virtual supervisor timer interrupt";
        case IRQ_S_EXT: return "supervisor external interrupt";
        case IRQ_VS_EXT: return "virtual supervisor external interrupt";
        case IRQ_S_GEXT: return "supervisor guest external interrupt";
        }
        return "interrupt";
    }
    switch (code) {
    case EXC_INST_MISALIGNED: return "instruction address misaligned";
    case EXC_INST_ACCESS: return "instruction access fault";
    case EXC_ILLEGAL_INST: return "illegal instruction";
    case EXC_BREAKPOINT: return "breakpoint";
    case EXC_LOAD_MISALIGNED: return "load address misaligned";
    case EXC_LOAD_ACCESS: return "load access fault";
    case EXC_STORE_MISALIGNED: return "store/AMO address misaligned";
    case EXC_STORE_ACCESS: return "store/AMO access fault";
    case EXC_ECALL_U: return "environment call from U-mode";
    case EXC_ECALL_S: return "environment call from HS-mode";
    case EXC_ECALL_VS: return "environment call from VS-mode";
    case EXC_ECALL_M: return "environment call from M-mode";
    case EXC_INST_PAGE_FAULT: return "instruction page fault";
    case EXC_LOAD_PAGE_FAULT: return "load page fault";
    case EXC_STORE_PAGE_FAULT: return "store/AMO page fault";
    case EXC_INST_GUEST_PAGE_FAULT: return "instruction guest-page fault";
    case EXC_LOAD_GUEST_PAGE_FAULT: return "load guest-page fault";
    case EXC_VIRTUAL_INST: return "virtual instruction";
    case EXC_STORE_GUEST_PAGE_FAULT: return "store/AMO guest-page fault";
    }
    return "exception";
}

void stats_print(void) {
    /* cycles: the hart's cycle counter from the trap into hv until the next
     * guest entry, not counting time hv spent idle in WFI. */
    kprintf("hv: VM exits by cause (cycles from the trap to the next guest entry)\n");
    kprintf("hv: %-4s %-40s %8s %12s %8s\n", "vm", "cause", "exits", "cycles", "avg");
    for (unsigned k = 0; k < nr_vms; k++) {
        struct vm *vm = &vms[k];
        uint64_t n = 0, c = 0;
        for (unsigned i = 0; i < STATS_CAUSES; i++) {
            if (!vm->stats.count[i]) continue;
            uint64_t scause = i >= 32 ? CAUSE_INTERRUPT | (i - 32) : i;
            char name[56];
            const char *s = stats_cause_name(scause);
            unsigned len = 0;
            while (*s && len < 44) name[len++] = *s++;
            /* the code as scause shows it, so a reader can find it in the spec */
            name[len++] = ' ', name[len++] = '(';
            unsigned code = i >= 32 ? i - 32 : i;
            if (code >= 10) name[len++] = (char)('0' + code / 10);
            name[len++] = (char)('0' + code % 10);
            name[len++] = ')', name[len] = 0;
            kprintf("hv: %-4s %-40s %8lu %12lu %8lu\n", vm->label, name, vm->stats.count[i],
                    vm->stats.cycles[i], vm->stats.cycles[i] / vm->stats.count[i]);
            n += vm->stats.count[i];
            c += vm->stats.cycles[i];
        }
        kprintf("hv: %-4s %-40s %8lu %12lu %8lu\n", vm->label, "total", n, c, n ? c / n : 0);
    }
    /* CPU shares: the fraction of a hart each vCPU asked for (its VM's
     * share) against what it got, its time in the guest over its life. */
    kprintf("hv: CPU shares (time in the guest over the vCPU's life)\n");
    for (unsigned k = 0; k < nr_vms; k++) {
        struct vm *vm = &vms[k];
        for (unsigned i = 0; i < vm->nr_vcpus; i++) {
            struct vcpu *v = &vm->vcpus[i];
            if (!v->started_at) continue;
            uint64_t life = v->ended_at > v->started_at ? v->ended_at - v->started_at : 0;
            uint64_t permille = life ? v->run_total * 1000 / life : 0;
            kprintf("hv: %-4s vCPU %u  asked %3u%%  got %3lu.%lu%%  (%lu of %lu us)\n", vm->label, i,
                    vm->sched.share_pct, permille / 10, permille % 10,
                    v->run_total * 1000000 / hart_timebase_hz(), life * 1000000 / hart_timebase_hz());
        }
    }
    for (unsigned k = 0; k < nr_vms; k++) {
        struct vm *vm = &vms[k];
        if (k == 0) balloon_print();
        if (vm->dev.pvcon_bytes)
            kprintf("hv: %s: %lu bytes through the paravirtual console\n", vm->label, vm->dev.pvcon_bytes);
        for (unsigned d = 0; d < MMIO_DEVICES; d++) {
            const struct mmio_counts *c = &vm->dev.mmio[d];
            if (c->accesses)
                kprintf("hv: %s: %lu %s accesses emulated; instructions decoded from htinst %lu, "
                        "read from guest memory %lu\n", vm->label, c->accesses, mmio_device_name(d),
                        c->from_htinst, c->from_read);
        }
        if (vm->irq.aia)
            kprintf("hv: %s: guest interrupt files: %lu MSIs written by hv, %lu wake-ups through hgeip, "
                    "taken on a hart %lu times\n", vm->label,
                    vm->irq.msis_sent, vm->irq.gfile_wakeups, vm->irq.gfile_moves);
        if (vm->irq.aia_devices)
            kprintf("hv: %s: device interrupts: %lu through hv's interrupt file (hvip.VSEIP), "
                    "%lu from a guest interrupt file\n", vm->label, vm->irq.forwarded, vm->irq.gfile_irqs);
    }
}
