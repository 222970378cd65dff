/*
 * manifest.c: init's manifest parser (manifest.h): words, slots, flags,
 * arguments, each checked with a sentence for what is wrong.
 */
#include "manifest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wisp.h"

const char *const init_slot_words[SK_COUNT] = {
    "-", "console", "console-owner", "fs", "fs-owner", "names", "serve",
    "device", "notify", "init", "control", "console-screen",
    "console-keys", "vga-ports", "vga-text", "ps2-data", "ps2-cmd", "irq1",
};

/*
 * init_read_manifest: the initrd file `manifest` into buf (NUL-
 * terminated, at most cap - 1 bytes).  Returns its length, or -1 (said
 * why) when there is none.
 */
int init_read_manifest(char *buf, uint32_t cap)
{
    char name[64];
    uint32_t size, i, off = 0, n = 1;
    bool found = false;
    for (i = 0; !found && wisp_initrd_stat(i, name, sizeof name, &size) == 0;
         i++)
        found = strcmp(name, "manifest") == 0;
    if (!found) {
        printf("init: no file `manifest` in the initrd: nothing to start\n");
        return -1;
    }
    i--;                            /* the loop stepped past it */
    if (size > cap - 1)
        printf("init: manifest is %u bytes: reading the first %u\n",
               (unsigned)size, (unsigned)cap - 1);
    while (off < cap - 1 && n > 0 &&
           wisp_initrd_read(i, off, buf + off, cap - 1 - off, &n) == 0)
        off += n;
    buf[off] = '\0';
    return (int)off;
}

/* init_split: splits s at blanks into at most max words (s is
 * modified).  Returns their number, or -1 if there are more. */
static int init_split(char *s, char **w, int max)
{
    int n = 0;
    for (char *tok = strtok(s, " \t\r"); tok; tok = strtok(NULL, " \t\r")) {
        if (n == max)
            return -1;
        w[n++] = tok;
    }
    return n;
}

/* init_slots: parses the list of `slots=LIST` into s.  NULL or what is
 * wrong. */
static const char *init_slots(struct svc *s, char *list)
{
    s->nslots = 0;
    for (char *w = *list ? list : NULL; w; ) {     /* "slots=": none */
        char *comma = strchr(w, ',');
        if (comma)
            *comma = '\0';
        int k = 0;
        while (k < SK_COUNT && strcmp(w, init_slot_words[k]) != 0)
            k++;
        if (k == SK_COUNT)
            return "unknown slot word (see spec/services.md)";
        if (s->nslots == INIT_SPAWN_SLOTS)
            return "more than 4 slots";
        s->slots[s->nslots++] = (uint8_t)k;
        w = comma ? comma + 1 : NULL;
    }
    return NULL;
}

/* init_args: packs the words w[0..n) as s's arguments.  NULL or what is
 * wrong. */
static const char *init_args(struct svc *s, char **w, int n)
{
    for (int i = 0; i < n; i++) {
        size_t len = strlen(w[i]) + 1;
        if (s->args_len + len > INIT_ARGS_MAX)
            return "arguments longer than 256 bytes";
        memcpy(s->args + s->args_len, w[i], len);
        s->args_len += (uint32_t)len;
    }
    return NULL;
}

/* init_number: a decimal number of 1..4 digits into *v.  NULL or what
 * is wrong. */
static const char *init_number(const char *w, uint32_t *v)
{
    size_t n = strspn(w, "0123456789");
    if (n == 0 || n > 4 || w[n])
        return "procs= and mem= take a number (0..9999)";
    *v = (uint32_t)atoi(w);
    return NULL;
}

/* init_flags: applies the words after NAME PROGRAM to s.  NULL or what
 * is wrong. */
static const char *init_flags(struct svc *s, char **w, int n)
{
    const char *err = NULL;
    for (int i = 0; i < n && !err; i++) {
        if (strcmp(w[i], "--") == 0)
            return init_args(s, w + i + 1, n - i - 1);
        else if (strcmp(w[i], "restart") == 0)
            s->restart = true;
        else if (strcmp(w[i], "register") == 0)
            s->reg = true;
        else if (strncmp(w[i], "slots=", 6) == 0)
            err = init_slots(s, w[i] + 6);
        else if (strncmp(w[i], "procs=", 6) == 0)
            err = init_number(w[i] + 6, &s->procs);
        else if (strncmp(w[i], "mem=", 4) == 0)
            err = init_number(w[i] + 4, &s->mem_mib);
        else
            err = "unknown word (expected restart, register, slots=, "
                  "procs=, mem=, --)";
    }
    return err;
}

/* init_has_slot: true if s lists slot kind k. */
bool init_has_slot(const struct svc *s, int k)
{
    for (uint32_t i = 0; i < s->nslots; i++)
        if (s->slots[i] == k)
            return true;
    return false;
}

/*
 * init_line: parses one manifest line (modified) into s.  NULL (also for
 * a blank line or a comment: then s->name is empty) or what is wrong.
 */
const char *init_line(char *line, struct svc *s)
{
    char *w[INIT_WORDS_MAX], *hash = strchr(line, '#');
    if (hash)
        *hash = '\0';
    int n = init_split(line, w, INIT_WORDS_MAX);
    *s = (struct svc){.ep = -1, .pid = -1, .proc = -1, .delay = -1,
                      .procs = INIT_PROCS_DEFAULT,
                      .mem_mib = INIT_MEM_DEFAULT_MIB};
    if (n == 0)
        return NULL;
    if (n < 0)
        return "too many words";
    if (n < 2)
        return "expected NAME PROGRAM [restart] [register] [slots=...]";
    if (strlen(w[0]) > NAME_MAX_LEN)
        return "name longer than 31 bytes";
    if (strlen(w[1]) > INIT_PROG_MAX)
        return "program name longer than 39 bytes";
    strcpy(s->name, w[0]);
    strcpy(s->prog, w[1]);
    const char *err = init_flags(s, w + 2, n - 2);
    if (!err && s->reg && !init_has_slot(s, SK_NAMES))
        err = "`register` needs a `names` slot";
    return err;
}
