/* cat.c: prints the files named on the command line, or standard input
 * (wisp-run test: paths given as the host spells them, under
 * --dir HOST_DIR with no guest name). */
#include <stdio.h>

static int copy(FILE *f)
{
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        fwrite(buf, 1, n, stdout);
    return ferror(f) ? 1 : 0;
}

int main(int argc, char **argv)
{
    int status = 0;
    if (argc < 2)
        return copy(stdin);
    for (int i = 1; i < argc; i++) {
        FILE *f = fopen(argv[i], "r");
        if (!f) {
            printf("cat: cannot open %s\n", argv[i]);
            status = 1;
            continue;
        }
        status |= copy(f);
        fclose(f);
    }
    return status;
}
