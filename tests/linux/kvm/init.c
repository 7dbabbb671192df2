// The /init of the KVM host's initramfs: mounts /dev (for /dev/kvm), /proc and
// /sys, runs each line of /commands (a program and its arguments, split at
// spaces; '#' starts a comment) and reports how it ended, then powers off.
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static void run(char *line, unsigned *ok, unsigned *failed) {
    char *argv[32];
    int argc = 0;
    for (char *tok = strtok(line, " \t\n"); tok && argc < 31; tok = strtok(NULL, " \t\n")) argv[argc++] = tok;
    argv[argc] = NULL;
    if (argc == 0 || argv[0][0] == '#') return;
    printf("kvm-host: $");
    for (int i = 0; i < argc; i++) printf(" %s", argv[i]);
    printf("\n");
    pid_t pid = fork();
    if (pid == 0) {
        execv(argv[0], argv);
        fprintf(stderr, "kvm-host: %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    int status = 0;
    if (pid < 0 || waitpid(pid, &status, 0) < 0) {
        printf("kvm-host: could not run %s: %s\n", argv[0], strerror(errno));
        ++*failed;
    } else if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
        printf("kvm-host: %s exited with 0\n", argv[0]);
        ++*ok;
    } else {
        if (WIFEXITED(status)) printf("kvm-host: %s exited with %d\n", argv[0], WEXITSTATUS(status));
        else printf("kvm-host: %s was killed by signal %d\n", argv[0], WTERMSIG(status));
        ++*failed;
    }
}

int main(void) {
    setvbuf(stdout, NULL, _IONBF, 0);
    mkdir("/dev", 0755);
    mount("devtmpfs", "/dev", "devtmpfs", 0, NULL);
    mkdir("/proc", 0555);
    mount("proc", "/proc", "proc", 0, NULL);
    mkdir("/sys", 0555);
    mount("sysfs", "/sys", "sysfs", 0, NULL);
    printf("kvm-host: /init on %ld CPU(s), /dev/kvm %s\n", sysconf(_SC_NPROCESSORS_ONLN),
           access("/dev/kvm", R_OK | W_OK) == 0 ? "present" : "missing");

    unsigned ok = 0, failed = 0;
    FILE *f = fopen("/commands", "r");
    if (!f) {
        printf("kvm-host: /commands: %s\n", strerror(errno));
        failed++;
    } else {
        char line[1024];
        while (fgets(line, sizeof line, f)) run(line, &ok, &failed);
        fclose(f);
    }
    printf("kvm-host: %u command(s) succeeded, %u failed; powering off\n", ok, failed);
    sync();
    reboot(RB_POWER_OFF);
    return 1;
}
