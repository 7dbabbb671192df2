/* gcc may emit calls to memcpy/memset for struct copies even with
 * -ffreestanding, so these must exist under their standard names. */
#include "lib.h"

void *memcpy(void *dst, const void *src, size_t n) {
    unsigned char *d = dst;
    const unsigned char *s = src;
    if ((((uintptr_t)d | (uintptr_t)s | n) & 7) == 0) {
        for (; n; n -= 8, d += 8, s += 8) *(uint64_t *)d = *(const uint64_t *)s;
        return dst;
    }
    while (n--) *d++ = *s++;
    return dst;
}

void *memset(void *dst, int c, size_t n) {
    unsigned char *d = dst;
    if (c == 0 && (((uintptr_t)d | n) & 7) == 0) {
        for (; n; n -= 8, d += 8) *(uint64_t *)d = 0;
        return dst;
    }
    while (n--) *d++ = (unsigned char)c;
    return dst;
}

int memcmp(const void *a, const void *b, size_t n) {
    const unsigned char *x = a, *y = b;
    for (; n; n--, x++, y++)
        if (*x != *y) return *x - *y;
    return 0;
}

size_t strlen(const char *s) {
    size_t n = 0;
    while (s[n]) n++;
    return n;
}

int strcmp(const char *a, const char *b) {
    while (*a && *a == *b) a++, b++;
    return (unsigned char)*a - (unsigned char)*b;
}
