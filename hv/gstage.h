/* G-stage address translation (privileged spec 8.5): the per-VM table that
 * maps guest-physical addresses to host-physical ones, in Sv39x4 format. */
#pragma once
#include <stdint.h>
#include <stdbool.h>

#define GSTAGE_ROOT_SIZE   16384ull   /* Sv39x4's root has 2048 entries... */
#define GSTAGE_ROOT_ALIGN  16384ull   /* ...and must be 16 KiB aligned */
#define GSTAGE_GPA_BITS    41         /* Sv39x4: 39 + 2 bits of guest-physical address */

uint64_t *gstage_create(void);
/* Maps [gpa, gpa+size) to [hpa, hpa+size) in 4 KiB pages with the given
 * PTE_R/W/X permissions; false when out of memory or the GPA is too wide. */
bool gstage_map(uint64_t *root, uint64_t gpa, uint64_t hpa, uint64_t size, uint64_t perms);
/* The walk the hardware does, in software: hpa for gpa, or false. */
bool gstage_translate(const uint64_t *root, uint64_t gpa, uint64_t *hpa);
/* Removes gpa's 4 KiB leaf; its host page in *hpa. False when gpa is not
 * mapped by a 4 KiB leaf. The caller fences (hfence.gvma) for the VMID. */
bool gstage_unmap_page(uint64_t *root, uint64_t gpa, uint64_t *hpa);
