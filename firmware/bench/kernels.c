/* stepvisor CPU benchmark: the kernels.
 *
 * Every kernel is deterministic and returns a 64-bit checksum; the checksums
 * (and their combination) are printed, so identical output on two emulators
 * shows that both executed the program the same way.  Each kernel also
 * checks itself (sortedness, known CRC values, ...) and reports failures.
 *
 * Repetition counts are REPS_x * SCALE; working-set sizes do not depend on
 * SCALE.
 */
#include "bench.h"

/* BENCH_MASK: bit i enables kernel i of the table in bench_run (for
 * profiling one kernel at a time); all on by default. */
#ifndef BENCH_MASK
#define BENCH_MASK 0x7f
#endif
#ifndef REPS_SORT
#define REPS_SORT   2
#endif
#ifndef REPS_CRC
#define REPS_CRC    4
#endif
#ifndef REPS_MATMUL
#define REPS_MATMUL 2
#endif
#ifndef REPS_LIST
#define REPS_LIST   1
#endif
#ifndef REPS_HASH
#define REPS_HASH   1
#endif
#ifndef REPS_MANDEL
#define REPS_MANDEL 1
#endif
#ifndef REPS_ECALL
#define REPS_ECALL  1000
#endif

static int failures;

static void check(int ok, const char *what)
{
    if (!ok) {
        failures++;
        con_puts("self-check FAILED: ");
        con_puts(what);
        con_puts("\n");
    }
}

/* ---- PRNG (xorshift64) and a bump allocator over the heap ------------ */

static uint64_t rng;

static void rng_seed(uint64_t s)
{
    rng = s ? s : 0x853c49e6748fea9bULL;
}

static inline uint64_t rnd(void)
{
    uint64_t x = rng;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    rng = x;
    return x;
}

static uint8_t *heap_cur, *heap_end;

static void *halloc(size_t n)
{
    uint8_t *p = (uint8_t *)(((uintptr_t)heap_cur + 63) & ~(uintptr_t)63);
    if (p + n > heap_end) {
        con_puts("bench: heap exhausted\n");
        bench_poweroff(0);
    }
    heap_cur = p + n;
    return p;
}

/* ---- 1. sorting: quicksort and heapsort of pseudo-random arrays ------ */

#define SORT_N 16384
#define HEAPSORT_N 4096

static uint32_t *sort_a, *sort_b;

static void insertion_sort(uint32_t *a, long lo, long hi)
{
    for (long i = lo + 1; i <= hi; i++) {
        uint32_t v = a[i];
        long j = i - 1;
        while (j >= lo && a[j] > v) {
            a[j + 1] = a[j];
            j--;
        }
        a[j + 1] = v;
    }
}

static void quicksort(uint32_t *a, long lo, long hi)
{
    while (hi - lo > 16) {
        long mid = lo + (hi - lo) / 2;
        uint32_t x = a[lo], y = a[mid], z = a[hi];
        uint32_t pivot = x < y ? (y < z ? y : (x < z ? z : x)) : (x < z ? x : (y < z ? z : y));
        long i = lo, j = hi;
        while (i <= j) {
            while (a[i] < pivot) i++;
            while (a[j] > pivot) j--;
            if (i <= j) {
                uint32_t t = a[i];
                a[i] = a[j];
                a[j] = t;
                i++;
                j--;
            }
        }
        if (j - lo < hi - i) {
            quicksort(a, lo, j);
            lo = i;
        } else {
            quicksort(a, i, hi);
            hi = j;
        }
    }
    insertion_sort(a, lo, hi);
}

static void sift_down(uint32_t *a, size_t root, size_t n)
{
    uint32_t v = a[root];
    for (;;) {
        size_t c = 2 * root + 1;
        if (c >= n) break;
        if (c + 1 < n && a[c + 1] > a[c]) c++;
        if (a[c] <= v) break;
        a[root] = a[c];
        root = c;
    }
    a[root] = v;
}

static void heapsort(uint32_t *a, size_t n)
{
    for (size_t i = n / 2; i-- > 0;)
        sift_down(a, i, n);
    for (size_t e = n - 1; e > 0; e--) {
        uint32_t t = a[0];
        a[0] = a[e];
        a[e] = t;
        sift_down(a, 0, e);
    }
}

static uint64_t sorted_hash(const uint32_t *a, size_t n, int *ok)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (size_t i = 0; i < n; i++) {
        if (i && a[i - 1] > a[i]) *ok = 0;
        h = (h ^ a[i]) * 0x100000001b3ULL;
    }
    return h;
}

static uint64_t kernel_sort(void)
{
    uint64_t h = 0;
    int ok = 1;
    for (unsigned r = 0; r < REPS_SORT * SCALE; r++) {
        uint64_t sum_before = 0, sum_after = 0;
        rng_seed(0x5eed0001ULL + r);
        for (size_t i = 0; i < SORT_N; i++) {
            sort_a[i] = (uint32_t)(rnd() >> 16);
            sum_before += sort_a[i];
        }
        quicksort(sort_a, 0, SORT_N - 1);
        h = mix64(h, sorted_hash(sort_a, SORT_N, &ok));
        for (size_t i = 0; i < SORT_N; i++) sum_after += sort_a[i];
        if (sum_before != sum_after) ok = 0;

        for (size_t i = 0; i < HEAPSORT_N; i++)
            sort_b[i] = (uint32_t)rnd() & 0xfffff; /* many duplicates */
        heapsort(sort_b, HEAPSORT_N);
        h = mix64(h, sorted_hash(sort_b, HEAPSORT_N, &ok));
        h = mix64(h, sort_a[r % SORT_N]);
    }
    check(ok, "sort: output not sorted or not a permutation");
    return h;
}

/* ---- 2. CRC32 (table driven) and CRC32C (bitwise) over a buffer ------ */

#define CRC_BUF 65536
#define CRC_POLY 0xedb88320u
#define CRC32C_POLY 0x82f63b78u

static uint32_t crc_table[256];
static uint8_t *crc_buf;

static void crc_init(void)
{
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++) c = (c & 1) ? CRC_POLY ^ (c >> 1) : c >> 1;
        crc_table[i] = c;
    }
}

static uint32_t crc32_table(const uint8_t *p, size_t n, uint32_t crc)
{
    crc = ~crc;
    while (n--) crc = crc_table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
    return ~crc;
}

static uint32_t crc_bitwise(const uint8_t *p, size_t n, uint32_t crc, uint32_t poly)
{
    crc = ~crc;
    while (n--) {
        crc ^= *p++;
        for (int k = 0; k < 8; k++) crc = (crc >> 1) ^ (poly & (0u - (crc & 1)));
    }
    return ~crc;
}

static uint64_t kernel_crc(void)
{
    static const uint8_t check_str[] = "123456789";
    uint64_t h = 0;
    int ok = 1;

    crc_init();
    if (crc32_table(check_str, 9, 0) != 0xcbf43926u) ok = 0;
    if (crc_bitwise(check_str, 9, 0, CRC_POLY) != 0xcbf43926u) ok = 0;
    if (crc_bitwise(check_str, 9, 0, CRC32C_POLY) != 0xe3069283u) ok = 0;

    rng_seed(0x5eed0002ULL);
    for (size_t i = 0; i < CRC_BUF; i += 8) {
        uint64_t v = rnd();
        memcpy(crc_buf + i, &v, 8);
    }
    for (unsigned r = 0; r < REPS_CRC * SCALE; r++) {
        crc_buf[(r * 7919u) % CRC_BUF] ^= (uint8_t)(r + 1);
        uint32_t c = crc32_table(crc_buf, CRC_BUF, r);
        size_t off = (r * 4096u) % CRC_BUF;
        uint32_t cc = crc_bitwise(crc_buf + off, 4096, 0, CRC32C_POLY);
        if (crc_bitwise(crc_buf + off, 256, c, CRC_POLY) != crc32_table(crc_buf + off, 256, c))
            ok = 0;
        h = mix64(h, ((uint64_t)c << 32) | cc);
    }
    check(ok, "crc: table and bitwise CRC32 disagree or wrong check value");
    return h;
}

/* ---- 3. integer matrix multiply ------------------------------------- */

#define MAT_N 64

static uint32_t *mat_a, *mat_b, *mat_c;

static uint64_t kernel_matmul(void)
{
    uint64_t h = 0;
    int ok = 1;
    rng_seed(0x5eed0003ULL);
    for (size_t i = 0; i < MAT_N * MAT_N; i++) {
        mat_a[i] = (uint32_t)rnd();
        mat_b[i] = (uint32_t)rnd();
    }
    for (unsigned r = 0; r < REPS_MATMUL * SCALE; r++) {
        for (size_t i = 0; i < MAT_N; i++) {
            uint32_t *c = &mat_c[i * MAT_N];
            for (size_t j = 0; j < MAT_N; j++) c[j] = 0;
            for (size_t k = 0; k < MAT_N; k++) {
                uint32_t a = mat_a[i * MAT_N + k];
                const uint32_t *b = &mat_b[k * MAT_N];
                for (size_t j = 0; j < MAT_N; j++) c[j] += a * b[j];
            }
        }
        /* spot-check a few elements with a plain dot product */
        for (unsigned s = 0; s < 8; s++) {
            size_t i = (r * 13u + s * 29u) % MAT_N, j = (r * 7u + s * 17u) % MAT_N;
            uint32_t acc = 0;
            for (size_t k = 0; k < MAT_N; k++) acc += mat_a[i * MAT_N + k] * mat_b[k * MAT_N + j];
            if (acc != mat_c[i * MAT_N + j]) ok = 0;
        }
        uint64_t s = 0;
        for (size_t i = 0; i < MAT_N * MAT_N; i++) s = (s ^ mat_c[i]) * 0x100000001b3ULL;
        h = mix64(h, s);
        /* feed the product back so that repetitions differ */
        for (size_t i = 0; i < MAT_N * MAT_N; i++)
            mat_a[i] = mat_c[i] ^ (mat_a[i] >> 3) ^ (0x9e3779b9u * (uint32_t)i);
    }
    check(ok, "matmul: spot check disagrees");
    return h;
}

/* ---- 4. linked-list walk over a shuffled list (pointer chasing) ------ */

#define LIST_N (64 * 1024)

struct node {
    struct node *next;
    uint64_t val;
    uint64_t pad[6]; /* one node per 64-byte line: 4 MiB, 1024 pages */
};

static struct node *list_nodes;
static uint32_t *list_perm;

static uint64_t kernel_list(void)
{
    uint64_t h = 0;
    int ok = 1;
    rng_seed(0x5eed0004ULL);
    for (uint32_t i = 0; i < LIST_N; i++) {
        list_nodes[i].val = rnd();
        list_perm[i] = i;
    }
    for (uint32_t i = LIST_N - 1; i > 0; i--) { /* Fisher-Yates */
        uint32_t j = (uint32_t)(rnd() % (i + 1));
        uint32_t t = list_perm[i];
        list_perm[i] = list_perm[j];
        list_perm[j] = t;
    }
    for (uint32_t i = 0; i < LIST_N; i++)
        list_nodes[list_perm[i]].next = &list_nodes[list_perm[(i + 1) % LIST_N]];
    struct node *head = &list_nodes[list_perm[0]];

    for (unsigned r = 0; r < REPS_LIST * SCALE; r++) {
        struct node *p = head;
        uint64_t sum = r;
        for (uint32_t k = 0; k < LIST_N; k++) {
            uint64_t v = p->val;
            sum = (sum ^ v) * 0x100000001b3ULL;
            p->val = v + (sum >> 58);
            p = p->next;
        }
        if (p != head) ok = 0;
        h = mix64(h, sum);
    }
    check(ok, "list: walk did not return to the head");
    return h;
}

/* ---- 5. strings and an open-addressing hash table --------------------- */

#define NSTR 4096
#define STR_SLOT 16
#define HT_SIZE 12289u /* prime */

struct hent {
    const char *key;
    uint32_t count;
    uint32_t hash;
};

static char *str_pool;
static struct hent *htab;
static uint64_t ht_inserted;

static uint32_t fnv1a(const char *s)
{
    uint32_t h = 0x811c9dc5u;
    while (*s) h = (h ^ (uint8_t)*s++) * 0x01000193u;
    return h;
}

static int str_eq(const char *a, const char *b)
{
    while (*a && *a == *b) a++, b++;
    return *a == *b;
}

static struct hent *ht_find(const char *s, uint32_t hash, int insert)
{
    uint32_t i = hash % HT_SIZE;
    for (;;) {
        struct hent *e = &htab[i];
        const char *k = __atomic_load_n(&e->key, __ATOMIC_ACQUIRE);
        if (!k) {
            if (!insert) return 0;
            const char *expected = 0;
            /* lr/sc: claim the empty slot */
            if (__atomic_compare_exchange_n(&e->key, &expected, s, 0, __ATOMIC_ACQ_REL,
                                            __ATOMIC_ACQUIRE)) {
                e->hash = hash;
                __atomic_fetch_add(&ht_inserted, 1, __ATOMIC_RELAXED); /* amoadd */
                return e;
            }
            k = expected;
        }
        if (e->hash == hash && str_eq(k, s)) return e;
        i = (i + 1 == HT_SIZE) ? 0 : i + 1;
    }
}

static uint64_t kernel_hash(void)
{
    uint64_t h = 0;
    int ok = 1;
    char tmp[STR_SLOT];
    for (unsigned r = 0; r < REPS_HASH * SCALE; r++) {
        rng_seed(0x5eed0005ULL + r);
        memset(htab, 0, sizeof(struct hent) * HT_SIZE);
        ht_inserted = 0;
        /* strings over a 5-letter alphabet, length 3..10: many duplicates */
        for (unsigned n = 0; n < NSTR; n++) {
            char *s = &str_pool[n * STR_SLOT];
            uint64_t x = rnd();
            unsigned len = 3 + (unsigned)(x % 8);
            x /= 8;
            for (unsigned c = 0; c < len; c++) {
                s[c] = (char)('a' + x % 5);
                x /= 5;
            }
            s[len] = 0;
        }
        uint64_t dups = 0;
        for (unsigned n = 0; n < NSTR; n++) {
            const char *s = &str_pool[n * STR_SLOT];
            struct hent *e = ht_find(s, fnv1a(s), 1);
            if (e->count++) dups++;
        }
        if (ht_inserted + dups != NSTR) ok = 0;
        /* look up each string reversed */
        uint64_t found = 0, weight = 0;
        for (unsigned n = 0; n < NSTR; n++) {
            const char *s = &str_pool[n * STR_SLOT];
            size_t len = 0;
            while (s[len]) len++;
            for (size_t c = 0; c < len; c++) tmp[c] = s[len - 1 - c];
            tmp[len] = 0;
            struct hent *e = ht_find(tmp, fnv1a(tmp), 0);
            if (e) {
                found++;
                weight += e->count * (uint64_t)(n + 1);
            }
        }
        uint64_t occ = 0;
        for (unsigned i = 0; i < HT_SIZE; i++)
            if (htab[i].key) occ = occ * 31 + i + htab[i].count;
        h = mix64(h, ht_inserted);
        h = mix64(h, found);
        h = mix64(h, weight);
        h = mix64(h, occ);
    }
    check(ok, "hash: inserted + duplicates != strings");
    return h;
}

/* ---- 6. Mandelbrot in double precision -------------------------------- */

#define MAND_W 64
#define MAND_H 48
#define MAND_ITER 160

static uint64_t dbits(double d)
{
    uint64_t u;
    memcpy(&u, &d, 8);
    return u;
}

static uint64_t kernel_mandel(void)
{
    uint64_t h = 0;
    for (unsigned r = 0; r < REPS_MANDEL * SCALE; r++) {
        double x0 = -2.0 + 0.015625 * (double)(r & 15);
        double y0 = -1.0 + 0.0078125 * (double)(r & 7);
        double step = 3.0 / (double)MAND_W / (1.0 + 0.125 * (double)(r & 3));
        double acc = 0.0;
        uint64_t iters = 0;
        for (int py = 0; py < MAND_H; py++) {
            double ci = y0 + step * py;
            for (int px = 0; px < MAND_W; px++) {
                double cr = x0 + step * px;
                double zr = 0.0, zi = 0.0;
                int it = 0;
                while (it < MAND_ITER) {
                    double zr2 = zr * zr, zi2 = zi * zi;
                    if (zr2 + zi2 > 4.0) break;
                    zi = __builtin_fma(2.0 * zr, zi, ci); /* fmadd.d */
                    zr = zr2 - zi2 + cr;
                    it++;
                }
                iters += (uint64_t)it;
                acc = __builtin_fma(zr, zi, acc);
                h = h * 0x100000001b3ULL + (uint64_t)it;
            }
        }
        h = mix64(h, iters);
        h = mix64(h, dbits(__builtin_sqrt(__builtin_fabs(acc) + 1.0)));
    }
    return h;
}

/* ---- 7. trap round trips (ecall to the M-mode handler) --------------- */

static uint64_t kernel_ecall(void)
{
    int ok = 1;
    uint64_t before = m_ecall_count;
    uint64_t x = 0x5eed0006ULL;
    for (unsigned i = 0; i < REPS_ECALL * SCALE; i++) x = svc_mix(x, i);
    if (m_ecall_count - before != (uint64_t)REPS_ECALL * SCALE) ok = 0;
    check(ok, "ecall: handler count mismatch");
    return mix64(x, m_ecall_count - before);
}

/* ---- reference totals ------------------------------------------------ */

/* Totals measured on QEMU 7.2 (virt); every kernel is integer arithmetic or
 * IEEE double arithmetic with explicit fma and no contraction
 * (-ffp-contract=off), so they do not depend on the compiler's choices. */
#if SCALE == 1
#define BENCH_REFERENCE 0xa505e69f162b5d16ULL
#elif SCALE == 64
#define BENCH_REFERENCE 0xf439c4eb56a5c1f0ULL
#endif

/* ---- kernel table and entry point ------------------------------------ */

struct kernel {
    const char *name;
    uint64_t (*fn)(void);
};

static const struct kernel kernels[] = {
    {"sort", kernel_sort},
    {"crc32", kernel_crc},
    {"matmul", kernel_matmul},
    {"list", kernel_list},
    {"hash", kernel_hash},
    {"mandel", kernel_mandel},
    {"ecall", kernel_ecall},
};

int bench_run(void *heap, size_t heap_size, const char *mode)
{
    heap_cur = heap;
    heap_end = (uint8_t *)heap + heap_size;
    list_nodes = halloc(sizeof(struct node) * LIST_N);
    list_perm = halloc(sizeof(uint32_t) * LIST_N);
    sort_a = halloc(sizeof(uint32_t) * SORT_N);
    sort_b = halloc(sizeof(uint32_t) * HEAPSORT_N);
    crc_buf = halloc(CRC_BUF);
    mat_a = halloc(sizeof(uint32_t) * MAT_N * MAT_N);
    mat_b = halloc(sizeof(uint32_t) * MAT_N * MAT_N);
    mat_c = halloc(sizeof(uint32_t) * MAT_N * MAT_N);
    str_pool = halloc(NSTR * STR_SLOT);
    htab = halloc(sizeof(struct hent) * HT_SIZE);

    con_puts("== stepvisor cpu bench: ");
    con_puts(mode);
    con_puts(", scale ");
    con_dec(SCALE);
    con_puts("\n");

    uint64_t total = 0;
    for (size_t i = 0; i < sizeof(kernels) / sizeof(kernels[0]); i++) {
        if (!((BENCH_MASK >> i) & 1)) continue;
#ifdef BENCH_COUNT
        uint64_t t0 = read_instret();
#endif
        uint64_t c = kernels[i].fn();
#ifdef BENCH_COUNT
        uint64_t t1 = read_instret();
#endif
        total = mix64(total, c);
        con_puts(kernels[i].name);
        con_puts(": ");
        con_hex(c, 16);
#ifdef BENCH_COUNT
        con_puts("  instret ");
        con_dec(t1 - t0);
#endif
        con_puts("\n");
    }
    con_puts("total: ");
    con_hex(total, 16);
    con_puts("\n");
#if defined(BENCH_REFERENCE) && BENCH_MASK == 0x7f
    check(total == BENCH_REFERENCE, "total differs from the reference value (from QEMU)");
#endif
#ifdef BENCH_COUNT
    con_puts("instret at end: ");
    con_dec(read_instret());
    con_puts("\n");
#endif
    con_puts(failures ? "== end: SELF-CHECK FAILED\n" : "== end: ok\n");
    return failures ? 1 : 0;
}
