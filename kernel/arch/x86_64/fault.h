/*
 * fault.h: deliberately raise CPU exceptions (the monitor's `fault`
 * command), to test the exception path and the test harness.
 */
#ifndef WISP_FAULT_H
#define WISP_FAULT_H

void fault_cmd(int argc, char **argv);

#endif
