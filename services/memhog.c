/*
 * memhog: grows linear memory one 64 KiB page at a time until
 * memory.grow returns -1 (the per-process limit), reports how far it
 * got, and exits 0.
 */
#include <stdio.h>

int main(void)
{
    size_t start = __builtin_wasm_memory_size(0);
    size_t pages = start;
    while (__builtin_wasm_memory_grow(0, 1) != (size_t)-1)
        pages++;
    printf("memhog: memory.grow returned -1 at %zu pages (%zu KiB); "
           "started with %zu\n", pages, pages * 64, start);
    return 0;
}
