/*
 * spec/wp/handles.c: machine-checked contracts of the IPC core's handle
 * lookups, its rights check, its queue operations and ipc_slot_clear
 * (ipc_uninstall once the slot has left the derivation tree),
 * proved by Frama-C's WP plugin with z3 (make spec-wp), in the manner of
 * spec/wp/install.c: each contract is attached to a declaration here,
 * and the definitions are the core's own (ipc/core.h, ipc/obj.c,
 * ipc/handle.c), included unchanged, so what is proved is the code the
 * kernel runs.
 */
#include "ipc/core.h"

/* book: lookup_contract */
/*@ requires \valid(p);
    assigns \nothing;
    behavior open:
      assumes slot < IPC_HANDLES_MAX && p->handles[slot].obj != \null &&
              p->handles[slot].obj->kind == kind;
      requires \valid_read(p->handles[slot].obj);
      ensures \result == &p->handles[slot];
    behavior not_open:
      assumes !(slot < IPC_HANDLES_MAX && p->handles[slot].obj != \null &&
                p->handles[slot].obj->kind == kind);
      requires slot < IPC_HANDLES_MAX && p->handles[slot].obj != \null ==>
               \valid_read(p->handles[slot].obj);
      ensures \result == \null;
    complete behaviors;
    disjoint behaviors;
*/
static inline struct ipc_handle *ipc_handle_of(struct ipc_proc *p,
                                               uint32_t slot,
                                               enum ipc_kind kind);
/* book: lookup_contract */

/* book: rights_contract */
/*@ requires \valid(p) && \valid(out);
    requires \separated(out, p);
    requires slot < IPC_HANDLES_MAX && p->handles[slot].obj != \null ==>
             \valid_read(p->handles[slot].obj);
    assigns *out;
    behavior ebadf:
      assumes !(slot < IPC_HANDLES_MAX && p->handles[slot].obj != \null &&
                p->handles[slot].obj->kind == kind);
      ensures \result == IPC_EBADF && *out == \null;
    behavior eacces:
      assumes slot < IPC_HANDLES_MAX && p->handles[slot].obj != \null &&
              p->handles[slot].obj->kind == kind;
      assumes (p->handles[slot].rights & right) == 0;
      ensures \result == IPC_EACCES && *out == &p->handles[slot];
    behavior ok:
      assumes slot < IPC_HANDLES_MAX && p->handles[slot].obj != \null &&
              p->handles[slot].obj->kind == kind;
      assumes (p->handles[slot].rights & right) != 0;
      ensures \result == 0 && *out == &p->handles[slot];
    complete behaviors;
    disjoint behaviors;
*/
static inline int ipc_check_handle(struct ipc_proc *p, uint32_t slot,
                                   enum ipc_kind kind, uint32_t right,
                                   struct ipc_handle **out);
/* book: rights_contract */

/*@ requires \valid(q) && \valid(p);
    requires \separated(q, p);
    requires q->tail == \null ||
             (\valid(q->tail) && \separated(q->tail, q) && \separated(q->tail, p));
    requires q->tail == \null <==> q->head == \null;
    assigns p->qnext, q->head, q->tail, q->tail->qnext;
    ensures q->tail == p && p->qnext == \null;
    ensures \old(q->tail) == \null ==> q->head == p;
    ensures \old(q->tail) != \null ==>
            q->head == \old(q->head) && \old(q->tail)->qnext == p;
*/
static inline void ipc_enqueue(struct ipc_queue *q, struct ipc_proc *p);

/*@ requires \valid(q) && \valid(q->head);
    requires \separated(q, q->head);
    assigns q->head, q->tail, q->head->qnext;
    ensures \result == \old(q->head) && \result->qnext == \null;
    ensures q->head == \old(q->head->qnext);
    ensures q->head == \null ==> q->tail == \null;
    ensures q->head != \null ==> q->tail == \old(q->tail);
*/
static inline struct ipc_proc *ipc_dequeue(struct ipc_queue *q);

/* book: uninstall_contract */
/*@ requires \valid(p) && slot < IPC_HANDLES_MAX;
    requires \valid(p->handles[slot].obj);
    requires \separated(p, p->handles[slot].obj);
    requires p->nheld > 0 && p->handles[slot].obj->nhandles > 0;
    requires (p->handles[slot].rights & IPC_R_SEND) != 0 ==>
             p->handles[slot].obj->nsend > 0;
    requires (p->handles[slot].rights & IPC_R_RECV) != 0 ==>
             p->handles[slot].obj->nrecv > 0;
    assigns p->handles[slot], p->nheld, p->handles[slot].obj->nhandles,
            p->handles[slot].obj->nsend, p->handles[slot].obj->nrecv;
    ensures \result.obj == \old(p->handles[slot].obj) &&
            \result.rights == \old(p->handles[slot].rights) &&
            \result.badge == \old(p->handles[slot].badge);
    ensures p->handles[slot].obj == \null && p->handles[slot].rights == 0 &&
            p->handles[slot].badge == 0;
    ensures p->nheld == \old(p->nheld) - 1;
    ensures \result.obj->nhandles == \old(p->handles[slot].obj->nhandles) - 1;
    ensures \result.obj->nsend == \old(p->handles[slot].obj->nsend) -
            ((\result.rights & IPC_R_SEND) != 0 ? 1 : 0);
    ensures \result.obj->nrecv == \old(p->handles[slot].obj->nrecv) -
            ((\result.rights & IPC_R_RECV) != 0 ? 1 : 0);
*/
struct ipc_handle ipc_slot_clear(struct ipc_proc *p, uint32_t slot);
/* book: uninstall_contract */

/*@ requires \valid(p);
    requires slot < IPC_HANDLES_MAX && p->handles[slot].obj != \null ==>
             \valid_read(p->handles[slot].obj);
    assigns \nothing;
    ensures \result != \null <==>
            slot < IPC_HANDLES_MAX && p->handles[slot].obj != \null &&
            p->handles[slot].obj->kind != IPC_KIND_REPLY;
    ensures \result != \null ==> \result == &p->handles[slot];
*/
static struct ipc_handle *open_obj(struct ipc_proc *p, uint32_t slot);

#include "ipc/obj.c"
#include "ipc/handle.c"
