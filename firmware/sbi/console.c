/* The ns16550a at UART0: SBI's console, and the firmware's own reports. */
#include "platform.h"

void uart_putc(char c) {
    volatile uint8_t *u = (volatile uint8_t *)UART0;
    while (!(u[5] & 0x20)) {}  /* LSR.THRE */
    u[0] = (uint8_t)c;
}

int uart_getc(void) {
    volatile uint8_t *u = (volatile uint8_t *)UART0;
    return (u[5] & 0x01) ? u[0] : -1;   /* LSR.DR: RBR holds a byte */
}

void uart_puts(const char *s) { while (*s) uart_putc(*s++); }

void uart_puthex(uint64_t v) {
    uart_puts("0x");
    for (int i = 60; i >= 0; i -= 4) uart_putc("0123456789abcdef"[(v >> i) & 15]);
}

void power(uint32_t code) {
    *(volatile uint32_t *)SYSCON = code;
    for (;;) __asm__ volatile("wfi");
}
