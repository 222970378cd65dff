/*
 * ipccmds.c: monitor commands for IPC.  `ipcscript` runs the IPC test
 * service (ipc/test/script.h) over script files of the initrd and prints
 * their traces, which the model-based tests (harness/tests/
 * test_ipc_model.py, make spec-long) compare with the reference model's;
 * `ipcstat` lists the live endpoints and notifications of the kernel's
 * processes; `ipcfast` turns the IPC fast path on or off.
 */
#include "ipccmds.h"

#include <stdint.h>

#include "kprintf.h"
#include "kstring.h"
#include "ipc/ipc.h"
#include "ipc/test/script.h"
#include "proc/initrd.h"
#include "proc/ipcdebug.h"
#include "proc/ipcfast.h"

/* kline: the test service's sink: one line on the console. */
static void kline(void *arg, const char *text)
{
    (void)arg;
    kprintf("%s\n", text);
}

/*
 * icmd_ipcscript: run the scripts of each named initrd file (a container
 * of scripts, script.h) and print their traces.  The scripts' processes
 * have no threads and their objects are numbered in a domain of their
 * own, so running them disturbs no process of the kernel.
 */
void icmd_ipcscript(int argc, char **argv)
{
    static const struct script_sink sink = { kline, 0 };
    if (argc < 2) {
        kprintf("usage: ipcscript FILE...  (script files of the initrd)\n");
        return;
    }
    for (int i = 1; i < argc; i++) {
        const struct initrd_file *f = initrd_find(argv[i]);
        if (!f) {
            kprintf("ipcscript: no file '%s' in the initrd (try ls)\n",
                    argv[i]);
            continue;
        }
        int failed = script_run_all((const char *)f->data, f->size, &sink);
        if (failed > 0)
            kprintf("ipcscript: %s: %d script(s) failed\n", argv[i], failed);
    }
}

/* qlen: the number of processes in a queue. */
static int qlen(const struct ipc_queue *q)
{
    int n = 0;
    for (const struct ipc_proc *p = q->head; p; p = p->qnext)
        n++;
    return n;
}

/*
 * icmd_ipcstat: one line per live endpoint and notification of the
 * kernel's processes (ipc_kernel_ns), in number order: its handles
 * (with s, with r), queue lengths, and messages received (endpoint) or
 * signals (notification); then the count of every live IPC object.
 */
void icmd_ipcstat(int argc, char **argv)
{
    (void)argc, (void)argv;
    int n = 0;
    for (const struct ipc_obj *o = ipc_kernel_ns.objs; o; o = o->next, n++) {
        if (o->kind == IPC_KIND_EP)
            kprintf("  ep%-5u handles %d (s %d, r %d)  sendq %d  recvq %d  "
                    "delivered %lu\n", o->id, o->nhandles, o->nsend, o->nrecv,
                    qlen(&o->sendq), qlen(&o->recvq), o->delivered);
        else
            kprintf("  ntfn%-3u handles %d (s %d, r %d)  word 0x%x  waitq %d  "
                    "signals %lu\n", o->id, o->nhandles, o->nsend, o->nrecv,
                    o->word, qlen(&o->waitq), o->delivered);
    }
    kprintf("%d endpoints and notifications; ipc objects: %d live "
            "(with reply objects)\n", n, ipc_objs_live());
#ifdef IPC_DEBUG
    kprintf("ipc invariants: checked %lu times, never broken (IPC_DEBUG)\n",
            ipcdebug_checks());
#endif
}

/*
 * icmd_ipcfast: `ipcfast on` or `ipcfast off` sets whether call and
 * reply_recv take the fast path (kernel/proc/ipcfast.c); with no
 * argument, says which; either way it tells how many calls and
 * reply_recvs the specialised operations of ipc/fast.c have made.  Programs see the same results either way, so
 * the tests run their IPC through both paths, and the bench times both.
 */
void icmd_ipcfast(int argc, char **argv)
{
    if (argc == 2 && (strcmp(argv[1], "on") == 0 ||
                      strcmp(argv[1], "off") == 0)) {
        ipcfast_on = strcmp(argv[1], "on") == 0;
    } else if (argc != 1) {
        kprintf("usage: ipcfast [on|off]\n");
        return;
    }
    kprintf("ipcfast: %s (specialised: %lu calls, %lu reply_recvs)\n",
            ipcfast_on ? "on" : "off",
            (unsigned long)ipc_fast_stats.calls,
            (unsigned long)ipc_fast_stats.reply_recvs);
}
