/* args_env.c: command-line arguments and the environment (wisp-run test). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern char **environ;

static int cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
    char *env[256];
    int n = 0;
    printf("argc=%d\n", argc - 1);          /* argv[0] differs by design */
    for (int i = 1; i < argc; i++)
        printf("argv[%d]=[%s] len %zu\n", i, argv[i], strlen(argv[i]));
    for (char **e = environ; *e && n < 256; e++)
        env[n++] = *e;
    qsort(env, (size_t)n, sizeof env[0], cmp);
    printf("environ has %d entries\n", n);
    for (int i = 0; i < n; i++)
        printf("env %s\n", env[i]);
    printf("getenv(WISP_A)=%s\n", getenv("WISP_A") ? getenv("WISP_A") : "(null)");
    printf("getenv(MISSING)=%s\n", getenv("MISSING") ? "set" : "(null)");
    return 0;
}
