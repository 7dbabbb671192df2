#include "irq.h"
#include "aplic.h"
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
static unsigned irq_hart;             /* with an APLIC: the hart whose S-level file takes them */

static volatile uint32_t *reg(uint64_t a) { return (volatile uint32_t *)a; }

/* With an APLIC, the source's MSIs go to this hart's S-level file with
 * the source's number as identity; else this hart's S context of the PLIC
 * takes it. */
static bool take(unsigned host_irq) {
    if (aplic_present()) {
        if (!aplic_claim_source(host_irq)) return false;
        irq_hart = hart_id();
        hv_file_enable(host_irq);
        aplic_target(host_irq, irq_hart, 0, host_irq);
    } else {
        context = 2 * hart_id() + 1;
        *reg(PLIC_PRIORITY(host_irq)) = 1;
        *reg(PLIC_THRESHOLD(context)) = 0;
        *reg(PLIC_ENABLE(context)) |= 1u << host_irq;
    }
    csr_set(sie, MIP_SEIP);
    return true;
}

/* Done with host_irq: the PLIC's complete, or the APLIC's pending bit set
 * again while its wire is high (an MSI-mode level source pends on a
 * rising edge only). */
static void complete(unsigned host_irq) {
    if (aplic_present()) aplic_rearm(host_irq);
    else *reg(PLIC_CLAIM(context)) = host_irq;
}

void irq_own(unsigned host_irq, void (*handler)(void)) {
    if (nr_routes == MAX_ROUTES || !host_irq || host_irq >= 32) return;
    if (take(host_irq)) routes[nr_routes++] = (struct route){host_irq, 0, 0, handler};
}

void irq_route(unsigned host_irq, struct vm *vm, unsigned guest_irq) {
    if (nr_routes == MAX_ROUTES || !host_irq || host_irq >= 32 || !guest_irq || guest_irq >= VPLIC_SOURCES) return;
    if (!take(host_irq)) return;
    routes[nr_routes++] = (struct route){host_irq, guest_irq, vm, 0};
    kprintf("hv: %s: the machine's interrupt %u goes to its PLIC source %u%s\n", vm->label, host_irq, guest_irq,
            aplic_present() ? " (an MSI into hv's own interrupt file, then hvip.VSEIP)" : "");
}

static unsigned next_claim(void) {
    return aplic_present() ? hv_file_claim() : *reg(PLIC_CLAIM(context));
}

void irq_handle(void) {
    uint32_t id;
    while ((id = next_claim()) != 0) {
        struct route *r = 0;
        for (unsigned i = 0; i < nr_routes; i++)
            if (routes[i].host == id) r = &routes[i];
        if (r && r->own) {   /* hv's own device: handled, then completed */
            r->own();
            complete(id);
            continue;
        }
        if (!r || r->vm->stopped) {
            if (!aplic_present()) complete(id);   /* nobody's: at once (an APLIC's waits for an edge) */
            continue;
        }
        /* Completed at the machine only when the guest completes it; an
         * APLIC source is held (pending, not sent) until then, as a PLIC
         * gateway holds a claimed one. */
        if (aplic_present()) aplic_mask(id);
        r->vm->irq.forwarded++;
        vplic_set_level(r->vm, r->guest, true);
    }
}

void irq_retake(unsigned host_irq, unsigned hart) {
    if (aplic_present()) aplic_retarget(host_irq, hart, 0, host_irq);
}

void irq_hart_init(void) {
    if (!aplic_present()) return;
    for (unsigned i = 0; i < nr_routes; i++)
        if (routes[i].vm) hv_file_enable(routes[i].host);
    if (nr_routes) csr_set(sie, MIP_SEIP);
}

void irq_guest_completed(struct vm *vm, unsigned guest_irq) {
    for (unsigned i = 0; i < nr_routes; i++)
        if (routes[i].vm && routes[i].vm == vm && routes[i].guest == guest_irq) {
            vplic_set_level(vm, guest_irq, false);   /* the device raises it anew if it still wants */
            complete(routes[i].host);
        }
}
