/*
 * kprintf.c: the console.  Formatting is fmt.c's job; this file only
 * decides where characters go (COM1) and turns "\n" into "\r\n", which a
 * terminal needs to return the cursor to the start of the line.
 */
#include "kprintf.h"

#include <stdbool.h>

#include "fmt.h"
#include "kstring.h"
#include "labtodo.h"
#include "param.h"
#include "serial.h"

/* LAB-TODO lines waiting for the current line to end (lab_todo_say). */
static struct {
    int lab;
    const char *name;
} todo_waiting[LAB_TODO_WAIT_MAX];
static int todo_nwaiting;
/* The holes whose LAB-TODO line was printed or is waiting (lab_todo_say). */
static struct {
    int lab;
    const char *name;
} todo_said[LAB_TODO_SAID_MAX];
static int todo_nsaid;
static bool console_mid_line;   /* characters printed since the last \n */

static void todo_print_waiting(void);

/*
 * console_putc: write one character to the console, \n as \r\n; after
 * a \n, print the LAB-TODO lines that were waiting for it.
 */
void console_putc(char c)
{
    if (c == '\n')
        serial_putc('\r');
    serial_putc(c);
    console_mid_line = c != '\n';
    if (c == '\n' && todo_nwaiting > 0)
        todo_print_waiting();
}

/* console_sink: fmt_vformat's sink for the console (arg unused). */
static void console_sink(void *arg, char c)
{
    (void)arg;
    console_putc(c);
}

/* kvprintf: kprintf with a va_list.  Returns the characters printed. */
int kvprintf(const char *fmt, va_list ap)
{
    return fmt_vformat(console_sink, 0, fmt, ap);
}

/*
 * kprintf: print to the console; the conversions are listed in fmt.h.
 * Safe to call from any context (polled output, no locks yet).
 */
int kprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = kvprintf(fmt, ap);
    va_end(ap);
    return n;
}

/* todo_print_waiting: print the waiting LAB-TODO lines, oldest first. */
static void todo_print_waiting(void)
{
    int n = todo_nwaiting;
    todo_nwaiting = 0;
    for (int i = 0; i < n; i++)
        kprintf("LAB-TODO: lab %d: %s is not written yet\n",
                todo_waiting[i].lab, todo_waiting[i].name);
}

/* todo_first: whether hole `name` of lab `lab` is said for the first
 * time, and if so, note it (while there is room: then a repeat is
 * possible, never a line lost).  A stub in a header's inline function
 * (host_range's) is one stub per file that runs it, each with its own
 * LAB_TODO flag: this makes them say it once between them. */
static bool todo_first(int lab, const char *name)
{
    for (int i = 0; i < todo_nsaid; i++)
        if (todo_said[i].lab == lab && strcmp(todo_said[i].name, name) == 0)
            return false;
    if (todo_nsaid < LAB_TODO_SAID_MAX) {
        todo_said[todo_nsaid].lab = lab;
        todo_said[todo_nsaid].name = name;
        todo_nsaid++;
    }
    return true;
}

/*
 * lab_todo_say: the kernel's LAB-TODO line (labtodo.h), printed by a lab
 * hole's stub the first time it runs, once per hole (todo_first).  It
 * always gets a line of its own, so it never splits a line the harness
 * or a user is reading: in the middle of a line it waits for that
 * line's \n (up to LAB_TODO_WAIT_MAX lines wait; more are printed at
 * once).
 */
void lab_todo_say(int lab, const char *name)
{
    if (!todo_first(lab, name))
        return;
    if (console_mid_line && todo_nwaiting < LAB_TODO_WAIT_MAX) {
        todo_waiting[todo_nwaiting].lab = lab;
        todo_waiting[todo_nwaiting].name = name;
        todo_nwaiting++;
        return;
    }
    kprintf("%sLAB-TODO: lab %d: %s is not written yet\n",
            console_mid_line ? "\n" : "", lab, name);
}
