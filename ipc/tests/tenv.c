/*
 * tenv.c: the test environment of tenv.h, and main: runs every group of
 * tests (with the argument "fast", only the fast path's) and prints
 * "ipc-core-test: N checks, F failed".
 */
#include "ipc/tests/tenv.h"

#include "ipc/invariants.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int t_checks, t_failed, t_alloc_fail;
int t_wakelog[64], t_nwakelog;
struct tproc t[T_PROCS + 1];
static struct ipc_ns ns;
static int nprocs;

/* ipc_alloc: zeroed host memory, or NULL while t_alloc_fail says so. */
void *ipc_alloc(size_t bytes)
{
    if (t_alloc_fail > 0) {
        t_alloc_fail--;
        return NULL;
    }
    return calloc(1, bytes);
}

/* ipc_free: give back a block of ipc_alloc. */
void ipc_free(void *block)
{
    free(block);
}

static bool in_wake;        /* inside a wake hook: mid-operation */

/*
 * invariants: between operations (never inside a wake hook, where the
 * operation is half done), spec/ipc.md's invariants hold on the test
 * processes (not exact: the kref tests add kernel references).
 */
static void invariants(const char *file, int line)
{
    struct ipc_proc *ps[T_PROCS];
    struct ipc_violation v;

    if (in_wake || !nprocs)
        return;
    for (int i = 0; i < nprocs; i++)
        ps[i] = P(i + 1);
    struct ipc_world w = { ps, nprocs, &ns, false };
    t_checks++;
    if (!ipc_check_invariants(&w, &v)) {
        t_failed++;
        printf("FAIL %s:%d: invariant broken: %s (pid %d, object %ld)\n", file,
               line, v.what, v.pid, v.obj);
    }
}

/* t_check: count a check; print the failing ones with file and line;
 * then the invariants (so they are checked after every operation a
 * test checks the result of). */
void t_check(const char *file, int line, bool ok, const char *what)
{
    t_checks++;
    if (!ok) {
        t_failed++;
        printf("FAIL %s:%d: %s\n", file, line, what);
    }
    invariants(file, line);
}

/* mem: bytes [off, off+len) of a test process's memory, or NULL. */
static void *mem(struct ipc_proc *p, uint32_t off, uint32_t len)
{
    struct tproc *tp = p->owner;

    if (off > T_MEM || len > T_MEM - off)
        return NULL;
    return tp->mem + off;
}

/* wake: count it; the core must have made p running with its result. */
static void wake(struct ipc_proc *p)
{
    struct tproc *tp = p->owner;

    tp->wakes++;
    if (t_nwakelog < 64)
        t_wakelog[t_nwakelog++] = p->pid;
    in_wake = true;
    CHECK(p->state == IPC_RUNNING && p->result != IPC_BLOCKED);
    in_wake = false;
}

/* t_setup: see tenv.h. */
void t_setup(int n)
{
    ipc_ns_init(&ns);
    nprocs = n;
    t_nwakelog = 0;
    for (int i = 1; i <= n; i++) {
        memset(&t[i], 0, sizeof t[i]);
        ipc_proc_init(&t[i].ip, &ns, i, mem, wake, &t[i]);
    }
}

/* t_teardown: see tenv.h. */
void t_teardown(void)
{
    for (int i = 1; i <= nprocs; i++)
        ipc_exit(P(i));
    CHECK_EQ(ipc_objs_live(), 0);
    CHECK(ns.objs == NULL && ns.objs_tail == NULL);
    t_alloc_fail = 0;
}

struct ipc_msg t_msg(uint32_t label)
{
    struct ipc_msg m;

    memset(&m, 0, sizeof m);
    m.label = label;
    return m;
}

struct ipc_msg t_msg_words(uint32_t label, uint32_t n, const uint32_t *w)
{
    struct ipc_msg m = t_msg(label);

    m.nwords = n;
    memcpy(m.words, w, (n <= IPC_MSG_WORDS_MAX ? n : 0) * sizeof *w);
    return m;
}

struct ipc_msg t_msg_buf(uint32_t label, uint32_t ptr, uint32_t len)
{
    struct ipc_msg m = t_msg(label);

    m.has_buf = true;
    m.buf = ptr;
    m.len = len;
    return m;
}

void t_grant(struct ipc_msg *m, uint32_t slot, char mode)
{
    m->handles[m->nhandles].slot = slot;
    m->handles[m->nhandles].mode = (uint8_t)mode;
    m->nhandles++;
}

struct ipc_rbuf t_rbuf(uint32_t ptr, uint32_t cap)
{
    return (struct ipc_rbuf){ true, ptr, cap };
}

/* t_serve: see tenv.h. */
void t_serve(int i, int from, int to)
{
    int slot;

    CHECK_EQ(ipc_ep_create(P(i)), IPC_OK);
    slot = P(i)->got.h;
    for (int j = from; j <= to; j++)
        CHECK_EQ(ipc_give(P(i), (uint32_t)slot, P(j)), IPC_OK);
}

/* main: every group of checks, or with the argument "fast" only the
 * specialised operations against the general ones (lab 6's fast path
 * is graded on it); the count of checks and failures last. */
int main(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "fast") == 0) {
        test_fast();
    } else {
        test_callreply();
        test_grants();
        test_death();
        test_errors();
        test_ntfn();
        test_invariants();
        test_kref();
        test_revoke();
        test_fast();
        test_hold();
    }
    printf("ipc-core-test: %d checks, %d failed\n", t_checks, t_failed);
    return t_failed != 0;
}

/* t_slot: slot itself when 0 <= slot < IPC_HANDLES_MAX (one passed check);
 * otherwise one failed check, reported like CHECK's, and 0. */
uint32_t t_slot(const char *file, int line, int64_t slot, const char *what)
{
    bool ok = slot >= 0 && slot < IPC_HANDLES_MAX;
    t_check(file, line, ok, what);
    return ok ? (uint32_t)slot : 0;
}

/* t_obj: the object in p's slot (one passed check); when the slot is
 * empty, one failed check and a zeroed stand-in, so the test goes on. */
struct ipc_obj *t_obj(const char *file, int line, struct ipc_proc *p,
                      uint32_t slot, const char *what)
{
    static struct ipc_obj stand_in;
    struct ipc_obj *o = p->handles[slot].obj;
    t_check(file, line, o != NULL, what);
    if (o)
        return o;
    memset(&stand_in, 0, sizeof stand_in);
    return &stand_in;
}
