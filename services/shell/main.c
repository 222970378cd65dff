/*
 * main.c: Wisp's command shell, an ordinary Wasm program (shell.h lists
 * its files and its handles).
 *
 * It reads lines from stdin and prints with stdio: the kernel's WASI
 * layer turns fd 0/1/2 into calls to the console service, and files into
 * calls to the file service (proto.h), so the shell is plain wasi-libc C
 * plus a few of Wisp's own host calls (wisp.h) for processes and IPC.
 *
 * `help` lists the commands; a line that names no command runs the
 * program of that name from the initrd.
 */
#include <errno.h>
#include <string.h>

#include "shell.h"

FILE *sh_out;

/*
 * sh_read: reads one line from stdin into buf (cap bytes), without its
 * '\n'.  Returns 1 for a line; 0 for one that was too long or held a
 * NUL byte (all of it read, an error printed); -1 at the end of input
 * (Ctrl-D) or on a read error, with nothing pending.
 */
static int sh_read(char *buf, size_t cap)
{
    size_t n = 0, seen = 0;
    int c, nul = 0;
    while ((c = getchar()) != EOF && c != '\n') {
        if (n + 1 < cap)
            buf[n++] = (char)c;
        nul |= c == 0;
        seen++;
    }
    buf[n] = '\0';
    if (c == EOF && seen == 0)
        return -1;
    if (seen >= cap)
        printf("shell: line too long (%zu bytes; at most %zu)\n", seen,
               cap - 1);
    else if (nul)
        puts("shell: a NUL byte in the line; ignored");
    return seen < cap && !nul;
}

/* sh_line: runs one typed line: nothing for an empty one, one line of
 * error for a malformed one; the jobs that have ended are forgotten
 * first, so their handles are free for the line's program. */
static void sh_line(const char *line)
{
    static struct sh_cmdline cl;
    const char *err = sh_split(line, &cl);
    if (err) {
        printf("shell: %s\n", err);
        return;
    }
    if (cl.argc == 0)
        return;
    sh_reap();
    sh_dispatch(&cl);
}

int main(void)
{
    char line[SH_LINE_MAX];
    sh_out = stdout;
    sh_jobs_init();
    puts("Wisp shell: help lists the commands");
    for (;;) {
        fputs("$ ", stdout);
        fflush(stdout);
        int r = sh_read(line, sizeof line);
        if (r > 0)
            sh_line(line);
        else if (r < 0 && ferror(stdin)) {
            printf("shell: cannot read the console: %s\n", strerror(errno));
            return 1;
        } else if (r < 0) {
            clearerr(stdin);                /* Ctrl-D: a fresh prompt */
            putchar('\n');
        }
    }
}
