/* The AIA as a kernel sees it (RISC-V AIA specification, src/CSRs.adoc and
 * src/IMSIC.adoc): its device tree names an IMSIC, and it reaches its hart's
 * S-level interrupt file through siselect/sireg and stopei, which in a VM
 * are vsiselect/vsireg and vstopei on the guest interrupt file its
 * hypervisor gave that vCPU. */
#include "guest.h"

bool fdt_has_compatible(const void *blob, const char *compatible) {
    const uint8_t *fdt = blob;
    if (!fdt || fdt[0] != 0xd0 || fdt[1] != 0x0d || fdt[2] != 0xfe || fdt[3] != 0xed) return false;
    uint32_t size = (uint32_t)fdt[4] << 24 | (uint32_t)fdt[5] << 16 | (uint32_t)fdt[6] << 8 | fdt[7];
    unsigned n = 0;
    while (compatible[n]) n++;
    /* A property value is NUL-terminated: so is the match. */
    for (uint32_t i = 0; i + n + 1 <= size; i++) {
        unsigned k = 0;
        while (k <= n && fdt[i + k] == (uint8_t)compatible[k]) k++;
        if (k > n) return true;
    }
    return false;
}

void imsic_write(uint64_t sel, uint64_t value) {
    __asm__ volatile("csrw 0x150, %0\n csrw 0x151, %1" :: "r"(sel), "r"(value));   /* siselect, sireg */
}

void imsic_enable(unsigned id) {
    __asm__ volatile("csrw 0x150, %0\n csrs 0x151, %1" :: "r"(IMSIC_EIE0 + 2 * (id / 64)), "r"(1ul << (id % 64)));
}

unsigned imsic_claim(void) {
    uint64_t top;
    __asm__ volatile("csrrw %0, 0x15c, zero" : "=r"(top));   /* stopei: read and claim */
    return (unsigned)(top >> 16);
}
