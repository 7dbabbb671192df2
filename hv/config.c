/* The VMs hv creates at boot. Guest images are embedded by guests.S. */
#include "vm.h"

extern const uint8_t guest_ticker[], guest_ticker_end[];
extern const uint8_t guest_hello[], guest_hello_end[];
extern const uint8_t guest_rogue[], guest_rogue_end[];
extern const uint8_t guest_uart[], guest_uart_end[];
extern const uint8_t guest_smp[], guest_smp_end[];
extern const uint8_t guest_pvcon[], guest_pvcon_end[];
extern const uint8_t guest_irq[], guest_irq_end[];
extern const uint8_t guest_paging[], guest_paging_end[];

#define MiB (1024ull * 1024)

const struct vm_config vm_configs[] = {
    {.name = "ticker", .image = guest_ticker, .image_end = guest_ticker_end,
     .mem_size = 2 * MiB, .vcpus = 1},
    {.name = "hello", .image = guest_hello, .image_end = guest_hello_end,
     .mem_size = 2 * MiB, .vcpus = 1},
    /* Touches memory outside its map: hv stops it, the others run on. */
    {.name = "rogue", .image = guest_rogue, .image_end = guest_rogue_end,
     .mem_size = 1 * MiB, .vcpus = 1},
    /* Drives its own 16550 UART, which hv emulates (trap-and-emulate). */
    {.name = "uart", .image = guest_uart, .image_end = guest_uart_end,
     .mem_size = 1 * MiB, .vcpus = 1},
    /* Its own system calls, page fault and timer; UART interrupts through its
     * vPLIC, or as MSIs into its IMSIC guest file (before smp, so that QEMU's
     * at most 7 guest files reach it: aia.c gives them in this order). */
    {.name = "irq", .image = guest_irq, .image_end = guest_irq_end,
     .mem_size = 2 * MiB, .vcpus = 1},
    /* Two vCPUs: SBI HSM, IPIs and remote fences between them. */
    {.name = "smp", .image = guest_smp, .image_end = guest_smp_end,
     .mem_size = 1 * MiB, .vcpus = 2},
    /* Prints through hv's paravirtual console: many bytes per exit. */
    {.name = "pvcon", .image = guest_pvcon, .image_end = guest_pvcon_end,
     .mem_size = 1 * MiB, .vcpus = 1},
    /* Its own Sv39 tables, U-mode tasks, and their page faults it handles. */
    {.name = "paging", .image = guest_paging, .image_end = guest_paging_end,
     .mem_size = 2 * MiB, .vcpus = 1},
};
const unsigned nr_vm_configs = sizeof vm_configs / sizeof vm_configs[0];
