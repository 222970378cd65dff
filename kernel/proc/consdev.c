/*
 * consdev.c: the console device, the kernel's half of the console
 * service (sysinfo.h).
 *
 * Booted with init=NAME on its command line, the kernel starts NAME as
 * the first process and gives it the console device in slot 0, a
 * notification only the kernel can signal (init's handle has the right
 * r alone), and its I/O capabilities in slots 1..5 (devcap.h).  From then on the serial line is the console
 * service's (console.h, console_owner): a kernel thread, consdev_input,
 * signals the device whenever bytes arrive, and whoever holds a handle
 * to the device (init passes it on to the console service) takes them
 * with cons_read and prints with cons_write.  The kernel monitor keeps
 * running but waits, until the holder of the device calls
 * wisp.monitor(device) (the console service, when the shell's `monitor`
 * command asks it); the monitor's `exit` gives the line back.  If init
 * ends, the monitor takes the line for good.
 *
 * Booted without init=, none of this happens: the monitor owns the line
 * and cons_read/cons_write have no device to name.
 */
#include "proc/sysinfo.h"

#include "console.h"
#include "kprintf.h"
#include "kstring.h"
#include "multiboot.h"
#include "thread.h"
#include "ipc/kref.h"
#include "proc/devcap.h"
#include "proc/wasifs.h"

static struct ipc_obj *dev;         /* the device: a kernel reference, s */
static int init_pid;                /* init while it lives, else 0 */

/* ---- boot ------------------------------------------------------------- */

/*
 * init_name: the value of the word "init=NAME" of the kernel's command
 * line, copied into buf (size bytes); NULL if there is none.
 */
static const char *init_name(char *buf, size_t size)
{
    const char *s = mbinfo.cmdline;
    while (*s) {
        while (*s == ' ')
            s++;
        size_t n = 0;
        while (s[n] && s[n] != ' ')
            n++;
        if (n > 5 && strncmp(s, "init=", 5) == 0 && n - 5 < size) {
            memcpy(buf, s + 5, n - 5);
            buf[n - 5] = '\0';
            return buf;
        }
        s += n;
    }
    return NULL;
}

/* consdev_make: see sysinfo.h. */
int consdev_make(struct ipc_proc *to, struct ipc_obj **dev)
{
    if (to->nheld == IPC_HANDLES_MAX)
        return -IPC_EMFILE;
    if (!(*dev = ipc_kntfn_create(&ipc_kernel_ns, IPC_R_SEND)))
        return -IPC_ENOMEM;
    return ipc_kgive(*dev, IPC_R_RECV, 0, to);
}

/* consdev_signal: see sysinfo.h. */
void consdev_signal(struct ipc_obj *dev)
{
    ipc_notify(dev, CONSDEV_INPUT);
}

/* consdev_input: the input thread: signal the device (bit 1) whenever
 * bytes the service has not been told of arrive while it owns the line. */
static void consdev_input(void *arg)
{
    uint64_t seen = 0;
    (void)arg;
    for (;;)
        if (console_wait_input(&seen))
            consdev_signal(dev);
}

/*
 * start: spawn program name and give it the device in slot 0.  Returns
 * its pid, or 0 after saying why not.
 */
static int start(const char *name)
{
    char err[160];
    char *argv[1] = { (char *)name };
    int pid = proc_spawn(name, 1, argv, err, sizeof err);
    struct thread *t;
    if (pid < 0) {
        kprintf("init: %s: %s\n", name, err);
        return 0;
    }
    proc_find(pid)->reserve = true;     /* PROC_RESERVED is init's */
    if (consdev_make(&proc_find(pid)->ipc, &dev) != 0 ||
        devcap_give_init(&proc_find(pid)->ipc) < 0 ||
        !(t = thread_create("consdev", consdev_input, NULL))) {
        kprintf("init: out of memory starting %s\n", name);
        proc_kill(pid);
        return 0;
    }
    thread_detach(t);
    return pid;
}

/* consdev_start: see sysinfo.h.  If init cannot start, the monitor
 * keeps the line and says so. */
void consdev_start(void)
{
    char name[INITRD_NAME_MAX];
    if (!init_name(name, sizeof name))
        return;
    init_pid = start(name);
    if (!init_pid) {
        kprintf("init: not started; the kernel monitor keeps the serial "
                "line\n");
        return;
    }
    kprintf("init: %s is pid %d; the serial line is its console\n", name,
            init_pid);
    console_set_owner(CONSOLE_SERVICE);
}

/* consdev_proc_end: see sysinfo.h. */
void consdev_proc_end(int pid)
{
    if (pid == 0 || pid != init_pid)
        return;
    init_pid = 0;
    kprintf("init ended: the kernel monitor has the serial line\n");
    console_set_owner(CONSOLE_MONITOR);
}

/* consdev_exit_cmd: see sysinfo.h. */
void consdev_exit_cmd(int argc, char **argv)
{
    (void)argc, (void)argv;
    if (!init_pid) {
        kprintf("exit: there is no console service to give the serial "
                "line to (boot with init=NAME)\n");
        return;
    }
    kprintf("the serial line goes back to the console service\n");
    console_set_owner(CONSOLE_SERVICE);
}

/* ---- host calls --------------------------------------------------------- */

/* dev_check: 0 if p's handle h names the device; EBADF if h is not a
 * notification handle, EACCES if it names another one. */
static uint32_t dev_check(struct proc *p, uint32_t h)
{
    struct ipc_obj *o = ipc_obj_of(&p->ipc, h, IPC_KIND_NTFN, 0);
    if (!o)
        return WASI_EBADF;
    return o == dev ? 0 : IPC_EACCES;
}

/*
 * cons_read(h, buf, cap, n_out) -> errno: up to cap typed bytes into buf,
 * without blocking; none while the monitor has the line.  A full buffer
 * may have left bytes behind: the device is signalled again, so a
 * service that reads and then waits is not left waiting with input
 * there (at worst its next read finds nothing).
 */
static uint32_t cons_read(struct proc *p, wasm_host_call *c)
{
    uint32_t cap = host_arg32(c, 2), n = 0, r = dev_check(p, host_arg32(c, 0));
    char *buf = host_mem(c, host_arg32(c, 1), cap);
    int ch;
    if (r != 0)
        return r;
    if (!buf || !host_mem(c, host_arg32(c, 3), 4))
        return HOST_FAULT;
    while (n < cap && console_owner() == CONSOLE_SERVICE &&
           console_try_getc(&ch))
        buf[n++] = (char)ch;
    if (n == cap && cap > 0)
        consdev_signal(dev);
    return host_put32(c, host_arg32(c, 3), n);
}

/* cons_write(h, buf, len) -> errno: print the len bytes at buf, with a
 * host_pause every HOST_CHUNK bytes. */
static uint32_t cons_write(struct proc *p, wasm_host_call *c)
{
    uint32_t len = host_arg32(c, 2), r = dev_check(p, host_arg32(c, 0));
    const char *buf = host_mem(c, host_arg32(c, 1), len);
    if (r != 0)
        return r;
    if (!buf)
        return HOST_FAULT;
    for (uint32_t i = 0; i < len; i++) {
        console_putc(buf[i]);
        if ((i + 1) % HOST_CHUNK == 0 && host_pause(p) != 0)
            return HOST_KILLED;
    }
    return 0;
}

/*
 * monitor(h) -> errno: hand the line to the kernel monitor and sleep
 * until its `exit`.  Only the console's owner may: h must name the
 * console device (EBADF, EACCES, as cons_read).  EINVAL when the monitor
 * has the line already (no console service, or another process is in
 * monitor()).  A kill ends the wait (the monitor keeps the line until
 * its `exit`).
 */
static uint32_t cons_monitor(struct proc *p, wasm_host_call *c)
{
    uint32_t r = dev_check(p, host_arg32(c, 0));
    if (r != 0)
        return r;
    if (console_owner() == CONSOLE_MONITOR)
        return WASI_EINVAL;
    kprintf("\n[pid %d %s] the kernel monitor has the serial line; its "
            "`exit` gives it back\n", p->pid, p->name);
    console_set_owner(CONSOLE_MONITOR);
    if (!console_wait_owner(CONSOLE_SERVICE) || p->killed)
        return HOST_KILLED;
    return 0;
}

const struct host_entry consdev_entries[] = {
    { "wisp", "cons_read", "iiii:i", cons_read },
    { "wisp", "cons_write", "iii:i", cons_write },
    { "wisp", "monitor", "i:i", cons_monitor },
};
const int consdev_nentries = sizeof consdev_entries / sizeof consdev_entries[0];
