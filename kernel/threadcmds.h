/*
 * threadcmds.h: monitor commands for interrupts, the timer and threads
 * (rows of monitor.c's table; each is `void f(int argc, char **argv)`).
 */
#ifndef WISP_THREADCMDS_H
#define WISP_THREADCMDS_H

void tcmd_uptime(int argc, char **argv);     /* uptime */
void tcmd_irqstat(int argc, char **argv);    /* irqstat [spurious] */
void tcmd_threads(int argc, char **argv);    /* threads */
void tcmd_threadtest(int argc, char **argv); /* threadtest */
void tcmd_spin(int argc, char **argv);       /* spin MS */
void tcmd_swbench(int argc, char **argv);    /* swbench N */
void tcmd_churn(int argc, char **argv);      /* churn N */

#endif
