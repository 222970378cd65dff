/*
 * monitor.c: the kernel monitor.
 *
 * It reads a line from the console (with echo and backspace), splits
 * it into words and runs the command named by the first word.  Commands
 * live in the table mon_cmds[] below: to add one, write a function
 * `static void mon_NAME(int argc, char **argv)` and add a row.  Input is
 * read a byte at a time and fully checked: over-long lines and bytes that
 * are not printable ASCII are reported and the line is dropped, never
 * overflowed or half-run.
 */
#include "monitor.h"

#include <stdbool.h>
#include <stdint.h>

#include "backtrace.h"
#include "console.h"
#include "fmt.h"
#include "kprintf.h"
#include "kstring.h"
#include "labtodo.h"
#include "multiboot.h"
#include "panic.h"
#include "param.h"
#include "schedcheck.h"
#include "proc/proccheck.h"
#include "symbols.h"
#include "ipccmds.h"
#include "threadcmds.h"
#include "arch/x86_64/fault.h"
#include "arch/x86_64/idt.h"
#include "arch/x86_64/memlayout.h"
#include "arch/x86_64/x86.h"
#include "ipc/ipc.h"
#include "mm/kmalloc.h"
#include "mm/mmtest.h"
#include "proc/proccmds.h"
#include "proc/sysinfo.h"

#define PROMPT "monitor> "

static void mon_help(int argc, char **argv);
static void mon_kerninfo(int argc, char **argv);
static void mon_backtrace(int argc, char **argv);
static void mon_mem(int argc, char **argv);
static void mon_echo(int argc, char **argv);
static void mon_panic(int argc, char **argv);
static void mon_halt(int argc, char **argv);
static void mon_reboot(int argc, char **argv);

// book: commands
static const struct mon_cmd mon_cmds[] = {
    { "help", "", "list the commands", mon_help },
    { "kerninfo", "", "kernel sections, their addresses and sizes",
      mon_kerninfo },
    { "backtrace", "", "print the calls that led here", mon_backtrace },
    { "mem", "", "the memory map, frames and heap", mon_mem },
    { "heapfill", "", "kmalloc until it fails (test path)", mm_heapfill_cmd },
    { "heapfree", "", "free what heapfill took", mm_heapfree_cmd },
    { "vmtest", "", "self-test of regions and kernel stacks", mm_vmtest_cmd },
    { "memgrow", "", "grow and shrink a linear memory: frames before, after",
      mm_memgrow_cmd },
    { "echo", "[words...]", "print the words", mon_echo },
    { "panic", "[message]", "panic the kernel (test path)", mon_panic },
    { "fault", "<kind>", "raise a CPU exception (test path; `fault` lists)",
      fault_cmd },
    { "uptime", "", "time since boot, in ms and timer ticks", tcmd_uptime },
    { "irqstat", "[spurious]", "interrupts per IRQ, spurious ones, input",
      tcmd_irqstat },
    { "threads", "", "every kernel thread, its state and CPU ticks",
      tcmd_threads },
    { "threadtest", "", "self-test of threads and the scheduler",
      tcmd_threadtest },
    { "spin", "MS", "busy-wait MS ms, interrupts on (test path)", tcmd_spin },
    { "swbench", "N", "N yields between two threads, cycles per switch",
      tcmd_swbench },
    { "churn", "N", "N short threads, joined or detached: memory before, "
      "after", tcmd_churn },
    { "ls", "", "the programs in the initrd, with sizes", pcmd_ls },
    { "run", "NAME [args] [&]", "run a program (& = in the background; "
      "Ctrl-C kills it)", pcmd_run },
    { "ps", "", "processes: pid, name, state, memory, CPU ticks", pcmd_ps },
    { "kill", "PID", "end a process", pcmd_kill },
    { "spawncost", "[N [NAME]]", "spawn NAME (hello) N times: cycles and "
      "bytes per process", pcmd_spawncost },
    { "ipcscript", "FILE...", "run the IPC test scripts of initrd files, "
      "print their traces", icmd_ipcscript },
    { "ipcstat", "", "live endpoints and notifications: handles, queues",
      icmd_ipcstat },
#ifdef SCHED_DEBUG
    { "schedtrace", "[plant]", "the scheduler's trace and every thread's "
      "place (plant: a known bug)", schedcheck_cmd },
#endif
#ifdef PROC_DEBUG
    { "proctrace", "[plant]", "the process trace, table and memory "
      "counters (plant: a known bug)", proccheck_cmd },
#endif
    { "ipcfast", "[on|off]", "the IPC fast path of call and reply_recv "
      "(same results, fewer instructions)", icmd_ipcfast },
    { "exit", "", "give the serial line back to the console service "
      "(init=)", consdev_exit_cmd },
    { "halt", "", "stop the machine (QEMU exits)", mon_halt },
    { "reboot", "", "reset the machine", mon_reboot },
};
// book: commands

#define NCMDS (sizeof mon_cmds / sizeof mon_cmds[0])

/* mon_help: one line per command: name, arguments, description. */
static void mon_help(int argc, char **argv)
{
    (void)argc, (void)argv;
    for (size_t i = 0; i < NCMDS; i++)
        kprintf("  %-10s %-11s %s\n", mon_cmds[i].name, mon_cmds[i].args,
                mon_cmds[i].help);
}

/* section: one kerninfo line for the linker symbols [start, end). */
static void section(const char *name, const char *start, const char *end)
{
    uint64_t s = (uint64_t)start;
    uint64_t pa = s >= KERNBASE ? V2P(s) : s;
    kprintf("  %-7s %p-%p  phys 0x%08lx  %7lu bytes\n", name, (void *)start,
            (void *)end, pa, (uint64_t)(end - start));
}

extern char _boot_start[], _boot_end[], _text_start[], _text_end[];
extern char _rodata_start[], _rodata_end[], _data_start[], _data_end[];
extern char _bss_start[], _bss_end[], _kernel_end[];

/* mon_kerninfo: where each part of the kernel image is, and its size. */
static void mon_kerninfo(int argc, char **argv)
{
    (void)argc, (void)argv;
    kprintf("kernel sections:\n");
    section("boot", _boot_start, _boot_end);
    section("text", _text_start, _text_end);
    section("rodata", _rodata_start, _rodata_end);
    section("data", _data_start, _data_end);
    section("bss", _bss_start, _bss_end);
    uint64_t foot = V2P(_kernel_end) - (uint64_t)_boot_start;
    kprintf("kernel footprint: %lu KiB (physical 0x%lx-0x%lx)\n",
            (foot + 1023) / 1024, (uint64_t)_boot_start, V2P(_kernel_end));
    kprintf("symbols: %zu functions\n", ksym_count);
    kprintf("command line: %s\n", mbinfo.cmdline[0] ? mbinfo.cmdline : "(none)");
    kprintf("boot loader: %s\n", mbinfo.loader);
}

/* mon_backtrace: the chain of calls from kmain to this command. */
static void mon_backtrace(int argc, char **argv)
{
    (void)argc, (void)argv;
    backtrace();
}

/* mon_mem: the multiboot2 memory map, a line per region, and totals. */
static void mon_mem(int argc, char **argv)
{
    (void)argc, (void)argv;
    for (int i = 0; i < mbinfo.nmmap; i++) {
        const struct mb_region *r = &mbinfo.mmap[i];
        kprintf("  0x%016lx-0x%016lx %10lu KiB  %s\n", r->base,
                r->base + r->len - 1, r->len / 1024, mb_type_name(r->type));
    }
    if (mbinfo.mmap_dropped)
        kprintf("  (%d more regions not kept, MB_MMAP_MAX is %d)\n",
                mbinfo.mmap_dropped, MB_MMAP_MAX);
    uint64_t total = mb_usable_bytes();
    kprintf("available: %lu MiB (%lu KiB) in %d regions listed\n",
            total >> 20, total >> 10, mbinfo.nmmap);
    for (int i = 0; i < mbinfo.nmods; i++)
        kprintf("module %d: 0x%lx-0x%lx %s\n", i, mbinfo.mods[i].start,
                mbinfo.mods[i].end, mbinfo.mods[i].cmdline);
    mm_print_stats();
    kprintf("ipc objects: %d live\n", ipc_objs_live());
}

/*
 * join: argv[1..argc) separated by single spaces, into buf (size bytes,
 * always NUL-terminated; the words come from one input line, so a buffer
 * of MON_LINE_MAX + 1 bytes always holds them).
 */
static char *join(char *buf, size_t size, int argc, char **argv)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int i = 1; i < argc && used < size; i++)
        used += fmt_snprintf(buf + used, size - used, i > 1 ? " %s" : "%s",
                             argv[i]);
    return buf;
}

/* mon_echo: print the arguments, like the shell's echo. */
static void mon_echo(int argc, char **argv)
{
    char buf[MON_LINE_MAX + 1];
    kprintf("%s\n", join(buf, sizeof buf, argc, argv));
}

/* mon_panic: panic with the given message (test path for panic()). */
static void mon_panic(int argc, char **argv)
{
    char buf[MON_LINE_MAX + 1];
    panic("%s", argc > 1 ? join(buf, sizeof buf, argc, argv)
                         : "requested from the monitor");
}

/* mon_halt: end the run cleanly (WISP-EXIT: 0). */
static void mon_halt(int argc, char **argv)
{
    (void)argc, (void)argv;
    kprintf("halting\n");
    kexit(0);
}

/*
 * mon_reboot: reset through the keyboard controller (command 0xfe pulses
 * the CPU's reset line); if that does not work, force a triple fault.
 * Under QEMU with -no-reboot, either makes QEMU exit.
 */
static void mon_reboot(int argc, char **argv)
{
    (void)argc, (void)argv;
    kprintf("rebooting\n");
    outb(0x64, 0xfe);
    for (volatile int i = 0; i < 1000000; i++)
        cpu_relax();
    idt_clear();
    __asm__ volatile("int3");
}

/*
 * split: cut line into words, in place: every space becomes a NUL and
 * argv[i] points at the first character of word i.  Words are separated
 * by one or more spaces; spaces before the first word and after the last
 * are ignored, so "  echo   a b " is the three words "echo", "a", "b".
 * Returns the number of words (0 for an empty or all-space line), or -1
 * if there are more than MON_ARGS_MAX (argv has room for MON_ARGS_MAX).
 */
static int split(char *line, char **argv)
{
    // LAB 1 BEGIN split
    int argc = 0;
    char *p = line;
    for (;;) {
        while (*p == ' ')
            *p++ = '\0';
        if (*p == '\0')
            return argc;
        if (argc == MON_ARGS_MAX)
            return -1;
        argv[argc++] = p;
        while (*p && *p != ' ')
            p++;
    }
    // LAB 1 BUG split_empty_words
    // int argc = 0;
    // char *p = line;
    // while (*p == ' ')
    //     p++;
    // if (*p == '\0')
    //     return 0;
    // argv[argc++] = p;
    // for (; *p; p++) {
    //     if (*p != ' ')
    //         continue;
    //     *p = '\0';
    //     if (argc == MON_ARGS_MAX)
    //         return -1;
    //     argv[argc++] = p + 1;
    // }
    // return argc;
    // LAB 1 STUB does not split, so the whole line is one word and only commands without arguments work
    // LAB_TODO(1, "split");
    // while (*line == ' ')
    //     line++;
    // for (char *end = line + strlen(line); end > line && end[-1] == ' '; )
    //     *--end = '\0';
    // argv[0] = line;
    // return *line ? 1 : 0;
    // LAB 1 END
}

/*
 * monitor_exec: run one command line (modified in place).  Returns 0, or
 * -1 when the line named no known command or had too many words.
 */
int monitor_exec(char *line)
{
    char *argv[MON_ARGS_MAX + 1];
    int argc = split(line, argv);
    if (argc < 0) {
        kprintf("too many words (max %d)\n", MON_ARGS_MAX);
        return -1;
    }
    if (argc == 0)
        return 0;
    argv[argc] = NULL;
    for (size_t i = 0; i < NCMDS; i++) {
        if (strcmp(argv[0], mon_cmds[i].name) == 0) {
            mon_cmds[i].fn(argc, argv);
            return 0;
        }
    }
    kprintf("unknown command '%s' (try help)\n", argv[0]);
    return -1;
}

/* The line being typed. */
struct line {
    char buf[MON_LINE_MAX + 1];
    int len;                /* characters in buf */
    int over;               /* printable characters dropped: line too long */
    int bad;                /* non-ASCII/control bytes dropped */
    int first_bad;          /* the first such byte, for the message */
    bool cancelled;         /* ^C */
    bool last_cr;           /* the previous byte was \r (so skip a \n) */
};

/* line_erase: backspace/DEL: forget the last character typed. */
static void line_erase(struct line *l)
{
    if (l->over > 0) {
        l->over--;                  /* a dropped character: nothing shown */
    } else if (l->len > 0) {
        l->len--;
        kprintf("\b \b");           /* back, blank it out, back again */
    }
}

/* line_store: keep and echo a printable character, or count it as
 * overflow once the line is full. */
static void line_store(struct line *l, char c)
{
    if (l->len == MON_LINE_MAX) {
        l->over++;
        return;
    }
    l->buf[l->len++] = c;
    console_putc(c);
}

/*
 * line_key: apply one input byte to l.  Returns true when the line is
 * finished (Enter or ^C).  Enter is \r (what a terminal sends), \n, or
 * \r\n counted once; bytes that are not printable ASCII are counted in
 * l->bad and not stored.
 */
static bool line_key(struct line *l, int c)
{
    bool after_cr = l->last_cr;
    l->last_cr = (c == '\r');
    if (c == '\n' && after_cr)
        return false;               /* the \n of a \r\n pair */
    if (c == '\r' || c == '\n')
        return true;
    if (c == 0x03) {                /* ^C: abandon the line */
        kprintf("^C");
        l->cancelled = true;
        return true;
    }
    if (c == '\b' || c == 0x7f)
        line_erase(l);
    else if (c == '\t' || (c >= 0x20 && c <= 0x7e))
        line_store(l, c == '\t' ? ' ' : (char)c);
    else if (l->bad++ == 0)
        l->first_bad = c;
    return false;
}

/*
 * line_read: show the prompt and read one line into l.  Returns true if
 * l->buf holds a line to run, false (after saying why) if it must be
 * dropped.
 */
static bool line_read(struct line *l)
{
    bool last_cr = l->last_cr;
    *l = (struct line){ .last_cr = last_cr };
    kprintf(PROMPT);
    for (;;) {
        int c = console_getc();     /* sleeps until a byte is typed */
        if (c >= 0 && line_key(l, c))
            break;
    }
    kprintf("\n");
    l->buf[l->len] = '\0';
    if (l->cancelled)
        return false;
    if (l->bad) {
        kprintf("line ignored: %d non-ASCII or control byte(s), first 0x%02x"
                " (only printable ASCII is accepted)\n", l->bad, l->first_bad);
        return false;
    }
    if (l->over) {
        kprintf("line too long (max %d), ignored\n", MON_LINE_MAX);
        return false;
    }
    return true;
}

/* monitor_run: the read-eval loop.  Never returns.  Booted with init=,
 * it waits while the console service owns the serial line, and greets
 * whenever it is given the line (console.h). */
void monitor_run(void)
{
    static struct line l;
    bool greet = true;
    for (;;) {
        if (console_monitor_turn() || greet)
            kprintf("Type 'help' for a list of commands.\n");
        greet = false;
        if (line_read(&l))
            monitor_exec(l.buf);
    }
}
