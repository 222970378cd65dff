/* printf.c: integers, floats and strings through printf (wisp-run test). */
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

int main(void)
{
    long long big = LLONG_MAX;
    double third = 1.0 / 3.0;
    float f = 3.14159265f;
    printf("hello, world\n");
    printf("ints: %d %i %u %x %X %o %5d|%-5d|%05d\n", 42, -17, 4000000000u,
           0xdead, 0xbeef, 8, 7, 7, 7);
    printf("longs: %lld %llu %lld\n", big, (unsigned long long)-1, LLONG_MIN);
    printf("limits: %d %d %u\n", INT_MIN, INT_MAX, UINT_MAX);
    printf("fixed: %.0f %.3f %f %10.4f|\n", 2.5, third, -1e-7, 12.34567);
    printf("exp: %e %.10e %E\n", 6.02214076e23, third, 1e-300);
    printf("general: %g %g %g %g %.17g\n", 100000.0, 1e6, 1e-5, 0.0001, 0.1);
    printf("float: %.9g %a\n", (double)f, 1.0);
    printf("special: %f %f %f %g\n", INFINITY, -INFINITY, -0.0, sqrt(2.0));
    printf("nan: %d %d\n", isnan(NAN), isnan(sqrt(-1.0)));
    printf("strings: [%s] [%10s] [%-10s] [%.3s] %c%c\n", "abc", "right",
           "left", "truncate", 'o', 'k');
    printf("size: %zu %zu\n", strlen("twelve chars"), sizeof(int32_t));
    printf("percent: 100%%\n");
    for (int i = 0; i < 5; i++)
        printf("%d squared is %d, root %.6f\n", i, i * i, sqrt((double)i));
    return 0;
}
