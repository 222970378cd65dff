/*
 * manifest.h: init's manifest (services/manifest, spec/services.md): one
 * service a line, parsed into a struct svc, which init then runs.  The
 * parser is init's alone; it lives here to keep init.c about running.
 *
 *     NAME PROGRAM [restart] [register] [slots=W,...] [procs=N] [mem=MIB]
 *          [-- ARGS...]
 */
#ifndef WISP_SERVICES_MANIFEST_H
#define WISP_SERVICES_MANIFEST_H

#include <stdbool.h>
#include <stdint.h>

#include "proto.h"

#define INIT_LINES_MAX 10           /* services: three watch bits each */
#define INIT_WORDS_MAX 24           /* words on one manifest line */
#define INIT_PROG_MAX 39            /* an initrd name (INITRD_NAME_MAX - 1) */
#define INIT_ARGS_MAX 256           /* packed arguments (PROC_ARGS_MAX) */
#define INIT_SPAWN_SLOTS 4          /* handles spawn hands a program */
/* A line's quota (wisp_limit) unless it says procs= or mem=: the
 * processes it may start, and the MiB of linear memory of it and them. */
#define INIT_PROCS_DEFAULT 4
#define INIT_MEM_DEFAULT_MIB 32

enum slot_kind {
    SK_NONE, SK_CONSOLE, SK_OWNER, SK_FS, SK_FS_OWNER, SK_NAMES, SK_SERVE,
    SK_DEVICE, SK_NOTIFY, SK_INIT, SK_CONTROL,
    SK_SCREEN, SK_KEYS,             /* the console's drivers' handles */
    /* the I/O capabilities the kernel gives init, in its slots 1..5 in
     * this order (kernel/proc/devcap.c) */
    SK_VGA_PORTS, SK_VGA_TEXT, SK_PS2_DATA, SK_PS2_CMD, SK_IRQ1,
    SK_COUNT
};
#define SK_IO_FIRST SK_VGA_PORTS
#define SK_IO_SLOT0 1               /* init's slot of SK_IO_FIRST */
/* The slot words, indexed by enum slot_kind (manifest.c). */
extern const char *const init_slot_words[SK_COUNT];

/* One manifest line. */
struct svc {
    char name[NAME_MAX_LEN + 1];
    char prog[INIT_PROG_MAX + 1];
    char args[INIT_ARGS_MAX];       /* NUL-terminated words, packed */
    uint32_t args_len;
    uint8_t slots[INIT_SPAWN_SLOTS];
    uint32_t nslots;
    bool restart, reg;
    bool again;                     /* restart once (asked), even without
                                       `restart` */
    uint32_t procs, mem_mib;        /* its quota (wisp_limit) */
    int32_t ep;                     /* the `serve` endpoint, or -1 */
    int32_t pid;                    /* while running, else -1 */
    int32_t proc;                   /* its process handle, while running */
    int32_t delay;                  /* a pending back-off: the process
                                       handle of the delay helper, or -1 */
    long long started_ms;
    int quick;                      /* quick ends in a row */
};


/* init_read_manifest: the initrd file `manifest` into buf (NUL-
 * terminated, at most cap - 1 bytes).  Returns its length, or -1 (said
 * why) when there is none. */
int init_read_manifest(char *buf, uint32_t cap);
/* init_line: parses one manifest line (modified) into s, every field
 * set (no process yet).  NULL (also for a blank line or a comment: then
 * s->name is empty) or what is wrong.  Names used twice are the
 * caller's to find. */
const char *init_line(char *line, struct svc *s);
/* init_has_slot: true if s lists slot kind k. */
bool init_has_slot(const struct svc *s, int k);

#endif
