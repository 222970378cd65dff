/*
 * run.h: the pieces of wisp-run that main.c and invoke.c share.
 */
#ifndef WISP_RUN_RUN_H
#define WISP_RUN_RUN_H

#include "../wasm.h"

/* Exit statuses of wisp-run besides the program's own. */
#define RUN_EXIT_USAGE 2    /* bad command line, unreadable/invalid module */
#define RUN_EXIT_TRAP 134   /* the program trapped (128 + SIGABRT, as a
                               native program that called abort()) */

/* Reports how a call ended and returns the exit status it means: 0 for
 * WASM_OK, the program's code for WASM_EXITED, RUN_EXIT_TRAP after
 * printing "trap: <reason> in func N (name)" to stderr for a trap. */
int run_status(const wasm_module *m, wasm_result r);

/* Calls export `name` of inst with the numeric arguments args[0..n),
 * prints its results one per line, and returns the exit status. */
int run_invoke(wasm_exec *ex, wasm_instance *inst, const char *name,
               int n, char **args);

#endif /* WISP_RUN_RUN_H */
