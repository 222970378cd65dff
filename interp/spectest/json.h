/*
 * json.h: a small, bounded JSON reader for the spec-test runner.
 *
 * It reads the whole document into a tree of nodes allocated from one
 * arena that json_free releases at once.  It is strict (RFC 8259 syntax,
 * no trailing commas) and bounded: nesting deeper than JSON_MAX_DEPTH or a
 * document larger than JSON_MAX_BYTES is an error with a line number,
 * never a crash.  Strings are unescaped to UTF-8 and keep their length,
 * because Wasm names may contain NUL (\u0000).
 */
#ifndef WISP_SPECTEST_JSON_H
#define WISP_SPECTEST_JSON_H

#include <stdbool.h>
#include <stddef.h>

#define JSON_MAX_DEPTH 64             /* wast2json nests 5 deep */
#define JSON_MAX_BYTES (256u << 20)   /* largest .json is a few MiB */

typedef enum {
    JSON_NULL,
    JSON_BOOL,
    JSON_NUMBER,    /* text kept in str: the runner never needs doubles */
    JSON_STRING,
    JSON_ARRAY,
    JSON_OBJECT,
} json_kind;

typedef struct json_node json_node;
struct json_node {
    json_kind kind;
    const char *key;        /* member name inside an object, else NULL */
    size_t keylen;
    const char *str;        /* STRING: unescaped, NUL-terminated;
                               NUMBER: its text */
    size_t len;             /* bytes in str, not counting the NUL */
    bool boolean;           /* BOOL */
    json_node *child;       /* ARRAY/OBJECT: first element or member */
    json_node *next;        /* next sibling */
};

typedef struct json_block json_block;

typedef struct {
    json_node *root;
    json_block *blocks;     /* the arena */
    char error[160];        /* why json_parse failed */
} json_doc;

/* Parses text[0, len) into doc; false with doc->error set on bad input.
 * Either way json_free releases what was allocated. */
bool json_parse(json_doc *doc, const char *text, size_t len);
void json_free(json_doc *doc);

/* Member `key` of object `obj`, or NULL (also when obj is not an object). */
const json_node *json_get(const json_node *obj, const char *key);

/* Member `key` as a NUL-terminated string, or NULL if absent / not a
 * string; *len (if non-NULL) receives its length. */
const char *json_get_str(const json_node *obj, const char *key, size_t *len);

/* Number of elements of an array (0 for anything else). */
size_t json_count(const json_node *arr);

#endif /* WISP_SPECTEST_JSON_H */
