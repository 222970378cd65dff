/*
 * labtodo.c: lab_todo_say for the programs of services/ (labtodo.h).
 * Linked only into a program whose stub runs LAB_TODO (libwisp.a is an
 * archive).
 */
#include "labtodo.h"

#include <stdio.h>

/* lab_todo_say: see kernel/labtodo.h.  What the program has printed
 * so far goes first, so the line is not cut into another one. */
void lab_todo_say(int lab, const char *name)
{
    fflush(stdout);
    fprintf(stderr, "LAB-TODO: lab %d: %s is not written yet\n", lab, name);
}
