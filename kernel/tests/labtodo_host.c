/*
 * labtodo_host.c: lab_todo_say for host unit tests that link a file with
 * lab holes (kernel/labtodo.h): the LAB-TODO line goes to stdout, where
 * the graders look for it.
 */
#include <stdio.h>

#include "labtodo.h"

/* lab_todo_say: print the LAB-TODO line of hole `name` of lab `lab`. */
void lab_todo_say(int lab, const char *name)
{
    printf("LAB-TODO: lab %d: %s is not written yet\n", lab, name);
    fflush(stdout);
}
