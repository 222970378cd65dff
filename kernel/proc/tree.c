/*
 * tree.c: the process tree and its quotas.
 *
 * Every process but the kernel's own (init, and what the monitor runs)
 * has a parent: the process that spawned it.  The tree is what makes the
 * machine's resources partitioned rather than first-come: a process's
 * quota (struct proc_quota) bounds the processes and the linear memory
 * of it and all its descendants, and a spawn or a memory.grow must fit
 * the quota of every ancestor, so a program cannot take more than the
 * process that started it was allowed, however many children it makes.
 * A kill reaches the whole subtree (proc.c, kill_one); a process that
 * ends leaves its children to its parent (proc_orphans), in whose
 * quotas they counted all along.  spec/process.md states the rules; the
 * limits are in param.h.
 *
 * Everything here runs in thread context and does not block: kernel C
 * is not preempted, so the tree does not change under a walk.
 */
#include "proc/proc.h"

#include <stdint.h>

#include "proc/proccheck.h"

/* proc_descends: see proc.h. */
bool proc_descends(const struct proc *q, const struct proc *a)
{
    for (; q; q = q->parent)
        if (q == a)
            return true;
    return false;
}

/* proc_quota_init: see proc.h.  A child starts with its parent's limits
 * (the parent may lower them: wisp.limit); its counts start at 0. */
void proc_quota_init(struct proc *p)
{
    if (p->parent) {
        p->quota.procs_max = p->parent->quota.procs_max;
        p->quota.mem_max = p->parent->quota.mem_max;
    } else {
        p->quota.procs_max = PROC_MAX;
        p->quota.mem_max = SIZE_MAX;
    }
    p->quota.procs = 0;
    p->quota.mem = 0;
}

/* proc_quota_room: see proc.h. */
int proc_quota_room(const struct proc *p)
{
    for (; p; p = p->parent)
        if (p->quota.procs >= p->quota.procs_max)
            return PROC_EDQUOT;
    return 0;
}

/* proc_quota_count: see proc.h. */
void proc_quota_count(struct proc *p, int d)
{
    for (struct proc *a = p->parent; a; a = a->parent)
        a->quota.procs += d;
}

/*
 * proc_quota_mem: see proc.h.  Checked all the way up before anything
 * is charged, so a refusal changes nothing.
 */
bool proc_quota_mem(struct proc *p, long long delta)
{
    for (struct proc *a = p; delta > 0 && a; a = a->parent)
        if (a->quota.mem + (size_t)delta > a->quota.mem_max ||
            a->quota.mem + (size_t)delta < a->quota.mem)
            return false;
    for (struct proc *a = p; a; a = a->parent)
        a->quota.mem += (size_t)delta;      /* wraps back for delta < 0 */
    return true;
}

/* adopt: proc_orphans's walk: q, a child of ended, goes to ended's
 * parent. */
static void adopt(struct proc *q, void *ended)
{
    struct proc *p = ended;
    if (q->parent == p) {
        q->parent = p->parent;
        proccheck_adopt(q, q->parent);
    }
}

/*
 * proc_orphans: see proc.h.  The children keep their place in their new
 * ancestors' counts: they were descendants of them already.  (A killed
 * p's children were killed with it: kill_one.)
 */
void proc_orphans(struct proc *p)
{
    if (proccheck_skip_orphans())   /* PROC_DEBUG's planted bug: false */
        return;                     /* in every other kernel */
    proc_foreach(adopt, p);
}
