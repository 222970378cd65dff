/*
 * overflow: INT_MIN / -1, the one signed division with no result.
 * Expected: "trap: integer overflow in func N (divide)".
 */
#include <limits.h>
#include <stdio.h>

/* divide: a / b with i32.div_s. */
__attribute__((noinline)) static int divide(int a, int b)
{
    volatile int x = a, y = b;
    return x / y;
}

int main(void)
{
    printf("overflow: INT_MIN / -1\n");
    fflush(stdout);
    printf("result %d\n", divide(INT_MIN, -1));
    return 0;
}
