/*
 * host_main.c: build/host/ipc-script, the IPC test service on the host.
 *
 *     ipc-script FILE...      (- = standard input)
 *
 * Runs the scripts of each file (a container of scripts, script.h)
 * through the IPC layer linked from build/host/libipc.a and prints their
 * traces on standard output, in the format spec/ipc.md gives and the
 * model (spec/ipc/script.py) prints.  Exit status 0 if every script ran,
 * 1 if one failed (the error lines say why), 2 for a usage or file error.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipc/ipc.h"
#include "ipc/test/script.h"
#include "kernel/labtodo.h"

/* The IPC layer's allocator on the host: zeroed memory from the C heap. */
void *ipc_alloc(size_t bytes)
{
    return calloc(1, bytes ? bytes : 1);
}

void ipc_free(void *block)
{
    free(block);
}

/*
 * lab_todo_say: a lab hole of the core is still its stub
 * (kernel/labtodo.h).  The line goes to standard error, so the traces on
 * standard output stay the model's format; the harness reports it.
 */
void lab_todo_say(int lab, const char *name)
{
    fprintf(stderr, "LAB-TODO: lab %d: %s is not written yet\n", lab, name);
}

/* out_line: the sink: one line on standard output. */
static void out_line(void *arg, const char *text)
{
    (void)arg;
    fputs(text, stdout);
    putchar('\n');
}

/*
 * slurp: the whole of f in a malloc'ed buffer (*len bytes); NULL if it
 * cannot be read or memory runs out.
 */
static char *slurp(FILE *f, size_t *len)
{
    size_t cap = 65536, n = 0;
    char *buf = malloc(cap);
    while (buf) {
        n += fread(buf + n, 1, cap - n, f);
        if (n < cap)
            break;
        char *bigger = realloc(buf, cap * 2);
        if (!bigger)
            free(buf);
        buf = bigger;
        cap *= 2;
    }
    if (buf && ferror(f)) {
        free(buf);
        buf = NULL;
    }
    *len = n;
    return buf;
}

/* run_file: run the scripts of one file; returns the exit status. */
static int run_file(const char *path)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "ipc-script: cannot open %s\n", path);
        return 2;
    }
    size_t len;
    char *text = slurp(f, &len);
    if (f != stdin)
        fclose(f);
    if (!text) {
        fprintf(stderr, "ipc-script: cannot read %s\n", path);
        return 2;
    }
    struct script_sink out = { out_line, NULL };
    int failed = script_run_all(text, len, &out);
    free(text);
    return failed == 0 ? 0 : 1;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: ipc-script FILE...   (- for standard input)\n");
        return 2;
    }
    int status = 0;
    for (int i = 1; i < argc; i++) {
        int s = run_file(argv[i]);
        if (s > status)
            status = s;
    }
    fflush(stdout);
    return status;
}
