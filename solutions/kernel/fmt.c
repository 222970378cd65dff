/*
 * fmt.c: the formatting engine behind kprintf and fmt_snprintf.
 *
 * A format string is read left to right.  Plain characters go straight to
 * the sink; a '%' starts a conversion specification, parsed into a
 * struct spec (flags, width, precision, length), then the argument is
 * converted to digits in a small buffer and emitted with padding.
 */
#include "fmt.h"

#include <stdbool.h>
#include <stdint.h>

#include "labtodo.h"

/* One parsed conversion specification, e.g. "%-08lx". */
struct spec {
    bool left;          /* '-': pad on the right */
    bool zero;          /* '0': pad with zeros instead of spaces */
    int width;          /* minimum field width (0 = none) */
    int prec;           /* %s: most characters to print (-1 = all) */
    int length;         /* 0 = int, 1 = long, 2 = long long, 3 = size_t */
};

/* Where output goes, plus how much has been produced so far. */
struct out {
    fmt_sink sink;
    void *arg;
    int count;
};

/* emit: one character to the sink, counted. */
static void emit(struct out *o, char c)
{
    o->sink(o->arg, c);
    o->count++;
}

/* emit_pad: n copies of c (nothing if n <= 0). */
static void emit_pad(struct out *o, char c, int n)
{
    while (n-- > 0)
        emit(o, c);
}

/*
 * emit_field: print the n characters at s as one field of the spec's
 * width: when the sign or prefix `pre` ("-", "0x" or "") plus s are
 * shorter than sp->width, the field is padded to the width, with spaces
 * on the left (right-aligned, the default), spaces on the right
 * (sp->left, the '-' flag) or zeros between `pre` and s (sp->zero, the '0'
 * flag, ignored when sp->left is set): "  -5", "-5  ", "-005", "0x00ff".
 * A field wider than the width is printed whole, never cut.
 */
static void emit_field(struct out *o, const struct spec *sp, const char *pre,
                       const char *s, int n)
{
    // LAB 1 BEGIN emit_field
    int npre = 0;
    while (pre[npre])
        npre++;
    int pad = sp->width - npre - n;
    if (!sp->left && !sp->zero)
        emit_pad(o, ' ', pad);
    for (int i = 0; i < npre; i++)
        emit(o, pre[i]);
    if (!sp->left && sp->zero)
        emit_pad(o, '0', pad);
    for (int i = 0; i < n; i++)
        emit(o, s[i]);
    if (sp->left)
        emit_pad(o, ' ', pad);
    // LAB 1 BUG emit_field_zeros_before_the_sign
    // int npre = 0;
    // while (pre[npre])
    //     npre++;
    // int pad = sp->width - npre - n;
    // if (!sp->left)
    //     emit_pad(o, sp->zero ? '0' : ' ', pad);
    // for (int i = 0; i < npre; i++)
    //     emit(o, pre[i]);
    // for (int i = 0; i < n; i++)
    //     emit(o, s[i]);
    // if (sp->left)
    //     emit_pad(o, ' ', pad);
    // LAB 1 STUB pads nothing, so numbers print but columns do not line up
    // (void)sp, (void)emit_pad;
    // LAB_TODO(1, "emit_field");
    // for (int i = 0; pre[i]; i++)
    //     emit(o, pre[i]);
    // for (int i = 0; i < n; i++)
    //     emit(o, s[i]);
    // LAB 1 END
}

/*
 * utoa: write v in the given base (10 or 16) as digits ending just before
 * `end`; returns the first digit.  Needs room for 20 digits (2^64 - 1 in
 * decimal).
 */
static char *utoa(uint64_t v, unsigned base, bool upper, char *end)
{
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char *p = end;
    do {
        *--p = digits[v % base];
        v /= base;
    } while (v != 0);
    return p;
}

/* fetch_signed: the next signed argument, of the spec's length. */
static int64_t fetch_signed(const struct spec *sp, va_list *ap)
{
    switch (sp->length) {
    case 1: return va_arg(*ap, long);
    case 2: return va_arg(*ap, long long);
    case 3: return (int64_t)va_arg(*ap, size_t);
    default: return va_arg(*ap, int);
    }
}

/* fetch_unsigned: the next unsigned argument, of the spec's length. */
static uint64_t fetch_unsigned(const struct spec *sp, va_list *ap)
{
    switch (sp->length) {
    case 1: return va_arg(*ap, unsigned long);
    case 2: return va_arg(*ap, unsigned long long);
    case 3: return va_arg(*ap, size_t);
    default: return va_arg(*ap, unsigned int);
    }
}

/* emit_number: %d %i %u %x %X %p. */
static void emit_number(struct out *o, struct spec *sp, char conv, va_list *ap)
{
    char buf[24];
    char *end = buf + sizeof buf;
    const char *pre = "";
    char *s;
    if (conv == 'd' || conv == 'i') {
        int64_t v = fetch_signed(sp, ap);
        uint64_t mag = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
        s = utoa(mag, 10, false, end);
        pre = v < 0 ? "-" : "";
    } else if (conv == 'p') {
        uintptr_t v = (uintptr_t)va_arg(*ap, void *);
        s = utoa(v, 16, false, end);
        while (end - s < 16)
            *--s = '0';
        pre = "0x";
    } else {
        unsigned base = conv == 'u' ? 10 : 16;
        s = utoa(fetch_unsigned(sp, ap), base, conv == 'X', end);
    }
    emit_field(o, sp, pre, s, (int)(end - s));
}

/* emit_string: %s (NULL prints "(null)") and %c. */
static void emit_string(struct out *o, struct spec *sp, char conv, va_list *ap)
{
    sp->zero = false;
    if (conv == 'c') {
        char c = (char)va_arg(*ap, int);
        emit_field(o, sp, "", &c, 1);
        return;
    }
    const char *s = va_arg(*ap, const char *);
    if (s == NULL)
        s = "(null)";
    int n = 0;
    while (s[n] && (sp->prec < 0 || n < sp->prec))
        n++;
    emit_field(o, sp, "", s, n);
}

/*
 * parse_spec: read flags, width, precision and length after a '%'.
 * Returns a pointer to the conversion character.
 */
static const char *parse_spec(const char *f, struct spec *sp, va_list *ap)
{
    *sp = (struct spec){ .prec = -1 };
    for (;; f++) {
        if (*f == '-')
            sp->left = true;
        else if (*f == '0')
            sp->zero = true;
        else
            break;
    }
    if (*f == '*') {
        sp->width = va_arg(*ap, int);
        if (sp->width < 0) {
            sp->left = true;
            sp->width = -sp->width;
        }
        f++;
    }
    for (; *f >= '0' && *f <= '9'; f++)
        sp->width = sp->width * 10 + (*f - '0');
    if (*f == '.') {
        f++;
        sp->prec = 0;
        if (*f == '*') {
            sp->prec = va_arg(*ap, int);
            f++;
        }
        for (; *f >= '0' && *f <= '9'; f++)
            sp->prec = sp->prec * 10 + (*f - '0');
    }
    if (*f == 'z') {
        sp->length = 3;
        f++;
    }
    for (; *f == 'l' && sp->length < 2; f++)
        sp->length++;
    return f;
}

/*
 * convert: carry out the conversion whose character is *f and whose
 * specification (parsed into sp) started at `start`, the '%'.  Returns
 * the last character consumed (f itself, or f - 1 when the format ended
 * in the middle of a specification).
 */
static const char *convert(struct out *o, struct spec *sp, const char *start,
                           const char *f, va_list *ap)
{
    switch (*f) {
    case 'd': case 'i': case 'u': case 'x': case 'X': case 'p':
        emit_number(o, sp, *f, ap);
        return f;
    case 's': case 'c':
        emit_string(o, sp, *f, ap);
        return f;
    case '%':
        emit(o, '%');
        return f;
    }
    for (; start < f; start++)      /* unknown or truncated: verbatim */
        emit(o, *start);
    if (*f == '\0')
        return f - 1;
    emit(o, *f);
    return f;
}

/*
 * fmt_vformat: format fmt with the arguments in ap, passing each output
 * character to sink(arg, c).  Returns the number of characters produced.
 * A '%' at the very end of fmt is printed as is.
 */
int fmt_vformat(fmt_sink sink, void *arg, const char *fmt, va_list ap)
{
    struct out o = { sink, arg, 0 };
    va_list args;
    va_copy(args, ap);
    for (const char *f = fmt; *f; f++) {
        if (*f != '%') {
            emit(&o, *f);
            continue;
        }
        struct spec sp;
        const char *conv = parse_spec(f + 1, &sp, &args);
        f = convert(&o, &sp, f, conv, &args);
    }
    va_end(args);
    return o.count;
}

/* A bounded buffer: keeps the first size-1 characters and a NUL. */
struct bufsink {
    char *buf;
    size_t size, used;
};

/* buf_put: the sink of fmt_vsnprintf; drops what does not fit. */
static void buf_put(void *arg, char c)
{
    struct bufsink *b = arg;
    if (b->used + 1 < b->size)
        b->buf[b->used++] = c;
}

/*
 * fmt_vsnprintf: like C's vsnprintf.  Writes at most size bytes including
 * the terminating NUL (nothing at all when size is 0) and returns the
 * length the full output would have had.
 */
int fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct bufsink b = { buf, size, 0 };
    int n = fmt_vformat(buf_put, &b, fmt, ap);
    if (size > 0)
        buf[b.used] = '\0';
    return n;
}

/* fmt_snprintf: like C's snprintf; see fmt_vsnprintf. */
int fmt_snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = fmt_vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}
