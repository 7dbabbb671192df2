/* stepvisor CPU benchmark: shared declarations.
 *
 * The same C source is built in two variants:
 *   - M-mode, bare metal, no translation (default);
 *   - BENCH_SMODE: M-mode start code builds Sv39 page tables, sets up PMP,
 *     and mrets into S-mode, which runs the kernels with translation on.
 * SCALE (compile-time) multiplies the repetition counts of every kernel;
 * the working-set sizes stay the same so the quick build exercises the
 * same memory/TLB behaviour as the full one.
 */
#ifndef BENCH_H
#define BENCH_H

#include <stddef.h>
#include <stdint.h>

#ifndef SCALE
#define SCALE 1
#endif

/* Platform (QEMU virt compatible). */
#define UART0_BASE     0x10000000UL
#define FINISHER_BASE  0x00100000UL
#define FINISHER_PASS  0x5555u
#define FINISHER_FAIL  0x3333u

/* Heap: 16 MiB of physical RAM right after the 2 MiB image region.  In the
 * S-mode variant it is seen through 4 KiB pages at HEAP_VA, with the
 * virtual pages scattered over the physical ones. */
#define HEAP_SIZE      0x01000000UL
#define HEAP_VA        0x2000000000UL

/* ecall services handled by the M-mode trap handler (number in a7). */
#define SVC_MIX        1

/* platform.c */
void uart_putc(char c);
void con_puts(const char *s);
void con_hex(uint64_t v, int digits);
void con_dec(uint64_t v);
void bench_poweroff(int ok) __attribute__((noreturn));
uint64_t svc_mix(uint64_t a, uint64_t b);
uint64_t read_instret(void);
extern volatile uint64_t m_ecall_count;
uint64_t mix64(uint64_t h, uint64_t v);

void *memset(void *d, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);

/* kernels.c: runs every kernel, prints the checksums; returns 0 when all
 * internal self-checks passed. */
int bench_run(void *heap, size_t heap_size, const char *mode);

#endif
