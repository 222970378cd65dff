/*
 * fs: the file service (proto.h, "fs"), a ramfs.  "/" holds the initrd's
 * files, read-only, read on demand with wisp_initrd_read; "/tmp" is a
 * writable tree of directories and files in this process's memory
 * (malloc), gone when it ends.  Every FS_* request answers 0 or a WASI
 * errno; the kernel's WASI layer (kernel/proc/wasifs.c) makes them on a
 * program's behalf.
 *
 * Both kinds of node live in one tree, so one path walk serves every
 * request; read-only nodes (the root and the initrd's files) say so.
 * An open file is an id: a table index plus a generation, so an id
 * closed and reused is not mistaken for the old one.  Each id belongs
 * to the client that opened it, named by the badge of the handle its
 * request came through: init and the shell hand every program a file
 * service handle badged by the kernel with the program's pid
 * (WISP_SPAWN_BADGE_PID), so the badge is who is calling, whatever the
 * request says.  An id used through another badge is EBADF; a client
 * may hold FS_CLIENT_MAX ids (EMFILE).  A program that ends normally
 * has its files closed by the kernel, but one that is killed cannot
 * make calls any more, so its ids stay open; when the table is full, an
 * FS_OPEN first frees the ids whose client is no longer a live process
 * (fs_reclaim), and only then answers ENFILE.  Badge 0 (the unbadged
 * handle: the shell's own) is one client with no quota, never
 * reclaimed.
 *
 * Slots (manifest `slots=console,-,names,serve` with `register`): 0 the
 * console (its messages), 1 a placeholder (never itself: a file call
 * to its own endpoint would wait forever), 2 the name server, 3 its
 * endpoint.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "labtodo.h"
#include "svc.h"

#define FS_ENAMETOOLONG 37          /* WASI: a path or name too long */
#define FS_IO_MAX WISP_MSG_BUF_MAX  /* bytes of one read or write */
#define FS_NAME_MAX 63              /* bytes of a name in /tmp */
#define FS_INITRD_MAX 64            /* initrd files (INITRD_FILES_MAX) */
#define FS_TMP_NODES_MAX 512        /* files and directories in /tmp */
#define FS_TMP_BYTES_MAX (8u << 20) /* bytes of file data in /tmp */
#define FS_INO_TMP_FIRST 1024       /* inodes: 1 root, 2 /tmp, 3.. initrd */
#define FS_LIVE_MAX 128             /* live pids fs_reclaim can list
                                       (the kernel's PROC_MAX) */
#define FS_SCAN_TRIES 4             /* rescans for a list of them to agree */

struct fs_node {
    char name[FS_NAME_MAX + 1];
    uint32_t type;                  /* FS_TYPE_DIR or FS_TYPE_FILE */
    bool ro;                        /* the root or an initrd file */
    bool unlinked;                  /* gone from its directory, still open */
    uint32_t ino;
    uint32_t initrd;                /* an initrd file's index */
    uint32_t size, cap;             /* bytes of data, allocated */
    char *data;                     /* a /tmp file's bytes */
    uint32_t opens;                 /* ids naming it */
    struct fs_node *parent, *child, *next;  /* the tree */
};

struct fs_open {
    struct fs_node *node;           /* NULL: a free entry */
    uint32_t flags;                 /* FS_O_* it was opened with */
    uint16_t gen;                   /* bumped at each reuse */
    uint32_t badge;                 /* the client's (its pid, or 0) */
};

static struct fs_node fs_root, fs_initrd[FS_INITRD_MAX];
static struct fs_node *fs_tmp;
static struct fs_open fs_opens[FS_OPEN_MAX];
static uint32_t fs_tmp_nodes, fs_tmp_bytes, fs_next_ino = FS_INO_TMP_FIRST;
static char fs_io[FS_IO_MAX];       /* requests' and replies' bytes */

/* ---- the tree ------------------------------------------------------------ */

/* fs_link: makes n the last child of directory dir. */
static void fs_link(struct fs_node *dir, struct fs_node *n)
{
    struct fs_node **pp = &dir->child;
    while (*pp)
        pp = &(*pp)->next;
    *pp = n;
    n->parent = dir;
    n->next = NULL;
}

/* fs_unlink_node: takes n out of its directory's list. */
static void fs_unlink_node(struct fs_node *n)
{
    struct fs_node **pp = &n->parent->child;
    while (*pp != n)
        pp = &(*pp)->next;
    *pp = n->next;
}

/* fs_lookup: the child of dir named name (len bytes), or NULL. */
static struct fs_node *fs_lookup(struct fs_node *dir, const char *name,
                                 size_t len)
{
    for (struct fs_node *c = dir->child; c; c = c->next)
        if (strlen(c->name) == len && memcmp(c->name, name, len) == 0)
            return c;
    return NULL;
}

/*
 * fs_new: a new empty /tmp node of type called name in directory dir
 * (writable).  *n = it.  Returns 0, ENAMETOOLONG, or ENOSPC (node limit
 * or out of memory).
 */
static uint32_t fs_new(struct fs_node *dir, const char *name, uint32_t type,
                       struct fs_node **n)
{
    if (strlen(name) > FS_NAME_MAX)
        return FS_ENAMETOOLONG;
    if (fs_tmp_nodes == FS_TMP_NODES_MAX ||
        !(*n = calloc(1, sizeof **n)))
        return WISP_ENOSPC;
    strcpy((*n)->name, name);
    (*n)->type = type;
    (*n)->ino = fs_next_ino++;
    fs_link(dir, *n);
    fs_tmp_nodes++;
    return 0;
}

/* fs_free: frees an unlinked /tmp node (file or empty directory) nobody
 * has open. */
static void fs_free(struct fs_node *n)
{
    fs_tmp_bytes -= n->cap;
    fs_tmp_nodes--;
    free(n->data);
    free(n);
}

/*
 * fs_resize: makes /tmp file n size bytes long, new bytes zero.
 * Returns 0, or ENOSPC (FS_TMP_BYTES_MAX or out of memory; n unchanged).
 */
static uint32_t fs_resize(struct fs_node *n, uint32_t size)
{
    if (size > n->cap) {
        uint32_t cap = n->cap ? n->cap : 64;
        while (cap < size)
            cap = cap > 0x7fffffffu ? size : cap * 2;
        if (cap - n->cap > FS_TMP_BYTES_MAX - fs_tmp_bytes)
            cap = size;             /* no room to double: just enough */
        if (cap - n->cap > FS_TMP_BYTES_MAX - fs_tmp_bytes)
            return WISP_ENOSPC;
        char *d = realloc(n->data, cap);
        if (!d)
            return WISP_ENOSPC;
        fs_tmp_bytes += cap - n->cap;
        n->data = d, n->cap = cap;
    }
    if (size > n->size)
        memset(n->data + n->size, 0, size - n->size);
    n->size = size;
    return 0;
}

/* fs_step: the node component name (len bytes) of directory dir
 * names: "." dir itself, ".." its parent (the root's is the root), else
 * a child; NULL if there is none. */
static struct fs_node *fs_step(struct fs_node *dir, const char *name,
                               size_t len)
{
    if (len == 1 && name[0] == '.')
        return dir;
    if (len == 2 && name[0] == '.' && name[1] == '.')
        return dir->parent ? dir->parent : dir;
    return fs_lookup(dir, name, len);
}

/*
 * fs_walk: resolves path, absolute and NUL-terminated, from the root,
 * one component at a time (fs_step: "." is the directory itself, ".."
 * its parent, and the root's parent is the root).  Slashes separate
 * components; several in a row count as one, and slashes at the end are
 * ignored ("/" and "//" are the root, "/tmp/" is /tmp).  Returns 0 with
 * *n = the node; or ENOENT when a component is missing, and then, if it
 * was the last one, *dir = the directory that would hold it and *leaf =
 * its name, cut out of path by a NUL written after it (mkdir and
 * FS_O_CREAT make it there), else *dir = NULL; ENOTDIR when a component
 * is a file and more follow; EINVAL for a path that does not start
 * with '/'.
 */
static uint32_t fs_walk(char *path, struct fs_node **n, struct fs_node **dir,
                        char **leaf)
{
    // LAB 7 BEGIN fs_walk
    struct fs_node *cur = &fs_root;
    *dir = NULL;
    if (path[0] != '/')
        return WISP_EINVAL;
    for (char *p = path; *p; ) {
        while (*p == '/')
            p++;
        char *end = p + strcspn(p, "/");
        size_t len = (size_t)(end - p);
        bool last = *end == '\0' || end[strspn(end, "/")] == '\0';
        if (len == 0)
            break;
        if (cur->type != FS_TYPE_DIR)
            return WISP_ENOTDIR;
        struct fs_node *next = fs_step(cur, p, len);
        if (!next) {
            if (last) {
                *dir = cur;
                *leaf = p;
                *end = '\0';
            }
            return WISP_ENOENT;
        }
        cur = next;
        p = end;
    }
    *n = cur;
    return 0;
    // LAB 7 BUG walk_through_files
    // struct fs_node *cur = &fs_root;
    // *dir = NULL;
    // if (path[0] != '/')
    //     return WISP_EINVAL;
    // for (char *p = path; *p; ) {
    //     while (*p == '/')
    //         p++;
    //     char *end = p + strcspn(p, "/");
    //     size_t len = (size_t)(end - p);
    //     bool last = *end == '\0' || end[strspn(end, "/")] == '\0';
    //     if (len == 0)
    //         break;
    //     struct fs_node *next = fs_step(cur, p, len);
    //     if (!next) {
    //         if (last) {
    //             *dir = cur;
    //             *leaf = p;
    //             *end = '\0';
    //         }
    //         return WISP_ENOENT;
    //     }
    //     cur = next;
    //     p = end;
    // }
    // *n = cur;
    // return 0;
    // LAB 7 STUB resolves no path but "/" itself, so every file is missing: ls / lists the names without sizes, and nothing can be opened, read, written or made
    // LAB_TODO(7, "fs_walk");
    // (void)fs_step, (void)leaf;
    // *dir = NULL;
    // if (path[0] != '/')
    //     return WISP_EINVAL;
    // if (path[strspn(path, "/")] != '\0')
    //     return WISP_ENOENT;
    // *n = &fs_root;
    // return 0;
    // LAB 7 END
}

/* fs_init: the root with the initrd's files and an empty /tmp. */
static void fs_init(void)
{
    fs_root = (struct fs_node){.name = "/", .type = FS_TYPE_DIR, .ro = true,
                               .ino = 1};
    for (uint32_t i = 0; i < FS_INITRD_MAX; i++) {
        struct fs_node *f = &fs_initrd[i];
        char name[64];
        if (wisp_initrd_stat(i, name, sizeof name, &f->size) != 0)
            break;
        snprintf(f->name, sizeof f->name, "%s", name);
        f->type = FS_TYPE_FILE, f->ro = true, f->ino = 3 + i, f->initrd = i;
        fs_link(&fs_root, f);
    }
    static struct fs_node tmp = {.name = "tmp", .type = FS_TYPE_DIR,
                                 .ino = 2};
    fs_tmp = &tmp;
    fs_link(&fs_root, fs_tmp);
}

/* ---- open files ---------------------------------------------------------- */

/* fs_id: the id of open entry i. */
static uint32_t fs_id(int i)
{
    return (uint32_t)fs_opens[i].gen << 16 | (uint32_t)(i + 1);
}

/* fs_get: the open entry an id names for client badge, or NULL (EBADF:
 * not open, or another client's). */
static struct fs_open *fs_get(uint32_t id, uint32_t badge)
{
    uint32_t i = (id & 0xffff) - 1;
    if (i >= FS_OPEN_MAX || !fs_opens[i].node ||
        fs_opens[i].gen != id >> 16 || fs_opens[i].badge != badge)
        return NULL;
    return &fs_opens[i];
}

/* fs_held: the ids client badge holds. */
static int fs_held(uint32_t badge)
{
    int n = 0;
    for (int i = 0; i < FS_OPEN_MAX; i++)
        n += fs_opens[i].node && fs_opens[i].badge == badge;
    return n;
}

/* fs_free_slot: the index of a free open entry, or -1. */
static int fs_free_slot(void)
{
    for (int i = 0; i < FS_OPEN_MAX; i++)
        if (!fs_opens[i].node)
            return i;
    return -1;
}

/* fs_scan_pids: the pids of the live processes into live[], in
 * wisp_proc_info's order; how many, or -1 if there are more than
 * FS_LIVE_MAX (a list cut short cannot say who has ended). */
static int fs_scan_pids(uint32_t live[FS_LIVE_MAX])
{
    struct wisp_proc_info info;
    int n = 0;
    while (wisp_proc_info((uint32_t)n, &info) == WISP_OK) {
        if (n == FS_LIVE_MAX)
            return -1;
        live[n++] = (uint32_t)info.pid;
    }
    return n;
}

/*
 * fs_live_pids: as fs_scan_pids, but a list to trust: wisp_proc_info
 * counts live processes, so one that ends during a scan shifts the
 * rest and can hide a live one.  Two scans in a row that agree saw no
 * process end (pids never repeat); after FS_SCAN_TRIES that do not,
 * -1 (reclaim nothing this time).
 */
static int fs_live_pids(uint32_t live[FS_LIVE_MAX])
{
    static uint32_t again[FS_LIVE_MAX];
    int n = fs_scan_pids(live);
    for (int t = 0; n >= 0 && t < FS_SCAN_TRIES; t++) {
        int m = fs_scan_pids(again);
        if (m == n && memcmp(again, live, sizeof live[0] * (size_t)n) == 0)
            return n;
        memcpy(live, again, sizeof again);
        n = m;
    }
    return -1;
}

/* fs_close: FS_CLOSE (id); frees an unlinked file's last open. */
static uint32_t fs_close(struct fs_open *o)
{
    struct fs_node *n = o->node;
    o->node = NULL;
    if (--n->opens == 0 && n->unlinked)
        fs_free(n);
    return 0;
}

/* fs_reclaim: closes the ids whose client process has ended (killed
 * with files open: its kernel could not close them).  A client's badge
 * is its pid, and pids are never reused, so a client missing from the
 * list of live processes is gone for good.  Badge 0 is never
 * reclaimed. */
static void fs_reclaim(void)
{
    uint32_t live[FS_LIVE_MAX];
    int n = fs_live_pids(live);
    for (int i = 0; n >= 0 && i < FS_OPEN_MAX; i++) {
        struct fs_open *o = &fs_opens[i];
        bool alive = o->badge == 0;
        for (int j = 0; j < n && !alive; j++)
            alive = live[j] == o->badge;
        if (o->node && !alive)
            fs_close(o);
    }
}

/* fs_slot_for_open: a free entry's index for client badge, reclaiming
 * dead clients' ids when none is free; -1 if there is still none
 * (ENFILE), -2 if the client holds FS_CLIENT_MAX already (EMFILE). */
static int fs_slot_for_open(uint32_t badge)
{
    int i;
    if (badge != 0 && fs_held(badge) >= FS_CLIENT_MAX)
        return -2;
    if ((i = fs_free_slot()) < 0) {
        fs_reclaim();
        i = fs_free_slot();
    }
    return i;
}

/* fs_path: the request's buffer as a NUL-terminated path in out
 * (FS_PATH_MAX + 1 bytes).  0, EINVAL (none or a NUL in it) or
 * ENAMETOOLONG. */
static uint32_t fs_path(const wisp_in *in, char *out)
{
    if (in->len > FS_PATH_MAX || in->copied != in->len)
        return FS_ENAMETOOLONG;
    memcpy(out, (const char *)(uintptr_t)in->buf, in->copied);
    out[in->copied] = '\0';
    return in->len == 0 || strlen(out) != in->len ? WISP_EINVAL : 0;
}

/* fs_check_open: may node n be opened with flags?  0 or the errno. */
static uint32_t fs_check_open(const struct fs_node *n, uint32_t flags)
{
    bool wr = flags & (FS_O_WRITE | FS_O_TRUNC);
    if ((flags & FS_O_DIRECTORY) && n->type != FS_TYPE_DIR)
        return WISP_ENOTDIR;
    if (wr && n->type == FS_TYPE_DIR)
        return WISP_EISDIR;
    if (wr && n->ro)
        return WISP_EROFS;
    return 0;
}

/*
 * fs_open: FS_OPEN (path, flags) for client badge.  Creates a /tmp file
 * for FS_O_CREAT.  Returns the reply: id, type, size; or ENOENT,
 * EEXIST, ENOTDIR, EISDIR, EROFS, ENFILE, EMFILE, ENOSPC, EINVAL,
 * ENAMETOOLONG.
 */
static wisp_msg fs_open(char *path, uint32_t flags, uint32_t badge)
{
    struct fs_node *n = NULL, *dir = NULL;
    char *leaf;
    int i = fs_slot_for_open(badge);
    uint32_t err = i == -2 ? WISP_EMFILE : i < 0 ? WISP_ENFILE
                 : fs_walk(path, &n, &dir, &leaf);
    if (err == WISP_ENOENT && dir && (flags & FS_O_CREAT)) {
        if (dir->ro || (flags & FS_O_DIRECTORY))
            err = dir->ro ? WISP_EROFS : WISP_EINVAL;
        else
            err = fs_new(dir, leaf, FS_TYPE_FILE, &n);
    } else if (!err && (flags & FS_O_CREAT) && (flags & FS_O_EXCL)) {
        err = WISP_EEXIST;
    }
    if (!err)
        err = fs_check_open(n, flags);
    if (!err && (flags & FS_O_TRUNC))
        fs_resize(n, 0);
    if (err)
        return svc_reply_msg(err, 0, 0, 0, 0);
    fs_opens[i].node = n;
    fs_opens[i].flags = flags;
    fs_opens[i].badge = badge;
    fs_opens[i].gen++;
    n->opens++;
    return svc_reply_msg(0, 3, fs_id(i), n->type, n->size);
}

/* ---- data ---------------------------------------------------------------- */

/*
 * fs_read: FS_READ of o's file: at most want bytes (and at most
 * FS_IO_MAX) from offset off, copied into fs_io.  Returns the reply:
 * label 0, words[0] = how many bytes, the buffer = those bytes; fewer
 * than asked only at the end of the file, and 0 at or past it.  An
 * initrd file is read with wisp_initrd_read (a failure is EINVAL), a
 * /tmp file from its data.  EISDIR for a directory.
 */
static wisp_msg fs_read(struct fs_open *o, uint32_t off, uint32_t want)
{
    // LAB 7 BEGIN fs_read
    struct fs_node *n = o->node;
    uint32_t got = 0;
    if (n->type == FS_TYPE_DIR)
        return svc_reply_msg(WISP_EISDIR, 0, 0, 0, 0);
    if (want > FS_IO_MAX)
        want = FS_IO_MAX;
    if (off < n->size)
        got = n->size - off < want ? n->size - off : want;
    if (got && n->ro && wisp_initrd_read(n->initrd, off, fs_io, got, &got))
        return svc_reply_msg(WISP_EINVAL, 0, 0, 0, 0);
    if (got && !n->ro)
        memcpy(fs_io, n->data + off, got);
    wisp_msg m = svc_reply_msg(0, 1, got, 0, 0);
    m.buf = SVC_PTR(fs_io);
    m.len = got;
    return m;
    // LAB 7 BUG read_past_the_end
    // struct fs_node *n = o->node;
    // uint32_t got = 0;
    // if (n->type == FS_TYPE_DIR)
    //     return svc_reply_msg(WISP_EISDIR, 0, 0, 0, 0);
    // if (want > FS_IO_MAX)
    //     want = FS_IO_MAX;
    // if (off < n->size)
    //     got = want;
    // if (got && n->ro && wisp_initrd_read(n->initrd, off, fs_io, got, &got))
    //     return svc_reply_msg(WISP_EINVAL, 0, 0, 0, 0);
    // if (got && !n->ro)
    //     memcpy(fs_io, n->data + off, got);
    // wisp_msg m = svc_reply_msg(0, 1, got, 0, 0);
    // m.buf = SVC_PTR(fs_io);
    // m.len = got;
    // return m;
    // LAB 7 STUB reads nothing, so every file reads as empty (its size is right)
    // LAB_TODO(7, "fs_read");
    // (void)o, (void)off, (void)want;
    // return svc_reply_msg(0, 1, 0, 0, 0);
    // LAB 7 END
}

/*
 * fs_write: FS_WRITE of the len bytes received into fs_io to o's file at
 * offset off (0xffffffff: at its end, to append).  A write past the
 * end extends the file (fs_resize), and a gap before off reads as
 * zeros.  Returns the reply: words[0] = bytes written (all len),
 * words[1] = the file's new size; or EBADF (not open with FS_O_WRITE,
 * or read-only), EISDIR, ENOSPC (no room: /tmp holds at most
 * FS_TMP_BYTES_MAX bytes; nothing is written).
 */
static wisp_msg fs_write(struct fs_open *o, uint32_t off, uint32_t len)
{
    // LAB 7 BEGIN fs_write
    struct fs_node *n = o->node;
    uint32_t err = 0;
    if (n->type == FS_TYPE_DIR)
        err = WISP_EISDIR;
    else if (!(o->flags & FS_O_WRITE) || n->ro)
        err = WISP_EBADF;
    if (off == 0xffffffffu)
        off = n->size;
    if (!err && len > 0 && (off > FS_TMP_BYTES_MAX || len > FS_TMP_BYTES_MAX))
        err = WISP_ENOSPC;
    if (!err && off + len > n->size)
        err = fs_resize(n, off + len);
    if (err)
        return svc_reply_msg(err, 0, 0, 0, 0);
    memcpy(n->data + off, fs_io, len);
    return svc_reply_msg(0, 2, len, n->size, 0);
    // LAB 7 BUG write_no_extend
    // struct fs_node *n = o->node;
    // uint32_t err = 0;
    // if (n->type == FS_TYPE_DIR)
    //     err = WISP_EISDIR;
    // else if (!(o->flags & FS_O_WRITE) || n->ro)
    //     err = WISP_EBADF;
    // if (off == 0xffffffffu)
    //     off = n->size;
    // if (!err && len > 0 && (off > FS_TMP_BYTES_MAX || len > FS_TMP_BYTES_MAX))
    //     err = WISP_ENOSPC;
    // if (!err && off + len > n->cap)
    //     err = fs_resize(n, off + len);
    // if (err)
    //     return svc_reply_msg(err, 0, 0, 0, 0);
    // memcpy(n->data + off, fs_io, len);
    // return svc_reply_msg(0, 2, len, n->size, 0);
    // LAB 7 STUB writes nothing and answers ENOSYS, so a file in /tmp can be made but gets no bytes ("Function not implemented")
    // LAB_TODO(7, "fs_write");
    // (void)o, (void)off, (void)len;
    // return svc_reply_msg(WISP_ENOSYS, 0, 0, 0, 0);
    // LAB 7 END
}

/* fs_truncate: FS_TRUNCATE of o's file to size.  0, EBADF, EISDIR,
 * ENOSPC. */
static uint32_t fs_truncate(struct fs_open *o, uint32_t size)
{
    if (o->node->type == FS_TYPE_DIR)
        return WISP_EISDIR;
    if (!(o->flags & FS_O_WRITE) || o->node->ro)
        return WISP_EBADF;
    return size > FS_TMP_BYTES_MAX ? WISP_ENOSPC : fs_resize(o->node, size);
}

/* fs_stat: a node's type, size and inode, as FS_STAT replies. */
static wisp_msg fs_stat(const struct fs_node *n)
{
    return svc_reply_msg(0, 3, n->type, n->size, n->ino);
}

/*
 * fs_readdir: FS_READDIR entry i of o's directory: its name in the
 * buffer, words 1 (an entry), type, inode; or words[0] = 0 past the
 * last.  ENOTDIR for a file.
 */
static wisp_msg fs_readdir(struct fs_open *o, uint32_t i)
{
    struct fs_node *c;
    if (o->node->type != FS_TYPE_DIR)
        return svc_reply_msg(WISP_ENOTDIR, 0, 0, 0, 0);
    for (c = o->node->child; c && i > 0; c = c->next)
        i--;
    if (!c)
        return svc_reply_msg(0, 1, 0, 0, 0);
    wisp_msg m = svc_reply_msg(0, 3, 1, c->type, c->ino);
    m.buf = SVC_PTR(c->name);
    m.len = (uint32_t)strlen(c->name);
    return m;
}

/* ---- requests by path ---------------------------------------------------- */

/* fs_remove_node: takes /tmp node n out of its directory, and frees it
 * now if no id names it, else at its last close (fs_close). */
static void fs_remove_node(struct fs_node *n)
{
    fs_unlink_node(n);
    if (n->opens == 0)
        fs_free(n);
    else
        n->unlinked = true;
}

/* fs_unlink: FS_UNLINK of a /tmp file.  0, ENOENT, EISDIR, EROFS. */
static uint32_t fs_unlink(char *path)
{
    struct fs_node *n, *dir;
    char *leaf;
    uint32_t err = fs_walk(path, &n, &dir, &leaf);
    if (err)
        return err;
    if (n->type == FS_TYPE_DIR)
        return WISP_EISDIR;
    if (n->ro)
        return WISP_EROFS;
    fs_remove_node(n);
    return 0;
}

/* fs_rmdir: FS_RMDIR of an empty directory in /tmp (not /tmp itself:
 * that would change the read-only root).  An open one is freed by its
 * last close, as an unlinked file is.  0, ENOENT, ENOTDIR, ENOTEMPTY,
 * EROFS. */
static uint32_t fs_rmdir(char *path)
{
    struct fs_node *n, *dir;
    char *leaf;
    uint32_t err = fs_walk(path, &n, &dir, &leaf);
    if (err)
        return err;
    if (n->type != FS_TYPE_DIR)
        return WISP_ENOTDIR;
    if (n->ro || n == fs_tmp)
        return WISP_EROFS;
    if (n->child)
        return WISP_ENOTEMPTY;
    fs_remove_node(n);
    return 0;
}

/* fs_mkdir: FS_MKDIR of a new directory in /tmp.  0, EEXIST, ENOENT,
 * ENOTDIR, EROFS, ENOSPC, ENAMETOOLONG. */
static uint32_t fs_mkdir(char *path)
{
    struct fs_node *n, *dir;
    char *leaf;
    uint32_t err = fs_walk(path, &n, &dir, &leaf);
    if (err == 0)
        return WISP_EEXIST;
    if (err != WISP_ENOENT || !dir)
        return err;
    return dir->ro ? WISP_EROFS : fs_new(dir, leaf, FS_TYPE_DIR, &n);
}

/* fs_by_path: the requests naming a path (FS_OPEN, FS_PATH_STAT,
 * FS_UNLINK, FS_MKDIR, FS_RMDIR): the reply. */
static wisp_msg fs_by_path(const wisp_in *in)
{
    char path[FS_PATH_MAX + 1];
    struct fs_node *n, *dir;
    char *leaf;
    uint32_t err = fs_path(in, path);
    if (!err && in->label == FS_OPEN)
        return in->nwords < 1 ? svc_reply_msg(WISP_EINVAL, 0, 0, 0, 0)
                              : fs_open(path, in->words[0], in->badge);
    if (!err && in->label == FS_PATH_STAT &&
        (err = fs_walk(path, &n, &dir, &leaf)) == 0)
        return fs_stat(n);
    if (!err && in->label == FS_UNLINK)
        err = fs_unlink(path);
    if (!err && in->label == FS_MKDIR)
        err = fs_mkdir(path);
    if (!err && in->label == FS_RMDIR)
        err = fs_rmdir(path);
    return svc_reply_msg(err, 0, 0, 0, 0);
}

/* fs_by_id: the requests naming an open id in words[0]: the reply.
 * EBADF for an id that is not open or not the sender's; EINVAL for
 * missing words. */
static wisp_msg fs_by_id(const wisp_in *in)
{
    static const uint32_t words_needed[] = {
        [FS_READ] = 2, [FS_WRITE] = 2, [FS_CLOSE] = 1, [FS_STAT] = 1,
        [FS_READDIR] = 2, [FS_TRUNCATE] = 2,
    };
    const uint32_t *w = in->words;
    struct fs_open *o = fs_get(w[0], in->badge);
    if (in->nwords < words_needed[in->label])
        return svc_reply_msg(WISP_EINVAL, 0, 0, 0, 0);
    if (!o)
        return svc_reply_msg(WISP_EBADF, 0, 0, 0, 0);
    switch (in->label) {
    case FS_READ: return fs_read(o, w[1], in->nwords > 2 ? w[2] : FS_IO_MAX);
    case FS_WRITE: return fs_write(o, w[1], in->copied);
    case FS_CLOSE: return svc_reply_msg(fs_close(o), 0, 0, 0, 0);
    case FS_STAT: return fs_stat(o->node);
    case FS_READDIR: return fs_readdir(o, w[1]);
    default: return svc_reply_msg(fs_truncate(o, w[1]), 0, 0, 0, 0);
    }
}

/* fs_handle: one received message (svc_handler): granted handles are
 * closed, unknown labels are EINVAL. */
static bool fs_handle(const wisp_in *in, wisp_msg *out)
{
    svc_drop_handles(in, 0);
    switch (in->label) {
    case FS_OPEN: case FS_PATH_STAT: case FS_UNLINK: case FS_MKDIR:
    case FS_RMDIR:
        *out = fs_by_path(in);
        break;
    case FS_READ: case FS_WRITE: case FS_CLOSE: case FS_STAT:
    case FS_READDIR: case FS_TRUNCATE:
        *out = fs_by_id(in);
        break;
    default:
        *out = svc_reply_msg(WISP_EINVAL, 0, 0, 0, 0);
    }
    return true;
}

/* main: build the tree, register "fs", serve forever.  Ends only if
 * its endpoint cannot be received from (init restarts it). */
int main(void)
{
    fs_init();
    return svc_run("fs", fs_io, sizeof fs_io, fs_handle);
}
