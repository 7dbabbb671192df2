/* Which harts the machine has: the /cpus/cpu@N nodes of the device tree,
 * read with a walk over its structure block (big-endian tokens). */
#include "platform.h"

#define FDT_MAGIC      0xd00dfeedu
#define FDT_BEGIN_NODE 1
#define FDT_END_NODE   2
#define FDT_PROP       3
#define FDT_NOP        4
#define FDT_END        9

static uint32_t be32(const void *p) {
    const uint8_t *b = p;
    return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

static bool starts_with(const char *s, const char *prefix) {
    while (*prefix)
        if (*s++ != *prefix++) return false;
    return true;
}

static uint64_t parse_hex(const char *s) {
    uint64_t v = 0;
    for (;; s++) {
        unsigned d = *s >= '0' && *s <= '9' ? (unsigned)(*s - '0')
                   : *s >= 'a' && *s <= 'f' ? (unsigned)(*s - 'a' + 10) : 16;
        if (d > 15) return v;
        v = v * 16 + d;
    }
}

uint64_t fdt_hart_mask(const void *fdt) {
    if (!fdt || ((uint64_t)fdt & 3) || be32(fdt) != FDT_MAGIC) return 0;
    const uint8_t *base = fdt;
    const uint8_t *p = base + be32(base + 8), *end = p + be32(base + 36);
    unsigned depth = 0;
    bool in_cpus = false;
    uint64_t mask = 0;
    while (p < end) {
        uint32_t tok = be32(p);
        p += 4;
        if (tok == FDT_BEGIN_NODE) {
            const char *name = (const char *)p;
            unsigned len = 0;
            while (name[len]) len++;
            p += (len + 4) & ~3u;
            depth++;
            if (depth == 2) in_cpus = starts_with(name, "cpus");
            if (depth == 3 && in_cpus && starts_with(name, "cpu@")) {
                uint64_t id = parse_hex(name + 4);
                if (id < MAX_HARTS) mask |= 1ul << id;
            }
        } else if (tok == FDT_END_NODE) {
            if (depth == 2) in_cpus = false;
            depth--;
        } else if (tok == FDT_PROP) {
            p += 8 + ((be32(p) + 3) & ~3u);
        } else if (tok == FDT_END) {
            break;
        } else if (tok != FDT_NOP) {
            return 0;
        }
    }
    return mask;
}
