/*
 * tenv.h: the environment of the IPC core's host unit tests: processes
 * with a small linear memory each (no threads: a "blocked" process just
 * waits for its wake hook), an allocator that can be told to fail, and
 * the CHECK counters the summary line reports.
 */
#ifndef WISP_IPC_TENV_H
#define WISP_IPC_TENV_H

#include <stdbool.h>
#include <stdint.h>

#include "ipc/ipc.h"

#define T_MEM 4096          /* bytes of each test process's memory */
#define T_PROCS 8           /* processes a test may use (pids 1..) */

struct tproc {
    struct ipc_proc ip;
    int wakes;              /* times the core called its wake hook */
    uint8_t mem[T_MEM];
};

extern int t_checks, t_failed;
extern int t_wakelog[64], t_nwakelog;   /* pids in wake order (t_setup
                                           clears it) */
extern int t_alloc_fail;    /* > 0: that many ipc_alloc calls from now on
                               return NULL */

void t_check(const char *file, int line, bool ok, const char *what);
#define CHECK(cond) t_check(__FILE__, __LINE__, (cond), #cond)
#define CHECK_EQ(a, b) t_check(__FILE__, __LINE__, (a) == (b), #a " == " #b)
/* SLOT(x): x as a handle slot when it is one; otherwise a failed check and
 * slot 0, so a test whose earlier step failed (a core still being written)
 * goes on counting failures instead of indexing outside a handle table. */
uint32_t t_slot(const char *file, int line, int64_t slot, const char *what);
#define SLOT(x) t_slot(__FILE__, __LINE__, (x), #x " is a handle slot")
/* OBJ(p, i): the object p's slot i names; when the slot is empty, a failed
 * check and a zeroed stand-in object, for the same reason. */
struct ipc_obj *t_obj(const char *file, int line, struct ipc_proc *p,
                      uint32_t slot, const char *what);
/* t_kcopy: ipc_kcopy, whose kernel callers hold a handle in the slot; on
 * an empty slot (an unfinished core) a failed check and -IPC_EBADF. */
#define t_kcopy(from, slot, badge, to) \
    (OBJ(from, slot) && (from)->handles[slot].obj \
         ? ipc_kcopy((from), (slot), (badge), (to)) : -IPC_EBADF)
#define OBJ(p, i) t_obj(__FILE__, __LINE__, (p), (i), #p " slot " #i " holds an object")

/* t_setup: a fresh domain and n running processes, t[1..n]. */
void t_setup(int n);
/* t_teardown: every process exits; checks nothing leaked. */
void t_teardown(void);
extern struct tproc t[T_PROCS + 1];
#define P(i) (&t[i].ip)

/* Messages: label only; label + words; a buffer; grants (slot, mode). */
struct ipc_msg t_msg(uint32_t label);
struct ipc_msg t_msg_words(uint32_t label, uint32_t n, const uint32_t *w);
struct ipc_msg t_msg_buf(uint32_t label, uint32_t ptr, uint32_t len);
void t_grant(struct ipc_msg *m, uint32_t slot, char mode);
struct ipc_rbuf t_rbuf(uint32_t ptr, uint32_t cap);

/* t_serve: process i creates an endpoint (slot 0) and gives j..k a copy
 * (each lands in their slot 0 if their tables are empty). */
void t_serve(int i, int from, int to);

void test_callreply(void);
void test_grants(void);
void test_death(void);
void test_errors(void);
void test_ntfn(void);
void test_kref(void);           /* kref.c: the kernel's references */
void test_invariants(void);     /* invariants.c: the checker itself */
void test_revoke(void);         /* revoke.c: the derivation tree */
void test_fast(void);           /* fast.c: the specialised operations */
void test_hold(void);           /* hold.c: a wake held for the fast path */

#endif
