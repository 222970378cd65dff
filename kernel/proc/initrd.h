/*
 * initrd.h: the initial RAM disk, a GRUB module named "initrd" holding
 * the .wasm programs (format: services/mkinitrd.py, spec/process.md).
 */
#ifndef WISP_INITRD_H
#define WISP_INITRD_H

#include <stddef.h>
#include <stdint.h>

#include "param.h"

/* One file of the initrd: its bytes stay where GRUB loaded them. */
struct initrd_file {
    char name[INITRD_NAME_MAX];
    const uint8_t *data;
    uint32_t size;
};

/* initrd_init: find and check the module; on any problem print one line
 * saying what is wrong and leave the initrd empty. */
void initrd_init(void);
int initrd_count(void);
const struct initrd_file *initrd_get(int i);
/* initrd_find: the file called name, or name + ".wasm"; NULL if none. */
const struct initrd_file *initrd_find(const char *name);

#endif
