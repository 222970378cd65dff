/*
 * scriptparse.c: reading scripts (spec/ipc.md "Scripts and traces",
 * spec/ipc/script.py parse_script) for the IPC test service.  Input is
 * untrusted text: every number, range and word count is checked, and
 * anything malformed is an error message, never a crash.  Keys an op
 * does not take are parsed and ignored, as the model does.
 */
#include "ipc/test/scriptparse.h"

#include "ipc/test/script.h"

/* ---- lines and words ------------------------------------------------- */

bool script_tok_is(struct tok t, const char *word)
{
    size_t i = 0;
    for (; i < t.n; i++)
        if (word[i] != t.s[i])
            return false;
    return word[i] == '\0';
}

/* is_space: a blank between a script line's words. */
static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r';
}

/* script_next_line: see scriptparse.h.  Python's split() would also
 * take \v and \f as blanks; scripts never hold them. */
bool script_next_line(struct lines *ls, struct tok *t)
{
    if (ls->p >= ls->end)
        return false;
    const char *s = ls->p, *e = s;
    while (e < ls->end && *e != '\n')
        e++;
    ls->p = e < ls->end ? e + 1 : e;
    ls->lineno++;
    const char *c = s;
    while (c < e && *c != '#')
        c++;
    while (s < c && is_space(*s))
        s++;
    while (c > s && is_space(c[-1]))
        c--;
    *t = (struct tok){ s, (size_t)(c - s) };
    return true;
}

/* script_split: see scriptparse.h. */
int script_split(struct tok line, struct tok *w)
{
    int n = 0;
    const char *p = line.s, *e = line.s + line.n;
    for (;;) {
        while (p < e && is_space(*p))
            p++;
        if (p == e)
            return n;
        if (n == SCRIPT_TOKENS_MAX)
            return -1;
        w[n].s = p;
        while (p < e && !is_space(*p))
            p++;
        w[n].n = (size_t)(p - w[n].s);
        n++;
    }
}

/* script_parse_u32: t is a decimal number below 2^32; sets *v. */
bool script_parse_u32(struct tok t, uint32_t *v)
{
    uint64_t x = 0;
    if (t.n == 0 || t.n > 10)
        return false;
    for (size_t i = 0; i < t.n; i++) {
        if (t.s[i] < '0' || t.s[i] > '9')
            return false;
        x = x * 10 + (uint64_t)(t.s[i] - '0');
    }
    if (x > 0xffffffffu)
        return false;
    *v = (uint32_t)x;
    return true;
}

/* cut: script_split t at the first c into *a and *b; false if c is absent. */
static bool cut(struct tok t, char c, struct tok *a, struct tok *b)
{
    for (size_t i = 0; i < t.n; i++) {
        if (t.s[i] == c) {
            *a = (struct tok){ t.s, i };
            *b = (struct tok){ t.s + i + 1, t.n - i - 1 };
            return true;
        }
    }
    return false;
}

/* ---- steps ----------------------------------------------------------- */


/* Each op's name, number of positional arguments and flags
 * (spec/ipc/script.py STEP_ARGS, HAS_MSG, HAS_RBUF). */
const struct script_op script_ops[OP_COUNT] = {
    [OP_EP_CREATE] = { "ep_create", 0, 0 },
    [OP_NTFN_CREATE] = { "ntfn_create", 0, 0 },
    [OP_DUP] = { "dup", 3, F_RIGHTS },
    [OP_CLOSE] = { "close", 1, 0 },
    [OP_GIVE] = { "give", 2, 0 },
    [OP_SEND] = { "send", 1, F_MSG },
    [OP_TRY_SEND] = { "try_send", 1, F_MSG },
    [OP_CALL] = { "call", 1, F_MSG | F_RBUF },
    [OP_RECV] = { "recv", 1, F_RBUF },
    [OP_TRY_RECV] = { "try_recv", 1, F_RBUF },
    [OP_REPLY] = { "reply", 1, F_MSG },
    [OP_REPLY_RECV] = { "reply_recv", 2, F_MSG | F_RBUF },
    [OP_SIGNAL] = { "signal", 1, 0 },
    [OP_WAIT] = { "wait", 1, 0 },
    [OP_EXIT] = { "exit", 0, 0 },
    [OP_KILL] = { "kill", 0, 0 },
    [OP_REVOKE] = { "revoke", 1, 0 },
};


/* parse_rights: "srg", "s--", "-" ... into IPC_R_* bits. */
static bool parse_rights(struct tok t, uint32_t *r)
{
    *r = 0;
    for (size_t i = 0; i < t.n; i++) {
        char c = t.s[i];
        if (c == 's')
            *r |= IPC_R_SEND;
        else if (c == 'r')
            *r |= IPC_R_RECV;
        else if (c == 'g')
            *r |= IPC_R_GRANT;
        else if (c != '-')
            return false;
    }
    return t.n > 0;
}

/* parse_range: "PTR+LEN" (buf=, rbuf=). */
static bool parse_range(struct tok t, uint32_t *ptr, uint32_t *len)
{
    struct tok a, b;
    return cut(t, '+', &a, &b) && script_parse_u32(a, ptr) &&
           script_parse_u32(b, len);
}

/*
 * parse_list: a comma-separated list ("-" = empty) into *count (every
 * item counted, so that too many is the operation's EINVAL); the first
 * max items go to item(i, tok), which returns false for a bad one.
 */
static bool parse_list(struct tok t, uint32_t *count, uint32_t max,
                       struct ipc_msg *m,
                       bool (*item)(struct ipc_msg *, uint32_t, struct tok))
{
    *count = 0;
    if (script_tok_is(t, "-"))
        return true;
    for (;;) {
        struct tok a, rest;
        bool more = cut(t, ',', &a, &rest);
        if (!more)
            a = t;
        struct ipc_msg scratch;     /* items past max: checked, not kept */
        if (!item(*count < max ? m : &scratch, *count < max ? *count : 0, a))
            return false;
        if (*count < 1000)
            (*count)++;
        if (!more)
            return true;
        t = rest;
    }
}

/* word_item: one number of a words= list into m->words[i]. */
static bool word_item(struct ipc_msg *m, uint32_t i, struct tok t)
{
    return script_parse_u32(t, &m->words[i]);
}

/* grant_item: "SLOTm" or "SLOTc" (any last character is kept: a mode
 * other than m/c is the operation's EINVAL, as in the model). */
static bool grant_item(struct ipc_msg *m, uint32_t i, struct tok t)
{
    if (t.n < 2)
        return false;
    m->handles[i].mode = (uint8_t)t.s[t.n - 1];
    return script_parse_u32((struct tok){ t.s, t.n - 1 }, &m->handles[i].slot);
}

/* parse_key: one KEY=VALUE word into st; returns an error or NULL. */
static const char *parse_key(struct step *st, struct tok w)
{
    struct tok k, v;
    if (!cut(w, '=', &k, &v))
        return "expected KEY=VALUE";
    struct ipc_msg *m = &st->msg;
    if (script_tok_is(k, "label"))
        return script_parse_u32(v, &m->label) ? NULL : "bad label";
    if (script_tok_is(k, "words"))
        return parse_list(v, &m->nwords, IPC_MSG_WORDS_MAX, m, word_item)
                   ? NULL : "bad words";
    if (script_tok_is(k, "handles"))
        return parse_list(v, &m->nhandles, IPC_MSG_HANDLES_MAX, m,
                          grant_item) ? NULL : "bad handles";
    if (script_tok_is(k, "buf")) {
        m->has_buf = true;
        return parse_range(v, &m->buf, &m->len) ? NULL : "bad buf";
    }
    if (script_tok_is(k, "rbuf")) {
        st->rb.has = true;
        return parse_range(v, &st->rb.ptr, &st->rb.cap) ? NULL : "bad rbuf";
    }
    return "unknown key";
}

/*
 * script_parse_step: one step line "PID OP POSITIONAL... KEY=VALUE..." of a
 * script with nprocs processes.  Returns an error message or NULL.
 */
const char *script_parse_step(struct tok line, int nprocs, struct step *st)
{
    struct tok w[SCRIPT_TOKENS_MAX];
    int n = script_split(line, w);
    uint32_t pid;
    *st = (struct step){ 0 };
    if (n < 0)
        return "too many words";
    if (n < 2 || !script_parse_u32(w[0], &pid) || pid < 1 ||
        pid > (uint32_t)nprocs)
        return "expected PID (1..procs) and OP";
    st->pid = (int)pid;
    for (st->op = 0; st->op < OP_COUNT; st->op++)
        if (script_tok_is(w[1], script_ops[st->op].name))
            break;
    if (st->op == OP_COUNT)
        return "unknown op";
    int npos = script_ops[st->op].npos;
    if (n < 2 + npos)
        return "missing arguments";
    for (int i = 0; i < npos; i++) {
        bool ok = (script_ops[st->op].flags & F_RIGHTS) && i == 1
                      ? parse_rights(w[2 + i], &st->pos[i])
                      : script_parse_u32(w[2 + i], &st->pos[i]);
        if (!ok)
            return "bad positional argument";
    }
    for (int i = 2 + npos; i < n; i++) {
        const char *err = parse_key(st, w[i]);
        if (err)
            return err;
    }
    return NULL;
}
