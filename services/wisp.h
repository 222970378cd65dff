/*
 * wisp.h: Wisp's own host calls (import module "wisp") for programs in
 * services/.  spec/abi.md gives each call's pre- and postconditions.
 */
#ifndef WISP_SERVICES_WISP_H
#define WISP_SERVICES_WISP_H

#include <stdint.h>

#define WISP_IMPORT(name) \
    __attribute__((import_module("wisp"), import_name(name)))

/* Blocks the calling process for at least ms milliseconds (kernel timer
 * ticks); returns 0.  A kill ends the process during the sleep. */
WISP_IMPORT("sleep_ms") int32_t wisp_sleep_ms(uint32_t ms);

/* The calling process's pid (1, 2, ...). */
WISP_IMPORT("getpid") int32_t wisp_getpid(void);

/* Gives the CPU to the next runnable thread; returns 0. */
WISP_IMPORT("yield") int32_t wisp_yield(void);

#endif
