#include "mgmt_mailbox.h"
#include "console.h"
#include "fdt.h"
#include "hart.h"
#include "hcall.h"
#include "irq.h"
#include "lib.h"
#include "mgmt.h"
#include "riscv.h"
#include "vm.h"

static uint64_t mbox;   /* its physical (and hv's) address; 0 when there is none */

static uint32_t be32(const uint8_t *p) {
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}
static volatile uint32_t *r32(unsigned off) { return (volatile uint32_t *)(mbox + off); }
static volatile uint64_t *r64(unsigned off) { return (volatile uint64_t *)(mbox + off); }

static void put_record(unsigned k, const struct hv_mgmt_vm *rec) {
    /* Word by word: the device takes stores, not a memcpy's bytes in any order. */
    const uint64_t *w = (const uint64_t *)rec;
    for (unsigned i = 0; i < sizeof *rec / 8; i++) *r64(HV_MGMT_DATA + k * sizeof *rec + 8 * i) = w[i];
}

static void list(void) {
    uint64_t tb_per_us = hart_timebase_hz() / 1000000;
    if (!tb_per_us) tb_per_us = 1;
    unsigned n = 0;
    for (unsigned k = 0; k < nr_vms && (n + 1) * sizeof(struct hv_mgmt_vm) <= HV_MGMT_DATA_SIZE; k++, n++) {
        struct vm *vm = &vms[k];
        struct hv_mgmt_vm rec;
        memset(&rec, 0, sizeof rec);
        for (unsigned i = 0; i < sizeof rec.name - 1 && vm->config->name[i]; i++) rec.name[i] = vm->config->name[i];
        rec.id = vm->id;
        rec.state = vm->stopped ? HV_MGMT_VM_STOPPED : vm->mgmt.paused ? HV_MGMT_VM_PAUSED : HV_MGMT_VM_RUNNING;
        rec.vcpus = vm->nr_vcpus;
        rec.share_pct = vm->sched.share_pct;
        for (unsigned i = 0; i < vm->nr_vcpus; i++) rec.run_us += vm->vcpus[i].run_total / tb_per_us;
        for (unsigned c = 0; c < STATS_CAUSES; c++) rec.exits += vm->stats.count[c];
        rec.sbi_calls = vm->stats.count[EXC_ECALL_VS];
        rec.console_bytes = vm->console.bytes;
        rec.resets = vm->mgmt.resets;
        rec.balloon_target = balloon_target_of(vm);
        rec.balloon_held = vm->balloon.held;
        put_record(n, &rec);
    }
    *r32(HV_MGMT_COUNT) = n;
}

/* Its vCPUs leave their harts: the ones running now are kicked out. */
static void kick_out(struct vm *vm) {
    for (unsigned i = 0; i < vm->nr_vcpus; i++)
        if (vm->vcpus[i].running_on >= 0) hart_kick((unsigned)vm->vcpus[i].running_on);
}

static uint32_t act(uint32_t cmd, struct vm *vm, uint64_t arg) {
    switch (cmd) {
    case HV_MGMT_CMD_LIST: list(); return HV_MGMT_OK;
    case HV_MGMT_CMD_POWERDOWN:
        for (unsigned k = 0; k < nr_vms; k++) vm_stop(&vms[k], "powered down by the management controller");
        return HV_MGMT_OK;
    }
    if (!vm) return HV_MGMT_ENOVM;
    switch (cmd) {
    case HV_MGMT_CMD_PAUSE:
        if (vm->stopped) return HV_MGMT_ESTATE;
        if (!vm->mgmt.paused) kprintf("hv: %s paused by the management controller\n", vm->label);
        vm->mgmt.paused = true;
        kick_out(vm);
        return HV_MGMT_OK;
    case HV_MGMT_CMD_RESUME:
        if (vm->stopped) return HV_MGMT_ESTATE;
        if (vm->mgmt.paused) kprintf("hv: %s resumed by the management controller\n", vm->label);
        vm->mgmt.paused = false;
        hart_kick_idle();
        return HV_MGMT_OK;
    case HV_MGMT_CMD_RESET:
        if (vm->balloon.held || vm->balloon.extra) return HV_MGMT_ESTATE;
        vm->mgmt.reset_pending = true;   /* done by mgmt_poll once none of its vCPUs runs */
        kick_out(vm);
        mgmt_poll();
        return HV_MGMT_OK;
    case HV_MGMT_CMD_SET_SHARE:
        if (arg < 1 || arg > 100) return HV_MGMT_EARG;
        vm->sched.share_pct = (unsigned)arg;
        kprintf("hv: %s: CPU share set to %u%% of a hart per vCPU by the management controller\n", vm->label,
                vm->sched.share_pct);
        return HV_MGMT_OK;
    case HV_MGMT_CMD_SET_BALLOON:
        if (arg > vm->mem.ram_size / PAGE_SIZE) return HV_MGMT_EARG;
        vm->mgmt.balloon_set = true;
        vm->mgmt.balloon_target = arg;
        kprintf("hv: %s: balloon target set to %lu pages by the management controller\n", vm->label, arg);
        return HV_MGMT_OK;
    }
    return HV_MGMT_ENOCMD;
}

static void handle(void) {
    uint32_t seq = *r32(HV_MGMT_SEQ), cmd = *r32(HV_MGMT_CMD), k = *r32(HV_MGMT_VM);
    uint64_t arg = *r64(HV_MGMT_ARG);
    if (!cmd) return;   /* nothing asked (a request the host gave up on) */
    *r32(HV_MGMT_COUNT) = 0;
    *r32(HV_MGMT_STATUS) = act(cmd, k < nr_vms ? &vms[k] : 0, arg);
    *r32(HV_MGMT_DONE) = seq;
}

void mgmt_init(const void *fdt) {
    uint32_t len, ilen;
    const uint8_t *reg = fdt_valid(fdt) ? fdt_getprop(fdt, "/soc/mgmt", "reg", &len) : 0;
    const uint8_t *irq = reg ? fdt_getprop(fdt, "/soc/mgmt", "interrupts", &ilen) : 0;
    if (!reg || len < 8 || !irq || ilen < 4) return;   /* the source first (an APLIC adds its sense) */
    mbox = (uint64_t)be32(reg) << 32 | be32(reg + 4);
    if (*r32(HV_MGMT_MAGIC) != HV_MGMT_MAGIC_VALUE) {
        mbox = 0;
        return;
    }
    irq_own(be32(irq), handle);
    *r32(HV_MGMT_READY) = HV_MGMT_READY_VALUE;
    kprintf("hv: management mailbox at %p (interrupt %u): per-VM commands from outside every guest\n", (void *)mbox,
            be32(irq));
}

void mgmt_poll(void) {
    for (unsigned k = 0; k < nr_vms; k++) {
        struct vm *vm = &vms[k];
        if (!vm->mgmt.reset_pending) continue;
        bool running = false;
        for (unsigned i = 0; i < vm->nr_vcpus; i++) running = running || vm->vcpus[i].running_on >= 0;
        if (!running) vm_reset(vm);
    }
}

bool mgmt_may_wake(void) {
    if (!mbox) return false;
    for (unsigned k = 0; k < nr_vms; k++)
        if (!vms[k].stopped && (vms[k].mgmt.paused || vms[k].mgmt.reset_pending)) return true;
    return false;
}
