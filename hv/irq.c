#include "irq.h"
#include "console.h"
#include "hart.h"
#include "riscv.h"
#include "vm.h"
#include "vplic.h"

#define PLIC 0x0c000000ul
#define PLIC_PRIORITY(s) (PLIC + 4ul * (s))
#define PLIC_ENABLE(ctx) (PLIC + 0x2000ul + 0x80ul * (ctx))
#define PLIC_THRESHOLD(ctx) (PLIC + 0x200000ul + 0x1000ul * (ctx))
#define PLIC_CLAIM(ctx) (PLIC_THRESHOLD(ctx) + 4)
#define MAX_ROUTES 8

static struct route { unsigned host, guest; struct vm *vm; void (*own)(void); } routes[MAX_ROUTES];
static unsigned nr_routes, context;   /* the S context (2 * hart + 1) that takes them */

static volatile uint32_t *reg(uint64_t a) { return (volatile uint32_t *)a; }

static void take(unsigned host_irq) {
    context = 2 * hart_id() + 1;
    *reg(PLIC_PRIORITY(host_irq)) = 1;
    *reg(PLIC_THRESHOLD(context)) = 0;
    *reg(PLIC_ENABLE(context)) |= 1u << host_irq;
    csr_set(sie, MIP_SEIP);
}

void irq_own(unsigned host_irq, void (*handler)(void)) {
    if (nr_routes == MAX_ROUTES || !host_irq || host_irq >= 32) return;
    routes[nr_routes++] = (struct route){host_irq, 0, 0, handler};
    take(host_irq);
}

void irq_route(unsigned host_irq, struct vm *vm, unsigned guest_irq) {
    if (nr_routes == MAX_ROUTES || !host_irq || host_irq >= 32 || !guest_irq || guest_irq >= VPLIC_SOURCES) return;
    routes[nr_routes++] = (struct route){host_irq, guest_irq, vm, 0};
    take(host_irq);
    kprintf("hv: %s: the machine's interrupt %u goes to its PLIC source %u\n", vm->label, host_irq, guest_irq);
}

void irq_handle(void) {
    uint32_t id;
    while ((id = *reg(PLIC_CLAIM(context))) != 0) {
        struct route *r = 0;
        for (unsigned i = 0; i < nr_routes; i++)
            if (routes[i].host == id) r = &routes[i];
        if (r && r->own) {   /* hv's own device: handled, then completed */
            r->own();
            *reg(PLIC_CLAIM(context)) = id;
            continue;
        }
        if (!r || r->vm->stopped) {
            *reg(PLIC_CLAIM(context)) = id;   /* nobody's: complete it at once */
            continue;
        }
        /* Completed at the machine's PLIC only when the guest completes it. */
        r->vm->irqs_forwarded++;
        vplic_set_level(r->vm, r->guest, true);
    }
}

void irq_guest_completed(struct vm *vm, unsigned guest_irq) {
    for (unsigned i = 0; i < nr_routes; i++)
        if (routes[i].vm && routes[i].vm == vm && routes[i].guest == guest_irq) {
            vplic_set_level(vm, guest_irq, false);   /* the device raises it anew if it still wants */
            *reg(PLIC_CLAIM(context)) = routes[i].host;
        }
}
