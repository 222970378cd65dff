/*
 * script.h: the IPC test service.  It runs scripts of IPC steps (format:
 * spec/ipc.md "Scripts and traces") against the real IPC layer (ipc/ipc.h)
 * and prints their traces in the reference model's exact format, so that
 * the model-based tests can compare the two line by line.
 *
 * The same C file builds into the kernel (the monitor's `ipcscript`) and
 * into the host runner build/host/ipc-script; it prints only through a
 * sink and allocates only with ipc_alloc.
 *
 * Input is a container: one or more scripts, each starting at its magic
 * line "wisp-ipc-script 1".  Output: "=== script K" before the K-th
 * script's trace (K from 1), "=== end" after the last; a script that
 * cannot run prints one "error: ..." line instead of (or, for a step its
 * process cannot issue, after the start of) its trace.
 */
#ifndef WISP_IPC_SCRIPT_H
#define WISP_IPC_SCRIPT_H

#include <stddef.h>

#define SCRIPT_MEM_SIZE 131072      /* bytes of memory per script process
                                       (the model's MEM_SIZE) */
#define SCRIPT_PROCS_MAX 16         /* most processes one script declares */
#define SCRIPT_LINE_MAX 1024        /* longest output line, with its NUL: a
                                       proc line of 16 handles needs ~450 */
#define SCRIPT_TOKENS_MAX 24        /* most words on one script line */
#define SCRIPT_FILL 0xa5            /* what a receive buffer holds before
                                       a receive, to see what was copied */

/* Where the output goes: line(arg, text) prints one line (text has no
 * newline).  The kernel passes kprintf, the host stdout. */
struct script_sink {
    void (*line)(void *arg, const char *text);
    void *arg;
};

/*
 * script_run_all: run every script of text[0, len) (need not be
 * NUL-terminated) in order, each with fresh processes in a fresh
 * numbering domain, printing the container output to out.  Frees
 * everything a script made before the next starts.  Returns the number
 * of scripts that failed (malformed, a step no process could issue, out
 * of memory, objects leaked), -1 if the text holds no script at all.
 */
int script_run_all(const char *text, size_t len,
                   const struct script_sink *out);

#endif
