#include <stdarg.h>
#include "console.h"
#include "lib.h"
#include "sbi.h"

/* Formatting goes to a buffer first so that the firmware gets one DBCN
 * write per message when it has DBCN. */
struct out { char buf[256]; unsigned len; };

static void out_flush(struct out *o) {
    sbi_console_write(o->buf, o->len);
    o->len = 0;
}

static void out_c(struct out *o, char c) {
    if (o->len == sizeof o->buf) out_flush(o);
    o->buf[o->len++] = c;
}

static void out_num(struct out *o, uint64_t v, unsigned base, bool neg,
                    unsigned width, bool zero, bool left) {
    char tmp[24];
    unsigned n = 0;
    do {
        tmp[n++] = "0123456789abcdef"[v % base];
        v /= base;
    } while (v);
    if (neg) {
        if (zero) out_c(o, '-');
        else tmp[n++] = '-';
    }
    unsigned used = n + (neg && zero);
    if (!left)
        for (; used < width; used++) out_c(o, zero ? '0' : ' ');
    while (n) out_c(o, tmp[--n]);
    if (left)
        for (; used < width; used++) out_c(o, ' ');
}

/* A guest's unfinished line (a prompt) left on the terminal without its
 * newline. Anything else printed first ends that terminal line; the guest's
 * line is then printed whole, labelled again, when it is finished. */
static struct guest_console *dangling;

static void end_dangling(struct guest_console *except) {
    if (!dangling || dangling == except) return;
    sbi_console_write("\n", 1);
    dangling->shown = 0;
    dangling = 0;
}

static void vkprintf(const char *fmt, va_list ap);

/* %[-][0][width][l|ll|z](d|u|x|s|c|p|%): all that hv's messages need. */
void kprintf(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    end_dangling(0);
    vkprintf(fmt, ap);
    va_end(ap);
}

/* What a guest's console prints of its own line: its unfinished part stays. */
static void guest_printf(struct guest_console *gc, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    end_dangling(gc);
    vkprintf(fmt, ap);
    va_end(ap);
}

static void vkprintf(const char *fmt, va_list ap) {
    struct out o = {.len = 0};
    for (; *fmt; fmt++) {
        if (*fmt != '%') {
            out_c(&o, *fmt);
            continue;
        }
        fmt++;
        bool left = false, zero = false, lng = false;
        unsigned width = 0;
        if (*fmt == '-') left = true, fmt++;
        if (*fmt == '0') zero = true, fmt++;
        while (*fmt >= '0' && *fmt <= '9') width = width * 10 + (unsigned)(*fmt++ - '0');
        while (*fmt == 'l' || *fmt == 'z') lng = true, fmt++;
        switch (*fmt) {
        case 'd': {
            int64_t v = lng ? va_arg(ap, int64_t) : va_arg(ap, int);
            out_num(&o, v < 0 ? -(uint64_t)v : (uint64_t)v, 10, v < 0, width, zero, left);
            break;
        }
        case 'u':
            out_num(&o, lng ? va_arg(ap, uint64_t) : va_arg(ap, unsigned), 10, false, width, zero, left);
            break;
        case 'x':
            out_num(&o, lng ? va_arg(ap, uint64_t) : va_arg(ap, unsigned), 16, false, width, zero, left);
            break;
        case 'p':
            out_c(&o, '0'), out_c(&o, 'x');
            out_num(&o, (uintptr_t)va_arg(ap, void *), 16, false, width, zero, left);
            break;
        case 'c':
            out_c(&o, (char)va_arg(ap, int));
            break;
        case 's': {
            const char *s = va_arg(ap, const char *);
            unsigned n = (unsigned)strlen(s);
            if (!left) for (unsigned i = n; i < width; i++) out_c(&o, ' ');
            while (*s) out_c(&o, *s++);
            if (left) for (unsigned i = n; i < width; i++) out_c(&o, ' ');
            break;
        }
        case '%':
            out_c(&o, '%');
            break;
        default:  /* unknown conversion: show it rather than guess */
            out_c(&o, '%');
            if (*fmt) out_c(&o, *fmt);
            else fmt--;
        }
    }
    out_flush(&o);
}

static void guest_console_emit(struct guest_console *gc) {
    gc->line[gc->len] = 0;
    end_dangling(gc);
    if (gc->shown) guest_printf(gc, "%s\n", gc->line + gc->shown);
    else guest_printf(gc, "[%s] %s\n", gc->label, gc->line);
    gc->len = gc->shown = 0;
    if (dangling == gc) dangling = 0;
}

void guest_console_show_partial(struct guest_console *gc) {
    if (gc->len == gc->shown) return;
    gc->line[gc->len] = 0;
    end_dangling(gc);
    if (gc->shown) guest_printf(gc, "%s", gc->line + gc->shown);
    else guest_printf(gc, "[%s] %s", gc->label, gc->line);
    gc->shown = gc->len;
    dangling = gc;
}

void guest_console_flush(struct guest_console *gc) {
    if (gc->len) guest_console_emit(gc);
}

void guest_console_putc(struct guest_console *gc, char c) {
    gc->bytes++;
    if (c == '\r') return;
    if (c == '\n') {
        guest_console_emit(gc);
        return;
    }
    gc->line[gc->len++] = c;
    if (gc->len == GUEST_LINE_MAX - 1) guest_console_emit(gc);
}
