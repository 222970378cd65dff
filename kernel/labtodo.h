/*
 * labtodo.h: how an unwritten lab hole says so.
 *
 * In the student tree each lab hole holds a stub that keeps the system
 * running in a degraded way (no names in backtraces, no padding, ...) and
 * announces itself once:
 *
 *     LAB-TODO: lab 1: sym_find is not written yet
 *
 * The graders look for these lines to tell a student which hole a failing
 * test ran into.  The kernel prints them with kprintf (kprintf.c); a host
 * program that links a holed file (a unit test) defines lab_todo_say
 * itself.
 */
#ifndef WISP_LABTODO_H
#define WISP_LABTODO_H

#include <stdbool.h>

/* lab_todo_say: print the LAB-TODO line for hole `name` of lab `lab`. */
void lab_todo_say(int lab, const char *name);

/* LAB_TODO: say, the first time this stub runs, that it is a stub.  The
 * flag is set before printing, so a stub inside the printing code itself
 * (kprintf's formatting) does not recurse.  A stub in a header's inline
 * function has a flag in each file that runs it: the kernel's
 * lab_todo_say prints each hole's line once all the same. */
#define LAB_TODO(lab, name)                                                   \
    do {                                                                      \
        static bool lab_todo_said_;                                           \
        if (!lab_todo_said_) {                                                \
            lab_todo_said_ = true;                                            \
            lab_todo_say((lab), (name));                                      \
        }                                                                     \
    } while (0)

#endif
