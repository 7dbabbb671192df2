#include "mm.h"
#include "lib.h"

/* Bump allocation from up to two regions: the pool after hv's image, and
 * RAM a loader set aside in the VM table (handover.h). */
extern char __pool_start[], __pool_end[];
static struct { uint64_t start, next, end; } regions[2];
static unsigned nr_regions;

void mm_init(void) {
    regions[0].start = regions[0].next = (uint64_t)__pool_start;
    regions[0].end = (uint64_t)__pool_end;
    nr_regions = 1;
}

void mm_add_region(uint64_t start, uint64_t size) {
    if (nr_regions == 2) return;
    regions[nr_regions].start = regions[nr_regions].next = start;
    regions[nr_regions].end = start + size;
    nr_regions++;
}

void *mm_alloc(uint64_t size, uint64_t align) {
    for (unsigned i = 0; i < nr_regions; i++) {
        uint64_t at = ALIGN_UP(regions[i].next, align);
        if (at + size > regions[i].end || at + size < at) continue;
        regions[i].next = at + size;
        memset((void *)at, 0, size);
        return (void *)at;
    }
    return 0;
}

uint64_t mm_used(void) {
    uint64_t n = 0;
    for (unsigned i = 0; i < nr_regions; i++) n += regions[i].next - regions[i].start;
    return n;
}

uint64_t mm_total(void) {
    uint64_t n = 0;
    for (unsigned i = 0; i < nr_regions; i++) n += regions[i].end - regions[i].start;
    return n;
}

bool mm_contains(uint64_t addr) {
    for (unsigned i = 0; i < nr_regions; i++)
        if (addr >= regions[i].start && addr < regions[i].next) return true;
    return false;
}
