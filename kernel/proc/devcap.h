/*
 * devcap.h: I/O capabilities, the kernel's half of drivers as services
 * (devcap.c, spec/abi.md "wisp: devices").
 *
 * A driver is a Wasm program like any other; what makes it a driver is
 * a handle on an I/O capability, an IPC object of kind IPC_KIND_IO that
 * names exactly one device resource: a range of I/O ports, a window of
 * device memory, or an interrupt line.  Booted with init=NAME, the kernel
 * makes one object per resource it knows (the table in devcap.c) and
 * gives init a handle on each, in slots 1, 2, ...; init passes them on to
 * the drivers its manifest names.  Every port or window access checks the
 * handle, its right (r to read, s to write) and the range, every time.
 */
#ifndef WISP_DEVCAP_H
#define WISP_DEVCAP_H

#include <stdint.h>

#include "proc/hostcall.h"

/* What an I/O capability names (wisp.io_info's type). */
enum iodev_type {
    IODEV_PORTS = 1,                /* I/O ports [base, base + len) */
    IODEV_MEM = 2,                  /* device memory, physical [base,
                                       base + len); len 0: not there */
    IODEV_IRQ = 3,                  /* interrupt line base (len 1) */
};

/* One device resource. */
struct iodev {
    const char *name;               /* as the manifest spells it */
    enum iodev_type type;
    uint32_t base, len;
};

/* devcap_give_init: make the I/O capabilities (once) and give init (ip,
 * running) a handle with rights r and s on each, in its lowest free
 * slots, in the order of the table in devcap.c.  Returns how many, or -1
 * when kernel memory or init's table ran out (said why). */
int devcap_give_init(struct ipc_proc *ip);

/* The host call table, for hostcall.c. */
extern const struct host_entry devcap_entries[];
extern const int devcap_nentries;

#endif
