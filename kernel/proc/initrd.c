/*
 * initrd.c: read the initrd's file table.
 *
 * GRUB loads the image anywhere in low physical memory and records it in
 * the multiboot2 information (mbinfo.mods, the module whose command line
 * is "initrd").  The frame allocator keeps those frames out of its pool,
 * so the bytes stay put and the kernel reads them through P2V.  Nothing
 * in the image is trusted: every offset, size and name is checked here,
 * once, and the checked table is all the rest of the kernel sees.
 */
#include "proc/initrd.h"

#include <stdbool.h>

#include "kprintf.h"
#include "kstring.h"
#include "multiboot.h"
#include "arch/x86_64/memlayout.h"

#define INITRD_MAGIC "WISPINIT"
#define INITRD_VERSION 1
#define INITRD_HDR 16               /* magic, version, count */
#define INITRD_ENTRY (INITRD_NAME_MAX + 8)   /* name, offset, size */

static struct initrd_file files[INITRD_FILES_MAX];
static int nfiles;

/* le32: the little-endian u32 at p (p need not be aligned). */
static uint32_t le32(const uint8_t *p)
{
    return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}

/* name_ok: the field holds 1..INITRD_NAME_MAX-1 printable characters
 * other than '/' and space, then NULs only. */
static bool name_ok(const uint8_t *f)
{
    int n = 0;
    for (; n < INITRD_NAME_MAX && f[n]; n++)
        if (f[n] <= 0x20 || f[n] > 0x7e || f[n] == '/')
            return false;
    for (int i = n; i < INITRD_NAME_MAX; i++)
        if (f[i])
            return false;
    return n > 0 && n < INITRD_NAME_MAX;
}

/*
 * parse: check the image img[0, len) and fill files[].  Returns NULL, or
 * what is wrong (files[] is then left empty).
 */
static const char *parse(const uint8_t *img, uint64_t len)
{
    if (len < INITRD_HDR || memcmp(img, INITRD_MAGIC, 8) != 0)
        return "no WISPINIT magic";
    if (le32(img + 8) != INITRD_VERSION)
        return "unknown version";
    uint32_t n = le32(img + 12);
    if (n > INITRD_FILES_MAX)
        return "too many files (INITRD_FILES_MAX)";
    if (INITRD_HDR + (uint64_t)n * INITRD_ENTRY > len)
        return "file table runs past the end";
    for (uint32_t i = 0; i < n; i++) {
        const uint8_t *e = img + INITRD_HDR + i * INITRD_ENTRY;
        uint64_t off = le32(e + INITRD_NAME_MAX);
        uint64_t size = le32(e + INITRD_NAME_MAX + 4);
        if (!name_ok(e))
            return "a bad file name";
        if (off > len || size > len - off)
            return "a file runs past the end";
        memcpy(files[i].name, e, INITRD_NAME_MAX);
        files[i].data = img + off;
        files[i].size = (uint32_t)size;
        for (uint32_t j = 0; j < i; j++)
            if (strcmp(files[j].name, files[i].name) == 0)
                return "a file name appears twice";
        nfiles = (int)i + 1;
    }
    return NULL;
}

/* initrd_init: see initrd.h.  Needs mb_parse. */
void initrd_init(void)
{
    for (int i = 0; i < mbinfo.nmods; i++) {
        const struct mb_module *m = &mbinfo.mods[i];
        if (strcmp(m->cmdline, "initrd") != 0)
            continue;
        if (m->end > KMAP_SIZE || m->end < m->start) {
            kprintf("initrd: module at 0x%lx is not addressable\n", m->start);
            return;
        }
        const char *err = parse(P2V(m->start), m->end - m->start);
        if (err) {
            nfiles = 0;
            kprintf("initrd: ignored: %s\n", err);
        }
        return;
    }
    kprintf("initrd: none (no GRUB module named initrd)\n");
}

int initrd_count(void)
{
    return nfiles;
}

/* initrd_get: file i, 0 <= i < initrd_count(). */
const struct initrd_file *initrd_get(int i)
{
    return i >= 0 && i < nfiles ? &files[i] : NULL;
}

/* initrd_find: see initrd.h. */
const struct initrd_file *initrd_find(const char *name)
{
    size_t n = strlen(name);
    for (int i = 0; i < nfiles; i++) {
        const char *f = files[i].name;
        if (strcmp(f, name) == 0 ||
            (strncmp(f, name, n) == 0 && strcmp(f + n, ".wasm") == 0))
            return &files[i];
    }
    return NULL;
}
