/* An emulated ns16550a UART, one per VM, at the guest-physical address
 * where QEMU virt has its real one. Nothing is mapped there in the VM's
 * G-stage, so every guest load or store to it is a guest-page fault that
 * mmio.c decodes and hands to vuart_read/vuart_write. Output goes to the
 * VM's labelled console lines; input comes from the terminal (input.c). */
#pragma once
#include <stdint.h>
#include <stdbool.h>

#define VUART_GPA  0x10000000ull
#define VUART_SIZE 0x100ull   /* the register window QEMU virt reserves */

struct vm;

#define VUART_IRQ 10   /* its vPLIC source, as on QEMU virt */

struct vuart {
    uint8_t ier, lcr, mcr, scr, dll, dlm, fcr;
    bool thre_pending;   /* the THR-empty interrupt, until IIR is read or THR written */
    uint64_t tx_bytes;
    /* input from hv's console, for the guest's RBR */
    uint8_t rx[64];
    unsigned rx_head, rx_len;
};

void vuart_init(struct vuart *u);
uint8_t vuart_read(struct vm *vm, uint64_t offset);
void vuart_write(struct vm *vm, uint64_t offset, uint8_t value);
bool vuart_push_input(struct vm *vm, uint8_t c);   /* false when full */
