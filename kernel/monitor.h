/*
 * monitor.h: the kernel monitor, an interactive prompt on the serial
 * console for inspecting the kernel (in the spirit of JOS's).
 */
#ifndef WISP_MONITOR_H
#define WISP_MONITOR_H

/* One command: `name args...` runs fn(argc, argv), argv[0] = name. */
struct mon_cmd {
    const char *name;
    const char *args;       /* argument synopsis for help, "" if none */
    const char *help;       /* one line */
    void (*fn)(int argc, char **argv);
};

void monitor_run(void) __attribute__((noreturn));
int monitor_exec(char *line);

#endif
