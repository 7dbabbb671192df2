/* hang: beat.c with a bug. At beat HANG_AT, when it started before
 * HANG_BEFORE (the machine's first 20 ms), it turns interrupts off and
 * spins: no more beats, no SBI calls, no exits of its own, while it keeps
 * its hart busy. Started later (reset from outside), it beats on. */
#define NAME "hang"
#define HANG_AT 6
#define HANG_BEFORE 200000   /* time units: 20 ms */
#include "beat.c"
