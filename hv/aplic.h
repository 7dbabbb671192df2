/* The machine's APLIC (RISC-V AIA specification, src/AdvPLIC.adoc) as hv
 * drives it: its supervisor-level domain at QEMU virt's address, in MSI
 * mode, with the sources the firmware delegated to it; and hv's own
 * S-level interrupt file of the IMSIC (src/IMSIC.adoc), reached through
 * siselect/sireg and claimed through stopei. A source's target names a
 * hart, a guest index (0: the hart's S-level file, hv's own; g: guest
 * interrupt file g) and the identity its MSI carries. Sources are level
 * sensitive (high): a rising wire makes one MSI; one still high once
 * handled is made pending again by aplic_rearm. Under hv_lock. */
#pragma once
#include <stdbool.h>

/* The boot hart, from the machine's device tree: whether it has an APLIC
 * in MSI mode and S-level IMSICs that hv may use. */
bool aplic_init(const void *fdt);
bool aplic_present(void);
/* source, level-high, in the S domain; false when the firmware kept it. */
bool aplic_claim_source(unsigned source);
/* Its MSIs go to (hart, guest index) with identity id, and it is enabled. */
void aplic_target(unsigned source, unsigned hart, unsigned guest, unsigned id);
/* Its MSIs go to (hart, guest index) with identity id from now on; its
 * enable as it was (a source held until its guest completes stays held). */
void aplic_retarget(unsigned source, unsigned hart, unsigned guest, unsigned id);
/* Disabled: it stays pending at the APLIC until enabled again. */
void aplic_mask(unsigned source);
/* Pending again if its wire is still high (setipnum), so a level that
 * outlasted its handling is not lost, and enabled. */
void aplic_rearm(unsigned source);
/* This hart's S-level file: delivery on, identity id enabled. */
void hv_file_enable(unsigned id);
/* The identity this hart's S-level file has pending, taken (stopei), or 0. */
unsigned hv_file_claim(void);
