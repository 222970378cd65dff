/*
 * spectest.c: the spec-test runner's main program.
 *
 *   spectest [-v] [--suite DIR] [--spec-dir DIR] [--failures FILE]
 *            [--load-only] [--messages] [NAME...]
 *
 * Runs the converted scripts of the official suite: for every *.wast in
 * the suite directory (or only the NAMEs given: "i32", "i32.wast", or a
 * path to any wast2json .json file) it reads SPEC_DIR/<name>/<name>.json
 * and runs its commands.  Prints one line per file, the failures under it
 * (SPEC_PRINT_CAP per file unless -v), the skip reasons, and last the
 * line `spectest: N passed, M failed, K skipped`.  Exit status 1 iff M > 0
 * (2 for a usage or setup error).  --failures writes every failure,
 * grouped by cause and by file, for the engine's authors.
 *
 * --load-only tests the decoder and validator alone (lab 3's grader): a
 * module is loaded but not instantiated, and the commands that would run
 * code are skipped.  --messages also holds assert_invalid to the spec's
 * error text, not only its kind.
 */
#define _POSIX_C_SOURCE 200809L
#include "spectest.h"

#include <dirent.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define SPEC_MAX_FILES  1024   /* .wast files in one run */
#define SPEC_MAX_CAUSES 4096   /* distinct (file, cause) pairs tallied */

typedef struct {
    const char *file, *cause;
    unsigned long count;
} tally;

static struct {
    const char *suite, *spec_dir, *failures;
    bool verbose, load_only, messages;
    tally causes[SPEC_MAX_CAUSES];
    unsigned ncauses;
    FILE *printed;             /* this file's failures, shown after its line */
    char *printed_buf;
    size_t printed_len;
} opt = { "../shared/wasm-testsuite", "build/spec", NULL, false, false, false,
          {{0}}, 0, NULL, NULL, 0 };

/* Counts one failure under (file, cause); `cause` is a string literal,
 * `file` is copied. */
static void tally_cause(const char *file, const char *cause)
{
    for (unsigned i = 0; i < opt.ncauses; i++)
        if (strcmp(opt.causes[i].file, file) == 0 &&
            strcmp(opt.causes[i].cause, cause) == 0) {
            opt.causes[i].count++;
            return;
        }
    char *copy = strdup(file);
    if (copy != NULL && opt.ncauses < SPEC_MAX_CAUSES)
        opt.causes[opt.ncauses++] = (tally){ copy, cause, 1 };
    else
        free(copy);
}

/* See spectest.h. */
void spec_fail(spec_counts *c, unsigned line, const char *cmd,
               const char *cause, const char *fmt, ...)
{
    char detail[1200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(detail, sizeof(detail), fmt, ap);
    va_end(ap);
    c->failed++;
    tally_cause(c->file, cause);
    if ((c->verbose || c->printed < SPEC_PRINT_CAP) && opt.printed) {
        fprintf(opt.printed, "  FAIL %s:%u: %s: %s: %s\n", c->file, line, cmd,
                cause, detail);
        c->printed++;
    }
    if (c->log != NULL)
        fprintf(c->log, "%s:%u: %s: %s: %s\n", c->file, line, cmd, cause,
                detail);
}

/* Reads a whole file into a malloc'ed NUL-terminated buffer, or NULL. */
static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    char *buf = NULL;
    long size = fseek(f, 0, SEEK_END) == 0 ? ftell(f) : -1;
    if (size >= 0 && size <= (long)JSON_MAX_BYTES &&
        fseek(f, 0, SEEK_SET) == 0)
        buf = malloc((size_t)size + 1);
    if (buf != NULL && fread(buf, 1, (size_t)size, f) != (size_t)size) {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    if (buf != NULL) {
        buf[size] = '\0';
        *len = (size_t)size;
    }
    return buf;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Lists the suite's *.wast files (names without ".wast"), sorted, into
 * names[]; returns how many, or -1 if the suite directory is missing. */
static int list_suite(char **names, int max)
{
    DIR *d = opendir(opt.suite);
    if (d == NULL)
        return -1;
    int n = 0;
    for (struct dirent *e; (e = readdir(d)) != NULL && n < max;) {
        size_t len = strlen(e->d_name);
        if (len > 5 && strcmp(e->d_name + len - 5, ".wast") == 0)
            names[n++] = strndup(e->d_name, len - 5);
    }
    closedir(d);
    qsort(names, (size_t)n, sizeof(char *), cmp_str);
    return n;
}

/* Totals over all files, and the skip reasons. */
static struct {
    unsigned long passed, failed, skipped;
    unsigned long simd_files, simd_cmds, text_cmds, exec_cmds;
} total;

/* Prints the file's line, then its buffered failures. */
static void report_file(const spec_counts *c, const char *note)
{
    fflush(opt.printed);
    printf("%s: %lu passed, %lu failed, %lu skipped%s\n", c->file, c->passed,
           c->failed, c->skipped, note);
    fwrite(opt.printed_buf, 1, opt.printed_len, stdout);
    if (c->failed > c->printed)
        printf("  ... %lu more failures (-v shows all; --failures logs all)\n",
               c->failed - c->printed);
    rewind(opt.printed);
    opt.printed_len = 0;
    total.passed += c->passed;
    total.failed += c->failed;
    total.skipped += c->skipped;
    total.text_cmds += c->text_skips;
    total.exec_cmds += c->exec_skips;
}

/* Runs (or, for SIMD, skips) one script: `json` is its path, `dir` where
 * its .wasm files are. */
static void run_file(spec_counts *c, const char *json, bool simd)
{
    size_t len;
    json_doc doc;
    char *text = read_file(json, &len);
    bool parsed = text != NULL && json_parse(&doc, text, len);
    if (simd) {
        c->skipped = parsed ? json_count(json_get(doc.root, "commands")) : 1;
        c->skipped = c->skipped ? c->skipped : 1;
        total.simd_files++;
        total.simd_cmds += c->skipped;
    } else if (text == NULL) {
        spec_fail(c, 0, "convert", "script not converted",
                  "cannot read %s (did wast2json fail?)", json);
    } else if (!parsed) {
        spec_fail(c, 0, "convert", "bad JSON", "%s: %s", json, doc.error);
    } else {
        spec_run_script(doc.root, c);
    }
    if (text != NULL)
        json_free(&doc);
    free(text);
    report_file(c, simd ? " (" SPEC_SIMD_REASON ")" : "");
}

/* snprintf that reports truncation (a path too long) as false. */
static bool fmt(char *buf, size_t n, const char *f, ...)
{
    va_list ap;
    va_start(ap, f);
    int k = vsnprintf(buf, n, f, ap);
    va_end(ap);
    return k >= 0 && (size_t)k < n;
}

/* Runs the script called `name`: a suite name or a path to a .json. */
static void run_name(const char *name, FILE *log)
{
    char json[4096], dir[4096], file[512];
    size_t len = strlen(name);
    const char *slash = strrchr(name, '/');
    int base = len > 5 && strcmp(name + len - 5, ".wast") == 0
                   ? (int)len - 5 : (int)len;
    bool ok;
    if (len > 5 && strcmp(name + len - 5, ".json") == 0)
        ok = fmt(json, sizeof(json), "%s", name) &&
             fmt(dir, sizeof(dir), "%.*s", slash ? (int)(slash - name) : 1,
                 slash ? name : ".") &&
             fmt(file, sizeof(file), "%s", slash ? slash + 1 : name);
    else
        ok = fmt(dir, sizeof(dir), "%s/%.*s", opt.spec_dir, base, name) &&
             fmt(json, sizeof(json), "%s/%.*s.json", dir, base, name) &&
             fmt(file, sizeof(file), "%.*s.wast", base, name);
    spec_counts c = { .file = ok ? file : name, .dir = dir,
                      .verbose = opt.verbose, .load_only = opt.load_only,
                      .messages = opt.messages, .log = log };
    if (!ok) {
        spec_fail(&c, 0, "setup", "bad name", "path too long");
        report_file(&c, "");
        return;
    }
    run_file(&c, json, strncmp(file, "simd_", 5) == 0);
}

/* Writes the summary by cause (all files, then per file) to the log. */
static void write_causes(FILE *log)
{
    fprintf(log, "\n# failures by file and cause\n");
    for (unsigned i = 0; i < opt.ncauses; i++)
        fprintf(log, "%6lu  %s: %s\n", opt.causes[i].count,
                opt.causes[i].file, opt.causes[i].cause);
    fprintf(log, "\n# failures by cause, all files\n");
    for (unsigned i = 0; i < opt.ncauses; i++) {
        unsigned long n = 0;
        bool seen = false;
        for (unsigned j = 0; j < opt.ncauses; j++) {
            seen |= j < i && strcmp(opt.causes[j].cause,
                                    opt.causes[i].cause) == 0;
            if (strcmp(opt.causes[j].cause, opt.causes[i].cause) == 0)
                n += opt.causes[j].count;
        }
        if (!seen)
            fprintf(log, "%6lu  %s\n", n, opt.causes[i].cause);
    }
}

/* Parses the options; returns the index of the first NAME, or -1. */
static int parse_args(int argc, char **argv)
{
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        const char *a = argv[i];
        if (strcmp(a, "-v") == 0)
            opt.verbose = true;
        else if (strcmp(a, "--suite") == 0 && i + 1 < argc)
            opt.suite = argv[++i];
        else if (strcmp(a, "--spec-dir") == 0 && i + 1 < argc)
            opt.spec_dir = argv[++i];
        else if (strcmp(a, "--failures") == 0 && i + 1 < argc)
            opt.failures = argv[++i];
        else if (strcmp(a, "--load-only") == 0)
            opt.load_only = true;
        else if (strcmp(a, "--messages") == 0)
            opt.messages = true;
        else
            return -1;
    }
    return i;
}

/* Runs the chosen files, prints the totals, writes the failure log. */
int main(int argc, char **argv)
{
    static char *names[SPEC_MAX_FILES];
    int first = parse_args(argc, argv);
    if (first < 0) {
        fprintf(stderr, "usage: spectest [-v] [--suite DIR] [--spec-dir DIR]"
                        " [--failures FILE] [--load-only] [--messages]"
                        " [NAME|FILE.json ...]\n");
        return 2;
    }
    int n = argc - first;
    if (n == 0 && (n = list_suite(names, SPEC_MAX_FILES)) < 0) {
        fprintf(stderr, "spectest: the test suite is not at %s "
                        "(set WASM_TESTSUITE / --suite)\n", opt.suite);
        return 2;
    }
    FILE *log = opt.failures ? fopen(opt.failures, "w") : NULL;
    FILE *all = log ? tmpfile() : NULL;
    opt.printed = open_memstream(&opt.printed_buf, &opt.printed_len);
    if (opt.printed == NULL || (opt.failures && (log == NULL || all == NULL))) {
        fprintf(stderr, "spectest: cannot open the failure log %s\n",
                opt.failures ? opt.failures : "(memstream)");
        return 2;
    }
    for (int i = 0; i < n; i++)
        run_name(argc > first ? argv[first + i] : names[i], all);
    if (total.simd_files)
        printf("skip: %lu commands in %lu files: %s\n", total.simd_cmds,
               total.simd_files, SPEC_SIMD_REASON);
    if (total.text_cmds)
        printf("skip: %lu commands: %s\n", total.text_cmds, SPEC_TEXT_REASON);
    if (total.exec_cmds)
        printf("skip: %lu commands: %s\n", total.exec_cmds, SPEC_EXEC_REASON);
    printf("spectest: %lu passed, %lu failed, %lu skipped\n", total.passed,
           total.failed, total.skipped);
    if (log != NULL) {
        fprintf(log, "# spectest: %lu passed, %lu failed, %lu skipped\n",
                total.passed, total.failed, total.skipped);
        write_causes(log);
        fprintf(log, "\n# every failure\n");
        rewind(all);
        for (int ch; (ch = getc(all)) != EOF;)
            putc(ch, log);
        fclose(all);
        fclose(log);
    }
    for (int i = 0; i < SPEC_MAX_FILES && names[i]; i++)
        free(names[i]);
    fclose(opt.printed);
    free(opt.printed_buf);
    return total.failed ? 1 : 0;
}
