/* exit_code.c: exit statuses: exit(N) from a nested call, return from
 * main, and atexit handlers running (wisp-run test). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void bye(void)
{
    printf("atexit handler ran\n");
}

static void leave(int code)
{
    printf("leaving with %d\n", code);
    exit(code);
}

int main(int argc, char **argv)
{
    atexit(bye);
    if (argc < 3)
        return 1;
    if (strcmp(argv[1], "exit") == 0)
        leave(atoi(argv[2]));
    printf("returning %d\n", atoi(argv[2]));
    return atoi(argv[2]);
}
