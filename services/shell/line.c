/*
 * line.c: a typed line, from its characters to what runs.  sh_split
 * cuts it into words, with quotes and the two operators, & (run in the
 * background) and > (send the output to a file); sh_dispatch runs it:
 * one of the shell's own commands (cmds.c), its output in a file for >,
 * or a program (jobs.c), in the background for &.
 */
#include <errno.h>
#include <string.h>

#include "labtodo.h"
#include "shell.h"

#define SH_BLANKS " \t\r"           /* what separates words */
#define SH_STR_(x) #x
#define SH_STR(x) SH_STR_(x)

/*
 * sh_split: cuts line into cl: its words, copied into cl->buf, each
 * ending in NUL, cl->argv[0..argc) pointing at them and argv[argc]
 * NULL.  Words are separated by blanks (space, tab, CR) and by the
 * operators & and >; "..." or '...' quotes part of a word: what lies
 * between the quotes, blanks and operators included, belongs to the
 * word and the quotes do not, so a"b c"d is the one word `ab cd` and ""
 * an empty word.  & ends the line and sets bg; > FILE or >> FILE,
 * anywhere on the line, sets out to the word FILE (not one of argv) and
 * append for >>.  A line of blanks is 0 words.  Returns NULL, or what
 * is wrong with the line (cl is then undefined): "unterminated quote",
 * "& must end the line", "> needs a file name", "one > per line", "too
 * many words (at most 16)" (SH_ARGS_MAX), "& needs a program before it",
 * "> needs a command before it".  cl->buf has room: a word takes at
 * most its characters in the line plus one for its NUL, and a quote,
 * blank, operator or the line's own end follows each word.
 */
const char *sh_split(const char *line, struct sh_cmdline *cl)
{
    // LAB 7: your code here (sh_split)
    LAB_TODO(7, "sh_split");
    if (line[strcspn(line, "\"'&>")])
        return "lab 7: quotes, & and > (sh_split) are not written yet";
    strcpy(cl->buf, line);              /* it fits: see above */
    cl->argc = 0, cl->bg = false, cl->out = NULL, cl->append = false;
    for (char *p = cl->buf + strspn(cl->buf, SH_BLANKS); *p;
         p += strspn(p, SH_BLANKS)) {
        if (cl->argc == SH_ARGS_MAX)
            return "too many words (at most " SH_STR(SH_ARGS_MAX) ")";
        cl->argv[cl->argc++] = p;
        p += strcspn(p, SH_BLANKS);
        if (*p)
            *p++ = '\0';
    }
    cl->argv[cl->argc] = NULL;
    return NULL;
}

/*
 * sh_to_file: runs command c with the words of cl and its output
 * (sh_out) going to the file cl->out: created if need be, and emptied
 * first unless cl->append.  Returns the command's result, or 1 after
 * saying why the file could not be opened or written ("shell: FILE:
 * why"; the output is buffered, so a write error shows at the close).
 */
static int sh_to_file(const struct sh_cmd *c, struct sh_cmdline *cl)
{
    FILE *f = fopen(cl->out, cl->append ? "a" : "w");
    int r;
    if (!f) {
        printf("shell: %s: %s\n", cl->out, strerror(errno));
        return 1;
    }
    sh_out = f;
    r = c->fn(cl->argc, cl->argv);
    sh_out = stdout;
    if (fclose(f) != 0) {
        printf("shell: %s: %s\n", cl->out, strerror(errno));
        return 1;
    }
    return r;
}

/*
 * sh_dispatch: runs cl, a line of at least one word: the command
 * argv[0] names (sh_cmd_find), else the program of that name.  A
 * command's words are checked against its row of the table first: too
 * few or too many after its name is "usage: NAME ARGS" and nothing
 * runs.  `run PROG ARGS...` runs PROG.  & runs a program in the
 * background, and refuses a command ("NAME: & runs only programs in the
 * background").  > FILE sends a command's output to FILE (sh_to_file),
 * and refuses a program ("shell: > FILE takes the output of the shell's
 * own commands only").  A program that does not start is "run: PROG:
 * why" (after run) or "PROG: why", why as sh_why says, except a first
 * word that is neither a command nor a program: "shell: unknown
 * command: NAME (try help)".  Words typed by the user are printed with
 * sh_word.
 */
void sh_dispatch(struct sh_cmdline *cl)
{
    // LAB 7: your code here (sh_dispatch)
    LAB_TODO(7, "sh_dispatch");
    const struct sh_cmd *c = sh_cmd_find(cl->argv[0]);
    (void)sh_to_file;
    if (c && c->fn)
        c->fn(cl->argc, cl->argv);
    else
        puts("shell: lab 7: running programs (sh_dispatch) is not "
             "written yet");
}
