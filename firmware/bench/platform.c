/* stepvisor CPU benchmark: console, power-off, M-mode trap handler and
 * (BENCH_SMODE) the Sv39 page tables and the switch to S-mode, or
 * (BENCH_VSMODE, with BENCH_SMODE) the same tables as vsatp's over an
 * identity Sv39x4 G-stage, and the switch to VS-mode. */
#include "bench.h"

#define csr_read(csr) ({ uint64_t v_; __asm__ volatile("csrr %0, " #csr : "=r"(v_)); v_; })
#define csr_write(csr, val) __asm__ volatile("csrw " #csr ", %0" :: "rK"((uint64_t)(val)) : "memory")
#define csr_set(csr, val) __asm__ volatile("csrs " #csr ", %0" :: "rK"((uint64_t)(val)) : "memory")
#define csr_clear(csr, val) __asm__ volatile("csrc " #csr ", %0" :: "rK"((uint64_t)(val)) : "memory")

extern char __heap_start[];

/* ---- small libc ---------------------------------------------------- */

void *memset(void *d, int c, size_t n)
{
    uint8_t *p = d;
    uint64_t w = (uint8_t)c;
    w |= w << 8; w |= w << 16; w |= w << 32;
    while (n && ((uintptr_t)p & 7)) { *p++ = (uint8_t)c; n--; }
    for (; n >= 8; n -= 8, p += 8) *(uint64_t *)p = w;
    while (n--) *p++ = (uint8_t)c;
    return d;
}

void *memcpy(void *d, const void *s, size_t n)
{
    uint8_t *dp = d;
    const uint8_t *sp = s;
    if ((((uintptr_t)dp | (uintptr_t)sp) & 7) == 0)
        for (; n >= 8; n -= 8, dp += 8, sp += 8) *(uint64_t *)dp = *(const uint64_t *)sp;
    while (n--) *dp++ = *sp++;
    return d;
}

uint64_t mix64(uint64_t h, uint64_t v)
{
    h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
    h ^= h >> 31;
    h *= 0xbf58476d1ce4e5b9ULL;
    h ^= h >> 29;
    return h;
}

/* ---- console (ns16550a) and power-off (sifive-test) ---------------- */

void uart_putc(char c)
{
    volatile uint8_t *u = (volatile uint8_t *)UART0_BASE;
    if (c == '\n') uart_putc('\r');
    while (!(u[5] & 0x20)) /* LSR.THRE */
        ;
    u[0] = (uint8_t)c;
}

void con_puts(const char *s)
{
    while (*s) uart_putc(*s++);
}

void con_hex(uint64_t v, int digits)
{
    con_puts("0x");
    for (int i = digits - 1; i >= 0; i--)
        uart_putc("0123456789abcdef"[(v >> (4 * i)) & 15]);
}

void con_dec(uint64_t v)
{
    char buf[24];
    int n = 0;
    do { buf[n++] = (char)('0' + v % 10); v /= 10; } while (v);
    while (n) uart_putc(buf[--n]);
}

void bench_poweroff(int ok)
{
    volatile uint32_t *fin = (volatile uint32_t *)FINISHER_BASE;
    *fin = ok ? FINISHER_PASS : ((1u << 16) | FINISHER_FAIL);
    for (;;) __asm__ volatile("wfi");
}

uint64_t read_instret(void)
{
    uint64_t v;
    __asm__ volatile("csrr %0, instret" : "=r"(v));
    return v;
}

/* ---- ecall service --------------------------------------------------- */

volatile uint64_t m_ecall_count;

uint64_t svc_mix(uint64_t a, uint64_t b)
{
    register uint64_t a0 __asm__("a0") = a;
    register uint64_t a1 __asm__("a1") = b;
    register uint64_t a7 __asm__("a7") = SVC_MIX;
    __asm__ volatile("ecall" : "+r"(a0) : "r"(a1), "r"(a7) : "memory");
    return a0;
}

/* Called from m_trap_entry (start.S) with the saved x0..x31. */
void m_trap(uint64_t *regs)
{
    uint64_t cause = csr_read(mcause);
    if (cause == 8 || cause == 9 || cause == 10 || cause == 11) { /* ecall from U/HS/VS/M */
        if (regs[17] == SVC_MIX) {
            regs[10] = mix64(regs[10], regs[11]);
            m_ecall_count = m_ecall_count + 1;
            csr_write(mepc, csr_read(mepc) + 4);
            return;
        }
    }
    con_puts("\nbench: unexpected trap mcause=");
    con_hex(cause, 16);
    con_puts(" mepc=");
    con_hex(csr_read(mepc), 16);
    con_puts(" mtval=");
    con_hex(csr_read(mtval), 16);
    con_puts(" mstatus=");
    con_hex(csr_read(mstatus), 16);
    con_puts("\n");
    bench_poweroff(0);
}

#ifdef BENCH_SMODE
/* ---- Sv39 page tables ------------------------------------------------
 *
 *   VA 0x0000_0000 .. 0x3fff_ffff   1 GiB gigapage, identity, RW (MMIO:
 *                                   finisher, CLINT, PLIC, UART)
 *   VA 0x8000_0000 .. 0x801f_ffff   2 MiB megapage, identity, RWX (image,
 *                                   stacks, page tables)
 *   VA HEAP_VA .. +16 MiB           4096 4 KiB pages, RW, mapped onto the
 *                                   physical heap in a scattered order
 *                                   (virtual page k -> physical page
 *                                   (k * 1021 + 7) mod 4096)
 */
#define PTE_V (1u << 0)
#define PTE_R (1u << 1)
#define PTE_W (1u << 2)
#define PTE_X (1u << 3)
#define PTE_A (1u << 6)
#define PTE_D (1u << 7)

#define HEAP_PAGES (HEAP_SIZE >> 12)

static uint64_t pt_root[512] __attribute__((aligned(4096)));
static uint64_t pt_l1_ram[512] __attribute__((aligned(4096)));
static uint64_t pt_l1_heap[512] __attribute__((aligned(4096)));
static uint64_t pt_l0_heap[HEAP_PAGES / 512][512] __attribute__((aligned(4096)));

static uint64_t pte(uint64_t pa, uint64_t flags)
{
    return ((pa >> 12) << 10) | flags;
}

static uint64_t heap_phys_page(uint64_t k)
{
    return (k * 1021 + 7) & (HEAP_PAGES - 1);
}

static void build_page_tables(void)
{
    uint64_t leaf_rw = PTE_V | PTE_R | PTE_W | PTE_A | PTE_D;
    uint64_t heap_pa = (uint64_t)(uintptr_t)__heap_start;

    pt_root[0] = pte(0, leaf_rw);
    pt_root[2] = pte((uintptr_t)pt_l1_ram, PTE_V);
    pt_l1_ram[0] = pte(0x80000000UL, leaf_rw | PTE_X);
    pt_root[(HEAP_VA >> 30) & 511] = pte((uintptr_t)pt_l1_heap, PTE_V);
    for (uint64_t t = 0; t < HEAP_PAGES / 512; t++) {
        pt_l1_heap[((HEAP_VA >> 21) & 511) + t] = pte((uintptr_t)pt_l0_heap[t], PTE_V);
        for (uint64_t j = 0; j < 512; j++) {
            uint64_t k = t * 512 + j;
            pt_l0_heap[t][j] = pte(heap_pa + (heap_phys_page(k) << 12), leaf_rw);
        }
    }
}

#ifdef BENCH_VSMODE
/* G-stage, Sv39x4: the 16 KiB root maps guest physical 0..4 GiB onto the
 * same host physical addresses with gigapages (U set: G-stage leaves are
 * user pages). */
#define PTE_U (1u << 4)
static uint64_t gpt_root[2048] __attribute__((aligned(16384)));

static void build_gstage(void)
{
    for (uint64_t g = 0; g < 4; g++)
        gpt_root[g] = pte(g << 30, PTE_V | PTE_R | PTE_W | PTE_X | PTE_U | PTE_A | PTE_D);
}
#endif

extern void s_entry(void);

void s_main(void)
{
#ifdef BENCH_VSMODE
    int rc = bench_run((void *)HEAP_VA, HEAP_SIZE, "VS-mode, Sv39 over Sv39x4");
#else
    int rc = bench_run((void *)HEAP_VA, HEAP_SIZE, "S-mode, Sv39");
#endif
    bench_poweroff(rc == 0);
}
#endif

void m_main(void)
{
#ifdef BENCH_SMODE
    build_page_tables();
    /* PMP entry 0: NAPOT over the whole address space, RWX. */
    csr_write(pmpaddr0, 0x003fffffffffffffULL);
    csr_write(pmpcfg0, 0x1f);
    csr_write(medeleg, 0);
    csr_write(mideleg, 0);
    csr_write(mie, 0);
    csr_write(mcounteren, 7);
#ifdef BENCH_VSMODE
    build_gstage();
    csr_write(hcounteren, 7);
    csr_write(hedeleg, 0);
    csr_write(hideleg, 0);
    csr_write(hgatp, (8ULL << 60) | ((uintptr_t)gpt_root >> 12));
    csr_write(vsatp, (8ULL << 60) | ((uintptr_t)pt_root >> 12));
    csr_write(vsstatus, (1ULL << 13) | (2ULL << 32));   /* FS = Initial, UXL = 64 */
    __asm__ volatile(".insn r 0x73, 0, 0x31, x0, x0, x0" ::: "memory");  /* hfence.gvma */
    csr_set(mstatus, 1ULL << 39);            /* MPV */
#else
    csr_write(satp, (8ULL << 60) | ((uintptr_t)pt_root >> 12));
    __asm__ volatile("sfence.vma zero, zero" ::: "memory");
#endif
    csr_write(mepc, (uintptr_t)s_entry);
    csr_clear(mstatus, 3ULL << 11);          /* MPP = S */
    csr_set(mstatus, 1ULL << 11);
    __asm__ volatile("mret");
    __builtin_unreachable();
#else
    int rc = bench_run(__heap_start, HEAP_SIZE, "M-mode, bare");
    bench_poweroff(rc == 0);
#endif
}
