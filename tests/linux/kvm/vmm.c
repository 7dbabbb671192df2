// A minimal KVM VMM for RISC-V Linux: boots a raw bare-metal kernel (one of
// firmware/guests, linked at 0x8000_0000) in a VM with N vCPUs and gives it
// what those kernels need from a machine: RAM, a 16550 UART at 0x1000_0000
// (every register access is an MMIO exit, handled here) and the SBI calls KVM
// leaves to user space (the legacy console). KVM itself implements the rest
// of SBI (timer, IPI, RFENCE, HSM, SRST): a system-reset call ends the run.
//
//   vmm [--vcpus N] [--mem MiB] GUEST.bin
//
// At the end it prints the exits it handled and KVM's own per-vCPU counters
// (KVM_GET_STATS_FD): every guest exit, also those the kernel handled itself.
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define RAM_BASE 0x80000000ul
#define UART_BASE 0x10000000ul
#define UART_SIZE 0x100ul
#define MAX_VCPUS 8

// SBI v0.1 console calls, which KVM forwards to user space.
#define SBI_EXT_0_1_CONSOLE_PUTCHAR 0x1
#define SBI_EXT_0_1_CONSOLE_GETCHAR 0x2
#define SBI_ERR_FAILURE (-1l)
#define SBI_ERR_NOT_SUPPORTED (-2l)

// 16550 registers (DLAB=0 / DLAB=1 share offsets 0 and 1).
enum { THR = 0, IER = 1, IIR = 2, LCR = 3, MCR = 4, LSR = 5, MSR = 6, SCR = 7 };
#define LCR_DLAB 0x80
#define LSR_THRE 0x20
#define LSR_TEMT 0x40

struct vcpu {
    int id, fd;
    struct kvm_run *run;
    pthread_t thread;
    unsigned long mmio, sbi, intr;
};

static int kvm_fd, vm_fd;
static struct vcpu vcpus[MAX_VCPUS];
static unsigned nvcpus = 1;
static atomic_int stopping;
static const char *stop_reason = "";
static pthread_barrier_t started;
static pthread_mutex_t uart_lock = PTHREAD_MUTEX_INITIALIZER;
static uint8_t uart_regs[8], uart_dll, uart_dlm;

static void die(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fputs("vmm: ", stderr);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    exit(1);
}

static void set_reg(int fd, uint64_t id, unsigned long value, const char *what) {
    struct kvm_one_reg reg = {.id = id, .addr = (uintptr_t)&value};
    if (ioctl(fd, KVM_SET_ONE_REG, &reg) < 0) die("KVM_SET_ONE_REG %s: %s", what, strerror(errno));
}

static unsigned long get_reg(int fd, uint64_t id, const char *what) {
    unsigned long value = 0;
    struct kvm_one_reg reg = {.id = id, .addr = (uintptr_t)&value};
    if (ioctl(fd, KVM_GET_ONE_REG, &reg) < 0) die("KVM_GET_ONE_REG %s: %s", what, strerror(errno));
    return value;
}

#define CORE_REG(name) (KVM_REG_RISCV | KVM_REG_SIZE_U64 | KVM_REG_RISCV_CORE | KVM_REG_RISCV_CORE_REG(name))
#define CONFIG_REG(name) (KVM_REG_RISCV | KVM_REG_SIZE_U64 | KVM_REG_RISCV_CONFIG | KVM_REG_RISCV_CONFIG_REG(name))
#define TIMER_REG(name) (KVM_REG_RISCV | KVM_REG_SIZE_U64 | KVM_REG_RISCV_TIMER | KVM_REG_RISCV_TIMER_REG(name))

static void console_write(const char *s, size_t n) {
    while (n > 0) {
        ssize_t w = write(1, s, n);
        if (w <= 0) return;
        s += w, n -= (size_t)w;
    }
}

// The 16550 as the guests' drivers see it: transmitter always empty, no
// receive data, no interrupts; the other registers keep what was written.
static uint8_t uart_read(unsigned reg) {
    bool dlab = uart_regs[LCR] & LCR_DLAB;
    switch (reg) {
    case THR: return dlab ? uart_dll : 0;
    case IER: return dlab ? uart_dlm : uart_regs[IER];
    case IIR: return 0x01 | ((uart_regs[IIR] & 1) ? 0xc0 : 0);   // no interrupt pending; FIFOs
    case LSR: return LSR_THRE | LSR_TEMT;
    case MSR: return 0;
    default: return uart_regs[reg];
    }
}

static void uart_write(unsigned reg, uint8_t v) {
    bool dlab = uart_regs[LCR] & LCR_DLAB;
    if (reg == THR && dlab) uart_dll = v;
    else if (reg == THR) { char c = (char)v; console_write(&c, 1); }
    else if (reg == IER && dlab) uart_dlm = v;
    else if (reg != LSR && reg != MSR) uart_regs[reg] = v;   // IIR's offset is FCR on writes
}

static void handle_mmio(struct vcpu *v) {
    struct kvm_run *r = v->run;
    uint64_t addr = r->mmio.phys_addr;
    v->mmio++;
    if (addr < UART_BASE || addr >= UART_BASE + UART_SIZE || r->mmio.len > 8) {
        if (r->mmio.is_write) return;   // no device there: writes ignored, reads 0
        memset(r->mmio.data, 0, sizeof r->mmio.data);
        return;
    }
    unsigned reg = (unsigned)(addr - UART_BASE) & 7;
    pthread_mutex_lock(&uart_lock);
    // A wider access (c.sw/c.lw on a byte register) reaches its low byte's register.
    if (r->mmio.is_write) {
        uart_write(reg, r->mmio.data[0]);
    } else {
        memset(r->mmio.data, 0, sizeof r->mmio.data);
        r->mmio.data[0] = uart_read(reg);
    }
    pthread_mutex_unlock(&uart_lock);
}

static void handle_sbi(struct vcpu *v) {
    struct kvm_run *r = v->run;
    v->sbi++;
    switch (r->riscv_sbi.extension_id) {
    case SBI_EXT_0_1_CONSOLE_PUTCHAR: {
        char c = (char)r->riscv_sbi.args[0];
        pthread_mutex_lock(&uart_lock);
        console_write(&c, 1);
        pthread_mutex_unlock(&uart_lock);
        r->riscv_sbi.ret[0] = 0;
        break;
    }
    case SBI_EXT_0_1_CONSOLE_GETCHAR:
        r->riscv_sbi.ret[0] = SBI_ERR_FAILURE;   // no input
        break;
    default:
        r->riscv_sbi.ret[0] = SBI_ERR_NOT_SUPPORTED;
        r->riscv_sbi.ret[1] = 0;
        break;
    }
}

static void stop_all(const char *why) {
    if (atomic_exchange(&stopping, 1)) return;
    stop_reason = why;
    for (unsigned i = 0; i < nvcpus; i++) {
        vcpus[i].run->immediate_exit = 1;
        if (!pthread_equal(vcpus[i].thread, pthread_self())) pthread_kill(vcpus[i].thread, SIGUSR1);
    }
}

static void *vcpu_loop(void *arg) {
    struct vcpu *v = arg;
    pthread_barrier_wait(&started);   // every thread exists before any can stop the others
    while (!atomic_load(&stopping)) {
        if (ioctl(v->fd, KVM_RUN, 0) < 0) {
            if (errno == EINTR || errno == EAGAIN) { v->intr++; continue; }
            die("vCPU %d: KVM_RUN: %s", v->id, strerror(errno));
        }
        switch (v->run->exit_reason) {
        case KVM_EXIT_MMIO: handle_mmio(v); break;
        case KVM_EXIT_RISCV_SBI: handle_sbi(v); break;
        case KVM_EXIT_INTR: v->intr++; break;
        case KVM_EXIT_SYSTEM_EVENT:
            stop_all(v->run->system_event.type == KVM_SYSTEM_EVENT_RESET ? "system reset (reboot)"
                                                                          : "system reset (shutdown)");
            break;
        default:
            fprintf(stderr, "vmm: vCPU %d: unexpected exit reason %u at pc 0x%lx\n", v->id,
                    v->run->exit_reason, get_reg(v->fd, CORE_REG(regs.pc), "pc"));
            stop_all("an unexpected exit");
            break;
        }
    }
    return NULL;
}

// Sums KVM's per-vCPU counter NAME over all vCPUs (binary stats, KVM_GET_STATS_FD).
struct stat_sum { const char *name; uint64_t value; };

static void read_stats(int vcpu_fd, struct stat_sum *sums, unsigned nsums) {
    int fd = ioctl(vcpu_fd, KVM_GET_STATS_FD, NULL);
    if (fd < 0) return;
    struct kvm_stats_header h;
    if (pread(fd, &h, sizeof h, 0) != sizeof h) { close(fd); return; }
    size_t dsize = sizeof(struct kvm_stats_desc) + h.name_size;
    char *descs = malloc(dsize * h.num_desc);
    if (descs && pread(fd, descs, dsize * h.num_desc, h.desc_offset) == (ssize_t)(dsize * h.num_desc)) {
        for (uint32_t i = 0; i < h.num_desc; i++) {
            struct kvm_stats_desc *d = (struct kvm_stats_desc *)(descs + i * dsize);
            for (unsigned s = 0; s < nsums; s++) {
                if (strcmp(d->name, sums[s].name) != 0) continue;
                uint64_t value = 0;
                if (pread(fd, &value, sizeof value, h.data_offset + d->offset) == sizeof value)
                    sums[s].value += value;
            }
        }
    }
    free(descs);
    close(fd);
}

static void on_signal(int sig) { (void)sig; }

static unsigned long parse_number(const char *s, const char *what, unsigned long lo, unsigned long hi) {
    char *end;
    errno = 0;
    unsigned long v = strtoul(s, &end, 0);
    if (errno || *end || end == s || v < lo || v > hi)
        die("%s must be a number from %lu to %lu, not '%s'", what, lo, hi, s);
    return v;
}

int main(int argc, char **argv) {
    unsigned long mem_mib = 16;
    const char *image = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--vcpus") && i + 1 < argc) nvcpus = (unsigned)parse_number(argv[++i], "--vcpus", 1, MAX_VCPUS);
        else if (!strcmp(argv[i], "--mem") && i + 1 < argc) mem_mib = parse_number(argv[++i], "--mem", 1, 1024);
        else if (argv[i][0] == '-' || image) die("usage: vmm [--vcpus N] [--mem MiB] GUEST.bin");
        else image = argv[i];
    }
    if (!image) die("usage: vmm [--vcpus N] [--mem MiB] GUEST.bin");
    setvbuf(stdout, NULL, _IONBF, 0);

    kvm_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
    if (kvm_fd < 0) die("/dev/kvm: %s", strerror(errno));
    int api = ioctl(kvm_fd, KVM_GET_API_VERSION, 0);
    if (api != KVM_API_VERSION) die("KVM API version %d, expected %d", api, KVM_API_VERSION);
    vm_fd = ioctl(kvm_fd, KVM_CREATE_VM, 0);
    if (vm_fd < 0) die("KVM_CREATE_VM: %s", strerror(errno));

    // Guest RAM: one memory slot at the guest's load address, the image at its start.
    size_t ram_size = mem_mib << 20;
    uint8_t *ram = mmap(NULL, ram_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (ram == MAP_FAILED) die("%lu MiB of guest RAM: %s", mem_mib, strerror(errno));
    int img = open(image, O_RDONLY);
    struct stat st;
    if (img < 0 || fstat(img, &st) < 0) die("%s: %s", image, strerror(errno));
    if ((size_t)st.st_size > ram_size) die("%s: %ld bytes do not fit in %lu MiB", image, (long)st.st_size, mem_mib);
    for (off_t got = 0; got < st.st_size;) {
        ssize_t n = read(img, ram + got, (size_t)(st.st_size - got));
        if (n <= 0) die("%s: short read", image);
        got += n;
    }
    close(img);
    struct kvm_userspace_memory_region slot = {
        .slot = 0, .guest_phys_addr = RAM_BASE, .memory_size = ram_size, .userspace_addr = (uintptr_t)ram};
    if (ioctl(vm_fd, KVM_SET_USER_MEMORY_REGION, &slot) < 0) die("KVM_SET_USER_MEMORY_REGION: %s", strerror(errno));

    int run_size = ioctl(kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
    if (run_size <= 0) die("KVM_GET_VCPU_MMAP_SIZE: %s", strerror(errno));
    for (unsigned i = 0; i < nvcpus; i++) {
        struct vcpu *v = &vcpus[i];
        v->id = (int)i;
        v->fd = ioctl(vm_fd, KVM_CREATE_VCPU, i);
        if (v->fd < 0) die("KVM_CREATE_VCPU %u: %s", i, strerror(errno));
        v->run = mmap(NULL, (size_t)run_size, PROT_READ | PROT_WRITE, MAP_SHARED, v->fd, 0);
        if (v->run == MAP_FAILED) die("mmap of vCPU %u's kvm_run: %s", i, strerror(errno));
        // KVM keeps vCPUs other than 0 stopped until the guest starts them (SBI HSM).
        struct kvm_mp_state mp;
        if (ioctl(v->fd, KVM_GET_MP_STATE, &mp) < 0) die("KVM_GET_MP_STATE: %s", strerror(errno));
        if (mp.mp_state == KVM_MP_STATE_STOPPED) continue;
        set_reg(v->fd, CORE_REG(regs.pc), RAM_BASE, "pc");
        set_reg(v->fd, CORE_REG(regs.a0), i, "a0");
        set_reg(v->fd, CORE_REG(regs.a1), 0, "a1");   // no device tree
    }
    unsigned long isa = get_reg(vcpus[0].fd, CONFIG_REG(isa), "config.isa");
    unsigned long timebase = get_reg(vcpus[0].fd, TIMER_REG(frequency), "timer.frequency");
    char letters[27] = {0};
    for (int b = 0, n = 0; b < 26; b++)
        if (isa & (1ul << b)) letters[n++] = (char)('a' + b);
    printf("vmm: %s in a VM with %u vCPU(s), %lu MiB at 0x%lx, ISA %s, timebase %lu Hz\n", image, nvcpus,
           mem_mib, RAM_BASE, letters, timebase);

    struct sigaction sa = {.sa_handler = on_signal};
    sigaction(SIGUSR1, &sa, NULL);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    pthread_barrier_init(&started, NULL, nvcpus);
    for (unsigned i = 0; i < nvcpus; i++)
        if (pthread_create(&vcpus[i].thread, NULL, vcpu_loop, &vcpus[i])) die("pthread_create failed");
    for (unsigned i = 0; i < nvcpus; i++) pthread_join(vcpus[i].thread, NULL);
    clock_gettime(CLOCK_MONOTONIC, &t1);

    unsigned long mmio = 0, sbi = 0;
    for (unsigned i = 0; i < nvcpus; i++) mmio += vcpus[i].mmio, sbi += vcpus[i].sbi;
    struct stat_sum sums[] = {{"exits", 0}, {"ecall_exit_stat", 0}, {"mmio_exit_user", 0}, {"mmio_exit_kernel", 0},
                              {"wfi_exit_stat", 0}, {"csr_exit_user", 0}, {"signal_exits", 0}};
    unsigned nsums = sizeof sums / sizeof sums[0];
    for (unsigned i = 0; i < nvcpus; i++) read_stats(vcpus[i].fd, sums, nsums);
    double ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
    printf("vmm: the guest ended by %s after %.1f ms; exits to the VMM: %lu MMIO, %lu SBI\n", stop_reason, ms,
           mmio, sbi);
    printf("vmm: KVM counted");
    for (unsigned s = 0; s < nsums; s++) printf("%s %s %lu", s ? "," : "", sums[s].name, (unsigned long)sums[s].value);
    printf("\n");
    return strcmp(stop_reason, "an unexpected exit") == 0;
}
