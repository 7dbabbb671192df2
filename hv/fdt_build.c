#include "fdt_build.h"
#include "hart.h"
#include "lib.h"
#include "riscv.h"
#include "vm.h"
#include "vuart.h"
#include "aia.h"

#define FDT_MAGIC      0xd00dfeed
#define FDT_BEGIN_NODE 1
#define FDT_END_NODE   2
#define FDT_PROP       3
#define FDT_END        9

/* The blob is built in two parts, then joined: the structure block and the
 * strings block (property names, each once). */
static struct {
    uint8_t st[4096];
    char str[512];
    unsigned st_len, str_len;
    bool overflow;
} b;

static void put_be32(uint8_t *p, uint32_t v) {
    p[0] = (uint8_t)(v >> 24), p[1] = (uint8_t)(v >> 16), p[2] = (uint8_t)(v >> 8), p[3] = (uint8_t)v;
}

static void st_u32(uint32_t v) {
    if (b.st_len + 4 > sizeof b.st) { b.overflow = true; return; }
    put_be32(b.st + b.st_len, v);
    b.st_len += 4;
}

static void st_bytes(const void *data, unsigned n) {
    if (b.st_len + ALIGN_UP(n, 4) > sizeof b.st) { b.overflow = true; return; }
    memcpy(b.st + b.st_len, data, n);
    memset(b.st + b.st_len + n, 0, ALIGN_UP(n, 4) - n);
    b.st_len += (unsigned)ALIGN_UP(n, 4);
}

static uint32_t string_offset(const char *name) {
    for (unsigned off = 0; off < b.str_len; off += (unsigned)strlen(b.str + off) + 1)
        if (strcmp(b.str + off, name) == 0) return off;
    unsigned n = (unsigned)strlen(name) + 1, off = b.str_len;
    if (off + n > sizeof b.str) { b.overflow = true; return 0; }
    memcpy(b.str + off, name, n);
    b.str_len += n;
    return off;
}

static void begin_node(const char *name) {
    st_u32(FDT_BEGIN_NODE);
    st_bytes(name, (unsigned)strlen(name) + 1);
}
static void end_node(void) { st_u32(FDT_END_NODE); }

static void prop(const char *name, const void *val, unsigned len) {
    st_u32(FDT_PROP);
    st_u32(len);
    st_u32(string_offset(name));
    st_bytes(val, len);
}
static void prop_str(const char *name, const char *s) { prop(name, s, (unsigned)strlen(s) + 1); }
static void prop_empty(const char *name) { prop(name, 0, 0); }
static void prop_u32(const char *name, uint32_t v) {
    uint8_t c[4];
    put_be32(c, v);
    prop(name, c, 4);
}
/* <addr-hi addr-lo size-hi size-lo>, for #address-cells = #size-cells = 2 */
static void prop_reg64(const char *name, uint64_t addr, uint64_t size) {
    uint8_t c[16];
    put_be32(c, (uint32_t)(addr >> 32)), put_be32(c + 4, (uint32_t)addr);
    put_be32(c + 8, (uint32_t)(size >> 32)), put_be32(c + 12, (uint32_t)size);
    prop(name, c, 16);
}

static void name_at(char *out, const char *base, uint64_t unit) {
    unsigned n = (unsigned)strlen(base);
    memcpy(out, base, n);
    out[n++] = '@';
    char tmp[17];
    unsigned k = 0;
    do tmp[k++] = "0123456789abcdef"[unit & 15], unit >>= 4; while (unit);
    while (k) out[n++] = tmp[--k];
    out[n] = 0;
}

#define PLIC_PHANDLE 0x100   /* the cpus' interrupt controllers are 1.. */
#define IMSIC_PHANDLE 0x101

uint64_t fdt_build_for_vm(struct vm *vm) {
    memset(&b, 0, sizeof b);
    char name[32];

    begin_node("");
    prop_u32("#address-cells", 2);
    prop_u32("#size-cells", 2);
    prop_str("compatible", "stepvisor,hv-vm");
    prop_str("model", "stepvisor hv virtual machine");

    begin_node("chosen");
    prop_str("stdout-path", "/soc/serial@10000000");
    end_node();

    name_at(name, "memory", vm->mem.ram_gpa);
    begin_node(name);
    prop_str("device_type", "memory");
    prop_reg64("reg", vm->mem.ram_gpa, vm->mem.ram_size);
    end_node();

    begin_node("cpus");
    prop_u32("#address-cells", 1);
    prop_u32("#size-cells", 0);
    prop_u32("timebase-frequency", (uint32_t)hart_timebase_hz());
    for (unsigned i = 0; i < vm->nr_vcpus; i++) {
        name_at(name, "cpu", i);
        begin_node(name);
        prop_str("device_type", "cpu");
        prop_u32("reg", i);
        prop_str("status", "okay");
        prop_str("compatible", "riscv");
        prop_str("riscv,isa", "rv64imafdc");
        prop_str("mmu-type", "riscv,sv39");
        begin_node("interrupt-controller");
        prop_u32("#interrupt-cells", 1);
        prop_empty("interrupt-controller");
        prop_str("compatible", "riscv,cpu-intc");
        prop_u32("phandle", 1 + i);
        end_node();
        end_node();
    }
    end_node();

    begin_node("soc");
    prop_u32("#address-cells", 2);
    prop_u32("#size-cells", 2);
    prop_str("compatible", "simple-bus");
    prop_empty("ranges");
    /* The vPLIC (vplic.h), wired as QEMU virt's: per vCPU an M context
     * (11, unused: a guest has no M-mode) and an S context (9), so the S
     * context of vCPU h is 2h+1. */
    name_at(name, "plic", VPLIC_GPA);
    begin_node(name);
    prop("compatible", "sifive,plic-1.0.0\0riscv,plic0", 30);
    prop_reg64("reg", VPLIC_GPA, VPLIC_SIZE);
    prop_u32("#interrupt-cells", 1);
    prop_u32("#address-cells", 0);
    prop_empty("interrupt-controller");
    prop_u32("riscv,ndev", VPLIC_NDEV);
    prop_u32("phandle", PLIC_PHANDLE);
    uint8_t ext[VM_MAX_VCPUS * 16];
    for (unsigned i = 0; i < vm->nr_vcpus; i++) {
        put_be32(ext + 16 * i, 1 + i), put_be32(ext + 16 * i + 4, 11);
        put_be32(ext + 16 * i + 8, 1 + i), put_be32(ext + 16 * i + 12, 9);
    }
    prop("interrupts-extended", ext, 16 * vm->nr_vcpus);
    end_node();

    if (vm->irq.aia) {
        /* Its IMSIC (aia.h), as QEMU virt's S-level one with one page per
         * vCPU, each the guest interrupt file hv gives that vCPU. hv's
         * emulated devices send their PLIC source number as the identity. */
        name_at(name, "imsics", AIA_GUEST_IMSIC_GPA);
        begin_node(name);
        prop_str("compatible", "riscv,imsics");
        prop_reg64("reg", AIA_GUEST_IMSIC_GPA, (uint64_t)vm->nr_vcpus * PAGE_SIZE);
        prop_u32("riscv,num-ids", 255);
        prop_u32("#interrupt-cells", 0);
        prop_empty("interrupt-controller");
        prop_empty("msi-controller");
        prop_u32("phandle", IMSIC_PHANDLE);
        for (unsigned i = 0; i < vm->nr_vcpus; i++)
            put_be32(ext + 8 * i, 1 + i), put_be32(ext + 8 * i + 4, 9);
        prop("interrupts-extended", ext, 8 * vm->nr_vcpus);
        end_node();
    }

    name_at(name, "serial", VUART_GPA);
    begin_node(name);
    prop_str("compatible", "ns16550a");
    prop_reg64("reg", VUART_GPA, VUART_SIZE);
    prop_u32("clock-frequency", 3686400);   /* as QEMU virt's */
    prop_u32("interrupt-parent", PLIC_PHANDLE);
    prop_u32("interrupts", VUART_IRQ);
    end_node();
    end_node();

    end_node();
    st_u32(FDT_END);
    if (b.overflow) return 0;

    /* header (40 bytes), an empty memory reservation map, structure, strings */
    uint32_t off_rsv = 40, off_st = off_rsv + 16, off_str = off_st + b.st_len;
    uint32_t total = (uint32_t)ALIGN_UP(off_str + b.str_len, 8);
    /* At the top of the VM's RAM, 2 MiB aligned as QEMU places it when
     * there is room (a kernel relocating itself to the top keeps clear),
     * else in the last pages. */
    uint64_t end = vm->mem.ram_gpa + vm->mem.ram_size;
    uint64_t gpa = vm->mem.ram_size >= 16 * 1024 * 1024 ? (end - total) & ~(2ull * 1024 * 1024 - 1)
                                                   : (end - total) & ~(PAGE_SIZE - 1);
    uint8_t *p = vm_gpa_to_host(vm, gpa, total);
    if (!p) return 0;
    memset(p, 0, total);
    put_be32(p + 0, FDT_MAGIC);
    put_be32(p + 4, total);
    put_be32(p + 8, off_st);
    put_be32(p + 12, off_str);
    put_be32(p + 16, off_rsv);
    put_be32(p + 20, 17);   /* version */
    put_be32(p + 24, 16);   /* last compatible version */
    put_be32(p + 28, 0);    /* boot CPU */
    put_be32(p + 32, b.str_len);
    put_be32(p + 36, b.st_len);
    memcpy(p + off_st, b.st, b.st_len);
    memcpy(p + off_str, b.str, b.str_len);
    return gpa;
}
