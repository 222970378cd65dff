/*
 * oob: stores ever further past its data until it leaves linear memory.
 * Expected: "trap: out of bounds memory access in func N (write_loop)".
 */
#include <stdint.h>
#include <stdio.h>

/* write_loop: stores a byte every 64 KiB from p on, forever. */
__attribute__((noinline)) static void write_loop(volatile uint8_t *p)
{
    for (;;) {
        *p = 1;
        p += 65536;
    }
}

int main(void)
{
    static uint8_t start;
    printf("oob: writing past the end of linear memory\n");
    fflush(stdout);
    write_loop(&start);
    return 0;
}
