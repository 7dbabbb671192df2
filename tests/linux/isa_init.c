// The /init of the ISA report boot (tests/integration/linux_isa_test.py): prints
// /proc/cpuinfo line by line and, when the kernel has perf events, what a
// hardware counter counts of a loop of 2000 instructions in U-mode
// (exclude_kernel), counting alone and sampling every 500 (overflow
// interrupts: /proc/interrupts' riscv-pmu line), then powers off. Not part of the kernels' cache key: the
// test builds its own initramfs around it.
//   riscv64-linux-gnu-gcc -static -O2 isa_init.c -o isa_init
#include <errno.h>
#include <linux/perf_event.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static void print_cpuinfo(void) {
    mkdir("/proc", 0555);
    if (mount("proc", "/proc", "proc", 0, NULL) != 0) {
        printf("isa-init: mount /proc: %s\n", strerror(errno));
        return;
    }
    FILE* f = fopen("/proc/cpuinfo", "r");
    if (!f) {
        printf("isa-init: /proc/cpuinfo: %s\n", strerror(errno));
        return;
    }
    char line[512];
    while (fgets(line, sizeof line, f)) printf("cpuinfo: %s", line);
    fclose(f);
}

// The PMU's overflow interrupt line of /proc/interrupts ("riscv-pmu"), if any.
static void print_pmu_irqs(void) {
    FILE* f = fopen("/proc/interrupts", "r");
    char line[512];
    while (f && fgets(line, sizeof line, f))
        if (strstr(line, "riscv-pmu")) printf("perf: interrupts: %s", line);
    if (f) fclose(f);
}

static void count_loop(unsigned long period) {
    struct perf_event_attr a;
    memset(&a, 0, sizeof a);
    a.type = PERF_TYPE_HARDWARE;
    a.size = sizeof a;
    a.config = PERF_COUNT_HW_INSTRUCTIONS;
    a.sample_period = period;  // 0: counting only; else an overflow interrupt every `period`
    a.disabled = 1;
    a.exclude_kernel = 1;
    a.exclude_hv = 1;
    long fd = syscall(SYS_perf_event_open, &a, 0, -1, -1, 0);
    if (fd < 0) {
        printf("perf: perf_event_open: %s\n", strerror(errno));
        return;
    }
    ioctl(fd, PERF_EVENT_IOC_RESET, 0);
    ioctl(fd, PERF_EVENT_IOC_ENABLE, 0);
    // 1000 iterations of addi + bnez.
    __asm__ volatile("li t0, 1000\n1: addi t0, t0, -1\nbnez t0, 1b" ::: "t0");
    ioctl(fd, PERF_EVENT_IOC_DISABLE, 0);
    uint64_t n = 0;
    if (read(fd, &n, sizeof n) != sizeof n) printf("perf: read: %s\n", strerror(errno));
    else printf("perf: %llu instructions in U-mode around a loop of 2000 (sample period %lu)\n",
                (unsigned long long)n, period);
    close(fd);
}

int main(void) {
    print_cpuinfo();
    count_loop(0);
    count_loop(500);
    print_pmu_irqs();
    printf("isa-init: powering off\n");
    fflush(stdout);
    sync();
    reboot(RB_POWER_OFF);
    return 1;
}
