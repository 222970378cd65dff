/*
 * divzero: divides an integer by zero.
 * Expected: "trap: integer divide by zero in func N (divide)".
 */
#include <stdio.h>

/* divide: a / b with i32.div_s (volatile keeps the compiler from
 * folding the division away). */
__attribute__((noinline)) static int divide(int a, int b)
{
    volatile int x = a, y = b;
    return x / y;
}

int main(void)
{
    printf("divzero: dividing by zero\n");
    fflush(stdout);
    printf("result %d\n", divide(1, 0));
    return 0;
}
