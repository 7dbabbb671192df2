// The /init of stepvisor's Linux boot test: prints one line with the number of
// CPUs it sees, then powers the machine off. No libc: raw RISC-V Linux syscalls.
//   riscv64-linux-gnu-gcc -static -nostdlib -fno-pie -no-pie -O2 init.c -o init
typedef unsigned long u64;
typedef long s64;

enum {
    SYS_mkdirat = 34, SYS_mount = 40, SYS_openat = 56, SYS_close = 57, SYS_read = 63,
    SYS_write = 64, SYS_exit = 93, SYS_sched_getaffinity = 123, SYS_reboot = 142,
};
#define AT_FDCWD (-100)
#define O_RDONLY 0
#define O_RDWR 2

static s64 sys6(s64 n, s64 a, s64 b, s64 c, s64 d, s64 e) {
    register s64 a0 __asm__("a0") = a;
    register s64 a1 __asm__("a1") = b;
    register s64 a2 __asm__("a2") = c;
    register s64 a3 __asm__("a3") = d;
    register s64 a4 __asm__("a4") = e;
    register s64 a7 __asm__("a7") = n;
    __asm__ volatile("ecall" : "+r"(a0) : "r"(a1), "r"(a2), "r"(a3), "r"(a4), "r"(a7) : "memory");
    return a0;
}
#define SC(n, a, b, c, d, e) sys6(n, (s64)(a), (s64)(b), (s64)(c), (s64)(d), (s64)(e))

static int out = 1;

static u64 len(const char *s) { u64 n = 0; while (s[n]) n++; return n; }
static void puts_(const char *s) { SC(SYS_write, out, s, len(s), 0, 0); }
static char *utoa(u64 v, char *end) {   // writes backwards, returns the first digit
    *--end = 0;
    do { *--end = (char)('0' + v % 10); v /= 10; } while (v);
    return end;
}

void _start(void) __attribute__((noreturn, section(".text.start")));
void _start(void) {
    // The kernel opens /dev/console (a node in the initramfs) as fds 0-2. If that
    // failed, mount devtmpfs and open the console ourselves.
    if (SC(SYS_write, 1, "", 0, 0, 0) < 0) {
        SC(SYS_mkdirat, AT_FDCWD, "/dev", 0755, 0, 0);
        SC(SYS_mount, "devtmpfs", "/dev", "devtmpfs", 0, 0);
        s64 fd = SC(SYS_openat, AT_FDCWD, "/dev/console", O_RDWR, 0, 0);
        if (fd >= 0) out = (int)fd;
    }

    // CPUs this task may run on (the online ones), counted from the affinity mask.
    u64 mask[16];
    for (int i = 0; i < 16; i++) mask[i] = 0;
    s64 bytes = SC(SYS_sched_getaffinity, 0, sizeof mask, mask, 0, 0);
    u64 ncpus = 0;
    for (s64 i = 0; i < bytes / 8; i++)
        for (u64 w = mask[i]; w; w &= w - 1) ncpus++;

    // And the kernel's own list, from sysfs.
    char online[64];
    online[0] = 0;
    SC(SYS_mkdirat, AT_FDCWD, "/sys", 0555, 0, 0);
    if (SC(SYS_mount, "sysfs", "/sys", "sysfs", 0, 0) == 0) {
        s64 fd = SC(SYS_openat, AT_FDCWD, "/sys/devices/system/cpu/online", O_RDONLY, 0, 0);
        if (fd >= 0) {
            s64 n = SC(SYS_read, fd, online, sizeof online - 1, 0, 0);
            if (n < 0) n = 0;
            while (n > 0 && (online[n - 1] == '\n' || online[n - 1] == ' ')) n--;
            online[n] = 0;
            SC(SYS_close, fd, 0, 0, 0, 0);
        }
    }

    // The MMU mode the kernel settled on (it probes Sv57, Sv48, Sv39 through satp).
    char info[4096], mmu[16];
    mmu[0] = 0;
    SC(SYS_mkdirat, AT_FDCWD, "/proc", 0555, 0, 0);
    if (SC(SYS_mount, "proc", "/proc", "proc", 0, 0) == 0) {
        s64 fd = SC(SYS_openat, AT_FDCWD, "/proc/cpuinfo", O_RDONLY, 0, 0);
        if (fd >= 0) {
            s64 n = SC(SYS_read, fd, info, sizeof info - 1, 0, 0);
            info[n > 0 ? n : 0] = 0;
            SC(SYS_close, fd, 0, 0, 0, 0);
            for (s64 i = 0; info[i]; i++) {
                if (info[i] == 'm' && info[i + 1] == 'm' && info[i + 2] == 'u' && (i == 0 || info[i - 1] == '\n')) {
                    s64 j = i + 3;
                    while (info[j] == '\t' || info[j] == ' ' || info[j] == ':') j++;
                    u64 k = 0;
                    while (info[j] && info[j] != '\n' && k < sizeof mmu - 1) mmu[k++] = info[j++];
                    mmu[k] = 0;
                    break;
                }
            }
        }
    }

    char buf[24];
    puts_("stepvisor: hello from /init, ");
    puts_(utoa(ncpus, buf + sizeof buf));
    puts_(ncpus == 1 ? " CPU" : " CPUs");
    if (online[0]) { puts_(" (online: "); puts_(online); puts_(")"); }
    if (mmu[0]) { puts_(", mmu "); puts_(mmu); }
    puts_("\nstepvisor: powering off\n");

    // reboot(LINUX_REBOOT_MAGIC1, LINUX_REBOOT_MAGIC2, LINUX_REBOOT_CMD_POWER_OFF, 0)
    s64 r = SC(SYS_reboot, 0xfee1deadL, 672274793L, 0x4321fedcL, 0, 0);
    puts_("stepvisor: reboot(POWER_OFF) returned ");
    puts_(r < 0 ? utoa((u64)-r, buf + sizeof buf) : utoa((u64)r, buf + sizeof buf));
    puts_(r < 0 ? " (errno)\n" : "\n");
    for (;;) SC(SYS_exit, 1, 0, 0, 0, 0);   // init exiting: the kernel panics
}
