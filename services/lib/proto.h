/*
 * proto.h: the message protocols of Wisp's system services, shared by
 * the services, their clients and the kernel's WASI layer (which speaks
 * the console and file protocols on a program's behalf).
 *
 * Every request is a call; the reply's label is 0 or a WASI errno
 * (WISP_E* of wisp.h, plus the file errors below), and its words carry
 * the results listed with each request.  spec/services.md states each
 * protocol with its pre/postconditions.
 *
 * The handles a program starts with (spawn's handles, slots 0, 1, 2):
 * the kernel's WASI layer sends stdio to slot 0 and files to slot 1 when
 * they are endpoint send handles; the name server is slot 2.
 */
#ifndef WISP_SERVICES_PROTO_H
#define WISP_SERVICES_PROTO_H

#define WISP_SLOT_CONSOLE 0         /* console endpoint, rights s */
#define WISP_SLOT_FS 1              /* file service endpoint, rights s */
#define WISP_SLOT_NAMES 2           /* name server endpoint, rights s */

/* ---- name server ("names") -------------------------------------------- */

#define NAME_MAX_LEN 31             /* bytes of a service name */
#define NAMES_MAX 16                /* names registered at once */
/* A badge bit init sets on the name-server handles of services it allows
 * to register; clients' handles lack it. */
#define NAMES_MAY_REGISTER 0x40000000u

/* buf = the name; handles[0] = the handle to register (granted, copy).
 * Reply: 0, EACCES (badge lacks NAMES_MAY_REGISTER), EEXIST (taken),
 * ENOSPC (table full), EINVAL (bad name or no handle). */
#define NAMES_REGISTER 1
/* buf = the name.  Reply: 0 with handles[0] = a copy of the registered
 * handle, or ENOENT. */
#define NAMES_LOOKUP 2

/* ---- console ("console") ---------------------------------------------- */

#define CONS_LINE_MAX 256           /* longest input line, with its '\n' */

/* buf = bytes to print.  The console prints whole lines of one sender
 * (badge) at a time: a partial line waits for its end, for a read by the
 * same sender, or for the buffer to fill.  Reply words[0] = bytes taken. */
#define CONS_WRITE 1
/* rbuf = where the line goes.  Waits until the sender's badge is the
 * foreground one and a line is typed.  Reply: buf = the line (with its
 * '\n'), words[0] = its length; 0 for end of input (Ctrl-D). */
#define CONS_READ 2
/* words[0] = the badge whose reads get input from now on; handles[0]
 * (optional) = a notification to signal when Ctrl-C is typed.  Only the
 * unbadged (badge 0) handle's holder, the shell, may send it (EACCES). */
#define CONS_SET_FG 3
/* The console's drivers (services/vga.c, services/kbd.c) hold handles
 * minted with these badges (init's `console-screen`, `console-keys`
 * slots); only they may send CONS_SCREEN and CONS_KEYS (EACCES). */
#define CONS_BADGE_SCREEN 0xfff2u
#define CONS_BADGE_KEYS 0xfff3u
/* words[0] = how many bytes of console output the sender has shown (0
 * at its start); rbuf = where the next ones go.  Waits until there is
 * output past that count, then replies with it: buf = the bytes (the
 * last CONS_SCREEN_KEEP at most: older ones are gone), words[0] = the
 * count after them.  Only one such call waits at a time: an older one
 * is answered EAGAIN. */
#define CONS_SCREEN 5
#define CONS_SCREEN_KEEP 4096
/* buf = bytes typed on another keyboard, taken as if typed on the
 * serial line (the line editor, Ctrl-C, ...).  Reply words[0] = bytes. */
#define CONS_KEYS 6
/* Hand the serial line to the kernel monitor (the console calls
 * wisp_monitor with its device) and answer when the monitor's `exit`
 * gives it back.  Only the unbadged handle may send it (EACCES). */
#define CONS_MONITOR 4

/* ---- file service ("fs"): ramfs ------------------------------------------
 * Paths are absolute ("/hello.wasm", "/tmp/notes").  "/" holds the
 * initrd's files, read-only; "/tmp" is a writable directory in memory.
 * An open file is named by an id the reply gives. */

#define FS_PATH_MAX 128             /* bytes of a path */
#define FS_CLIENT_MAX 16            /* files one badged client may hold */
/* Files open at once, all clients: FS_CLIENT_MAX for each of the 128
 * processes there can be (the kernel's PROC_MAX), so clients within their
 * quotas can never fill it: nobody is denied a file because others came
 * first. */
#define FS_OPEN_MAX (FS_CLIENT_MAX * 128)

/* WASI filetypes, as the replies give them. */
#define FS_TYPE_DIR 3
#define FS_TYPE_FILE 4

/* open flags (words[0]): WASI's oflags, plus FS_O_WRITE */
#define FS_O_CREAT 1
#define FS_O_DIRECTORY 2
#define FS_O_EXCL 4
#define FS_O_TRUNC 8
#define FS_O_WRITE 0x100            /* opened for writing */

/* buf = path, words[0] = flags.  The id belongs to the sender's badge
 * (a program's pid: once it has ended, the service may close the id
 * itself, as a killed program cannot); only that badge may use it.
 * Reply words[0] = id, words[1] = type, words[2] = size.  ENOENT,
 * EEXIST, ENOTDIR, EISDIR, EROFS (writing outside /tmp), ENFILE
 * (FS_OPEN_MAX), EMFILE (the sender holds 16 ids), ENOSPC (out of
 * memory). */
#define FS_OPEN 1
/* words[0] = id, words[1] = offset; rbuf = where to.  Reply: buf = the
 * bytes, words[0] = how many (0 at the end). */
#define FS_READ 2
/* words[0] = id, words[1] = offset (0xffffffff: append); buf = the bytes.
 * Reply words[0] = bytes written, words[1] = the new size. */
#define FS_WRITE 3
/* words[0] = id. */
#define FS_CLOSE 4
/* words[0] = id.  Reply words[0] = type, words[1] = size, words[2] = inode. */
#define FS_STAT 5
/* buf = path.  Reply as FS_STAT. */
#define FS_PATH_STAT 6
/* words[0] = id of a directory, words[1] = entry index.  Reply: buf = the
 * name, words[0] = 1 (an entry) or 0 (past the end), words[1] = type,
 * words[2] = inode. */
#define FS_READDIR 7
/* buf = path (a file in /tmp).  ENOENT, EISDIR, EROFS. */
#define FS_UNLINK 8
/* buf = path (a new directory in /tmp).  EEXIST, ENOENT, EROFS. */
#define FS_MKDIR 9
/* words[0] = id, words[1] = the new size (files in /tmp). */
#define FS_TRUNCATE 10
/* buf = path (an empty directory in /tmp, not /tmp).  ENOENT, ENOTDIR,
 * ENOTEMPTY, EROFS. */
#define FS_RMDIR 11

/* ---- init's control endpoint (the manifest's `control` slot) ----------- */

/* buf = the name of a manifest line.  init restarts it: a running
 * service is killed and started again, one that is not running (retired,
 * or waiting out a back-off) is started now.  Reply: 0, ENOENT (no such
 * line), EINVAL. */
#define INIT_RESTART 1

/* ---- echo ("echo") ---------------------------------------------------------
 * Any label: the reply is the same label, words and buffer (up to 4 KiB). */
#define ECHO_BUF_MAX 4096

#endif
