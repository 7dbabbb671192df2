#include "exit.h"
#include "aia.h"
#include "console.h"
#include "irq.h"
#include "lib.h"
#include "mmio.h"
#include "riscv.h"
#include "stats.h"
#include "vm.h"
#include "vsbi.h"

/* The guest instruction at sepc. The trap's stval holds it for virtual-
 * instruction exceptions on most harts; otherwise read it the way the
 * guest fetched it, through its own translation (HLVX). */
static uint32_t guest_insn(struct vcpu *v) {
    if (v->trap.stval) return (uint32_t)v->trap.stval;
    uint64_t lo, hi;
    /* The guest just executed from sepc, so both halves are mapped. */
    __asm__ volatile(H_ASM("hlvx.hu %0, (%1)") : "=r"(lo) : "r"(v->sepc));
    if ((lo & 3) != 3) return (uint32_t)lo;   /* compressed */
    __asm__ volatile(H_ASM("hlvx.hu %0, (%1)") : "=r"(hi) : "r"(v->sepc + 2));
    return (uint32_t)(lo | hi << 16);
}

/* Each handler returns how far the guest's pc moves past the instruction
 * that trapped: its length when hv emulated it, 0 to return to the same
 * instruction (an interrupt, a fault the guest retries, a stopped VM) or
 * to a pc the handler set itself. handle_exit adds it to sepc, once. */
typedef unsigned (*exit_handler)(struct vcpu *v);

static unsigned virtual_instruction(struct vcpu *v) {
    uint32_t insn = guest_insn(v);
    if (insn == INSN_WFI) {
        /* hstatus.VTW sends the guest's WFI here: give the hart to someone
         * else until an interrupt is injected (or one is already waiting). */
        if (!vcpu_has_wakeup(v)) v->state = VCPU_BLOCKED;
        return 4;
    }
    kprintf("hv: %s: virtual instruction %x at pc %p\n", v->vm->label, insn, (void *)v->sepc);
    vm_stop(v->vm, "executed an instruction hv does not emulate");
    return 0;
}

static unsigned guest_page_fault(struct vcpu *v) {
    unsigned len = mmio_emulate(v);   /* an emulated device's window */
    if (len) return len;
    /* htval holds the guest-physical address shifted right by 2. */
    uint64_t gpa = v->trap.htval << 2 | (v->trap.stval & 3);
    kprintf("hv: %s: %s at GPA %p (GVA %p), pc %p\n", v->vm->label,
            stats_cause_name(v->trap.scause), (void *)gpa, (void *)v->trap.stval,
            (void *)v->sepc);
    vm_stop(v->vm, "accessed guest-physical memory outside its map");
    return 0;
}

static unsigned unhandled_exception(struct vcpu *v) {
    kprintf("hv: %s: %s, pc %p, stval %p\n", v->vm->label, stats_cause_name(v->trap.scause),
            (void *)v->sepc, (void *)v->trap.stval);
    vm_stop(v->vm, "took an exception hv does not handle");
    return 0;
}

/* hv's timer: the scheduler loop delivers guest timers and ends slices
 * when it sees the time. */
static unsigned timer_interrupt(struct vcpu *v) { (void)v; return 0; }

/* A real device's interrupt, for the VM that owns it. */
static unsigned external_interrupt(struct vcpu *v) {
    (void)v;
    irq_handle();
    return 0;
}

/* Another hart's kick: look at the run queue again. */
static unsigned software_interrupt(struct vcpu *v) {
    (void)v;
    csr_clear(sip, MIP_SSIP);
    return 0;
}

/* An MSI landed in the guest file of a vCPU blocked on this hart. */
static unsigned guest_external_interrupt(struct vcpu *v) {
    (void)v;
    aia_wake();
    return 0;
}

static unsigned unexpected_interrupt(struct vcpu *v) {
    kprintf("hv: %s: unexpected interrupt %s\n", v->vm->label, stats_cause_name(v->trap.scause));
    return 0;
}

static const exit_handler exception_handlers[] = {
    [EXC_ECALL_VS] = vsbi_handle,
    [EXC_VIRTUAL_INST] = virtual_instruction,
    [EXC_INST_GUEST_PAGE_FAULT] = guest_page_fault,
    [EXC_LOAD_GUEST_PAGE_FAULT] = guest_page_fault,
    [EXC_STORE_GUEST_PAGE_FAULT] = guest_page_fault,
};

static const exit_handler interrupt_handlers[] = {
    [IRQ_S_SOFT] = software_interrupt,
    [IRQ_S_TIMER] = timer_interrupt,
    [IRQ_S_EXT] = external_interrupt,
    [IRQ_S_GEXT] = guest_external_interrupt,
};

void handle_exit(struct vcpu *v) {
    uint64_t cause = v->trap.scause, code = cause & ~CAUSE_INTERRUPT;
    exit_handler h;
    if (cause & CAUSE_INTERRUPT)
        h = code < ARRAY_SIZE(interrupt_handlers) && interrupt_handlers[code] ? interrupt_handlers[code] : unexpected_interrupt;
    else
        h = code < ARRAY_SIZE(exception_handlers) && exception_handlers[code] ? exception_handlers[code] : unhandled_exception;
    v->sepc += h(v);
}
