/* The machine firmware/sbi runs on: QEMU virt's memory map (which stepvisor
 * emulates), CSR access, and what the parts of the firmware share. */
#pragma once
#include <stdbool.h>
#include <stdint.h>

#define MAX_HARTS   8
#define UART0       0x10000000ul
#define SYSCON      0x100000ul
#define CLINT       0x2000000ul
#define CLINT_MSIP(h)     (CLINT + 4ul * (h))
#define CLINT_MTIMECMP(h) (CLINT + 0x4000ul + 8ul * (h))
#define SYSCON_PASS  0x5555u
#define SYSCON_FAIL  0x3333u
#define SYSCON_RESET 0x7777u
#define NEXT_STAGE_DEFAULT 0x80200000ul

#define MIP_SSIP (1ul << 1)
#define MIP_MSIP (1ul << 3)
#define MIP_STIP (1ul << 5)
#define MIP_MTIP (1ul << 7)

#define csr_read(r) ({ uint64_t v_; __asm__ volatile("csrr %0, " #r : "=r"(v_)); v_; })
#define csr_write(r, v) __asm__ volatile("csrw " #r ", %0" ::"r"((uint64_t)(v)) : "memory")
#define csr_set(r, v) __asm__ volatile("csrs " #r ", %0" ::"r"((uint64_t)(v)) : "memory")
#define csr_clear(r, v) __asm__ volatile("csrc " #r ", %0" ::"r"((uint64_t)(v)) : "memory")

struct sbiret { long error; long value; };
#define SBI_SUCCESS               0
#define SBI_ERR_FAILED           -1
#define SBI_ERR_NOT_SUPPORTED    -2
#define SBI_ERR_INVALID_PARAM    -3
#define SBI_ERR_INVALID_ADDRESS  -5
#define SBI_ERR_ALREADY_AVAILABLE -6
#define SBI_ERR_ALREADY_STARTED  -7
#define SBI_ERR_ALREADY_STOPPED  -8

/* console.c */
void uart_putc(char c);
int uart_getc(void);   /* -1 when nothing waits */
void uart_puts(const char *s);
void uart_puthex(uint64_t v);
__attribute__((noreturn)) void power(uint32_t syscon_code);

/* timer.c */
void timer_init(void);       /* per hart, at its start */
bool timer_has_sstc(void);
void timer_set(uint64_t stime);
void timer_interrupt(void);  /* M timer interrupt (without Sstc): STIP for S */

/* fdt.c: the harts the device tree's /cpus names, a bit each (0: unreadable) */
uint64_t fdt_hart_mask(const void *fdt);

/* hart.c: HSM, IPIs and remote fences */
void harts_init(unsigned boot_hart, uint64_t mask);   /* by the boot hart, before the others look */
unsigned hart_count(void);
struct sbiret hsm_call(long fid, uint64_t a0, uint64_t a1, uint64_t a2);
struct sbiret ipi_call(long fid, uint64_t mask, uint64_t base);
struct sbiret rfence_call(long fid, uint64_t mask, uint64_t base);
void hart_software_interrupt(void);   /* M software interrupt: IPIs and fences for this hart */

/* entry.S */
__attribute__((noreturn)) void hart_park(void);   /* a stopped hart waits for hart_start */
__attribute__((noreturn)) void enter_s_mode(uint64_t addr, uint64_t a0, uint64_t a1);
long try_csr_read_stimecmp(void);   /* 0 when stimecmp exists, else mcause */
long try_csr_set_mstateen0(uint64_t bits);  /* 0 when mstateen0 exists, else mcause */
long try_csr_probe_hgeie(uint64_t *bits);   /* 0 with the bits of hgeie that stick, else mcause */
void aplic_init(uint64_t hart_mask);        /* aplic.c: with an APLIC in MSI mode, sources to S */
