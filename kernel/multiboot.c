/*
 * multiboot.c: read the multiboot2 boot information.
 *
 * GRUB leaves, at the physical address it passes in EBX, a block that
 * starts with its total size and is followed by "tags", each 8-byte
 * aligned and starting with a type and a size.  A tag of type 0 ends the
 * list.  We copy out the tags Wisp uses and skip the rest.
 */
#include "multiboot.h"

#include "kstring.h"
#include "arch/x86_64/memlayout.h"

#define TAG_END 0
#define TAG_CMDLINE 1
#define TAG_LOADER 2
#define TAG_MODULE 3
#define TAG_MMAP 6
#define TAG_EFI32 11        /* EFI system table: booted by UEFI firmware */
#define TAG_EFI64 12

struct mb2_tag {
    uint32_t type, size;
};

struct mb2_tag_module {
    uint32_t type, size;
    uint32_t mod_start, mod_end;
    char cmdline[];
};

struct mb2_tag_mmap {
    uint32_t type, size;
    uint32_t entry_size, entry_version;
};

struct mb2_mmap_entry {
    uint64_t base, len;
    uint32_t type, reserved;
};

struct mb_info mbinfo;

/* mb_ptr: a pointer through which the kernel can read physical pa. */
static const void *mb_ptr(uint64_t pa)
{
    if (pa < KMAP_SIZE)
        return P2V(pa);
    return (const void *)(uintptr_t)pa;   /* the boot identity map, < 4 GiB */
}

/* read_mmap: copy the memory-map tag's entries into mbinfo.mmap. */
static void read_mmap(const struct mb2_tag_mmap *t)
{
    const uint8_t *p = (const uint8_t *)(t + 1);
    const uint8_t *end = (const uint8_t *)t + t->size;
    if (t->entry_size < sizeof(struct mb2_mmap_entry))
        return;                           /* malformed: ignore the map */
    for (; p + t->entry_size <= end; p += t->entry_size) {
        const struct mb2_mmap_entry *e = (const void *)p;
        if (mbinfo.nmmap == MB_MMAP_MAX) {
            mbinfo.mmap_dropped++;
            continue;
        }
        mbinfo.mmap[mbinfo.nmmap++] =
            (struct mb_region){ e->base, e->len, e->type };
    }
}

/* read_module: record one module tag in mbinfo.mods. */
static void read_module(const struct mb2_tag_module *t)
{
    if (mbinfo.nmods == MB_MODS_MAX) {
        mbinfo.mods_dropped++;
        return;
    }
    struct mb_module *m = &mbinfo.mods[mbinfo.nmods++];
    m->start = t->mod_start;
    m->end = t->mod_end;
    strlcpy(m->cmdline, t->cmdline, sizeof m->cmdline);
}

/* read_tag: dispatch one tag to the code that copies it. */
static void read_tag(const struct mb2_tag *t)
{
    switch (t->type) {
    case TAG_CMDLINE:
        strlcpy(mbinfo.cmdline, (const char *)(t + 1), sizeof mbinfo.cmdline);
        break;
    case TAG_LOADER:
        strlcpy(mbinfo.loader, (const char *)(t + 1), sizeof mbinfo.loader);
        break;
    case TAG_MODULE:
        read_module((const struct mb2_tag_module *)t);
        break;
    case TAG_MMAP:
        read_mmap((const struct mb2_tag_mmap *)t);
        break;
    case TAG_EFI32:
    case TAG_EFI64:
        mbinfo.efi = 1;
        break;
    }
}

/*
 * mb_parse: check that a multiboot2 loader started us (magic) and copy
 * the information at physical info_pa into mbinfo.  Returns NULL on
 * success, or a message saying what is wrong.
 */
const char *mb_parse(uint32_t magic, uint64_t info_pa)
{
    if (magic != MB2_BOOT_MAGIC)
        return "not started by a multiboot2 boot loader (bad magic)";
    if (info_pa == 0 || (info_pa & 7) != 0)
        return "multiboot2 information pointer is null or misaligned";
    const uint8_t *base = mb_ptr(info_pa);
    uint32_t total = *(const uint32_t *)base;
    mbinfo.info_pa = info_pa;
    mbinfo.info_len = total;
    const uint8_t *p = base + 8, *end = base + total;
    while (p + sizeof(struct mb2_tag) <= end) {
        const struct mb2_tag *t = (const void *)p;
        if (t->type == TAG_END)
            break;
        if (t->size < sizeof *t || p + t->size > end)
            return "multiboot2 information is malformed (bad tag size)";
        read_tag(t);
        p += (t->size + 7) & ~7u;
    }
    if (mbinfo.nmmap == 0)
        return "the boot loader gave no memory map";
    return NULL;
}

/* mb_usable_bytes: the total size of the available regions. */
uint64_t mb_usable_bytes(void)
{
    uint64_t sum = 0;
    for (int i = 0; i < mbinfo.nmmap; i++) {
        if (mbinfo.mmap[i].type == MB_MEM_AVAILABLE)
            sum += mbinfo.mmap[i].len;
    }
    return sum;
}

/* mb_type_name: a short name for a memory-map region type. */
const char *mb_type_name(uint32_t type)
{
    switch (type) {
    case MB_MEM_AVAILABLE: return "available";
    case MB_MEM_RESERVED: return "reserved";
    case MB_MEM_ACPI: return "ACPI reclaimable";
    case MB_MEM_NVS: return "ACPI NVS";
    case MB_MEM_BAD: return "bad RAM";
    default: return "unknown";
    }
}
