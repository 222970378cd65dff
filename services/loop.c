/*
 * loop: spins forever without a host call; only `kill` (or Ctrl-C in the
 * foreground) ends it.
 */
#include <stdio.h>

int main(void)
{
    volatile unsigned n = 0;
    printf("loop: spinning forever\n");
    fflush(stdout);
    for (;;)
        n++;
}
