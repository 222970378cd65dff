/*
 * json.c: the bounded JSON reader (see json.h).
 *
 * A recursive-descent parser over an in-memory buffer.  Every read goes
 * through peek(), which checks the position against the length, so no
 * input can make it read outside the buffer; recursion is capped at
 * JSON_MAX_DEPTH.  Nodes and unescaped strings come from an arena of
 * malloc'ed blocks, so freeing a document is one walk down a list.
 */
#define _POSIX_C_SOURCE 200809L
#include "json.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ARENA_BLOCK (64u << 10)   /* arena grows in blocks of this size */

struct json_block {
    json_block *next;
    size_t used, size;
    max_align_t data[];
};

typedef struct {
    const char *text;
    size_t len, pos;
    unsigned line, depth;
    json_doc *doc;
} parser;

/* Needs n > 0; returns n bytes from the document's arena, or NULL when
 * malloc fails.  Blocks are never reallocated, so pointers stay valid. */
static void *arena_alloc(json_doc *doc, size_t n)
{
    n = (n + sizeof(max_align_t) - 1) & ~(sizeof(max_align_t) - 1);
    json_block *b = doc->blocks;
    if (b == NULL || b->size - b->used < n) {
        size_t size = n > ARENA_BLOCK ? n : ARENA_BLOCK;
        b = malloc(sizeof(*b) + size);
        if (b == NULL)
            return NULL;
        b->size = size;
        b->used = 0;
        b->next = doc->blocks;
        doc->blocks = b;
    }
    void *p = (char *)b->data + b->used;
    b->used += n;
    return p;
}

/* Records the first error (with the current line); always returns false
 * so callers can `return fail(...)`. */
static bool fail(parser *p, const char *fmt, ...)
{
    if (p->doc->error[0] != '\0')
        return false;
    int n = snprintf(p->doc->error, sizeof(p->doc->error), "line %u: ",
                     p->line);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(p->doc->error + n, sizeof(p->doc->error) - (size_t)n, fmt, ap);
    va_end(ap);
    return false;
}

/* The byte at the current position, or -1 at the end. */
static int peek(const parser *p)
{
    return p->pos < p->len ? (unsigned char)p->text[p->pos] : -1;
}

/* Skips JSON whitespace, counting lines. */
static void skip_ws(parser *p)
{
    for (int c = peek(p); c == ' ' || c == '\t' || c == '\n' || c == '\r';
         c = peek(p)) {
        if (c == '\n')
            p->line++;
        p->pos++;
    }
}

/* Consumes the literal `word` (true, false, null) or fails. */
static bool expect_word(parser *p, const char *word)
{
    size_t n = strlen(word);
    if (p->len - p->pos < n || memcmp(p->text + p->pos, word, n) != 0)
        return fail(p, "bad literal");
    p->pos += n;
    return true;
}

/* Reads 4 hex digits of a \u escape into *out. */
static bool read_hex4(parser *p, uint32_t *out)
{
    *out = 0;
    for (int i = 0; i < 4; i++) {
        int c = peek(p);
        int v = c >= '0' && c <= '9' ? c - '0'
              : c >= 'a' && c <= 'f' ? c - 'a' + 10
              : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
        if (v < 0)
            return fail(p, "bad \\u escape");
        *out = *out << 4 | (uint32_t)v;
        p->pos++;
    }
    return true;
}

/* Writes code point cp as UTF-8 at out; returns the bytes written. */
static size_t put_utf8(char *out, uint32_t cp)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xc0 | cp >> 6);
        out[1] = (char)(0x80 | (cp & 0x3f));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xe0 | cp >> 12);
        out[1] = (char)(0x80 | (cp >> 6 & 0x3f));
        out[2] = (char)(0x80 | (cp & 0x3f));
        return 3;
    }
    out[0] = (char)(0xf0 | cp >> 18);
    out[1] = (char)(0x80 | (cp >> 12 & 0x3f));
    out[2] = (char)(0x80 | (cp >> 6 & 0x3f));
    out[3] = (char)(0x80 | (cp & 0x3f));
    return 4;
}

/* After a backslash and 'u': reads one escaped code point, joining a
 * surrogate pair; a lone surrogate is kept as is (wast2json never emits
 * one, and Wasm names are valid UTF-8). */
static bool read_unicode(parser *p, uint32_t *cp)
{
    if (!read_hex4(p, cp))
        return false;
    if (*cp < 0xd800 || *cp > 0xdbff)
        return true;
    if (p->len - p->pos < 6 || p->text[p->pos] != '\\' ||
        p->text[p->pos + 1] != 'u')
        return true;
    size_t save = p->pos;
    uint32_t lo;
    p->pos += 2;
    if (!read_hex4(p, &lo))
        return false;
    if (lo < 0xdc00 || lo > 0xdfff) {
        p->pos = save;
        return true;
    }
    *cp = 0x10000 + ((*cp - 0xd800) << 10) + (lo - 0xdc00);
    return true;
}

/* Reads one escape (after the backslash) into out; returns bytes written,
 * 0 on error.  The output never exceeds the input it consumed, so the
 * caller's buffer sized from the raw string is always large enough. */
static size_t read_escape(parser *p, char *out)
{
    int c = peek(p);
    p->pos++;
    switch (c) {
    case '"': case '\\': case '/': *out = (char)c; return 1;
    case 'b': *out = '\b'; return 1;
    case 'f': *out = '\f'; return 1;
    case 'n': *out = '\n'; return 1;
    case 'r': *out = '\r'; return 1;
    case 't': *out = '\t'; return 1;
    case 'u': {
        uint32_t cp;
        return read_unicode(p, &cp) ? put_utf8(out, cp) : 0;
    }
    default:
        fail(p, "bad escape");
        return 0;
    }
}

/* At an opening quote: reads the string into the arena, NUL-terminated. */
static bool read_string(parser *p, const char **str, size_t *len)
{
    p->pos++;
    size_t end = p->pos;
    while (end < p->len && p->text[end] != '"')
        end += p->text[end] == '\\' ? 2 : 1;
    if (end >= p->len)
        return fail(p, "unterminated string");
    char *out = arena_alloc(p->doc, end - p->pos + 1);
    if (out == NULL)
        return fail(p, "out of memory");
    size_t n = 0;
    while (p->pos < end) {
        int c = peek(p);
        if (c < 0x20)
            return fail(p, "control character in string");
        if (c != '\\') {
            out[n++] = (char)c;
            p->pos++;
            continue;
        }
        p->pos++;
        size_t k = read_escape(p, out + n);
        if (k == 0)
            return false;
        n += k;
    }
    p->pos++;                       /* the closing quote */
    out[n] = '\0';
    *str = out;
    *len = n;
    return true;
}

/* Reads a number's text (validated for JSON's grammar, value not needed). */
static bool read_number(parser *p, json_node *n)
{
    size_t start = p->pos;
    if (peek(p) == '-')
        p->pos++;
    if (!(peek(p) >= '0' && peek(p) <= '9'))
        return fail(p, "bad number");
    while ((peek(p) >= '0' && peek(p) <= '9') || peek(p) == '.' ||
           peek(p) == 'e' || peek(p) == 'E' || peek(p) == '+' ||
           peek(p) == '-')
        p->pos++;
    char *s = arena_alloc(p->doc, p->pos - start + 1);
    if (s == NULL)
        return fail(p, "out of memory");
    memcpy(s, p->text + start, p->pos - start);
    s[p->pos - start] = '\0';
    n->kind = JSON_NUMBER;
    n->str = s;
    n->len = p->pos - start;
    return true;
}

static bool read_value(parser *p, json_node *n);

/* At '[' or '{': reads the elements (objects: "key": value pairs) into a
 * sibling list under n. */
static bool read_container(parser *p, json_node *n, bool object)
{
    int close = object ? '}' : ']';
    json_node **tail = &n->child;
    n->kind = object ? JSON_OBJECT : JSON_ARRAY;
    p->pos++;
    skip_ws(p);
    if (peek(p) == close) {
        p->pos++;
        return true;
    }
    for (;;) {
        json_node *e = arena_alloc(p->doc, sizeof(*e));
        if (e == NULL)
            return fail(p, "out of memory");
        memset(e, 0, sizeof(*e));
        skip_ws(p);
        if (object) {
            if (peek(p) != '"')
                return fail(p, "expected a member name");
            if (!read_string(p, &e->key, &e->keylen))
                return false;
            skip_ws(p);
            if (peek(p) != ':')
                return fail(p, "expected ':'");
            p->pos++;
        }
        if (!read_value(p, e))
            return false;
        *tail = e;
        tail = &e->next;
        skip_ws(p);
        int c = peek(p);
        p->pos++;
        if (c == close)
            return true;
        if (c != ',')
            return fail(p, "expected ',' or '%c'", close);
    }
}

/* Reads any value into n, bounded by JSON_MAX_DEPTH. */
static bool read_value(parser *p, json_node *n)
{
    skip_ws(p);
    int c = peek(p);
    switch (c) {
    case '{':
    case '[': {
        if (++p->depth > JSON_MAX_DEPTH)
            return fail(p, "nested deeper than %d", JSON_MAX_DEPTH);
        bool ok = read_container(p, n, c == '{');
        p->depth--;
        return ok;
    }
    case '"':
        n->kind = JSON_STRING;
        return read_string(p, &n->str, &n->len);
    case 't':
    case 'f':
        n->kind = JSON_BOOL;
        n->boolean = c == 't';
        return expect_word(p, c == 't' ? "true" : "false");
    case 'n':
        n->kind = JSON_NULL;
        return expect_word(p, "null");
    case -1:
        return fail(p, "unexpected end of input");
    default:
        return read_number(p, n);
    }
}

/* See json.h. */
bool json_parse(json_doc *doc, const char *text, size_t len)
{
    memset(doc, 0, sizeof(*doc));
    parser p = { .text = text, .len = len, .line = 1, .doc = doc };
    if (len > JSON_MAX_BYTES)
        return fail(&p, "document larger than %u bytes", JSON_MAX_BYTES);
    doc->root = arena_alloc(doc, sizeof(json_node));
    if (doc->root == NULL)
        return fail(&p, "out of memory");
    memset(doc->root, 0, sizeof(json_node));
    if (!read_value(&p, doc->root))
        return false;
    skip_ws(&p);
    if (p.pos != p.len)
        return fail(&p, "trailing characters after the document");
    return true;
}

/* See json.h. */
void json_free(json_doc *doc)
{
    while (doc->blocks != NULL) {
        json_block *b = doc->blocks;
        doc->blocks = b->next;
        free(b);
    }
    doc->root = NULL;
}

/* See json.h. */
const json_node *json_get(const json_node *obj, const char *key)
{
    if (obj == NULL || obj->kind != JSON_OBJECT)
        return NULL;
    size_t n = strlen(key);
    for (const json_node *e = obj->child; e != NULL; e = e->next)
        if (e->keylen == n && memcmp(e->key, key, n) == 0)
            return e;
    return NULL;
}

/* See json.h. */
const char *json_get_str(const json_node *obj, const char *key, size_t *len)
{
    const json_node *n = json_get(obj, key);
    if (n == NULL || n->kind != JSON_STRING)
        return NULL;
    if (len != NULL)
        *len = n->len;
    return n->str;
}

/* See json.h. */
size_t json_count(const json_node *arr)
{
    size_t n = 0;
    if (arr != NULL && arr->kind == JSON_ARRAY)
        for (const json_node *e = arr->child; e != NULL; e = e->next)
            n++;
    return n;
}
