/*
 * jobs.c: the programs the shell starts.  Every one is a job: the shell
 * holds its process handle, the only authority to kill it, until it has
 * ended.  A program runs in the foreground (the shell waits for it, the
 * console gives it the typed lines and Ctrl-C kills it) or, with &, in
 * the background (the shell keeps its handle in sh_jobs and prompts
 * again at once).
 */
#include <string.h>

#include "shell.h"

#define SH_BADGE_FIRST 0x10000u     /* console badges of the programs the
                                       shell starts count up from here
                                       (init's own programs get small
                                       badges; 0 is the shell itself) */
/* Badges of the two handles on a foreground wait's notification. */
#define SH_FG_END 1u                /* wisp_watch: the program ended */
#define SH_FG_INTR 2u               /* the console: Ctrl-C was typed */
/* Background programs at once: each holds a slot of the shell's handle
 * table (WISP_HANDLES_MAX), which also needs its 4 fixed slots, 5 free
 * for a call, a foreground program's 4 and a spare. */
#define SH_JOBS_MAX 48
#define SH_PROCS_SEEN 160           /* live pids sh_reap lists (> PROC_MAX) */

/* A program the shell started and its process handle. */
struct sh_job {
    int32_t pid;
    int32_t proc;                   /* -1: a free entry */
};
static struct sh_job sh_jobs[SH_JOBS_MAX];

static uint32_t sh_next_badge = SH_BADGE_FIRST;

/* sh_jobs_init: see shell.h. */
void sh_jobs_init(void)
{
    for (int i = 0; i < SH_JOBS_MAX; i++)
        sh_jobs[i].proc = -1;
}

/* sh_call: see shell.h. */
int32_t sh_call(int32_t h, const wisp_msg *m, wisp_in *in)
{
    memset(in, 0, sizeof *in);
    int32_t err = wisp_call(h, m, in);
    return err ? err : (int32_t)in->label;
}

/*
 * sh_set_fg: tells the console that reads of badge get the input from
 * now on, and that Ctrl-C signals notification intr (-1: none).  Needs
 * the unbadged console handle in slot 0.  Returns 0 or an errno.
 */
static int32_t sh_set_fg(uint32_t badge, int32_t intr)
{
    wisp_msg m = {.label = CONS_SET_FG, .nwords = 1};
    wisp_in in;
    m.words[0] = badge;
    if (intr >= 0) {
        m.nhandles = 1;
        m.handles[0] = (uint32_t)intr;
    }
    return sh_call(WISP_SLOT_CONSOLE, &m, &in);
}

/*
 * sh_kill_any: kills pid through the first job's handle that reaches it
 * (pid is that job, or a program it started).  Returns 0, or ESRCH when
 * no job of the shell's reaches pid: the shell has no authority over it.
 */
static int32_t sh_kill_any(int32_t pid)
{
    for (int i = 0; i < SH_JOBS_MAX; i++)
        if (sh_jobs[i].proc >= 0 && wisp_kill(sh_jobs[i].proc, pid) == 0)
            return 0;
    return WISP_ESRCH;
}

/* sh_kill_wait: see shell.h.  Waiting makes the program's "killed"
 * line come before the next prompt. */
int32_t sh_kill_wait(int32_t pid)
{
    int32_t n, err = sh_kill_any(pid);
    uint32_t word;
    if (err)
        return err;
    if (wisp_ntfn_create(&n) == 0) {
        if (wisp_watch(pid, n) == 0)
            wisp_wait(n, &word);
        wisp_close(n);
    }
    return 0;
}

/* sh_spawn_name: spawns name with the packed args and handles, trying
 * "NAME.wasm" when there is no program "NAME".  Returns spawn's errno;
 * *pid and *proc as wisp_spawn_proc. */
static int32_t sh_spawn_name(const char *name, const char *args,
                             uint32_t len, const int32_t *hs, int32_t *pid,
                             int32_t *proc)
{
    char full[64];
    size_t n = strlen(name);
    int32_t err = wisp_spawn_proc(name, (uint32_t)n, args, len, hs, 3, pid,
                                  proc);
    if (err != WISP_ENOENT || n + 6 > sizeof full ||
        (n > 5 && strcmp(name + n - 5, ".wasm") == 0))
        return err;
    memcpy(full, name, n);
    memcpy(full + n, ".wasm", 6);
    return wisp_spawn_proc(full, (uint32_t)n + 5, args, len, hs, 3, pid,
                           proc);
}

/*
 * sh_spawn: starts program argv[0] with arguments argv[1..argc-1] and
 * the standard slots: a copy of the console handle badged `badge` (send
 * only), the file service badged with its pid, the name server.  *pid =
 * its pid, *proc its process handle.  Returns 0 or an errno (spawn's,
 * or dup's if the shell's slot 0 is wrong).
 */
static int32_t sh_spawn(int argc, char **argv, uint32_t badge, int32_t *pid,
                        int32_t *proc)
{
    char args[SH_LINE_MAX];
    uint32_t len = 0;
    int32_t hs[3] = {-1, (int32_t)(WISP_SLOT_FS | WISP_SPAWN_BADGE_PID),
                     WISP_SLOT_NAMES};
    for (int i = 1; i < argc; i++) {
        size_t n = strlen(argv[i]) + 1;
        memcpy(args + len, argv[i], n);     /* words of one line: fit */
        len += (uint32_t)n;
    }
    int32_t err = wisp_dup(WISP_SLOT_CONSOLE, WISP_R_SEND, badge, &hs[0]);
    if (err)
        return err;
    err = sh_spawn_name(argv[0], args, len, hs, pid, proc);
    wisp_close(hs[0]);
    return err;
}

/*
 * sh_fg_loop: waits on notification n until its word has SH_FG_END
 * (pid ended), killing pid (through its process handle proc) whenever
 * SH_FG_INTR (Ctrl-C) comes first.  Returns 0, or wait's errno.
 */
static int32_t sh_fg_loop(int32_t n, int32_t pid, int32_t proc)
{
    uint32_t word = 0, got;
    while (!(word & SH_FG_END)) {
        int32_t err = wisp_wait(n, &got);
        if (err)
            return err;
        if (got & SH_FG_INTR)
            wisp_kill(proc, pid);
        word |= got;
    }
    return 0;
}

/*
 * sh_wait_fg: runs pid (spawned with console badge `badge`) in the
 * foreground: the console gives it the typed lines and signals Ctrl-C
 * to a notification, which wisp_watch also signals when pid ends.
 * Returns when pid has ended (or, if the shell cannot watch it, at
 * once: it then runs on in the background), with the console back to
 * the shell.  Holds three handles meanwhile.
 */
static void sh_wait_fg(int32_t pid, int32_t proc, uint32_t badge)
{
    int32_t n = -1, end = -1, intr = -1, err;
    if ((err = wisp_ntfn_create(&n)) == 0 &&
        (err = wisp_dup(n, WISP_R_SEND, SH_FG_END, &end)) == 0 &&
        (err = wisp_dup(n, WISP_R_SEND, SH_FG_INTR, &intr)) == 0)
        err = wisp_watch(pid, end);
    bool watching = err == 0;
    if (!watching)
        printf("shell: cannot wait for pid %d (%s); it runs in the "
               "background\n", (int)pid, wisp_strerror(err));
    else if ((err = sh_set_fg(badge, intr)) != 0)
        printf("shell: pid %d cannot have the console (%s)\n", (int)pid,
               wisp_strerror(err));
    if (watching && (err = sh_fg_loop(n, pid, proc)) != 0)
        printf("shell: waiting for pid %d: %s\n", (int)pid,
               wisp_strerror(err));
    sh_set_fg(0, -1);
    wisp_close(intr), wisp_close(end), wisp_close(n);
}

/* sh_why: see shell.h. */
const char *sh_why(int32_t err)
{
    if (err == WISP_ENOENT)
        return "no such program (ls lists them)";
    if (err == WISP_EINVAL)
        return "cannot load it (not a valid program, or arguments too long)";
    if (err == WISP_EAGAIN)
        return "too many processes";
    if (err == WISP_EDQUOT)
        return "over a limit (the shell's quota, or one the kernel named)";
    if (err == WISP_EMFILE)
        return "the shell holds too many jobs";
    return wisp_strerror(err);
}

/* sh_job_room: whether a background job can be kept. */
static bool sh_job_room(void)
{
    for (int i = 0; i < SH_JOBS_MAX; i++)
        if (sh_jobs[i].proc < 0)
            return true;
    return false;
}

/* sh_job_add: keeps background program pid's process handle; false if
 * every entry is taken. */
static bool sh_job_add(int32_t pid, int32_t proc)
{
    for (int i = 0; i < SH_JOBS_MAX; i++)
        if (sh_jobs[i].proc < 0) {
            sh_jobs[i] = (struct sh_job){pid, proc};
            return true;
        }
    return false;
}

/* sh_reap: see shell.h.  A job has ended when its pid is no longer
 * among the live processes. */
void sh_reap(void)
{
    static int32_t live[SH_PROCS_SEEN];
    struct wisp_proc_info p;
    uint32_t n = 0;
    while (n < SH_PROCS_SEEN && wisp_proc_info(n, &p) == 0)
        live[n++] = p.pid;
    for (int i = 0; i < SH_JOBS_MAX; i++) {
        uint32_t k = 0;
        while (sh_jobs[i].proc >= 0 && k < n && live[k] != sh_jobs[i].pid)
            k++;
        if (sh_jobs[i].proc >= 0 && k == n && n < SH_PROCS_SEEN) {
            wisp_close(sh_jobs[i].proc);
            sh_jobs[i].proc = -1;
        }
    }
}

/* sh_run: see shell.h. */
int32_t sh_run(int argc, char **argv, bool bg)
{
    uint32_t badge = sh_next_badge++;
    int32_t pid, proc, err;
    if (bg && !sh_job_room())
        return WISP_EMFILE;
    if ((err = sh_spawn(argc, argv, badge, &pid, &proc)) != 0)
        return err;
    if (bg && sh_job_add(pid, proc)) {
        printf("[pid %d]\n", (int)pid);
        return 0;
    }
    sh_wait_fg(pid, proc, badge);
    wisp_close(proc);
    return 0;
}
