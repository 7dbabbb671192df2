/* flood: a guest kernel that floods its console, one numbered line after
 * another as fast as it can, never sleeping: it takes all the hart time its
 * share allows. */
#include "guest.h"

int main(unsigned long hartid, unsigned long fdt) {
    console_init(false);
    printf("flood: hart %lu\n", hartid);
    for (unsigned long n = 1;; n++) printf("flood %lu ................................................\n", n);
    (void)fdt;
    return 0;
}

void trap_handler(uint64_t scause, uint64_t sepc) {
    printf("flood: unexpected trap, scause 0x%lx at 0x%lx\n", scause, sepc);
    sbi_shutdown();
}
