#include "exit.h"
#include "console.h"
#include "irq.h"
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

static void virtual_instruction(struct vcpu *v) {
    uint32_t insn = guest_insn(v);
    if (insn == INSN_WFI) {
        /* hstatus.VTW sends the guest's WFI here: give the hart to someone
         * else until an interrupt is injected (or one is already waiting). */
        v->sepc += 4;
        if (!vcpu_has_wakeup(v)) v->state = VCPU_BLOCKED;
        return;
    }
    kprintf("hv: %s: virtual instruction %x at pc %p\n", v->vm->label, insn, (void *)v->sepc);
    vm_stop(v->vm, "executed an instruction hv does not emulate");
}

static void guest_page_fault(struct vcpu *v) {
    if (mmio_emulate(v)) return;   /* the emulated UART */
    /* htval holds the guest-physical address shifted right by 2. */
    uint64_t gpa = v->trap.htval << 2 | (v->trap.stval & 3);
    kprintf("hv: %s: %s at GPA %p (GVA %p), pc %p\n", v->vm->label,
            stats_cause_name(v->trap.scause), (void *)gpa, (void *)v->trap.stval,
            (void *)v->sepc);
    vm_stop(v->vm, "accessed guest-physical memory outside its map");
}

void handle_exit(struct vcpu *v) {
    uint64_t cause = v->trap.scause;
    if (cause & CAUSE_INTERRUPT) {
        /* hv's timer: the scheduler loop delivers guest timers and ends
         * slices when it sees the time. */
        if ((cause & ~CAUSE_INTERRUPT) == IRQ_S_TIMER) return;
        /* A real device's interrupt, for the VM that owns it. */
        if ((cause & ~CAUSE_INTERRUPT) == IRQ_S_EXT) {
            irq_handle();
            return;
        }
        /* Another hart's kick: look at the run queue again. */
        if ((cause & ~CAUSE_INTERRUPT) == IRQ_S_SOFT) {
            csr_clear(sip, MIP_SSIP);
            return;
        }
        kprintf("hv: %s: unexpected interrupt %s\n", v->vm->label, stats_cause_name(cause));
        return;
    }
    switch (cause) {
    case EXC_ECALL_VS:
        vsbi_handle(v);
        break;
    case EXC_VIRTUAL_INST:
        virtual_instruction(v);
        break;
    case EXC_INST_GUEST_PAGE_FAULT:
    case EXC_LOAD_GUEST_PAGE_FAULT:
    case EXC_STORE_GUEST_PAGE_FAULT:
        guest_page_fault(v);
        break;
    default:
        kprintf("hv: %s: %s, pc %p, stval %p\n", v->vm->label, stats_cause_name(cause),
                (void *)v->sepc, (void *)v->trap.stval);
        vm_stop(v->vm, "took an exception hv does not handle");
    }
}
