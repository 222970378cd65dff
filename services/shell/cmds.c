/*
 * cmds.c: the shell's own commands and their table.  Each prints what
 * it produces to sh_out (the console, or the file of a > on its line)
 * and its errors to stdout, the console; line.c checks the number of
 * words against the table before it calls one.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "shell.h"

#define SH_PING_MAX 1000000         /* round trips of one ping */
#define SH_PING_LABEL 0x5049        /* "PI": echo answers with any label */

/* ---- small helpers ------------------------------------------------------ */

/* sh_word: see shell.h.  Binary garbage typed at the prompt comes back
 * readable and short. */
void sh_word(const char *s)
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

/* ---- files ---------------------------------------------------------------- */

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
            fprintf(sh_out, "  %s/\n", e->d_name);
        else if (stat(path, &st) == 0)
            fprintf(sh_out, "  %-24s %8lld bytes\n", e->d_name,
                    (long long)st.st_size);
        else
            fprintf(sh_out, "  %s\n", e->d_name);
        n++;
    }
    closedir(d);
    fprintf(sh_out, "%d entries\n", n);
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
            fwrite(buf, 1, (size_t)n, sh_out);
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

/* cmd_echo: echo WORDS...: the words, separated by one space, then a
 * newline. */
static int cmd_echo(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        fprintf(sh_out, i > 1 ? " %s" : "%s", argv[i]);
    fputc('\n', sh_out);
    return 0;
}

/* ---- processes and the kernel ----------------------------------------------- */

/* cmd_ps: a row per live process. */
static int cmd_ps(int argc, char **argv)
{
    struct wisp_proc_info p;
    uint32_t i;
    (void)argc, (void)argv;
    fprintf(sh_out, "  %4s %-20s %-8s %7s %7s %8s\n", "PID", "NAME",
            "STATE", "MEM(K)", "HEAP(K)", "TICKS");
    for (i = 0; wisp_proc_info(i, &p) == 0; i++)
        fprintf(sh_out, "  %4d %-20.36s %-8.8s %7u %7u %8u\n", (int)p.pid,
                p.name, p.ipc_state, (unsigned)(p.mem_bytes / 1024),
                (unsigned)(p.heap_bytes / 1024), (unsigned)p.cpu_ticks);
    fprintf(sh_out, "%u processes\n", (unsigned)i);
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
    fprintf(sh_out, "frames: %u free of %u (4 KiB each)\nheap: %u bytes "
            "in use, %u free\nipc objects: %u\nprocesses: %u\n",
            (unsigned)m.frames_free, (unsigned)m.frames_total,
            (unsigned)m.heap_used, (unsigned)m.heap_free,
            (unsigned)m.ipc_objs, (unsigned)m.procs);
    return 0;
}

/* cmd_uptime: the time since boot by the kernel's clock. */
static int cmd_uptime(int argc, char **argv)
{
    uint64_t ms = sh_now_ns() / 1000000;
    (void)argc, (void)argv;
    fprintf(sh_out, "up %llu.%02llu s\n", (unsigned long long)(ms / 1000),
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
    fprintf(sh_out, "  %-10s %7s %5s %5s %9s\n", "OBJECT", "HANDLES",
            "SENDQ", "RECVQ", "MESSAGES");
    for (i = 0; wisp_ipc_info(i, &o) == 0; i++) {
        snprintf(name, sizeof name, "%s%u", o.kind == 1 ? "ep" : "ntfn",
                 (unsigned)o.id);
        fprintf(sh_out, "  %-10s %7u %5u %5u %9u\n", name,
                (unsigned)o.handles, (unsigned)o.sendq, (unsigned)o.recvq,
                (unsigned)o.delivered);
    }
    fprintf(sh_out, "%u objects\n", (unsigned)i);
    return 0;
}

/* ---- the services ----------------------------------------------------------- */

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
    fprintf(sh_out, "ping: %u round trips to echo, %llu.%03llu us per "
            "round trip\n", (unsigned)n, (unsigned long long)(ns / 1000),
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

/* ---- the table -------------------------------------------------------------- */

static int cmd_help(int argc, char **argv);

/* The commands.  run has no function: line.c starts the program itself,
 * in the background when the line ends in &. */
static const struct sh_cmd sh_cmds[] = {
    {"help", "", "this list", cmd_help, 0, 0},
    {"ls", "[DIR]", "list a directory (default /, the initrd)", cmd_ls, 0, 1},
    {"cat", "FILE...", "print files", cmd_cat, 1, -1},
    {"echo", "WORDS...", "print words", cmd_echo, 0, -1},
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

/* cmd_help: every command, its arguments and what it does, then how a
 * line is read. */
static int cmd_help(int argc, char **argv)
{
    char head[40];
    (void)argc, (void)argv;
    for (int i = 0; i < SH_NCMDS; i++) {
        snprintf(head, sizeof head, "%s %s", sh_cmds[i].name,
                 sh_cmds[i].args);
        fprintf(sh_out, "  %-24s %s\n", head, sh_cmds[i].help);
    }
    fputs("A command's output goes to FILE with > FILE (>> FILE appends); "
          "\"quotes\" or\n'quotes' keep blanks, & and > in a word.\n",
          sh_out);
    return 0;
}

/* sh_cmd_find: see shell.h. */
const struct sh_cmd *sh_cmd_find(const char *name)
{
    for (int i = 0; i < SH_NCMDS; i++)
        if (strcmp(sh_cmds[i].name, name) == 0)
            return &sh_cmds[i];
    return NULL;
}
