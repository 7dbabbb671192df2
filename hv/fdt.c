#include "fdt.h"
#include "lib.h"

#define FDT_MAGIC      0xd00dfeed
#define FDT_BEGIN_NODE 1
#define FDT_END_NODE   2
#define FDT_PROP       3
#define FDT_NOP        4
#define FDT_END        9

static uint32_t be32(const void *p) {
    const uint8_t *b = p;
    return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

bool fdt_valid(const void *fdt) { return fdt && be32(fdt) == FDT_MAGIC; }

/* Does node name match path component comp[0..n)? A component without a
 * unit address matches any unit address ("memory" matches "memory@80000000"). */
static bool name_matches(const char *name, const char *comp, unsigned n) {
    bool has_unit = false;
    for (unsigned i = 0; i < n; i++) {
        if (name[i] != comp[i]) return false;
        has_unit |= comp[i] == '@';
    }
    return name[n] == 0 || (name[n] == '@' && !has_unit);
}

/* The path's component number k (0-based): its start and length. */
static bool component(const char *path, unsigned k, const char **start, unsigned *len) {
    const char *p = path;
    for (;;) {
        while (*p == '/') p++;
        if (!*p) return false;
        const char *e = p;
        while (*e && *e != '/') e++;
        if (k-- == 0) {
            *start = p;
            *len = (unsigned)(e - p);
            return true;
        }
        p = e;
    }
}

const void *fdt_getprop(const void *fdt, const char *path, const char *prop, uint32_t *len) {
    if (!fdt_valid(fdt)) return 0;
    const uint8_t *base = fdt;
    const uint8_t *p = base + be32(base + 8);        /* off_dt_struct */
    const char *strings = (const char *)base + be32(base + 12);
    const uint8_t *end = base + be32(base + 4);      /* totalsize */
    unsigned ncomp = 0;
    { const char *s; unsigned l; while (component(path, ncomp, &s, &l)) ncomp++; }

    int depth = -1;       /* the root node is depth 0 */
    int matched = 0;      /* how many leading components the current node path matches */
    while (p + 4 <= end) {
        uint32_t tok = be32(p);
        p += 4;
        if (tok == FDT_BEGIN_NODE) {
            const char *name = (const char *)p;
            p += ALIGN_UP(strlen(name) + 1, 4);
            depth++;
            const char *c;
            unsigned cl;
            if (depth >= 1 && matched == depth - 1 && (unsigned)depth <= ncomp &&
                component(path, (unsigned)depth - 1, &c, &cl) && name_matches(name, c, cl))
                matched = depth;
        } else if (tok == FDT_END_NODE) {
            if (matched == depth) matched--;
            if (matched < 0) matched = 0;
            depth--;
        } else if (tok == FDT_PROP) {
            uint32_t plen = be32(p), nameoff = be32(p + 4);
            const uint8_t *val = p + 8;
            p = val + ALIGN_UP(plen, 4);
            if (depth == (int)ncomp && matched == depth && strcmp(strings + nameoff, prop) == 0) {
                if (len) *len = plen;
                return val;
            }
        } else if (tok == FDT_NOP) {
            continue;
        } else {
            break;  /* FDT_END or garbage */
        }
    }
    return 0;
}

uint64_t fdt_getprop_u64(const void *fdt, const char *path, const char *prop, uint64_t dflt) {
    uint32_t len;
    const uint8_t *v = fdt_getprop(fdt, path, prop, &len);
    if (v && len == 4) return be32(v);
    if (v && len == 8) return (uint64_t)be32(v) << 32 | be32(v + 4);
    return dflt;
}
