/*
 * modcache.c: one compiled module per initrd file, shared by every
 * process running that program.
 *
 * Compiling is most of what a spawn costs, and the compiled module most
 * of what a process holds; a module is read-only once loaded (instances
 * keep a const pointer to it and have their own functions, memories,
 * tables and globals), so all processes running hello.wasm can share
 * one.  A reference count frees it when the last of them ends, so a
 * program not running holds nothing.  Modules are allocated from their
 * own runtime, not a process's: they outlive any one process.
 */
#include "proc/modcache.h"

#include "mm/kmalloc.h"

struct mc_ent {
    const struct initrd_file *file;     /* NULL: free entry */
    wasm_module *mod;
    int refs;
    size_t bytes;                       /* heap bytes of the module */
};

static struct mc_ent cache[INITRD_FILES_MAX];
static wasm_runtime mc_rt;
static size_t mc_loading;               /* net bytes of the load under way */

static void *mc_alloc(void *ctx, size_t bytes)
{
    (void)ctx;
    void *b = kzalloc(bytes ? bytes : 1);
    mc_loading += b ? bytes : 0;
    return b;
}

/* mc_free: also during a load (the loader's scratch blocks), so
 * mc_loading ends as the bytes the module keeps. */
static void mc_free(void *ctx, void *block, size_t bytes)
{
    (void)ctx;
    kfree(block);
    mc_loading -= block ? bytes : 0;
}

/* Modules own no linear memory (instances do). */
static void *mc_resize(void *ctx, void *old, size_t ob, size_t nb)
{
    (void)ctx, (void)old, (void)ob, (void)nb;
    return NULL;
}

/* modcache_init: the modules' runtime, with the process limits. */
void modcache_init(void)
{
    wasm_runtime_init(&mc_rt, (wasm_allocator){ mc_alloc, mc_free,
                                                mc_resize, NULL });
    mc_rt.max_memory_pages = PROC_MEM_MAX_PAGES;
    mc_rt.max_table_elems = PROC_TABLE_MAX;
}

/*
 * modcache_get: f's compiled module, loading it on first use; one more
 * reference.  *bytes = its heap bytes.  NULL (and *err filled) when the
 * file is not a valid module or memory ran out.
 */
wasm_module *modcache_get(const struct initrd_file *f, size_t *bytes,
                          wasm_error *err)
{
    struct mc_ent *free_ent = NULL;
    for (int i = 0; i < INITRD_FILES_MAX; i++) {
        if (cache[i].file == f) {
            cache[i].refs++;
            *bytes = cache[i].bytes;
            return cache[i].mod;
        }
        if (!cache[i].file && !free_ent)
            free_ent = &cache[i];
    }
    mc_loading = 0;
    wasm_module *m = wasm_module_load(&mc_rt, f->data, f->size, err);
    if (!m)
        return NULL;
    *free_ent = (struct mc_ent){ f, m, 1, mc_loading };
    *bytes = mc_loading;
    return m;
}

/* modcache_put: drop one reference to m (from modcache_get); the last
 * one frees it. */
void modcache_put(wasm_module *m)
{
    for (int i = 0; i < INITRD_FILES_MAX; i++) {
        if (cache[i].mod == m && cache[i].file && --cache[i].refs == 0) {
            wasm_module_free(m);
            cache[i] = (struct mc_ent){ 0 };
        }
    }
}
