/*
 * proccmds.h: monitor commands for processes (rows of monitor.c's table;
 * each is `void f(int argc, char **argv)`).
 */
#ifndef WISP_PROCCMDS_H
#define WISP_PROCCMDS_H

void pcmd_ps(int argc, char **argv);        /* ps */
void pcmd_run(int argc, char **argv);       /* run NAME [args...] [&] */
void pcmd_kill(int argc, char **argv);      /* kill PID */
void pcmd_ls(int argc, char **argv);        /* ls */
void pcmd_spawncost(int argc, char **argv); /* spawncost [N [NAME]] */

#endif
