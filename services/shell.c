/*
 * shell: Wisp's command shell, an ordinary Wasm program.
 *
 * It reads lines from stdin and prints with stdio: the kernel's WASI
 * layer turns fd 0/1/2 into calls to the console service, and files into
 * calls to the file service (proto.h), so the shell is plain wasi-libc C
 * plus a few of Wisp's own host calls (wisp.h) for processes and IPC.
 *
 * Its handles (the standard slots of proto.h, and one more): 0 the
 * console endpoint, UNBADGED and with the grant right, so it can mint a
 * console handle with a fresh badge for every program it starts and
 * tell the console which badge is in the foreground (CONS_SET_FG, which
 * only the unbadged handle may send); 1 the file service, unbadged too,
 * so that every program it starts gets one badged with its own pid
 * (WISP_SPAWN_BADGE_PID); 2 the name server; 3 init's control endpoint
 * (`restart`).  Every program it starts is a job: the shell holds its
 * process handle, the only authority to kill it, until it has ended.
 *
 * `help` lists the commands; a line that names no command runs the
 * program of that name from the initrd.
 */
#include <ctype.h>
#include <stdbool.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "svc.h"

#define SH_LINE_MAX CONS_LINE_MAX   /* longest line, with its '\n' */
#define SH_ARGS_MAX 16              /* words on a line */
#define SH_PING_MAX 1000000         /* round trips of one ping */
#define SH_PING_LABEL 0x5049        /* "PI": echo answers with any label */
/* Console badges of the programs the shell starts count up from here
 * (init's own programs get small badges; 0 is the shell itself). */
#define SH_BADGE_FIRST 0x10000u
/* Badges of the two handles on a foreground wait's notification. */
#define SH_FG_END 1u                /* wisp_watch: the program ended */
#define SH_FG_INTR 2u               /* the console: Ctrl-C was typed */
#define SH_SLOT_CONTROL 3           /* init's control endpoint */
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

/* A command: its name, arguments and help as help lists them, its
 * function, and how many words may follow the name (max -1: any). */
struct sh_cmd {
    const char *name, *args, *help;
    int (*fn)(int argc, char **argv);
    int min, max;
};

static uint32_t sh_next_badge = SH_BADGE_FIRST;

/* ---- small helpers ------------------------------------------------------ */

/*
 * sh_word: prints s for an error message, every byte that is not
 * printable ASCII as \xNN, at most 40 bytes ("..." after), so binary
 * garbage typed at the prompt comes back readable and short.
 */
static void sh_word(const char *s)
{
    int i;
    for (i = 0; s[i] && i < 40; i++) {
        unsigned char c = (unsigned char)s[i];
        if (isprint(c))
            putchar(c);
        else
            printf("\\x%02x", c);
    }
    if (s[i])
        fputs("...", stdout);
}

/*
 * sh_number: s as a decimal number in [lo, hi] into *v; returns 1, or 0
 * (nothing stored) if s is empty, has any other character or is out of
 * range.
 */
static int sh_number(const char *s, uint32_t lo, uint32_t hi, uint32_t *v)
{
    uint64_t n = 0;
    const char *p = s;
    for (; *p >= '0' && *p <= '9' && n <= hi; p++)
        n = n * 10 + (uint64_t)(*p - '0');
    if (p == s || *p || n < lo || n > hi)
        return 0;
    *v = (uint32_t)n;
    return 1;
}

/* sh_now_ns: the monotonic clock in nanoseconds (the kernel's timer). */
static uint64_t sh_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/*
 * sh_split: splits line (changed in place) at blanks into argv, at most
 * SH_ARGS_MAX words.  Returns the number of words, or -1 if there are
 * more.
 */
static int sh_split(char *line, char **argv)
{
    static const char blanks[] = " \t\r";
    int argc = 0;
    for (char *p = line + strspn(line, blanks); *p; p += strspn(p, blanks)) {
        if (argc == SH_ARGS_MAX)
            return -1;
        argv[argc++] = p;
        p += strcspn(p, blanks);
        if (*p)
            *p++ = '\0';
    }
    return argc;
}

/* ---- IPC with the services ---------------------------------------------- */

/* sh_call: calls endpoint h with m, no receive buffer; returns the IPC
 * error, else the reply's label (0 or the service's errno). */
static int32_t sh_call(int32_t h, const wisp_msg *m, wisp_in *in)
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

/* ---- processes ---------------------------------------------------------- */

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

/*
 * sh_kill_wait: kills pid (sh_kill_any) and waits until it has ended,
 * so its "killed" line comes before the next prompt.  Returns 0 or
 * ESRCH.
 */
static int32_t sh_kill_wait(int32_t pid)
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
        memcpy(args + len, argv[i], n);     /* words of one line: fits */
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

/* sh_why: what a spawn error means to the user. */
static const char *sh_why(int32_t err)
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

/* sh_reap: closes the process handles of jobs that have ended (their
 * pids are no longer among the live processes). */
static void sh_reap(void)
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

/*
 * sh_run: starts program argv[0] with its arguments, in the background
 * (prints "[pid N]") or in the foreground (returns when it has ended).
 * Returns 0, or spawn's errno if it could not start (nothing printed).
 */
static int32_t sh_run(int argc, char **argv, int bg)
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

/* ---- the commands ----------------------------------------------------------
 * Each gets the words of its line (argv[0] the command's name) and
 * returns 0, or 1 after printing an error. */

static int cmd_help(int argc, char **argv);

/*
 * cmd_ls: ls [DIR]: the entries of DIR (default "/", the initrd), files
 * with their size, directories with a '/'.
 */
static int cmd_ls(int argc, char **argv)
{
    const char *dir = argc > 1 ? argv[1] : "/";
    char path[FS_PATH_MAX + NAME_MAX_LEN + 2];
    struct dirent *e;
    struct stat st;
    int n = 0;
    DIR *d = opendir(dir);
    if (!d) {
        printf("ls: %s: %s\n", dir, strerror(errno));
        return 1;
    }
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        if (e->d_type == DT_DIR)
            printf("  %s/\n", e->d_name);
        else if (stat(path, &st) == 0)
            printf("  %-24s %8lld bytes\n", e->d_name, (long long)st.st_size);
        else
            printf("  %s\n", e->d_name);
        n++;
    }
    closedir(d);
    printf("%d entries\n", n);
    return 0;
}

/* cmd_cat: cat FILE...: each file's bytes, as they are. */
static int cmd_cat(int argc, char **argv)
{
    char buf[512];
    ssize_t n = 0;
    int bad = 0;
    for (int i = 1; i < argc; i++) {
        int fd = open(argv[i], O_RDONLY);
        while (fd >= 0 && (n = read(fd, buf, sizeof buf)) > 0)
            fwrite(buf, 1, (size_t)n, stdout);
        if (fd < 0 || n < 0) {
            printf("cat: %s: %s\n", argv[i], strerror(errno));
            bad = 1;
        }
        if (fd >= 0)
            close(fd);
    }
    return bad;
}

/* sh_each_path: fn(path) for every argument; one that fails prints
 * "NAME: PATH: why" and makes the command fail, the others still run. */
static int sh_each_path(const char *name, int (*fn)(const char *),
                        int argc, char **argv)
{
    int bad = 0;
    for (int i = 1; i < argc; i++) {
        if (fn(argv[i]) != 0) {
            printf("%s: %s: %s\n", name, argv[i], strerror(errno));
            bad = 1;
        }
    }
    return bad;
}

/* mkdir_path: mkdir with the usual mode (the file service keeps none). */
static int mkdir_path(const char *path)
{
    return mkdir(path, 0755);
}

/* cmd_rm, cmd_mkdir, cmd_rmdir: rm FILE..., mkdir DIR..., rmdir DIR...
 * in /tmp (the rest is the read-only initrd). */
static int cmd_rm(int argc, char **argv)
{
    return sh_each_path("rm", unlink, argc, argv);
}

static int cmd_mkdir(int argc, char **argv)
{
    return sh_each_path("mkdir", mkdir_path, argc, argv);
}

static int cmd_rmdir(int argc, char **argv)
{
    return sh_each_path("rmdir", rmdir, argc, argv);
}

/*
 * cmd_echo: echo WORDS... [> FILE | >> FILE]: the words, separated by
 * one space, then a newline; into FILE (created or emptied; appended to
 * with >>) when the last two words are > and a name.  Plain open and
 * write: stdio's fopen would import fcntl's host call too.
 */
static int cmd_echo(int argc, char **argv)
{
    char text[SH_LINE_MAX];
    int fd, len = 0, flags = O_WRONLY | O_CREAT;
    const char *op = argc >= 3 ? argv[argc - 2] : "";
    if (strcmp(op, ">") != 0 && strcmp(op, ">>") != 0)
        op = NULL;
    for (int i = 1; i < argc - (op ? 2 : 0); i++)
        len += snprintf(text + len, sizeof text - (size_t)len,
                        i > 1 ? " %s" : "%s", argv[i]);
    text[len++] = '\n';                 /* the words of one line fit */
    if (!op)
        return fwrite(text, 1, (size_t)len, stdout) != (size_t)len;
    flags |= op[1] ? O_APPEND : O_TRUNC;
    fd = open(argv[argc - 1], flags, 0644);
    if (fd < 0 || write(fd, text, (size_t)len) != len) {
        printf("echo: %s: %s\n", argv[argc - 1], strerror(errno));
        if (fd >= 0)
            close(fd);
        return 1;
    }
    return close(fd) != 0;
}

/* cmd_ps: a row per live process. */
static int cmd_ps(int argc, char **argv)
{
    struct wisp_proc_info p;
    uint32_t i;
    (void)argc, (void)argv;
    printf("  %4s %-20s %-8s %7s %7s %8s\n", "PID", "NAME", "STATE",
           "MEM(K)", "HEAP(K)", "TICKS");
    for (i = 0; wisp_proc_info(i, &p) == 0; i++)
        printf("  %4d %-20.36s %-8.8s %7u %7u %8u\n", (int)p.pid, p.name,
               p.ipc_state, (unsigned)(p.mem_bytes / 1024),
               (unsigned)(p.heap_bytes / 1024), (unsigned)p.cpu_ticks);
    printf("%u processes\n", (unsigned)i);
    return 0;
}

/* cmd_kill: kill PID: ends the process (one the shell started, or one
 * that one started) and waits for its end. */
static int cmd_kill(int argc, char **argv)
{
    uint32_t pid;
    int32_t err;
    (void)argc;
    if (!sh_number(argv[1], 1, 0x7fffffff, &pid)) {
        fputs("kill: '", stdout);
        sh_word(argv[1]);
        puts("' is not a pid (a positive number; ps lists them)");
        return 1;
    }
    err = sh_kill_wait((int32_t)pid);
    if (err == WISP_ESRCH)
        printf("kill: %u is not a program this shell started (it holds no "
               "handle to it; restart NAME restarts a service)\n",
               (unsigned)pid);
    else if (err)
        printf("kill: %u: %s\n", (unsigned)pid, wisp_strerror(err));
    return err != 0;
}

/* cmd_mem: the kernel's memory and object counts. */
static int cmd_mem(int argc, char **argv)
{
    struct wisp_mem_info m;
    (void)argc, (void)argv;
    if (wisp_mem_info(&m) != 0) {
        puts("mem: the kernel gave no numbers");
        return 1;
    }
    printf("frames: %u free of %u (4 KiB each)\nheap: %u bytes in use, %u "
           "free\nipc objects: %u\nprocesses: %u\n", (unsigned)m.frames_free,
           (unsigned)m.frames_total, (unsigned)m.heap_used,
           (unsigned)m.heap_free, (unsigned)m.ipc_objs, (unsigned)m.procs);
    return 0;
}

/* cmd_uptime: the time since boot by the kernel's clock. */
static int cmd_uptime(int argc, char **argv)
{
    uint64_t ms = sh_now_ns() / 1000000;
    (void)argc, (void)argv;
    printf("up %llu.%02llu s\n", (unsigned long long)(ms / 1000),
           (unsigned long long)(ms % 1000 / 10));
    return 0;
}

/* cmd_ipcstat: every live endpoint and notification, with the messages
 * (signals) delivered through it. */
static int cmd_ipcstat(int argc, char **argv)
{
    struct wisp_ipc_info o;
    char name[16];
    uint32_t i;
    (void)argc, (void)argv;
    printf("  %-10s %7s %5s %5s %9s\n", "OBJECT", "HANDLES", "SENDQ",
           "RECVQ", "MESSAGES");
    for (i = 0; wisp_ipc_info(i, &o) == 0; i++) {
        snprintf(name, sizeof name, "%s%u", o.kind == 1 ? "ep" : "ntfn",
                 (unsigned)o.id);
        printf("  %-10s %7u %5u %5u %9u\n", name, (unsigned)o.handles,
               (unsigned)o.sendq, (unsigned)o.recvq, (unsigned)o.delivered);
    }
    printf("%u objects\n", (unsigned)i);
    return 0;
}

/*
 * sh_ping_once: one round trip i to the echo service h: a call with one
 * word, i, whose reply must carry the same label and word back.
 * Returns 0, an IPC errno, or EINVAL for a wrong answer.
 */
static int32_t sh_ping_once(int32_t h, uint32_t i)
{
    wisp_msg m = {.label = SH_PING_LABEL, .nwords = 1};
    wisp_in in = {0};
    m.words[0] = i;
    int32_t err = wisp_call(h, &m, &in);
    if (err == 0 && (in.label != SH_PING_LABEL || in.nwords != 1 ||
                     in.words[0] != i))
        err = WISP_EINVAL;
    return err;
}

/*
 * cmd_ping: ping [N]: N (default 1) calls to the echo service, found at
 * the name server, and the mean time of one round trip by the kernel's
 * clock (interpolated between 10 ms ticks: use a large N).
 */
static int cmd_ping(int argc, char **argv)
{
    uint32_t n = 1, i;
    int32_t h, err;
    if (argc > 1 && !sh_number(argv[1], 1, SH_PING_MAX, &n)) {
        fputs("ping: '", stdout);
        sh_word(argv[1]);
        printf("' is not a count (1..%d)\n", SH_PING_MAX);
        return 1;
    }
    if ((err = svc_lookup(WISP_SLOT_NAMES, "echo", &h)) != 0) {
        printf("ping: no echo service at the name server (%s)\n",
               wisp_strerror(err));
        return 1;
    }
    uint64_t t0 = sh_now_ns();
    for (i = 0, err = 0; i < n && err == 0; i++)
        err = sh_ping_once(h, i);
    uint64_t ns = (sh_now_ns() - t0) / n;
    wisp_close(h);
    if (err) {
        printf("ping: round trip %u failed: %s\n", (unsigned)i,
               err == WISP_EINVAL ? "wrong answer" : wisp_strerror(err));
        return 1;
    }
    printf("ping: %u round trips to echo, %llu.%03llu us per round trip\n",
           (unsigned)n, (unsigned long long)(ns / 1000),
           (unsigned long long)(ns % 1000));
    return 0;
}

/* cmd_restart: restart NAME: asks init to restart the service of its
 * manifest line NAME (running or not). */
static int cmd_restart(int argc, char **argv)
{
    wisp_msg m = {.label = INIT_RESTART};
    wisp_in in;
    int32_t err;
    (void)argc;
    m.buf = SVC_PTR(argv[1]);
    m.len = (uint32_t)strlen(argv[1]);
    err = sh_call(SH_SLOT_CONTROL, &m, &in);
    if (err == WISP_ENOENT) {
        fputs("restart: no service '", stdout);
        sh_word(argv[1]);
        puts("' in init's manifest");
    } else if (err) {
        printf("restart: init did not answer: %s\n", wisp_strerror(err));
    }
    return err != 0;
}

/* cmd_monitor: asks the console, which owns the serial line, to hand it
 * to the kernel monitor until its exit command (the kernel says so). */
static int cmd_monitor(int argc, char **argv)
{
    wisp_msg m = {.label = CONS_MONITOR};
    wisp_in in;
    int32_t err;
    (void)argc, (void)argv;
    fflush(stdout);
    err = sh_call(WISP_SLOT_CONSOLE, &m, &in);
    if (err)
        printf("monitor: the console did not lend the line: %s\n",
               wisp_strerror(err));
    else
        puts("shell: back from the monitor");
    return err != 0;
}

/* cmd_exit: ends the shell (init restarts it if its manifest says so). */
static int cmd_exit(int argc, char **argv)
{
    (void)argc, (void)argv;
    fflush(stdout);
    exit(0);
}

/* The commands.  run has no function: sh_builtin starts the program
 * itself, in the background when the line ends in &. */
static const struct sh_cmd sh_cmds[] = {
    {"help", "", "this list", cmd_help, 0, 0},
    {"ls", "[DIR]", "list a directory (default /, the initrd)", cmd_ls, 0, 1},
    {"cat", "FILE...", "print files", cmd_cat, 1, -1},
    {"echo", "WORDS... [> FILE]", "print words, or write them to a file "
     "in /tmp (>> appends)", cmd_echo, 0, -1},
    {"rm", "FILE...", "remove files (in /tmp)", cmd_rm, 1, -1},
    {"mkdir", "DIR...", "make directories (in /tmp)", cmd_mkdir, 1, -1},
    {"rmdir", "DIR...", "remove empty directories (in /tmp)", cmd_rmdir,
     1, -1},
    {"run", "PROG [ARGS...]", "run a program; Ctrl-C kills it (PROG "
     "[ARGS...] does too; & at the end: in the background)", NULL, 1, -1},
    {"ps", "", "list the processes", cmd_ps, 0, 0},
    {"kill", "PID", "end a program the shell started", cmd_kill, 1, 1},
    {"restart", "NAME", "have init restart a service (see ps)",
     cmd_restart, 1, 1},
    {"mem", "", "kernel memory and objects", cmd_mem, 0, 0},
    {"uptime", "", "time since boot", cmd_uptime, 0, 0},
    {"ipcstat", "", "IPC endpoints and notifications, messages through "
     "each", cmd_ipcstat, 0, 0},
    {"ping", "[N]", "N round trips to the echo service, time per round "
     "trip", cmd_ping, 0, 1},
    {"monitor", "", "the kernel monitor (its exit comes back)",
     cmd_monitor, 0, 0},
    {"exit", "", "end the shell", cmd_exit, 0, 0},
};
#define SH_NCMDS (int)(sizeof sh_cmds / sizeof sh_cmds[0])

/* cmd_help: every command, its arguments and what it does. */
static int cmd_help(int argc, char **argv)
{
    char head[40];
    (void)argc, (void)argv;
    for (int i = 0; i < SH_NCMDS; i++) {
        snprintf(head, sizeof head, "%s %s", sh_cmds[i].name,
                 sh_cmds[i].args);
        printf("  %-24s %s\n", head, sh_cmds[i].help);
    }
    return 0;
}

/* ---- the loop ----------------------------------------------------------- */

/*
 * sh_builtin: runs the command argv[0] if there is one by that name,
 * checking its number of words first.  Returns the command's result, 1
 * for a usage error, or -1 if argv[0] names no command.
 */
static int sh_builtin(int argc, char **argv, int bg)
{
    int32_t err;
    for (int i = 0; i < SH_NCMDS; i++) {
        const struct sh_cmd *c = &sh_cmds[i];
        if (strcmp(argv[0], c->name) != 0)
            continue;
        if (bg && c->fn) {
            printf("%s: & runs only programs in the background\n", c->name);
            return 1;
        }
        if (argc - 1 < c->min || (c->max >= 0 && argc - 1 > c->max)) {
            printf("usage: %s %s\n", c->name, c->args);
            return 1;
        }
        if (c->fn)
            return c->fn(argc, argv);
        if ((err = sh_run(argc - 1, argv + 1, bg)) != 0) {
            fputs("run: ", stdout);
            sh_word(argv[1]);
            printf(": %s\n", sh_why(err));
        }
        return err != 0;
    }
    return -1;
}

/* sh_program: runs a line whose first word names no command as the
 * program of that name; "unknown command" if there is none. */
static void sh_program(int argc, char **argv, int bg)
{
    int32_t err = sh_run(argc, argv, bg);
    if (err == WISP_ENOENT) {
        fputs("shell: unknown command: ", stdout);
        sh_word(argv[0]);
        puts(" (try help)");
    } else if (err) {
        sh_word(argv[0]);
        printf(": %s\n", sh_why(err));
    }
}

/* sh_line: runs one typed line: empty, a command, or a program with a
 * final "&" (a word, or stuck to the last word) for the background. */
static void sh_line(char *line)
{
    char *argv[SH_ARGS_MAX + 1];
    int bg = 0, argc = sh_split(line, argv);
    if (argc < 0) {
        printf("shell: too many words (at most %d)\n", SH_ARGS_MAX);
        return;
    }
    if (argc > 0) {
        size_t n = strlen(argv[argc - 1]);
        if (argv[argc - 1][n - 1] == '&') {
            bg = 1;
            argv[argc - 1][n - 1] = '\0';
            if (n == 1)
                argc--;
        }
    }
    if (argc == 0) {
        if (bg)
            puts("shell: & needs a program before it");
        return;
    }
    argv[argc] = NULL;
    sh_reap();                      /* ended jobs' handles go first */
    if (sh_builtin(argc, argv, bg) < 0)
        sh_program(argc, argv, bg);
}

/*
 * sh_read: reads one line from stdin into buf (cap bytes), without its
 * '\n'.  Returns 1 for a line; 0 for one that was too long or held a
 * NUL byte (all of it read, an error printed); -1 at the end of input
 * (Ctrl-D) or on a read error, with nothing pending.
 */
static int sh_read(char *buf, size_t cap)
{
    size_t n = 0, seen = 0;
    int c, nul = 0;
    while ((c = getchar()) != EOF && c != '\n') {
        if (n + 1 < cap)
            buf[n++] = (char)c;
        nul |= c == 0;
        seen++;
    }
    buf[n] = '\0';
    if (c == EOF && seen == 0)
        return -1;
    if (seen >= cap)
        printf("shell: line too long (%zu bytes; at most %zu)\n", seen,
               cap - 1);
    else if (nul)
        puts("shell: a NUL byte in the line; ignored");
    return seen < cap && !nul;
}

int main(void)
{
    char line[SH_LINE_MAX];
    for (int i = 0; i < SH_JOBS_MAX; i++)
        sh_jobs[i].proc = -1;
    puts("Wisp shell: help lists the commands");
    for (;;) {
        fputs("$ ", stdout);
        fflush(stdout);
        int r = sh_read(line, sizeof line);
        if (r > 0)
            sh_line(line);
        else if (r < 0 && ferror(stdin)) {
            printf("shell: cannot read the console: %s\n", strerror(errno));
            return 1;
        } else if (r < 0) {
            clearerr(stdin);                /* Ctrl-D: a fresh prompt */
            putchar('\n');
        }
    }
}
