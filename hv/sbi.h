/* Calls from hv (HS-mode) down into the SBI firmware (OpenSBI or
 * firmware/sbi), and the SBI constants shared with vsbi.c. */
#pragma once
#include <stdint.h>
#include <stdbool.h>

/* Extension IDs (SBI spec v2.0). */
#define SBI_EXT_LEGACY_SET_TIMER       0x00
#define SBI_EXT_LEGACY_CONSOLE_PUTCHAR 0x01
#define SBI_EXT_LEGACY_CONSOLE_GETCHAR 0x02
#define SBI_EXT_LEGACY_SHUTDOWN        0x08
#define SBI_EXT_BASE  0x10
#define SBI_EXT_TIME  0x54494D45  /* "TIME" */
#define SBI_EXT_IPI   0x735049    /* "sPI" */
#define SBI_EXT_HSM   0x48534D    /* "HSM" */
#define SBI_EXT_RFENCE 0x52464E43 /* "RFNC" */
#define SBI_EXT_SRST  0x53525354  /* "SRST" */
#define SBI_EXT_DBCN  0x4442434E  /* "DBCN" */

#define SBI_BASE_GET_SPEC_VERSION 0
#define SBI_BASE_GET_IMPL_ID      1
#define SBI_BASE_GET_IMPL_VERSION 2
#define SBI_BASE_PROBE_EXTENSION  3
#define SBI_BASE_GET_MVENDORID    4
#define SBI_BASE_GET_MARCHID      5
#define SBI_BASE_GET_MIMPID       6

#define SBI_DBCN_WRITE      0
#define SBI_DBCN_READ       1
#define SBI_DBCN_WRITE_BYTE 2

#define SBI_SRST_TYPE_SHUTDOWN    0
#define SBI_SRST_TYPE_COLD_REBOOT 1
#define SBI_SRST_TYPE_WARM_REBOOT 2

#define SBI_HSM_STARTED  0
#define SBI_HSM_STOPPED  1
#define SBI_HSM_SUSPENDED 4

#define SBI_SUCCESS                0
#define SBI_ERR_FAILED            -1
#define SBI_ERR_NOT_SUPPORTED     -2
#define SBI_ERR_INVALID_PARAM     -3
#define SBI_ERR_DENIED            -4
#define SBI_ERR_INVALID_ADDRESS   -5
#define SBI_ERR_ALREADY_AVAILABLE -6

struct sbiret { long error; long value; };

struct sbiret sbi_ecall(long ext, long fid, long a0, long a1, long a2);

void sbi_init(void);               /* probes what the firmware offers */
void sbi_console_write(const char *s, uint64_t n);
int sbi_console_getchar(void);     /* -1 when no input waits */
void sbi_set_timer(uint64_t stime);
void sbi_shutdown(void) __attribute__((noreturn));
void sbi_send_ipi(uint64_t hart_mask, uint64_t hart_mask_base);
long sbi_hart_start(uint64_t hartid, uint64_t start_addr, uint64_t opaque);
void sbi_hart_stop(void) __attribute__((noreturn));
long sbi_firmware_impl_id(void);
long sbi_firmware_impl_version(void);
long sbi_firmware_spec_version(void);
