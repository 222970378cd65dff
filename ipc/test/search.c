/*
 * search.c: build/host/ipc-search, a small-scope exhaustive search of the
 * C core's states (make spec-c).
 *
 *     ipc-search [DEPTH [PROCS]]
 *
 * Spin explores every state of a Promela model; this explores every state
 * of the C core itself that PROCS processes reach in DEPTH operations
 * from a fixed start (process 1 holds an endpoint and a notification and
 * has given every other process a copy of each), breadth first, each
 * state expanded once: a state is hashed (FNV-1a over a canonical
 * serialisation of the tables, queues, words and pending messages), and
 * a hash seen before is not expanded again (hash compaction, as spin's
 * -DHC: two states with one hash would hide the second's successors, at
 * odds of about n^2 / 2^64).  In every state reached it checks
 * ipc_check_invariants (exact: no kernel references), and after tearing
 * each world down that no IPC object leaked.
 *
 * The C core keeps pointers, so a state is not copied: it is rebuilt by
 * replaying its path (the operations that led to it) in a fresh world.
 * Built with a small IPC_HANDLES_MAX (spec/Makefrag) so that a search of
 * a few steps fills a table and crosses the free-slot limits.
 *
 * Prints the states, transitions and depth reached; exit status 1 (with
 * the path) at the first broken invariant or leak.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ipc/invariants.h"
#include "ipc/ipc.h"

#define PROCS_MAX 4
#define DEPTH_MAX 12
#define OBJS_MAX 3              /* endpoints and notifications a path may make */
#define SET_BITS 24             /* 16M entries of visited-state hashes */

enum op {
    EP_CREATE, NTFN_CREATE, DUP_S, DUP_R, DUP_BADGE, CLOSE, GIVE, SEND,
    TRY_SEND, CALL, RECV, TRY_RECV, REPLY, REPLY_RECV, SIGNAL, WAIT,
    SEND_GRANT, SEND_MOVE, REVOKE, EXIT, NOPS
};
static const char *const op_names[NOPS] = {
    "ep_create", "ntfn_create", "dup s--", "dup -r-", "dup badge", "close",
    "give", "send", "try_send", "call", "recv", "try_recv", "reply",
    "reply_recv", "signal", "wait", "send grant", "send move", "revoke",
    "exit",
};

/* One operation: process pid does op with slot a and b (b: give's target
 * pid, reply_recv's endpoint slot, a grant's slot). */
struct step {
    unsigned char pid, op, a, b;
};

struct world {
    struct ipc_ns ns;
    int n;
    struct ipc_proc p[PROCS_MAX];
    struct ipc_proc *ptrs[PROCS_MAX];
};

void *ipc_alloc(size_t bytes)
{
    return calloc(1, bytes ? bytes : 1);
}

void ipc_free(void *block)
{
    free(block);
}

void lab_todo_say(int lab, const char *name)
{
    fprintf(stderr, "LAB-TODO: lab %d: %s is not written yet\n", lab, name);
}

static unsigned char memory[PROCS_MAX][64];

/* mem: the processes' memory: 64 bytes each. */
static void *mem(struct ipc_proc *p, uint32_t off, uint32_t len)
{
    if (off > 64 || len > 64 - off)
        return NULL;
    return memory[p->pid - 1] + off;
}

static void nowake(struct ipc_proc *p)
{
    (void)p;
}

/* apply: do step st in w (anything the core refuses just fails). */
static void apply(struct world *w, struct step st)
{
    struct ipc_proc *p = &w->p[st.pid - 1];
    struct ipc_msg m = { .label = st.op };
    struct ipc_rbuf rb = { true, 0, 8 };

    switch (st.op) {
    case EP_CREATE: ipc_ep_create(p); break;
    case NTFN_CREATE: ipc_ntfn_create(p); break;
    case DUP_S: ipc_dup(p, st.a, IPC_R_SEND, 0); break;
    case DUP_R: ipc_dup(p, st.a, IPC_R_RECV, 0); break;
    case DUP_BADGE: ipc_dup(p, st.a, IPC_R_SEND, 1u << st.pid); break;
    case CLOSE: ipc_close(p, st.a); break;
    case GIVE: ipc_give(p, st.a, &w->p[st.b - 1]); break;
    case SEND: ipc_send(p, st.a, &m); break;
    case TRY_SEND: ipc_try_send(p, st.a, &m); break;
    case CALL: ipc_call(p, st.a, &m, &rb); break;
    case RECV: ipc_recv(p, st.a, &rb); break;
    case TRY_RECV: ipc_try_recv(p, st.a, &rb); break;
    case REPLY: ipc_reply(p, st.a, &m); break;
    case REPLY_RECV: ipc_reply_recv(p, st.a, &m, st.b, &rb); break;
    case SIGNAL: ipc_signal(p, st.a); break;
    case WAIT: ipc_wait(p, st.a); break;
    case SEND_GRANT: case SEND_MOVE:
        m.nhandles = 1;
        m.handles[0] = (struct ipc_grant){ st.b, st.op == SEND_MOVE ? 'm' : 'c' };
        ipc_send(p, st.a, &m);
        break;
    case REVOKE: ipc_revoke(p, st.a); break;
    default: ipc_exit(p); break;
    }
}

/* start: a fresh world of n processes, the fixed start applied. */
static void start(struct world *w, int n)
{
    memset(w, 0, sizeof *w);
    ipc_ns_init(&w->ns);
    w->n = n;
    for (int i = 0; i < n; i++) {
        ipc_proc_init(&w->p[i], &w->ns, i + 1, mem, nowake, NULL);
        w->ptrs[i] = &w->p[i];
    }
    ipc_ep_create(&w->p[0]);
    ipc_ntfn_create(&w->p[0]);
    for (int i = 1; i < n; i++) {
        ipc_give(&w->p[0], 0, &w->p[i]);
        ipc_give(&w->p[0], 1, &w->p[i]);
    }
}

/* teardown: every process exits; whether every object was freed. */
static bool teardown(struct world *w, int live_before)
{
    for (int i = 0; i < w->n; i++)
        ipc_exit(&w->p[i]);
    return ipc_objs_live() == live_before;
}

/* ---- canonical serialisation and the visited set ----------------------- */

struct ser {
    uint64_t h;                 /* FNV-1a so far */
};

static void ser_u(struct ser *s, uint64_t v)
{
    for (int i = 0; i < 8; i++) {
        s->h ^= (v >> (8 * i)) & 0xff;
        s->h *= 0x100000001b3ull;
    }
}

/* ser_obj: an object as the state sees it: its kind and number, or for
 * a reply object the pid of its caller (0 once that died). */
static void ser_obj(struct ser *s, const struct ipc_obj *o)
{
    if (!o) {
        ser_u(s, 0);
        return;
    }
    ser_u(s, (uint64_t)o->kind << 32 |
          (o->kind == IPC_KIND_REPLY ? (o->caller ? (uint64_t)o->caller->pid : 0)
                                     : o->id));
}

static void ser_queue(struct ser *s, const struct ipc_queue *q)
{
    for (const struct ipc_proc *p = q->head; p; p = p->qnext)
        ser_u(s, (uint64_t)p->pid);
    ser_u(s, 99);
}

/* state_hash: the hash of everything that decides what happens next. */
static uint64_t state_hash(const struct world *w)
{
    struct ser s = { 0xcbf29ce484222325ull };

    ser_u(&s, w->ns.next_id);
    for (int i = 0; i < w->n; i++) {
        const struct ipc_proc *p = &w->p[i];
        ser_u(&s, p->state);
        ser_obj(&s, p->on);
        ser_u(&s, (uint64_t)p->msg.label << 32 | p->badge);
        ser_u(&s, p->msg.nhandles ? (p->msg.handles[0].slot + 1u) << 8 |
                                    p->msg.handles[0].mode : 0);
        ser_u(&s, p->state == IPC_RUNNING || p->state == IPC_DEAD ? 0 : p->via);
        for (int k = 0; k < IPC_HANDLES_MAX; k++) {
            const struct ipc_handle *h = &p->handles[k], *par = h->parent;
            ser_obj(&s, h->obj);
            ser_u(&s, (uint64_t)h->rights << 32 | h->badge);
            ser_u(&s, par ? (uint64_t)par->holder->pid << 32 |
                            ((uint64_t)(par - par->holder->handles) + 1) : 0);
        }
    }
    for (const struct ipc_obj *o = w->ns.objs; o; o = o->next) {
        ser_obj(&s, o);
        ser_u(&s, o->word);
        ser_queue(&s, &o->sendq);
        ser_queue(&s, &o->recvq);
        ser_queue(&s, &o->waitq);
    }
    return s.h | 1;             /* 0 marks an empty entry */
}

static uint64_t *visited;
static long nvisited;

/* visit: whether h is new (then it is added). */
static bool visit(uint64_t h)
{
    size_t mask = ((size_t)1 << SET_BITS) - 1, i = (size_t)h & mask;

    while (visited[i]) {
        if (visited[i] == h)
            return false;
        i = (i + 1) & mask;
    }
    visited[i] = h;
    nvisited++;
    return true;
}

/* ---- the alphabet ------------------------------------------------------ */

/* steps: every step worth trying in w (into out, at most cap). */
static int steps(const struct world *w, struct step *out, int cap)
{
    int n = 0;
#define ADD(pid_, op_, a_, b_) \
    do { if (n < cap) out[n++] = (struct step){ pid_, op_, a_, b_ }; } while (0)
    for (int i = 0; i < w->n; i++) {
        const struct ipc_proc *p = &w->p[i];
        int pid = i + 1;
        if (p->state != IPC_RUNNING)
            continue;
        if (w->ns.next_id <= OBJS_MAX) {
            ADD(pid, EP_CREATE, 0, 0);
            ADD(pid, NTFN_CREATE, 0, 0);
        }
        ADD(pid, EXIT, 0, 0);
        for (int s = 0; s < IPC_HANDLES_MAX; s++) {
            const struct ipc_obj *o = p->handles[s].obj;
            if (!o)
                continue;
            ADD(pid, CLOSE, s, 0);
            if (o->kind == IPC_KIND_REPLY) {
                ADD(pid, REPLY, s, 0);
                for (int e = 0; e < IPC_HANDLES_MAX; e++)
                    if (p->handles[e].obj && p->handles[e].obj->kind == IPC_KIND_EP)
                        ADD(pid, REPLY_RECV, s, e);
                continue;
            }
            ADD(pid, REVOKE, s, 0);
            ADD(pid, DUP_S, s, 0);
            ADD(pid, DUP_R, s, 0);
            ADD(pid, DUP_BADGE, s, 0);
            for (int j = 0; j < w->n; j++)
                if (j != i && w->p[j].state == IPC_RUNNING)
                    ADD(pid, GIVE, s, j + 1);
            if (o->kind == IPC_KIND_NTFN) {
                ADD(pid, SIGNAL, s, 0);
                ADD(pid, WAIT, s, 0);
                continue;
            }
            for (int op = SEND; op <= TRY_RECV; op++)
                ADD(pid, op, s, 0);
            for (int g = 0; g < IPC_HANDLES_MAX; g++)
                if (g != s && p->handles[g].obj &&
                    p->handles[g].obj->kind == IPC_KIND_NTFN) {
                    ADD(pid, SEND_GRANT, s, g);
                    ADD(pid, SEND_MOVE, s, g);
                }
        }
    }
    for (int i = 0; i < w->n; i++)          /* kill: from outside */
        if (w->p[i].state != IPC_RUNNING && w->p[i].state != IPC_DEAD)
            ADD(i + 1, EXIT, 0, 0);
#undef ADD
    return n;
}

/* ---- the search --------------------------------------------------------- */

struct node {
    unsigned char len;
    struct step path[DEPTH_MAX];
};

static void print_path(const struct node *nd, struct step last)
{
    for (int i = 0; i <= nd->len; i++) {
        struct step st = i < nd->len ? nd->path[i] : last;
        fprintf(stderr, "  %d %s %d %d\n", st.pid, op_names[st.op], st.a, st.b);
    }
}

/* expand: every successor of nd: checked, and the new ones queued in
 * next (count *nn).  Returns false at a broken invariant or a leak. */
static bool expand(const struct node *nd, int nprocs, struct node *next,
                   long *nn, long cap, long *trans, bool last)
{
    static struct world w;
    struct step alpha[256];
    int live = ipc_objs_live(), na;

    start(&w, nprocs);
    for (int i = 0; i < nd->len; i++)
        apply(&w, nd->path[i]);
    na = steps(&w, alpha, 256);
    teardown(&w, live);
    for (int k = 0; k < na; k++) {
        struct ipc_violation v;
        start(&w, nprocs);
        for (int i = 0; i < nd->len; i++)
            apply(&w, nd->path[i]);
        apply(&w, alpha[k]);
        (*trans)++;
        struct ipc_world iw = { w.ptrs, w.n, &w.ns, true };
        if (!ipc_check_invariants(&iw, &v)) {
            fprintf(stderr, "ipc-search: invariant broken: %s (pid %d, object %ld) "
                    "after:\n", v.what, v.pid, v.obj);
            print_path(nd, alpha[k]);
            teardown(&w, live);
            return false;
        }
        bool fresh = visit(state_hash(&w));
        if (!teardown(&w, live)) {
            fprintf(stderr, "ipc-search: IPC objects leaked after:\n");
            print_path(nd, alpha[k]);
            return false;
        }
        if (fresh && !last && *nn < cap) {
            next[*nn] = *nd;
            next[*nn].path[next[*nn].len++] = alpha[k];
            (*nn)++;
        }
    }
    return true;
}

int main(int argc, char **argv)
{
    int depth = argc > 1 ? atoi(argv[1]) : 5, nprocs = argc > 2 ? atoi(argv[2]) : 3;
    long cap = 1000000, nf = 1, nn, trans = 0;
    clock_t t0 = clock();

    if (depth < 1 || depth > DEPTH_MAX || nprocs < 2 || nprocs > PROCS_MAX) {
        fprintf(stderr, "usage: ipc-search [DEPTH (1..%d) [PROCS (2..%d)]]\n",
                DEPTH_MAX, PROCS_MAX);
        return 2;
    }
    visited = calloc((size_t)1 << SET_BITS, sizeof *visited);
    struct node *front = calloc((size_t)cap, sizeof *front);
    struct node *next = calloc((size_t)cap, sizeof *next);
    if (!visited || !front || !next)
        return 2;
    {
        static struct world w;
        start(&w, nprocs);
        visit(state_hash(&w));
        teardown(&w, 0);
    }
    int rc = 0;
    for (int d = 0; d < depth && !rc; d++) {
        nn = 0;
        for (long i = 0; i < nf && !rc; i++)
            if (!expand(&front[i], nprocs, next, &nn, cap, &trans, d + 1 == depth))
                rc = 1;
        if (rc)
            break;
        printf("depth %d: %ld states so far, %ld transitions\n", d + 1, nvisited, trans);
        fflush(stdout);
        struct node *t = front;
        front = next;
        next = t;
        nf = nn;
        if (nn == cap) {
            fprintf(stderr, "ipc-search: more than %ld new states at depth %d: "
                    "search a smaller scope\n", cap, d + 1);
            rc = 1;
        }
    }
    if (!rc)
        printf("ipc-search: %d processes, %d handle slots, depth %d: %ld distinct "
               "states, %ld transitions, every invariant holds, nothing leaked "
               "(%.1f s of CPU)\n", nprocs, IPC_HANDLES_MAX, depth, nvisited, trans,
               (double)(clock() - t0) / CLOCKS_PER_SEC);
    free(front);
    free(next);
    free(visited);
    return rc;
}
