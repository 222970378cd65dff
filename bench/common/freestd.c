/*
 * freestd.c: the four routines a C compiler may call on its own, even in a
 * freestanding build (for struct copies and for loops it recognises as
 * copies or fills).  Only linked into the freestanding wasm32 modules, which
 * have no libc; compiled with -ffreestanding so the loops below are not
 * themselves turned back into calls to memcpy/memset.
 */
#include <stddef.h>

void *memcpy(void *restrict dst, const void *restrict src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);

/* memcpy: copy n bytes; the ranges do not overlap.  Returns dst. */
void *memcpy(void *restrict dst, const void *restrict src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;
    while (n--)
        *d++ = *s++;
    return dst;
}

/* memmove: copy n bytes; the ranges may overlap.  Returns dst. */
void *memmove(void *dst, const void *src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;
    if (d < s)
        while (n--)
            *d++ = *s++;
    else
        while (n--)
            d[n] = s[n];
    return dst;
}

/* memset: set n bytes to (unsigned char)c.  Returns dst. */
void *memset(void *dst, int c, size_t n)
{
    unsigned char *d = dst;
    while (n--)
        *d++ = (unsigned char)c;
    return dst;
}

/* memcmp: compare n bytes as unsigned.  Returns <0, 0 or >0. */
int memcmp(const void *a, const void *b, size_t n)
{
    const unsigned char *x = a, *y = b;
    for (; n; n--, x++, y++)
        if (*x != *y)
            return (int)*x - (int)*y;
    return 0;
}
