/*
 * kstring.c: string and memory functions.  The string functions are
 * byte-at-a-time, simple rather than fast; memset and memcpy, which IPC
 * and the engine lean on, move 8 bytes at a time.
 */
#define KSTRING_IMPL                    /* the functions, not the builtins */
#include "kstring.h"

#include <stdint.h>

/*
 * memset: fill n bytes at dst with (unsigned char)c; returns dst.
 * memcpy: copy n bytes; the areas must not overlap.  Returns dst.
 *
 * Both move 8 bytes per step with `rep stosq` / `rep movsq`, then the
 * last n % 8 bytes one at a time.  Every IPC message, host-call struct
 * and Wasm memory.copy goes through them, so their cost is in every
 * round trip (a byte loop made a 0-word IPC round trip cost thousands of
 * guest instructions).  The direction flag is clear: the System V ABI
 * guarantees it at every call and the kernel never sets it.
 */
void *memset(void *dst, int c, size_t n)
{
    void *d = dst;
    size_t q = n / 8, r = n % 8;
    uint64_t v = (unsigned char)c * 0x0101010101010101ull;
    __asm__ volatile("rep stosq" : "+D"(d), "+c"(q) : "a"(v) : "memory");
    __asm__ volatile("rep stosb" : "+D"(d), "+c"(r) : "a"(v) : "memory");
    return dst;
}

void *memcpy(void *dst, const void *src, size_t n)
{
    void *d = dst;
    size_t q = n / 8, r = n % 8;
    __asm__ volatile("rep movsq" : "+D"(d), "+S"(src), "+c"(q) : : "memory");
    __asm__ volatile("rep movsb" : "+D"(d), "+S"(src), "+c"(r) : : "memory");
    return dst;
}

/* memmove: copy n bytes; the areas may overlap.  Returns dst. */
void *memmove(void *dst, const void *src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;
    if (d < s) {
        memcpy(d, s, n);        /* forward copying is safe when d < s */
    } else {
        while (n--)
            d[n] = s[n];
    }
    return dst;
}

/* memcmp: <0, 0 or >0 as the first differing byte of a is below, equal
 * or above b's. */
int memcmp(const void *a, const void *b, size_t n)
{
    const unsigned char *x = a, *y = b;
    for (; n--; x++, y++) {
        if (*x != *y)
            return *x - *y;
    }
    return 0;
}

/* strlen: the number of bytes before the NUL. */
size_t strlen(const char *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    return n;
}

/* strcmp: compare NUL-terminated strings as unsigned bytes. */
int strcmp(const char *a, const char *b)
{
    return strncmp(a, b, (size_t)-1);
}

/* strncmp: compare at most n bytes of two strings. */
int strncmp(const char *a, const char *b, size_t n)
{
    for (; n > 0; n--, a++, b++) {
        if (*a != *b || *a == '\0')
            return (unsigned char)*a - (unsigned char)*b;
    }
    return 0;
}

/*
 * strlcpy: copy src into dst (size bytes), always NUL-terminated when
 * size > 0, truncating if needed.  Returns strlen(src), so a result >=
 * size means the copy was truncated.
 */
size_t strlcpy(char *dst, const char *src, size_t size)
{
    size_t n = strlen(src);
    if (size > 0) {
        size_t k = n < size - 1 ? n : size - 1;
        memcpy(dst, src, k);
        dst[k] = '\0';
    }
    return n;
}
