#include "hart.h"
#include "console.h"
#include "riscv.h"
#include "sbi.h"

extern char hv_trap_vector[];
long hv_try_read_vstimecmp(void);   /* trap.S */

static struct pcpu pcpus[HV_MAX_HARTS];
_Static_assert(__builtin_offsetof(struct pcpu, fault_recover) == PCPU_FAULT_RECOVER, "trap.S layout");
static unsigned vmid_bits;
static bool sstc;
static uint64_t timebase_hz = 10000000;   /* QEMU virt's, until the device tree says */
static volatile uint32_t big_lock;

void hv_lock(void) {
    while (__atomic_exchange_n(&big_lock, 1, __ATOMIC_ACQUIRE))
        while (__atomic_load_n(&big_lock, __ATOMIC_RELAXED)) {}
}

void hv_unlock(void) { __atomic_store_n(&big_lock, 0, __ATOMIC_RELEASE); }

void hart_init(unsigned hartid) {
    struct pcpu *p = &pcpus[hartid];
    p->hartid = hartid;
    p->timer_programmed = UINT64_MAX;
    __asm__ volatile("mv tp, %0" :: "r"(p));
    csr_write(stvec, (uint64_t)hv_trap_vector);
    csr_write(sscratch, 0);   /* 0: "trapped from hv itself" (see trap.S) */

    /* Exceptions a guest OS handles itself, taken straight to VS-mode
     * without a VM exit: what its own U-mode does, its own page faults,
     * and instruction faults it would get on bare hardware too. */
    csr_write(hedeleg, 1u << EXC_INST_MISALIGNED | 1u << EXC_ILLEGAL_INST |
                       1u << EXC_BREAKPOINT | 1u << EXC_LOAD_MISALIGNED |
                       1u << EXC_STORE_MISALIGNED | 1u << EXC_ECALL_U |
                       1u << EXC_INST_PAGE_FAULT | 1u << EXC_LOAD_PAGE_FAULT |
                       1u << EXC_STORE_PAGE_FAULT);
    /* VS-level interrupts, once hv injects them through hvip, go to the guest. */
    csr_write(hideleg, MIP_VSSIP | MIP_VSTIP | MIP_VSEIP);
    csr_write(hvip, 0);
    /* Guests may read cycle, time and instret without exiting
     * (mcounteren must allow them too; OpenSBI sets it to all ones). */
    csr_write(hcounteren, COUNTEREN_CY | COUNTEREN_TM | COUNTEREN_IR);

    /* Sstc: henvcfg.STCE can be set only when the firmware set menvcfg.STCE.
     * With it, a guest's SBI set_timer (or its own write of stimecmp) lands
     * in vstimecmp and the hart raises VSTIP itself; without it hv keeps the
     * deadline and injects hvip.VSTIP (sched.c). */
    csr_set(CSR_HENVCFG, HENVCFG_STCE);
    sstc = (csr_read(CSR_HENVCFG) & HENVCFG_STCE) != 0;
    /* QEMU 7.2 lets STCE stick on harts without Sstc: the CSR must exist too. */
    if (sstc && hv_try_read_vstimecmp() != 0) sstc = false;
    if (!sstc) csr_clear(CSR_HENVCFG, HENVCFG_STCE);

    /* VMIDLEN: write ones to hgatp.VMID (with MODE=Bare, always supported)
     * and see which stick. */
    csr_write(hgatp, HGATP_VMID_MASK);
    uint64_t vmid = (csr_read(hgatp) & HGATP_VMID_MASK) >> HGATP_VMID_SHIFT;
    csr_write(hgatp, 0);
    unsigned bits = 0;
    for (; vmid & 1; vmid >>= 1) bits++;
    vmid_bits = bits;

    /* hv takes its timer and other harts' kicks, and polls rather than
     * traps: SIE stays 0 (a guest runs with them enabled regardless). */
    csr_clear(sstatus, SSTATUS_SIE);
    csr_write(sie, MIP_STIP | MIP_SSIP);
}

struct pcpu *pcpu_of(unsigned hartid) { return &pcpus[hartid]; }
unsigned hart_id(void) { return this_pcpu()->hartid; }
unsigned hart_vmid_bits(void) { return vmid_bits; }
bool hart_has_sstc(void) { return sstc; }
uint64_t hart_timebase_hz(void) { return timebase_hz; }
void hart_set_timebase_hz(uint64_t hz) { timebase_hz = hz; }
struct vcpu *hart_loaded_vcpu(void) { return this_pcpu()->loaded; }
void hart_set_loaded_vcpu(struct vcpu *v) { this_pcpu()->loaded = v; }
struct vcpu *hart_fp_owner(void) { return this_pcpu()->fp_owner; }
void hart_set_fp_owner(struct vcpu *v) { this_pcpu()->fp_owner = v; }

void hart_kick(unsigned hartid) {
    if (hartid != hart_id()) sbi_send_ipi(1ul << hartid, 0);
}

void hart_kick_idle(void) {
    uint64_t mask = 0;
    for (unsigned i = 0; i < HV_MAX_HARTS; i++)
        if (pcpus[i].online && pcpus[i].idle && i != hart_id()) mask |= 1ul << i;
    if (mask) sbi_send_ipi(mask, 0);
}
