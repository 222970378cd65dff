/*
 * wisp.c: the helpers of wisp.h, linked into every program of services/
 * (the host calls themselves are imports: the kernel provides them).
 */
#include "wisp.h"

#include <string.h>

/* wisp_msg_words: a message with label and min(n, 8) words; no buffer,
 * no handles. */
wisp_msg wisp_msg_words(uint32_t label, uint32_t n, const uint32_t *words)
{
    wisp_msg m;
    memset(&m, 0, sizeof m);
    m.label = label;
    m.nwords = n > WISP_MSG_WORDS_MAX ? WISP_MSG_WORDS_MAX : n;
    for (uint32_t i = 0; i < m.nwords; i++)
        m.words[i] = words[i];
    return m;
}

/* wisp_strerror: the name of an errno of wisp.h ("EBADF"), "ok" for 0,
 * "E?" for any other code. */
const char *wisp_strerror(int32_t err)
{
    static const struct { int32_t code; const char *name; } names[] = {
        { WISP_OK, "ok" }, { WISP_EACCES, "EACCES" },
        { WISP_EAGAIN, "EAGAIN" }, { WISP_EBADF, "EBADF" },
        { WISP_EDQUOT, "EDQUOT" },
        { WISP_EEXIST, "EEXIST" }, { WISP_EFAULT, "EFAULT" },
        { WISP_EINVAL, "EINVAL" }, { WISP_EISDIR, "EISDIR" },
        { WISP_EMFILE, "EMFILE" }, { WISP_EMSGSIZE, "EMSGSIZE" },
        { WISP_ENFILE, "ENFILE" }, { WISP_ENOENT, "ENOENT" },
        { WISP_ENOMEM, "ENOMEM" }, { WISP_ENOSPC, "ENOSPC" },
        { WISP_ENOSYS, "ENOSYS" },
        { WISP_ENOTDIR, "ENOTDIR" },
        { WISP_ENOTEMPTY, "ENOTEMPTY" }, { WISP_EPERM, "EPERM" },
        { WISP_EPIPE, "EPIPE" }, { WISP_EROFS, "EROFS" },
        { WISP_ESRCH, "ESRCH" }, { WISP_ECANCELED, "ECANCELED" },
    };
    for (unsigned i = 0; i < sizeof names / sizeof names[0]; i++)
        if (names[i].code == err)
            return names[i].name;
    return "E?";
}

/* wisp_spawn: see wisp.h.  A spawn that cannot have the process handle
 * (WISP_EMFILE) fails: the caller's table is full. */
int32_t wisp_spawn(const char *name, uint32_t name_len, const char *args,
                   uint32_t args_len, const int32_t *handles,
                   uint32_t nhandles, int32_t *pid)
{
    int32_t proc, err = wisp_spawn_proc(name, name_len, args, args_len,
                                        handles, nhandles, pid, &proc);
    if (err == 0)
        wisp_close(proc);
    return err;
}

/* wisp_spawn_str: wisp_spawn of a NUL-terminated name, no arguments. */
int32_t wisp_spawn_str(const char *name, const int32_t *handles,
                       uint32_t nhandles, int32_t *pid)
{
    return wisp_spawn(name, (uint32_t)strlen(name), "", 0, handles,
                      nhandles, pid);
}
