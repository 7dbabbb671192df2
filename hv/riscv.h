/* RISC-V privileged-architecture names used by hv: CSR accessors, bit
 * positions and cause codes, spelled as in the privileged spec (v1.12,
 * chapter 8 for the H extension). */
#pragma once
#include <stdint.h>

/* The compiler is told rv64imac (hv never uses FP registers by accident);
 * the H extension's CSRs and instructions are enabled only inside these
 * asm blocks, because gcc 12 does not accept 'h' in -march. */
#define H_ASM(body) ".option push\n.option arch, +h\n" body "\n.option pop"

/* csr: a name the assembler knows, or a CSR_* number (expanded first). */
#define csr_read(csr) csr_read_(csr)
#define csr_write(csr, val) csr_write_(csr, val)
#define csr_set(csr, bits) csr_set_(csr, bits)
#define csr_clear(csr, bits) csr_clear_(csr, bits)
#define csr_swap(csr, val) csr_swap_(csr, val)
#define csr_read_(csr) ({ uint64_t v_; \
    __asm__ volatile(H_ASM("csrr %0, " #csr) : "=r"(v_)); v_; })
#define csr_write_(csr, val) \
    __asm__ volatile(H_ASM("csrw " #csr ", %0") :: "rK"((uint64_t)(val)) : "memory")
#define csr_set_(csr, bits) \
    __asm__ volatile(H_ASM("csrs " #csr ", %0") :: "rK"((uint64_t)(bits)) : "memory")
#define csr_clear_(csr, bits) \
    __asm__ volatile(H_ASM("csrc " #csr ", %0") :: "rK"((uint64_t)(bits)) : "memory")
#define csr_swap_(csr, val) ({ uint64_t v_; \
    __asm__ volatile(H_ASM("csrrw %0, " #csr ", %z1") : "=r"(v_) : "rJ"((uint64_t)(val)) : "memory"); v_; })

static inline void hfence_gvma_all(void) {
    __asm__ volatile(H_ASM("hfence.gvma zero, zero") ::: "memory");
}
static inline void hfence_vvma_all(void) {
    __asm__ volatile(H_ASM("hfence.vvma zero, zero") ::: "memory");
}
static inline void wfi(void) { __asm__ volatile("wfi" ::: "memory"); }
static inline uint64_t read_time(void) { return csr_read(time); }
static inline uint64_t read_cycle(void) { return csr_read(cycle); }

/* sstatus */
#define SSTATUS_SIE   (1ull << 1)
#define SSTATUS_SPIE  (1ull << 5)
#define SSTATUS_SPP   (1ull << 8)
#define SSTATUS_FS    (3ull << 13)
#define SSTATUS_FS_OFF     (0ull << 13)
#define SSTATUS_FS_INITIAL (1ull << 13)
#define SSTATUS_FS_CLEAN   (2ull << 13)
#define SSTATUS_FS_DIRTY   (3ull << 13)

/* hstatus */
#define HSTATUS_GVA   (1ull << 6)
#define HSTATUS_SPV   (1ull << 7)
#define HSTATUS_SPVP  (1ull << 8)
#define HSTATUS_HU    (1ull << 9)
#define HSTATUS_VTVM  (1ull << 20)
#define HSTATUS_VTW   (1ull << 21)
#define HSTATUS_VTSR  (1ull << 22)
#define HSTATUS_VGEIN_SHIFT 12
#define HSTATUS_VGEIN (0x3full << HSTATUS_VGEIN_SHIFT)

/* sip/sie and hip/hie/hvip/hideleg bit numbers */
#define IRQ_S_SOFT    1
#define IRQ_VS_SOFT   2
#define IRQ_S_TIMER   5
#define IRQ_VS_TIMER  6
#define IRQ_S_EXT     9
#define IRQ_VS_EXT    10
#define IRQ_S_GEXT    12
#define MIP_SSIP      (1ull << IRQ_S_SOFT)
#define MIP_SEIP      (1ull << IRQ_S_EXT)
#define MIP_STIP      (1ull << IRQ_S_TIMER)
#define MIP_VSSIP     (1ull << IRQ_VS_SOFT)
#define MIP_VSTIP     (1ull << IRQ_VS_TIMER)
#define MIP_VSEIP     (1ull << IRQ_VS_EXT)
#define MIP_SGEIP     (1ull << IRQ_S_GEXT)

/* hgatp */
#define HGATP_MODE_SV39X4  (8ull << 60)
#define HGATP_VMID_SHIFT   44
#define HGATP_VMID_MASK    (0x3fffull << HGATP_VMID_SHIFT)

/* hcounteren / scounteren */
/* Sstc's CSRs and the enable bit, by number: the assembler knows them only
 * with Sstc in -march. */
#define CSR_VSTIMECMP 0x24d
#define CSR_HENVCFG   0x60a
#define HENVCFG_STCE  (1ull << 63)
/* Smaia/Ssaia's CSRs, by number for the same reason; hie/hip hold SGEIE/SGEIP. */
#define CSR_SISELECT  0x150
#define CSR_SIREG     0x151
#define CSR_STOPEI    0x15c
#define CSR_VSISELECT 0x250
#define CSR_VSIREG    0x251
#define CSR_HIE       0x604
#define CSR_HGEIE     0x607
#define CSR_HIP       0x644
#define CSR_HGEIP     0xe12
/* hstateen0 (Smstateen): what VS-mode may reach of the AIA's state. */
#define HSTATEEN0_IMSIC  (1ull << 58)
#define HSTATEEN0_AIA    (1ull << 59)
#define HSTATEEN0_CSRIND (1ull << 60)
/* Indirect registers of an interrupt file (*iselect values). */
#define ISELECT_EIDELIVERY  0x70
#define ISELECT_EITHRESHOLD 0x72
#define ISELECT_EIP0        0x80   /* eip0, eip2, ...: 64 identities each on RV64 */
#define ISELECT_EIE0        0xc0

#define COUNTEREN_CY  (1u << 0)
#define COUNTEREN_TM  (1u << 1)
#define COUNTEREN_IR  (1u << 2)

/* scause: the interrupt bit, and exception codes */
#define CAUSE_INTERRUPT            (1ull << 63)
#define EXC_INST_MISALIGNED        0
#define EXC_INST_ACCESS            1
#define EXC_ILLEGAL_INST           2
#define EXC_BREAKPOINT             3
#define EXC_LOAD_MISALIGNED        4
#define EXC_LOAD_ACCESS            5
#define EXC_STORE_MISALIGNED       6
#define EXC_STORE_ACCESS           7
#define EXC_ECALL_U                8
#define EXC_ECALL_S                9   /* from HS-mode */
#define EXC_ECALL_VS               10
#define EXC_ECALL_M                11
#define EXC_INST_PAGE_FAULT        12
#define EXC_LOAD_PAGE_FAULT        13
#define EXC_STORE_PAGE_FAULT       15
#define EXC_INST_GUEST_PAGE_FAULT  20
#define EXC_LOAD_GUEST_PAGE_FAULT  21
#define EXC_VIRTUAL_INST           22
#define EXC_STORE_GUEST_PAGE_FAULT 23

/* Page-table entry bits (Sv39 and the G-stage's Sv39x4 share them). */
#define PTE_V  (1ull << 0)
#define PTE_R  (1ull << 1)
#define PTE_W  (1ull << 2)
#define PTE_X  (1ull << 3)
#define PTE_U  (1ull << 4)
#define PTE_G  (1ull << 5)
#define PTE_A  (1ull << 6)
#define PTE_D  (1ull << 7)
#define PTE_PPN_SHIFT 10

#define PAGE_SIZE 4096ull

#define INSN_WFI 0x10500073u
