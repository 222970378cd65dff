/*
 * shell.h: what the files of the shell (services/shell/) share.
 *
 * The shell is one program built from four files, by concern:
 *
 *   main.c     reading lines from the console, the loop
 *   line.c     a line: its words, & and > (sh_split), and running it
 *              (sh_dispatch): one of the commands, or a program
 *   jobs.c     the programs it starts: spawn, the foreground, the jobs
 *              in the background, kill
 *   cmds.c     the commands (help, ls, cat, echo, ps, kill, ...) and
 *              their table
 *
 * Its handles (the standard slots of proto.h, and one more): 0 the
 * console endpoint, UNBADGED and with the grant right, so it can mint a
 * console handle with a fresh badge for every program it starts and
 * tell the console which badge is in the foreground (CONS_SET_FG, which
 * only the unbadged handle may send); 1 the file service, unbadged too,
 * so that every program it starts gets one badged with its own pid
 * (WISP_SPAWN_BADGE_PID); 2 the name server; 3 init's control endpoint
 * (`restart`).
 */
#ifndef WISP_SHELL_H
#define WISP_SHELL_H

#include <stdbool.h>
#include <stdio.h>

#include "svc.h"

#define SH_LINE_MAX CONS_LINE_MAX   /* longest line, with its '\n' */
#define SH_ARGS_MAX 16              /* words of a command, with its name */
#define SH_SLOT_CONTROL 3           /* init's control endpoint */

/* A typed line cut into a command (sh_split). */
struct sh_cmdline {
    int argc;                       /* words, 0 for an empty line */
    char *argv[SH_ARGS_MAX + 1];    /* into buf; argv[argc] is NULL */
    bool bg;                        /* the line ended in & */
    const char *out;                /* > FILE or >> FILE (into buf), or
                                       NULL */
    bool append;                    /* it was >> */
    char buf[SH_LINE_MAX];          /* the words, each ending in NUL */
};

/* A command: its name, arguments and help as help lists them, its
 * function, and how many words may follow the name (max -1: any).  A
 * command's function gets the words of its line (argv[0] its name) and
 * returns 0, or 1 after printing an error. */
struct sh_cmd {
    const char *name, *args, *help;
    int (*fn)(int argc, char **argv);
    int min, max;
};

/* Where the commands print what they produce: stdout, or the file a
 * line's > names while its command runs.  Errors go to stdout (the
 * console) always. */
extern FILE *sh_out;

/* cmds.c */

/* sh_cmd_find: the command called name, or NULL. */
const struct sh_cmd *sh_cmd_find(const char *name);

/* sh_word: prints s for an error message, every byte that is not
 * printable ASCII as \xNN, at most 40 bytes ("..." after). */
void sh_word(const char *s);

/* jobs.c */

/* sh_jobs_init: no jobs yet. */
void sh_jobs_init(void);

/* sh_run: starts program argv[0] with argv[1..argc-1], in the
 * background (prints "[pid N]") if bg, else in the foreground (returns
 * when it has ended).  Returns 0, or why it could not start (spawn's
 * errno; EMFILE: no room for another job), nothing printed. */
int32_t sh_run(int argc, char **argv, bool bg);

/* sh_why: what an error of sh_run means to the user. */
const char *sh_why(int32_t err);

/* sh_reap: forgets the jobs that have ended (closes their handles). */
void sh_reap(void);

/* sh_kill_wait: kills pid, a job or a program a job started, and waits
 * until it has ended.  Returns 0, or ESRCH: no job reaches it. */
int32_t sh_kill_wait(int32_t pid);

/* sh_call: calls endpoint h with m, no receive buffer; returns the IPC
 * error, else the reply's label (0 or the service's errno). */
int32_t sh_call(int32_t h, const wisp_msg *m, wisp_in *in);

/* line.c */

/* sh_split: cuts line into cl (see line.c).  NULL, or what is wrong
 * with the line. */
const char *sh_split(const char *line, struct sh_cmdline *cl);

/* sh_dispatch: runs the command or program of cl (see line.c). */
void sh_dispatch(struct sh_cmdline *cl);

#endif
