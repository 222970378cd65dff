/*
 * dev.h: the host calls of drivers (import module "wisp"): I/O
 * capabilities, checked by the kernel on every access (kernel/proc/
 * devcap.c; spec/abi.md "wisp: devices" gives each call's contract).
 *
 * An I/O capability is a handle naming one device resource: a range of
 * I/O ports, a window of device memory, or an interrupt line.  Only the
 * kernel makes them (it gives init one of each resource it knows, and
 * init passes them on as its manifest says); a handle on one can be
 * duplicated with fewer rights (r: read, s: write) and granted like any
 * other.  Errors: WISP_EBADF (h is not an I/O capability), WISP_EACCES
 * (a capability of another type, a missing right, or a port or byte
 * outside its range), WISP_EINVAL (a port access not 1, 2 or 4 bytes
 * wide).  A bad pointer traps, as for the system calls.
 */
#ifndef WISP_SERVICES_DEV_H
#define WISP_SERVICES_DEV_H

#include <stdint.h>

#include "wisp.h"

#define WISP_IO_PORTS 1             /* I/O ports [base, base + len) */
#define WISP_IO_MEM 2               /* device memory (len 0: not there) */
#define WISP_IO_IRQ 3               /* interrupt line `base` */

/* What io_info says about a capability. */
typedef struct {
    uint32_t type;                  /* WISP_IO_* */
    uint32_t base, len;             /* first port / physical address /
                                       line, and how many */
    uint32_t rights;                /* the handle's WISP_R_* */
} wisp_io_info_t;

/* *info = what capability h names. */
WISP_IMPORT("io_info") int32_t wisp_io_info(int32_t h, wisp_io_info_t *info);
/* *value = the `width`-byte (1, 2, 4) port `port`; h needs r. */
WISP_IMPORT("port_in") int32_t wisp_port_in(int32_t h, uint32_t port,
                                            uint32_t width, uint32_t *value);
/* Write value's low `width` bytes to port `port`; h needs s. */
WISP_IMPORT("port_out") int32_t wisp_port_out(int32_t h, uint32_t port,
                                              uint32_t width, uint32_t value);
/* Copy window bytes [off, off + len) into buf; h needs r. */
WISP_IMPORT("mem_read") int32_t wisp_mem_read(int32_t h, uint32_t off,
                                              void *buf, uint32_t len);
/* Copy len bytes of buf to window bytes [off, off + len); h needs s. */
WISP_IMPORT("mem_write") int32_t wisp_mem_write(int32_t h, uint32_t off,
                                                const void *buf,
                                                uint32_t len);
/* From now on interrupt line h (r) signals notification ntfn (s) with
 * ntfn's badge, or 1; the line is unmasked.  After each signal the line
 * stays masked until wisp_irq_ack. */
WISP_IMPORT("irq_bind") int32_t wisp_irq_bind(int32_t h, int32_t ntfn);
/* The interrupt has been handled: unmask line h (r). */
WISP_IMPORT("irq_ack") int32_t wisp_irq_ack(int32_t h);

/* port_inb / port_outb: byte-wide helpers (errors as above). */
static inline uint32_t port_inb(int32_t h, uint32_t port)
{
    uint32_t v = 0;
    wisp_port_in(h, port, 1, &v);
    return v;
}

static inline int32_t port_outb(int32_t h, uint32_t port, uint32_t v)
{
    return wisp_port_out(h, port, 1, v);
}

#endif
