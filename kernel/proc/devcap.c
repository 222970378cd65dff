/*
 * devcap.c: I/O capabilities (devcap.h) and the host calls that use
 * them: io_info, port_in, port_out, mem_read, mem_write, irq_bind,
 * irq_ack (module "wisp", services/lib/wisp.h; spec/abi.md "wisp:
 * devices").
 *
 * The kernel knows five device resources, the ones the PC's VGA text
 * console and PS/2 keyboard need, and makes one kernel object for each
 * when init starts (init gets them in slots 1..5).  Nothing else can
 * make one: a program reaches a port or a window only through a handle
 * someone with authority passed on, and each access checks that
 * handle's right and range before it touches the hardware.  Under UEFI
 * there is no VGA text mode: the vga-text object is still made, so the
 * slots keep their numbers, but its window is empty (len 0).
 *
 * An interrupt is delivered as a notification.  irq_bind gives the
 * kernel a reference with s on a notification of the driver's; the
 * interrupt handler masks the line at the PIC and wakes a kernel thread
 * (irq_thread: the IPC layer runs only in thread context), which signals
 * the notification.  The line stays masked until the driver has handled
 * the device and calls irq_ack, so a driver that is slow or dead costs
 * the machine no interrupt storm.
 */
#include "proc/devcap.h"

#include "kprintf.h"
#include "kstring.h"
#include "multiboot.h"
#include "thread.h"
#include "waitq.h"
#include "arch/x86_64/irq.h"
#include "arch/x86_64/memlayout.h"
#include "arch/x86_64/pic.h"
#include "arch/x86_64/x86.h"
#include "ipc/kref.h"

/* The device resources, in the order init gets them (slots 1..5). */
static struct iodev iodevs[] = {
    { "vga-ports", IODEV_PORTS, 0x3d4, 2 },     /* CRTC index, data */
    { "vga-text", IODEV_MEM, 0xb8000, 80 * 25 * 2 },
    { "ps2-data", IODEV_PORTS, 0x60, 1 },
    { "ps2-cmd", IODEV_PORTS, 0x64, 1 },        /* status, command */
    { "irq1", IODEV_IRQ, 1, 1 },                /* the keyboard */
};
#define NIODEVS (int)(sizeof iodevs / sizeof iodevs[0])

static struct ipc_obj *ioobjs[NIODEVS];     /* kernel-held, never freed */

/* The interrupt lines: the notification each is bound to (a kernel
 * reference with s, or NULL) and the lines raised but not yet signalled. */
static struct ipc_obj *irq_ntfn[NIRQS];
static uint32_t irq_bits[NIRQS];            /* the binding handle's badge */
static volatile uint32_t irq_pending;       /* bit n: IRQ n came */
static struct waitq irq_wq;

/* ---- interrupts ---------------------------------------------------------- */

/* irq_dev_line: the interrupt handler of a line a capability names:
 * mask it (the driver's irq_ack unmasks it) and let irq_thread signal.
 * Interrupt context: interrupts off, no IPC. */
static void irq_dev_line(int irq)
{
    pic_mask(irq);
    irq_pending |= 1u << irq;
    waitq_wake_all(&irq_wq);
}

/* irq_dev1: IRQ 1's handler (irq_register takes no argument). */
static void irq_dev1(void)
{
    irq_dev_line(1);
}

/* irq_unbind: drop line irq's notification, if any (thread context). */
static void irq_unbind(int irq)
{
    struct ipc_obj *o = irq_ntfn[irq];
    irq_ntfn[irq] = NULL;
    if (o)
        ipc_kref_drop(o, IPC_R_SEND);
}

/*
 * irq_thread: signal the bound notification of every line that came.
 * A notification whose only holder is the kernel (its driver died and
 * nobody else holds it) is dropped instead: the line stays masked until
 * a new driver binds.
 */
static void irq_thread(void *arg)
{
    (void)arg;
    for (;;) {
        uint64_t fl = irq_save();
        while (irq_pending == 0)
            waitq_sleep(&irq_wq);
        uint32_t lines = irq_pending;
        irq_pending = 0;
        irq_restore(fl);
        for (int irq = 0; irq < NIRQS; irq++) {
            struct ipc_obj *o = irq_ntfn[irq];
            if (!(lines & (1u << irq)) || !o)
                continue;
            if (o->nhandles == 1)
                irq_unbind(irq);
            else
                ipc_notify(o, irq_bits[irq]);
        }
    }
}

/* ---- making them --------------------------------------------------------- */

/* devcap_make: the objects, the keyboard line's handler (masked until a
 * bind) and irq_thread, once.  False when out of memory. */
static bool devcap_make(void)
{
    static bool made;
    struct thread *t;
    if (made)
        return true;
    if (mbinfo.efi)
        iodevs[1].len = 0;                  /* no VGA text under UEFI */
    for (int i = 0; i < NIODEVS; i++) {
        if (!(ioobjs[i] = ipc_kobj_create(&ipc_kernel_ns, IPC_KIND_IO)))
            return false;
        ioobjs[i]->io = &iodevs[i];
    }
    if (!(t = thread_create("irqdev", irq_thread, NULL)))
        return false;
    thread_detach(t);
    uint64_t fl = irq_save();
    irq_register(1, irq_dev1);
    pic_mask(1);
    irq_restore(fl);
    made = true;
    return true;
}

/* devcap_give_init: see devcap.h. */
int devcap_give_init(struct ipc_proc *ip)
{
    if (!devcap_make()) {
        kprintf("init: out of memory making the I/O capabilities\n");
        return -1;
    }
    for (int i = 0; i < NIODEVS; i++) {
        if (ipc_kgive(ioobjs[i], IPC_R_SEND | IPC_R_RECV, 0, ip) < 0) {
            kprintf("init: no room for the I/O capabilities\n");
            return -1;
        }
    }
    return NIODEVS;
}

/* ---- the checks ---------------------------------------------------------- */

/*
 * io_check: the device p's handle h grants, if it is an I/O capability
 * of type with right and, for ports and memory, the absolute range
 * [start, start + len) lies inside its range.  *d = it.  0, or EBADF (h
 * is not an I/O capability), EACCES (another type, the right missing,
 * or outside).  The range test has no sum that can wrap.
 */
static uint32_t io_check(struct proc *p, uint32_t h, enum iodev_type type,
                         uint32_t right, uint64_t start, uint64_t len,
                         const struct iodev **d)
{
    struct ipc_obj *o = ipc_obj_of(&p->ipc, h, IPC_KIND_IO, 0);
    *d = NULL;
    if (!o)
        return WASI_EBADF;
    const struct iodev *dv = o->io;
    if (dv->type != type || !ipc_obj_of(&p->ipc, h, IPC_KIND_IO, right))
        return IPC_EACCES;
    if (type != IODEV_IRQ && (start < dv->base ||
                              start - dv->base > dv->len ||
                              len > dv->len - (start - dv->base)))
        return IPC_EACCES;
    *d = dv;
    return 0;
}

/*
 * port_check: io_check for a port access of width bytes at port, with
 * EINVAL (a width other than 1, 2 or 4) after EBADF.
 */
static uint32_t port_check(struct proc *p, uint32_t h, uint32_t right,
                           uint32_t port, uint32_t width,
                           const struct iodev **d)
{
    *d = NULL;
    if (!ipc_obj_of(&p->ipc, h, IPC_KIND_IO, 0))
        return WASI_EBADF;
    if (width != 1 && width != 2 && width != 4)
        return WASI_EINVAL;
    return io_check(p, h, IODEV_PORTS, right, port, width, d);
}

/*
 * mem_check: io_check for window bytes [off, off + len) (off counts
 * from the window's start).
 */
static uint32_t mem_check(struct proc *p, uint32_t h, uint32_t right,
                          uint32_t off, uint32_t len, const struct iodev **d)
{
    struct ipc_obj *o = ipc_obj_of(&p->ipc, h, IPC_KIND_IO, 0);
    uint64_t base = o ? o->io->base : 0;
    return io_check(p, h, IODEV_MEM, right, base + off, len, d);
}

/* ---- the host calls ------------------------------------------------------ */

/* io_info(h, out) -> errno: 16 bytes at out: type, base, len, rights. */
static uint32_t w_io_info(struct proc *p, wasm_host_call *c)
{
    struct ipc_obj *o = ipc_obj_of(&p->ipc, host_arg32(c, 0), IPC_KIND_IO, 0);
    uint32_t out = host_arg32(c, 1);
    if (!o)
        return WASI_EBADF;
    if (!host_mem(c, out, 16))
        return HOST_FAULT;
    host_put32(c, out, o->io->type);
    host_put32(c, out + 4, o->io->base);
    host_put32(c, out + 8, o->io->len);
    host_put32(c, out + 12, p->ipc.handles[host_arg32(c, 0)].rights);
    return 0;
}

/* port_in(h, port, width, value_out) -> errno. */
static uint32_t w_port_in(struct proc *p, wasm_host_call *c)
{
    const struct iodev *d;
    uint32_t port = host_arg32(c, 1), w = host_arg32(c, 2), v;
    uint32_t r = port_check(p, host_arg32(c, 0), IPC_R_RECV, port, w, &d);
    if (r != 0)
        return r;
    if (!host_mem(c, host_arg32(c, 3), 4))
        return HOST_FAULT;
    v = w == 1 ? inb((uint16_t)port) : w == 2 ? inw((uint16_t)port)
                                             : inl((uint16_t)port);
    return host_put32(c, host_arg32(c, 3), v);
}

/* port_out(h, port, width, value) -> errno. */
static uint32_t w_port_out(struct proc *p, wasm_host_call *c)
{
    const struct iodev *d;
    uint32_t port = host_arg32(c, 1), w = host_arg32(c, 2);
    uint32_t v = host_arg32(c, 3);
    uint32_t r = port_check(p, host_arg32(c, 0), IPC_R_SEND, port, w, &d);
    if (r != 0)
        return r;
    if (w == 1)
        outb((uint16_t)port, (uint8_t)v);
    else if (w == 2)
        outw((uint16_t)port, (uint16_t)v);
    else
        outl((uint16_t)port, v);
    return 0;
}

/* window: the kernel address of byte off of device memory d (inside
 * the kernel's map of physical [0, 2 GiB), where the VGA window is). */
static volatile uint8_t *window(const struct iodev *d, uint32_t off)
{
    return (volatile uint8_t *)P2V((uint64_t)d->base + off);
}

/*
 * mem_copy: mem_read(h, off, buf, len) or, `write`, mem_write(h, off,
 * buf, len) -> errno: window bytes [off, off + len) of h's device memory
 * (off counts from the window's start) into buf, or buf's into them,
 * one byte access each.  Needs r to read, s to write.
 */
static uint32_t mem_copy(struct proc *p, wasm_host_call *c, bool write)
{
    const struct iodev *d;
    uint32_t off = host_arg32(c, 1), len = host_arg32(c, 3);
    uint32_t r = mem_check(p, host_arg32(c, 0),
                           write ? IPC_R_SEND : IPC_R_RECV, off, len, &d);
    if (r != 0)
        return r;
    uint8_t *buf = host_mem(c, host_arg32(c, 2), len);
    if (!buf)
        return HOST_FAULT;
    volatile uint8_t *win = window(d, off);
    for (uint32_t i = 0; i < len; i++) {
        if (write)
            win[i] = buf[i];
        else
            buf[i] = win[i];
    }
    return 0;
}

static uint32_t w_mem_read(struct proc *p, wasm_host_call *c)
{
    return mem_copy(p, c, false);
}

static uint32_t w_mem_write(struct proc *p, wasm_host_call *c)
{
    return mem_copy(p, c, true);
}

/*
 * irq_bind(h, ntfn) -> errno: from now on interrupt line h (an IRQ
 * capability with r) signals notification ntfn (a handle with s) with
 * ntfn's badge, or 1; a previous binding of the line is dropped.  The
 * line is unmasked.  EBADF (h not an I/O capability, ntfn not a
 * notification), EACCES (h not an IRQ or without r, ntfn without s).
 */
static uint32_t w_irq_bind(struct proc *p, wasm_host_call *c)
{
    const struct iodev *d;
    uint32_t nh = host_arg32(c, 1);
    uint32_t r = io_check(p, host_arg32(c, 0), IODEV_IRQ, IPC_R_RECV, 0, 0,
                          &d);
    struct ipc_obj *n = ipc_obj_of(&p->ipc, nh, IPC_KIND_NTFN, 0);
    if (r == 0 && !n)
        r = WASI_EBADF;
    if (r == 0 && !ipc_obj_of(&p->ipc, nh, IPC_KIND_NTFN, IPC_R_SEND))
        r = IPC_EACCES;
    if (r != 0)
        return r;
    int irq = (int)d->base;
    ipc_kref_hold(n, IPC_R_SEND);
    irq_unbind(irq);
    irq_ntfn[irq] = n;
    irq_bits[irq] = p->ipc.handles[nh].badge ? p->ipc.handles[nh].badge : 1;
    uint64_t fl = irq_save();
    pic_unmask(irq);
    irq_restore(fl);
    return 0;
}

/* irq_ack(h) -> errno: the driver has handled line h's interrupt:
 * unmask it.  EBADF, EACCES (not an IRQ, or without r). */
static uint32_t w_irq_ack(struct proc *p, wasm_host_call *c)
{
    const struct iodev *d;
    uint32_t r = io_check(p, host_arg32(c, 0), IODEV_IRQ, IPC_R_RECV, 0, 0,
                          &d);
    if (r != 0)
        return r;
    uint64_t fl = irq_save();
    pic_unmask((int)d->base);
    irq_restore(fl);
    return 0;
}

const struct host_entry devcap_entries[] = {
    { "wisp", "io_info", "ii:i", w_io_info },
    { "wisp", "port_in", "iiii:i", w_port_in },
    { "wisp", "port_out", "iiii:i", w_port_out },
    { "wisp", "mem_read", "iiii:i", w_mem_read },
    { "wisp", "mem_write", "iiii:i", w_mem_write },
    { "wisp", "irq_bind", "ii:i", w_irq_bind },
    { "wisp", "irq_ack", "i:i", w_irq_ack },
};
const int devcap_nentries = sizeof devcap_entries / sizeof devcap_entries[0];
