/*
 * console: the console service (proto.h, "console").  It owns the serial
 * line: every program's stdin, stdout and stderr come here as CONS_READ
 * and CONS_WRITE calls (the kernel's WASI layer makes them), and only
 * this service reads and writes the line, with the console device handle
 * init gives it (wisp_cons_read, wisp_cons_write).
 *
 * Output: whole lines per sender.  Each sender (badge) has a buffer for
 * its partial line, shown when the line ends, when the buffer fills, or
 * when the same sender reads (so a prompt shows before the input).  A
 * line from one sender never lands in the middle of another's: if the
 * screen's current line holds someone else's text, output starts on a
 * fresh line, and a half-typed input line is shown again after it.
 *
 * Input: a line editor (echo, backspace/DEL, Ctrl-U erases the line,
 * Ctrl-C, Ctrl-D at the start of a line = end of input, Enter as \r,
 * \n or \r\n).  Control and non-ASCII bytes are dropped and counted; a
 * line longer than CONS_LINE_MAX - 1 bytes is cut.  Typed lines wait in
 * a queue for a read by the foreground badge (CONS_SET_FG, which only
 * the unbadged handle, the shell's, may send); Ctrl-C discards them and
 * signals the foreground's notification.  The unbadged handle may also
 * send CONS_MONITOR: the console, which holds the device, lends the
 * line to the kernel monitor.
 *
 * Screens and keyboards other than the serial line are drivers, programs
 * of their own (services/vga.c, services/kbd.c) with handles badged
 * CONS_BADGE_SCREEN and CONS_BADGE_KEYS.  The keyboard driver sends the
 * bytes it decodes (CONS_KEYS): they go through the same line editor as
 * the serial line's.  The screen driver asks for output (CONS_SCREEN):
 * the console keeps the last CONS_SCREEN_KEEP bytes it printed and
 * answers the driver's one waiting call with those it has not shown
 * yet, so a driver never slows the console down (the console only ever
 * replies to it, and a reply never blocks), and a driver that starts
 * again gets the last screenful back.
 *
 * One process cannot wait for the device and its endpoint at once, so
 * the console starts a helper, itself run as `console.wasm input PID`:
 * the helper waits for the device notification and then calls the
 * console (CONS_INPUT), which drains the typed bytes.  A helper whose
 * call is answered by another console (this one was restarted and has
 * its own helper) ends.  The console watches its helper with its `init`
 * handle: if the helper is killed, init restarts the console (which
 * starts a new helper), rather than leave the system deaf.
 *
 * Slots (manifest `slots=device,init,names,serve` with `register`): 0
 * the console device (so this program's own printf goes straight to the
 * line), 1 a handle that asks init to restart the console, 2 the name
 * server, 3 its endpoint.  Badges
 * below 0x10000 are init's and the console's own (spec/services.md).
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "svc.h"

#define CS_SLOT_DEVICE 0
#define CS_SLOT_INIT 1
#define CS_SLOT_EP SVC_SLOT_SERVE
#define CS_HELPER_SLOT_EP 2         /* the helper's handle on the console */

#define CONS_INPUT 0x100            /* label: (helper) typed bytes wait */
#define CS_BADGE_INPUT 0xfff1u      /* the helper's handle */
#define CS_WRITERS_MAX 16           /* senders with a partial line at once */
#define CS_OUT_MAX 1024             /* bytes of one sender's partial line */
/* Reads waiting for a line: each holds a reply handle, and 4 slots are
 * fixed, 1 is the Ctrl-C notification and SVC_RECV_FREE must stay free. */
#define CS_READS_MAX 4
#define CS_QUEUE_MAX 32             /* typed lines waiting for a read (a
                                       paste of a few commands) */
#define CS_RECV_MAX 16384           /* bytes of a CONS_WRITE taken at once */
#define CS_KEYS_MAX 64              /* bytes per wisp_cons_read */

/* Who wrote the text left of the cursor: a badge, or one of these. */
#define CS_OWNER_ECHO (-1)          /* the echo of the line being typed */
#define CS_OWNER_SELF (-2)          /* the console's own messages */

struct cs_writer {
    bool used;
    uint32_t badge;
    uint32_t len;                   /* bytes of the partial line */
    uint32_t stamp;                 /* last use, for reuse */
    char buf[CS_OUT_MAX];
};

struct cs_read {
    uint32_t badge;                 /* the reader's */
    int32_t reply;                  /* its reply handle */
};

static struct cs_writer cs_writers[CS_WRITERS_MAX];
static uint32_t cs_clock;
static struct cs_read cs_reads[CS_READS_MAX];   /* oldest first */
static int cs_nreads;

/* The line being typed. */
static struct {
    char buf[CONS_LINE_MAX];
    uint32_t len;
    uint32_t over;                  /* bytes dropped: line too long */
    uint32_t bad;                   /* control/non-ASCII bytes dropped */
    bool last_cr;                   /* previous byte was \r: skip a \n */
} cs_edit;

/* Typed lines (with '\n'; length 0 = end of input), oldest first. */
static struct {
    char line[CS_QUEUE_MAX][CONS_LINE_MAX];
    uint32_t len[CS_QUEUE_MAX];
    int head, count;
} cs_queue;

/* Output kept for the screen driver: a ring of the last bytes printed,
 * how many were printed in all, and the driver's waiting call. */
static struct {
    char ring[CONS_SCREEN_KEEP];
    uint32_t total;                 /* bytes printed since the start */
    int32_t reply;                  /* the waiting CONS_SCREEN, or -1 */
    uint32_t shown;                 /* ... and the count it has shown */
} cs_screen = {.reply = -1};

static uint32_t cs_fg;              /* the foreground badge: 0, the shell */
static int32_t cs_fg_ntfn = -1;     /* its Ctrl-C notification, or -1 */
static bool cs_dirty;               /* the cursor is not at a line start */
static int64_t cs_owner;            /* who wrote the current line */

/* ---- output -------------------------------------------------------------- */

/* cs_keep: n bytes printed, kept in the screen driver's ring. */
static void cs_keep(const char *s, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        cs_screen.ring[(cs_screen.total + i) % CONS_SCREEN_KEEP] = s[i];
    cs_screen.total += n;
}

/* cs_put: n bytes to the serial line, as they are (and to the screen). */
static void cs_put(const char *s, uint32_t n)
{
    if (n == 0)
        return;
    wisp_cons_write(CS_SLOT_DEVICE, s, n);
    cs_keep(s, n);
    cs_dirty = s[n - 1] != '\n';
}

/*
 * cs_screen_serve: answers the screen driver's waiting call if there is
 * output it has not shown: the bytes after its count, at most the last
 * CONS_SCREEN_KEEP (all that are kept when its count is not one this
 * console gave: it started before a restart of the console).
 */
static void cs_screen_serve(void)
{
    static char out[CONS_SCREEN_KEEP];
    uint32_t total = cs_screen.total, from = cs_screen.shown;
    if (cs_screen.reply < 0 || from == total)
        return;
    uint32_t oldest = total > CONS_SCREEN_KEEP ? total - CONS_SCREEN_KEEP : 0;
    if (from > total || from < oldest)
        from = oldest;
    for (uint32_t i = from; i < total; i++)
        out[i - from] = cs_screen.ring[i % CONS_SCREEN_KEEP];
    wisp_msg m = svc_reply_msg(0, 1, total, 0, 0);
    m.buf = SVC_PTR(out);
    m.len = total - from;
    wisp_reply(cs_screen.reply, &m);    /* EPIPE: the driver died; fine */
    cs_screen.reply = -1;
}

/* cs_screen_call: CONS_SCREEN from badge with reply handle r: it waits
 * for output after words[0]; an older waiting call gets EAGAIN.  Returns
 * false (answered now or later), or true with *out = EACCES. */
static bool cs_screen_call(const wisp_in *in, wisp_msg *out)
{
    if (in->badge != CONS_BADGE_SCREEN || in->nwords < 1) {
        *out = svc_reply_msg(in->badge != CONS_BADGE_SCREEN ? WISP_EACCES
                                                             : WISP_EINVAL,
                             0, 0, 0, 0);
        return true;
    }
    if (cs_screen.reply >= 0) {
        wisp_msg m = svc_reply_msg(WISP_EAGAIN, 0, 0, 0, 0);
        wisp_reply(cs_screen.reply, &m);
    }
    cs_screen.reply = in->reply;
    cs_screen.shown = in->words[0];
    cs_screen_serve();
    return false;
}

/*
 * cs_show: owner's bytes onto the screen.  If the current line holds
 * another owner's text, they start on a fresh line (the echo is the
 * exception: typing goes after the prompt), and a typed line cut off
 * this way is echoed again after them (after a prompt, on its line).
 */
static void cs_show(int64_t owner, const char *s, uint32_t n)
{
    bool broke = cs_dirty && cs_owner != owner && owner != CS_OWNER_ECHO;
    if (broke)
        cs_put("\n", 1);
    cs_put(s, n);
    cs_owner = owner;
    if (broke && cs_edit.len > 0) {
        cs_put(cs_edit.buf, cs_edit.len);
        cs_owner = CS_OWNER_ECHO;
    }
}

/* cs_say: the console's own message (printf format, one line). */
static void cs_say(const char *fmt, ...)
{
    char msg[160];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (n > (int)sizeof msg - 1)
        n = sizeof msg - 1;
    if (n > 0)
        cs_show(CS_OWNER_SELF, msg, (uint32_t)n);
}

/* cs_echo: the echo of typed input. */
static void cs_echo(const char *s, uint32_t n)
{
    cs_show(CS_OWNER_ECHO, s, n);
}

/* cs_find_writer: badge's partial-line buffer, or NULL. */
static struct cs_writer *cs_find_writer(uint32_t badge)
{
    for (int i = 0; i < CS_WRITERS_MAX; i++)
        if (cs_writers[i].used && cs_writers[i].badge == badge)
            return &cs_writers[i];
    return NULL;
}

/* cs_flush: shows w's partial line, if any. */
static void cs_flush(struct cs_writer *w)
{
    if (w->len > 0)
        cs_show(w->badge, w->buf, w->len);
    w->len = 0;
}

/* cs_victim: the buffer for a new sender: an unused one, else the
 * empty one used longest ago, else the one used longest ago. */
static struct cs_writer *cs_victim(void)
{
    struct cs_writer *best = NULL;
    for (int i = 0; i < CS_WRITERS_MAX; i++) {
        struct cs_writer *c = &cs_writers[i];
        if (!c->used)
            return c;
        bool empty = c->len == 0, best_empty = best && best->len == 0;
        if (!best || (empty && !best_empty) ||
            (empty == best_empty && c->stamp < best->stamp))
            best = c;
    }
    return best;
}

/* cs_writer: badge's buffer, made if needed (a reused buffer's partial
 * line is shown first), so any number of senders is served. */
static struct cs_writer *cs_writer(uint32_t badge)
{
    struct cs_writer *w = cs_find_writer(badge);
    if (!w) {
        w = cs_victim();
        if (w->used)
            cs_flush(w);
        *w = (struct cs_writer){.used = true, .badge = badge};
    }
    w->stamp = ++cs_clock;
    return w;
}

/* cs_append: adds s[0..n) to w's partial line, flushing it whenever it
 * fills, and at the end if `end` (s ends a line). */
static void cs_append(struct cs_writer *w, const char *s, uint32_t n,
                      bool end)
{
    while (n > 0) {
        uint32_t take = CS_OUT_MAX - w->len;
        if (take > n)
            take = n;
        memcpy(w->buf + w->len, s, take);
        w->len += take, s += take, n -= take;
        if (w->len == CS_OUT_MAX)
            cs_flush(w);
    }
    if (end)
        cs_flush(w);
}

/* cs_write: CONS_WRITE of s[0..n) from badge: whole lines are shown at
 * once, the rest waits in the sender's buffer. */
static void cs_write(uint32_t badge, const char *s, uint32_t n)
{
    struct cs_writer *w = cs_writer(badge);
    while (n > 0) {
        const char *nl = memchr(s, '\n', n);
        uint32_t seg = nl ? (uint32_t)(nl - s) + 1 : n;
        if (nl && w->len == 0)
            cs_show(badge, s, seg);
        else
            cs_append(w, s, seg, nl != NULL);
        s += seg, n -= seg;
    }
}

/* ---- reads --------------------------------------------------------------- */

/* cs_drop_read: forgets waiting read i (its reply is someone's job). */
static void cs_drop_read(int i)
{
    memmove(&cs_reads[i], &cs_reads[i + 1],
            (size_t)(cs_nreads - i - 1) * sizeof cs_reads[0]);
    cs_nreads--;
}

/*
 * cs_serve_reads: while a typed line waits and the foreground has a read
 * waiting, answers the oldest such read with the oldest line.  A reader
 * that died (the reply is EPIPE) loses its place, not the line.
 */
static void cs_serve_reads(void)
{
    while (cs_queue.count > 0) {
        int i = 0;
        while (i < cs_nreads && cs_reads[i].badge != cs_fg)
            i++;
        if (i == cs_nreads)
            return;
        int32_t r = cs_reads[i].reply;
        cs_drop_read(i);
        uint32_t len = cs_queue.len[cs_queue.head];
        wisp_msg m = svc_reply_msg(0, 1, len, 0, 0);
        m.buf = SVC_PTR(cs_queue.line[cs_queue.head]);
        m.len = len;
        if (wisp_reply(r, &m) == 0) {
            cs_queue.head = (cs_queue.head + 1) % CS_QUEUE_MAX;
            cs_queue.count--;
        }
    }
}

/* cs_evict: answers EAGAIN to the oldest waiting read that is not the
 * foreground's (its reader may be long dead), making room.  False if
 * every waiting read is the foreground's. */
static bool cs_evict(void)
{
    for (int i = 0; i < cs_nreads; i++) {
        if (cs_reads[i].badge != cs_fg) {
            wisp_msg m = svc_reply_msg(WISP_EAGAIN, 0, 0, 0, 0);
            wisp_reply(cs_reads[i].reply, &m);
            cs_drop_read(i);
            return true;
        }
    }
    return false;
}

/*
 * cs_read: CONS_READ from badge, reply handle r.  Shows the sender's
 * partial line (its prompt), then keeps the read until a line comes.
 * Returns false (answered later), or true with *out = EAGAIN when
 * CS_READS_MAX foreground reads already wait.
 */
static bool cs_read(uint32_t badge, int32_t r, wisp_msg *out)
{
    struct cs_writer *w = cs_find_writer(badge);
    if (w)
        cs_flush(w);
    if (cs_nreads == CS_READS_MAX && !cs_evict()) {
        *out = svc_reply_msg(WISP_EAGAIN, 0, 0, 0, 0);
        return true;
    }
    cs_reads[cs_nreads++] = (struct cs_read){.badge = badge, .reply = r};
    cs_serve_reads();
    return false;
}

/* cs_set_fg: CONS_SET_FG; returns the reply's label. */
static uint32_t cs_set_fg(const wisp_in *in)
{
    if (in->badge != 0 || in->nwords < 1) {
        svc_drop_handles(in, 0);
        return in->badge != 0 ? WISP_EACCES : WISP_EINVAL;
    }
    if (cs_fg_ntfn >= 0)
        wisp_close(cs_fg_ntfn);
    cs_fg_ntfn = in->nhandles > 0 ? (int32_t)in->handles[0] : -1;
    svc_drop_handles(in, 1);
    cs_fg = in->words[0];
    cs_serve_reads();
    return 0;
}

/* cs_monitor: CONS_MONITOR from badge: the serial line goes to the
 * kernel monitor, and this service waits (serving nobody) until the
 * monitor's exit gives it back.  Returns the reply's label. */
static uint32_t cs_monitor(uint32_t badge)
{
    if (badge != 0)
        return WISP_EACCES;
    return (uint32_t)wisp_monitor(CS_SLOT_DEVICE);
}

/* ---- the line editor ----------------------------------------------------- */

/* cs_queue_line: a finished line (or, n = 0, end of input) for the
 * foreground's reads; dropped with a message when the queue is full. */
static void cs_queue_line(const char *s, uint32_t n)
{
    if (cs_queue.count == CS_QUEUE_MAX) {
        cs_say("console: %d typed lines wait to be read; line dropped\n",
               CS_QUEUE_MAX);
        return;
    }
    int tail = (cs_queue.head + cs_queue.count) % CS_QUEUE_MAX;
    memcpy(cs_queue.line[tail], s, n);
    cs_queue.len[tail] = n;
    cs_queue.count++;
}

/* cs_edit_reset: an empty line being typed (keeps the \r\n state). */
static void cs_edit_reset(void)
{
    cs_edit.len = cs_edit.over = cs_edit.bad = 0;
}

/* cs_enter: Enter: the line, with '\n', goes to the queue; says what
 * was dropped from it. */
static void cs_enter(void)
{
    cs_echo("\n", 1);
    if (cs_edit.bad)
        cs_say("console: %u control or non-ASCII byte(s) ignored\n",
               (unsigned)cs_edit.bad);
    if (cs_edit.over)
        cs_say("console: line too long: cut to %d bytes\n",
               CONS_LINE_MAX - 1);
    cs_edit.buf[cs_edit.len] = '\n';
    cs_queue_line(cs_edit.buf, cs_edit.len + 1);
    cs_edit_reset();
}

/* cs_store: keeps and echoes a printable byte, or counts it as dropped
 * once the line is full. */
static void cs_store(char c)
{
    if (cs_edit.len == CONS_LINE_MAX - 1) {
        cs_edit.over++;
        return;
    }
    cs_edit.buf[cs_edit.len++] = c;
    cs_echo(&c, 1);
}

/* cs_erase: backspace/DEL: forgets the last byte typed (a dropped one
 * first, which was never shown). */
static void cs_erase(void)
{
    if (cs_edit.over > 0) {
        cs_edit.over--;
    } else if (cs_edit.len > 0) {
        cs_edit.len--;
        cs_echo("\b \b", 3);
    }
}

/* cs_kill_line: Ctrl-U: erases the whole line, on the screen too. */
static void cs_kill_line(void)
{
    while (cs_edit.len > 0)
        cs_erase();
    cs_edit_reset();
}

/*
 * cs_interrupt: Ctrl-C: discards the line and the typed lines not yet
 * read, and signals the foreground's notification.  With none (the
 * shell itself is in the foreground) an empty line is queued instead, so
 * the shell shows a fresh prompt.
 */
static void cs_interrupt(void)
{
    cs_echo("^C\n", 3);
    cs_edit_reset();
    cs_queue.count = 0;
    if (cs_fg_ntfn < 0 || wisp_signal(cs_fg_ntfn) != 0)
        cs_queue_line("\n", 1);
}

/* cs_key: one typed byte through the editor. */
static void cs_key(unsigned char c)
{
    bool after_cr = cs_edit.last_cr;
    cs_edit.last_cr = c == '\r';
    if (c == '\n' && after_cr)
        return;                     /* the \n of a \r\n pair */
    if (c == '\r' || c == '\n')
        cs_enter();
    else if (c == 0x03)
        cs_interrupt();
    else if (c == 0x04 && cs_edit.len == 0 && cs_edit.over == 0)
        cs_queue_line("", 0);       /* Ctrl-D: end of input */
    else if (c == '\b' || c == 0x7f)
        cs_erase();
    else if (c == 0x15)
        cs_kill_line();
    else if (c == '\t' || (c >= 0x20 && c < 0x7f))
        cs_store(c == '\t' ? ' ' : (char)c);
    else if (c != 0x04)
        cs_edit.bad++;
}

/* cs_keys: CONS_KEYS: the keyboard driver's bytes through the editor.
 * Returns the reply's label. */
static uint32_t cs_keys(const wisp_in *in)
{
    const unsigned char *k = (const unsigned char *)(uintptr_t)in->buf;
    if (in->badge != CONS_BADGE_KEYS)
        return WISP_EACCES;
    for (uint32_t i = 0; i < in->copied; i++)
        cs_key(k[i]);
    cs_serve_reads();
    return 0;
}

/* cs_input: runs every byte waiting on the serial line through the
 * editor, then answers the reads it can. */
static void cs_input(void)
{
    char keys[CS_KEYS_MAX];
    uint32_t n;
    while (wisp_cons_read(CS_SLOT_DEVICE, keys, sizeof keys, &n) == 0 &&
           n > 0)
        for (uint32_t i = 0; i < n; i++)
            cs_key((unsigned char)keys[i]);
    cs_serve_reads();
}

/* ---- the service --------------------------------------------------------- */

/* cs_handle: one received message (svc_handler), then whatever output
 * it made goes to the screen driver. */
static bool cs_message(const wisp_in *in, wisp_msg *out);
static bool cs_handle(const wisp_in *in, wisp_msg *out)
{
    bool now = cs_message(in, out);
    cs_screen_serve();
    return now;
}

/* cs_message: what one received message asks (svc_handler's contract). */
static bool cs_message(const wisp_in *in, wisp_msg *out)
{
    const char *buf = (const char *)(uintptr_t)in->buf;
    if (in->label != CONS_SET_FG)
        svc_drop_handles(in, 0);
    *out = svc_reply_msg(WISP_EINVAL, 0, 0, 0, 0);
    switch (in->label) {
    case CONS_WRITE:
        cs_write(in->badge, buf, in->copied);
        *out = svc_reply_msg(0, 1, in->copied, 0, 0);
        return true;
    case CONS_READ:
        return in->reply < 0 || cs_read(in->badge, in->reply, out);
    case CONS_SET_FG:
        *out = svc_reply_msg(cs_set_fg(in), 0, 0, 0, 0);
        return true;
    case CONS_MONITOR:
        *out = svc_reply_msg(cs_monitor(in->badge), 0, 0, 0, 0);
        return true;
    case CONS_SCREEN:
        return in->reply < 0 || cs_screen_call(in, out);
    case CONS_KEYS:
        *out = svc_reply_msg(cs_keys(in), 1, in->copied, 0, 0);
        return true;
    case CONS_INPUT:
        if (in->badge == CS_BADGE_INPUT) {
            cs_input();
            *out = svc_reply_msg(0, 1, (uint32_t)wisp_getpid(), 0, 0);
        }
        return true;
    default:
        return true;
    }
}

/*
 * cs_helper: the input helper (console.wasm input PARENT): waits for the
 * device's signal and calls the console.  Returns (ends) when a console
 * other than PARENT answers, or none can.
 */
static int cs_helper(uint32_t parent)
{
    wisp_msg m = {.label = CONS_INPUT};
    uint32_t word;
    while (wisp_wait(CS_SLOT_DEVICE, &word) == 0) {
        wisp_in in = {0};
        int32_t err = wisp_call(CS_HELPER_SLOT_EP, &m, &in);
        if (err == WISP_EPIPE)      /* the console died mid-call: again */
            err = wisp_call(CS_HELPER_SLOT_EP, &m, &in);
        if (err || in.label != 0 || in.words[0] != parent)
            return 0;
    }
    return 1;
}

/* cs_start_helper: spawns prog as this console's input helper with the
 * device, slot 1 and a send handle on the console badged
 * CS_BADGE_INPUT, and has its end signal init (slot 1). */
static void cs_start_helper(const char *prog)
{
    char args[24] = "input";
    int n = snprintf(args + 6, sizeof args - 6, "%d", (int)wisp_getpid());
    int32_t h, pid, err = wisp_dup(CS_SLOT_EP, WISP_R_SEND, CS_BADGE_INPUT,
                                   &h);
    if (err == 0) {
        int32_t hs[3] = {CS_SLOT_DEVICE, 1, h};
        err = wisp_spawn(prog, (uint32_t)strlen(prog), args,
                         (uint32_t)(6 + n + 1), hs, 3, &pid);
        wisp_close(h);
    }
    if (err == 0 && wisp_watch(pid, CS_SLOT_INIT) != 0)
        cs_say("console: cannot watch the input helper (slot %d is not "
               "init's)\n", CS_SLOT_INIT);
    if (err)
        cs_say("console: cannot start the input helper: %s; "
               "no keyboard input\n", wisp_strerror(err));
}

/* main: the console service (or, run as `console.wasm input PID`, its
 * input helper): start the helper, register "console", serve. */
int main(int argc, char **argv)
{
    static char buf[CS_RECV_MAX];
    if (argc >= 3 && strcmp(argv[1], "input") == 0)
        return cs_helper((uint32_t)strtoul(argv[2], NULL, 10));
    cs_start_helper(argc > 0 ? argv[0] : "console.wasm");
    return svc_run("console", buf, sizeof buf, cs_handle);
}
