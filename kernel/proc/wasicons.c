/*
 * wasicons.c: WASI over IPC, part 1 (wasifs.h): each process's state,
 * the call the kernel makes on a process's behalf, and stdio through the
 * console endpoint in slot 0.
 *
 * The kernel-issued call is an ordinary ipc_call on the process's own
 * struct ipc_proc, so the server sees the process's badge and the
 * process can reach only what its own handles name.  A message's bytes
 * normally come from, and a reply's go to, the process's linear memory;
 * a path the kernel has normalised, or a reply the kernel must reformat
 * (a directory entry, a typed line), lives in the process's kernel
 * window instead: WASIFS_WIN bytes that the process's memory hook
 * shows at offset WASIFS_WIN_BASE while the call runs.
 */
#include "proc/wasifs.h"

#include "kstring.h"
#include "ipc/kref.h"
#include "mm/kmalloc.h"
#include "proc/ipccall.h"

/*
 * wasifs_start: see wasifs.h.  The preopened directory "/" is fd 3
 * (index 0), there while slot 1 is.
 */
void wasifs_start(struct proc *p)
{
    struct wasifs *w;
    bool cons = ipc_obj_of(&p->ipc, WISP_SLOT_CONSOLE, IPC_KIND_EP,
                           IPC_R_SEND) != NULL;
    bool fs = ipc_obj_of(&p->ipc, WISP_SLOT_FS, IPC_KIND_EP,
                         IPC_R_SEND) != NULL;
    if ((!cons && !fs) || !(w = kzalloc(sizeof *w)))
        return;
    w->cons = cons;
    w->fs = fs;
    w->fds[0].type = WASI_FT_DIR;
    w->fds[0].path = "/";
    w->fds[0].rights = WASI_RIGHTS_ALL;
    p->wasifs = w;
}

/* wasifs_free: see wasifs.h. */
void wasifs_free(struct proc *p)
{
    struct wasifs *w = p->wasifs;
    if (!w)
        return;
    for (int i = 1; i < WASIFS_FDS; i++)
        if (w->fds[i].type == WASI_FT_DIR)
            kfree(w->fds[i].path);
    kfree(w);
    p->wasifs = NULL;
}

/* wasifs_has: see wasifs.h. */
bool wasifs_has(struct proc *p, uint32_t slot)
{
    struct wasifs *w = p->wasifs;
    if (!w || !(slot == WISP_SLOT_CONSOLE ? w->cons : w->fs))
        return false;
    return ipc_obj_of(&p->ipc, slot, IPC_KIND_EP, IPC_R_SEND) != NULL;
}

/*
 * win_mem: the memory hook of a process while the kernel calls for it:
 * the window at WASIFS_WIN_BASE, anything else through its own hook.
 */
static void *win_mem(struct ipc_proc *ip, uint32_t off, uint32_t len)
{
    struct proc *p = ip->owner;
    struct wasifs *w = p->wasifs;
    if (off >= WASIFS_WIN_BASE) {
        uint32_t at = off - WASIFS_WIN_BASE;
        if (at > WASIFS_WIN || len > WASIFS_WIN - at)
            return NULL;
        return w->win + at;
    }
    return w->mem(ip, off, len);
}

/*
 * wasifs_call: see wasifs.h.  The window hook stays in place while the
 * call is blocked: the server's reply copies into it from the server's
 * thread.
 */
uint32_t wasifs_call(struct proc *p, uint32_t slot, struct ipc_msg *m,
                     const struct ipc_rbuf *rb, struct ipc_got *got)
{
    struct ipc_proc *ip = &p->ipc;
    struct wasifs *w = p->wasifs;
    w->mem = ip->mem;
    ip->mem = win_mem;
    ip->kcall = true;               /* no free slot needed: its stdout
                                       works whatever it holds */
    uint32_t r = ipccall_finish(p, ipc_call(ip, slot, m, rb));
    ip->kcall = false;
    ip->mem = w->mem;
    if (r != 0)
        return r;
    *got = ip->got;
    return got->label;
}

/* ---- stdio through the console ------------------------------------------- */

/* iov_at: iovec i of iov: its buffer and length. */
static void iov_at(const uint8_t *iov, uint32_t i, uint32_t *buf,
                   uint32_t *len)
{
    memcpy(buf, iov + 8 * i, 4);
    memcpy(len, iov + 8 * i + 4, 4);
}

/*
 * cons_put: one CONS_WRITE of guest bytes [buf, buf+len) (len <=
 * IPC_MSG_BUF_MAX); *took = the bytes the console took.
 */
static uint32_t cons_put(struct proc *p, uint32_t buf, uint32_t len,
                         uint32_t *took)
{
    struct ipc_msg m = { .label = CONS_WRITE, .has_buf = true,
                         .buf = buf, .len = len };
    struct ipc_rbuf none = { 0 };
    struct ipc_got got;
    uint32_t r = wasifs_call(p, WISP_SLOT_CONSOLE, &m, &none, &got);
    *took = r == 0 && got.words[0] <= len ? got.words[0] : 0;
    return r;
}

/*
 * gather: if the n iovecs hold WASIFS_WIN bytes or fewer in all, copy
 * them into the window and return their total; else return 0.  printf
 * writes a line as two iovecs (the text, then the newline): one message
 * instead of two halves the round trips.
 */
static uint32_t gather(struct proc *p, wasm_host_call *c, const uint8_t *iov,
                       uint32_t n)
{
    uint32_t total = 0, buf, len;
    for (uint32_t i = 0; i < n; i++) {
        iov_at(iov, i, &buf, &len);
        if (len > WASIFS_WIN - total)
            return 0;
        memcpy(p->wasifs->win + total, host_mem(c, buf, len), len);
        total += len;
    }
    return total;
}

/*
 * wasifs_cons_write: see wasifs.h.  Small writes go as one call from the
 * window; others as one call per iovec, or per IPC_MSG_BUF_MAX bytes of
 * one.  A console that takes nothing ends the write early (a short
 * count), so a full console cannot loop us.
 */
uint32_t wasifs_cons_write(struct proc *p, wasm_host_call *c,
                           const uint8_t *iov, uint32_t n, uint32_t *done)
{
    uint32_t small = n > 1 ? gather(p, c, iov, n) : 0;
    *done = 0;
    if (small > 0)
        return cons_put(p, WASIFS_WIN_BASE, small, done);
    for (uint32_t i = 0; i < n; i++) {
        uint32_t buf, len, took;
        iov_at(iov, i, &buf, &len);
        while (len > 0) {
            uint32_t chunk = len < IPC_MSG_BUF_MAX ? len : IPC_MSG_BUF_MAX;
            uint32_t r = cons_put(p, buf, chunk, &took);
            if (r != 0 || took == 0)
                return r;
            *done += took;
            buf += took;
            len -= took;
        }
    }
    return 0;
}

/*
 * cons_line: w->in empty: read the next typed line into it (CONS_READ,
 * into the window).  A length of 0 is the end of input.
 */
static uint32_t cons_line(struct proc *p, struct wasifs *w)
{
    struct ipc_msg m = { .label = CONS_READ };
    struct ipc_rbuf rb = { true, WASIFS_WIN_BASE, CONS_LINE_MAX };
    struct ipc_got got;
    uint32_t r = wasifs_call(p, WISP_SLOT_CONSOLE, &m, &rb, &got);
    if (r != 0)
        return r;
    w->in_off = 0;
    w->in_len = got.copied < got.words[0] ? got.copied : got.words[0];
    memcpy(w->in, w->win, w->in_len);
    return 0;
}

/*
 * wasifs_cons_read: see wasifs.h.  Reads a line only when nothing typed
 * is left over, so a program reading a byte at a time gets every byte
 * of a line before it blocks again; fills the iovecs in order.
 */
uint32_t wasifs_cons_read(struct proc *p, wasm_host_call *c,
                          const uint8_t *iov, uint32_t n, uint32_t *done)
{
    struct wasifs *w = p->wasifs;
    *done = 0;
    if (w->in_off == w->in_len) {
        uint32_t r = cons_line(p, w);
        if (r != 0)
            return r;
    }
    for (uint32_t i = 0; i < n && w->in_off < w->in_len; i++) {
        uint32_t buf, len, left = w->in_len - w->in_off;
        iov_at(iov, i, &buf, &len);
        len = len < left ? len : left;
        memcpy(host_mem(c, buf, len), w->in + w->in_off, len);
        w->in_off += len;
        *done += len;
    }
    return 0;
}
