/*
 * spectest.h: what the files of the spec-test runner share.
 *
 *   spectest.c   main: options, the list of .wast files, per-file and total
 *                reports, the failure log (build/spec/failures.txt)
 *   specrun.c    one script: executes the wast2json commands in order
 *   spechost.c   the host side: allocator, the `spectest` module, the
 *                registry that resolves imports by (module, name)
 *   specvalue.c  values: parsing the JSON forms, comparing, printing
 *   json.c       the JSON reader
 */
#ifndef WISP_SPECTEST_H
#define WISP_SPECTEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "../wasm.h"
#include "json.h"

/* ---- limits ------------------------------------------------------------ */

/* Safe points (loop back-edges, calls) one call may pass before the fuel
 * hook stops it: a bug must not hang CI.  The heaviest call in the suite
 * needs under 1e5 (measured by building with a smaller -DSPEC_FUEL). */
#ifndef SPEC_FUEL
#define SPEC_FUEL         200000000ull
#endif
#define SPEC_MAX_VALUES   64     /* params/results of one call (suite: 17) */
#define SPEC_MAX_MODULES  1024   /* modules one script keeps (const: 402) */
#define SPEC_MAX_REGISTER 64     /* `register` entries in one script */
#define SPEC_PRINT_CAP    10     /* failures printed per file without -v */
#define SPEC_WASM_MAX     (64u << 20)  /* largest .wasm the runner reads */

#define SPEC_SIMD_REASON  "fixed-width SIMD is out of scope (spec/wasm.md)"
#define SPEC_TEXT_REASON  "text format"
#define SPEC_EXEC_REASON  "execution (--load-only)"

/* ---- values (specvalue.c) ---------------------------------------------- */

/* An expected result: a value, or a pattern the value must match. */
typedef enum {
    SPEC_EXACT,           /* bits must be equal */
    SPEC_NAN_CANONICAL,   /* nan:canonical */
    SPEC_NAN_ARITHMETIC,  /* nan:arithmetic */
    SPEC_REF_NONNULL,     /* (ref.func) / (ref.extern) without a value */
} spec_pattern;

typedef struct {
    wasm_value v;
    spec_pattern pattern;
} spec_expect;

/* Parses {"type": T, "value": V} into *out (argument form); false with
 * *why set for an unknown type or a bad number. */
bool spec_parse_value(const json_node *n, wasm_value *out, const char **why);
bool spec_parse_expect(const json_node *n, spec_expect *out, const char **why);

bool spec_match(const spec_expect *e, const wasm_value *got);

/* Formats for failure messages: "i32:42", "f32:0x7fc00000 (nan)". */
void spec_format_value(char *buf, size_t n, const wasm_value *v);
void spec_format_expect(char *buf, size_t n, const spec_expect *e);

/* Copies s[0, len) with non-printable bytes as \xx, for messages. */
void spec_format_name(char *buf, size_t n, const char *s, size_t len);

/* ---- host side (spechost.c) -------------------------------------------- */

/* One script's world: the spectest host objects, the modules and
 * instances it made, the names it registered.  Reset for every file, as
 * the reference interpreter does. */
typedef struct {
    const char *name;        /* "as" name, owned by the JSON document */
    size_t namelen;
    wasm_instance *inst;     /* NULL for the spectest host module */
} spec_reg;

typedef struct {
    const char *name;        /* "$M" or NULL, owned by the JSON document */
    wasm_module *module;
    wasm_instance *inst;     /* NULL until instantiated */
} spec_mod;

typedef struct {
    wasm_runtime rt;
    wasm_exec *exec;
    bool verbose;
    /* the spectest module */
    wasm_func *print[7];
    wasm_global *globals[4];
    wasm_table *table;
    wasm_memory *memory;
    spec_reg reg[SPEC_MAX_REGISTER];
    uint32_t nreg;
    spec_mod mods[SPEC_MAX_MODULES];
    uint32_t nmods;
} spec_world;

/* Creates the runtime, exec, spectest objects and registers "spectest";
 * false (with a message on stderr) when out of memory. */
bool spec_world_init(spec_world *w, bool verbose);
void spec_world_free(spec_world *w);

/* Resolves every import of m in the registry into imports[]; false with
 * `why` describing the first unknown import. */
bool spec_resolve(spec_world *w, const wasm_module *m, wasm_extern *imports,
                  uint32_t max, char *why, size_t whylen);

/* Registers inst (NULL: the host module) under name; false when full. */
bool spec_register(spec_world *w, const char *name, size_t len,
                   wasm_instance *inst);

/* ---- running a script (specrun.c) -------------------------------------- */

/* Counters and the failure sink of one file. */
typedef struct {
    const char *file;        /* "i32.wast", for messages */
    const char *dir;         /* where the .wasm files are */
    unsigned long passed, failed, skipped;
    unsigned long text_skips;
    unsigned long exec_skips;    /* --load-only: commands that run code */
    unsigned printed;
    bool verbose;
    bool load_only;          /* decode and validate only: modules are not
                                instantiated, actions are skipped */
    bool messages;           /* assert_invalid: the error message must
                                also be the spec's text */
    FILE *log;               /* failures.txt, or NULL */
} spec_counts;

/* Runs every command of the parsed script `doc` in a fresh world. */
void spec_run_script(const json_node *doc, spec_counts *c);

/* Records one failure of command `cmd` at `line`: counts it, prints it
 * (capped per file), logs it, and tallies it under `cause`, a short fixed
 * phrase ("wrong result", "no trap", ...) for the summary by cause. */
void spec_fail(spec_counts *c, unsigned line, const char *cmd,
               const char *cause, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

#endif /* WISP_SPECTEST_H */
