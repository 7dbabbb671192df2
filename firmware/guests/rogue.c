/* rogue: a guest kernel that breaks the rules. It stores to a guest-physical
 * address where its machine has nothing; on bare hardware that is a bus
 * error, under hv a G-stage fault that stops this VM and no other. */
#include "guest.h"

#define BAD_GPA 0x40000000ul   /* between QEMU virt's devices and its RAM */

int main(unsigned long hartid, unsigned long fdt) {
    console_init(false);
    printf("rogue: storing to 0x%lx, outside my RAM\n", BAD_GPA);
    *(volatile uint32_t *)BAD_GPA = 0xbad;
    printf("rogue: the store went through\n");
    (void)hartid, (void)fdt;
    return 0;
}

void trap_handler(uint64_t scause, uint64_t sepc) {
    printf("rogue: trap, scause 0x%lx at 0x%lx\n", scause, sepc);
    sbi_shutdown();
}
