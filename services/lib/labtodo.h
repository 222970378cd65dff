/*
 * labtodo.h: how an unwritten lab hole in a program of services/ says
 * so: the kernel's LAB_TODO macro (kernel/labtodo.h), with
 * lab_todo_say (labtodo.c) printing the line
 *
 *     LAB-TODO: lab 7: nm_register is not written yet
 *
 * to stderr: the console for a program that has one in slot 0, the
 * serial line itself for one that has not (the name server).
 */
#ifndef WISP_SERVICES_LABTODO_H
#define WISP_SERVICES_LABTODO_H

#include "../../kernel/labtodo.h"

#endif
