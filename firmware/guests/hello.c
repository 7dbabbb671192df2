/* hello: a guest kernel that greets, asks its SBI who it is, works for a
 * while (spinning on the time CSR, so only preemption lets other VMs run
 * meanwhile) and shuts down. */
#include "guest.h"

#define STEPS 3
#define STEP_TIME 300000   /* time units: 30 ms at QEMU virt's 10 MHz timebase */

int main(unsigned long hartid, unsigned long fdt) {
    console_init(false);
    printf("Hello from a guest kernel on hart %lu\n", hartid);
    long spec = sbi_call(SBI_EXT_BASE, 0, 0, 0, 0).value;
    long impl = sbi_call(SBI_EXT_BASE, 1, 0, 0, 0).value;
    printf("SBI specification %ld.%ld, implementation 0x%lx, console through %s\n",
           (spec >> 24) & 0x7f, spec & 0xffffff, impl,
           console_uses_dbcn() ? "DBCN" : "legacy putchar");
    for (int step = 1; step <= STEPS; step++) {
        uint64_t until = rdtime() + STEP_TIME;
        while (rdtime() < until) {}
        printf("hello: working, step %d of %d\n", step, STEPS);
    }
    printf("hello: goodbye\n");
    (void)fdt;
    return 0;
}

void trap_handler(uint64_t scause, uint64_t sepc) {
    printf("hello: unexpected trap, scause 0x%lx at 0x%lx\n", scause, sepc);
    sbi_shutdown();
}
