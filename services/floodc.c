/*
 * floodc ID M: one client of flood.c.  Slot 0 is a send handle to the
 * server; makes M calls with words (ID, seq, ticks) and checks each reply
 * is (ID, seq, ID*1000+seq).  ticks (sent from seq 1 on) is its CPU time
 * in timer ticks when its first call returned, which tells the server
 * whether it can have been preempted before that call.  It prints
 * nothing: with an endpoint send handle in slot 0 its stdout would be a
 * console call to that slot (WASI over IPC, kernel/proc/wasifs.h), i.e.
 * to the server; a bad reply is its exit code, 1.
 */
#include <stdlib.h>
#include <wasi/api.h>

#include "wisp.h"

#define FLOODC_EP 0
#define NS_PER_TICK 10000000ull     /* the kernel timer's 100 Hz */

/* cpu_ticks: the timer ticks this process has run (if the clock fails,
 * a count the server treats as "may have been preempted"). */
static uint32_t cpu_ticks(void)
{
    __wasi_timestamp_t t = 0;
    if (__wasi_clock_time_get(__WASI_CLOCKID_PROCESS_CPUTIME_ID, 1, &t))
        return UINT32_MAX;
    return (uint32_t)(t / NS_PER_TICK);
}

int main(int argc, char **argv)
{
    uint32_t id = argc > 1 ? (uint32_t)atoi(argv[1]) : 0, ticks = 0;
    int m = argc > 2 ? atoi(argv[2]) : 10;
    for (int seq = 0; seq < m; seq++) {
        uint32_t w[3] = { id, (uint32_t)seq, ticks };
        wisp_msg msg = wisp_msg_words(0, 3, w);
        wisp_in in = { .cap = 0 };
        int32_t r = wisp_call(FLOODC_EP, &msg, &in);
        if (seq == 0)
            ticks = cpu_ticks();
        if (r != 0 || in.nwords != 3 || in.words[0] != id ||
            in.words[1] != (uint32_t)seq || in.words[2] != id * 1000 + seq)
            return 1;
    }
    return 0;
}
