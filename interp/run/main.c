/*
 * main.c: wisp-run, the host runner for WASI command modules.
 *
 *   wisp-run [--dir HOST_DIR[:GUEST_DIR]]... [--env K=V]... [--fuel N]
 *            prog.wasm [args...]
 *   wisp-run [options] --invoke NAME prog.wasm [numbers...]
 *
 * Exit status: the program's exit code; 134 after a trap (reported as
 * "trap: <reason> in func N (name)"); 2 when the command line, the module
 * or its imports are wrong ("wisp-run: prog.wasm: <kind> at offset 0x..:
 * <message>").
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../host/host_alloc.h"
#include "run.h"
#include "wasi.h"

#define RUN_MAX_OPTS 256        /* --dir and --env options, each */

/* The parsed command line. */
typedef struct {
    char *dirs[RUN_MAX_OPTS];
    int ndirs;
    char *env[RUN_MAX_OPTS];
    int nenv;
    const char *invoke;         /* --invoke NAME, or NULL */
    uint64_t fuel;              /* --fuel N; 0 = unlimited */
    const char *prog;
    int nargs;                  /* the program's arguments after prog */
    char **args;
} run_opts;

/* Prints the usage text to f. */
static void usage(FILE *f)
{
    fprintf(f,
            "usage: wisp-run [--dir HOST_DIR[:GUEST_DIR]]... [--env K=V]... "
            "[--fuel N]\n"
            "                [--invoke NAME] prog.wasm [args...]\n"
            "  --dir     give the program HOST_DIR, named GUEST_DIR (default:\n"
            "            HOST_DIR); it can reach no file outside these\n"
            "  --env     add K=V to the program's environment (empty otherwise)\n"
            "  --fuel    stop the program after N loop iterations and calls\n"
            "  --invoke  call export NAME with the numbers args... and print\n"
            "            its results instead of running _start\n"
            "exit status: the program's; 134 after a trap; 2 for a bad module,\n"
            "import or command line\n");
}

/* Stores option value v in list[*n]; false when there are too many. */
static bool opt_push(char **list, int *n, char *v)
{
    if (*n >= RUN_MAX_OPTS) {
        fprintf(stderr, "wisp-run: more than %d --dir or --env options\n",
                RUN_MAX_OPTS);
        return false;
    }
    list[(*n)++] = v;
    return true;
}

/* Checks the value of one option; false (after a message) if bad. */
static bool opt_value(run_opts *o, const char *opt, char *v)
{
    char *end;
    if (strcmp(opt, "--dir") == 0)
        return opt_push(o->dirs, &o->ndirs, v);
    if (strcmp(opt, "--env") == 0) {
        if (!strchr(v, '=')) {
            fprintf(stderr, "wisp-run: --env needs KEY=VALUE, got '%s'\n", v);
            return false;
        }
        return opt_push(o->env, &o->nenv, v);
    }
    if (strcmp(opt, "--invoke") == 0) {
        o->invoke = v;
        return true;
    }
    errno = 0;
    o->fuel = strtoull(v, &end, 10);
    if (errno || *end || end == v || v[0] == '-' || o->fuel == 0) {
        fprintf(stderr, "wisp-run: --fuel needs a positive number, got '%s'\n",
                v);
        return false;
    }
    return true;
}

/* Parses argv into o; false (after a message) on a bad command line. */
static bool parse_args(int argc, char **argv, run_opts *o)
{
    static const char *const with_value[] = {"--dir", "--env", "--invoke",
                                             "--fuel"};
    int i = 1;
    memset(o, 0, sizeof *o);
    while (i < argc && argv[i][0] == '-' && argv[i][1] == '-') {
        const char *opt = argv[i++];
        bool known = false;
        if (strcmp(opt, "--") == 0)
            break;
        for (size_t k = 0; k < sizeof with_value / sizeof *with_value; k++)
            known |= strcmp(opt, with_value[k]) == 0;
        if (!known || i >= argc) {
            fprintf(stderr, "wisp-run: %s '%s'\n",
                    known ? "missing value for" : "unknown option", opt);
            return false;
        }
        if (!opt_value(o, opt, argv[i++]))
            return false;
    }
    if (i >= argc) {
        fprintf(stderr, "wisp-run: no module given\n");
        return false;
    }
    o->prog = argv[i];
    o->args = argv + i;          /* args[0] = prog, the guest's argv[0] */
    o->nargs = argc - i;
    return true;
}

/* ---- loading ------------------------------------------------------------ */

/* Reads a whole file; NULL (after a message) if it cannot be read. */
static uint8_t *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    uint8_t *buf = NULL;
    size_t cap = 0;
    *len = 0;
    if (!f) {
        fprintf(stderr, "wisp-run: %s: %s\n", path, strerror(errno));
        return NULL;
    }
    for (;;) {
        if (*len == cap) {
            uint8_t *nb = realloc(buf, cap = cap ? 2 * cap : 65536);
            if (!nb)
                break;
            buf = nb;
        }
        size_t n = fread(buf + *len, 1, cap - *len, f);
        *len += n;
        if (n == 0)
            break;
    }
    if (ferror(f) || *len == cap) {
        fprintf(stderr, "wisp-run: %s: read error\n", path);
        free(buf);
        buf = NULL;
    }
    fclose(f);
    return buf;
}

/* Prints a load/link error as "wisp-run: prog: <kind> at offset 0x..: msg". */
static void report_error(const char *prog, const wasm_error *err)
{
    static const char *const kinds[] = {
        [WASM_ERR_NONE] = "error", [WASM_ERR_MALFORMED] = "malformed module",
        [WASM_ERR_INVALID] = "invalid module", [WASM_ERR_LINK] = "link error",
        [WASM_ERR_TRAP] = "instantiation trap", [WASM_ERR_NOMEM] = "out of memory",
        [WASM_ERR_LIMIT] = "over a limit",
    };
    const char *kind = (unsigned)err->kind <= WASM_ERR_LIMIT ? kinds[err->kind]
                                                            : "error";
    fprintf(stderr, "wisp-run: %s: %s at offset 0x%" PRIx32 ": %s\n", prog,
            kind, err->offset, err->message);
}

/* Opens each --dir as a preopen (guest name = GUEST_DIR or HOST_DIR). */
static bool add_preopens(wasi_ctx *w, const run_opts *o)
{
    for (int i = 0; i < o->ndirs; i++) {
        char host[WASI_MAX_PATH];
        const char *colon = strchr(o->dirs[i], ':');
        size_t n = colon ? (size_t)(colon - o->dirs[i]) : strlen(o->dirs[i]);
        if (n == 0 || n >= sizeof host || (colon && !colon[1])) {
            fprintf(stderr, "wisp-run: --dir '%s': bad directory\n", o->dirs[i]);
            return false;
        }
        memcpy(host, o->dirs[i], n);
        host[n] = '\0';
        if (wasi_preopen(w, host, colon ? colon + 1 : host) < 0) {
            fprintf(stderr, "wisp-run: --dir '%s': %s\n", host, strerror(errno));
            return false;
        }
    }
    return true;
}

/*
 * Builds the import list: each import must be a WASI function.  On false
 * (after "unknown import" or out of memory) the functions made so far are
 * left in funcs for the caller to free.
 */
static bool resolve_imports(wasi_ctx *w, const wasm_runtime *rt,
                            const wasm_module *m, const char *prog,
                            wasm_extern *ext, wasm_func **funcs)
{
    static const char *const kinds[] = {"function", "table", "memory", "global"};
    uint32_t n = wasm_module_import_count(m);
    for (uint32_t i = 0; i < n; i++) {
        wasm_extern_desc d;
        bool known = false;
        wasm_module_import(m, i, &d);
        if (d.kind == WASM_EXTERN_FUNC &&
            strcmp(d.module, "wasi_snapshot_preview1") == 0)
            funcs[i] = wasi_func(w, rt, d.name, &known);
        if (!funcs[i]) {
            fprintf(stderr, "wisp-run: %s: %s: %s.%s (%s)\n", prog,
                    known ? "out of memory" : "unknown import", d.module,
                    d.name, kinds[d.kind & 3]);
            return false;
        }
        ext[i].kind = WASM_EXTERN_FUNC;
        ext[i].of.func = funcs[i];
    }
    return true;
}

/* ---- running ------------------------------------------------------------- */

/* run_status: see run.h. */
int run_status(const wasm_module *m, wasm_result r)
{
    const char *name;
    switch (r.status) {
    case WASM_OK:
        return 0;
    case WASM_EXITED:
        return r.exit_code;
    case WASM_TRAPPED:
        name = wasm_module_func_name(m, r.func_index);
        fprintf(stderr, "trap: %s in func %" PRIu32, r.message, r.func_index);
        fprintf(stderr, name ? " (%s)\n" : "\n", name);
        return RUN_EXIT_TRAP;
    default:
        fprintf(stderr, "trap: paused call cannot continue\n");
        return RUN_EXIT_TRAP;
    }
}

/* --fuel: the tank ran dry, so stop ("stopped by embedder"). */
static wasm_hook_action fuel_out(wasm_exec *ex, void *ctx)
{
    (void)ex;
    (void)ctx;
    return WASM_HOOK_STOP;
}

/*
 * Runs an instantiated module: the start function, then either
 * --invoke's export or _start.  Returns the exit status.
 */
static int run_instance(const run_opts *o, wasm_exec *ex, wasm_instance *inst)
{
    const wasm_module *m = wasm_instance_module(inst);
    wasm_func *start = wasm_instance_start(inst);
    wasm_extern e;
    if (start) {
        wasm_result r = wasm_call(ex, start, NULL, 0);
        if (r.status != WASM_OK)
            return run_status(m, r);
    }
    if (o->invoke)
        return run_invoke(ex, inst, o->invoke, o->nargs - 1, o->args + 1);
    if (!wasm_instance_export(inst, "_start", &e) ||
        e.kind != WASM_EXTERN_FUNC) {
        fprintf(stderr, "wisp-run: %s: no exported function _start "
                "(not a WASI command; try --invoke)\n", o->prog);
        return RUN_EXIT_USAGE;
    }
    return run_status(m, wasm_call(ex, e.of.func, NULL, 0));
}

/*
 * Links the module with WASI and runs it.  Needs a loaded module; returns
 * the exit status.
 */
static int run_module(const run_opts *o, const wasm_runtime *rt,
                      wasm_module *m)
{
    static wasi_ctx w;
    uint32_t n = wasm_module_import_count(m);
    wasm_extern *ext = calloc(n + 1, sizeof *ext);
    wasm_func **funcs = calloc(n + 1, sizeof *funcs);
    wasm_instance *inst = NULL;
    wasm_exec *ex = NULL;
    wasm_error err;
    int status = RUN_EXIT_USAGE;
    wasi_init(&w, o->invoke ? 1 : o->nargs, o->args, o->nenv, o->env);
    if (!ext || !funcs || !add_preopens(&w, o) ||
        !resolve_imports(&w, rt, m, o->prog, ext, funcs))
        goto out;
    if (!(inst = wasm_instantiate(rt, m, ext, n, &err))) {
        report_error(o->prog, &err);
        status = err.kind == WASM_ERR_TRAP ? RUN_EXIT_TRAP : RUN_EXIT_USAGE;
        goto out;
    }
    w.inst = inst;
    if (!(ex = wasm_exec_new(rt))) {
        fprintf(stderr, "wisp-run: out of memory\n");
        goto out;
    }
    if (o->fuel) {
        wasm_exec_set_hook(ex, fuel_out, NULL);
        wasm_exec_set_fuel(ex, o->fuel);
    }
    status = run_instance(o, ex, inst);
out:
    if (ex)
        wasm_exec_free(ex);
    if (inst)
        wasm_instance_free(inst);
    for (uint32_t i = 0; funcs && i < n; i++)
        if (funcs[i])
            wasm_func_free(funcs[i]);
    free(ext);
    free(funcs);
    wasi_fini(&w);
    return status;
}

int main(int argc, char **argv)
{
    wasm_allocator a = host_allocator();
    wasm_runtime rt;
    wasm_error err;
    wasm_module *m;
    run_opts o;
    uint8_t *bytes;
    size_t len;
    int status;
    if (argc == 2 && strcmp(argv[1], "--help") == 0) {
        usage(stdout);
        return 0;
    }
    if (!parse_args(argc, argv, &o)) {
        usage(stderr);
        return RUN_EXIT_USAGE;
    }
    if (!(bytes = read_file(o.prog, &len)))
        return RUN_EXIT_USAGE;
    wasm_runtime_init(&rt, a);
    m = wasm_module_load(&rt, bytes, len, &err);
    free(bytes);
    if (!m) {
        report_error(o.prog, &err);
        return RUN_EXIT_USAGE;
    }
    status = run_module(&o, &rt, m);
    wasm_module_free(m);
    fflush(stdout);
    return status;
}
