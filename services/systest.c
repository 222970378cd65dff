/*
 * systest: exercises the kernel side of the services (kernel/proc/
 * sysinfo.c, consdev.c, wasicons.c) for harness/tests/test_sys_*.py.
 *
 *   systest info          mem_info, proc_info, ipc_info, as lines
 *   systest watch         watch and kill: signals, errors, limits
 *   systest serve PROG A  a small console server: runs PROG A with slot 0
 *                         = its endpoint (badge 7), prints what PROG
 *                         writes, answers its reads with two lines, then
 *                         end of input; ends when PROG has gone
 *   systest stdio         the client for serve: stdio through slot 0
 *   systest files         wasi-libc's file calls against the file
 *                         service (run it from the shell, which gives it
 *                         slot 1): write, append, read back, seek, stat,
 *                         directories, unlink, paths that try to escape
 *   systest hold          opens /manifest until an open fails or its
 *                         descriptors run out, says how many it holds,
 *                         then sleeps until killed (fs reclaims the ids)
 *   systest               (as init, init=systest.wasm) echoes typed
 *                         lines through the console device; "monitor"
 *                         calls wisp.monitor(0), "quit" exits
 *
 * Each check prints one line; a failed check says "FAIL" and what.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "proto.h"
#include "wisp.h"

static int failures;

/* Each mode is its own function, never inlined into main: the engine
 * keeps a function's constants in its frame, and main with every mode
 * in it would take most of a process's value stack (PROC_VALUE_SLOTS)
 * before printf had a slot. */
#define MODE __attribute__((noinline)) static int

/* expect: one check of an errno result. */
static void expect(const char *what, int32_t got, int32_t want)
{
    if (got != want)
        failures++;
    printf("%s%s: %s\n", got == want ? "" : "FAIL ", what,
           wisp_strerror(got));
}

/* spawn_or_die: the pid of a new `name`, with no handles; *proc = its
 * process handle (if proc is not NULL; else it is closed). */
static int32_t spawn_or_die(const char *name, int32_t *proc)
{
    int32_t pid, h;
    int32_t r = wisp_spawn_proc(name, (uint32_t)strlen(name), "", 0, NULL,
                                0, &pid, &h);
    if (r != 0) {
        printf("FAIL spawn %s: %s\n", name, wisp_strerror(r));
        exit(1);
    }
    if (proc)
        *proc = h;
    else
        wisp_close(h);
    return pid;
}

/* ---- info ------------------------------------------------------------- */

MODE info(void)
{
    struct wisp_mem_info m;
    struct wisp_proc_info p;
    struct wisp_ipc_info o;
    int32_t ep, nt;
    wisp_ep_create(&ep);
    wisp_ntfn_create(&nt);
    wisp_signal(nt);
    wisp_mem_info(&m);
    printf("mem: frames %u/%u heap %u/%u ipc_objs %u procs %u\n",
           m.frames_free, m.frames_total, m.heap_used, m.heap_free,
           m.ipc_objs, m.procs);
    for (uint32_t i = 0; wisp_proc_info(i, &p) == 0; i++)
        printf("proc: pid %d state %u ipc %s mem %u heap %u name %s\n",
               p.pid, p.state, p.ipc_state, p.mem_bytes, p.heap_bytes,
               p.name);
    for (uint32_t i = 0; wisp_ipc_info(i, &o) == 0; i++)
        printf("ipc: id %u kind %u handles %u sendq %u recvq %u "
               "delivered %u\n", o.id, o.kind, o.handles, o.sendq, o.recvq,
               o.delivered);
    expect("proc_info past the last", wisp_proc_info(1000, &p), WISP_ENOENT);
    expect("ipc_info past the last", wisp_ipc_info(100000, &o), WISP_ENOENT);
    return failures;
}

/* ---- watch and kill ----------------------------------------------------- */

/* wait_word: wait on n and check the word. */
static void wait_word(const char *what, int32_t n, uint32_t want)
{
    uint32_t word = 0;
    int32_t r = wisp_wait(n, &word);
    if (r != 0 || word != want)
        failures++;
    printf("%s%s: %s word 0x%x\n", r == 0 && word == want ? "" : "FAIL ",
           what, wisp_strerror(r), word);
}

/* watch_errors: what watch and kill refuse (ended: a pid that has
 * ended, eh: its process handle). */
static void watch_errors(int32_t n, int32_t ended, int32_t eh)
{
    int32_t nr, weak;
    wisp_dup(n, WISP_R_RECV, 0, &nr);
    wisp_dup(eh, 0, 0, &weak);
    expect("watch a pid never used", wisp_watch(100000, n), WISP_ESRCH);
    expect("watch pid 0", wisp_watch(0, n), WISP_ESRCH);
    expect("watch through a free slot", wisp_watch(ended, 60), WISP_EBADF);
    expect("watch without s", wisp_watch(ended, nr), WISP_EACCES);
    expect("kill through a free slot", wisp_kill(60, ended), WISP_EBADF);
    expect("kill through a notification", wisp_kill(n, ended), WISP_EBADF);
    expect("kill without the kill right", wisp_kill(weak, ended),
           WISP_EACCES);
    expect("kill an ended pid", wisp_kill(eh, ended), WISP_ESRCH);
    expect("limit an ended pid", wisp_limit(eh, 0, 0), WISP_ESRCH);
    wisp_close(weak);
    wisp_close(nr);
}

/* kill_scope: a process handle reaches its process and what that one
 * started, nothing else: not the caller, not a sibling, not init. */
static void kill_scope(void)
{
    int32_t a, b, pa = spawn_or_die("loop.wasm", &a);
    int32_t pb = spawn_or_die("loop.wasm", &b);
    expect("kill ourselves through loop's handle",
           wisp_kill(a, wisp_getpid()), WISP_ESRCH);
    expect("kill the other loop through loop's handle", wisp_kill(a, pb),
           WISP_ESRCH);
    expect("kill pid 1 through loop's handle", wisp_kill(a, 1), WISP_ESRCH);
    expect("limit above the quota it has", wisp_limit(a, 100000, 0),
           WISP_EPERM);
    expect("kill both loops", wisp_kill(a, pa) | wisp_kill(b, pb), 0);
    wisp_close(a);
    wisp_close(b);
}

/* watch_kept: the kernel's reference keeps a notification signallable
 * after its last s handle is closed. */
static void watch_kept(void)
{
    int32_t n, nr, h, pid = spawn_or_die("loop.wasm", &h);
    wisp_ntfn_create(&n);
    wisp_dup(n, WISP_R_RECV, 0, &nr);
    expect("watch loop", wisp_watch(pid, n), 0);
    wisp_close(n);
    expect("kill loop", wisp_kill(h, pid), 0);
    wait_word("watch after the last s handle closed", nr, 1);
    wisp_close(nr);
    wisp_close(h);
}

/* watch_limit: PROC_WATCHES_MAX pending watches (on ourselves). */
static void watch_limit(void)
{
    int32_t n, r = 0, i;
    wisp_ntfn_create(&n);
    for (i = 0; i < 1000 && (r = wisp_watch(wisp_getpid(), n)) == 0; i++)
        ;
    printf("watch limit: %d pending, then %s\n", i, wisp_strerror(r));
    if (r != WISP_ENOSPC)
        failures++;
}

/* watch: wisp_watch and wisp_kill: signals, errors, the watch limit;
 * 0 if every check passed. */
MODE watch(void)
{
    int32_t n, nb, h, pid = spawn_or_die("hello.wasm", &h);
    wisp_ntfn_create(&n);
    wisp_dup(n, WISP_R_SEND, 0x20, &nb);
    expect("watch hello", wisp_watch(pid, nb), 0);
    wait_word("hello ended", n, 0x20);
    expect("watch hello again", wisp_watch(pid, nb), 0);
    wait_word("watch of an ended pid", n, 0x20);
    watch_errors(n, pid, h);
    wisp_close(h);
    pid = spawn_or_die("loop.wasm", &h);
    expect("watch loop", wisp_watch(pid, n), 0);
    expect("kill loop", wisp_kill(h, pid), 0);
    wait_word("loop killed", n, 1);
    wisp_close(h);
    kill_scope();
    watch_kept();
    watch_limit();
    printf("systest watch: %d failed\n", failures);
    return failures;
}

/* ---- a console server and its client ------------------------------------- */

/* serve_one: answer one console request *in (its bytes in buf); returns
 * the reply.  Reads get "first line", "second line", then end of input. */
static wisp_msg serve_one(const wisp_in *in, char *buf, int *reads)
{
    static const char *const lines[] = { "first line\n", "second line\n" };
    wisp_msg out;
    memset(&out, 0, sizeof out);
    out.nwords = 1;
    if (in->label == CONS_WRITE) {
        printf("[cons %u] %.*s", in->badge, (int)in->copied, buf);
        out.words[0] = in->copied;
    } else if (in->label == CONS_READ) {
        const char *l = *reads < 2 ? lines[*reads] : "";
        (*reads)++;
        out.buf = (uint32_t)(uintptr_t)l;
        out.len = out.words[0] = (uint32_t)strlen(l);
    } else {
        out.label = WISP_EINVAL;
    }
    return out;
}

/* serve: a small console server for PROG (argv[2..]): its slot 0 is
 * this endpoint; prints what it writes, answers its reads. */
MODE serve(int argc, char **argv)
{
    static char buf[4096];
    char args[128] = "";
    int32_t ep, es, er, pid, r, reads = 0;
    wisp_in in;
    size_t alen = 0;
    for (int i = 3; i < argc && alen + strlen(argv[i]) + 1 < sizeof args; i++)
        alen += (size_t)sprintf(args + alen, "%s", argv[i]) + 1;
    wisp_ep_create(&ep);
    wisp_dup(ep, WISP_R_SEND, 7, &es);
    wisp_dup(ep, WISP_R_RECV, 0, &er);
    wisp_close(ep);                     /* the child holds the only s */
    r = wisp_spawn(argv[2], (uint32_t)strlen(argv[2]), args, (uint32_t)alen,
                   &es, 1, &pid);
    wisp_close(es);
    if (r != 0) {
        printf("FAIL serve: spawn %s: %s\n", argv[2], wisp_strerror(r));
        return 1;
    }
    memset(&in, 0, sizeof in);
    in.buf = (uint32_t)(uintptr_t)buf;
    in.cap = sizeof buf;
    while ((r = wisp_recv(er, &in)) == 0) {
        wisp_msg out = serve_one(&in, buf, &reads);
        if (in.reply >= 0)
            wisp_reply(in.reply, &out);
        in.buf = (uint32_t)(uintptr_t)buf;
        in.cap = sizeof buf;
    }
    printf("serve: %s gone (%s), %d reads\n", argv[2], wisp_strerror(r),
           reads);
    return 0;
}

/* stdio_client: stdio and a file through the slots serve (or the
 * shell) gave: prints, reads to the end of input, opens a file. */
MODE stdio_client(void)
{
    char line[64];
    printf("stdio: hello over IPC\n");
    fprintf(stderr, "stdio: this is stderr\n");
    while (fgets(line, sizeof line, stdin))
        printf("stdio: read %s", line);
    printf("stdio: end of input\n");
    FILE *f = fopen("/hello.wasm", "r");
    printf("stdio: fopen /hello.wasm: %s\n", f ? "opened" : strerror(errno));
    return 0;
}

/* ---- files ----------------------------------------------------------------- */

/* check: one file check: ok is its outcome, what says what it was. */
static void check(int ok, const char *what)
{
    failures += !ok;
    printf("%s%s%s%s\n", ok ? "" : "FAIL ", what, ok ? "" : ": ",
           ok ? "" : strerror(errno));
}

/* fails_with: call's result r is -1 (or NULL) with errno e. */
static void fails_with(int failed, int e, const char *what)
{
    int ok = failed && errno == e;
    failures += !ok;
    printf("%s%s: %s\n", ok ? "" : "FAIL ", what, failed ? strerror(errno)
                                                        : "succeeded");
}

/* file_text: the whole of file path, read with fgets, into buf. */
static char *file_text(const char *path, char *buf, size_t size)
{
    char line[64];
    size_t n = 0;
    FILE *f = fopen(path, "r");
    buf[0] = '\0';
    if (!f)
        return buf;
    while (fgets(line, sizeof line, f) && n + strlen(line) < size)
        n += (size_t)sprintf(buf + n, "%s", line);
    fclose(f);
    return buf;
}

/* listed: directory path has an entry called name. */
static int listed(const char *path, const char *name)
{
    DIR *d = opendir(path);
    struct dirent *e;
    int found = 0;
    while (d && (e = readdir(d)))
        found |= strcmp(e->d_name, name) == 0;
    if (d)
        closedir(d);
    return found;
}

/* files_write: create, write, append and read back a /tmp file. */
static void files_write(void)
{
    char buf[256];
    FILE *f = fopen("/tmp/systest.txt", "w");
    check(f != NULL, "fopen /tmp/systest.txt w");
    if (f) {
        fprintf(f, "one %d\ntwo %s\n", 1, "2");
        check(fclose(f) == 0, "fclose");
    }
    f = fopen("/tmp/systest.txt", "a");
    check(f != NULL && fputs("three\n", f) >= 0 && fclose(f) == 0,
          "append three");
    file_text("/tmp/systest.txt", buf, sizeof buf);
    check(strcmp(buf, "one 1\ntwo 2\nthree\n") == 0, "read back");
    printf("text: %s", buf);
    file_text("tmp/../../tmp/./systest.txt", buf, sizeof buf);
    check(strcmp(buf, "one 1\ntwo 2\nthree\n") == 0,
          "read back by tmp/../../tmp/./systest.txt");
}

/* files_seek: fseek/ftell, stat and fstat, lseek to the end. */
static void files_seek(void)
{
    struct stat st;
    char c = 0;
    FILE *f = fopen("/tmp/systest.txt", "r");
    check(f && fseek(f, -6, SEEK_END) == 0 && ftell(f) == 12 &&
          fread(&c, 1, 1, f) == 1 && c == 't', "fseek from the end, ftell");
    if (f)
        fclose(f);
    check(stat("/tmp/systest.txt", &st) == 0 && st.st_size == 18 &&
          S_ISREG(st.st_mode), "stat: a file of 18 bytes");
    check(stat("/tmp", &st) == 0 && S_ISDIR(st.st_mode), "stat /tmp: a directory");
    check(stat("/../../hello.wasm", &st) == 0 && st.st_size > 0,
          "stat /../../hello.wasm: the initrd's hello.wasm");
    int fd = open("/hello.wasm", O_RDONLY);
    check(fd >= 4 && lseek(fd, 0, SEEK_END) == st.st_size && close(fd) == 0,
          "open, lseek to the end of hello.wasm, close");
}

/* files_dirs: mkdir, readdir of /tmp and /, opendir's errors. */
static void files_dirs(void)
{
    check(mkdir("/tmp/d", 0755) == 0, "mkdir /tmp/d");
    fails_with(mkdir("/tmp/d", 0755) != 0, EEXIST, "mkdir /tmp/d again");
    FILE *f = fopen("/tmp/d/inner", "w");
    check(f && fclose(f) == 0, "create /tmp/d/inner");
    check(listed("/tmp", "systest.txt") && listed("/tmp", "d") &&
          listed("/tmp/d", "inner"), "readdir /tmp and /tmp/d");
    check(listed("/", "hello.wasm") && listed("/", "tmp"), "readdir /");
    fails_with(fopen("/tmp/none/x", "w") == NULL, ENOENT, "fopen /tmp/none/x w");
    fails_with(opendir("/tmp/systest.txt") == NULL, ENOTDIR,
               "opendir a file");
}

/* files_remove: unlink and rmdir, and their errors. */
static void files_remove(void)
{
    check(unlink("/tmp/systest.txt") == 0, "unlink /tmp/systest.txt");
    fails_with(fopen("/tmp/systest.txt", "r") == NULL, ENOENT,
               "fopen it again");
    fails_with(unlink("/hello.wasm") != 0, EROFS, "unlink /hello.wasm");
    fails_with(fopen("/hello.wasm", "w") == NULL, EROFS, "fopen /hello.wasm w");
    fails_with(rmdir("/tmp/d") != 0, ENOTEMPTY, "rmdir /tmp/d, not empty");
    check(unlink("/tmp/d/inner") == 0, "unlink /tmp/d/inner");
    fails_with(rmdir("/tmp") != 0, EROFS, "rmdir /tmp");
    fails_with(rmdir("/hello.wasm") != 0, ENOTDIR, "rmdir /hello.wasm");
    check(mkdir("/tmp/e", 0755) == 0 && remove("/tmp/e") == 0 &&
          !listed("/tmp", "e"), "mkdir /tmp/e, remove it");
}

/* files_limit: WASIFS_FDS descriptors in all (3 .. 18): 15 opens. */
static void files_limit(void)
{
    int fds[20], n = 0;
    while (n < 20 && (fds[n] = open("/hello.wasm", O_RDONLY)) >= 0)
        n++;
    printf("open files: %d, then %s\n", n, strerror(errno));
    failures += n != 15 || errno != EMFILE;
    while (n > 0)
        close(fds[--n]);
}

/* files: every files_* check; the number that failed. */
MODE files(void)
{
    files_write();
    files_seek();
    files_dirs();
    files_remove();
    files_limit();
    printf("systest files: %d failed\n", failures);
    return failures;
}

#define HOLD_MAX 64

/* hold: open files until an open fails (or HOLD_MAX), report, sleep
 * until killed. */
MODE hold(void)
{
    int n = 0, err = 0;
    while (n < HOLD_MAX && !err) {
        if (open("/manifest", O_RDONLY) >= 0)
            n++;
        else
            err = errno;
    }
    printf("systest hold: %d files open (then: %s)\n", n,
           err ? strerror(err) : "stopped");
    for (;;)
        wisp_sleep_ms(1000);
}

/* ---- as init: the console device ----------------------------------------- */

/* say: print s through the console device (slot 0). */
static void say(const char *s)
{
    wisp_cons_write(0, s, (uint32_t)strlen(s));
}

/* line_done: act on one typed line; false to stop. */
static int line_done(const char *line)
{
    char out[160];
    snprintf(out, sizeof out, "systest: got '%s'\n", line);
    say(out);
    if (strcmp(line, "monitor") == 0) {
        int32_t r = wisp_monitor(0);
        snprintf(out, sizeof out, "systest: back from the monitor: %s\n",
                 wisp_strerror(r));
        say(out);
    }
    return strcmp(line, "quit") != 0;
}

/* console: (as init) echo typed lines through the console device;
 * `monitor` lends the line to the kernel monitor, `quit` ends. */
MODE console(void)
{
    char buf[64], line[128], out[96];
    uint32_t n, len = 0, word;
    int32_t nt;
    wisp_ntfn_create(&nt);
    snprintf(out, sizeof out, "systest: cons_write through slot 5: %s, "
             "through another notification: %s\n",
             wisp_strerror(wisp_cons_write(5, "x", 1)),
             wisp_strerror(wisp_cons_write(nt, "x", 1)));
    say(out);
    say("systest: console ready\n");
    while (wisp_wait(0, &word) == 0) {
        while (wisp_cons_read(0, buf, sizeof buf, &n) == 0 && n > 0) {
            for (uint32_t i = 0; i < n; i++) {
                if (buf[i] != '\r' && buf[i] != '\n') {
                    if (len < sizeof line - 1)
                        line[len++] = buf[i];
                    continue;
                }
                line[len] = '\0';
                len = 0;
                if (!line_done(line))
                    return 0;
            }
        }
    }
    return 1;
}

int main(int argc, char **argv)
{
    if (argc == 1)
        return console();
    if (strcmp(argv[1], "info") == 0)
        return info();
    if (strcmp(argv[1], "watch") == 0)
        return watch();
    if (strcmp(argv[1], "serve") == 0 && argc >= 3)
        return serve(argc, argv);
    if (strcmp(argv[1], "stdio") == 0)
        return stdio_client();
    if (strcmp(argv[1], "files") == 0)
        return files();
    if (strcmp(argv[1], "hold") == 0)
        return hold();
    printf("usage: systest info | watch | serve PROG [ARGS] | stdio | "
           "files | hold\n");
    return 2;
}
