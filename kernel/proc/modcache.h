/*
 * modcache.h: compiled modules shared by the processes running the same
 * initrd file (reference-counted).
 */
#ifndef WISP_MODCACHE_H
#define WISP_MODCACHE_H

#include <stddef.h>

#include "../interp/wasm.h"
#include "proc/initrd.h"

void modcache_init(void);
wasm_module *modcache_get(const struct initrd_file *f, size_t *bytes,
                          wasm_error *err);
void modcache_put(wasm_module *m);

#endif
