/* paging: a guest kernel with its own Sv39 page tables and U-mode tasks.
 * The kernel maps its 2 MiB of RAM with 4 KiB pages (three levels, so a
 * translation under hv is a full Sv39-over-Sv39x4 walk); each task has its
 * own address space (root table and ASID) in which only its code page is
 * mapped at first. A task touches its data pages; each first touch is a
 * page fault the kernel handles itself (it maps a fresh page and retries),
 * then it reads them all again. The kernel prints its counts. */
#include "guest.h"

#define RAM 0x80000000ul
#define POOL 0x80100000ul          /* pages for tables and tasks */
#define POOL_END 0x80200000ul
#define USER_CODE_VA 0x40000000ul
#define USER_DATA_VA 0x40100000ul
#define TASKS 2
#define PTE_V 1ul
#define PTE_R 2ul
#define PTE_W 4ul
#define PTE_X 8ul
#define PTE_U 16ul
#define PTE_G 32ul
#define PTE_A 64ul
#define PTE_D 128ul
#define SSTATUS_SPP (1ul << 8)
#define SSTATUS_SUM (1ul << 18)

static const unsigned task_pages[TASKS] = {16, 8};
static uint64_t pool_next = POOL;
static uint64_t *roots[TASKS];
static unsigned current;
static volatile unsigned faults[TASKS], mapped[TASKS], finished;
uint64_t saved_sp;

extern char user_code[];
void run_user(uint64_t pages, uint64_t base);
void back_to_s(void);
/* The task's code, in its own page (mapped U|R|X at USER_CODE_VA): touch a0
 * pages from a1 on (store, then load), then read 64 words of each again;
 * ecall when done. Position-independent: it runs at a different address. */
__asm__(".section .text.user, \"ax\"\n"
        ".balign 4096\n"
        ".globl user_code\n"
        "user_code:\n"
        "  mv t2, a0\n  mv t3, a1\n"
        "1: sd t2, 0(t3)\n  ld t0, 0(t3)\n  li t1, 4096\n  add t3, t3, t1\n  addi t2, t2, -1\n  bnez t2, 1b\n"
        "  mv t2, a0\n  mv t3, a1\n"
        "2: li t4, 64\n  mv t5, t3\n"
        "3: ld t0, 0(t5)\n  addi t5, t5, 64\n  addi t4, t4, -1\n  bnez t4, 3b\n"
        "  li t1, 4096\n  add t3, t3, t1\n  addi t2, t2, -1\n  bnez t2, 2b\n"
        "  ecall\n"
        "4: j 4b\n"
        ".balign 4096\n"
        ".text\n"
        ".globl run_user\n"
        "run_user:\n"                          /* (pages, base): sret to the task's code */
        "  la t0, saved_sp\n  sd sp, 0(t0)\n"
        "  li t0, 0x100\n  csrc sstatus, t0\n"
        "  li t0, 0x40000000\n  csrw sepc, t0\n"
        "  sret\n"
        ".globl back_to_s\n"
        "back_to_s:\n"
        "  la t0, saved_sp\n  ld sp, 0(t0)\n  ret\n");

static uint64_t *alloc_page(void) {
    if (pool_next >= POOL_END) return 0;
    uint64_t *p = (uint64_t *)pool_next;
    pool_next += 4096;
    for (unsigned i = 0; i < 512; i++) p[i] = 0;
    return p;
}

static uint64_t pte(uint64_t pa, uint64_t flags) { return pa >> 12 << 10 | flags; }
static uint64_t *next_table(uint64_t *table, unsigned idx) {
    if (!(table[idx] & PTE_V)) table[idx] = pte((uint64_t)alloc_page(), PTE_V);
    return (uint64_t *)(table[idx] >> 10 << 12);
}
static void map(uint64_t *root, uint64_t va, uint64_t pa, uint64_t flags) {
    uint64_t *l1 = next_table(root, (va >> 30) & 511);
    uint64_t *l0 = next_table(l1, (va >> 21) & 511);
    l0[(va >> 12) & 511] = pte(pa, flags | PTE_V | PTE_A | PTE_D);
}

void trap_handler(uint64_t scause, uint64_t sepc) {
    (void)sepc;
    if (scause == 13 || scause == 15) {        /* its task's page fault: a fresh page there */
        uint64_t va;
        __asm__ volatile("csrr %0, stval" : "=r"(va));
        uint64_t *page = alloc_page();
        if (!page || va < USER_DATA_VA) {
            printf("paging: task %u: fault at 0x%lx it may not have\n", current, va);
            sbi_shutdown();
        }
        map(roots[current], va & ~4095ul, (uint64_t)page, PTE_R | PTE_W | PTE_U);
        faults[current]++;
        mapped[current]++;
        __asm__ volatile("sfence.vma %0" :: "r"(va) : "memory");
        return;                                  /* the access is tried again */
    }
    if (scause == 8) {                           /* the task is done: back to the kernel */
        finished++;
        __asm__ volatile("csrs sstatus, %0" :: "r"(SSTATUS_SPP));
        __asm__ volatile("csrw sepc, %0" :: "r"(back_to_s));
        return;
    }
    printf("paging: unexpected trap, scause 0x%lx at 0x%lx\n", scause, sepc);
    sbi_shutdown();
}

int main(unsigned long hartid, unsigned long fdt) {
    (void)hartid, (void)fdt;
    console_init(false);
    __asm__ volatile("csrw stvec, %0" :: "r"(trap_entry));
    /* The kernel's half, the same in every address space: its RAM, 4 KiB pages. */
    uint64_t *kernel_l1 = alloc_page();
    uint64_t *kernel_l0 = alloc_page();
    kernel_l1[0] = pte((uint64_t)kernel_l0, PTE_V);
    for (unsigned i = 0; i < 512; i++) kernel_l0[i] = pte(RAM + 4096ul * i, PTE_V | PTE_R | PTE_W | PTE_X | PTE_G | PTE_A | PTE_D);
    for (unsigned t = 0; t < TASKS; t++) {
        roots[t] = alloc_page();
        roots[t][2] = pte((uint64_t)kernel_l1, PTE_V);   /* 0x8000_0000.. */
        map(roots[t], USER_CODE_VA, (uint64_t)user_code, PTE_R | PTE_X | PTE_U);
    }
    printf("paging: Sv39 on, kernel RAM in 4 KiB pages; %d tasks, each in its own address space\n", TASKS);
    for (unsigned t = 0; t < TASKS; t++) {
        current = t;
        __asm__ volatile("csrw satp, %0\n sfence.vma" :: "r"(8ul << 60 | (uint64_t)(t + 1) << 44 | (uint64_t)roots[t] >> 12)
                         : "memory");
        register uint64_t a0 __asm__("a0") = task_pages[t];
        register uint64_t a1 __asm__("a1") = USER_DATA_VA;
        __asm__ volatile("call run_user" : "+r"(a0), "+r"(a1) :: "ra", "t0", "t1", "t2", "t3", "t4", "t5", "t6", "a2",
                         "a3", "a4", "a5", "a6", "a7", "memory");
        printf("paging: task %u (ASID %u) touched %u pages: %u page faults handled, %u pages mapped\n", t, t + 1,
               task_pages[t], faults[t], mapped[t]);
    }
    __asm__ volatile("csrw satp, zero\n sfence.vma" ::: "memory");
    printf("paging: %u tasks done\n", finished);
    return 0;
}
