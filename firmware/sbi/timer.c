/* SBI TIME: S-mode's timer. With Sstc, S's own stimecmp (menvcfg.STCE
 * lets S-mode write it too); without, the CLINT's mtimecmp for this hart,
 * whose M timer interrupt the firmware turns into STIP for S, as OpenSBI
 * does. */
#include "platform.h"

#define MIE_MTIE (1ul << 7)
static bool sstc;   /* every hart alike */

void timer_init(void) {
    unsigned hart = (unsigned)csr_read(mhartid);
    /* Smstateen: S-mode (and a hypervisor there) may use hstateen0/sstateen0
       (SE0) and senvcfg/henvcfg (ENVCFG), which menvcfg's fields need, and
       with the AIA siselect/sireg (CSRIND), stopi and the rest (AIA) and
       stopei (IMSIC); bits the hart lacks stay zero. */
    (void)try_csr_set_mstateen0((1ul << 63) | (1ul << 62) | (1ul << 60) | (1ul << 59) | (1ul << 58));
    /* menvcfg.STCE sticks only with Sstc; the CSR must exist too. */
    csr_set(0x30a, 1ul << 63);
    sstc = (csr_read(0x30a) >> 63) && try_csr_read_stimecmp() == 0;
    if (sstc) {
        csr_set(0x30a, 1ul << 63);
        csr_write(0x14d, ~0ul);   /* stimecmp: no deadline */
    } else {
        csr_clear(0x30a, 1ul << 63);
        *(volatile uint64_t *)CLINT_MTIMECMP(hart) = ~0ul;
    }
}

bool timer_has_sstc(void) { return sstc; }

void timer_set(uint64_t stime) {
    if (sstc) {
        csr_write(0x14d, stime);
        return;
    }
    *(volatile uint64_t *)CLINT_MTIMECMP(csr_read(mhartid)) = stime;
    csr_clear(mip, MIP_STIP);   /* SBI: setting a timer clears the pending one */
    csr_set(mie, MIE_MTIE);
}

void timer_interrupt(void) {
    csr_clear(mie, MIE_MTIE);   /* until S sets the next deadline */
    csr_set(mip, MIP_STIP);
}
