/*
 * proccheck.h: the process life cycle's invariants, checked on the
 * process table, and a trace of its transitions, in a kernel built with
 * PROC_DEBUG (make ... PROC_DEBUG=1; make test builds one,
 * build/kdebug/debug.iso).  In the normal kernel every hook below is an
 * empty inline function.
 *
 * The invariants (spec/process.md, "Invariants"), checked after every
 * spawn and every end: pids in the table are distinct and below the next
 * pid; every parent is a process in the table (or none); each process's
 * quota counts exactly its descendants in the table, and its memory is
 * its own linear memory plus its children's quotas.  The trace's events
 * are replayed by spec/proc/model.py, which also checks one report per
 * process, pids handed out in order and never reused, a kill reaching
 * the subtree, and children handed to the parent's parent; `proctrace`
 * prints them with the table and the memory counters.
 */
#ifndef WISP_PROC_PROCCHECK_H
#define WISP_PROC_PROCCHECK_H

#include <stdbool.h>

struct proc;

#ifdef PROC_DEBUG
void proccheck_spawn(struct proc *p);           /* listed and counted */
void proccheck_kill(int pid, bool tree);        /* a kill starts ... */
void proccheck_kill_done(void);                 /* ... and is done */
void proccheck_stop(struct proc *p);            /* p's kill is set */
void proccheck_report(struct proc *p, int code);    /* its one line */
void proccheck_adopt(struct proc *q, struct proc *parent);  /* moved up */
void proccheck_gone(struct proc *p);            /* out of the table */
/* proccheck_skip_orphans: true once after `proctrace plant`: the planted
 * bug (an ending process hands its children to nobody). */
bool proccheck_skip_orphans(void);
/* proccheck_cmd: the monitor's `proctrace [plant]`. */
void proccheck_cmd(int argc, char **argv);
#else
static inline void proccheck_spawn(struct proc *p) { (void)p; }
static inline void proccheck_kill(int pid, bool tree) { (void)pid, (void)tree; }
static inline void proccheck_kill_done(void) {}
static inline void proccheck_stop(struct proc *p) { (void)p; }
static inline void proccheck_report(struct proc *p, int code)
{
    (void)p, (void)code;
}
static inline void proccheck_adopt(struct proc *q, struct proc *parent)
{
    (void)q, (void)parent;
}
static inline void proccheck_gone(struct proc *p) { (void)p; }
static inline bool proccheck_skip_orphans(void) { return false; }
#endif

#endif
