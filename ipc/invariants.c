/*
 * invariants.c: spec/ipc.md's invariants on the C core's data structures
 * (invariants.h).  The model checks them on its own states
 * (spec/ipc/model.py: check_invariants); these are the same sentences,
 * read off struct ipc_proc and struct ipc_obj, plus what only the C has:
 * the counters (nheld, nhandles, nsend, nrecv) must match the tables, the
 * queues must be well formed lists, and so must the derivation tree's
 * links (each handle's holder, parent, children and siblings).
 *
 * Everything here reads and never writes, and costs a scan of every
 * table per object: a checking build's price, not the kernel's.
 */
#include "ipc/invariants.h"

/* fail: record violation `what` about pid and object obj; false. */
static bool fail(struct ipc_violation *v, const char *what, int pid, long obj)
{
    v->what = what;
    v->pid = pid;
    v->obj = obj;
    return false;
}

/* in_world: whether p is one of w's processes. */
static bool in_world(const struct ipc_world *w, const struct ipc_proc *p)
{
    for (int i = 0; i < w->nprocs; i++)
        if (w->procs[i] == p)
            return true;
    return false;
}

/* listed: whether o is on w's domain list (a live endpoint or
 * notification of that domain). */
static bool listed(const struct ipc_world *w, const struct ipc_obj *o)
{
    for (const struct ipc_obj *x = w->ns->objs; x; x = x->next)
        if (x == o)
            return true;
    return false;
}

/* refs: the handles naming o in every table of w: all of them, and
 * those with s and with r. */
static void refs(const struct ipc_world *w, const struct ipc_obj *o, int *n,
                 int *ns, int *nr)
{
    *n = *ns = *nr = 0;
    for (int i = 0; i < w->nprocs; i++)
        for (int s = 0; s < IPC_HANDLES_MAX; s++) {
            const struct ipc_handle *h = &w->procs[i]->handles[s];
            if (h->obj != o)
                continue;
            (*n)++;
            *ns += (h->rights & IPC_R_SEND) != 0;
            *nr += (h->rights & IPC_R_RECV) != 0;
        }
}

/* counts_ok: o's counters against the tables: equal when w is exact,
 * else at least what the tables hold (kernel references add to them). */
static bool counts_ok(const struct ipc_world *w, const struct ipc_obj *o)
{
    int n, ns, nr;

    refs(w, o, &n, &ns, &nr);
    if (w->exact)
        return o->nhandles == n && o->nsend == ns && o->nrecv == nr;
    return o->nhandles >= n && o->nsend >= ns && o->nrecv >= nr;
}

/* occurrences: how many times p is in any queue of any listed object. */
static int occurrences(const struct ipc_world *w, const struct ipc_proc *p)
{
    int k = 0;

    for (const struct ipc_obj *o = w->ns->objs; o; o = o->next) {
        const struct ipc_queue *qs[3] = { &o->sendq, &o->recvq, &o->waitq };
        for (int i = 0; i < 3; i++)
            for (const struct ipc_proc *q = qs[i]->head; q; q = q->qnext)
                k += q == p;
    }
    return k;
}

/* slot_of: whether x points at a slot of some table of w. */
static bool slot_of(const struct ipc_world *w, const struct ipc_handle *x)
{
    for (int i = 0; i < w->nprocs; i++)
        if (x >= w->procs[i]->handles &&
            x < w->procs[i]->handles + IPC_HANDLES_MAX)
            return true;
    return false;
}

/*
 * check_tree: h's place in the derivation tree (spec/ipc.md "Revoke"):
 * its parent is an open slot of w naming the same object, not a reply
 * handle, with every right h has and h's badge or none, and lists h
 * among its children; h's children point back at it through a well
 * formed list; a root has no siblings; the chain of parents ends within
 * as many steps as w has slots (no cycle).  Reply handles have no place
 * in the tree.
 */
static bool check_tree(const struct ipc_world *w, const struct ipc_handle *h,
                       int pid, int s, struct ipc_violation *v)
{
    const struct ipc_handle *par = h->parent, *prev = NULL, *x;
    long bound = (long)w->nprocs * IPC_HANDLES_MAX, n = 0;

    if (h->obj->kind == IPC_KIND_REPLY && (par || h->child))
        return fail(v, "a reply handle is in the derivation tree", pid, s);
    if (!par && (h->next || h->prev))
        return fail(v, "a root of the derivation tree has siblings", pid, s);
    if (par && (!slot_of(w, par) || par->obj != h->obj ||
                par->obj->kind == IPC_KIND_REPLY || (h->rights & ~par->rights) ||
                (par->badge && par->badge != h->badge)))
        return fail(v, "a handle is derived from no handle with its rights "
                    "and badge", pid, s);
    for (x = par ? par->child : NULL; x && x != h && n++ < bound; x = x->next)
        ;
    if (par && x != h)
        return fail(v, "a handle is not among its parent's children", pid, s);
    for (x = h->child, n = 0; x; prev = x, x = x->next)
        if (++n > bound || x->parent != h || x->prev != prev || !slot_of(w, x))
            return fail(v, "a list of derived handles is broken", pid, s);
    for (x = h, n = 0; x->parent; x = x->parent)
        if (++n > bound)
            return fail(v, "the derivation tree has a cycle", pid, s);
    return true;
}

/*
 * check_handle: slot s of p: a live object of a known kind with the
 * counts of the tables; a reply handle has no rights, is the one handle
 * of its object, and its caller (if alive) waits for it.
 */
static bool check_handle(const struct ipc_world *w, const struct ipc_proc *p,
                         int s, struct ipc_violation *v)
{
    const struct ipc_obj *o = p->handles[s].obj;
    int n, ns, nr;

    if (o->kind < IPC_KIND_EP || o->kind > IPC_KIND_PROC)
        return fail(v, "a handle names no object (freed memory?)", p->pid, s);
    if ((o->kind == IPC_KIND_EP || o->kind == IPC_KIND_NTFN) && o->ns == w->ns &&
        !listed(w, o))
        return fail(v, "a handle names an object its domain no longer lists",
                    p->pid, s);
    if (!counts_ok(w, o))
        return fail(v, "an object's handle counts do not match the tables",
                    p->pid, s);
    if (p->handles[s].holder != p)
        return fail(v, "a handle does not know its holder", p->pid, s);
    if (!check_tree(w, &p->handles[s], p->pid, s, v))
        return false;
    if (o->kind != IPC_KIND_REPLY)
        return true;
    refs(w, o, &n, &ns, &nr);
    if (n != 1 || p->handles[s].rights != 0)
        return fail(v, "a reply object has more than one handle, or rights",
                    p->pid, s);
    if (o->caller && (!in_world(w, o->caller) || o->caller->state != IPC_REPLY ||
                      o->caller->on != o))
        return fail(v, "a reply object names a caller not waiting for it",
                    p->pid, s);
    return true;
}

/* slot_empty: whether free slot h is all zeros, as ipc_slot_clear
 * leaves it (the fast path's reply_install sets only what differs). */
static bool slot_empty(const struct ipc_handle *h)
{
    return !h->rights && !h->badge && !h->holder && !h->parent &&
           !h->child && !h->next && !h->prev;
}

/*
 * check_table: p's table: nheld is its open slots, and a free slot is
 * empty; a dead process holds nothing; every handle is sound
 * (check_handle); a spare reply object is unused (no handle, no
 * caller: the fast path's reply_used sets only what differs).
 */
static bool check_table(const struct ipc_world *w, const struct ipc_proc *p,
                        struct ipc_violation *v)
{
    int open = 0;

    if (p->spare && (p->spare->kind != IPC_KIND_REPLY ||
                     p->spare->nhandles || p->spare->caller))
        return fail(v, "a spare reply object is in use", p->pid, -1);
    for (int s = 0; s < IPC_HANDLES_MAX; s++) {
        if (!p->handles[s].obj) {
            if (!slot_empty(&p->handles[s]))
                return fail(v, "a free slot is not empty", p->pid, s);
            continue;
        }
        open++;
        if (!check_handle(w, p, s, v))
            return false;
    }
    if (open != p->nheld)
        return fail(v, "nheld is not the number of open slots", p->pid, -1);
    if (p->state == IPC_DEAD && open)
        return fail(v, "a dead process holds handles", p->pid, -1);
    return true;
}

/* got_reset: whether g is as ipc_got_reset leaves it (padding aside). */
static bool got_reset(const struct ipc_got *g)
{
    bool zero = !g->word && !g->has_msg && !g->badge && !g->label &&
                !g->nwords && !g->has_buf && !g->len && !g->copied &&
                !g->nhandles && !g->n;

    for (int i = 0; i < IPC_MSG_WORDS_MAX; i++)
        zero = zero && !g->words[i];
    for (int i = 0; i < IPC_MSG_HANDLES_MAX; i++)
        zero = zero && !g->handles[i];
    return zero && g->h == -1 && g->reply == -1;
}

/*
 * check_blocked: p waits in exactly one place, the one its state says:
 * a sender, caller, receiver or waiter once in the matching queue of
 * the object it is on and in no other; a caller in IPC_REPLY named by
 * its reply object, which one handle holds; running and dead: nowhere.
 * A blocked process got nothing yet: its got is as ipc_got_reset left
 * it when its operation began (the fast path's got_words fills it
 * without resetting it first).
 */
static bool check_blocked(const struct ipc_world *w, const struct ipc_proc *p,
                          struct ipc_violation *v)
{
    static const enum ipc_kind on_kind[] = {
        [IPC_SEND] = IPC_KIND_EP, [IPC_CALL] = IPC_KIND_EP,
        [IPC_RECV] = IPC_KIND_EP, [IPC_WAIT] = IPC_KIND_NTFN,
        [IPC_REPLY] = IPC_KIND_REPLY,
    };
    int n, ns, nr;

    if (p->state == IPC_RUNNING || p->state == IPC_DEAD)
        return p->on || occurrences(w, p)
            ? fail(v, "a process not blocked is on an object or in a queue",
                   p->pid, -1) : true;
    if (!got_reset(&p->got))
        return fail(v, "a blocked process has something in its got",
                    p->pid, -1);
    if (!p->on || p->on->kind != on_kind[p->state])
        return fail(v, "a blocked process is not on an object of its kind",
                    p->pid, -1);
    if (p->state == IPC_REPLY) {
        refs(w, p->on, &n, &ns, &nr);
        return p->on->caller == p && n == 1 && !occurrences(w, p)
            ? true : fail(v, "a caller waits for a reply object that does "
                          "not name it, or that no handle holds", p->pid, -1);
    }
    if (occurrences(w, p) != 1)
        return fail(v, "a blocked process is not in exactly one queue",
                    p->pid, (long)p->on->id);
    return true;
}

/*
 * check_queue: q of o is a well formed list (tail is its last element,
 * no longer than the world, so no cycle) of w's processes, each on o in
 * a state `a` or `b`.
 */
static bool check_queue(const struct ipc_world *w, const struct ipc_obj *o,
                        const struct ipc_queue *q, enum ipc_state a,
                        enum ipc_state b, struct ipc_violation *v)
{
    const struct ipc_proc *last = NULL;
    int len = 0;

    for (const struct ipc_proc *p = q->head; p; p = p->qnext) {
        if (++len > w->nprocs || !in_world(w, p))
            return fail(v, "a queue is cyclic or holds an unknown process",
                        -1, (long)o->id);
        if ((p->state != a && p->state != b) || p->on != o)
            return fail(v, "a queued process is not blocked on that queue",
                        p->pid, (long)o->id);
        last = p;
    }
    if (q->tail != last)
        return fail(v, "a queue's tail is not its last element", -1, (long)o->id);
    return true;
}

/*
 * check_object: listed object o: its queues (check_queue), at least one
 * holder, and the rules of spec/ipc.md: an endpoint never has both
 * queues non-empty, has an r holder while senders wait and an s holder
 * while receivers wait; a notification with waiters has word 0 and an
 * s holder.
 */
static bool check_object(const struct ipc_world *w, const struct ipc_obj *o,
                         struct ipc_violation *v)
{
    long id = (long)o->id;

    if (!check_queue(w, o, &o->sendq, IPC_SEND, IPC_CALL, v) ||
        !check_queue(w, o, &o->recvq, IPC_RECV, IPC_RECV, v) ||
        !check_queue(w, o, &o->waitq, IPC_WAIT, IPC_WAIT, v))
        return false;
    if (o->nhandles <= 0 || !counts_ok(w, o))
        return fail(v, "a listed object has no holder, or wrong counts", -1, id);
    if (o->kind == IPC_KIND_EP && o->sendq.head && o->recvq.head)
        return fail(v, "an endpoint has senders and receivers queued", -1, id);
    if (o->kind == IPC_KIND_EP && o->sendq.head && o->nrecv == 0)
        return fail(v, "senders are queued with no receive holder left", -1, id);
    if (o->kind == IPC_KIND_EP && o->recvq.head && o->nsend == 0)
        return fail(v, "receivers are queued with no send holder left", -1, id);
    if (o->kind == IPC_KIND_NTFN && o->waitq.head && (o->word || o->nsend == 0))
        return fail(v, "waiters are queued with a pending word or no sender",
                    -1, id);
    if (o->kind != IPC_KIND_NTFN && o->waitq.head)
        return fail(v, "an endpoint has a wait queue", -1, id);
    return true;
}

/*
 * ipc_check_invariants: see invariants.h.  Objects first (their queues
 * must be sound before a process's place in them is counted), then each
 * process's table and place.
 */
bool ipc_check_invariants(const struct ipc_world *w, struct ipc_violation *v)
{
    for (const struct ipc_obj *o = w->ns->objs; o; o = o->next)
        if (!check_object(w, o, v))
            return false;
    for (int i = 0; i < w->nprocs; i++)
        if (!check_table(w, w->procs[i], v) || !check_blocked(w, w->procs[i], v))
            return false;
    v->what = NULL;
    return true;
}
