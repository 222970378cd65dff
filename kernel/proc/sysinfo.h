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

/* The host call tables, for hostcall.c. */
extern const struct host_entry sys_entries[];
extern const int sys_nentries;
extern const struct host_entry consdev_entries[];
extern const int consdev_nentries;

#endif
