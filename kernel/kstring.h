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

#endif
