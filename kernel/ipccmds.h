/*
 * ipccmds.h: monitor commands for IPC (rows of monitor.c's table; each
 * is `void f(int argc, char **argv)`).
 */
#ifndef WISP_IPCCMDS_H
#define WISP_IPCCMDS_H

void icmd_ipcscript(int argc, char **argv); /* ipcscript FILE... */
void icmd_ipcstat(int argc, char **argv);   /* ipcstat */
void icmd_ipcfast(int argc, char **argv);   /* ipcfast [on|off] */

#endif
