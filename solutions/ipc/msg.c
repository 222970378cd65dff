/*
 * msg.c: messages: the checks a message and a receive buffer must pass
 * (model: _check_msg, _check_recv), and the rendezvous that moves a
 * message from its sender to its receiver (model: _transfer,
 * _rendezvous), with the truncation rule and the grants.
 */
#include "ipc/core.h"
#include "kernel/labtodo.h"

/*
 * bad_shape: whether the message's shape is EINVAL: too many words or
 * handles (checked before any grant is looked at), a slot listed twice,
 * a mode other than 'm' or 'c'.  Labels and words are u32 by type.
 */
static bool bad_shape(const struct ipc_msg *m)
{
    if (m->nwords > IPC_MSG_WORDS_MAX || m->nhandles > IPC_MSG_HANDLES_MAX)
        return true;
    for (uint32_t i = 0; i < m->nhandles; i++) {
        if (m->handles[i].mode != 'm' && m->handles[i].mode != 'c')
            return true;
        for (uint32_t j = 0; j < i; j++)
            if (m->handles[j].slot == m->handles[i].slot)
                return true;
    }
    return false;
}

/*
 * ipc_check_msg: see core.h.  Order: EINVAL, EACCES, EBADF, EMSGSIZE,
 * EFAULT.  Granted slots must be open endpoint, notification or process
 * handles (a reply handle cannot be granted).
 */
int ipc_check_msg(struct ipc_proc *p, const struct ipc_msg *m, bool grant_ok)
{
    if (bad_shape(m))
        return IPC_EINVAL;
    if (m->nhandles && !grant_ok)
        return IPC_EACCES;
    for (uint32_t i = 0; i < m->nhandles; i++) {
        uint32_t sl = m->handles[i].slot;
        if (sl >= IPC_HANDLES_MAX || !p->handles[sl].obj ||
            p->handles[sl].obj->kind == IPC_KIND_REPLY)
            return IPC_EBADF;
    }
    if (m->has_buf && m->len > IPC_MSG_BUF_MAX)
        return IPC_EMSGSIZE;
    if (m->has_buf && !p->mem(p, m->buf, m->len))
        return IPC_EFAULT;
    return 0;
}

/*
 * ipc_check_recv: see core.h.  The free-slot rule is what lets every
 * later delivery (up to IPC_MSG_HANDLES_MAX grants + a reply handle) fit.
 * A kernel-issued call (p->kcall) takes no handles: no slot needed.
 */
int ipc_check_recv(struct ipc_proc *p, const struct ipc_rbuf *rb)
{
    if (rb && rb->has && !p->mem(p, rb->ptr, rb->cap))
        return IPC_EFAULT;
    if (!p->kcall && IPC_HANDLES_MAX - p->nheld < IPC_RECV_FREE_SLOTS)
        return IPC_EMFILE;
    return 0;
}

/*
 * copy_bytes: n bytes from [from, from+n) of src's memory to [to, to+n)
 * of dst's; returns n, or 0 (nothing copied) if either range is not
 * wholly inside its process's memory.  Both ranges were checked when
 * their operations began, and linear memory never shrinks, so they
 * exist; if one did not, the count says nothing was copied.
 */
static uint32_t copy_bytes(struct ipc_proc *src, uint32_t from,
                           struct ipc_proc *dst, uint32_t to, uint32_t n)
{
    void *f, *t;

    if (n == 0)
        return 0;
    f = src->mem(src, from, n);
    t = dst->mem(dst, to, n);
    if (!f || !t)
        return 0;
    __builtin_memcpy(t, f, n);
    return n;
}

/*
 * drop_grants: m's grants to a receiver that takes no handles (a
 * kernel-issued call): a copy stays with src; a moved handle is closed
 * by the last-handle rules, as if its receiver had closed it at once.
 */
static void drop_grants(struct ipc_proc *src, const struct ipc_msg *m)
{
    for (uint32_t i = 0; i < m->nhandles; i++)
        if (m->handles[i].mode == 'm')
            ipc_close_slot(src, m->handles[i].slot);
}

/*
 * ipc_transfer: deliver message m, sent by src through a handle with
 * badge `badge`, to dst, which receives into rb (NULL or !rb->has: no
 * buffer, capacity 0).  Everything was checked when the operations
 * began, so nothing here can fail.  dst->got (reset first) gets, as
 * spec/ipc.md "Messages" lists them: has_msg; the badge; the label; the
 * words, all of them (words are never truncated); if m has a buffer,
 * its length and the count copied by the truncation rule: min(len, cap)
 * bytes from the start of src's buffer to the start of dst's
 * (copy_bytes), the rest dropped; and the slots the granted handles
 * land in, in message order, each in dst's lowest free slot with the
 * rights and badge it had in src: a move ('m') takes it out of src's
 * table (ipc_move: no last-handle rule, it lives on in dst with its
 * place in the derivation tree), a copy ('c') leaves src's and is
 * derived from it (ipc_derive).  A dst in a kernel-issued call (dst->kcall)
 * takes no handle: its grants are dropped (drop_grants) and it gets
 * none.
 */
void ipc_transfer(struct ipc_proc *src, const struct ipc_msg *m,
                  uint32_t badge, struct ipc_proc *dst,
                  const struct ipc_rbuf *rb)
{
    struct ipc_got *g = &dst->got;

    ipc_got_reset(g);
    g->has_msg = true;
    g->badge = badge;
    g->label = m->label;
    // LAB 6 BEGIN ipc_transfer
    g->nwords = m->nwords;
    for (uint32_t i = 0; i < m->nwords; i++)  /* usually few: no memcpy */
        g->words[i] = m->words[i];
    if (m->has_buf) {
        uint32_t cap = rb && rb->has ? rb->cap : 0;
        g->has_buf = true;
        g->len = m->len;
        g->copied = copy_bytes(src, m->buf, dst, rb ? rb->ptr : 0,
                               m->len < cap ? m->len : cap);
    }
    if (dst->kcall) {
        drop_grants(src, m);
        return;
    }
    for (uint32_t i = 0; i < m->nhandles; i++) {
        struct ipc_handle *h = &src->handles[m->handles[i].slot];
        g->handles[i] = (uint32_t)(m->handles[i].mode == 'm'
            ? ipc_move(src, m->handles[i].slot, dst)
            : ipc_derive(dst, h, h->rights, h->badge));
    }
    g->nhandles = m->nhandles;
    // LAB 6 BUG copy_ignores_the_capacity
    // g->nwords = m->nwords;
    // for (uint32_t i = 0; i < m->nwords; i++)
    //     g->words[i] = m->words[i];
    // if (m->has_buf) {
    //     g->has_buf = true;
    //     g->len = m->len;
    //     g->copied = copy_bytes(src, m->buf, dst, rb ? rb->ptr : 0, m->len);
    // }
    // if (dst->kcall) {
    //     drop_grants(src, m);
    //     return;
    // }
    // for (uint32_t i = 0; i < m->nhandles; i++) {
    //     struct ipc_handle *h = &src->handles[m->handles[i].slot];
    //     g->handles[i] = (uint32_t)(m->handles[i].mode == 'm'
    //         ? ipc_move(src, m->handles[i].slot, dst)
    //         : ipc_derive(dst, h, h->rights, h->badge));
    // }
    // g->nhandles = m->nhandles;
    // LAB 6 BUG move_keeps_the_sender_handle
    // g->nwords = m->nwords;
    // for (uint32_t i = 0; i < m->nwords; i++)
    //     g->words[i] = m->words[i];
    // if (m->has_buf) {
    //     uint32_t cap = rb && rb->has ? rb->cap : 0;
    //     g->has_buf = true;
    //     g->len = m->len;
    //     g->copied = copy_bytes(src, m->buf, dst, rb ? rb->ptr : 0,
    //                            m->len < cap ? m->len : cap);
    // }
    // if (dst->kcall) {
    //     drop_grants(src, m);
    //     return;
    // }
    // for (uint32_t i = 0; i < m->nhandles; i++) {
    //     struct ipc_handle *h = &src->handles[m->handles[i].slot];
    //     g->handles[i] = (uint32_t)ipc_derive(dst, h, h->rights, h->badge);
    // }
    // g->nhandles = m->nhandles;
    // LAB 6 STUB delivers the badge and the label alone, so no word, buffer byte or granted handle ever arrives
    // (void)src, (void)rb, (void)copy_bytes, (void)drop_grants;
    // LAB_TODO(6, "ipc_transfer");
    // LAB 6 END
}

/*
 * ipc_rendezvous: see core.h.  Needs: sender out of every queue; for a
 * call, sender->spare holds its reply object (allocated before it could
 * block), which becomes the reply handle's object here, so the
 * rendezvous cannot fail.  A blocked sender's grants that a revoke
 * took while it waited are left out (ipc_live_grants).
 */
void ipc_rendezvous(struct ipc_obj *ep, struct ipc_proc *sender,
                    enum ipc_state kind, const struct ipc_msg *m,
                    uint32_t badge, struct ipc_proc *receiver,
                    const struct ipc_rbuf *rb)
{
    struct ipc_msg live;

    m = ipc_live_grants(sender, m, &live);    /* a revoke took some? */
    ipc_transfer(sender, m, badge, receiver, rb);
    ep->delivered++;
    if (kind == IPC_CALL) {
        struct ipc_obj *r = sender->spare;
        sender->spare = NULL;
        r->caller = sender;
        receiver->got.reply = ipc_install(receiver, r, 0, 0);
        sender->state = IPC_REPLY;
        sender->on = r;
        sender->badge = 0;
    }
}
