/*
 * script.c: the IPC test service (script.h).  A script's processes have
 * no threads: each is a struct ipc_proc with 128 KiB of memory, and the
 * service issues each step's operation for it in script order.  A wake
 * hook records the processes an operation woke, so that the trace lists
 * them after the step in wake order, exactly as spec/ipc/script.py's
 * run_script does.
 *
 * Buffers follow spec/ipc.md: a sent buffer holds byte (label + i) & 0xff
 * at offset i; a receive buffer is filled with SCRIPT_FILL before the
 * receive, and what arrives is checked against the sender's pattern
 * (a mismatch prints "!bad" after the buf= field, which the model never
 * prints, so any corruption is a divergence).
 */
#include "ipc/test/script.h"

#include <stdbool.h>
#include <stdint.h>

#include "ipc/invariants.h"
#include "ipc/ipc.h"
#include "ipc/test/scriptparse.h"

/* ---- output ------------------------------------------------------------ */

/* One run of one script: its processes and the line being printed. */
struct sproc;
struct srun {
    const struct script_sink *out;
    struct ipc_ns ns;
    int nprocs;
    struct sproc *procs;            /* [0, nprocs): pid i + 1 */
    struct sproc *woken[SCRIPT_PROCS_MAX];
    int nwoken;                     /* by the current step */
    bool wake_overflow;             /* woken more than SCRIPT_PROCS_MAX */
    char line[SCRIPT_LINE_MAX];
    size_t len;
};

/* A script process: its IPC side, memory, and the receive in progress. */
struct sproc {
    struct ipc_proc ip;
    struct srun *run;
    uint8_t *mem;                   /* SCRIPT_MEM_SIZE bytes */
    enum sop op;                    /* the last operation it issued */
    struct ipc_rbuf rb;             /* that operation's receive buffer */
    bool tail_ok;                   /* rb did not overlap its own sent
                                       buffer: bytes past those copied
                                       must still be SCRIPT_FILL */
};

/* put: append s to the line (cut at SCRIPT_LINE_MAX - 1 characters). */
static void put(struct srun *r, const char *s)
{
    while (*s && r->len + 1 < SCRIPT_LINE_MAX)
        r->line[r->len++] = *s++;
}

/* put_u: append v in decimal. */
static void put_u(struct srun *r, uint64_t v)
{
    char buf[24];
    int i = sizeof buf - 1;
    buf[i] = '\0';
    do {
        buf[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    put(r, buf + i);
}

/* put_kv: " KEY=V" */
static void put_kv(struct srun *r, const char *key, uint64_t v)
{
    put(r, " ");
    put(r, key);
    put(r, "=");
    put_u(r, v);
}

/* put_list: " KEY=A,B,C" */
static void put_list(struct srun *r, const char *key, const uint32_t *v,
                     uint32_t n)
{
    put(r, " ");
    put(r, key);
    put(r, "=");
    for (uint32_t i = 0; i < n; i++) {
        if (i)
            put(r, ",");
        put_u(r, v[i]);
    }
}

/* flush: print the line built so far and start a new one. */
static void flush(struct srun *r)
{
    r->line[r->len] = '\0';
    r->out->line(r->out->arg, r->line);
    r->len = 0;
}

/* say: print the line "A N B" (without N when it is negative), through
 * r's line buffer (empty, as between lines). */
static void say(struct srun *r, const char *a, long n, const char *b)
{
    put(r, a);
    if (n >= 0)
        put_u(r, (uint64_t)n);
    put(r, b);
    flush(r);
}

/* ---- buffers ----------------------------------------------------------- */

/* inside: [ptr, ptr+n) lies within a process's memory. */
static bool inside(uint32_t ptr, uint32_t n)
{
    return (uint64_t)ptr + n <= SCRIPT_MEM_SIZE;
}

/*
 * buf_good: whether what sp received (got: len and copied) is what the
 * sender's pattern says: copied <= the capacity, the copied bytes are
 * (label + i) & 0xff, and (when checkable) the rest of the buffer still
 * holds SCRIPT_FILL.
 */
static bool buf_good(struct sproc *sp, const struct ipc_got *g)
{
    uint32_t cap = sp->rb.has ? sp->rb.cap : 0;
    if (g->copied > cap || g->copied > g->len)
        return false;
    const uint8_t *b = sp->mem + sp->rb.ptr;
    for (uint32_t i = 0; i < g->copied; i++)
        if (b[i] != (uint8_t)(g->label + i))
            return false;
    for (uint32_t i = g->copied; sp->tail_ok && i < cap; i++)
        if (b[i] != SCRIPT_FILL)
            return false;
    return true;
}

/*
 * prepare: before sp issues st: note the operation, fill its receive
 * buffer with SCRIPT_FILL and then its sent buffer with its pattern
 * (in that order: the two may overlap, and the sent bytes must be the
 * pattern when they are copied).  Ranges outside memory are left alone
 * (the operation will say EFAULT).
 */
static void prepare(struct sproc *sp, const struct step *st)
{
    int fl = script_ops[st->op].flags;
    const struct ipc_msg *m = &st->msg;
    bool rb = (fl & F_RBUF) && st->rb.has && inside(st->rb.ptr, st->rb.cap);
    bool sb = (fl & F_MSG) && m->has_buf && inside(m->buf, m->len);
    sp->op = st->op;
    sp->rb = (fl & F_RBUF) ? st->rb : (struct ipc_rbuf){ 0 };
    sp->tail_ok = !(sb && rb && m->buf < st->rb.ptr + st->rb.cap &&
                    st->rb.ptr < m->buf + m->len);
    if (rb)
        __builtin_memset(sp->mem + st->rb.ptr, SCRIPT_FILL, st->rb.cap);
    for (uint32_t i = 0; sb && i < m->len; i++)
        sp->mem[m->buf + i] = (uint8_t)(m->label + i);
}

/* ---- results -------------------------------------------------------- */

/* put_msg: a received message's fields, in spec/ipc.md's order. */
static void put_msg(struct srun *r, struct sproc *sp, const struct ipc_got *g)
{
    put_kv(r, "badge", g->badge);
    put_kv(r, "label", g->label);
    if (g->nwords)
        put_list(r, "words", g->words, g->nwords);
    if (g->has_buf) {
        put_kv(r, "buf", g->len);
        put(r, "/");
        put_u(r, g->copied);
        if (!buf_good(sp, g))
            put(r, "!bad");
    }
    if (g->nhandles)
        put_list(r, "handles", g->handles, g->nhandles);
    if (g->reply >= 0)
        put_kv(r, "reply", (uint32_t)g->reply);
}

/*
 * put_result: what sp sees of its operation op: "blocked", an error
 * name, or "ok" and the fields that apply (h=, word=, a message).
 */
static void put_result(struct srun *r, struct sproc *sp, enum sop op, int res)
{
    const struct ipc_got *g = &sp->ip.got;
    if (res == IPC_BLOCKED) {
        put(r, "blocked");
        return;
    }
    put(r, ipc_err_name(res));
    if (res != IPC_OK)
        return;
    if (op == OP_EP_CREATE || op == OP_NTFN_CREATE || op == OP_DUP ||
        op == OP_GIVE)
        put_kv(r, "h", (uint32_t)g->h);
    else if (op == OP_WAIT)
        put_kv(r, "word", g->word);
    else if (op == OP_REVOKE)
        put_kv(r, "n", g->n);
    else if (g->has_msg)
        put_msg(r, sp, g);
}

/* ---- running ----------------------------------------------------------- */

/* smem: the mem hook: bytes [off, off+len) of the process's memory,
 * NULL if they are not all inside it. */
static void *smem(struct ipc_proc *p, uint32_t off, uint32_t len)
{
    struct sproc *sp = p->owner;
    return inside(off, len) ? sp->mem + off : NULL;
}

/* swake: the wake hook: remember sp in the step's wake list. */
static void swake(struct ipc_proc *p)
{
    struct sproc *sp = p->owner;
    struct srun *r = sp->run;
    if (r->nwoken < SCRIPT_PROCS_MAX)
        r->woken[r->nwoken++] = sp;
    else
        r->wake_overflow = true;
}

/*
 * issue: run step st's operation for sp; returns its result (IPC_OK for
 * exit and kill, as the model).
 */
static int issue(struct srun *r, struct sproc *sp, const struct step *st)
{
    struct ipc_proc *p = &sp->ip;
    const uint32_t *a = st->pos;
    switch (st->op) {
    case OP_EP_CREATE: return ipc_ep_create(p);
    case OP_NTFN_CREATE: return ipc_ntfn_create(p);
    case OP_DUP: return ipc_dup(p, a[0], a[1], a[2]);
    case OP_CLOSE: return ipc_close(p, a[0]);
    case OP_GIVE: return ipc_give(p, a[0], &r->procs[a[1] - 1].ip);
    case OP_SEND: return ipc_send(p, a[0], &st->msg);
    case OP_TRY_SEND: return ipc_try_send(p, a[0], &st->msg);
    case OP_CALL: return ipc_call(p, a[0], &st->msg, &st->rb);
    case OP_RECV: return ipc_recv(p, a[0], &st->rb);
    case OP_TRY_RECV: return ipc_try_recv(p, a[0], &st->rb);
    case OP_REPLY: return ipc_reply(p, a[0], &st->msg);
    case OP_REPLY_RECV:
        return ipc_reply_recv(p, a[0], &st->msg, a[1], &st->rb);
    case OP_SIGNAL: return ipc_signal(p, a[0]);
    case OP_WAIT: return ipc_wait(p, a[0]);
    case OP_REVOKE: return ipc_revoke(p, a[0]);
    case OP_EXIT: case OP_KILL: default:
        ipc_exit(p);
        return IPC_OK;
    }
}

/*
 * issuable: whether st's process can issue it (model: ScriptError
 * otherwise): running, except that kill needs only not dead; give's
 * target must be a running process too.
 */
static bool issuable(struct srun *r, const struct step *st)
{
    enum ipc_state s = r->procs[st->pid - 1].ip.state;
    if (st->op == OP_KILL)
        return s != IPC_DEAD;
    if (s != IPC_RUNNING)
        return false;
    if (st->op != OP_GIVE)
        return true;
    uint32_t to = st->pos[1];
    return to >= 1 && to <= (uint32_t)r->nprocs &&
           r->procs[to - 1].ip.state == IPC_RUNNING;
}

/*
 * invariants_hold: spec/ipc.md's invariants on the C state after step n
 * (ipc_check_invariants, exact: scripts make no kernel references);
 * false after an error line naming the one that broke.
 */
static bool invariants_hold(struct srun *r, int n)
{
    struct ipc_proc *ps[SCRIPT_PROCS_MAX];
    struct ipc_violation v;

    for (int i = 0; i < r->nprocs; i++)
        ps[i] = &r->procs[i].ip;
    struct ipc_world w = { ps, r->nprocs, &r->ns, true };
    if (ipc_check_invariants(&w, &v))
        return true;
    put(r, "error: step ");
    put_u(r, (uint64_t)n);
    put(r, ": invariant broken: ");
    put(r, v.what);
    say(r, " (pid ", v.pid, ")");
    return false;
}

/*
 * run_step: step n: issue it, print its line and one line per process
 * it woke, then check the invariants.  Returns false (after an error
 * line) if it cannot be issued or an invariant broke.
 */
static bool run_step(struct srun *r, int n, const struct step *st)
{
    struct sproc *sp = &r->procs[st->pid - 1];
    if (!issuable(r, st)) {
        say(r, "error: step ", n, ": its process cannot issue it "
            "(not running, or give to a process not running)");
        return false;
    }
    prepare(sp, st);
    r->nwoken = 0;
    int res = issue(r, sp, st);
    put_u(r, (uint64_t)n);
    put(r, ": ");
    put_u(r, (uint64_t)st->pid);
    put(r, " ");
    put(r, script_ops[st->op].name);
    put(r, " -> ");
    put_result(r, sp, st->op, res);
    flush(r);
    for (int i = 0; i < r->nwoken; i++) {
        struct sproc *w = r->woken[i];
        put_u(r, (uint64_t)n);
        put(r, ": wake ");
        put_u(r, (uint64_t)w->ip.pid);
        put(r, " -> ");
        put_result(r, w, w->op, w->ip.result);
        flush(r);
    }
    return invariants_hold(r, n);
}

/* put_obj: an object's trace name, "ep3" / "ntfn4". */
static void put_obj(struct srun *r, const struct ipc_obj *o)
{
    if (!o) {
        put(r, "?");
        return;
    }
    put(r, o->kind == IPC_KIND_EP ? "ep" : o->kind == IPC_KIND_NTFN
                                               ? "ntfn" : "reply");
    put_u(r, o->id);
}

/* put_handle: " SLOT=KINDn:RIGHTS:BADGE" or " SLOT=reply:CALLER". */
static void put_handle(struct srun *r, int slot, const struct ipc_handle *h)
{
    put(r, " ");
    put_u(r, (uint64_t)slot);
    put(r, "=");
    if (h->obj->kind == IPC_KIND_REPLY) {
        put(r, "reply:");
        if (h->obj->caller)
            put_u(r, (uint64_t)h->obj->caller->pid);
        else
            put(r, "-");
        return;
    }
    put_obj(r, h->obj);
    put(r, h->rights & IPC_R_SEND ? ":s" : ":-");
    put(r, h->rights & IPC_R_RECV ? "r" : "-");
    put(r, h->rights & IPC_R_GRANT ? "g:" : "-:");
    put_u(r, h->badge);
}

/* put_queue: " NAME=PIDS" ("-" when empty). */
static void put_queue(struct srun *r, const char *name,
                      const struct ipc_queue *q)
{
    put(r, " ");
    put(r, name);
    put(r, "=");
    if (!q->head)
        put(r, "-");
    for (struct ipc_proc *p = q->head; p; p = p->qnext) {
        put_u(r, (uint64_t)p->pid);
        if (p->qnext)
            put(r, ",");
    }
}

/* print_final: "final", a line per process, a line per live object. */
static void print_final(struct srun *r)
{
    put(r, "final");
    flush(r);
    for (int i = 0; i < r->nprocs; i++) {
        struct ipc_proc *p = &r->procs[i].ip;
        put(r, "proc ");
        put_u(r, (uint64_t)p->pid);
        put(r, " ");
        put(r, ipc_state_name(p->state));
        if (p->state >= IPC_SEND && p->state <= IPC_WAIT) {
            put(r, ":");
            put_obj(r, p->on);
        }
        for (int s = 0; s < IPC_HANDLES_MAX; s++)
            if (p->handles[s].obj)
                put_handle(r, s, &p->handles[s]);
        flush(r);
    }
    for (struct ipc_obj *o = r->ns.objs; o; o = o->next) {
        put_obj(r, o);
        if (o->kind == IPC_KIND_EP) {
            put_queue(r, "sendq", &o->sendq);
            put_queue(r, "recvq", &o->recvq);
        } else {
            put_kv(r, "word", o->word);
            put_queue(r, "waitq", &o->waitq);
        }
        flush(r);
    }
}

/* ---- one script --------------------------------------------------------- */

/*
 * run_free: end every process still alive (closing its handles frees
 * the script's objects), then free the memory.  Holds: r->procs has
 * r->nprocs entries, some of whose mem may be NULL.
 */
static void run_free(struct srun *r)
{
    for (int i = 0; i < r->nprocs; i++) {
        r->nwoken = 0;
        ipc_exit(&r->procs[i].ip);
    }
    for (int i = 0; i < r->nprocs; i++)
        ipc_free(r->procs[i].mem);
    ipc_free(r->procs);
}

/* run_init: nprocs running processes with memory, in a fresh domain.
 * Returns false if memory ran out (everything freed again). */
static bool run_init(struct srun *r, int nprocs)
{
    ipc_ns_init(&r->ns);
    r->nprocs = nprocs;
    r->procs = ipc_alloc((size_t)nprocs * sizeof *r->procs);
    if (!r->procs)
        return false;
    bool ok = true;
    for (int i = 0; i < nprocs; i++) {
        struct sproc *sp = &r->procs[i];
        sp->run = r;
        sp->mem = ipc_alloc(SCRIPT_MEM_SIZE);
        ok = ok && sp->mem;
        ipc_proc_init(&sp->ip, &r->ns, i + 1, smem, swake, sp);
    }
    if (!ok)
        run_free(r);
    return ok;
}

/* is_magic: whether a (trimmed) line starts a new script. */
static bool is_magic(struct tok t)
{
    return script_tok_is(t, SCRIPT_MAGIC);
}

/*
 * parse_head: the "procs N" line after the magic; returns N, or 0 after
 * printing an error.
 */
static int parse_head(struct srun *r, struct lines *ls)
{
    struct tok t = { "", 0 }, w[SCRIPT_TOKENS_MAX];
    struct lines save = *ls;
    uint32_t n = 0;
    while (script_next_line(ls, &t) && !t.n)
        ;
    if (t.n && script_split(t, w) == 2 && script_tok_is(w[0], "procs") &&
        script_parse_u32(w[1], &n) && n >= 1 && n <= SCRIPT_PROCS_MAX)
        return (int)n;
    if (is_magic(t))
        *ls = save;             /* the next script: leave it be */
    say(r, "error: line ", ls->lineno, ": expected 'procs N' "
        "(N from 1 to 16) after the magic line");
    return 0;
}

/*
 * check_steps: parse every step of the script at ls (up to the next
 * magic line or the end) without running it.  Returns true if all are
 * well formed, else prints the first error.
 */
static bool check_steps(struct srun *r, struct lines ls, int nprocs,
                        struct step *st)
{
    struct tok t;
    while (script_next_line(&ls, &t) && !is_magic(t)) {
        const char *err = t.n ? script_parse_step(t, nprocs, st) : NULL;
        if (err) {
            put(r, "error: line ");
            put_u(r, (uint64_t)ls.lineno);
            put(r, ": ");
            say(r, err, -1, "");
            return false;
        }
    }
    return true;
}

/*
 * run_script: run the steps of the script at ls (the magic line already
 * read) and print its trace.  Returns true if it ran to its end with
 * nothing leaked.  Leaves ls at the next magic line (or the end).
 */
static bool run_script(struct srun *r, struct lines *ls, struct step *st)
{
    int nprocs = parse_head(r, ls);
    if (!nprocs || !check_steps(r, *ls, nprocs, st))
        return false;
    int live = ipc_objs_live();
    if (!run_init(r, nprocs)) {
        say(r, "error: out of memory for ", nprocs, " processes");
        return false;
    }
    bool ok = true;
    struct lines save = *ls;
    struct tok t;
    for (int n = 1; ok && script_next_line(ls, &t) && !is_magic(t);
         save = *ls) {
        if (!t.n)
            continue;
        script_parse_step(t, nprocs, st);
        ok = run_step(r, n++, st);
    }
    *ls = save;
    if (ok)
        print_final(r);
    if (r->wake_overflow)
        say(r, "error: more than ", SCRIPT_PROCS_MAX, " wakes in a step");
    run_free(r);
    int leaked = ipc_objs_live() - live;
    if (leaked)
        say(r, "error: ", leaked, " IPC objects left after the script");
    return ok && !leaked && !r->wake_overflow;
}

/* skip_to_magic: advance ls to just before the next magic line. */
static void skip_to_magic(struct lines *ls)
{
    struct lines save = *ls;
    struct tok t;
    while (script_next_line(ls, &t) && !is_magic(t))
        save = *ls;
    *ls = save;
}

/*
 * run_container: run the scripts of ls one after the other, each under
 * its "=== script K" line, then print "=== end".  Returns the number that
 * failed, or -1 (after an error line) if the text is not a container.
 */
static int run_container(struct srun *r, struct lines *ls, struct step *st)
{
    struct tok t;
    int k = 0, failed = 0;
    while (script_next_line(ls, &t)) {
        if (!t.n)
            continue;
        if (!is_magic(t)) {
            say(r, "error: line ", ls->lineno,
                ": expected '" SCRIPT_MAGIC "' (a script's first line)");
            return -1;
        }
        say(r, "=== script ", ++k, "");
        r->wake_overflow = false;
        if (!run_script(r, ls, st)) {
            failed++;
            skip_to_magic(ls);
        }
    }
    if (!k) {
        say(r, "error: no script (a script starts with '" SCRIPT_MAGIC
            "')", -1, "");
        return -1;
    }
    say(r, "=== end", -1, "");
    return failed;
}

int script_run_all(const char *text, size_t len,
                   const struct script_sink *out)
{
    struct lines ls = { text, text + len, 0 };
    struct srun *r = ipc_alloc(sizeof *r);
    struct step *st = ipc_alloc(sizeof *st);
    int failed = -1;
    if (r && st) {
        r->out = out;
        failed = run_container(r, &ls, st);
    } else {
        out->line(out->arg, "error: out of memory");
    }
    ipc_free(r);
    ipc_free(st);
    return failed;
}
