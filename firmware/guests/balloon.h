/* hv's balloon hypercalls (hv/balloon.c), for the guests that use them. */
#pragma once
#include "guest.h"

#define HCALL_EXT 0x0A535648
#define BALLOON_TARGET 16
#define BALLOON_GIVE 17
#define BALLOON_TAKE 18
#define BALLOON_ASK 19

static inline struct sbiret balloon_call(long fid, long a0) { return sbi_call(HCALL_EXT, fid, a0, 0, 0); }

static inline uint64_t us_since(uint64_t t0) { return (rdtime() - t0) / 10; }   /* 10 MHz timebase */
