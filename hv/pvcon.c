/* The paravirtual console: hypercalls HCALL_PVCON_FIRST..LAST (hcall.h).
 * Instead of one trapped UART access per byte, a guest that knows it runs
 * under hv hands over many bytes per VM exit:
 *   1 PVCON_WRITE(gpa, len)       the bytes at gpa; value = bytes taken
 *   2 PVCON_RING_SETUP(gpa)       a 4 KiB ring in guest RAM (struct pvcon_ring)
 *   3 PVCON_RING_NOTIFY()         hv takes what the ring holds; value = bytes taken
 * The ring is the guest's memory: hv reads head once, copies from tail to
 * head and publishes the new tail; the guest only writes buf and head. */
#include "hcall.h"
#include "console.h"
#include "vcpu.h"
#include "vm.h"

#define PVCON_WRITE       1
#define PVCON_RING_SETUP  2
#define PVCON_RING_NOTIFY 3
#define PVCON_RING_BYTES  4088

struct pvcon_ring {
    volatile uint32_t head;   /* the guest's: next byte it writes */
    volatile uint32_t tail;   /* hv's: next byte it reads */
    char buf[PVCON_RING_BYTES];
};
_Static_assert(sizeof(struct pvcon_ring) == 4096, "one page");

static struct sbiret ring_drain(struct vm *vm) {
    struct pvcon_ring *r = vm->dev.pvcon_ring;
    if (!r) return (struct sbiret){SBI_ERR_FAILED, 0};
    uint32_t head = r->head, tail = r->tail, n = 0;
    if (head >= PVCON_RING_BYTES || tail >= PVCON_RING_BYTES) return (struct sbiret){SBI_ERR_INVALID_PARAM, 0};
    for (; tail != head; tail = (tail + 1) % PVCON_RING_BYTES, n++) guest_console_putc(&vm->console, r->buf[tail]);
    r->tail = tail;
    return (struct sbiret){SBI_SUCCESS, n};
}

struct sbiret pvcon_hcall(struct vcpu *v, long fid) {
    struct vm *vm = v->vm;
    uint64_t a0 = v->x[10], a1 = v->x[11];
    switch (fid) {
    case PVCON_WRITE: {
        const char *buf = vm_gpa_to_host(vm, a0, a1);
        if (!buf) return (struct sbiret){SBI_ERR_INVALID_ADDRESS, 0};
        for (uint64_t i = 0; i < a1; i++) guest_console_putc(&vm->console, buf[i]);
        vm->dev.pvcon_bytes += a1;
        return (struct sbiret){SBI_SUCCESS, (long)a1};
    }
    case PVCON_RING_SETUP:
        if (a0 & 4095) return (struct sbiret){SBI_ERR_INVALID_PARAM, 0};
        if (!(vm->dev.pvcon_ring = vm_gpa_to_host(vm, a0, 4096))) return (struct sbiret){SBI_ERR_INVALID_ADDRESS, 0};
        return (struct sbiret){SBI_SUCCESS, 0};
    case PVCON_RING_NOTIFY: {
        struct sbiret r = ring_drain(vm);
        if (r.error == SBI_SUCCESS) vm->dev.pvcon_bytes += (uint64_t)r.value;
        return r;
    }
    }
    return (struct sbiret){SBI_ERR_NOT_SUPPORTED, 0};
}
