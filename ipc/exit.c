/*
 * exit.c: a process's death (model: op_exit), the same for proc_exit, a
 * trap and kill, and the names traces and ipcstat print.
 */
#include "ipc/core.h"

/*
 * unqueue: take p out of queue q, wherever it is (death is rare, so a
 * walk is fine).  Returns whether it was there.
 */
static bool unqueue(struct ipc_queue *q, struct ipc_proc *p)
{
    struct ipc_proc **pp = &q->head, *prev = NULL;

    while (*pp && *pp != p) {
        prev = *pp;
        pp = &(*pp)->qnext;
    }
    if (!*pp)
        return false;
    *pp = p->qnext;
    if (q->tail == p)
        q->tail = prev;
    p->qnext = NULL;
    return true;
}

/*
 * leave: p stops waiting where it is blocked: it leaves its object's
 * queue, or, waiting for a reply, its reply object forgets it (that
 * reply will be EPIPE; the object lives until its handle goes).
 */
static void leave(struct ipc_proc *p)
{
    struct ipc_obj *o = p->on;

    if (!o)
        return;
    if (p->state == IPC_REPLY)
        o->caller = NULL;
    else if (!unqueue(&o->sendq, p) && !unqueue(&o->recvq, p))
        unqueue(&o->waitq, p);
}

/*
 * ipc_exit: p dies (it exited, trapped or was killed; model: op_exit).
 * In this order: its last operation's outcome is cleared (result IPC_OK,
 * got reset, as the model's Ret); it stops waiting where it is blocked
 * (leave), so no queue or reply object points at it any more; it is
 * IPC_DEAD, waiting on nothing (on NULL, no badge, no receive buffer);
 * then every open slot of its table is closed, in slot order, by
 * ipc_close_slot, whose last-handle rules free what only it held and
 * wake whoever was blocked on that: a caller whose reply handle it
 * held gets EPIPE, as do the senders to an endpoint it alone received
 * from.  Every slot: a reply handle carries no rights but is a
 * capability all the same, and its caller waits until it goes.  Last,
 * its spare reply object (kept for its next call) is freed.  Any state;
 * a second call does nothing (a killed process is torn down twice).
 */
void ipc_exit(struct ipc_proc *p)
{
    if (p->state == IPC_DEAD)
        return;
    ipc_got_reset(&p->got);
    p->result = IPC_OK;
    leave(p);
    p->state = IPC_DEAD;
    p->on = NULL;
    p->badge = 0;
    p->rbuf.has = false;
    for (uint32_t slot = 0; slot < IPC_HANDLES_MAX; slot++)
        if (p->handles[slot].obj)
            ipc_close_slot(p, slot);
    if (p->spare) {
        ipc_obj_free(p->spare);
        p->spare = NULL;
    }
}

/* ipc_state_name: the state as traces spell it ("running", "call", ...). */
const char *ipc_state_name(enum ipc_state s)
{
    static const char *const names[] = {
        [IPC_RUNNING] = "running", [IPC_SEND] = "send", [IPC_CALL] = "call",
        [IPC_RECV] = "recv", [IPC_WAIT] = "wait", [IPC_REPLY] = "reply",
        [IPC_DEAD] = "dead",
    };

    return (unsigned)s < sizeof names / sizeof names[0] ? names[s] : "?";
}

/* ipc_err_name: "ok", "blocked", or the error's name ("EBADF", ...);
 * "E?" for a number that is none of them. */
const char *ipc_err_name(int code)
{
    switch (code) {
    case IPC_OK: return "ok";
    case IPC_BLOCKED: return "blocked";
    case IPC_EACCES: return "EACCES";
    case IPC_EAGAIN: return "EAGAIN";
    case IPC_ECANCELED: return "ECANCELED";
    case IPC_EBADF: return "EBADF";
    case IPC_EFAULT: return "EFAULT";
    case IPC_EINVAL: return "EINVAL";
    case IPC_EMFILE: return "EMFILE";
    case IPC_EMSGSIZE: return "EMSGSIZE";
    case IPC_EPIPE: return "EPIPE";
    case IPC_ESRCH: return "ESRCH";
    case IPC_ENOMEM: return "ENOMEM";
    default: return "E?";
    }
}
