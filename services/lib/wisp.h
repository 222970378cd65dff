/*
 * wisp.h: the C library of Wisp's own host calls (import module "wisp"),
 * for every program in services/.  spec/abi.md gives each call's pre-
 * and postconditions; spec/ipc.md the IPC semantics they implement.
 *
 * Every IPC call returns 0 or a positive error code (WISP_E*, WASI's
 * numbering, as the kernel's ipc/ipc.h); outputs go through pointers.
 * A bad pointer to a message, an in-struct or an output is WISP_EFAULT
 * (an IPC error a program can handle), not a trap.
 */
#ifndef WISP_SERVICES_WISP_H
#define WISP_SERVICES_WISP_H

#include <stdint.h>

#define WISP_IMPORT(name) \
    __attribute__((import_module("wisp"), import_name(name)))

/* ---- processes and time ------------------------------------------------ */

/* Blocks the calling process for at least ms milliseconds (kernel timer
 * ticks); returns 0.  A kill ends the process during the sleep. */
WISP_IMPORT("sleep_ms") int32_t wisp_sleep_ms(uint32_t ms);

/* The calling process's pid (1, 2, ...). */
WISP_IMPORT("getpid") int32_t wisp_getpid(void);

/* Gives the CPU to the next runnable thread; returns 0. */
WISP_IMPORT("yield") int32_t wisp_yield(void);

/* ---- IPC: limits, errors, rights (spec/ipc.md) ------------------------- */

#define WISP_HANDLES_MAX 64         /* slots of a handle table */
#define WISP_MSG_WORDS_MAX 8        /* inline words in a message */
#define WISP_MSG_HANDLES_MAX 4      /* handles granted in one message */
#define WISP_MSG_BUF_MAX 65536      /* bytes of a message's buffer */

#define WISP_OK 0
#define WISP_EACCES 2               /* missing right */
#define WISP_EAGAIN 6               /* would block (try_send, try_recv) */
#define WISP_EBADF 8                /* bad handle */
#define WISP_ECANCELED 11           /* handle revoked while blocked on it */
#define WISP_EFAULT 21              /* bad buffer or struct pointer */
#define WISP_EINVAL 28              /* bad argument */
#define WISP_EMFILE 33              /* handle table full */
#define WISP_EMSGSIZE 35            /* message too large */
#define WISP_ENOENT 44              /* spawn: no such program */
#define WISP_ENOMEM 48              /* kernel memory exhausted */
#define WISP_EPIPE 64               /* peer dead */
/* more WASI errno values the services' protocols use (proto.h) */
#define WISP_EDQUOT 19              /* over a limit (a quota: wisp_limit) */
#define WISP_EEXIST 20
#define WISP_EISDIR 31
#define WISP_ENFILE 41
#define WISP_ENOSPC 51
#define WISP_ENOSYS 52              /* not implemented (a lab's stub) */
#define WISP_ENOTDIR 54
#define WISP_ENOTEMPTY 55
#define WISP_EPERM 63
#define WISP_EROFS 69
#define WISP_ESRCH 71

#define WISP_R_SEND 1u              /* send, call, signal */
#define WISP_R_RECV 2u              /* recv, reply_recv, wait */
#define WISP_R_GRANT 4u             /* messages may carry handles */
#define WISP_R_ALL 7u
#define WISP_R_KILL 8u              /* process handles: kill, limit */

/* A granted handle in wisp_msg.handles: the slot, plus WISP_GRANT_MOVE to
 * move it (the sender loses it) rather than copy it.  Any other bit set
 * is WISP_EINVAL. */
#define WISP_GRANT_MOVE 0x10000u

/*
 * A message to send (68 bytes, every field u32).  len 0 means no buffer;
 * nwords > 8 or nhandles > 4 is WISP_EINVAL.
 */
typedef struct {
    uint32_t label;
    uint32_t nwords;
    uint32_t words[WISP_MSG_WORDS_MAX];
    uint32_t buf;                   /* pointer to the bytes to copy */
    uint32_t len;                   /* their number, <= WISP_MSG_BUF_MAX */
    uint32_t nhandles;
    uint32_t handles[WISP_MSG_HANDLES_MAX];     /* slot | GRANT_MOVE */
} wisp_msg;

/*
 * Where a received message lands (84 bytes, every field u32).  The
 * receiver sets buf and cap (cap 0: no buffer) before the call; the
 * kernel fills the rest.  len > copied means the buffer was truncated to
 * cap.  reply is the reply handle's slot for a call, else -1.
 */
typedef struct {
    uint32_t buf, cap;              /* in: the receive buffer */
    uint32_t badge, label;          /* out: */
    uint32_t nwords;
    uint32_t words[WISP_MSG_WORDS_MAX];
    uint32_t len, copied;
    uint32_t nhandles;
    uint32_t handles[WISP_MSG_HANDLES_MAX];     /* the slots they got */
    int32_t reply;
} wisp_in;

/* ---- IPC calls ----------------------------------------------------------
 * h: a handle slot.  Errors in check order are in spec/abi.md. */

/* A new endpoint; *h names it with rights srg, no badge. */
WISP_IMPORT("ep_create") int32_t wisp_ep_create(int32_t *h);
/* A new notification (word 0); *h names it with rights srg. */
WISP_IMPORT("ntfn_create") int32_t wisp_ntfn_create(int32_t *h);
/* *h2 = a copy of h with rights (a subset of h's) and badge (0: keep h's;
 * nonzero only if h has none). */
WISP_IMPORT("dup") int32_t wisp_dup(int32_t h, uint32_t rights,
                                    uint32_t badge, int32_t *h2);
/* Free slot h; the last-handle rules wake whoever they concern. */
WISP_IMPORT("close") int32_t wisp_close(int32_t h);
/* Send m through endpoint h; blocks until a receiver takes it. */
WISP_IMPORT("send") int32_t wisp_send(int32_t h, const wisp_msg *m);
/* As wisp_send, but WISP_EAGAIN instead of blocking. */
WISP_IMPORT("try_send") int32_t wisp_try_send(int32_t h, const wisp_msg *m);
/* Send m and wait for the one reply, which lands in *in. */
WISP_IMPORT("call") int32_t wisp_call(int32_t h, const wisp_msg *m,
                                      wisp_in *in);
/* Wait for a message on endpoint h, into *in. */
WISP_IMPORT("recv") int32_t wisp_recv(int32_t h, wisp_in *in);
/* As wisp_recv, but WISP_EAGAIN instead of blocking. */
WISP_IMPORT("try_recv") int32_t wisp_try_recv(int32_t h, wisp_in *in);
/* Answer the call whose reply handle is r (used up); never blocks. */
WISP_IMPORT("reply") int32_t wisp_reply(int32_t r, const wisp_msg *m);
/* wisp_reply(r, m), then wisp_recv(h, in): a server's loop in one call. */
WISP_IMPORT("reply_recv") int32_t wisp_reply_recv(int32_t r,
                                                  const wisp_msg *m,
                                                  int32_t h, wisp_in *in);
/* OR h's badge (1 if none) into notification h's word; never blocks. */
WISP_IMPORT("signal") int32_t wisp_signal(int32_t h);
/* Wait until notification h's word is nonzero; *word = it, word = 0. */
WISP_IMPORT("wait") int32_t wisp_wait(int32_t h, uint32_t *word);
/* Take back every handle derived from h (dup, give, copies granted in
 * messages, spawn's copies, and theirs, in any process); h stays.  *n =
 * how many.  Whoever was blocked through one wakes with WISP_ECANCELED. */
WISP_IMPORT("revoke") int32_t wisp_revoke(int32_t h, uint32_t *n);

/* A handle in spawn's list whose copy the child gets badged with its own
 * pid (the handle must be unbadged): a server can then tell its clients
 * apart by a pid the kernel, not the client, chose. */
#define WISP_SPAWN_BADGE_PID 0x20000u

/* Start program `name` (name_len bytes) from the initrd with arguments
 * args (args_len bytes, each NUL-terminated) as the caller's child; it
 * gets copies of the nhandles (<= 4) handles listed, in its slots 0, 1,
 * ...  *pid = its pid, *proc = a process handle on it with the kill right
 * (the only way to kill it, and everything it starts, which ends with
 * it).  WISP_ENOENT: no such program; WISP_EINVAL: it failed to load or
 * arguments too long; WISP_EMFILE: no free slot for *proc; WISP_EAGAIN:
 * the process table is full; WISP_EDQUOT: over the caller's quota (or an
 * ancestor's), or the module's memory is over the limit. */
WISP_IMPORT("spawn") int32_t wisp_spawn_proc(const char *name,
                                             uint32_t name_len,
                                             const char *args,
                                             uint32_t args_len,
                                             const int32_t *handles,
                                             uint32_t nhandles,
                                             int32_t *pid, int32_t *proc);

/* ---- system calls for init, the services and the shell ------------------ */

/* The serial line, for the console service only: h must be the console
 * device handle (a notification the kernel gives init in its slot 0,
 * right r; the kernel signals it when input arrives).  cons_read copies
 * up to cap typed bytes to buf without blocking (*n = how many, maybe
 * 0); cons_write prints len bytes.  EBADF/EACCES for any other handle. */
WISP_IMPORT("cons_read") int32_t wisp_cons_read(int32_t h, char *buf,
                                                uint32_t cap, uint32_t *n);
WISP_IMPORT("cons_write") int32_t wisp_cons_write(int32_t h, const char *buf,
                                                  uint32_t len);

/* The initrd's files, read-only (for init's manifest and the file
 * service): file i's name (NUL-terminated, cap >= 40) and size, or
 * WISP_ENOENT past the last one; read copies up to len bytes from
 * offset off (*n = how many, 0 at the end). */
WISP_IMPORT("initrd_stat") int32_t wisp_initrd_stat(uint32_t i, char *name,
                                                    uint32_t cap,
                                                    uint32_t *size);
WISP_IMPORT("initrd_read") int32_t wisp_initrd_read(uint32_t i, uint32_t off,
                                                    char *buf, uint32_t len,
                                                    uint32_t *n);

/* End process pid and everything it started, as the monitor's kill does
 * (their partners in IPC get EPIPE at once).  proc must be a process
 * handle with WISP_R_KILL, and pid its process or one it started.
 * WISP_EBADF, WISP_EACCES; WISP_ESRCH: not one of those, or ended. */
WISP_IMPORT("kill") int32_t wisp_kill(int32_t proc, int32_t pid);
/* Lower the quota of proc's process (WISP_R_KILL needed): at most procs
 * live descendants and mem bytes of linear memory for it and them.
 * WISP_EPERM: more than it has. */
WISP_IMPORT("limit") int32_t wisp_limit(int32_t proc, uint32_t procs,
                                        uint32_t mem);
/* When process pid ends, signal notification h (right s) with h's badge
 * (1 if none); at once if pid has already ended. */
WISP_IMPORT("watch") int32_t wisp_watch(int32_t pid, int32_t h);

/* One process, as ps shows it (64 bytes).  The three info structs are
 * named by tag (struct wisp_proc_info ...), as their calls are named by
 * the same words. */
struct wisp_proc_info {
    int32_t pid;
    uint32_t state;                 /* 0 running, 1 blocked in IPC, 2 ending */
    uint32_t mem_bytes;             /* linear memory mapped */
    uint32_t heap_bytes;            /* its kernel objects */
    uint32_t cpu_ticks;             /* timer ticks run */
    char ipc_state[8];              /* "running", "recv", "call", ... */
    char name[36];
};
/* The i-th live process (i = 0, 1, ...), or WISP_ENOENT past the last. */
WISP_IMPORT("proc_info") int32_t wisp_proc_info(uint32_t i,
                                                struct wisp_proc_info *out);

/* Kernel memory, as mem shows it (in bytes, except ipc_objs). */
struct wisp_mem_info {
    uint32_t frames_total, frames_free;     /* 4 KiB frames */
    uint32_t heap_used, heap_free;
    uint32_t ipc_objs;                      /* live IPC objects */
    uint32_t procs;                         /* live processes */
};
WISP_IMPORT("mem_info") int32_t wisp_mem_info(struct wisp_mem_info *out);

/* One live endpoint or notification of the kernel (ipcstat). */
struct wisp_ipc_info {
    uint32_t id;                    /* its number (ep1, ntfn2, ...) */
    uint32_t kind;                  /* 1 endpoint, 2 notification */
    uint32_t handles;               /* handles naming it */
    uint32_t sendq, recvq;          /* blocked senders / receivers (waiters) */
    uint32_t delivered;             /* messages received (signals) */
};
/* The i-th live object, or WISP_ENOENT past the last. */
WISP_IMPORT("ipc_info") int32_t wisp_ipc_info(uint32_t i,
                                              struct wisp_ipc_info *out);

/* Hand the serial line to the kernel monitor until its `exit` command;
 * the caller blocks meanwhile.  Only the console's owner may: h must be
 * the console device handle (WISP_EBADF, WISP_EACCES otherwise). */
WISP_IMPORT("monitor") int32_t wisp_monitor(int32_t h);

/* ---- helpers (services/lib/wisp.c) --------------------------------------- */

/* A message with label and n words (n <= 8) copied from words. */
wisp_msg wisp_msg_words(uint32_t label, uint32_t n, const uint32_t *words);
/* wisp_strerror: "EBADF", "EPIPE", ... or "E?" for an unknown code. */
const char *wisp_strerror(int32_t err);
/* wisp_spawn: wisp_spawn_proc without keeping the process handle (the
 * child can then be killed only with its parent, or by the monitor). */
int32_t wisp_spawn(const char *name, uint32_t name_len, const char *args,
                   uint32_t args_len, const int32_t *handles,
                   uint32_t nhandles, int32_t *pid);
/* wisp_spawn_str: wisp_spawn with a NUL-terminated name and no args. */
int32_t wisp_spawn_str(const char *name, const int32_t *handles,
                       uint32_t nhandles, int32_t *pid);

#endif
