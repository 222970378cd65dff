/*
 * kstring.h: the few <string.h> functions the kernel needs.  There is no C
 * library in a kernel; the compiler may also emit calls to memcpy and
 * memset on its own (for struct copies), so these must exist.
 */
#ifndef WISP_KSTRING_H
#define WISP_KSTRING_H

#include <stddef.h>

void *memset(void *dst, int c, size_t n);
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
size_t strlcpy(char *dst, const char *src, size_t size);

/* The kernel is built freestanding (-ffreestanding), where the compiler
 * treats memcpy and memset as ordinary functions and calls them even for
 * a copy of 4 bytes.  Through the builtins it inlines the small copies
 * of known size (a host call's guest structs, an IPC message's header)
 * and still calls the functions above for the rest.  kstring.c, which
 * defines them, says KSTRING_IMPL first. */
#ifndef KSTRING_IMPL
#define memcpy(dst, src, n) __builtin_memcpy(dst, src, n)
#define memset(dst, c, n) __builtin_memset(dst, c, n)
#endif

#endif
