/*
 * heap.c: first-fit allocation with boundary tags and immediate
 * coalescing, in one arena that grows and shrinks at its top.
 *
 * The arena is a row of blocks, each starting with a 16-byte header: a
 * check word (says "used" or "free", mixed with the block's address so a
 * stray pointer is unlikely to pass), the size of the block before it (to
 * find the neighbour on the left) and its own size (the neighbour on the
 * right).  Free blocks also hold the links of the free list in their
 * payload.  Two free blocks are never adjacent: kfree merges at once, so
 * memory freed in any order becomes one block again, and a free block at
 * the top is given back to the page allocator (the arena shrinks).
 */
#include "mm/heap.h"

#include "labtodo.h"

struct hblock {
    uint32_t check;             /* CHECK_* ^ address bits: see check_for */
    uint32_t prev;              /* size of the block before, / HEAP_ALIGN */
    uint64_t size;              /* bytes, this header included */
    struct hblock *next_free;   /* free blocks only: the free list */
    struct hblock *prev_free;
};

#define HDR 16                  /* header bytes before the payload */
#define MIN_BLOCK 32            /* header + the two free-list links */
#define CHECK_USED 0xa110c8edu
#define CHECK_FREE 0xf4eeb10cu
#define CHECK_DEAD 0xdeadb10cu  /* a header merged into the block before */

_Static_assert(sizeof(struct hblock) == MIN_BLOCK, "block header layout");

/* check_for: the check word a block at b has in state kind. */
static uint32_t check_for(const struct hblock *b, uint32_t kind)
{
    return kind ^ (uint32_t)((uintptr_t)b >> 4);
}

/* next_block: the block after b, or NULL if b ends the arena. */
static struct hblock *next_block(const struct heap *h, struct hblock *b)
{
    uintptr_t n = (uintptr_t)b + b->size;
    return n < h->top ? (struct hblock *)n : NULL;
}

/* prev_block: the block before b, or NULL if b is the first. */
static struct hblock *prev_block(const struct heap *h, struct hblock *b)
{
    uint64_t back = (uint64_t)b->prev * HEAP_ALIGN;
    if (back == 0 || back > (uintptr_t)b - h->base)
        return NULL;
    return (struct hblock *)((uintptr_t)b - back);
}

/* is_free: does b hold a valid free header? */
static bool is_free(const struct hblock *b)
{
    return b && b->check == check_for(b, CHECK_FREE);
}

/* set_size: b's size becomes size; the next block's back link follows. */
static void set_size(struct heap *h, struct hblock *b, uint64_t size)
{
    b->size = size;
    struct hblock *n = next_block(h, b);
    if (n)
        n->prev = (uint32_t)(size / HEAP_ALIGN);
}

/* list_push: mark b free and put it at the head of the free list. */
static void list_push(struct heap *h, struct hblock *b)
{
    b->check = check_for(b, CHECK_FREE);
    b->prev_free = NULL;
    b->next_free = h->free;
    if (h->free)
        h->free->prev_free = b;
    h->free = b;
}

/* list_remove: unlink free block b from the free list. */
static void list_remove(struct heap *h, struct hblock *b)
{
    if (b->prev_free)
        b->prev_free->next_free = b->next_free;
    else
        h->free = b->next_free;
    if (b->next_free)
        b->next_free->prev_free = b->prev_free;
}

/*
 * heap_init: an empty heap over the arena [base, base + max).  base must
 * be HEAP_PAGE-aligned; grow(from, to) must make [from, to) usable memory
 * or return false, shrink(from, to) may take it back.
 */
void heap_init(struct heap *h, uintptr_t base, size_t max,
               bool (*grow)(uintptr_t, uintptr_t),
               void (*shrink)(uintptr_t, uintptr_t))
{
    *h = (struct heap){ .base = base, .top = base, .limit = base + max,
                        .grow = grow, .shrink = shrink };
}

/*
 * merge: a and b are adjacent free blocks, a first: make them one (a).
 * b's header is marked dead so that freeing b's old pointer again is
 * still recognised as a double free.
 */
static void merge(struct heap *h, struct hblock *a, struct hblock *b)
{
    list_remove(h, b);
    b->check = check_for(b, CHECK_DEAD);
    if (h->last == b)
        h->last = a;
    set_size(h, a, a->size + b->size);
}

/*
 * extend: grow the arena so that its top free block has at least need
 * bytes.  Returns that block (on the free list), or NULL if the arena is
 * at its limit or grow failed (nothing changed then).
 */
static struct hblock *extend(struct heap *h, uint64_t need)
{
    uint64_t have = is_free(h->last) ? h->last->size : 0;
    uintptr_t to = (h->top + need - have + HEAP_PAGE - 1) & ~(HEAP_PAGE - 1);
    if (to > h->limit || to < h->top || !h->grow(h->top, to))
        return NULL;
    struct hblock *b = (struct hblock *)h->top, *prev = h->last;
    b->prev = prev ? (uint32_t)(prev->size / HEAP_ALIGN) : 0;
    b->size = to - h->top;
    h->bytes_free += b->size;
    h->top = to;
    h->last = b;
    list_push(h, b);
    if (is_free(prev)) {
        merge(h, prev, b);
        return prev;
    }
    return b;
}

/*
 * take_block: hand out need bytes (a multiple of HEAP_ALIGN, at least
 * MIN_BLOCK) from the free block b, which has at least that many: unlink
 * b from the free list and mark it used.  If the rest of b, past its
 * first need bytes, could be a block of its own (MIN_BLOCK bytes or more:
 * a header and the two free-list links), split it off: b keeps need
 * bytes, the rest becomes a free block right after it, on the free list,
 * with boundary tags that agree (its prev, and the back link of the block
 * after it).  Keeps the heap's counters (bytes_used, bytes_free) and
 * h->last (the block that ends at top) true.
 */
static void take_block(struct heap *h, struct hblock *b, uint64_t need)
{
    // LAB 2: your code here (take_block)
    LAB_TODO(2, "take_block");
    (void)need;
    list_remove(h, b);
    h->bytes_free -= b->size;
    b->check = check_for(b, CHECK_USED);
    h->bytes_used += b->size;
}

// book: heap_alloc
/*
 * heap_alloc: n bytes, HEAP_ALIGN-aligned, from the first free block big
 * enough; if none is, grow the arena.  Returns NULL (and counts a
 * failure) when the arena cannot grow: never fails any other way.
 */
void *heap_alloc(struct heap *h, size_t n)
{
    struct hblock *b = NULL;
    if (n < h->limit - h->base) {      /* so need cannot overflow */
        uint64_t need = (n + HDR + HEAP_ALIGN - 1) & ~(HEAP_ALIGN - 1ul);
        need = need < MIN_BLOCK ? MIN_BLOCK : need;
        for (b = h->free; b && b->size < need; b = b->next_free)
            ;
        if (!b)
            b = extend(h, need);
        if (b)
            take_block(h, b, need);
    }
    if (!b) {
        h->failures++;
        return NULL;
    }
    h->allocs++;
    return (uint8_t *)b + HDR;
}
// book: heap_alloc

/*
 * trim: if the last block is free, give the whole pages at the top of the
 * arena back through shrink, keeping only what the last block's header
 * needs (or nothing, when the arena is one free block).
 */
static void trim(struct heap *h)
{
    struct hblock *b = h->last;
    if (!is_free(b))
        return;
    uintptr_t keep = (uintptr_t)b == h->base ? h->base :
        ((uintptr_t)b + MIN_BLOCK + HEAP_PAGE - 1) & ~(HEAP_PAGE - 1);
    if (keep >= h->top)
        return;
    if (keep == (uintptr_t)b) {         /* unlink while still mapped */
        list_remove(h, b);
        h->last = NULL;
    } else {
        b->size = keep - (uintptr_t)b;
    }
    h->shrink(keep, h->top);
    h->bytes_free -= h->top - keep;
    h->top = keep;
}

/*
 * block_of: the used block whose payload starts at p, or the reason p is
 * not one.  Only reads inside [base, top), so any p is safe to check.
 */
static enum heap_err block_of(const struct heap *h, void *p,
                              struct hblock **out)
{
    uintptr_t a = (uintptr_t)p;
    if (a % HEAP_ALIGN || a < h->base + HDR || a >= h->top)
        return HEAP_BAD_POINTER;
    struct hblock *b = (struct hblock *)(a - HDR);
    if (b->check == check_for(b, CHECK_FREE) ||
        b->check == check_for(b, CHECK_DEAD))
        return HEAP_DOUBLE_FREE;
    if (b->check != check_for(b, CHECK_USED))
        return HEAP_BAD_POINTER;
    if (b->size < MIN_BLOCK || b->size % HEAP_ALIGN ||
        b->size > h->top - a + HDR)
        return HEAP_CORRUPT;
    struct hblock *n = next_block(h, b);
    if (n && n->prev != b->size / HEAP_ALIGN)
        return HEAP_CORRUPT;
    *out = b;
    return HEAP_OK;
}

/*
 * coalesce: b is a block that was just freed and put on the free list.
 * Merge it with the block after it if that one is free, and with the
 * block before it if that one is free, so that no two free blocks are
 * ever adjacent: memory freed in any order becomes one block again.  The
 * boundary tags find both neighbours in constant time: b->size leads to
 * the next block, b->prev (in HEAP_ALIGN units) back to the previous
 * one (next_block, prev_block); merge(h, a, b) joins two adjacent free
 * blocks, a first.
 */
static void coalesce(struct heap *h, struct hblock *b)
{
    // LAB 2: your code here (coalesce)
    LAB_TODO(2, "coalesce");
    (void)h, (void)b, (void)prev_block;
}

// book: heap_free
/*
 * heap_free: give back the block at p.  Returns HEAP_OK, or why p cannot
 * be freed (then nothing changed).  Merges with free neighbours at once,
 * then lets the arena shrink if its top is free.
 */
enum heap_err heap_free(struct heap *h, void *p)
{
    struct hblock *b;
    enum heap_err err = block_of(h, p, &b);
    if (err != HEAP_OK)
        return err;
    h->bytes_used -= b->size;
    h->bytes_free += b->size;
    h->frees++;
    list_push(h, b);
    coalesce(h, b);
    trim(h);
    return HEAP_OK;
}
// book: heap_free

/* heap_block_size: the usable bytes of the used block at p (>= asked). */
size_t heap_block_size(const void *p)
{
    const struct hblock *b = (const struct hblock *)((uintptr_t)p - HDR);
    return b->size - HDR;
}

/*
 * heap_census: walk the arena from base to top, block by block (each
 * header's size leads to the next), and count what is there: used and
 * free blocks, the biggest free one, free blocks that follow a free block
 * (coalescing should leave none).  Stops at the first header that is not
 * valid or whose back link (prev) disagrees with the block before it,
 * with tags_ok false.  For tests and debugging; O(blocks).
 */
void heap_census(const struct heap *h, struct heap_census *c)
{
    *c = (struct heap_census){ .tags_ok = true };
    uintptr_t at = h->base;
    uint64_t before = 0;
    bool after_free = false;
    while (at < h->top) {
        const struct hblock *b = (const struct hblock *)at;
        bool used = b->check == check_for(b, CHECK_USED);
        bool free = b->check == check_for(b, CHECK_FREE);
        if ((!used && !free) || b->size < MIN_BLOCK || b->size % HEAP_ALIGN ||
            b->size > h->top - at || (uint64_t)b->prev * HEAP_ALIGN != before) {
            c->tags_ok = false;
            return;
        }
        if (free) {
            c->free++;
            c->free_pairs += after_free;
            c->largest_free = b->size > c->largest_free ? b->size : c->largest_free;
        } else {
            c->used++;
        }
        after_free = free;
        before = b->size;
        at += b->size;
    }
}
