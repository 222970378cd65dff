/*
 * badptr: hands fd_write an iovec array outside its linear memory.  The
 * kernel checks every pointer and ends the program.
 * Expected: "trap: bad host-call pointer in func N (__wasi_fd_write)":
 * the trap names the function that made the host call, wasi-libc's
 * wrapper of the import.
 */
#include <stdio.h>
#include <wasi/api.h>

/* write_bad: fd_write(1, iovs = 0xfffffff0, 1, &n). */
__attribute__((noinline)) static int write_bad(void)
{
    __wasi_size_t n;
    return __wasi_fd_write(1, (const __wasi_ciovec_t *)0xfffffff0u, 1, &n);
}

int main(void)
{
    printf("badptr: passing a bad pointer to fd_write\n");
    fflush(stdout);
    printf("fd_write returned %d\n", write_bad());
    return 0;
}
