/*
 * wasifs.h: WASI over IPC.  A program started with the standard handles
 * of services/lib/proto.h (slot 0 the console, slot 1 the file service,
 * both endpoint send handles) gets its stdio and its files from those
 * services: the kernel's WASI layer (wasi.c) turns fd_write, fd_read,
 * path_open ... into CONS_* and FS_* calls that the kernel issues on the
 * program's behalf, from the program's own handle table, so a program
 * can reach only what its handles name.  A program without those handles
 * (one the monitor runs) has the serial line as before, and no files.
 *
 * Which handles count is decided when the process starts: the slots it
 * was given by its spawner, before any of its code ran (a program the
 * monitor runs may make an endpoint in slot 0 itself; its stdout stays
 * the serial line).
 *
 * wasicons.c holds each process's state, the kernel-issued call and
 * stdio; wasifs.c the descriptor table and the file calls.
 */
#ifndef WISP_WASIFS_H
#define WISP_WASIFS_H

#include <stdbool.h>
#include <stdint.h>

#include "ipc/ipc.h"
#include "proc/hostcall.h"
#include "services/lib/proto.h"

/* Bytes of kernel memory a kernel-issued call can send from and receive
 * into (a path, a directory entry's name, a typed line). */
#define WASIFS_WIN 256
/* Where that memory appears to IPC, as an offset in the process's
 * memory: above any linear memory Wisp maps (PROC_MEM_MAX_PAGES), so it
 * never hides a guest byte. */
#define WASIFS_WIN_BASE 0xffff0000u

/* More WASI errno values (WASI's numbering; hostcall.h has the first
 * few, ipc/ipc.h the IPC ones), for the file calls and sysinfo.c. */
enum {
    WASI_EEXIST = 20, WASI_EISDIR = 31, WASI_EMFILE = 33,
    WASI_ENAMETOOLONG = 37, WASI_ENOENT = 44, WASI_ENOMEM = 48,
    WASI_ENOSPC = 51, WASI_ENOTDIR = 54, WASI_EOVERFLOW = 61,
    WASI_EPERM = 63, WASI_ESRCH = 71,
};

/* WASI file types and the rights bits the kernel looks at. */
#define WASI_FT_CHAR 2
#define WASI_FT_DIR 3
#define WASI_FT_FILE 4
#define WASI_RIGHT_FD_READ (1ull << 1)
#define WASI_RIGHT_FD_SEEK (1ull << 2)
#define WASI_RIGHT_FD_WRITE (1ull << 6)
#define WASI_RIGHT_FD_TELL (1ull << 5)
#define WASI_RIGHTS_ALL 0x1fffffffull
#define WASI_FDFLAG_APPEND 1u

/* One open file or directory (fd 3 + its index). */
struct wasifs_fd {
    uint8_t type;                   /* 0 free, WASI_FT_DIR, WASI_FT_FILE */
    bool append;                    /* writes go to the end */
    bool has_id;                    /* the preopen is opened at first use */
    uint32_t id;                    /* the file service's id */
    uint64_t off;                   /* the file offset */
    uint64_t rights;                /* what path_open granted */
    char *path;                     /* a directory's absolute path: the
                                       preopen's is static, the others
                                       kmalloc'ed */
};

/* A process's WASI-over-IPC state, made when it starts with a console
 * or file service handle. */
struct wasifs {
    bool cons, fs;                  /* it started with slot 0 / slot 1 an
                                       endpoint send handle */
    struct wasifs_fd fds[WASIFS_FDS];
    bool preopen_closed;            /* fd 3 was closed */
    /* the process's own memory hook, while a kernel-issued call runs */
    void *(*mem)(struct ipc_proc *p, uint32_t off, uint32_t len);
    uint32_t in_off, in_len;        /* stdin: in[in_off .. in_len) unread */
    char in[CONS_LINE_MAX];
    char win[WASIFS_WIN];           /* at WASIFS_WIN_BASE during a call */
};

/* ---- wasicons.c ------------------------------------------------------ */

/* wasifs_start: p is about to run its first instruction: if its slot 0
 * or 1 is an endpoint send handle, make its state (p->wasifs).  Out of
 * memory, p keeps the serial line and has no files. */
void wasifs_start(struct proc *p);
/* wasifs_exit: p's program has returned, exited or trapped (not been
 * killed): close the files it left open, so the file service frees
 * their ids.  (A killed process's IPC is dead before it could: the
 * service reclaims those ids by their owner pid when it runs short.) */
void wasifs_exit(struct proc *p);
/* wasifs_free: give back p's state (at its end). */
void wasifs_free(struct proc *p);
/* wasifs_has(p, slot): p started with slot 0 (WISP_SLOT_CONSOLE) or 1
 * (WISP_SLOT_FS) an endpoint send handle, and the slot is one now. */
bool wasifs_has(struct proc *p, uint32_t slot);
/*
 * wasifs_call: call through p's handle slot with message m, the reply
 * landing in rb (guest memory, or the window), blocking p's thread as
 * the call host call does.  Returns the reply's label (0 or a WASI
 * errno), an IPC error, or HOST_KILLED; *got is the reply.  Needs
 * p->wasifs.
 */
uint32_t wasifs_call(struct proc *p, uint32_t slot, struct ipc_msg *m,
                     const struct ipc_rbuf *rb, struct ipc_got *got);
/* wasifs_cons_write: print the n iovecs (already checked) through the
 * console endpoint; *done = bytes taken. */
uint32_t wasifs_cons_write(struct proc *p, wasm_host_call *c,
                           const uint8_t *iov, uint32_t n, uint32_t *done);
/* wasifs_cons_read: fill the iovecs from stdin (a typed line at a time);
 * *done = bytes read, 0 at the end of input. */
uint32_t wasifs_cons_read(struct proc *p, wasm_host_call *c,
                          const uint8_t *iov, uint32_t n, uint32_t *done);

/* ---- wasifs.c: descriptors 3 and up ----------------------------------- */

/* wasifs_fd_io: write (wr) or read the n iovecs (already checked) of
 * open file fd at its offset; *done = bytes moved.  EBADF (not open, or
 * opened without the right), EISDIR, the service's errors. */
uint32_t wasifs_fd_io(struct proc *p, uint32_t fd, bool wr,
                      const uint8_t *iov, uint32_t n, uint32_t *done);
/* wasifs_fd_fdstat: fill the 24-byte fdstat st of fd (>= 3). */
uint32_t wasifs_fd_fdstat(struct proc *p, uint32_t fd, uint8_t *st);
uint32_t wasifs_fd_close(struct proc *p, uint32_t fd);
/* wasifs_fd_seek: whence 0 set, 1 cur, 2 end; *pos = the new offset. */
uint32_t wasifs_fd_seek(struct proc *p, uint32_t fd, int64_t off,
                        uint32_t whence, uint64_t *pos);
/* The rest of WASI's file calls, for wasi.c's table. */
extern const struct host_entry wasifs_entries[];
extern const int wasifs_nentries;

#endif
