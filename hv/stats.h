/* Per-VM figures: VM exits by cause and the cycles hv spent handling them. */
#pragma once
#include <stdint.h>

#define STATS_CAUSES 48   /* exceptions 0..31, interrupts at 32 + code */

struct exit_stats {
    uint64_t count[STATS_CAUSES];
    uint64_t cycles[STATS_CAUSES];
};

struct vm;
void stats_record(struct exit_stats *s, uint64_t scause, uint64_t cycles);
void stats_print(void);   /* the table of all VMs, at shutdown */
const char *stats_cause_name(uint64_t scause);
