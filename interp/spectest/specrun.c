/*
 * specrun.c: runs one spec-test script, command by command.
 *
 * The script is wast2json's JSON: {"commands": [{"type": ..., "line": ...},
 * ...]}.  Every command ends in exactly one of pass, fail or skip.  A
 * module that fails to load leaves no current module, so the commands
 * that need it fail too (the reference interpreter would stop there).
 * Every successfully loaded module and every created instance lives until
 * the end of the script: a module that failed to instantiate may already
 * have put its functions into another module's table (linking.wast).
 */
#define _POSIX_C_SOURCE 200809L
#include "spectest.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
    spec_world w;
    spec_counts *c;
    wasm_instance *current;     /* the last module command's instance */
    unsigned line;              /* of the command being run */
    const char *cmd;            /* its type, for messages */
} script;

/* The outcome of an action. */
typedef struct {
    wasm_result res;
    wasm_value vals[SPEC_MAX_VALUES];
    uint32_t nvals;
    bool truncated;             /* the call returned more than vals holds */
} outcome;

/* ---- loading and instantiating ----------------------------------------- */

/* Reads dir/filename into a malloc'ed buffer; NULL with err filled. */
static uint8_t *read_wasm(const script *s, const char *filename, size_t *len,
                          wasm_error *err)
{
    char path[4096];
    snprintf(path, sizeof(path), "%s/%s", s->c->dir, filename);
    FILE *f = fopen(path, "rb");
    long size = -1;
    if (f != NULL && fseek(f, 0, SEEK_END) == 0)
        size = ftell(f);
    uint8_t *buf = NULL;
    if (size >= 0 && size <= (long)SPEC_WASM_MAX && fseek(f, 0, SEEK_SET) == 0)
        buf = malloc((size_t)size + 1);
    *len = buf ? fread(buf, 1, (size_t)size, f) : 0;
    bool ok = buf && *len == (size_t)size;
    if (f)
        fclose(f);
    if (!ok) {
        free(buf);
        err->kind = WASM_ERR_NOMEM;
        snprintf(err->message, sizeof(err->message), "cannot read %.140s",
                 path);
        return NULL;
    }
    return buf;
}

/* Loads the command's "filename"; keeps it alive in the world when `keep`.
 * NULL with err filled on any failure. */
static wasm_module *load(script *s, const json_node *cmd, bool keep,
                         wasm_error *err)
{
    memset(err, 0, sizeof(*err));
    const char *file = json_get_str(cmd, "filename", NULL);
    size_t len;
    uint8_t *bytes = file ? read_wasm(s, file, &len, err) : NULL;
    if (bytes == NULL) {
        if (file == NULL)
            snprintf(err->message, sizeof(err->message), "no filename");
        err->kind = err->kind ? err->kind : WASM_ERR_NOMEM;
        return NULL;
    }
    wasm_module *m = wasm_module_load(&s->w.rt, bytes, len, err);
    free(bytes);
    if (m != NULL && keep) {
        if (s->w.nmods == SPEC_MAX_MODULES) {
            wasm_module_free(m);
            err->kind = WASM_ERR_NOMEM;
            snprintf(err->message, sizeof(err->message), "too many modules");
            return NULL;
        }
        s->w.mods[s->w.nmods++] = (spec_mod){
            json_get_str(cmd, "name", NULL), m, NULL };
    }
    return m;
}

/* Calls f with fresh fuel; returns the engine's result and the values. */
static void call(script *s, wasm_func *f, const wasm_value *args,
                 uint32_t nargs, outcome *out)
{
    wasm_exec_set_fuel(s->w.exec, SPEC_FUEL);
    out->res = wasm_call(s->w.exec, f, args, nargs);
    out->nvals = 0;
    out->truncated = false;
    if (out->res.status == WASM_OK)
        out->nvals = wasm_exec_results(s->w.exec, out->vals, SPEC_MAX_VALUES);
    if (out->nvals > SPEC_MAX_VALUES) {     /* more than the runner keeps */
        out->nvals = SPEC_MAX_VALUES;
        out->truncated = true;
    }
    if (out->res.status == WASM_PAUSED)
        wasm_exec_reset(s->w.exec);
}

/* Needs m, the newest module of the world; links and instantiates it and
 * runs its start function.  The instance (even one whose start function
 * trapped) is kept in the world.  Returns WASM_ERR_NONE, WASM_ERR_LINK
 * (also for names the registry does not know) or WASM_ERR_TRAP, with the
 * reason in err->message; *inst is the usable instance or NULL. */
static wasm_error_kind instantiate(script *s, wasm_module *m,
                                   wasm_instance **inst, wasm_error *err)
{
    uint32_t n = wasm_module_import_count(m);
    wasm_extern *imports = calloc(n ? n : 1, sizeof(*imports));
    *inst = NULL;
    memset(err, 0, sizeof(*err));
    if (imports == NULL || !spec_resolve(&s->w, m, imports, n, err->message,
                                         sizeof(err->message))) {
        free(imports);
        return err->kind = WASM_ERR_LINK;
    }
    wasm_instance *i = wasm_instantiate(&s->w.rt, m, imports, n, err);
    free(imports);
    if (i == NULL)
        return err->kind ? err->kind : WASM_ERR_NOMEM;
    s->w.mods[s->w.nmods - 1].inst = i;
    wasm_func *start = wasm_instance_start(i);
    if (start != NULL) {
        outcome o;
        call(s, start, NULL, 0, &o);
        if (o.res.status != WASM_OK) {
            snprintf(err->message, sizeof(err->message), "%s",
                     o.res.message ? o.res.message : "start function failed");
            return err->kind = WASM_ERR_TRAP;
        }
    }
    *inst = i;
    return WASM_ERR_NONE;
}

/* ---- messages ---------------------------------------------------------- */

/* The name of an error kind, for messages. */
static const char *kind_name(wasm_error_kind k)
{
    static const char *names[] = { "ok", "malformed", "invalid", "unlinkable",
                                   "trap", "out of memory" };
    return (unsigned)k < sizeof(names) / sizeof(names[0]) ? names[k] : "?";
}

/* The spec's trap text `want` matches the engine's `got` if got contains
 * it, or if want merely adds detail to got ("uninitialized element 2"). */
static bool trap_text_matches(const char *want, const char *got)
{
    if (want == NULL)
        return true;
    if (got == NULL || got[0] == '\0')
        return false;
    return strstr(got, want) != NULL ||
           strncmp(want, got, strlen(got)) == 0;
}

static void pass(script *s)
{
    s->c->passed++;
}

/* ---- actions ----------------------------------------------------------- */

/* Finds the instance of the newest module called `name` ("$M"), or the
 * current one when name is NULL. */
static wasm_instance *find_instance(script *s, const char *name)
{
    if (name == NULL)
        return s->current;
    for (uint32_t i = s->w.nmods; i-- > 0;)
        if (s->w.mods[i].name && strcmp(s->w.mods[i].name, name) == 0)
            return s->w.mods[i].inst;
    return NULL;
}

/* Parses the action's arguments into args; false with why set. */
static bool action_args(const json_node *action, wasm_value *args,
                        uint32_t *nargs, const char **why)
{
    const json_node *list = json_get(action, "args");
    bool ok = list != NULL && list->kind == JSON_ARRAY;
    *nargs = 0;
    for (const json_node *a = ok ? list->child : NULL; a; a = a->next) {
        if (*nargs == SPEC_MAX_VALUES) {
            *why = "too many arguments";
            return false;
        }
        if (!spec_parse_value(a, &args[(*nargs)++], why))
            return false;
    }
    return true;
}

/* Runs an invoke or get action into *out; false (with a failure recorded
 * under `cause`) when it could not even be attempted. */
static bool do_action(script *s, const json_node *action, outcome *out)
{
    size_t flen = 0;
    const char *type = json_get_str(action, "type", NULL);
    const char *field = json_get_str(action, "field", &flen);
    wasm_instance *inst = find_instance(s, json_get_str(action, "module",
                                                        NULL));
    wasm_extern ext;
    char name[96];
    spec_format_name(name, sizeof(name), field ? field : "", flen);
    if (inst == NULL || type == NULL || field == NULL) {
        spec_fail(s->c, s->line, s->cmd, "no module instance for the action",
                  "\"%s\": no such module or it failed to instantiate", name);
        return false;
    }
    if (!wasm_instance_export_n(inst, field, flen, &ext)) {
        spec_fail(s->c, s->line, s->cmd, "export not found", "\"%s\"", name);
        return false;
    }
    if (strcmp(type, "get") == 0 && ext.kind == WASM_EXTERN_GLOBAL) {
        memset(out, 0, sizeof(*out));
        out->vals[0] = wasm_global_get(ext.of.global);
        out->nvals = 1;
        return true;
    }
    wasm_value args[SPEC_MAX_VALUES];
    uint32_t nargs;
    const char *why = NULL;
    if (strcmp(type, "invoke") != 0 || ext.kind != WASM_EXTERN_FUNC ||
        !action_args(action, args, &nargs, &why)) {
        spec_fail(s->c, s->line, s->cmd, "bad action",
                  "%s \"%s\": %s", type, name, why ? why : "wrong export kind");
        return false;
    }
    call(s, ext.of.func, args, nargs, out);
    return true;
}

/* A one-line description of how a call ended, for messages. */
static const char *status_text(const outcome *o)
{
    switch (o->res.status) {
    case WASM_OK: return "returned";
    case WASM_TRAPPED: return o->res.message ? o->res.message : "trap";
    case WASM_EXITED: return "exited";
    case WASM_PAUSED: return "paused";
    }
    return "?";
}

/* ---- commands ---------------------------------------------------------- */

/* module: load, instantiate, run start; it becomes the current module.
 * With --load-only it is only decoded and validated. */
static void cmd_module(script *s, const json_node *cmd)
{
    wasm_error err;
    s->current = NULL;
    wasm_module *m = load(s, cmd, true, &err);
    if (m == NULL) {
        spec_fail(s->c, s->line, s->cmd, "module failed to load",
                  "%s at offset %u: %s", kind_name(err.kind), err.offset,
                  err.message);
        return;
    }
    if (s->c->load_only) {
        pass(s);
        return;
    }
    if (instantiate(s, m, &s->current, &err) != WASM_ERR_NONE) {
        spec_fail(s->c, s->line, s->cmd, "module failed to instantiate",
                  "%s: %s", kind_name(err.kind), err.message);
        return;
    }
    pass(s);
}

/* register: makes an instance importable under the name "as". */
static void cmd_register(script *s, const json_node *cmd)
{
    size_t len;
    const char *as = json_get_str(cmd, "as", &len);
    const char *name = json_get_str(cmd, "name", NULL);
    wasm_instance *inst = find_instance(s, name);
    if (as == NULL || inst == NULL)
        spec_fail(s->c, s->line, s->cmd, "register of no instance",
                  "%s", name ? name : "(current)");
    else if (!spec_register(&s->w, as, len, inst))
        spec_fail(s->c, s->line, s->cmd, "runner limit", "too many registers");
    else
        pass(s);
}

/* action: runs it; it must not trap. */
static void cmd_action(script *s, const json_node *cmd)
{
    outcome o;
    if (!do_action(s, json_get(cmd, "action"), &o))
        return;
    if (o.res.status != WASM_OK)
        spec_fail(s->c, s->line, s->cmd, "action trapped", "%s",
                  status_text(&o));
    else
        pass(s);
}

/* Formats the values got and the expected list into buf, for a failure. */
static void format_results(char *buf, size_t n, const outcome *o,
                           const json_node *expected)
{
    size_t used = (size_t)snprintf(buf, n, "expected (");
    bool list = expected != NULL && expected->kind == JSON_ARRAY;
    for (const json_node *e = list ? expected->child : NULL;
         e && used < n; e = e->next) {
        spec_expect x;
        const char *why;
        char v[80];
        if (!spec_parse_expect(e, &x, &why))
            snprintf(v, sizeof(v), "<%s>", why);
        else
            spec_format_expect(v, sizeof(v), &x);
        used += (size_t)snprintf(buf + used, n - used, "%s%s", v,
                                 e->next ? " " : "");
    }
    for (uint32_t i = 0; i < o->nvals && used < n; i++) {
        char v[80];
        spec_format_value(v, sizeof(v), &o->vals[i]);
        used += (size_t)snprintf(buf + used, n - used, "%s%s",
                                 i ? " " : "), got (", v);
    }
    if (used < n)
        snprintf(buf + used, n - used, "%s)", o->nvals ? "" : "), got (");
}

/* True iff the outcome's values match the expected list exactly. */
static bool results_match(const outcome *o, const json_node *expected)
{
    if (expected == NULL || expected->kind != JSON_ARRAY || o->truncated ||
        json_count(expected) != o->nvals)
        return false;
    uint32_t i = 0;
    for (const json_node *e = expected->child; e; e = e->next, i++) {
        spec_expect x;
        const char *why;
        if (!spec_parse_expect(e, &x, &why) || !spec_match(&x, &o->vals[i]))
            return false;
    }
    return true;
}

/* assert_return: the action returns exactly the expected values. */
static void cmd_assert_return(script *s, const json_node *cmd)
{
    outcome o;
    const json_node *action = json_get(cmd, "action");
    if (!do_action(s, action, &o))
        return;
    char name[96];
    size_t flen = 0;
    const char *field = json_get_str(action, "field", &flen);
    spec_format_name(name, sizeof(name), field, flen);
    if (o.res.status != WASM_OK) {
        spec_fail(s->c, s->line, s->cmd, "trapped instead of returning",
                  "\"%s\": %s", name, status_text(&o));
        return;
    }
    const json_node *expected = json_get(cmd, "expected");
    if (results_match(&o, expected)) {
        pass(s);
        return;
    }
    char buf[1024];
    format_results(buf, sizeof(buf), &o, expected);
    spec_fail(s->c, s->line, s->cmd, "wrong result", "\"%s\": %s", name, buf);
}

/* assert_trap / assert_exhaustion on an action: it must trap with the
 * expected text.  (A module form is handled as assert_uninstantiable.) */
static void cmd_assert_trap(script *s, const json_node *cmd);

/* assert_invalid / assert_malformed: loading must fail with that kind
 * (--messages: an invalid module also with the spec's text; the texts of
 * malformed modules follow the reference decoder's reading order, which
 * the engine need not share).  Text-format modules (.wat) are skipped:
 * the engine reads binaries only. */
static void expect_load_error(script *s, const json_node *cmd,
                              wasm_error_kind want)
{
    const char *mtype = json_get_str(cmd, "module_type", NULL);
    if (mtype != NULL && strcmp(mtype, "text") == 0) {
        s->c->skipped++;
        s->c->text_skips++;
        return;
    }
    wasm_error err;
    wasm_module *m = load(s, cmd, false, &err);
    const char *text = json_get_str(cmd, "text", NULL);
    if (m != NULL) {
        wasm_module_free(m);
        spec_fail(s->c, s->line, s->cmd, "module accepted",
                  "expected %s (\"%s\")", kind_name(want), text ? text : "");
    } else if (err.kind != want) {
        spec_fail(s->c, s->line, s->cmd, "wrong error kind",
                  "expected %s (\"%s\"), got %s at offset %u: %s",
                  kind_name(want), text ? text : "", kind_name(err.kind),
                  err.offset, err.message);
    } else if (s->c->messages && want == WASM_ERR_INVALID &&
               !trap_text_matches(text, err.message)) {
        spec_fail(s->c, s->line, s->cmd, "wrong message",
                  "expected %s (\"%s\"), got %s at offset %u: %s",
                  kind_name(want), text ? text : "", kind_name(err.kind),
                  err.offset, err.message);
    } else {
        pass(s);
    }
}

static void cmd_assert_invalid(script *s, const json_node *cmd)
{
    expect_load_error(s, cmd, WASM_ERR_INVALID);
}

static void cmd_assert_malformed(script *s, const json_node *cmd)
{
    expect_load_error(s, cmd, WASM_ERR_MALFORMED);
}

/* assert_unlinkable / assert_uninstantiable: the module loads, and
 * instantiating it fails with `want` (the trap text checked for traps).
 * With --load-only, loading is the whole check. */
static void expect_inst_error(script *s, const json_node *cmd,
                              wasm_error_kind want)
{
    wasm_error err;
    wasm_instance *inst;
    const char *text = json_get_str(cmd, "text", NULL);
    if (load(s, cmd, true, &err) == NULL) {
        spec_fail(s->c, s->line, s->cmd, "module failed to load",
                  "%s at offset %u: %s", kind_name(err.kind), err.offset,
                  err.message);
        return;
    }
    if (s->c->load_only) {
        pass(s);
        return;
    }
    wasm_error_kind got = instantiate(s, s->w.mods[s->w.nmods - 1].module,
                                      &inst, &err);
    if (got == WASM_ERR_NONE)
        spec_fail(s->c, s->line, s->cmd, "module instantiated",
                  "expected %s (\"%s\")", kind_name(want), text ? text : "");
    else if (got != want)
        spec_fail(s->c, s->line, s->cmd, "wrong error kind",
                  "expected %s (\"%s\"), got %s: %s", kind_name(want),
                  text ? text : "", kind_name(got), err.message);
    else if (want == WASM_ERR_TRAP && !trap_text_matches(text, err.message))
        spec_fail(s->c, s->line, s->cmd, "wrong trap",
                  "expected \"%s\", got \"%s\"", text, err.message);
    else
        pass(s);
}

static void cmd_assert_unlinkable(script *s, const json_node *cmd)
{
    expect_inst_error(s, cmd, WASM_ERR_LINK);
}

static void cmd_assert_uninstantiable(script *s, const json_node *cmd)
{
    expect_inst_error(s, cmd, WASM_ERR_TRAP);
}

static void cmd_assert_trap(script *s, const json_node *cmd)
{
    const json_node *action = json_get(cmd, "action");
    if (action == NULL) {
        expect_inst_error(s, cmd, WASM_ERR_TRAP);
        return;
    }
    outcome o;
    if (!do_action(s, action, &o))
        return;
    const char *text = json_get_str(cmd, "text", NULL);
    if (o.res.status != WASM_TRAPPED)
        spec_fail(s->c, s->line, s->cmd, "no trap", "expected \"%s\", %s",
                  text ? text : "", status_text(&o));
    else if (!trap_text_matches(text, o.res.message))
        spec_fail(s->c, s->line, s->cmd, "wrong trap",
                  "expected \"%s\", got \"%s\"", text, status_text(&o));
    else
        pass(s);
}

/* ---- the script -------------------------------------------------------- */

/* Every command, and whether it runs code: with --load-only those are
 * skipped, except an assert_trap on a module (it has a "filename"), which
 * is assert_uninstantiable. */
static const struct {
    const char *type;
    void (*run)(script *s, const json_node *cmd);
    bool runs_code;
} commands[] = {
    { "module", cmd_module, false },
    { "register", cmd_register, true },
    { "action", cmd_action, true },
    { "assert_return", cmd_assert_return, true },
    { "assert_trap", cmd_assert_trap, true },
    { "assert_exhaustion", cmd_assert_trap, true },
    { "assert_invalid", cmd_assert_invalid, false },
    { "assert_malformed", cmd_assert_malformed, false },
    { "assert_unlinkable", cmd_assert_unlinkable, false },
    { "assert_uninstantiable", cmd_assert_uninstantiable, false },
};

/* Runs one command; an unknown type is a failure, not a skip. */
static void run_command(script *s, const json_node *cmd)
{
    const json_node *line = json_get(cmd, "line");
    const char *type = json_get_str(cmd, "type", NULL);
    s->line = line && line->kind == JSON_NUMBER ? (unsigned)atoi(line->str) : 0;
    s->cmd = type ? type : "?";
    for (size_t i = 0; type && i < sizeof(commands) / sizeof(commands[0]); i++)
        if (strcmp(type, commands[i].type) == 0) {
            if (s->c->load_only && commands[i].runs_code &&
                json_get(cmd, "filename") == NULL) {
                s->c->skipped++;
                s->c->exec_skips++;
                return;
            }
            commands[i].run(s, cmd);
            return;
        }
    spec_fail(s->c, s->line, s->cmd, "unknown command", "type \"%s\"", s->cmd);
}

/* See spectest.h. */
void spec_run_script(const json_node *doc, spec_counts *c)
{
    script *s = calloc(1, sizeof(*s));
    const json_node *list = json_get(doc, "commands");
    if (s == NULL || !spec_world_init(&s->w, c->verbose)) {
        spec_fail(c, 0, "setup", "runner setup failed", "out of memory");
    } else if (list == NULL || list->kind != JSON_ARRAY) {
        spec_fail(c, 0, "setup", "bad script", "no \"commands\" array");
    } else {
        s->c = c;
        for (const json_node *cmd = list->child; cmd; cmd = cmd->next)
            run_command(s, cmd);
    }
    if (s != NULL)
        spec_world_free(&s->w);
    free(s);
}
