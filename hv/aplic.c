#include "aplic.h"
#include "console.h"
#include "fdt.h"
#include "riscv.h"

#define APLIC_S 0x0d000000ull
#define APLIC_S_NODE "/soc/aplic@d000000"
#define HOST_IMSIC_S_NODE "/soc/imsics@28000000"
#define APLIC_DOMAINCFG 0x0000
#define APLIC_DOMAINCFG_IE (1u << 8)
#define APLIC_SOURCECFG(i) (4ull * (i))
#define APLIC_SM_LEVEL1 6
#define APLIC_SETIPNUM 0x1cdc
#define APLIC_SETIENUM 0x1edc
#define APLIC_CLRIENUM 0x1fdc
#define APLIC_TARGET(i) (0x3000 + 4ull * (i))
#define APLIC_TARGET_HART_SHIFT 18
#define APLIC_TARGET_GUEST_SHIFT 12

long hv_try_write_siselect(uint64_t value);   /* trap.S */

static bool present;

static volatile uint32_t *reg(uint64_t off) { return (volatile uint32_t *)(APLIC_S + off); }

bool aplic_init(const void *fdt) {
    uint32_t len;
    if (!fdt_valid(fdt) || !fdt_getprop(fdt, APLIC_S_NODE, "msi-parent", &len) ||
        !fdt_getprop(fdt, HOST_IMSIC_S_NODE, "compatible", &len))
        return false;
    if (hv_try_write_siselect(ISELECT_EIDELIVERY) != 0) {
        kprintf("hv: the firmware keeps the IMSIC's CSRs closed (mstateen0.CSRIND); no device interrupts\n");
        return false;
    }
    present = true;
    *reg(APLIC_DOMAINCFG) = APLIC_DOMAINCFG_IE;
    return true;
}

bool aplic_present(void) { return present; }

bool aplic_claim_source(unsigned source) {
    *reg(APLIC_SOURCECFG(source)) = APLIC_SM_LEVEL1;
    if (*reg(APLIC_SOURCECFG(source)) == APLIC_SM_LEVEL1) return true;
    kprintf("hv: the machine's APLIC source %u is not the supervisor domain's\n", source);
    return false;
}

void aplic_target(unsigned source, unsigned hart, unsigned guest, unsigned id) {
    *reg(APLIC_TARGET(source)) = hart << APLIC_TARGET_HART_SHIFT | guest << APLIC_TARGET_GUEST_SHIFT | id;
    *reg(APLIC_SETIENUM) = source;
}

void aplic_retarget(unsigned source, unsigned hart, unsigned guest, unsigned id) {
    *reg(APLIC_TARGET(source)) = hart << APLIC_TARGET_HART_SHIFT | guest << APLIC_TARGET_GUEST_SHIFT | id;
}

void aplic_mask(unsigned source) { *reg(APLIC_CLRIENUM) = source; }

void aplic_rearm(unsigned source) {
    *reg(APLIC_SETIPNUM) = source;
    *reg(APLIC_SETIENUM) = source;
}

void hv_file_enable(unsigned id) {
    csr_write(CSR_SISELECT, ISELECT_EIE0 + 2 * (id / 64));
    csr_set(CSR_SIREG, 1ull << (id % 64));
    csr_write(CSR_SISELECT, ISELECT_EITHRESHOLD);
    csr_write(CSR_SIREG, 0);
    csr_write(CSR_SISELECT, ISELECT_EIDELIVERY);
    csr_write(CSR_SIREG, 1);
}

unsigned hv_file_claim(void) {
    uint64_t top = csr_swap(CSR_STOPEI, 0);   /* a write claims the identity read */
    return (unsigned)(top >> 16) & 0x7ff;
}
