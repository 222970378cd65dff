/*
 * forger: a process that tries handles it was never given and arguments
 * that are wrong, with every IPC call: every slot 0..15 and values out of
 * range while its table is empty (EBADF), pointers outside its memory
 * (EFAULT), then, with an endpoint and a notification of its own,
 * malformed messages and wrong kinds (EINVAL, EMSGSIZE, EBADF, EACCES).
 * Every attempt must return the error spec/ipc.md's check order names,
 * and none may trap.  Prints a summary; exit 0 when nothing surprised.
 */
#include <stdio.h>
#include <string.h>

#include "wisp.h"

static int tries, surprises, seen[80];

/* expect: one attempt's result r, which should be want. */
static void expect(const char *what, int32_t slot, int32_t r, int32_t want)
{
    tries++;
    if (r >= 0 && r < 80)
        seen[r]++;
    if (r != want) {
        surprises++;
        printf("forger: %s(%d) -> %s, expected %s\n", what, (int)slot,
               wisp_strerror(r), wisp_strerror(want));
    }
}

/* every_op: every call that takes a handle, on slot h, which is not an
 * open handle: all EBADF (the structs and outputs are valid). */
static void every_op(int32_t h)
{
    static uint8_t buf[16];
    wisp_msg m = wisp_msg_words(1, 2, (const uint32_t[]){ 3, 4 });
    wisp_in in = { .buf = (uint32_t)(uintptr_t)buf, .cap = sizeof buf };
    int32_t out;
    uint32_t word;
    expect("dup", h, wisp_dup(h, WISP_R_SEND, 0, &out), WISP_EBADF);
    expect("close", h, wisp_close(h), WISP_EBADF);
    expect("send", h, wisp_send(h, &m), WISP_EBADF);
    expect("try_send", h, wisp_try_send(h, &m), WISP_EBADF);
    expect("call", h, wisp_call(h, &m, &in), WISP_EBADF);
    expect("recv", h, wisp_recv(h, &in), WISP_EBADF);
    expect("try_recv", h, wisp_try_recv(h, &in), WISP_EBADF);
    expect("reply", h, wisp_reply(h, &m), WISP_EBADF);
    expect("reply_recv", h, wisp_reply_recv(h, &m, h, &in), WISP_EBADF);
    expect("signal", h, wisp_signal(h), WISP_EBADF);
    expect("wait", h, wisp_wait(h, &word), WISP_EBADF);
    expect("spawn", h, wisp_spawn_str("hello", &h, 1, &out), WISP_EBADF);
}

/* bad_pointers: structs and outputs at addr (outside memory): EFAULT,
 * before the handle is looked at. */
static void bad_pointers(uint32_t addr)
{
    void *p = (void *)(uintptr_t)addr;
    wisp_msg m = wisp_msg_words(1, 0, NULL);
    wisp_in in = { .cap = 0 };
    int32_t a = (int32_t)addr;
    expect("ep_create", a, wisp_ep_create(p), WISP_EFAULT);
    expect("ntfn_create", a, wisp_ntfn_create(p), WISP_EFAULT);
    expect("dup", a, wisp_dup(0, WISP_R_SEND, 0, p), WISP_EFAULT);
    expect("send", a, wisp_send(0, p), WISP_EFAULT);
    expect("try_send", a, wisp_try_send(0, p), WISP_EFAULT);
    expect("call", a, wisp_call(0, p, &in), WISP_EFAULT);
    expect("call", a, wisp_call(0, &m, p), WISP_EFAULT);
    expect("recv", a, wisp_recv(0, p), WISP_EFAULT);
    expect("try_recv", a, wisp_try_recv(0, p), WISP_EFAULT);
    expect("reply", a, wisp_reply(0, p), WISP_EFAULT);
    expect("reply_recv", a, wisp_reply_recv(0, &m, 0, p), WISP_EFAULT);
    expect("wait", a, wisp_wait(0, p), WISP_EFAULT);
    expect("spawn", a, wisp_spawn(p, 5, "", 0, NULL, 0, p), WISP_EFAULT);
}

/* bad_messages: malformed messages through ep (an endpoint, srg), a
 * notification n, and wrong kinds of handle. */
static void bad_messages(int32_t ep, int32_t n, uint32_t far)
{
    static uint8_t buf[16];
    wisp_msg m = wisp_msg_words(1, 0, NULL);
    wisp_in in = { .buf = far, .cap = 16 };
    int32_t out;
    uint32_t word;
    m.nwords = 9;
    expect("try_send nwords=9", ep, wisp_try_send(ep, &m), WISP_EINVAL);
    m.nwords = 0, m.nhandles = 5;
    expect("try_send nhandles=5", ep, wisp_try_send(ep, &m), WISP_EINVAL);
    m.nhandles = 1, m.handles[0] = (uint32_t)ep | 0x20000u;
    expect("try_send mode bit", ep, wisp_try_send(ep, &m), WISP_EINVAL);
    m.handles[0] = 9;
    expect("try_send grant slot 9", ep, wisp_try_send(ep, &m), WISP_EBADF);
    m.nhandles = 0, m.buf = (uint32_t)(uintptr_t)buf, m.len = 65537;
    expect("try_send len=65537", ep, wisp_try_send(ep, &m), WISP_EMSGSIZE);
    m.buf = far, m.len = 16;
    expect("try_send buf outside", ep, wisp_try_send(ep, &m), WISP_EFAULT);
    expect("try_recv rbuf outside", ep, wisp_try_recv(ep, &in), WISP_EFAULT);
    expect("dup rights=16", ep, wisp_dup(ep, 16, 0, &out), WISP_EINVAL);
    expect("reply on endpoint", ep, wisp_reply(ep, &m), WISP_EBADF);
    expect("signal on endpoint", ep, wisp_signal(ep), WISP_EBADF);
    expect("wait on endpoint", ep, wisp_wait(ep, &word), WISP_EBADF);
    expect("send on notification", n, wisp_send(n, &m), WISP_EBADF);
    expect("spawn 5 handles", ep, wisp_spawn_str("hello", (int32_t[5]){ 0 },
                                                 5, &out), WISP_EINVAL);
    expect("spawn nosuch", ep, wisp_spawn_str("nosuch", &ep, 1, &out),
           WISP_ENOENT);
    expect("spawn notwasm", ep, wisp_spawn_str("notwasm", &ep, 1, &out),
           WISP_EINVAL);
    expect("spawn args", ep, wisp_spawn("hello", 5, "x", 1, NULL, 0, &out),
           WISP_EINVAL);
}

/* attenuated: a send-only, badged copy of ep cannot receive, grant or
 * be re-badged. */
static void attenuated(int32_t ep)
{
    int32_t s, out;
    wisp_in in = { .cap = 0 };
    wisp_msg m = wisp_msg_words(1, 0, NULL);
    if (wisp_dup(ep, WISP_R_SEND, 42, &s) != 0) {
        expect("dup s badge 42", ep, -1, 0);
        return;
    }
    m.nhandles = 1, m.handles[0] = (uint32_t)ep;
    expect("try_recv without r", s, wisp_try_recv(s, &in), WISP_EACCES);
    expect("grant without g", s, wisp_try_send(s, &m), WISP_EACCES);
    expect("dup more rights", s, wisp_dup(s, WISP_R_ALL, 0, &out),
           WISP_EACCES);
    expect("re-badge", s, wisp_dup(s, WISP_R_SEND, 43, &out), WISP_EINVAL);
    expect("close", s, wisp_close(s), WISP_OK);
}

int main(void)
{
    uint32_t end = (uint32_t)__builtin_wasm_memory_size(0) * 65536u;
    const int32_t wild[] = { 16, 17, 100, 65535, 65536, -1, -16,
                             (int32_t)0x80000000u, 0x7fffffff };
    int32_t ep, n;
    for (int32_t h = 0; h < WISP_HANDLES_MAX; h++)
        every_op(h);
    for (unsigned i = 0; i < sizeof wild / sizeof wild[0]; i++)
        every_op(wild[i]);
    bad_pointers(end - 2);              /* straddles the end */
    bad_pointers(0xfffffff0u);
    if (wisp_ep_create(&ep) || wisp_ntfn_create(&n)) {
        printf("forger: cannot make its own objects\n");
        return 2;
    }
    bad_messages(ep, n, end - 8);
    attenuated(ep);
    printf("forger: %d attempts: EBADF %d, EFAULT %d, EINVAL %d, "
           "EACCES %d, other errors %d; %d unexpected\n", tries,
           seen[WISP_EBADF], seen[WISP_EFAULT], seen[WISP_EINVAL],
           seen[WISP_EACCES], tries - seen[WISP_EBADF] - seen[WISP_EFAULT]
           - seen[WISP_EINVAL] - seen[WISP_EACCES], surprises);
    return surprises != 0;
}
