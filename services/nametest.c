/*
 * nametest: the name server's rules, as its clients see them
 * (harness/tests/test_services.py boots init with a manifest that runs
 * it twice, after the echo service).
 *
 *   nametest owner NAME   run from a `register` line called NAME (slot 2
 *                         the names handle that may register, slot 3 its
 *                         endpoint): a name another service holds is
 *                         refused, a malformed one too; registering a
 *                         name again replaces its handle; a lookup
 *                         reaches the service that registered the name;
 *                         last, it registers NAME (init waits for that)
 *   nametest client       run from a line whose names handle may not
 *                         register: refused; lookups work
 *
 * Each check prints one line, "nametest MODE: " and the check; a failed
 * check says "FAIL" and what.
 */
#include <stdio.h>
#include <string.h>

#include "svc.h"

#define NT_PING_LABEL 0x4e54        /* "NT": echo answers with any label */

static int failures;
static const char *nt_mode = "";   /* owner or client, for each line */

/* say: one line of the check `what`, failed unless ok. */
static void say(bool ok, const char *what, const char *result)
{
    if (!ok)
        failures++;
    printf("nametest %s: %s%s: %s\n", nt_mode, ok ? "" : "FAIL ", what,
           result);
}

/* expect: one check of an errno result. */
static void expect(const char *what, int32_t got, int32_t want)
{
    say(got == want, what, wisp_strerror(got));
}

/* nt_register: NAMES_REGISTER of name with a send handle on h badged
 * badge (moved to the name server).  The call's errno or the answer. */
static int32_t nt_register(int32_t h, uint32_t badge, const char *name)
{
    return svc_register(WISP_SLOT_NAMES, h, badge, name);
}

/*
 * nt_echo: looks "echo" up and makes one call through the handle:
 * the echo service answers with the same label and word.  Returns 0,
 * the lookup's or call's errno, or EINVAL for a wrong answer.
 */
static int32_t nt_echo(void)
{
    wisp_msg m = {.label = NT_PING_LABEL, .nwords = 1, .words = {42}};
    wisp_in in = {0};
    int32_t h, err = svc_lookup(WISP_SLOT_NAMES, "echo", &h);
    if (err)
        return err;
    err = wisp_call(h, &m, &in);
    if (!err && (in.label != NT_PING_LABEL || in.nwords != 1 ||
                 in.words[0] != 42))
        err = WISP_EINVAL;
    wisp_close(h);
    return err;
}

/*
 * nt_replace: registers "nametest-mark" twice, each time with a handle
 * on the same notification, badged 1 then 2; a lookup then must give
 * the second: signalling it sets bit 2 (the first would set bit 1).
 */
static void nt_replace(void)
{
    int32_t n, h;
    uint32_t word = 0;
    char word_s[16];
    if (wisp_ntfn_create(&n) != 0) {
        say(false, "make a notification", "no");
        return;
    }
    expect("register nametest-mark", nt_register(n, 1, "nametest-mark"), 0);
    expect("register nametest-mark again",
           nt_register(n, 2, "nametest-mark"), 0);
    expect("look nametest-mark up", svc_lookup(WISP_SLOT_NAMES,
                                               "nametest-mark", &h), 0);
    wisp_signal(h);
    wisp_wait(n, &word);
    snprintf(word_s, sizeof word_s, "word %u", (unsigned)word);
    say(word == 2, "signal it: the second handle's badge", word_s);
    wisp_close(h);
}

/* nt_owner: the checks of `nametest owner NAME`. */
static void nt_owner(const char *name)
{
    int32_t err = nt_register(SVC_SLOT_SERVE, 1, "echo");
    expect("register echo (the echo service's)", err, WISP_EEXIST);
    expect("register a name with a blank",
           nt_register(SVC_SLOT_SERVE, 1, "two words"), WISP_EINVAL);
    expect("register a name of 32 bytes",
           nt_register(SVC_SLOT_SERVE, 1, "abcdefghijklmnopqrstuvwxyz012345"),
           WISP_EINVAL);
    nt_replace();
    if (err == 0)                   /* echo is ours now: a call would hang */
        say(false, "call echo through the looked-up handle", "skipped");
    else
        expect("call echo through the looked-up handle", nt_echo(), 0);
    int32_t h;
    expect("look up a name nobody registered",
           svc_lookup(WISP_SLOT_NAMES, "nosuch", &h), WISP_ENOENT);
    expect("register our own name", nt_register(SVC_SLOT_SERVE, 1, name), 0);
}

/* nt_client: the checks of `nametest client`: a registration without
 * NAMES_MAY_REGISTER in the badge (and no handle to register: the
 * client's names handle has no grant right). */
static void nt_client(void)
{
    wisp_msg m = {.label = NAMES_REGISTER, .buf = SVC_PTR("mine"), .len = 4};
    wisp_in in = {0};
    int32_t err = wisp_call(WISP_SLOT_NAMES, &m, &in);
    expect("register without the right", err ? err : (int32_t)in.label,
           WISP_EACCES);
    expect("call echo through the looked-up handle", nt_echo(), 0);
}

int main(int argc, char **argv)
{
    nt_mode = argc >= 2 ? argv[1] : "";
    if (argc >= 3 && strcmp(nt_mode, "owner") == 0)
        nt_owner(argv[2]);
    else if (argc >= 2 && strcmp(nt_mode, "client") == 0)
        nt_client();
    else {
        puts("usage: nametest owner NAME | nametest client");
        return 2;
    }
    printf("nametest %s: %d failed\n", nt_mode, failures);
    return failures != 0;
}
