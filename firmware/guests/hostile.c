/* hostile: a guest kernel that misbehaves in the ways a hypervisor must
 * contain without help from the other guests:
 *  1. it writes an M-mode CSR: an illegal instruction, which the hart
 *     delegates to the guest itself (hedeleg), so its own handler sees it;
 *  2. it hogs its vCPU, spinning without a single SBI call or WFI for
 *     HOG_TIME: only hv's timer takes the hart back for the other VMs;
 *  3. it writes hgatp, a hypervisor CSR: a virtual-instruction exception,
 *     which goes to hv, and hv stops this VM. */
#include "guest.h"

#define HOG_TIME 3500000   /* time units: 350 ms at QEMU virt's 10 MHz timebase */
#define SCAUSE_ILLEGAL_INSN 2

static volatile unsigned illegal_seen;

void trap_handler(uint64_t scause, uint64_t sepc) {
    if (scause == SCAUSE_ILLEGAL_INSN && !illegal_seen) {
        illegal_seen = 1;
        printf("hostile: my own handler took the illegal instruction at 0x%lx\n", sepc);
        __asm__ volatile("csrw sepc, %0" :: "r"(sepc + 4));
        return;
    }
    printf("hostile: unexpected trap, scause 0x%lx at 0x%lx\n", scause, sepc);
    sbi_shutdown();
}

int main(unsigned long hartid, unsigned long fdt) {
    console_init(false);
    __asm__ volatile("csrw stvec, %0" :: "r"(trap_entry));
    printf("hostile: writing mscratch, an M-mode CSR\n");
    __asm__ volatile("csrw mscratch, zero");
    printf("hostile: hogging my vCPU for %d time units without an exit\n", HOG_TIME);
    uint64_t until = rdtime() + HOG_TIME;
    while (rdtime() < until) {}
    printf("hostile: writing hgatp, the hypervisor's CSR\n");
    __asm__ volatile("csrw hgatp, zero");
    printf("hostile: still running after writing hgatp\n");
    (void)hartid, (void)fdt;
    return 0;
}
