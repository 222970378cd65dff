/*
 * scriptparse.h: the script text format of spec/ipc.md ("Scripts and
 * traces"), parsed for the IPC test service (script.c); internal to it.
 */
#ifndef WISP_IPC_SCRIPTPARSE_H
#define WISP_IPC_SCRIPTPARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ipc/ipc.h"

#define SCRIPT_MAGIC "wisp-ipc-script 1"

/* A piece of the input text (not NUL-terminated). */
struct tok {
    const char *s;
    size_t n;
};

/* A cursor over the lines of the input. */
struct lines {
    const char *p, *end;
    int lineno;                     /* of the line last returned */
};

enum sop {
    OP_EP_CREATE, OP_NTFN_CREATE, OP_DUP, OP_CLOSE, OP_GIVE, OP_SEND,
    OP_TRY_SEND, OP_CALL, OP_RECV, OP_TRY_RECV, OP_REPLY, OP_REPLY_RECV,
    OP_SIGNAL, OP_WAIT, OP_EXIT, OP_KILL, OP_REVOKE, OP_COUNT
};

#define F_MSG 1                     /* takes label= words= buf= handles= */
#define F_RBUF 2                    /* takes rbuf= */
#define F_RIGHTS 4                  /* positional 2 is rights (dup) */

/* An op's name, number of positional arguments and flags (F_*). */
struct script_op {
    const char *name;
    int npos, flags;
};
extern const struct script_op script_ops[OP_COUNT];

/* One parsed step.  Keys an op does not take are parsed and ignored,
 * as the model does. */
struct step {
    int pid;
    enum sop op;
    uint32_t pos[3];                /* positional arguments */
    struct ipc_msg msg;
    struct ipc_rbuf rb;
};

/* script_next_line: the next line, its comment ('#' on) and surrounding
 * blanks removed, in *t (ls->lineno counts it); false at the end. */
bool script_next_line(struct lines *ls, struct tok *t);
/* script_split: the words of a line into w (SCRIPT_TOKENS_MAX at most);
 * returns their number, -1 if there are more. */
int script_split(struct tok line, struct tok *w);
/* script_tok_is: t is exactly the string word. */
bool script_tok_is(struct tok t, const char *word);
/* script_parse_u32: t is a decimal number below 2^32, put in *v. */
bool script_parse_u32(struct tok t, uint32_t *v);
/* script_parse_step: one step line of a script with nprocs processes
 * into *st; returns NULL, or what is wrong with it. */
const char *script_parse_step(struct tok line, int nprocs, struct step *st);

#endif
