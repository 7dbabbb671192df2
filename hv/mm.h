/* hv's memory: one pool of host RAM after hv's image (see hv.ld) from which
 * G-stage tables and guest RAM are carved. A bump allocator is enough while
 * VMs are only created at boot; ballooning will need page-granular reuse. */
#pragma once
#include <stdbool.h>
#include <stdint.h>

void mm_init(void);
void mm_add_region(uint64_t start, uint64_t size);  /* more RAM for the pool */
void *mm_alloc(uint64_t size, uint64_t align);  /* zeroed; 0 when exhausted */
uint64_t mm_used(void);
bool mm_contains(uint64_t addr);   /* handed out by mm_alloc: RAM, not a device */
uint64_t mm_total(void);
