/*
 * oracle.c: the IPC oracle through the real system calls (spec/ipc.md,
 * "The oracle through the system calls").  One program, two roles:
 *
 *   oracle.wasm            the driver (started at the monitor): runs each
 *                          script of the initrd file oracle.txt, printing
 *                          its trace between "=== script K" lines and a
 *                          last "=== end", as spec/ipc/script.py would
 *   oracle.wasm worker     a worker: one script process; it performs each
 *                          step the driver sends it through the real
 *                          "wisp" host call and reports what it got
 *
 * oracle.txt holds scripts encoded by harness/wisp_harness/ipcoracle.py:
 * "script N" (N processes), then one line of ORACLE_FIELDS numbers per
 * step (the F_* indices below), then "end".
 *
 * The driver spawns N fresh workers per script (their handle tables
 * start empty, as the model's do), and talks to them only through the
 * test kernel's "wisptest" calls (kernel/proc/oracle.c), which live
 * outside every handle table.  For each step it hands the command to
 * the worker and waits until the worker reports a result or the kernel
 * shows it blocked in IPC ("blocked"); then, in the order the kernel
 * logged them, it prints the result of each process the step woke.  So
 * the trace depends on the kernel alone, never on scheduling.  A kill
 * step is the driver's wisp_kill on its process handle; give,
 * fail_alloc, kdev and kinput (the console device's kernel steps) are
 * test calls.
 *
 * A worker's own stack and data lie below ORACLE_BASE; the script's
 * memory (the model's MEM_SIZE bytes, address 0) is mapped at
 * ORACLE_BASE, and memory ends there too (the link flags fix it), so
 * every EFAULT boundary is the model's.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wisp.h"

#define ORACLE_BASE 65536u          /* script address 0 */
#define ORACLE_MEM 131072u          /* the model's MEM_SIZE */
#define ORACLE_FIELDS 37            /* numbers per step */
#define ORACLE_PROCS_MAX 8          /* the kernel's, oracle.h */
#define BAD_PTR 0xfffffff0u         /* outside any memory */

/* the fields of a step */
enum { F_PID, F_OP, F_H, F_R, F_RIGHTS, F_BADGE, F_TO, F_LABEL, F_NWORDS,
       F_WORDS, F_HASBUF = F_WORDS + 9, F_BUFP, F_BUFLEN, F_NHANDLES,
       F_SLOTS, F_MODES = F_SLOTS + 5, F_HASRBUF = F_MODES + 5, F_RBP,
       F_RBCAP, F_BADPTR, F_N };
_Static_assert(F_N + 1 == ORACLE_FIELDS, "field count");

/* the operations, in script.py's names */
enum { OP_EP_CREATE, OP_NTFN_CREATE, OP_DUP, OP_CLOSE, OP_GIVE, OP_SEND,
       OP_TRY_SEND, OP_CALL, OP_RECV, OP_TRY_RECV, OP_REPLY, OP_REPLY_RECV,
       OP_SIGNAL, OP_WAIT, OP_EXIT, OP_KILL, OP_FAIL_ALLOC, OP_WATCH,
       OP_REVOKE, OP_KDEV, OP_KINPUT, OP_COUNT };
static const char *op_names[OP_COUNT] = {
    "ep_create", "ntfn_create", "dup", "close", "give", "send", "try_send",
    "call", "recv", "try_recv", "reply", "reply_recv", "signal", "wait",
    "exit", "kill", "fail_alloc", "watch", "revoke", "kdev", "kinput",
};

/* the test kernel's calls (kernel/proc/oracle.c) */
#define T(name) __attribute__((import_module("wisptest"), import_name(name)))
T("cmd_put") int32_t t_cmd_put(int32_t pid, const void *buf, uint32_t len);
T("cmd_get") int32_t t_cmd_get(void *buf, uint32_t cap, uint32_t *n);
T("rep_put") int32_t t_rep_put(const void *buf, uint32_t len);
T("rep_get") int32_t t_rep_get(int32_t pid, void *buf, uint32_t cap,
                               uint32_t *n);
T("state") int32_t t_state(int32_t pid);
enum { ST_RUNNING, ST_BLOCKED, ST_DEAD, ST_GONE };   /* t_state's answers */
T("wakes") int32_t t_wakes(int32_t *buf, uint32_t cap);
T("give") int32_t t_give(int32_t from, int32_t slot, int32_t to,
                         int32_t *h);
T("fail_allocs") int32_t t_fail_allocs(uint32_t n);
T("kdev") int32_t t_kdev(int32_t to, int32_t *h);
T("kinput") int32_t t_kinput(uint32_t d);
T("mark") uint32_t t_mark(void);
T("dump") int32_t t_dump(const int32_t *pids, uint32_t n, uint32_t base);

/* ---- text ---------------------------------------------------------------- */

static char line[512];
static size_t len;

static void out(const char *s)
{
    size_t n = strlen(s);
    if (len + n < sizeof line) {
        memcpy(line + len, s, n);
        len += n;
    }
}

static void out_u(uint32_t v)
{
    char d[12];
    int i = 11;
    d[i] = 0;
    do
        d[--i] = (char)('0' + v % 10);
    while (v /= 10);
    out(d + i);
}

static void out_kv(const char *k, uint32_t v)
{
    out(" ");
    out(k);
    out("=");
    out_u(v);
}

static void out_list(const char *k, const uint32_t *v, uint32_t n)
{
    out(" ");
    out(k);
    out("=");
    for (uint32_t i = 0; i < n; i++) {
        if (i)
            out(",");
        out_u(v[i]);
    }
}

/* flush: print the line (with a newline) and start a new one. */
static void flush(void)
{
    line[len++] = '\n';
    write(1, line, len);
    len = 0;
}

/* ---- the worker ----------------------------------------------------------- */

static const char *errname(int32_t e)
{
    switch (e) {
    case WISP_EACCES: return "EACCES";
    case WISP_EAGAIN: return "EAGAIN";
    case WISP_EBADF: return "EBADF";
    case WISP_EFAULT: return "EFAULT";
    case WISP_EINVAL: return "EINVAL";
    case WISP_EMFILE: return "EMFILE";
    case WISP_EMSGSIZE: return "EMSGSIZE";
    case WISP_ENOMEM: return "ENOMEM";
    case WISP_EPIPE: return "EPIPE";
    case WISP_ESRCH: return "ESRCH";
    case WISP_ECANCELED: return "ECANCELED";
    case WISP_ENOSPC: return "ENOSPC";
    default: return "E?";
    }
}

/* msg_of: step f's message, addresses mapped to the script's memory. */
static void msg_of(const uint32_t *f, wisp_msg *m)
{
    memset(m, 0, sizeof *m);
    m->label = f[F_LABEL];
    m->nwords = f[F_NWORDS];
    for (uint32_t i = 0; i < f[F_NWORDS] && i < WISP_MSG_WORDS_MAX; i++)
        m->words[i] = f[F_WORDS + i];
    if (f[F_HASBUF]) {
        m->buf = ORACLE_BASE + f[F_BUFP];
        m->len = f[F_BUFLEN];
    }
    m->nhandles = f[F_NHANDLES];
    for (uint32_t i = 0; i < f[F_NHANDLES] && i < WISP_MSG_HANDLES_MAX; i++)
        m->handles[i] = f[F_SLOTS + i] | (f[F_MODES + i] ? WISP_GRANT_MOVE : 0);
}

static void in_of(const uint32_t *f, wisp_in *in)
{
    memset(in, 0, sizeof *in);
    if (f[F_HASRBUF] && f[F_RBCAP]) {
        in->buf = ORACLE_BASE + f[F_RBP];
        in->cap = f[F_RBCAP];
    }
}

/* put_in: a received message's fields, in spec/ipc.md's order. */
static void put_in(const wisp_in *in)
{
    out_kv("badge", in->badge);
    out_kv("label", in->label);
    if (in->nwords)
        out_list("words", in->words, in->nwords);
    if (in->len) {
        out(" buf=");
        out_u(in->len);
        out("/");
        out_u(in->copied);
    }
    if (in->nhandles)
        out_list("handles", in->handles, in->nhandles);
    if (in->reply >= 0)
        out_kv("reply", (uint32_t)in->reply);
}

/* perform: step f through the real host call; its result into line. */
static void perform(const uint32_t *f)
{
    static wisp_msg m;
    static wisp_in in;
    int32_t h = -1, r;
    uint32_t word = 0, taken = 0, bad = f[F_BADPTR];
    wisp_msg *mp = bad ? (wisp_msg *)BAD_PTR : &m;
    wisp_in *ip = bad ? (wisp_in *)BAD_PTR : &in;
    int32_t *hp = bad ? (int32_t *)BAD_PTR : &h;

    msg_of(f, &m);
    in_of(f, &in);
    switch (f[F_OP]) {
    case OP_EP_CREATE: r = wisp_ep_create(hp); break;
    case OP_NTFN_CREATE: r = wisp_ntfn_create(hp); break;
    case OP_DUP: r = wisp_dup((int32_t)f[F_H], f[F_RIGHTS], f[F_BADGE], hp);
        break;
    case OP_CLOSE: r = wisp_close((int32_t)f[F_H]); break;
    case OP_SEND: r = wisp_send((int32_t)f[F_H], mp); break;
    case OP_TRY_SEND: r = wisp_try_send((int32_t)f[F_H], mp); break;
    case OP_CALL: r = wisp_call((int32_t)f[F_H], mp, ip); break;
    case OP_RECV: r = wisp_recv((int32_t)f[F_H], ip); break;
    case OP_TRY_RECV: r = wisp_try_recv((int32_t)f[F_H], ip); break;
    case OP_REPLY: r = wisp_reply((int32_t)f[F_R], mp); break;
    case OP_REPLY_RECV:
        r = wisp_reply_recv((int32_t)f[F_R], mp, (int32_t)f[F_H], ip);
        break;
    case OP_SIGNAL: r = wisp_signal((int32_t)f[F_H]); break;
    case OP_WAIT: r = wisp_wait((int32_t)f[F_H], bad ? (uint32_t *)BAD_PTR
                                                       : &word);
        break;
    case OP_WATCH: r = wisp_watch((int32_t)f[F_TO], (int32_t)f[F_H]); break;
    case OP_REVOKE: r = wisp_revoke((int32_t)f[F_H], bad ? (uint32_t *)BAD_PTR
                                                         : &taken);
        break;
    case OP_EXIT: exit(0);
    default: out("E?op"); return;
    }
    if (r) {
        out(errname(r));
        return;
    }
    out("ok");
    switch (f[F_OP]) {
    case OP_EP_CREATE: case OP_NTFN_CREATE: case OP_DUP:
        out_kv("h", (uint32_t)h);
        break;
    case OP_CALL: case OP_RECV: case OP_TRY_RECV: case OP_REPLY_RECV:
        put_in(&in);
        break;
    case OP_WAIT:
        out_kv("word", word);
        break;
    case OP_REVOKE:
        out_kv("n", taken);
        break;
    }
}

/* worker: perform each command the driver sends, report each result. */
static int worker(void)
{
    static uint32_t f[ORACLE_FIELDS];
    uint32_t n;
    for (;;) {
        while (t_cmd_get(f, sizeof f, &n) != 0)
            wisp_yield();
        len = 0;
        perform(f);
        t_rep_put(line, (uint32_t)len);
        len = 0;
    }
}

/* ---- the driver ------------------------------------------------------------ */

static int32_t pids[ORACLE_PROCS_MAX], procs[ORACLE_PROCS_MAX];
static int nprocs;

/* mpid: the script's pid of kernel pid `pid` (0 if none). */
static int mpid(int32_t pid)
{
    for (int i = 0; i < nprocs; i++)
        if (pids[i] == pid)
            return i + 1;
    return 0;
}

/* report: wait for worker i's report and print "N: WHO OP -> REPORT". */
static void await_report(int i, const char *head)
{
    static char rep[256];
    uint32_t n;
    while (t_rep_get(pids[i], rep, sizeof rep - 1, &n) != 0)
        wisp_yield();
    rep[n] = 0;
    out(head);
    out(rep);
    flush();
}

/* gone: wait until process pid has ended completely: its IPC, then its
 * release, which signals the watches on it (kernel/proc/sysinfo.c). */
static void gone(int32_t pid)
{
    while (t_state(pid) != ST_GONE)
        wisp_yield();
}

/* step: perform step number k (fields f) and print its trace lines. */
static void step(int k, const uint32_t *f)
{
    static char head[64];
    static int32_t woke[64];
    static uint32_t g[ORACLE_FIELDS];
    int i = (int)f[F_PID] - 1;
    int32_t h = -1, r;

    memcpy(g, f, sizeof g);
    len = 0;
    out_u((uint32_t)k);
    out(": ");
    out_u(f[F_PID]);
    out(" ");
    out(f[F_OP] < OP_COUNT ? op_names[f[F_OP]] : "?");
    out(" -> ");
    memcpy(head, line, len);
    head[len] = 0;
    len = 0;
    switch (f[F_OP]) {
    case OP_GIVE:
    case OP_KDEV:
        r = f[F_OP] == OP_KDEV
                ? t_kdev(pids[i], &h)
                : t_give(pids[i], (int32_t)f[F_H], pids[f[F_TO] - 1], &h);
        out(head);
        out(r ? errname(r) : "ok");
        if (!r)
            out_kv("h", (uint32_t)h);
        flush();
        break;
    case OP_KINPUT:
        r = t_kinput(f[F_N]);
        out(head);
        out(r ? errname(r) : "ok");
        flush();
        break;
    case OP_FAIL_ALLOC:
        t_fail_allocs(f[F_N]);
        out(head);
        out("ok");
        flush();
        break;
    case OP_KILL:
        wisp_kill(procs[i], pids[i]);
        gone(pids[i]);
        out(head);
        out("ok");
        flush();
        break;
    default:
        if (f[F_OP] == OP_WATCH)        /* the script's pid -> the kernel's */
            g[F_TO] = f[F_TO] >= 1 && (int)f[F_TO] <= nprocs
                          ? (uint32_t)pids[f[F_TO] - 1] : 0;
        t_cmd_put(pids[i], g, ORACLE_FIELDS * 4);
        for (;;) {
            static char rep[256];
            uint32_t n;
            if (t_rep_get(pids[i], rep, sizeof rep - 1, &n) == 0) {
                rep[n] = 0;
                out(head);
                out(rep);
                break;
            }
            int st = t_state(pids[i]);
            if (st != ST_RUNNING) {     /* blocked, or ended (an exit) */
                if (st != ST_BLOCKED)
                    gone(pids[i]);
                out(head);
                out(st == ST_BLOCKED ? "blocked"
                                     : f[F_OP] == OP_EXIT ? "ok" : "died");
                break;
            }
            wisp_yield();
        }
        flush();
    }
    /* the wakes, in the kernel's order; a dying process is not woken */
    int nw = t_wakes(woke, 64);
    for (int w = 0; w < nw; w++) {
        int q = mpid(woke[w]);
        if (!q || t_state(woke[w]) >= ST_DEAD)
            continue;
        len = 0;
        out_u((uint32_t)k);
        out(": wake ");
        out_u((uint32_t)q);
        out(" -> ");
        memcpy(head, line, len);
        head[len] = 0;
        len = 0;
        await_report(q - 1, head);
    }
}

/* start: n fresh workers; 0, or -1 if one cannot be spawned. */
static int start(int n)
{
    static const char name[] = "oracle.wasm", args[] = "worker";
    for (nprocs = 0; nprocs < n; nprocs++)
        if (wisp_spawn_proc(name, sizeof name - 1, args, sizeof args, NULL,
                            0, &pids[nprocs], &procs[nprocs]) != 0)
            return -1;
    return 0;
}

/* stop: end every worker, close their process handles. */
static void stop(void)
{
    for (int i = 0; i < nprocs; i++) {
        wisp_kill(procs[i], pids[i]);
        gone(pids[i]);
        wisp_close(procs[i]);
    }
    nprocs = 0;
}

/* ---- the script file -------------------------------------------------------- */

static char *text;                  /* oracle.txt, read whole */
static size_t tlen, tpos;

/* load: the initrd file `file` into the region above the stack. */
static int load(const char *file)
{
    char name[48];
    uint32_t size, n;
    text = (char *)(uintptr_t)ORACLE_BASE;
    for (uint32_t i = 0; wisp_initrd_stat(i, name, sizeof name, &size) == 0;
         i++) {
        if (strcmp(name, file) != 0)
            continue;
        if (size >= ORACLE_MEM)
            return -1;
        wisp_initrd_read(i, 0, text, size, &n);
        text[n] = 0;
        tlen = n;
        return 0;
    }
    return -1;
}

/* word: the next whitespace-separated word (NULL at the end). */
static char *word(void)
{
    while (tpos < tlen && (text[tpos] == ' ' || text[tpos] == '\n'))
        tpos++;
    if (tpos >= tlen)
        return NULL;
    char *w = text + tpos;
    while (tpos < tlen && text[tpos] != ' ' && text[tpos] != '\n')
        tpos++;
    text[tpos++] = 0;
    return w;
}

static int driver(const char *file)
{
    static uint32_t f[ORACLE_FIELDS];
    int k = 0;
    char *w;
    if (load(file) != 0) {
        out("oracle: no such file in the initrd, or too large: ");
        out(file);
        flush();
        return 1;
    }
    while ((w = word()) && strcmp(w, "script") == 0) {
        int n = atoi(word());
        len = 0;
        out("=== script ");
        out_u((uint32_t)++k);
        flush();
        if (n > ORACLE_PROCS_MAX || start(n) != 0) {
            out("error: cannot start the workers");
            flush();
            stop();
            while ((w = word()) && strcmp(w, "end") != 0)
                ;
            continue;
        }
        uint32_t base = t_mark();
        t_wakes(NULL, 0);
        t_fail_allocs(0);               /* no switch left on by the last */
        for (int s = 1; (w = word()) && strcmp(w, "end") != 0; s++) {
            f[0] = (uint32_t)strtoul(w, NULL, 10);
            for (int j = 1; j < ORACLE_FIELDS; j++)
                f[j] = (uint32_t)strtoul(word(), NULL, 10);
            step(s, f);
        }
        t_dump(pids, (uint32_t)nprocs, base);
        stop();
        t_wakes(NULL, 0);
    }
    len = 0;
    out("=== end");
    flush();
    return 0;
}

int main(int argc, char **argv)
{
    extern char __heap_base;
    if ((uintptr_t)&__heap_base > ORACLE_BASE) {
        out("oracle: data and stack reach the script's memory");
        flush();
        return 1;
    }
    if (argc > 1 && strcmp(argv[1], "worker") == 0)
        return worker();
    return driver(argc > 1 ? argv[1] : "oracle.txt");
}
