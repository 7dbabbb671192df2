/* The AIA's APLIC in MSI mode (RISC-V AIA specification, src/AdvPLIC.adoc),
 * set up as OpenSBI does from QEMU virt's device tree ("riscv,delegate"):
 * every wired source delegated to the supervisor-level domain, and the MSI
 * addresses of both domains' targets, the IMSICs at QEMU virt's addresses.
 * The S-mode software (hv, a kernel) then configures the S domain. Machines
 * with a PLIC at 0x0c00_0000, or an APLIC delivering directly, are left as
 * they are. */
#include "platform.h"

#define APLIC_M        0x0c000000ul
#define DOMAINCFG_ONES (1u << 31)   /* reads one in every APLIC, zero in a PLIC's first word */
#define DOMAINCFG_DM   (1u << 2)    /* MSI delivery */
#define SOURCECFG(i)   (APLIC_M + 4ul * (i))
#define SOURCECFG_D    (1u << 10)
#define SOURCES        96           /* QEMU virt's riscv,num-sources */
#define MMSIADDRCFG    (APLIC_M + 0x1bc0)
#define MMSIADDRCFGH   (APLIC_M + 0x1bc4)
#define SMSIADDRCFG    (APLIC_M + 0x1bc8)
#define SMSIADDRCFGH   (APLIC_M + 0x1bcc)
#define IMSIC_M        0x24000000ul
#define IMSIC_S        0x28000000ul
#define CSR_HGEIE      0x607

static volatile uint32_t *reg(uint64_t a) { return (volatile uint32_t *)a; }

static unsigned log2_up(uint64_t n) {
    unsigned b = 0;
    while ((1ull << b) < n) b++;
    return b;
}

void aplic_init(uint64_t hart_mask) {
    uint32_t cfg = *reg(APLIC_M);
    if (!(cfg & DOMAINCFG_ONES) || !(cfg & DOMAINCFG_DM)) return;
    for (unsigned i = 1; i <= SOURCES; i++) *reg(SOURCECFG(i)) = SOURCECFG_D;
    /* Harts' pages one after the other (LHXW: bits for the hart index); at
     * S level each hart's has its guest files after it (LHXS: as many
     * pages as GEILEN + 1 rounded up to a power of two). */
    unsigned harts = 1;
    while (harts < 64 && (hart_mask >> harts)) harts++;
    uint64_t hgeie = 0;
    if (try_csr_probe_hgeie(&hgeie) != 0) hgeie = 0;
    unsigned geilen = 0;
    for (uint64_t b = hgeie; b; b &= b - 1) geilen++;
    *reg(MMSIADDRCFG) = (uint32_t)(IMSIC_M >> 12);
    *reg(MMSIADDRCFGH) = log2_up(harts) << 12;
    *reg(SMSIADDRCFG) = (uint32_t)(IMSIC_S >> 12);
    *reg(SMSIADDRCFGH) = log2_up(geilen + 1) << 20;
}
