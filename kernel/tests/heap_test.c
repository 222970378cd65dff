/*
 * heap_test.c: host unit test of the kernel heap's allocator
 * (kernel/mm/heap.c), the pure part of kmalloc.
 *
 * The arena is real address space from mmap, reserved inaccessible; the
 * grow and shrink callbacks make pages readable and writable and take
 * them away again (mprotect), just as the kernel maps and unmaps frames,
 * so touching a page the heap gave back crashes the test.  Checks sizes
 * and alignment, splitting, reuse, coalescing, shrinking, exhaustion,
 * statistics, the refusal of bad and double frees, and a long random run
 * against a model.  Prints failures and a summary; exits 1 on failure.
 * The checks come in named groups (`kernel_heap_test split` runs one; no
 * name runs all).  Run by harness/tests/test_mem_host.py and
 * test_kernel_host.py.
 */
#define _DEFAULT_SOURCE
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "mm/heap.h"
#include "tests/check.h"
#include "tests/groups.h"

#define ARENA (64ul << 20)


static struct heap h;
static uint8_t *arena;
static uintptr_t mapped_end;     /* [arena, mapped_end) is accessible */
static size_t page_budget;       /* pages grow may still add */

/* grow: the heap asks for [from, to); it must ask for the next pages. */
static bool grow(uintptr_t from, uintptr_t to)
{
    CHECK(from == mapped_end && to > from && to % HEAP_PAGE == 0);
    size_t pages = (to - from) / HEAP_PAGE;
    if (pages > page_budget)
        return false;
    page_budget -= pages;
    mprotect((void *)from, to - from, PROT_READ | PROT_WRITE);
    mapped_end = to;
    return true;
}

/* shrink: the heap gives back [from, to), the top of what it has. */
static void shrink(uintptr_t from, uintptr_t to)
{
    CHECK(to == mapped_end && from < to && from % HEAP_PAGE == 0);
    memset((void *)from, 0xdd, to - from);   /* frames get reused */
    mprotect((void *)from, to - from, PROT_NONE);
    page_budget += (to - from) / HEAP_PAGE;
    mapped_end = from;
}

/* fresh: an empty heap over the arena, allowed `pages` pages. */
static void fresh(size_t pages)
{
    mprotect(arena, ARENA, PROT_NONE);
    mapped_end = (uintptr_t)arena;
    page_budget = pages;
    heap_init(&h, (uintptr_t)arena, ARENA, grow, shrink);
}

/* stats_ok: used + free is exactly what the heap has mapped. */
static bool stats_ok(void)
{
    return h.bytes_used + h.bytes_free == h.top - h.base &&
           h.top == mapped_end;
}

/* test_sizes: every size, aligned, usable, disjoint. */
static void test_sizes(void)
{
    fresh(4096);
    static uint8_t *p[600];
    for (size_t n = 0; n < 600; n++) {
        p[n] = heap_alloc(&h, n * 7);
        CHECK(p[n] && (uintptr_t)p[n] % HEAP_ALIGN == 0);
        CHECK(heap_block_size(p[n]) >= n * 7);
        memset(p[n], (int)(n & 0xff), n * 7);
    }
    bool intact = true;
    for (size_t n = 0; n < 600; n++)
        for (size_t i = 0; i < n * 7; i++)
            intact &= p[n][i] == (uint8_t)(n & 0xff);
    CHECK(intact);
    CHECK(h.allocs == 600 && stats_ok());
    for (size_t n = 0; n < 600; n++)
        CHECK(heap_free(&h, p[n]) == HEAP_OK);
    CHECK(h.frees == 600 && h.bytes_used == 0 && h.top == h.base);
}

/* census: walk the arena (heap_census), checking its tags agree. */
static struct heap_census census(void)
{
    struct heap_census c;
    heap_census(&h, &c);
    CHECK(c.tags_ok);
    return c;
}

/* test_split: a request takes only what it needs from a bigger free
 * block; the rest stays free, right after it, and serves the next
 * request; a rest too small to be a block (under 32 bytes) is not split
 * off. */
static void test_split(void)
{
    fresh(4096);
    uint8_t *a = heap_alloc(&h, 100);          /* a 128-byte block */
    CHECK_EQ(h.top - h.base, HEAP_PAGE);       /* the arena's first page */
    CHECK_EQ(heap_block_size(a), 112);
    CHECK_EQ(h.bytes_used, 128);
    CHECK_EQ(h.bytes_free, HEAP_PAGE - 128);   /* the rest is free */
    uint8_t *b = heap_alloc(&h, 100), *c = heap_alloc(&h, 1000);
    CHECK_EQ(b - a, 128);                      /* right after a */
    CHECK_EQ(c - b, 128);
    CHECK_EQ(heap_block_size(c), 1008);
    CHECK_EQ(h.top - h.base, HEAP_PAGE);       /* all in one page */
    struct heap_census k = census();
    CHECK_EQ(k.used, 3);
    CHECK_EQ(k.free, 1);
    CHECK_EQ(k.largest_free, HEAP_PAGE - 3 * 128 - 896);
    /* a request bigger than the free rest grows the arena into it */
    uint8_t *d = heap_alloc(&h, 5000);
    CHECK_EQ(d - c, 1024);
    CHECK_EQ(h.top - h.base, 2 * HEAP_PAGE);   /* 2816 free + 4096 new */
    CHECK(stats_ok());
    /* a 128-byte hole between used blocks, asked for 96 bytes (a 112-byte
     * block): a 16-byte rest cannot hold a header and links, so the whole
     * hole is taken, and the block after it is untouched */
    CHECK_EQ(heap_free(&h, b), HEAP_OK);
    uint8_t *e = heap_alloc(&h, 96);
    CHECK(e == b);
    CHECK_EQ(heap_block_size(e), 112);
    memset(e, 0xee, 112);
    k = census();
    CHECK_EQ(k.used, 4);
    CHECK_EQ(k.free, 1);
    CHECK_EQ(heap_free(&h, c), HEAP_OK);       /* c's header intact */
    /* a big free block in the middle serves small requests in turn */
    CHECK_EQ(heap_free(&h, d), HEAP_OK);       /* c, d and the rest merge */
    uint8_t *f1 = heap_alloc(&h, 48), *f2 = heap_alloc(&h, 48);
    CHECK(f1 == c && f2 == c + 64);
    CHECK(stats_ok());
    CHECK_EQ(heap_free(&h, f1), HEAP_OK);
    CHECK_EQ(heap_free(&h, f2), HEAP_OK);
    CHECK_EQ(heap_free(&h, e), HEAP_OK);
    CHECK_EQ(heap_free(&h, a), HEAP_OK);
    CHECK_EQ(h.top, h.base);                   /* all given back */
    CHECK_EQ(h.bytes_used + h.bytes_free, 0);
}

/* test_reuse_and_coalesce: freed blocks are reused and merge both ways. */
static void test_reuse_and_coalesce(void)
{
    fresh(4096);
    uint8_t *a = heap_alloc(&h, 100), *b = heap_alloc(&h, 100);
    uint8_t *c = heap_alloc(&h, 100), *d = heap_alloc(&h, 100);
    CHECK(heap_free(&h, b) == HEAP_OK);
    CHECK(heap_alloc(&h, 100) == b);            /* the same hole again */
    CHECK(heap_free(&h, a) == HEAP_OK && heap_free(&h, c) == HEAP_OK);
    CHECK(heap_free(&h, b) == HEAP_OK);         /* a, b, c: one block now */
    uint8_t *big = heap_alloc(&h, 3 * 100 + 2 * 16);
    CHECK(big == a);                            /* fits only if merged */
    CHECK(heap_free(&h, big) == HEAP_OK && heap_free(&h, d) == HEAP_OK);
    CHECK(h.top == h.base && h.bytes_free == 0 && h.free == NULL);
}

/* A size for the coalescing test: small, medium and multi-page ones. */
static size_t mixed_size(int i)
{
    static const size_t sizes[] = { 24, 200, 1000, 5000, 48, 3000, 16, 700,
                                    9000, 64, 130, 2048 };
    return sizes[i % 12] + (size_t)i;
}

/*
 * coalesce_order: allocate N blocks of mixed sizes and a sentinel above
 * them (so the arena cannot shrink), free the N in the order `order`
 * names, and check that they became one free block holding all the
 * space below the sentinel, which a request of that size then gets.
 */
enum { N = 64 };
static void coalesce_order(const char *name, const int *order)
{
    fresh(4096);
    uint8_t *p[N];
    for (int i = 0; i < N; i++)
        p[i] = heap_alloc(&h, mixed_size(i));
    uint8_t *sentinel = heap_alloc(&h, 16);
    CHECK(p[0] != NULL && sentinel != NULL);
    if (!p[0] || !sentinel)
        return;
    uintptr_t below = (uintptr_t)sentinel - 16 - h.base;  /* N blocks' bytes */
    for (int i = 0; i < N; i++)
        CHECK_EQ(heap_free(&h, p[order[i]]), HEAP_OK);
    struct heap_census k = census();
    if (k.free_pairs != 0 || k.largest_free != below)
        printf("coalescing, freed %s: %zu free blocks, %zu of them right "
               "after another free one; the largest has %zu bytes, want all "
               "%zu below the last block\n", name, k.free, k.free_pairs,
               k.largest_free, (size_t)below);
    CHECK_EQ(k.free_pairs, 0);
    CHECK_EQ(k.largest_free, below);
    uint8_t *all = heap_alloc(&h, below - 16);  /* all of it, in one */
    CHECK_EQ(all, p[0]);
    CHECK(stats_ok());
    CHECK_EQ(heap_free(&h, all), HEAP_OK);
    CHECK_EQ(heap_free(&h, sentinel), HEAP_OK);
    CHECK_EQ(h.top, h.base);
}

/* test_coalesce: N blocks freed in four orders (each merging on the
 * right, on the left, on both sides, at random) end as one free block. */
static void test_coalesce(void)
{
    int order[N];
    for (int i = 0; i < N; i++)
        order[i] = i;                          /* each merges with the one before */
    coalesce_order("first to last", order);
    for (int i = 0; i < N; i++)
        order[i] = N - 1 - i;                  /* ... with the one after */
    coalesce_order("last to first", order);
    for (int i = 0; i < N; i++)                /* odd ones, then even ones: */
        order[i] = i < N / 2 ? 2 * i + 1 : 2 * (i - N / 2);  /* both sides */
    coalesce_order("odd ones, then even ones", order);
    srand(11);
    for (int i = N - 1; i > 0; i--) {          /* a shuffle */
        int j = rand() % (i + 1), t = order[i];
        order[i] = order[j];
        order[j] = t;
    }
    coalesce_order("shuffled", order);
}

/* test_large_and_shrink: blocks bigger than a page; the arena shrinks. */
static void test_large_and_shrink(void)
{
    fresh(4096);
    uint8_t *small = heap_alloc(&h, 64);
    uint8_t *big = heap_alloc(&h, 1 << 20);
    CHECK(big && stats_ok());
    memset(big, 0x5a, 1 << 20);
    size_t top_with_big = h.top - h.base;
    CHECK(top_with_big >= (1 << 20) + 64);
    CHECK(heap_free(&h, big) == HEAP_OK);
    CHECK(h.top - h.base <= HEAP_PAGE && stats_ok());   /* pages given back */
    CHECK(heap_free(&h, small) == HEAP_OK);
    CHECK(h.top == h.base);
}

/* test_exhaustion: out of pages is NULL, counted, and recoverable. */
static void test_exhaustion(void)
{
    fresh(16);
    void *p[64];
    int n = 0;
    while (n < 64 && (p[n] = heap_alloc(&h, 4000)) != NULL)
        n++;
    CHECK(n >= 14 && n < 17);                   /* 16 pages, 4016-byte blocks */
    CHECK(h.failures == 1 && stats_ok());
    CHECK(heap_alloc(&h, SIZE_MAX) == NULL);    /* no overflow in the size */
    CHECK(heap_alloc(&h, ARENA) == NULL);
    CHECK(heap_alloc(&h, SIZE_MAX - 15) == NULL);
    CHECK(h.failures == 4);
    CHECK(heap_free(&h, p[n - 1]) == HEAP_OK);
    CHECK(heap_alloc(&h, 4000) != NULL);        /* room again */
}

/* test_bad_frees: each is refused, and nothing changes. */
static void test_bad_frees(void)
{
    fresh(4096);
    uint8_t *a = heap_alloc(&h, 48), *b = heap_alloc(&h, 48);
    uint8_t *c = heap_alloc(&h, 48);
    memset(a, 0, 48);
    int local;
    size_t used = h.bytes_used;
    CHECK(heap_free(&h, &local) == HEAP_BAD_POINTER);
    CHECK(heap_free(&h, a + 1) == HEAP_BAD_POINTER);
    CHECK(heap_free(&h, a + 16) == HEAP_BAD_POINTER);      /* inside a */
    CHECK(heap_free(&h, (void *)h.top) == HEAP_BAD_POINTER);
    CHECK(heap_free(&h, (void *)h.base) == HEAP_BAD_POINTER);
    CHECK(h.bytes_used == used && h.frees == 0);
    CHECK(heap_free(&h, b) == HEAP_OK);
    CHECK(heap_free(&h, b) == HEAP_DOUBLE_FREE);
    CHECK(heap_free(&h, a) == HEAP_OK);                    /* b merges into a */
    CHECK(heap_free(&h, b) == HEAP_DOUBLE_FREE);           /* still caught */
    CHECK(heap_free(&h, a) == HEAP_DOUBLE_FREE);
    uint8_t *d = heap_alloc(&h, 48);
    memset(d, 0xff, heap_block_size(d) + 8);    /* into the next header */
    CHECK(heap_free(&h, d) == HEAP_CORRUPT);
    CHECK(heap_free(&h, d) == HEAP_CORRUPT);               /* still refused */
    CHECK(heap_free(&h, c) == HEAP_OK);
}

/* A live block of the random test: where, how big, what it holds. */
struct live {
    uint8_t *p;
    size_t n;
    uint8_t fill;
};

/* intact: does l still hold its fill bytes? */
static bool intact(const struct live *l)
{
    for (size_t i = 0; i < l->n; i++)
        if (l->p[i] != l->fill)
            return false;
    return true;
}

/* random_size: mostly small, sometimes pages, rarely big. */
static size_t random_size(void)
{
    int r = rand() % 100;
    if (r < 70)
        return (size_t)(rand() % 256);
    if (r < 95)
        return (size_t)(rand() % 8192);
    return (size_t)(rand() % (256 << 10));
}

/* test_random: 30000 operations checked against a model of live blocks. */
static void test_random(void)
{
    enum { MAXLIVE = 512 };
    static struct live live[MAXLIVE];
    int nlive = 0, failures = 0;
    fresh(512);                                 /* 2 MiB: some NULLs */
    srand(7);
    int failed0 = nfailed;                      /* stop at this group's first */
    for (int step = 0; step < 30000 && nfailed == failed0; step++) {
        if (nlive > 0 && (rand() % 2 || nlive == MAXLIVE)) {
            int i = rand() % nlive;
            CHECK(intact(&live[i]));
            CHECK(heap_free(&h, live[i].p) == HEAP_OK);
            live[i] = live[--nlive];
        } else {
            struct live l = { NULL, random_size(), (uint8_t)rand() };
            l.p = heap_alloc(&h, l.n);
            if (!l.p) {
                failures++;
                continue;
            }
            CHECK((uintptr_t)l.p % HEAP_ALIGN == 0);
            memset(l.p, l.fill, l.n);
            live[nlive++] = l;
        }
        CHECK(stats_ok());
        if (step % 1000 == 0) {
            struct heap_census k = census();
            CHECK_EQ(k.free_pairs, 0);             /* always coalesced */
            CHECK_EQ(k.used, (size_t)nlive);
        }
    }
    CHECK(failures > 0 && h.failures == (size_t)failures);
    while (nlive > 0) {
        CHECK(intact(&live[nlive - 1]));
        CHECK(heap_free(&h, live[--nlive].p) == HEAP_OK);
    }
    CHECK(h.top == h.base && h.bytes_used == 0 && h.bytes_free == 0);
    CHECK(page_budget == 512);                  /* every page came back */
}

static const struct test_group groups[] = {
    { "sizes", test_sizes },
    { "split", test_split },
    { "reuse", test_reuse_and_coalesce },
    { "coalesce", test_coalesce },
    { "shrink", test_large_and_shrink },
    { "exhaustion", test_exhaustion },
    { "bad_frees", test_bad_frees },
    { "random", test_random },
};

int main(int argc, char **argv)
{
    arena = mmap(NULL, ARENA, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (arena == MAP_FAILED) {
        perror("heap_test: mmap");
        return 2;
    }
    int r = run_groups(groups, sizeof groups / sizeof groups[0], argc, argv);
    if (r != 0)
        return r;
    printf("heap_test: %d checks, %d failed\n", nchecks, nfailed);
    return nfailed != 0;
}
