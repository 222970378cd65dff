/*
 * init: the first process.  The kernel starts it (kernel command line
 * init=init.wasm) with one handle, slot 0 = the console device.  It
 * reads the initrd file `manifest`, starts the services listed there in
 * order, each with only the handles its line names and the quota it
 * names, waits for a service that registers a name to have done so
 * before starting the next line, and watches every process it started:
 * one that ends is restarted if its line says `restart`, at once or,
 * when it keeps ending right after its start, after a growing delay.  It
 * never ends, and never gives up on a `restart` line.
 *
 * The manifest (spec/services.md; the parser is services/lib/manifest.c),
 * one service per line, `#` comments:
 *
 *     NAME PROGRAM [restart] [register] [slots=W,W,...] [procs=N]
 *          [mem=MIB] [-- ARGS...]
 *
 * slots= lists the handles the program gets, in its slots 0, 1, ... (at
 * most 4): `-` a placeholder with no rights, `console` a send handle on
 * the console service badged for this line, `console-owner` the
 * unbadged console handle with grant (for the shell: it mints badges
 * and sets the foreground), `fs` a file service handle the kernel badges
 * with the program's pid, `fs-owner` the unbadged one (the shell's),
 * `names` (with NAMES_MAY_REGISTER in its badge and the grant right if
 * the line says `register`), `serve` the line's own endpoint, `device`
 * the console device, `notify` a send handle on init's notification (for
 * the name server, to say a name was registered), `init` one to ask init
 * to restart this line (signal it, or wisp_watch a helper process with
 * it), `control` a send handle on init's control endpoint (the shell's
 * `restart`), `console-screen` and `console-keys` send handles on the
 * console badged for its screen and keyboard drivers (proto.h), and
 * `vga-ports`, `vga-text`, `ps2-data`, `ps2-cmd`, `irq1` the I/O
 * capabilities the kernel gave init in its slots 1..5 (services/lib/
 * dev.h).  `console`, `fs` and `names` are the `serve` endpoints of
 * the lines named console, fs and names.
 *
 * init holds the process handle of everything it starts (spawn gives
 * it), so only init can kill a service.  It has no timer and cannot wait
 * on its notification and an endpoint at once, so it runs two kinds of
 * helper, processes of its own program: `init.wasm delay MS` sleeps and
 * ends (init watches the end: a back-off's timer), and `init.wasm control
 * NAME...` serves the control endpoint, turning INIT_RESTART into a bit
 * of init's notification.
 *
 * init creates every `serve` endpoint before starting anything and keeps
 * it: a restarted service serves the same endpoint, so its clients' and
 * the name server's handles stay good, and calls made meanwhile wait.
 * When a service is retired init closes its endpoint, so its clients
 * get EPIPE instead of waiting forever.
 *
 * init prints with printf: its slot 0 is not a console endpoint, so the
 * kernel's WASI layer writes straight to the serial line.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "labtodo.h"
#include "manifest.h"
#include "svc.h"

#define INIT_SLOT_DEVICE 0          /* the console device, from the kernel */
#define INIT_MANIFEST_MAX 4096      /* bytes of the manifest read */
/* The watch word: bit LINE says line LINE's process ended; bit
 * INIT_ASK_SHIFT + LINE that the line is to be restarted now (its `init`
 * slot, e.g. a helper it watches ended, or the shell's `restart`); bit
 * INIT_DELAY_SHIFT + LINE that its back-off delay is over;
 * INIT_BIT_CONTROL that the control helper ended; INIT_BIT_NAMED that
 * the name server registered a name. */
#define INIT_ASK_SHIFT 10
#define INIT_DELAY_SHIFT 20
#define INIT_BIT_CONTROL (1u << 30)
#define INIT_BIT_NAMED (1u << 31)
/* Back-off: a service that ends less than INIT_QUICK_MS after its start
 * is restarted at once the first INIT_QUICK_FREE times in a row, then
 * after INIT_BACKOFF_MS, doubling with each quick end up to
 * INIT_BACKOFF_MAX_MS; never given up on. */
#define INIT_QUICK_MS 500
#define INIT_QUICK_FREE 2
#define INIT_BACKOFF_MS 250
#define INIT_BACKOFF_MAX_MS 8000
/* The name-server badge of clients: nonzero (so they cannot mint one)
 * and without NAMES_MAY_REGISTER. */
#define INIT_CLIENT_BADGE 1u

/* One manifest line (manifest.h) as init runs it. */
static struct svc init_svcs[INIT_LINES_MAX];
static int init_nsvcs;
static int32_t init_ntfn;           /* watch notification: rights srg */
static int32_t init_null = -1;      /* the `-` placeholder: no rights */
static int32_t init_control = -1;   /* the control endpoint (srg): the
                                       shell's `restart` (proto.h) */
static int32_t init_control_proc = -1;  /* its helper's process handle */

/* init_now_ms: the monotonic clock in milliseconds. */
static long long init_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- the manifest -------------------------------------------------------- */

/* init_find: the line named name, or NULL. */
static struct svc *init_find(const char *name)
{
    for (int i = 0; i < init_nsvcs; i++)
        if (strcmp(init_svcs[i].name, name) == 0)
            return &init_svcs[i];
    return NULL;
}

/* init_serve_ep: creates line s's `serve` endpoint.  NULL or what is
 * wrong. */
static const char *init_serve_ep(struct svc *s)
{
    if (wisp_ep_create(&s->ep) != 0)
        return "cannot create its endpoint";
    return NULL;
}

/*
 * init_parse: reads every line of the manifest text into init_svcs,
 * creating each `serve` endpoint.  A bad line is reported and skipped.
 */
static void init_parse(char *text)
{
    int lineno = 0;
    for (char *line = text, *next; line; line = next) {
        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        lineno++;
        struct svc *s = &init_svcs[init_nsvcs];
        const char *err = init_nsvcs == INIT_LINES_MAX
            ? "more than 10 services" : init_line(line, s);
        if (!err && s->name[0] && init_find(s->name))
            err = "a second line with this name";
        if (!err && s->name[0] && init_has_slot(s, SK_SERVE))
            err = init_serve_ep(s);
        if (err)
            printf("init: manifest line %d: %s; line ignored\n", lineno, err);
        else if (s->name[0])
            init_nsvcs++;
    }
}

/* ---- starting and watching ----------------------------------------------- */

/* init_ep_of: the endpoint of the line named name, or -1. */
static int32_t init_ep_of(const char *name)
{
    struct svc *s = init_find(name);
    return s ? s->ep : -1;
}

/*
 * init_dup_of: *h = a new handle on the endpoint of service `of` with
 * rights and badge.  ENOENT when no line of that name serves.
 */
static int32_t init_dup_of(const char *of, uint32_t rights, uint32_t badge,
                           int32_t *h)
{
    int32_t ep = init_ep_of(of);
    return ep < 0 ? WISP_ENOENT : wisp_dup(ep, rights, badge, h);
}

/*
 * init_mint: *h = the handle (spawn's list entry) for slot kind k of
 * line i.  *temp is true when it is a new slot the caller must close
 * after the spawn.  Returns 0 or an errno (ENOENT: the service it names
 * is missing).
 */
static int32_t init_mint(int i, int k, int32_t *h, bool *temp)
{
    const struct svc *s = &init_svcs[i];
    uint32_t line_badge = (uint32_t)i + 1;
    int32_t fs = init_ep_of("fs");
    *temp = k != SK_NONE && k != SK_DEVICE && k != SK_SERVE && k != SK_FS &&
            k < SK_IO_FIRST;
    if (k >= SK_IO_FIRST) {             /* the kernel's, passed on */
        *h = SK_IO_SLOT0 + (k - SK_IO_FIRST);
        return 0;
    }
    switch (k) {
    case SK_NONE: *h = init_null; return 0;
    case SK_DEVICE: *h = INIT_SLOT_DEVICE; return 0;
    case SK_SERVE: *h = s->ep; return 0;
    case SK_FS:                     /* the kernel badges it with the pid */
        *h = (int32_t)((uint32_t)fs | WISP_SPAWN_BADGE_PID);
        return fs < 0 ? WISP_ENOENT : 0;
    case SK_FS_OWNER:
        return init_dup_of("fs", WISP_R_SEND, 0, h);
    case SK_CONTROL:
        return wisp_dup(init_control, WISP_R_SEND, line_badge, h);
    case SK_NOTIFY:
        return wisp_dup(init_ntfn, WISP_R_SEND, INIT_BIT_NAMED, h);
    case SK_INIT:
        return wisp_dup(init_ntfn, WISP_R_SEND, 1u << (INIT_ASK_SHIFT + i),
                        h);
    case SK_CONSOLE:
        return init_dup_of("console", WISP_R_SEND, line_badge, h);
    case SK_OWNER:
        return init_dup_of("console", WISP_R_SEND | WISP_R_GRANT, 0, h);
    case SK_SCREEN:
        return init_dup_of("console", WISP_R_SEND, CONS_BADGE_SCREEN, h);
    case SK_KEYS:
        return init_dup_of("console", WISP_R_SEND, CONS_BADGE_KEYS, h);
    default:
        if (s->reg)
            return init_dup_of("names", WISP_R_SEND | WISP_R_GRANT,
                               NAMES_MAY_REGISTER | line_badge, h);
        return init_dup_of("names", WISP_R_SEND, INIT_CLIENT_BADGE, h);
    }
}

/* init_watch: has pid's end signal init's notification with `bit`;
 * says so if it cannot (what: the name to print). */
static void init_watch(int32_t pid, uint32_t bit, const char *what)
{
    int32_t w, err = wisp_dup(init_ntfn, WISP_R_SEND, bit, &w);
    if (err == 0) {
        err = wisp_watch(pid, w);
        wisp_close(w);
    }
    if (err)
        printf("init: cannot watch %s (pid %d): %s\n", what, (int)pid,
               wisp_strerror(err));
}

/* init_spawn_err: a few words on why spawn failed. */
static const char *init_spawn_err(int32_t err)
{
    switch (err) {
    case WISP_ENOENT: return "no such program in the initrd";
    case WISP_EINVAL: return "not a valid program, or arguments too long";
    case WISP_EAGAIN: return "too many processes";
    case WISP_EDQUOT: return "over a limit";
    default: return "spawn failed";
    }
}

/* init_transient: whether a failed start may work later (so is retried
 * with back-off): the table or memory was full, not the line wrong. */
static bool init_transient(int32_t err)
{
    return err == WISP_EAGAIN || err == WISP_EDQUOT || err == WISP_ENOMEM;
}

/*
 * init_spawn: spawns line i's program with the minted handles hs and
 * sets its quota before it runs (it runs when init next blocks).
 * Returns 0 (s->pid and s->proc set) or spawn's errno (said why).
 */
static int32_t init_spawn(int i, const int32_t *hs)
{
    struct svc *s = &init_svcs[i];
    int32_t err = wisp_spawn_proc(s->prog, (uint32_t)strlen(s->prog),
                                  s->args, s->args_len, hs, s->nslots,
                                  &s->pid, &s->proc);
    if (err) {
        printf("init: cannot start %s (%s): %s (%s)\n", s->name, s->prog,
               wisp_strerror(err), init_spawn_err(err));
        s->pid = -1;
        return err;
    }
    err = wisp_limit(s->proc, s->procs,
                     s->mem_mib < 4096 ? s->mem_mib << 20 : UINT32_MAX);
    if (err)
        printf("init: %s (pid %d): quota not set: %s\n", s->name,
               (int)s->pid, wisp_strerror(err));
    return 0;
}

/*
 * init_start: spawns line i's program with its slots and watches it.
 * Returns 0 (s->pid set, "started" printed) or an errno (said why).
 */
static int32_t init_start(int i)
{
    struct svc *s = &init_svcs[i];
    int32_t hs[INIT_SPAWN_SLOTS], err = 0;
    bool temp[INIT_SPAWN_SLOTS] = {false};
    uint32_t n;                     /* slots minted */
    if (s->ep < 0 && init_has_slot(s, SK_SERVE) && init_serve_ep(s))
        return WISP_ENOMEM;         /* a retired line serves again */
    for (n = 0; n < s->nslots; n++)
        if ((err = init_mint(i, s->slots[n], &hs[n], &temp[n])) != 0)
            break;
    if (err)
        printf("init: cannot start %s: slot %u (%s): %s\n", s->name,
               (unsigned)n, init_slot_words[s->slots[n]],
               err == WISP_ENOENT ? "no running service of that name"
                                  : wisp_strerror(err));
    else
        err = init_spawn(i, hs);
    for (uint32_t j = 0; j < n; j++)
        if (temp[j])
            wisp_close(hs[j]);
    if (err)
        return err;
    s->started_ms = init_now_ms();
    printf("init: started %s (pid %d)\n", s->name, (int)s->pid);
    init_watch(s->pid, 1u << i, s->name);
    return 0;
}

/* init_retire: line s will not run again unless asked (the shell's
 * `restart`): close its endpoint, so calls to it get EPIPE rather than
 * wait for a server that never comes. */
static void init_retire(struct svc *s)
{
    if (s->ep >= 0)
        wisp_close(s->ep);
    s->ep = -1;
}

/*
 * init_reregister: the name server has been restarted with an empty
 * table: registers again, on their behalf, the names of the `register`
 * lines that are not retired, as they register themselves (a send
 * handle on their endpoint badged SVC_BADGE_NAMED), through a names
 * handle with each line's own badge.
 */
static void init_reregister(void)
{
    for (int j = 0; j < init_nsvcs; j++) {
        struct svc *s = &init_svcs[j];
        int32_t h, err;
        if (!s->reg || s->ep < 0)
            continue;
        err = init_dup_of("names", WISP_R_SEND | WISP_R_GRANT,
                          NAMES_MAY_REGISTER | ((uint32_t)j + 1), &h);
        if (err == 0) {
            err = svc_register(h, s->ep, SVC_BADGE_NAMED, s->name);
            wisp_close(h);
        }
        if (err)
            printf("init: cannot register %s again: %s\n", s->name,
                   wisp_strerror(err));
    }
}

/* init_backoff_ms: how long to wait before restarting a line that has
 * ended `quick` times in a row right after starting. */
static uint32_t init_backoff_ms(int quick)
{
    if (quick <= INIT_QUICK_FREE)
        return 0;
    if (quick - INIT_QUICK_FREE > 5)
        return INIT_BACKOFF_MAX_MS;
    uint32_t ms = INIT_BACKOFF_MS << (quick - INIT_QUICK_FREE - 1);
    return ms < INIT_BACKOFF_MAX_MS ? ms : INIT_BACKOFF_MAX_MS;
}

/*
 * init_later: restart line i after ms milliseconds.  init has no timer:
 * it starts a process of its own program that sleeps (`init.wasm delay
 * MS`) and watches its end with the line's delay bit.  Retires the line
 * if even that cannot start.
 */
static void init_later(int i, uint32_t ms)
{
    struct svc *s = &init_svcs[i];
    char args[16];
    int n = snprintf(args, sizeof args, "delay%c%u", '\0', (unsigned)ms);
    int32_t pid, err = wisp_spawn_proc("init.wasm", 9, args,
                                       (uint32_t)n + 1, NULL, 0, &pid,
                                       &s->delay);
    if (err) {
        printf("init: %s: cannot wait to restart it (%s); retired\n",
               s->name, wisp_strerror(err));
        s->delay = -1;
        init_retire(s);
        return;
    }
    init_watch(pid, 1u << (INIT_DELAY_SHIFT + i), "a delay");
}

/* init_run: start line i now; a failure that may pass is retried after
 * a back-off, any other retires the line. */
static void init_run(int i)
{
    struct svc *s = &init_svcs[i];
    int32_t err = init_start(i);
    if (err == 0 && strcmp(s->name, "names") == 0)
        init_reregister();
    else if (err && init_transient(err))
        init_later(i, init_backoff_ms(++s->quick + INIT_QUICK_FREE));
    else if (err)
        init_retire(s);
}

/*
 * init_ended: line i's process has ended (its watch bit came).  A bit
 * for a line that is not running (s->pid < 0: a late or repeated bit)
 * is ignored.  Otherwise the line is not running any more (pid -1), and
 * the process handle spawn gave init on it is closed: init holds one
 * handle per process it started, and no more.  The end is quick when
 * the process lived less than INIT_QUICK_MS since s->started_ms; quick
 * ends in a row are counted in s->quick (the count starts over after a
 * long life).  Then:
 *   - a line that does not say `restart` (and was not asked to be
 *     restarted: s->again) is retired: "init: NAME (pid N) ended";
 *   - else, if init_backoff_ms(s->quick) is a delay, it restarts after
 *     it (init_later): "init: NAME (pid N) ended Q times right after
 *     starting; restarting in MS ms";
 *   - else it restarts now (init_run): "init: NAME (pid N) ended,
 *     restarting".
 * s->again is false afterwards.  So a service that dies is back at
 * once, one that cannot stay up costs the machine a start every 8 s at
 * most, and none is ever given up on.
 */
static void init_ended(int i)
{
    struct svc *s = &init_svcs[i];
    // LAB 8 BEGIN init_ended
    int32_t pid = s->pid;
    uint32_t ms;
    if (pid < 0)
        return;
    s->pid = -1;
    wisp_close(s->proc);
    s->proc = -1;
    s->quick = init_now_ms() - s->started_ms < INIT_QUICK_MS ? s->quick + 1
                                                              : 0;
    if (!s->restart && !s->again) {
        printf("init: %s (pid %d) ended\n", s->name, (int)pid);
        init_retire(s);
    } else if ((ms = init_backoff_ms(s->quick)) > 0) {
        printf("init: %s (pid %d) ended %d times right after starting; "
               "restarting in %u ms\n", s->name, (int)pid, s->quick,
               (unsigned)ms);
        init_later(i, ms);
    } else {
        printf("init: %s (pid %d) ended, restarting\n", s->name, (int)pid);
        init_run(i);
    }
    s->again = false;
    // LAB 8 BUG init_ended_keeps_the_process_handle
    // int32_t pid = s->pid;
    // uint32_t ms;
    // if (pid < 0)
    //     return;
    // s->pid = -1;
    // s->proc = -1;
    // s->quick = init_now_ms() - s->started_ms < INIT_QUICK_MS ? s->quick + 1
    //                                                           : 0;
    // if (!s->restart && !s->again) {
    //     printf("init: %s (pid %d) ended\n", s->name, (int)pid);
    //     init_retire(s);
    // } else if ((ms = init_backoff_ms(s->quick)) > 0) {
    //     printf("init: %s (pid %d) ended %d times right after starting; "
    //            "restarting in %u ms\n", s->name, (int)pid, s->quick,
    //            (unsigned)ms);
    //     init_later(i, ms);
    // } else {
    //     printf("init: %s (pid %d) ended, restarting\n", s->name, (int)pid);
    //     init_run(i);
    // }
    // s->again = false;
    // LAB 8 STUB restarts nothing: every line that ends is retired, so a service that dies stays dead (until the shell's `restart`) and its clients get EPIPE
    // LAB_TODO(8, "init_ended");
    // if (s->pid < 0)
    //     return;
    // printf("init: %s (pid %d) ended\n", s->name, (int)s->pid);
    // s->pid = -1;
    // wisp_close(s->proc);
    // s->proc = -1;
    // init_retire(s);
    // s->again = false;
    // LAB 8 END
}

/* init_asked: line i is to be restarted now (its `init` handle, or the
 * shell's `restart`): a running process is killed (its end restarts it,
 * if its line says `restart`); a line that is not running starts now,
 * its back-off forgotten. */
static void init_asked(int i)
{
    struct svc *s = &init_svcs[i];
    if (s->pid >= 0) {
        printf("init: %s (pid %d) asks to be restarted\n", s->name,
               (int)s->pid);
        s->again = true;
        wisp_kill(s->proc, s->pid);
        return;
    }
    if (s->delay >= 0) {
        wisp_close(s->delay);       /* its end is ignored now */
        s->delay = -1;
    }
    s->quick = 0;
    printf("init: %s: starting it again\n", s->name);
    init_run(i);
}

/* init_delayed: line i's back-off delay is over: start it, unless it
 * was started meanwhile. */
static void init_delayed(int i)
{
    struct svc *s = &init_svcs[i];
    if (s->delay < 0 || s->pid >= 0)
        return;
    wisp_close(s->delay);
    s->delay = -1;
    init_run(i);
}

/*
 * init_control_start: (re)starts the control helper, `init.wasm control
 * NAME...`, which serves the control endpoint and signals a line's ask
 * bit for INIT_RESTART (slot 0: a send handle on the watch notification
 * that may mint any bit; slot 1: the control endpoint, receive only).
 */
static void init_control_start(void)
{
    char args[INIT_ARGS_MAX];
    uint32_t len = 8;
    int32_t hs[2], pid, err;
    memcpy(args, "control", 8);
    for (int i = 0; i < init_nsvcs; i++) {
        size_t n = strlen(init_svcs[i].name) + 1;
        if (len + n > sizeof args)
            break;                  /* names past it cannot be restarted */
        memcpy(args + len, init_svcs[i].name, n);
        len += (uint32_t)n;
    }
    if ((err = wisp_dup(init_ntfn, WISP_R_SEND, 0, &hs[0])) == 0 &&
        (err = wisp_dup(init_control, WISP_R_RECV, 0, &hs[1])) == 0) {
        err = wisp_spawn_proc("init.wasm", 9, args, len, hs, 2, &pid,
                              &init_control_proc);
        wisp_close(hs[1]);
    }
    wisp_close(hs[0]);
    if (err)
        printf("init: cannot start its control helper: %s\n",
               wisp_strerror(err));
    else
        init_watch(pid, INIT_BIT_CONTROL, "the control helper");
}

/* init_ends: handles the line bits of a watch word: requests first, so
 * that one never ends the process an end in the same word started. */
static void init_ends(uint32_t word)
{
    for (int i = 0; i < init_nsvcs; i++)
        if (word & (1u << (INIT_ASK_SHIFT + i)))
            init_asked(i);
    for (int i = 0; i < init_nsvcs; i++)
        if (word & (1u << i))
            init_ended(i);
    for (int i = 0; i < init_nsvcs; i++)
        if (word & (1u << (INIT_DELAY_SHIFT + i)))
            init_delayed(i);
    if (word & INIT_BIT_CONTROL) {
        wisp_close(init_control_proc);
        init_control_start();
    }
}

/* init_named: true once `name` is registered with the name server. */
static bool init_named(const char *name)
{
    int32_t h, names = init_ep_of("names");
    if (names < 0 || svc_lookup(names, name, &h) != 0)
        return false;
    wisp_close(h);
    return true;
}

/*
 * init_await_name: waits until line i's service has registered its name
 * (the name server signals INIT_BIT_NAMED after each registration),
 * handling ends meanwhile; gives up if it ends for good.
 */
static void init_await_name(int i)
{
    struct svc *s = &init_svcs[i];
    uint32_t word;
    if (init_ep_of("names") < 0) {
        printf("init: %s: no name server to register with\n", s->name);
        return;
    }
    while (!init_named(s->name)) {
        if (s->pid < 0) {
            printf("init: %s ended without registering its name\n",
                   s->name);
            return;
        }
        if (wisp_wait(init_ntfn, &word) != 0)
            return;
        init_ends(word);
    }
}

/* ---- the helpers: init's own program, run with an argument ---------- */

/* init_delay_main: `init.wasm delay MS`: sleep, then end (init watches
 * the end: its timer). */
static int init_delay_main(const char *ms)
{
    wisp_sleep_ms((uint32_t)strtoul(ms, NULL, 10));
    return 0;
}

/* init_control_handle: one INIT_RESTART (svc_handler): the line named
 * in the buffer (names = argv of the helper) gets its ask bit. */
static char **init_ctl_names;
static int init_ctl_n;
static bool init_control_handle(const wisp_in *in, wisp_msg *out)
{
    char name[NAME_MAX_LEN + 1];
    int32_t h;
    int i = 0;
    svc_drop_handles(in, 0);
    *out = svc_reply_msg(WISP_EINVAL, 0, 0, 0, 0);
    if (in->label != INIT_RESTART || in->copied > NAME_MAX_LEN)
        return true;
    memcpy(name, (const char *)(uintptr_t)in->buf, in->copied);
    name[in->copied] = '\0';
    while (i < init_ctl_n && strcmp(init_ctl_names[i], name) != 0)
        i++;
    *out = svc_reply_msg(WISP_ENOENT, 0, 0, 0, 0);
    if (i == init_ctl_n ||
        wisp_dup(0, WISP_R_SEND, 1u << (INIT_ASK_SHIFT + i), &h) != 0)
        return true;
    wisp_signal(h);
    wisp_close(h);
    *out = svc_reply_msg(0, 0, 0, 0, 0);
    return true;
}

/* init_control_main: `init.wasm control NAME...`: serve the control
 * endpoint (slot 1) for the shell; ends when it cannot receive. */
static int init_control_main(int argc, char **argv)
{
    static char buf[NAME_MAX_LEN + 1];
    init_ctl_names = argv + 2;
    init_ctl_n = argc - 2;
    return svc_serve(1, buf, sizeof buf, init_control_handle) ? 1 : 0;
}

/* init_setup: the watch notification, the placeholder and the control
 * endpoint.  0 or the errno. */
static int32_t init_setup(void)
{
    int32_t err = wisp_ntfn_create(&init_ntfn);
    if (err == 0)
        err = wisp_dup(init_ntfn, 0, 0, &init_null);
    if (err == 0)
        err = wisp_ep_create(&init_control);
    return err;
}

/* main: set up, start every line in order, then watch forever.  Run
 * with an argument, it is one of its own helpers. */
int main(int argc, char **argv)
{
    static char text[INIT_MANIFEST_MAX];
    uint32_t word;
    int32_t err;
    if (argc >= 3 && strcmp(argv[1], "delay") == 0)
        return init_delay_main(argv[2]);
    if (argc >= 2 && strcmp(argv[1], "control") == 0)
        return init_control_main(argc, argv);
    if ((err = init_setup()) != 0) {
        printf("init: cannot create its notification: %s\n",
               wisp_strerror(err));
        for (;;)
            wisp_sleep_ms(1000000);
    }
    if (init_read_manifest(text, sizeof text) >= 0)
        init_parse(text);
    for (int i = 0; i < init_nsvcs; i++) {
        init_run(i);
        if (init_svcs[i].pid >= 0 && init_svcs[i].reg)
            init_await_name(i);
    }
    init_control_start();
    for (;;) {
        if (wisp_wait(init_ntfn, &word) == 0)
            init_ends(word);
        else
            wisp_sleep_ms(1000);
    }
}
