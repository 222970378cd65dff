/*
 * spec/wp/install.c: machine-checked contracts of the IPC core's
 * smallest functions, proved by Frama-C's WP plugin with the z3 prover
 * (make spec-wp).  The contracts are attached to the functions'
 * declarations here; the definitions are the core's own, included
 * unchanged below, so what is proved is the code the kernel runs.
 *
 * ipc_install: the lowest free slot gets the handle, the table and the
 * object count it, nothing else changes.  Needs a free slot (its callers
 * check IPC_RECV_FREE_SLOTS or nheld < IPC_HANDLES_MAX first).
 */
#include "ipc/core.h"

/*@ predicate has_free(struct ipc_proc *p) =
      \exists integer i; 0 <= i < IPC_HANDLES_MAX && p->handles[i].obj == \null;
*/

/* book: install_contract */
/*@ requires \valid(p) && \valid(o);
    requires \separated(p, o);
    requires has_free(p);
    requires p->nheld < 2147483647 && o->nhandles < 2147483647;
    requires o->nsend < 2147483647 && o->nrecv < 2147483647;
    assigns p->handles[0 .. IPC_HANDLES_MAX - 1], p->nheld,
            o->nhandles, o->nsend, o->nrecv;
    ensures 0 <= \result < IPC_HANDLES_MAX;
    ensures \old(p->handles[\result].obj) == \null;
    ensures \forall integer i; 0 <= i < \result ==> \old(p->handles[i].obj) != \null;
    ensures p->handles[\result].obj == o && p->handles[\result].rights == rights &&
            p->handles[\result].badge == badge;
    ensures \forall integer i; 0 <= i < IPC_HANDLES_MAX && i != \result ==>
            p->handles[i].obj == \old(p->handles[i].obj) &&
            p->handles[i].rights == \old(p->handles[i].rights) &&
            p->handles[i].badge == \old(p->handles[i].badge);
    ensures p->nheld == \old(p->nheld) + 1 && o->nhandles == \old(o->nhandles) + 1;
    ensures o->nsend == \old(o->nsend) + ((rights & IPC_R_SEND) != 0 ? 1 : 0);
    ensures o->nrecv == \old(o->nrecv) + ((rights & IPC_R_RECV) != 0 ? 1 : 0);
*/
int ipc_install(struct ipc_proc *p, struct ipc_obj *o, uint32_t rights,
                uint32_t badge);
/* book: install_contract */

#include "ipc/obj.c"
