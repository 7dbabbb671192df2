#include "mm.h"
#include "lib.h"

extern char __pool_start[], __pool_end[];
static uint64_t next;

void mm_init(void) { next = (uint64_t)__pool_start; }

void *mm_alloc(uint64_t size, uint64_t align) {
    uint64_t at = ALIGN_UP(next, align);
    if (at + size > (uint64_t)__pool_end || at + size < at) return 0;
    next = at + size;
    memset((void *)at, 0, size);
    return (void *)at;
}

uint64_t mm_used(void) { return next - (uint64_t)__pool_start; }
uint64_t mm_total(void) { return (uint64_t)(__pool_end - __pool_start); }
