/*
 * ipc.h: Wisp's inter-process communication, the kernel side of
 * spec/ipc.md: endpoints, notifications and one-shot reply objects,
 * named by processes only through the slots of their own handle tables.
 *
 * This layer is pure bookkeeping, like the reference model it follows
 * (spec/ipc/model.py): every operation takes the calling process's
 * `struct ipc_proc`, checks its arguments in the order spec/ipc.md gives
 * (an error changes nothing), and either finishes (IPC_OK or an error)
 * or returns IPC_BLOCKED after queueing the caller.  A blocked process
 * gets its real result later, from whichever operation completes it: that
 * operation sets the process's `result` and `got`, makes it IPC_RUNNING
 * and calls its `wake` hook.  The layer never sleeps, prints or looks at
 * threads; kernel/proc/ipccall.c turns a host call into an operation and
 * sleeps the thread while the process is blocked, and the test service
 * (ipc/script*.c) drives processes that have no thread at all.
 *
 * Everything here runs in thread context with no locks: kernel C is not
 * preempted (sched.h), so one operation runs to its end before another
 * starts.  The code uses only ipc_alloc/ipc_free and the compiler's
 * memcpy/memset, so it also builds on the host (bench, tests).
 */
#ifndef WISP_IPC_H
#define WISP_IPC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- limits (spec/ipc.md "Limits"; a test compares them with model.py) */

#ifndef IPC_HANDLES_MAX              /* (make spec-c builds the core with
                                       a small table, so that a search of
                                       a few steps fills one) */
#define IPC_HANDLES_MAX 64          /* slots in a handle table (0..63):
                                       room for a shell's jobs and init's
                                       services, one process handle each */
#endif
#define IPC_MSG_WORDS_MAX 8         /* inline u32 words in a message */
#define IPC_MSG_HANDLES_MAX 4       /* handles granted in one message */
#define IPC_MSG_BUF_MAX 65536       /* bytes of a message's buffer */
/* free slots an operation that receives needs before it may block: the
 * granted handles plus the reply handle, so a delivery always fits */
#define IPC_RECV_FREE_SLOTS (IPC_MSG_HANDLES_MAX + 1)

/* ---- results (spec/ipc.md "Error codes": WASI errno numbers) -------- */

#define IPC_OK 0
#define IPC_EACCES 2                /* missing right */
#define IPC_EAGAIN 6                /* would block (try_send, try_recv) */
#define IPC_ECANCELED 11            /* handle revoked: a wake only (revoke) */
#define IPC_EBADF 8                 /* bad handle */
#define IPC_EFAULT 21               /* bad buffer */
#define IPC_EINVAL 28               /* bad argument */
#define IPC_EMFILE 33               /* handle table full */
#define IPC_EMSGSIZE 35             /* message too large */
#define IPC_EPIPE 64                /* peer dead */
#define IPC_ESRCH 71                /* the process has ended (kill) */
#define IPC_ENOMEM 48               /* kernel memory exhausted (not in the
                                       model, which has no such limit) */
#define IPC_ENOSYS 52               /* not implemented: what the stub of an
                                       unwritten lab hole returns (not in
                                       the model either) */
#define IPC_BLOCKED (-1)            /* not an error: see the top comment */

/* ---- rights: bits of a handle (spelled "srg" in traces) -------------- */

#define IPC_R_SEND 1u               /* send, try_send, call; signal */
#define IPC_R_RECV 2u               /* recv, try_recv, reply_recv; wait */
#define IPC_R_GRANT 4u              /* messages sent through it may carry
                                       handles */
#define IPC_R_ALL 7u                /* srg: what a new endpoint or
                                       notification handle has */
#define IPC_R_KILL 8u               /* (process handles) end the process
                                       and what it started ("k") */
#define IPC_R_ANY 15u               /* every right bit there is */

enum ipc_kind {
    IPC_KIND_EP = 1,                /* endpoint */
    IPC_KIND_NTFN,                  /* notification */
    IPC_KIND_REPLY,                 /* the one-shot reply object of a call */
    IPC_KIND_PROC,                  /* a process (kernel/proc: spawn makes
                                       one per process and hands the
                                       spawner a handle with k) */
    IPC_KIND_IO,                    /* an I/O capability: a port range, a
                                       device memory window or an IRQ
                                       (kernel/proc/devcap.c; r reads,
                                       s writes) */
};

/* A process's IPC state (spec/ipc.md "Process states"). */
enum ipc_state {
    IPC_RUNNING,                    /* not blocked in IPC */
    IPC_SEND,                       /* in an endpoint's send queue: send */
    IPC_CALL,                       /* in an endpoint's send queue: call */
    IPC_RECV,                       /* in an endpoint's receive queue */
    IPC_WAIT,                       /* in a notification's wait queue */
    IPC_REPLY,                      /* its call was received; waits for the
                                       one reply object naming it */
    IPC_DEAD,                       /* exited, trapped or killed */
};

struct ipc_proc;
struct ipc_obj;
struct iodev;

/* A FIFO of blocked processes, linked through ipc_proc.qnext. */
struct ipc_queue {
    struct ipc_proc *head, *tail;
};

/*
 * A numbering domain.  Endpoints and notifications are numbered 1, 2, ...
 * in creation order within their domain (a number only the kernel and
 * traces see), and the domain lists its live ones in number order.  The
 * kernel's processes share ipc_kernel_ns; each test script has its own,
 * so that its trace starts at ep1.
 */
struct ipc_ns {
    uint32_t next_id;               /* the next object's number */
    struct ipc_obj *objs, *objs_tail;   /* live endpoints/notifications */
};

extern struct ipc_ns ipc_kernel_ns;

/* A kernel object.  Freed when its last handle goes (rule 4). */
struct ipc_obj {
    enum ipc_kind kind;
    uint32_t id;                    /* ep/ntfn: its number; reply: 0 */
    struct ipc_ns *ns;
    int nhandles;                   /* handles naming it, in any table */
    int nsend, nrecv;               /* ... of which with s / with r */
    struct ipc_queue sendq;         /* ep: blocked senders and callers */
    struct ipc_queue recvq;         /* ep: blocked receivers */
    struct ipc_queue waitq;         /* ntfn: blocked waiters */
    uint32_t word;                  /* ntfn: the pending bits */
    struct ipc_proc *caller;        /* reply: the caller it answers, NULL
                                       once that caller died */
    struct ipc_proc *target;        /* proc: the process, NULL once it
                                       has ended */
    const struct iodev *io;         /* io: what it grants (devcap.h) */
    uint64_t delivered;             /* ep: messages received; ntfn:
                                       signals (for ipcstat) */
    struct ipc_obj *next;           /* the domain's list */
};

/*
 * One slot of a handle table; obj == NULL is a free slot.  Its place in
 * the derivation tree (spec/ipc.md "Revoke"; ipc/revoke.c): the handle
 * it was made from (dup, give, a copied grant, spawn's list), NULL for
 * a root, and the handles made from it, a list through next/prev.  Every
 * handle of a tree names the same object.  Change only through ipc_*.
 */
struct ipc_handle {
    struct ipc_obj *obj;
    uint32_t rights;                /* IPC_R_* bits (0 for reply handles) */
    uint32_t badge;                 /* 0 = none; fixed once set */
    struct ipc_proc *holder;        /* whose table this slot is in */
    struct ipc_handle *parent;      /* derived from; NULL: a root */
    struct ipc_handle *child;       /* the first handle derived from it */
    struct ipc_handle *next, *prev; /* its siblings (parent's children) */
};

/* A handle a message grants: slot of the sender's table, and the mode:
 * 'm' moves it (the sender loses it), 'c' copies it; anything else is
 * EINVAL. */
struct ipc_grant {
    uint32_t slot;
    uint8_t mode;
};

/*
 * A message to send, with everything but the buffer already copied out
 * of the sender's memory (the ABI layer's job).  nwords and nhandles are
 * as the sender gave them: more than the maximum is EINVAL, checked
 * before any word or grant is looked at.  The buffer stays in the
 * sender's memory until the rendezvous.
 */
struct ipc_msg {
    uint32_t label;
    uint32_t nwords;
    uint32_t words[IPC_MSG_WORDS_MAX];
    bool has_buf;                   /* a buffer, possibly empty */
    uint32_t buf, len;              /* [buf, buf+len) of the sender */
    uint32_t nhandles;
    struct ipc_grant handles[IPC_MSG_HANDLES_MAX];
};

/* Where a receiver takes a message's buffer: [ptr, ptr+cap) of its own
 * memory.  has == false: no buffer (capacity 0). */
struct ipc_rbuf {
    bool has;
    uint32_t ptr, cap;
};

/*
 * What an operation gives its caller beyond the result code; only the
 * fields that apply are set (the others are zero, reply and h are -1).
 * A message's fields, badge to reply, are u32s in the order of
 * spec/ipc.md "Messages", which is also the order of the guest's
 * wisp_in: so the kernel copies them out as one block (ipccall.c:
 * in_put, whose static asserts tie the two layouts).
 */
struct ipc_got {
    int32_t h;                      /* ep_create, ntfn_create, dup, give:
                                       the new slot */
    uint32_t word;                  /* wait: the notification word */
    bool has_msg;                   /* a message was received */
    bool has_buf;                   /* ... and the sender had a buffer */
    uint32_t badge, label;          /* the message: */
    uint32_t nwords, words[IPC_MSG_WORDS_MAX];
    uint32_t len, copied;           /* the buffer's length, bytes copied */
    uint32_t nhandles;              /* granted handles: their new slots */
    uint32_t handles[IPC_MSG_HANDLES_MAX];
    int32_t reply;                  /* a call: the reply handle's slot */
    uint32_t n;                     /* revoke: the handles taken back */
};

/*
 * A process as IPC sees it: its state, its handle table, and while it is
 * blocked what it waits on and what it sends or receives into.  Embedded
 * in struct proc (and in the test service's script processes).
 */
struct ipc_proc {
    int pid;
    enum ipc_state state;
    struct ipc_ns *ns;              /* where its new objects are numbered */
    struct ipc_handle handles[IPC_HANDLES_MAX];
    int nheld;                      /* open slots (kept by the core, so a
                                       receive checks IPC_RECV_FREE_SLOTS
                                       without a scan): change the table
                                       only through ipc_* */
    bool kcall;                     /* in a call the kernel makes for it
                                       (kernel/proc/wasicons.c): it needs
                                       no free slot, and takes no handle
                                       from the reply (granted ones are
                                       dropped), so its stdio never
                                       depends on its table */
    struct ipc_obj *spare;          /* the reply object its next call will
                                       use: allocated by a call before it
                                       can block, kept after its reply for
                                       the next one; freed by ipc_exit */

    /* while blocked */
    struct ipc_obj *on;             /* the object it waits on (the reply
                                       object in IPC_REPLY) */
    uint32_t via;                   /* IPC_SEND/CALL/RECV/WAIT: the slot
                                       it blocked through (revoke cancels
                                       it if that handle goes) */
    struct ipc_proc *qnext;         /* next in that object's queue */
    struct ipc_msg msg;             /* IPC_SEND/IPC_CALL: what it sends */
    uint32_t badge;                 /* ... and the badge it sends with */
    struct ipc_rbuf rbuf;           /* IPC_CALL/IPC_RECV: where to */

    /* the last operation's outcome: set before it returns, or, if it
     * blocked, by the operation that woke it */
    int result;                     /* IPC_OK or an error code */
    struct ipc_got got;

    /* the environment */
    /* mem: a pointer to bytes [off, off+len) of its memory, or NULL if
     * any of them is outside it.  len may be 0. */
    void *(*mem)(struct ipc_proc *p, uint32_t off, uint32_t len);
    /* wake: p was blocked; its result and got are set and it is
     * IPC_RUNNING again: let it run.  Must not call into ipc. */
    void (*wake)(struct ipc_proc *p);
    void *owner;                    /* struct proc, or the test's */
};

/* ---- environment: provided by the kernel (kernel/proc/ipccall.c) or a
 * host program.  ipc_alloc returns zeroed memory or NULL. */
void *ipc_alloc(size_t bytes);
void ipc_free(void *block);

/* ---- setup ------------------------------------------------------------ */

void ipc_ns_init(struct ipc_ns *ns);
/* ipc_proc_init: p running with an empty table, in domain ns. */
void ipc_proc_init(struct ipc_proc *p, struct ipc_ns *ns, int pid,
                   void *(*mem)(struct ipc_proc *, uint32_t, uint32_t),
                   void (*wake)(struct ipc_proc *), void *owner);

/* ---- operations (spec/ipc.md "Operations"; model.py op_NAME) ---------
 * Each needs p IPC_RUNNING, returns IPC_OK, an error code or
 * IPC_BLOCKED, and leaves the same code in p->result and what p sees in
 * p->got.  The operations that make an object (ep_create, ntfn_create,
 * and call, which makes its reply object before it can block, so that
 * the rendezvous never fails) return IPC_ENOMEM, changing nothing, when
 * kernel memory is exhausted. */
int ipc_ep_create(struct ipc_proc *p);
int ipc_ntfn_create(struct ipc_proc *p);
int ipc_dup(struct ipc_proc *p, uint32_t slot, uint32_t rights,
            uint32_t badge);
int ipc_close(struct ipc_proc *p, uint32_t slot);
int ipc_send(struct ipc_proc *p, uint32_t slot, const struct ipc_msg *m);
int ipc_try_send(struct ipc_proc *p, uint32_t slot,
                 const struct ipc_msg *m);
int ipc_call(struct ipc_proc *p, uint32_t slot, const struct ipc_msg *m,
             const struct ipc_rbuf *rb);
int ipc_recv(struct ipc_proc *p, uint32_t slot, const struct ipc_rbuf *rb);
int ipc_try_recv(struct ipc_proc *p, uint32_t slot,
                 const struct ipc_rbuf *rb);
int ipc_reply(struct ipc_proc *p, uint32_t rslot, const struct ipc_msg *m);
int ipc_reply_recv(struct ipc_proc *p, uint32_t rslot,
                   const struct ipc_msg *m, uint32_t slot,
                   const struct ipc_rbuf *rb);
int ipc_signal(struct ipc_proc *p, uint32_t slot);
int ipc_wait(struct ipc_proc *p, uint32_t slot);
/* ipc_give: a copy of p's handle slot in `to`'s lowest free slot
 * (to->got.h and p->got.h say which); how a spawner hands a child its
 * handles.  `to` must be running. */
int ipc_give(struct ipc_proc *p, uint32_t slot, struct ipc_proc *to);
/* ipc_revoke: take back every handle derived from p's handle slot
 * (ipc/revoke.c; spec/ipc.md "Revoke"): got.n says how many.  EBADF if
 * slot is not an open endpoint, notification, process or I/O handle.
 * Processes queued through a revoked handle wake with IPC_ECANCELED. */
int ipc_revoke(struct ipc_proc *p, uint32_t slot);
/* ipc_exit: p dies (exit, trap or kill): it leaves the queue it is in,
 * becomes IPC_DEAD and its handles are closed in slot order by the
 * last-handle rules, waking whoever that concerns; its spare reply
 * object is freed; p->result is IPC_OK with no got fields (the model's
 * Ret).  Any state; a second call does nothing. */
void ipc_exit(struct ipc_proc *p);

/* ---- the hot path's specialised operations (ipc/fast.c) ---------------
 * call and reply_recv for their plain case only: a message of words
 * alone, a partner already waiting, no error.  Each returns IPC_BLOCKED
 * having done exactly what the general operation does in that case, or
 * IPC_FAST_NO having changed nothing (then run the general one).  Their
 * caller has checked that the receive buffer rb is inside p's memory
 * (ipc_check_recv's EFAULT: when it is not, the general operation is
 * the one to run, and reports it). */
#define IPC_FAST_NO (-2)

/* A message of words alone: label, nwords (checked here: more than
 * IPC_MSG_WORDS_MAX is not the plain case) and the words, nwords
 * little-endian u32s at any alignment (in the sender's memory). */
struct ipc_fast_msg {
    uint32_t label, nwords;
    const void *words;
};

/* How often each was taken (the monitor's `ipcfast`, tests). */
struct ipc_fast_stats {
    uint64_t calls, reply_recvs;
};
extern struct ipc_fast_stats ipc_fast_stats;

/* ipc_fast_call: ipc_call(p, slot, m, rb) when a receiver is queued and
 * every check passes; else IPC_FAST_NO. */
int ipc_fast_call(struct ipc_proc *p, uint32_t slot,
                  const struct ipc_fast_msg *m, const struct ipc_rbuf *rb);
/* ipc_fast_reply_recv: ipc_reply_recv(p, rslot, m, slot, rb) when the
 * reply reaches a live caller, every check passes and no sender is
 * queued; else IPC_FAST_NO. */
int ipc_fast_reply_recv(struct ipc_proc *p, uint32_t rslot,
                        const struct ipc_fast_msg *m, uint32_t slot,
                        const struct ipc_rbuf *rb);

/* ---- holding a wake (ipc/hold.c) --------------------------------------
 * While ipc_hold.on, the first process an operation wakes is not given
 * to its wake hook: it waits in ipc_hold.held, for the environment to let
 * it run once the operation is over (the kernel's IPC fast path switches
 * straight to it: kernel/proc/ipcfast.c).  A second wake while one is
 * held first gives the held one to its hook and ends the hold, so hooks
 * see the wakes in the order the operations made them.  Results, gots
 * and states are the same as without a hold: only the hook's call moves.
 */
struct ipc_hold {
    bool on;                        /* the next first wake is held */
    struct ipc_proc *held;          /* the wake held, or NULL */
};
extern struct ipc_hold ipc_hold;

/* ipc_hold_begin: hold the first wake of the operations to come, until
 * ipc_hold_end. */
static inline void ipc_hold_begin(void)
{
    ipc_hold.on = true;
    ipc_hold.held = NULL;
}

/* ipc_hold_end: end the hold; returns the process whose wake was held
 * (its hook not called: the caller lets it run), or NULL if none was or
 * a second wake released it.  ipc_hold.held keeps that answer until the
 * next ipc_hold_begin. */
static inline struct ipc_proc *ipc_hold_end(void)
{
    ipc_hold.on = false;
    return ipc_hold.held;
}

/* ipc_hold_release: a second wake came while one was held: give the held
 * process to its wake hook and end the hold (ipc_wake's slow case). */
void ipc_hold_release(void);

/* ---- inspection (traces, ipcstat, tests) ------------------------------ */

const char *ipc_state_name(enum ipc_state s);   /* "running", "call", ... */
const char *ipc_err_name(int code);             /* "ok", "EBADF", ... */
/* ipc_objs_live: endpoints + notifications + reply objects allocated
 * and not yet freed, in every domain (leak checks).  A process's spare
 * reply object (ipc_proc.spare) counts until the process exits. */
int ipc_objs_live(void);

#endif
