/*
 * backtrace.h: walk the chain of saved frame pointers and print each
 * return address with its function name, e.g.
 *     #0 0xffffffff80101234 monitor_run+0x2a
 */
#ifndef WISP_BACKTRACE_H
#define WISP_BACKTRACE_H

#include <stdint.h>

void bt_print_frame(int depth, uint64_t addr, int is_return);
void bt_print_from(uint64_t rip, uint64_t rbp);
void backtrace(void);

#endif
