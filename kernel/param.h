/*
 * param.h: every fixed limit of the kernel, in one place.
 *
 * Each limit is a compile-time constant so that no kernel structure needs
 * dynamic allocation before the memory manager exists.  Change a value here
 * and everything that depends on it follows.
 */
#ifndef WISP_PARAM_H
#define WISP_PARAM_H

/* Bytes of the boot stack kmain runs on (kernel/main.c). */
#define KSTACK_SIZE 16384

/* Bytes of the separate stack the double-fault handler runs on (IST1): it
 * must work even when the fault happened because the normal stack broke. */
#define IST_STACK_SIZE 8192

/* Most return addresses a backtrace prints before it gives up; protects
 * against a corrupted frame-pointer chain that loops. */
#define BT_DEPTH_MAX 32

/* LAB-TODO lines (kernel/labtodo.h) that may wait for the end of the
 * console line being printed; a stub that runs mid-line must not split a
 * line the harness is reading.  There are a few dozen holes in all. */
#define LAB_TODO_WAIT_MAX 8

/* Holes whose LAB-TODO line the kernel remembers having printed, so
 * that a stub inlined into several files (one in a header) says so
 * once: more than there are holes in the kernel. */
#define LAB_TODO_SAID_MAX 64

/* Longest monitor input line, in characters (not counting the NUL). */
#define MON_LINE_MAX 127

/* Most words (command + arguments) on one monitor line. */
#define MON_ARGS_MAX 16

/* Most memory-map entries kept from the multiboot2 information. */
#define MB_MMAP_MAX 64

/* Most boot modules (GRUB `module2` lines) recorded. */
#define MB_MODS_MAX 16

/* Longest kernel or module command line kept (including the NUL). */
#define MB_CMDLINE_MAX 256

/* ---- interrupts, timer, threads (THREADS) ---- */

/* Timer interrupts per second (the PIT, IRQ 0): the tick is the unit of
 * sleep_ms, time slices and CPU accounting; 100 Hz = 10 ms per tick. */
#define TIMER_HZ 100

/* Ticks a thread runs Wasm code before it is preempted at the next safe
 * point when another thread is runnable (5 ticks = 50 ms). */
#define SCHED_SLICE_TICKS 5

/* Bytes of each thread's kernel stack (an unmapped guard page lies below
 * it, so an overflow faults).  The interpreter and host calls run on it;
 * the engine keeps Wasm frames and values in its own memory, and its
 * deepest C frames (the loop, then a host call with its arguments on the
 * C stack) take under 1 KiB, so 8 KiB leaves a wide margin while keeping
 * a process's kernel memory small (the aim is 16 KiB). */
#define THREAD_STACK_SIZE 8192

/* SCHED_DEBUG kernels only (kernel/schedcheck.c): scheduler events kept
 * between two `schedtrace` dumps (24 bytes each; more are counted as
 * lost, and the trace can no longer be replayed), and most threads in
 * one dump's state. */
#define SCHEDTRACE_EVENTS 16384
#define SCHEDTRACE_THREADS 256

/* PROC_DEBUG kernels only (kernel/proc/proccheck.c): process events kept
 * between two `proctrace` dumps (12 bytes each; more are lost). */
#define PROCTRACE_EVENTS 8192

/* Longest thread name kept, including the NUL. */
#define THREAD_NAME_MAX 24

/* Bytes of typed input the serial interrupt buffers for console_getc;
 * beyond that, input is dropped (and counted) until a thread reads. */
#define CONSOLE_RXBUF 1024

/* ---- memory (kernel/mm/) ---- */

/* Most kernel stacks + regions alive at once (each process needs two);
 * the table of areas is static (kernel/mm/varea.c), 16 bytes an entry. */
#define VAREA_MAX 1024

/* Largest block `heapfill` (the monitor's heap-exhaustion test) asks for;
 * it halves the size on each failure, down to 8 bytes. */
#define HEAPFILL_CHUNK (1024 * 1024)

/* Times `memgrow` (the monitor's linear-memory workload) reserves,
 * grows, shrinks and releases a region of PROC_MEM_MAX_PAGES Wasm pages
 * before it compares the frames in use with the count it started with. */
#define MEMGROW_ROUNDS 3

/* ---- processes (PROCESSES: kernel/proc/) ---- */

/* Most processes alive at once (the process table's size): enough for
 * the IPC flood demo (100 clients and their server).  Each takes two
 * VAREA_MAX entries (its thread's stack, its memory's region) and, for a
 * small C program, about 170 KiB of frames and heap. */
#define PROC_MAX 128

/* Process-table slots only init (the first process, which the kernel
 * starts) may take: whatever the other programs spawn, init can always
 * start a service again.  Sized for init's restarts in flight: a
 * service, its helper and init's own timer and control helpers. */
#define PROC_RESERVED 8

/* Longest program name kept, including the NUL (= the initrd's name
 * field, INITRD_NAME_MAX). */
#define PROC_NAME_MAX 40

/* Largest linear memory of one process, in 64 KiB Wasm pages (16 MiB):
 * the virtual region reserved at spawn; memory.grow past it returns -1. */
#define PROC_MEM_MAX_PAGES 256

/* The engine's value stack per process at most, in 8-byte slots: the
 * locals and operands of every active Wasm call (4 KiB).  It starts at
 * 1 KiB and doubles as calls need (interp/exec.c, wl_exec_grow).
 * wasi-libc's printf path, the deepest common one, is under 10 calls
 * whose largest frame (printf_core) has 42 locals.  Running out traps
 * "call stack exhausted". */
#define PROC_VALUE_SLOTS 512

/* Deepest Wasm call nesting per process (24 bytes a frame; the call
 * stack starts at 16 frames and doubles as calls need). */
#define PROC_CALL_DEPTH 256

/* Most elements of any table a process creates or grows. */
#define PROC_TABLE_MAX 65536

/* Bytes of arguments (the strings with their NULs) a process is given. */
#define PROC_ARGS_MAX 256

/* Most iovecs in one fd_write. */
#define PROC_IOVS_MAX 64

/* Bytes a host call moves (prints, fills) between two checks for a kill
 * and for the end of its time slice (host_pause): one fd_write may name
 * a gigabyte, and kernel C is not preempted.  1 KiB is about 90 ms of a
 * real 115200-baud line. */
#define HOST_CHUNK 1024

/* Watches (wisp.watch) one process may have pending at once; past it,
 * watch returns ENOSPC.  Each is a small kernel block, freed when the
 * watched process or the watcher ends. */
#define PROC_WATCHES_MAX 32

/* File descriptors of WASI over IPC a process may have from fd 3 (the
 * preopened directory "/") on (kernel/proc/wasifs.h); past it,
 * path_open returns EMFILE. */
#define WASIFS_FDS 16

/* Most files in the initrd, and the bytes of a name field including the
 * NUL (services/mkinitrd.py writes the same numbers). */
#define INITRD_FILES_MAX 64
#define INITRD_NAME_MAX 40

#endif
