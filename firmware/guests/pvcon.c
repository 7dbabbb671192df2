/* pvcon: a guest kernel that knows it runs under hv and prints through its
 * paravirtual console (hv/pvcon.c): LINES lines by the write hypercall (one
 * VM exit per line), then LINES lines through the shared ring with one
 * notify per BATCH lines. It prints its own count of hypercalls. */
#include "guest.h"

#define HCALL_EXT 0x0A535648
#define PVCON_WRITE 1
#define PVCON_RING_SETUP 2
#define PVCON_RING_NOTIFY 3
#define LINES 8
#define BATCH 4
#define RING_BYTES 4088

struct ring { volatile uint32_t head, tail; char buf[RING_BYTES]; };
static struct ring ring __attribute__((aligned(4096)));
static unsigned hypercalls;

static unsigned format(char *out, const char *how, unsigned i) {
    static const char text[] = "pvcon: line ";
    unsigned n = 0;
    for (const char *p = text; *p; p++) out[n++] = *p;
    out[n++] = (char)('0' + i);
    out[n++] = ' ';
    for (const char *p = how; *p; p++) out[n++] = *p;
    out[n++] = '\n';
    return n;
}

int main(unsigned long hartid, unsigned long fdt) {
    (void)hartid, (void)fdt;
    console_init(false);
    struct sbiret v = sbi_call(HCALL_EXT, 0, 0, 0, 0);
    printf("pvcon: hv's hypercalls, version %ld (error %ld)\n", v.value, v.error);
    char line[64];
    for (unsigned i = 1; i <= LINES; i++) {
        unsigned n = format(line, "by write hypercall", i);
        sbi_call(HCALL_EXT, PVCON_WRITE, (long)line, n, 0);
        hypercalls++;
    }
    printf("pvcon: ring setup: %ld\n", sbi_call(HCALL_EXT, PVCON_RING_SETUP, (long)&ring, 0, 0).error);
    for (unsigned i = 1; i <= LINES; i++) {
        unsigned n = format(line, "through the ring", i);
        for (unsigned k = 0; k < n; k++) {
            ring.buf[ring.head] = line[k];
            __asm__ volatile("fence w, w");
            ring.head = (ring.head + 1) % RING_BYTES;
        }
        if (i % BATCH == 0) {
            sbi_call(HCALL_EXT, PVCON_RING_NOTIFY, 0, 0, 0);
            hypercalls++;
        }
    }
    printf("pvcon: %u lines in %u hypercalls\n", 2 * LINES, hypercalls);
    return 0;
}

void trap_handler(uint64_t scause, uint64_t sepc) {
    printf("pvcon: unexpected trap, scause 0x%lx at 0x%lx\n", scause, sepc);
    sbi_shutdown();
}
