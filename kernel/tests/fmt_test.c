/*
 * fmt_test.c: host unit test of kernel/fmt.c (the kprintf engine).
 *
 * Each CHECK formats into a buffer and compares with the expected string
 * and length.  Prints one line per failure and a summary; exits 1 if any
 * check failed.  Run by harness/tests/test_kernel_host.py.
 */
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "fmt.h"
#include "groups.h"

static int nchecks, nfailed;

/* vcheck: format fmt/ap and compare with want; report a mismatch. */
static void vcheck(int line, const char *want, const char *fmt, va_list ap)
{
    char buf[256];
    int n = fmt_vsnprintf(buf, sizeof buf, fmt, ap);
    nchecks++;
    if (strcmp(buf, want) != 0 || n != (int)strlen(want)) {
        nfailed++;
        printf("FAIL line %d: format \"%s\": got \"%s\" (%d), want \"%s\" (%d)\n",
               line, fmt, buf, n, want, (int)strlen(want));
    }
}

/* check: the compiler checks fmt against the arguments. */
__attribute__((format(printf, 3, 4)))
static void check(int line, const char *want, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vcheck(line, want, fmt, ap);
    va_end(ap);
}

/* check_raw: for formats the compiler would (rightly) warn about. */
static void check_raw(int line, const char *want, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vcheck(line, want, fmt, ap);
    va_end(ap);
}

#define CHECK(...) check(__LINE__, __VA_ARGS__)
#define CHECK_RAW(...) check_raw(__LINE__, __VA_ARGS__)

/* test_integers: %d %i %u %x %X with every length modifier. */
static void test_integers(void)
{
    CHECK("0", "%d", 0);
    CHECK("42", "%d", 42);
    CHECK("-42", "%i", -42);
    CHECK("2147483647", "%d", INT_MAX);
    CHECK("-2147483648", "%d", INT_MIN);
    CHECK("4294967295", "%u", UINT_MAX);
    CHECK("ff", "%x", 255);
    CHECK("FF", "%X", 255);
    CHECK("deadbeef", "%x", 0xdeadbeefu);
    CHECK("-9223372036854775808", "%ld", LONG_MIN);
    CHECK("9223372036854775807", "%lld", LLONG_MAX);
    CHECK("18446744073709551615", "%lu", ULONG_MAX);
    CHECK("ffffffffffffffff", "%llx", ULLONG_MAX);
    CHECK("123456789012", "%zu", (size_t)123456789012ull);
    CHECK("ffffffff80100000", "%lx", 0xffffffff80100000ul);
    CHECK("-1", "%d", -1);
    CHECK("4294967295", "%u", -1);        /* int -1 read as unsigned */
}

/* test_width: field width, '0' padding, '-' alignment, '*'. */
static void test_width(void)
{
    CHECK("   42", "%5d", 42);
    CHECK("42   |", "%-5d|", 42);
    CHECK("00042", "%05d", 42);
    CHECK("-0042", "%05d", -42);
    CHECK("  -42", "%5d", -42);
    CHECK("-42  |", "%-5d|", -42);
    CHECK("000000ff", "%08x", 255);
    CHECK("0x000000ff", "0x%08x", 255);
    CHECK("12345", "%3d", 12345);         /* width is a minimum */
    CHECK("   ab", "%5s", "ab");
    CHECK("ab   |", "%-5s|", "ab");
    CHECK("    x", "%5c", 'x');
    CHECK("x    |", "%-5c|", 'x');
    CHECK("   7", "%*d", 4, 7);
    CHECK("7   |", "%*d|", -4, 7);
    CHECK_RAW("42   |", "%-05d|", 42);    /* '-' wins over '0' */
    CHECK("0000000000000010", "%016lx", 16ul);
}

/* test_strings: %s (with precision), %c, %%. */
static void test_strings(void)
{
    CHECK("hello", "%s", "hello");
    CHECK("", "%s", "");
    CHECK("hel", "%.3s", "hello");
    CHECK("hello", "%.10s", "hello");
    CHECK("he", "%.*s", 2, "hello");
    CHECK("  hel", "%5.3s", "hello");
    CHECK("a", "%c", 'a');
    CHECK("100%", "100%%");
    CHECK("%d", "%%d");
    CHECK("a b c", "%s %c %s", "a", 'b', "c");
    CHECK("no conversions", "no conversions");
    CHECK_RAW("(null)", "%s", (const char *)NULL);
}

/* test_pointers_and_odd: %p, unknown conversions, a trailing '%'. */
static void test_pointers_and_odd(void)
{
    CHECK("0xffffffff80101234", "%p", (void *)0xffffffff80101234ul);
    CHECK("0x0000000000000000", "%p", (void *)0);
    CHECK("0x00000000000000ab", "%p", (void *)0xab);
    CHECK("[0x0000000000001000]", "[%p]", (void *)0x1000);
    CHECK_RAW("%q", "%q");                /* unknown conversion: verbatim */
    CHECK_RAW("%5q", "%5q");
    CHECK_RAW("x%", "x%");                /* a lone % at the end */
    CHECK("rip=0x0000000000000010 fn+0x1a", "rip=%p %s+0x%x",
          (void *)16, "fn", 0x1a);
}

/* test_truncation: snprintf semantics at small buffer sizes. */
static void test_truncation(void)
{
    char buf[8];
    memset(buf, 'X', sizeof buf);
    int n = fmt_snprintf(buf, 4, "%s", "abcdef");
    nchecks++;
    if (n != 6 || strcmp(buf, "abc") != 0 || buf[4] != 'X') {
        nfailed++;
        printf("FAIL truncation: n=%d buf=\"%s\"\n", n, buf);
    }
    memset(buf, 'X', sizeof buf);
    n = fmt_snprintf(buf, 0, "%d", 12345);
    nchecks++;
    if (n != 5 || buf[0] != 'X') {
        nfailed++;
        printf("FAIL size 0: n=%d, buf touched\n", n);
    }
}

static const struct test_group groups[] = {
    { "integers", test_integers },
    { "width", test_width },
    { "strings", test_strings },
    { "pointers", test_pointers_and_odd },
    { "truncation", test_truncation },
};

/*
 * main: run the groups named as arguments (all of them when none is);
 * exit status 1 if any check failed, 2 for an unknown group.
 */
int main(int argc, char **argv)
{
    if (run_groups(groups, sizeof groups / sizeof groups[0], argc, argv))
        return 2;
    printf("fmt_test: %d checks, %d failed\n", nchecks, nfailed);
    return nfailed ? 1 : 0;
}
