/*
 * multiboot.h: what the boot loader told us, copied out of the multiboot2
 * information structure into plain C structs at boot (so later code need
 * not care where GRUB put the original or whether it is still mapped).
 */
#ifndef WISP_MULTIBOOT_H
#define WISP_MULTIBOOT_H

#include <stdint.h>

#include "param.h"

#define MB2_BOOT_MAGIC 0x36d76289u   /* EAX at entry from a multiboot2 loader */

/* Memory-map region types, as the multiboot2 specification numbers them. */
#define MB_MEM_AVAILABLE 1
#define MB_MEM_RESERVED 2
#define MB_MEM_ACPI 3        /* ACPI tables, reusable once read */
#define MB_MEM_NVS 4         /* must be preserved across sleep */
#define MB_MEM_BAD 5

/* One physical memory region [base, base + len). */
struct mb_region {
    uint64_t base, len;
    uint32_t type;
};

/* One boot module (GRUB `module2`): physical [start, end). */
struct mb_module {
    uint64_t start, end;
    char cmdline[MB_CMDLINE_MAX];
};

struct mb_info {
    char cmdline[MB_CMDLINE_MAX];      /* the kernel's command line */
    char loader[64];                   /* the boot loader's name */
    struct mb_region mmap[MB_MMAP_MAX];
    int nmmap;
    int mmap_dropped;                  /* regions beyond MB_MMAP_MAX */
    struct mb_module mods[MB_MODS_MAX];
    int nmods;
    int mods_dropped;                  /* modules beyond MB_MODS_MAX */
    uint64_t info_pa, info_len;        /* where GRUB's original block lies */
    int efi;                           /* booted by UEFI firmware (an EFI
                                          system table tag): no VGA text */
};

extern struct mb_info mbinfo;

const char *mb_parse(uint32_t magic, uint64_t info_pa);
uint64_t mb_usable_bytes(void);
const char *mb_type_name(uint32_t type);

#endif
