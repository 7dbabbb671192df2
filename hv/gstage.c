#include "gstage.h"
#include "lib.h"
#include "mm.h"
#include "riscv.h"

/* VPN[i] of a guest-physical address; the root level is 2 bits wider. */
static unsigned vpn(uint64_t gpa, int level) {
    uint64_t bits = level == 2 ? 11 : 9;
    return (unsigned)((gpa >> (12 + 9 * level)) & ((1ull << bits) - 1));
}

static uint64_t pte_to_pa(uint64_t pte) { return (pte >> PTE_PPN_SHIFT) << 12; }
static uint64_t pa_to_pte(uint64_t pa) { return (pa >> 12) << PTE_PPN_SHIFT; }

uint64_t *gstage_create(void) {
    return mm_alloc(GSTAGE_ROOT_SIZE, GSTAGE_ROOT_ALIGN);
}

/* The level-0 PTE for gpa, allocating the tables on the way. */
static uint64_t *walk_alloc(uint64_t *root, uint64_t gpa) {
    uint64_t *table = root;
    for (int level = 2; level > 0; level--) {
        uint64_t *pte = &table[vpn(gpa, level)];
        if (!(*pte & PTE_V)) {
            uint64_t *next = mm_alloc(PAGE_SIZE, PAGE_SIZE);
            if (!next) return 0;
            /* A non-leaf G-stage PTE has R=W=X=0 and, per the spec, U=A=D=0. */
            *pte = pa_to_pte((uint64_t)next) | PTE_V;
        }
        table = (uint64_t *)pte_to_pa(*pte);
    }
    return &table[vpn(gpa, 0)];
}

bool gstage_map(uint64_t *root, uint64_t gpa, uint64_t hpa, uint64_t size, uint64_t perms) {
    if ((gpa | hpa | size) & (PAGE_SIZE - 1)) return false;
    if (gpa + size > (1ull << GSTAGE_GPA_BITS) || gpa + size < gpa) return false;
    for (uint64_t off = 0; off < size; off += PAGE_SIZE) {
        uint64_t *pte = walk_alloc(root, gpa + off);
        if (!pte) return false;
        /* All G-stage accesses count as U-mode ones, so leaves need U=1.
         * A and D are set up front: hv does not track guest accesses, and
         * hardware without A/D updating would otherwise fault. */
        *pte = pa_to_pte(hpa + off) | perms | PTE_U | PTE_A | PTE_D | PTE_V;
    }
    return true;
}

bool gstage_translate(const uint64_t *root, uint64_t gpa, uint64_t *hpa) {
    if (gpa >> GSTAGE_GPA_BITS) return false;
    const uint64_t *table = root;
    for (int level = 2; level >= 0; level--) {
        uint64_t pte = table[vpn(gpa, level)];
        if (!(pte & PTE_V)) return false;
        if (pte & (PTE_R | PTE_X)) {
            uint64_t page = 1ull << (12 + 9 * level);
            *hpa = pte_to_pa(pte) + (gpa & (page - 1));
            return true;
        }
        table = (const uint64_t *)pte_to_pa(pte);
    }
    return false;
}

bool gstage_unmap_page(uint64_t *root, uint64_t gpa, uint64_t *hpa) {
    if ((gpa & (PAGE_SIZE - 1)) || (gpa >> GSTAGE_GPA_BITS)) return false;
    uint64_t *table = root;
    for (int level = 2; level > 0; level--) {
        uint64_t pte = table[vpn(gpa, level)];
        if (!(pte & PTE_V) || (pte & (PTE_R | PTE_X))) return false;   /* unmapped, or a superpage */
        table = (uint64_t *)pte_to_pa(pte);
    }
    uint64_t *leaf = &table[vpn(gpa, 0)];
    if (!(*leaf & PTE_V)) return false;
    *hpa = pte_to_pa(*leaf);
    *leaf = 0;
    return true;
}
