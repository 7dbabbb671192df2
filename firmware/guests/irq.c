/* irq: a guest kernel that takes what a kernel takes, to show which of it
 * reaches the hypervisor: system calls from its own U-mode task, a page
 * fault in its own (Sv39) page tables, timer interrupts, and device
 * interrupts from its UART through its PLIC (interrupt-driven output), or,
 * when its device tree has an IMSIC (AIA), through its interrupt file:
 * siselect/sireg and stopei, which in a VM are vsiselect/vsireg and
 * vstopei on the guest file hv gave it. When hv passed the machine's second
 * UART through to it (hypercall HCALL_DEVICES), it sends a line through that
 * one too, the same way: its interrupt then comes from the real device, as
 * hv injects it or, with a guest file, as an MSI from the machine's APLIC
 * straight into the file. With a virtual function of the machine's SR-IOV
 * console (hypercall HCALL_DEVICES), a line goes through the VF before its
 * timers and another after everything else, one byte per interrupt of its
 * own (IE bit 0: interrupt while ready to send), source or identity VF_IRQ:
 * the hypervisor may deliver the VF's interrupts differently at the two
 * times. It counts each and prints the counts. */
#include "guest.h"

#define PLIC 0x0c000000ul
#define PLIC_PRIORITY(s) (PLIC + 4 * (s))
#define PLIC_ENABLE_S0 (PLIC + 0x2000 + 0x80 * 1)    /* context 1: vCPU 0's S-mode */
#define PLIC_THRESHOLD_S0 (PLIC + 0x200000 + 0x1000 * 1)
#define PLIC_CLAIM_S0 (PLIC_THRESHOLD_S0 + 4)
#define UART 0x10000000ul
#define UART_IRQ 10
#define UART1 0x10001000ul   /* the machine's second UART, when hv passes it through */
#define UART1_IRQ 11
#define HCALL_EXT 0x0A535648
#define HCALL_DEVICES 32
#define DEV_PASSTHRU_UART 1
#define DEV_SRIOV_VF 2
#define VF 0x10002000ul      /* its VF, when hv gave it one: TX at 0, IE at 0xc */
#define VF_IRQ 13
#define U_ECALLS 8
#define TICKS 3
#define TICK_TIME 50000    /* 5 ms */
#define FAULT_VA 0x40000000ul

#define SIE_STIE (1ul << 5)
#define SIE_SEIE (1ul << 9)
#define SSTATUS_SIE (1ul << 1)
#define SSTATUS_SPP (1ul << 8)
#define CAUSE_INT (1ul << 63)

/* Interrupt-driven output: a line through a UART, one byte per THR-empty
 * interrupt, or through the VF, one byte per interrupt. */
struct tx {
    uint64_t base;
    unsigned irq;
    bool vf;
    const char *text;
    volatile unsigned pos, irqs, done;
};
static struct tx tx0 = {UART, UART_IRQ, false, "irq: this line was sent one byte per UART interrupt\n", 0, 0, 0};
static struct tx tx1 = {UART1, UART1_IRQ, false, "irq: this line went through the passed-through UART\n", 0, 0, 0};
static struct tx tx2 = {VF, VF_IRQ, true, "irq: this line went through the SR-IOV VF\n", 0, 0, 0};
static struct tx tx3 = {VF, VF_IRQ, true, "irq: and this one through the VF at the end\n", 0, 0, 0};
static struct tx *vf_tx = &tx2;   /* the VF's line being sent */
static volatile unsigned u_ecalls, ticks, page_faults, other;
static volatile uint64_t deadline, latency_max;
static bool imsic;   /* the device tree has one: the UART's interrupts arrive as MSIs */
static uint64_t root[512] __attribute__((aligned(4096)));
uint64_t user_stack[512] __attribute__((aligned(16)));
uint64_t saved_sp;   /* the kernel stack while the U-mode task runs (enter_user) */

static void mmio_w32(uint64_t a, uint32_t v) { *(volatile uint32_t *)a = v; }
static uint32_t mmio_r32(uint64_t a) { return *(volatile uint32_t *)a; }

void enter_user(uint64_t stack_top);
void back_to_s(void);
__asm__(".text\n"
        ".globl enter_user\n"
        "enter_user:\n"
        "  la t0, saved_sp\n  sd sp, 0(t0)\n"
        "  li t0, 0x100\n  csrc sstatus, t0\n"      /* SPP = 0: sret to U-mode */
        "  la t0, user_task\n  csrw sepc, t0\n"
        "  mv sp, a0\n  sret\n"
        "user_task:\n"
        "  li t1, " "8" "\n"                           /* U_ECALLS */
        "1: ecall\n  addi t1, t1, -1\n  bnez t1, 1b\n"
        "  ecall\n"                                    /* the last one: back to the kernel */
        "2: j 2b\n"
        ".globl back_to_s\n"
        "back_to_s:\n"
        "  la t0, saved_sp\n  ld sp, 0(t0)\n  ret\n");

/* A UART's interrupt: the next byte, or no more interrupts. */
static void uart_interrupt(struct tx *t) {
    volatile uint8_t *u = (volatile uint8_t *)t->base;
    t->irqs++;
    uint8_t iir = u[2];
    if ((iir & 0x0f) == 0x02) {          /* THR empty: the next byte */
        if (t->text[t->pos]) {
            u[0] = (uint8_t)t->text[t->pos++];
        } else {
            u[1] = 0;                    /* IER: no more interrupts */
            t->done = 1;
        }
    }
}

/* The VF's interrupt: the next byte, or IE off. */
static void vf_interrupt(struct tx *t) {
    t->irqs++;
    if (t->text[t->pos]) {
        mmio_w32(t->base, (uint8_t)t->text[t->pos++]);
    } else {
        mmio_w32(t->base + 0xc, 0);
        t->done = 1;
    }
}

static void interrupt_from(unsigned id) {
    if (id == UART_IRQ) uart_interrupt(&tx0);
    if (id == UART1_IRQ) uart_interrupt(&tx1);
    if (id == VF_IRQ) vf_interrupt(vf_tx);
}

/* Waits for *p to reach v, taking interrupts only between WFIs. */
static void sleep_until(volatile unsigned *p, unsigned v) {
    while (*p < v) {
        __asm__ volatile("wfi");
        __asm__ volatile("csrs sstatus, %0" :: "r"(SSTATUS_SIE));
        __asm__ volatile("csrc sstatus, %0" :: "r"(SSTATUS_SIE));
    }
}

static void send(struct tx *t) {
    if (imsic) {
        imsic_enable(t->irq);
        imsic_write(IMSIC_EITHRESHOLD, 0);
        imsic_write(IMSIC_EIDELIVERY, 1);
    } else {
        mmio_w32(PLIC_PRIORITY(t->irq), 1);
        mmio_w32(PLIC_ENABLE_S0, mmio_r32(PLIC_ENABLE_S0) | 1u << t->irq);
        mmio_w32(PLIC_THRESHOLD_S0, 0);
    }
    if (t->vf) mmio_w32(t->base + 0xc, 1);      /* IE */
    else ((volatile uint8_t *)t->base)[1] = 0x02;   /* IER: THR empty */
    sleep_until(&t->done, 1);
}

static void send_vf(struct tx *t) {
    vf_tx = t;
    send(t);
    printf("irq: %u interrupts from the SR-IOV VF through the %s for %u bytes\n", t->irqs, imsic ? "IMSIC" : "PLIC",
           t->pos);
}

void trap_handler(uint64_t scause, uint64_t sepc) {
    if (scause == 8) {                           /* ecall from U-mode */
        if (++u_ecalls <= U_ECALLS) {
            __asm__ volatile("csrw sepc, %0" :: "r"(sepc + 4));
        } else {                                 /* done: back to S-mode */
            __asm__ volatile("csrs sstatus, %0" :: "r"(SSTATUS_SPP));
            __asm__ volatile("csrw sepc, %0" :: "r"(back_to_s));
        }
        return;
    }
    if (scause == 13 || scause == 15) {          /* its own page fault: map the gigapage, retry */
        uint64_t va;
        __asm__ volatile("csrr %0, stval" : "=r"(va));
        page_faults++;
        root[(va >> 30) & 511] = (0x80000000ul >> 12) << 10 | 0xcf;   /* V R W X A D, RAM */
        __asm__ volatile("sfence.vma" ::: "memory");
        return;
    }
    if (scause == (CAUSE_INT | 5)) {             /* its timer */
        uint64_t late = rdtime() - deadline;
        if (late > latency_max) latency_max = late;
        ticks++;
        sbi_set_timer(~0ull);
        return;
    }
    if (scause == (CAUSE_INT | 9) && imsic) {    /* external: claim the top one from the file (stopei) */
        interrupt_from(imsic_claim());           /* one a trap, as from the PLIC: another traps again */
        return;
    }
    if (scause == (CAUSE_INT | 9)) {             /* external: ask the PLIC which */
        uint32_t id = mmio_r32(PLIC_CLAIM_S0);
        interrupt_from(id);
        if (id) mmio_w32(PLIC_CLAIM_S0, id);     /* complete */
        return;
    }
    other++;
    printf("irq: unexpected trap, scause 0x%lx at 0x%lx\n", scause, sepc);
    sbi_shutdown();
}

int main(unsigned long hartid, unsigned long fdt) {
    (void)hartid;
    imsic = fdt_has_compatible((const void *)fdt, "riscv,imsics");
    console_init(false);
    __asm__ volatile("csrw stvec, %0" :: "r"(trap_entry));

    /* 1. System calls from its own U-mode task. */
    enter_user((uint64_t)&user_stack[512]);
    printf("irq: %u system calls from U-mode, handled by this kernel\n", u_ecalls - 1);

    /* 2. Its own Sv39 tables (identity gigapages for devices and RAM), and a
     *    page fault at an address they do not map yet. */
    root[0] = 0x00000000ul >> 12 << 10 | 0xc7;   /* V R W A D: devices */
    root[2] = 0x80000000ul >> 12 << 10 | 0xcf;   /* V R W X A D: RAM */
    __asm__ volatile("csrw satp, %0\n sfence.vma" :: "r"(8ul << 60 | (uint64_t)root >> 12) : "memory");
    uint32_t word = *(volatile uint32_t *)FAULT_VA;
    printf("irq: %u page fault at 0x%lx handled by this kernel (read 0x%x)\n", page_faults, FAULT_VA, word);

    /* 3. A line through its SR-IOV VF, if it has one. */
    __asm__ volatile("csrs sie, %0" :: "r"(SIE_STIE | SIE_SEIE));
    long devices = sbi_call(HCALL_EXT, HCALL_DEVICES, 0, 0, 0).value;
    if (devices & DEV_SRIOV_VF) send_vf(&tx2);

    /* 4. Timer interrupts. */
    for (unsigned i = 1; i <= TICKS; i++) {
        deadline = rdtime() + TICK_TIME;
        sbi_set_timer(deadline);
        sleep_until(&ticks, i);
    }
    printf("irq: %u timer interrupts, the latest %lu time units after its deadline\n", ticks, latency_max);

    /* 5. Device interrupts: the UART's THR-empty interrupt through the PLIC,
     *    or as identity UART_IRQ into its IMSIC file. */
    send(&tx0);
    printf("irq: %u UART interrupts through the %s for %u bytes\n", tx0.irqs, imsic ? "IMSIC" : "PLIC", tx0.pos);

    /* 6. The same through the passed-through UART, if it has it. */
    if (devices & DEV_PASSTHRU_UART) {
        send(&tx1);
        printf("irq: %u interrupts from the passed-through UART through the %s for %u bytes\n", tx1.irqs,
               imsic ? "IMSIC" : "PLIC", tx1.pos);
    }

    /* 7. Another line through its VF. */
    if (devices & DEV_SRIOV_VF) send_vf(&tx3);
    return 0;
}
