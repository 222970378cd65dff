/*
 * kref.c: unit tests of the kernel's references (ipc/kref.h): a kernel
 * reference counts as a handle for the last-handle rules (no EPIPE while
 * the kernel may still signal, no free while it holds the object), the
 * kernel's signal is signal's, and dropping the last reference applies
 * the rules a close would.
 */
#include "ipc/tests/tenv.h"

#include "ipc/kref.h"

/* A kernel-made notification: the process with r waits, the kernel's
 * notify wakes it or sets the word; dropping the kernel's s wakes the
 * waiter with EPIPE; the last close frees it. */
static void kernel_ntfn(void)
{
    int live;
    t_setup(1);
    live = ipc_objs_live();
    struct ipc_obj *o = ipc_kntfn_create(P(1)->ns, IPC_R_SEND);
    CHECK(o != NULL && o->kind == IPC_KIND_NTFN && o->id == 1);
    CHECK_EQ(ipc_kgive(o, IPC_R_RECV, 0, P(1)), 0);
    CHECK(P(1)->handles[0].obj == o && P(1)->handles[0].rights == IPC_R_RECV);
    CHECK_EQ(ipc_signal(P(1), 0), IPC_EACCES);
    CHECK_EQ(ipc_wait(P(1), 0), IPC_BLOCKED);       /* not EPIPE */
    ipc_notify(o, 1);
    CHECK(t[1].wakes == 1 && P(1)->result == IPC_OK && P(1)->got.word == 1);
    ipc_notify(o, 2);
    ipc_notify(o, 4);
    CHECK_EQ(o->word, 6u);
    CHECK_EQ(o->delivered, 3u);
    CHECK_EQ(ipc_wait(P(1), 0), IPC_OK);
    CHECK_EQ(P(1)->got.word, 6u);
    CHECK_EQ(ipc_wait(P(1), 0), IPC_BLOCKED);
    ipc_kref_drop(o, IPC_R_SEND);                   /* the last s */
    CHECK(t[1].wakes == 2 && P(1)->result == IPC_EPIPE);
    CHECK_EQ(ipc_objs_live(), live + 1);            /* P(1) holds it */
    CHECK_EQ(ipc_close(P(1), 0), IPC_OK);
    CHECK_EQ(ipc_objs_live(), live);
    t_teardown();
}

/* A process's notification the kernel holds (as a watch does): its
 * last s handle closing wakes nobody, its last handle closing frees
 * nothing; the kernel's drop then frees it. */
static void held(void)
{
    int live;
    t_setup(2);
    live = ipc_objs_live();
    CHECK_EQ(ipc_ntfn_create(P(1)), IPC_OK);
    struct ipc_obj *o = ipc_obj_of(P(1), 0, IPC_KIND_NTFN, IPC_R_SEND);
    CHECK(o != NULL);
    ipc_kref_hold(o, IPC_R_SEND);
    CHECK_EQ(ipc_dup(P(1), 0, IPC_R_RECV, 0), IPC_OK);
    CHECK_EQ(ipc_give(P(1), 1, P(2)), IPC_OK);
    CHECK_EQ(ipc_close(P(1), 0), IPC_OK);            /* P(1)'s s handle */
    CHECK_EQ(ipc_wait(P(2), 0), IPC_BLOCKED);
    ipc_exit(P(1));
    CHECK_EQ(t[2].wakes, 0);
    ipc_notify(o, 8);
    CHECK(t[2].wakes == 1 && P(2)->got.word == 8);
    CHECK_EQ(ipc_close(P(2), 0), IPC_OK);            /* no handle left */
    CHECK_EQ(ipc_objs_live(), live + 1);             /* the kernel's */
    ipc_notify(o, 1);                                /* nobody waits */
    ipc_kref_drop(o, IPC_R_SEND);
    CHECK_EQ(ipc_objs_live(), live);
    t_teardown();
}

/* ipc_obj_of names only open endpoint/notification handles of the kind
 * asked with every right asked; ipc_kgive fails on a full table. */
static void lookups(void)
{
    t_setup(2);
    t_serve(1, 2, 2);
    CHECK(ipc_obj_of(P(1), 0, IPC_KIND_EP, IPC_R_ALL) != NULL);
    CHECK(ipc_obj_of(P(1), 0, IPC_KIND_NTFN, 0) == NULL);
    CHECK(ipc_obj_of(P(1), 1, IPC_KIND_EP, 0) == NULL);
    CHECK(ipc_obj_of(P(1), IPC_HANDLES_MAX, IPC_KIND_EP, 0) == NULL);
    CHECK(ipc_obj_of(P(1), 0xffffffffu, IPC_KIND_EP, 0) == NULL);
    CHECK_EQ(ipc_dup(P(1), 0, IPC_R_SEND, 3), IPC_OK);
    CHECK(ipc_obj_of(P(1), 1, IPC_KIND_EP, IPC_R_SEND) != NULL);
    CHECK(ipc_obj_of(P(1), 1, IPC_KIND_EP, IPC_R_RECV) == NULL);
    struct ipc_obj *o = ipc_kntfn_create(P(2)->ns, IPC_R_SEND);
    CHECK(o != NULL);
    for (int i = 1; i < IPC_HANDLES_MAX; i++)
        CHECK_EQ(ipc_kgive(o, IPC_R_RECV, 7, P(2)), i);
    CHECK_EQ(P(2)->handles[5].badge, 7u);
    CHECK_EQ(ipc_kgive(o, IPC_R_RECV, 0, P(2)), -IPC_EMFILE);
    ipc_exit(P(2));                                  /* 15 handles go */
    CHECK_EQ(o->nhandles, 1);
    ipc_kref_drop(o, IPC_R_SEND);
    t_teardown();
}

/* ipc_kntfn_create changes nothing when memory runs out. */
static void no_memory(void)
{
    t_setup(1);
    int live = ipc_objs_live();
    t_alloc_fail = 1;
    CHECK(ipc_kntfn_create(P(1)->ns, IPC_R_SEND) == NULL);
    CHECK_EQ(ipc_objs_live(), live);
    CHECK_EQ(ipc_ntfn_create(P(1)), IPC_OK);
    CHECK_EQ(OBJ(P(1), 0)->id, 1u);          /* number not used */
    t_teardown();
}

/* A process object: unnumbered, held by the kernel; a handle with k
 * names its process until it ends, then ESRCH; dup can drop k; the last
 * handle after the end frees it. */
static void process_objects(void)
{
    struct ipc_proc *tg;
    t_setup(2);
    int live = ipc_objs_live();
    struct ipc_obj *o = ipc_pobj_create(P(2));
    CHECK(o != NULL && o->kind == IPC_KIND_PROC && o->id == 0);
    CHECK_EQ(ipc_objs_live(), live + 1);
    CHECK_EQ(ipc_kgive(o, IPC_R_KILL, 0, P(1)), 0);
    CHECK_EQ(ipc_pobj_target(P(1), 0, IPC_R_KILL, &tg), 0);
    CHECK(tg == P(2));
    CHECK_EQ(ipc_dup(P(1), 0, IPC_R_SEND, 0), IPC_EACCES);
    CHECK_EQ(ipc_dup(P(1), 0, 16, 0), IPC_EINVAL);
    CHECK_EQ(ipc_dup(P(1), 0, 0, 0), IPC_OK);        /* slot 1, no k */
    CHECK_EQ(ipc_pobj_target(P(1), 1, IPC_R_KILL, &tg), IPC_EACCES);
    CHECK_EQ(ipc_pobj_target(P(1), 2, IPC_R_KILL, &tg), IPC_EBADF);
    CHECK_EQ(ipc_ntfn_create(P(1)), IPC_OK);         /* slot 2 */
    CHECK_EQ(ipc_pobj_target(P(1), 2, IPC_R_KILL, &tg), IPC_EBADF);
    CHECK(tg == NULL);
    ipc_exit(P(2));
    ipc_pobj_ended(o);                               /* handles keep it */
    CHECK_EQ(ipc_pobj_target(P(1), 0, IPC_R_KILL, &tg), IPC_ESRCH);
    CHECK_EQ(ipc_close(P(1), 0), IPC_OK);
    CHECK_EQ(ipc_close(P(1), 1), IPC_OK);            /* the last: freed */
    CHECK_EQ(ipc_objs_live(), live + 1);             /* the notification */
    t_teardown();
}

/* A kernel-issued call (kcall) needs no free slot and takes no handle
 * from its reply: a moved grant is closed, a copied one stays. */
static void kernel_call(void)
{
    struct ipc_msg m = { .label = 1 };
    struct ipc_rbuf none = { false, 0, 0 };
    t_setup(2);
    CHECK_EQ(ipc_ep_create(P(2)), IPC_OK);           /* 2: the server */
    CHECK_EQ(ipc_give(P(2), 0, P(1)), IPC_OK);
    while (P(1)->nheld < IPC_HANDLES_MAX)
        CHECK_EQ(ipc_ntfn_create(P(1)), IPC_OK);     /* a full table */
    CHECK_EQ(ipc_call(P(1), 0, &m, &none), IPC_EMFILE);
    P(1)->kcall = true;
    CHECK_EQ(ipc_call(P(1), 0, &m, &none), IPC_BLOCKED);
    CHECK_EQ(ipc_recv(P(2), 0, &none), IPC_OK);
    uint32_t n = SLOT(P(2)->got.reply), nt = 2;
    CHECK_EQ(ipc_ntfn_create(P(2)), IPC_OK);        /* slot nt */
    m.nhandles = 1;
    m.handles[0] = (struct ipc_grant){ nt, 'm' };
    CHECK_EQ(ipc_reply(P(2), n, &m), IPC_OK);
    CHECK(P(1)->result == IPC_OK && P(1)->got.nhandles == 0);
    CHECK(P(2)->handles[nt].obj == NULL);            /* moved, dropped */
    CHECK_EQ(P(1)->nheld, IPC_HANDLES_MAX);
    P(1)->kcall = false;
    t_teardown();
}

void test_kref(void)
{
    kernel_ntfn();
    held();
    lookups();
    no_memory();
    process_objects();
    kernel_call();
}
