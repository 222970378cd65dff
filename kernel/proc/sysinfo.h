/*
 * sysinfo.h: process management and system inspection for programs
 * (sysinfo.c: wisp.kill, watch, proc_info, mem_info, ipc_info), and the
 * console device (consdev.c: init=NAME, cons_read, cons_write, monitor).
 */
#ifndef WISP_SYSINFO_H
#define WISP_SYSINFO_H

#include "proc/hostcall.h"

/* sysinfo_proc_end: process pid has ended, its IPC dead and its slot in
 * the table free: signal the watches on it, drop those it asked for,
 * and give the serial line back to the monitor if it was init. */
void sysinfo_proc_end(int pid);

/* consdev_start: with init=NAME on the kernel command line, start NAME
 * with the console device in its slot 0 and hand it the serial line;
 * without, do nothing (the monitor keeps the line).  kmain calls it
 * once, after proc_init. */
void consdev_start(void);
/* consdev_proc_end: (for sysinfo_proc_end) if pid is init, the monitor
 * takes the serial line back. */
void consdev_proc_end(int pid);
/* consdev_exit_cmd: the monitor's `exit`: give the line back to the
 * console service. */
void consdev_exit_cmd(int argc, char **argv);

/* The console device's two steps, shared by consdev.c and the IPC
 * oracle's test kernel (kernel/proc/oracle.c), which checks them against
 * the model (spec/ipc/model.py: op_kdev, op_kinput). */
struct ipc_obj;
struct ipc_proc;
#define CONSDEV_INPUT 1u            /* the bits input signals */
/* consdev_make: a new console device for `to`: a notification the
 * kernel holds with s alone (*dev: a kernel reference, ipc/kref.h), and
 * to's handle on it, with r alone and no badge, in its lowest free slot.
 * Returns the slot; -IPC_EMFILE with to's table full, -IPC_ENOMEM out of
 * memory (nothing made either way).  to must be running. */
int consdev_make(struct ipc_proc *to, struct ipc_obj **dev);
/* consdev_signal: input arrived for device dev: the kernel signals it
 * with CONSDEV_INPUT (its oldest waiter wakes, or the word keeps it). */
void consdev_signal(struct ipc_obj *dev);

/* The host call tables, for hostcall.c. */
extern const struct host_entry sys_entries[];
extern const int sys_nentries;
extern const struct host_entry consdev_entries[];
extern const int consdev_nentries;

#endif
