/* smp: a guest kernel with several vCPUs. vCPU 0 finds how many harts its
 * machine has (SBI HSM hart_get_status), starts the others (hart_start
 * with an opaque value each), sends them an IPI, has them fence (RFENCE),
 * then all work for WORK_TIME, counting the units each one did, and
 * stop themselves (hart_stop); vCPU 0 prints what it saw. With an IMSIC
 * (AIA) in its device tree, vCPU 0 also writes an MSI into each other
 * vCPU's IMSIC page while that one waits in WFI. The counts show
 * how much of a hart each vCPU got (CPU shares); the other lines are the
 * same on any machine. */
#include "guest.h"

#define EXT_HSM 0x48534D
#define EXT_IPI 0x735049
#define EXT_RFENCE 0x52464E43
#define MAX_VCPUS 4
#define WORK_TIME 1000000   /* time units: 100 ms at QEMU virt's 10 MHz timebase */
#define SIE_SSIE (1ul << 1)
#define SSTATUS_SIE (1ul << 1)
#define SIE_SEIE (1ul << 9)
#define MSI_ID 1

static volatile long arrived[MAX_VCPUS], opaque_seen[MAX_VCPUS], ipis[MAX_VCPUS];
static volatile long go, units[MAX_VCPUS], done[MAX_VCPUS];
static volatile long msis[MAX_VCPUS];
static uint64_t work_from;
static bool imsic;

void smp_secondary_start(void);
__asm__(".text\n"
        ".globl smp_secondary_start\n"
        "smp_secondary_start:\n"
        "  la sp, smp_stacks\n"
        "  addi t0, a0, 1\n"
        "  slli t0, t0, 13\n"       /* 8 KiB a vCPU */
        "  add sp, sp, t0\n"
        "  mv tp, a0\n"
        "  call smp_secondary\n"
        "1: j 1b\n"
        ".bss\n.balign 16\nsmp_stacks: .space 8192 * 4\n.text\n");

static unsigned me(void) { unsigned long tp; __asm__ volatile("mv %0, tp" : "=r"(tp)); return (unsigned)tp; }

void trap_handler(uint64_t scause, uint64_t sepc) {
    if (scause == ((1ul << 63) | 1)) {   /* supervisor software interrupt: an IPI */
        __asm__ volatile("csrc sip, %0" :: "r"(SIE_SSIE));
        ipis[me()]++;
        return;
    }
    if (scause == ((1ul << 63) | 9) && imsic) {   /* supervisor external: an MSI */
        unsigned id;
        while ((id = imsic_claim()) != 0) msis[me()] += id == MSI_ID;
        return;
    }
    printf("smp: unexpected trap on vCPU %u, scause 0x%lx at 0x%lx\n", me(), scause, sepc);
    sbi_shutdown();
}

static void work(unsigned id) {
    long n = 0;
    while (rdtime() < work_from + WORK_TIME) {
        for (volatile int i = 0; i < 100; i++) {}
        n++;
    }
    units[id] = n;
    done[id] = 1;
}

void smp_secondary(unsigned long hartid, unsigned long opaque) {
    opaque_seen[hartid] = (long)opaque;
    __asm__ volatile("csrw stvec, %0" :: "r"(trap_entry));
    __asm__ volatile("csrs sie, %0" :: "r"(SIE_SSIE));
    if (imsic) {
        imsic_enable(MSI_ID);
        imsic_write(IMSIC_EIDELIVERY, 1);
        __asm__ volatile("csrs sie, %0" :: "r"(SIE_SEIE));
    }
    arrived[hartid] = 1;
    /* WFI until go, taking interrupts only between the check and the next
     * WFI, so the IPI that follows go cannot slip in unseen. */
    __asm__ volatile("csrc sstatus, %0" :: "r"(SSTATUS_SIE));
    while (!go) {
        __asm__ volatile("wfi");
        __asm__ volatile("csrs sstatus, %0" :: "r"(SSTATUS_SIE));
        __asm__ volatile("csrc sstatus, %0" :: "r"(SSTATUS_SIE));
    }
    work((unsigned)hartid);
    sbi_call(EXT_HSM, 1, 0, 0, 0);   /* hart_stop: does not return */
}

int main(unsigned long hartid, unsigned long fdt) {
    imsic = fdt_has_compatible((const void *)fdt, "riscv,imsics");
    __asm__ volatile("mv tp, %0" :: "r"(hartid));
    console_init(false);
    __asm__ volatile("csrw stvec, %0" :: "r"(trap_entry));
    unsigned n = 1;
    while (n < MAX_VCPUS && sbi_call(EXT_HSM, 2, n, 0, 0).error == 0) n++;
    printf("smp: %u vCPUs; vCPU %lu boots\n", n, hartid);
    for (unsigned h = 1; h < n; h++) {
        printf("smp: vCPU %u status %ld, start: %ld\n", h, sbi_call(EXT_HSM, 2, h, 0, 0).value,
               sbi_call(EXT_HSM, 0, h, (long)smp_secondary_start, 10 * h).error);
        while (!arrived[h]) {}
        printf("smp: vCPU %u arrived with opaque %ld, status %ld\n", h, opaque_seen[h],
               sbi_call(EXT_HSM, 2, h, 0, 0).value);
    }
    if (n > 1) {
        long mask = ((1l << n) - 1) & ~1l;
        printf("smp: IPI to vCPUs 1-%u: %ld\n", n - 1, sbi_call(EXT_IPI, 0, mask, 0, 0).error);
        for (unsigned h = 1; h < n; h++) while (!ipis[h]) {}
        printf("smp: every vCPU took its IPI\n");
        if (imsic) {
            for (unsigned h = 1; h < n; h++) {
                *(volatile uint32_t *)(IMSIC_S_GPA + 0x1000ul * h) = MSI_ID;   /* seteipnum_le */
                while (!msis[h]) {}
            }
            printf("smp: an MSI into the IMSIC page of vCPUs 1-%u: every vCPU took it\n", n - 1);
        }
        printf("smp: remote sfence.vma on all: %ld, fence.i: %ld\n",
               sbi_call(EXT_RFENCE, 1, 0, -1, 0).error, sbi_call(EXT_RFENCE, 0, 0, -1, 0).error);
    }
    work_from = rdtime();
    go = 1;
    __asm__ volatile("fence rw, rw");
    if (n > 1) sbi_call(EXT_IPI, 0, ((1l << n) - 1) & ~1l, 0, 0);   /* out of WFI */
    work(0);
    for (unsigned h = 1; h < n; h++) {
        while (!done[h]) {}
        while (sbi_call(EXT_HSM, 2, h, 0, 0).value != 1) {}   /* STOPPED */
    }
    printf("smp: every vCPU worked and stopped\n");
    for (unsigned h = 0; h < n; h++) printf("smp-units: vCPU %u did %ld units\n", h, units[h]);
    return 0;
}
