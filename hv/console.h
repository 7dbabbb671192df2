/* hv's console: formatted output for hv itself, and per-VM line buffers
 * so each guest's output reaches the real console whole lines at a time,
 * labelled with its VM (two guests' characters never mix in one line). */
#pragma once
#include <stdint.h>

void kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#define GUEST_LINE_MAX 160
struct guest_console {
    const char *label;        /* printed as "[label] " before each line */
    unsigned len;
    unsigned shown;           /* of line[], already printed (a prompt) */
    uint64_t bytes;           /* every byte the guest printed */
    char line[GUEST_LINE_MAX];
};

void guest_console_putc(struct guest_console *gc, char c);
void guest_console_flush(struct guest_console *gc);  /* a partial line, if any */
/* Shows the partial line now, unterminated (a prompt while the guest waits
 * for input); the rest of the line follows without a second label. */
void guest_console_show_partial(struct guest_console *gc);
