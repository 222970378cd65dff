/*
 * pmm_test.c: host unit test of the frame bitmap (kernel/mm/frames.c),
 * the part of the physical memory manager that does not need a machine.
 *
 * Builds allocators over made-up memory maps and checks what the kernel
 * relies on: only whole frames of available RAM are handed out, excluded
 * ranges never are, the lowest free frame comes first, exhaustion returns
 * 0, a freed frame is handed out again, and every bad free (unaligned,
 * not RAM, double) is refused without changing anything.  Prints
 * failures and a summary; exits 1 on failure.  The checks come in named
 * groups (`kernel_pmm_test reuse` runs one; no name runs all).  Run by
 * harness/tests/test_mem_host.py and test_kernel_host.py.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mm/frames.h"
#include "tests/check.h"
#include "tests/groups.h"

#define KiB 1024ull
#define MiB (1024 * KiB)


/* A fake machine: bitmaps for RAM up to `end`. */
static struct frames f;
static uint64_t *words;

/* fresh: an allocator over [0, end) with nothing available. */
static void fresh(uint64_t end)
{
    free(words);
    words = calloc(2 * frames_words(end) + 1, sizeof *words);
    frames_setup(&f, words, end);
}

/* alloc_all: allocate until 0; returns the count, stores up to max
 * addresses in out, checks they are aligned and strictly increasing. */
static size_t alloc_all(uint64_t *out, size_t max)
{
    size_t n = 0;
    uint64_t pa, last = 0;
    while ((pa = frames_alloc(&f)) != 0) {
        CHECK(pa % FRAME_SIZE == 0);
        CHECK(pa > last);
        last = pa;
        if (n < max)
            out[n] = pa;
        n++;
    }
    return n;
}

/* test_partial_frames: only whole frames of a region count; frame 0 never. */
static void test_partial_frames(void)
{
    fresh(1 * MiB);
    frames_add(&f, 0x1800, 0x4000);            /* whole frames 2, 3, 4 */
    CHECK(f.total == 3);
    frames_add(&f, 0, 0x1000);                 /* frame 0: left out */
    CHECK(f.total == 3);
    frames_add(&f, 0x2000, 0x1000);            /* again: counted once */
    CHECK(f.total == 3);
    uint64_t got[4];
    CHECK(alloc_all(got, 4) == 3);
    CHECK(got[0] == 0x2000 && got[1] == 0x3000 && got[2] == 0x4000);
    CHECK(frames_alloc(&f) == 0);
}

/* build_pc: a PC-like 64 MiB map with a kernel, a module and the low
 * 1 MiB excluded, as pmm_init does; returns the frames expected. */
static size_t build_pc(void)
{
    fresh(64 * MiB);
    frames_add(&f, 0, 0x9fc00);                /* low RAM, 159 whole frames */
    frames_add(&f, 1 * MiB, 63 * MiB - 128 * KiB);
    frames_add(&f, 70 * MiB, 8 * MiB);         /* beyond end: ignored */
    frames_remove(&f, 0, 1 * MiB);             /* low memory */
    frames_remove(&f, 1 * MiB, 0x22000);       /* the kernel image */
    frames_remove(&f, 5 * MiB + 100, 1 * MiB); /* a module, unaligned */
    /* 63 MiB - 128 KiB - 0x22000 - (257 frames of the module) */
    return (63 * MiB - 128 * KiB - 0x22000) / FRAME_SIZE - 257;
}

/* test_exclusions: excluded frames are never handed out. */
static void test_exclusions(void)
{
    size_t want = build_pc();
    CHECK(f.total == want);
    static uint64_t got[16384];
    size_t n = alloc_all(got, 16384);
    CHECK(n == want && f.nused == want);
    bool bad = false;
    for (size_t i = 0; i < n && i < 16384; i++) {
        uint64_t pa = got[i];
        bad |= pa < 1 * MiB + 0x22000;
        bad |= pa + FRAME_SIZE > 5 * MiB + 100 && pa < 6 * MiB + 100;
        bad |= pa + FRAME_SIZE > 64 * MiB - 128 * KiB;
    }
    CHECK(!bad);
    CHECK(got[0] == 1 * MiB + 0x22000);        /* the lowest comes first */
    CHECK(frames_alloc(&f) == 0);              /* empty: 0, every time */
    CHECK(frames_alloc(&f) == 0);
}

/* test_reuse: a freed frame is handed out again, lowest first, also
 * after the allocator ran dry; the counts follow. */
static void test_reuse(void)
{
    size_t total = build_pc();
    uint64_t a = frames_alloc(&f), b = frames_alloc(&f), c = frames_alloc(&f);
    CHECK_EQ(f.nused, 3);
    CHECK_EQ(frames_free(&f, b), FRAMES_OK);
    CHECK_EQ(f.nused, 2);
    CHECK(frames_is_free(&f, b));
    CHECK_EQ(frames_alloc(&f), b);             /* the hole, not past c */
    CHECK_EQ(frames_free(&f, c), FRAMES_OK);
    CHECK_EQ(frames_free(&f, a), FRAMES_OK);
    CHECK_EQ(frames_alloc(&f), a);             /* the lowest of a and c */
    CHECK_EQ(frames_alloc(&f), c);
    static uint64_t got[16384];
    size_t n = alloc_all(got, 16384);          /* the rest: empty now */
    CHECK_EQ(n + 3, total);
    CHECK_EQ(frames_alloc(&f), 0);
    CHECK_EQ(frames_free(&f, got[n / 2]), FRAMES_OK);
    CHECK_EQ(frames_free(&f, got[n / 3]), FRAMES_OK);
    CHECK_EQ(frames_alloc(&f), got[n / 3]);    /* found after running dry */
    CHECK_EQ(frames_alloc(&f), got[n / 2]);
    CHECK_EQ(frames_alloc(&f), 0);
    for (size_t i = 0; i < n && i < 16384; i++)
        CHECK_EQ(frames_free(&f, got[i]), FRAMES_OK);
    CHECK_EQ(frames_free(&f, a), FRAMES_OK);
    CHECK_EQ(frames_free(&f, b), FRAMES_OK);
    CHECK_EQ(frames_free(&f, c), FRAMES_OK);
    CHECK_EQ(f.nused, 0);
    CHECK_EQ(alloc_all(got, 16384), total);    /* every frame came back */
}

/* test_bad_frees: each refused free says why and leaves the counts and
 * the bitmaps unchanged. */
static void test_bad_frees(void)
{
    build_pc();
    uint64_t a = frames_alloc(&f), b = frames_alloc(&f);
    size_t used = f.nused;
    CHECK_EQ(frames_free(&f, a + 8), FRAMES_UNALIGNED);
    CHECK_EQ(frames_free(&f, 1 * MiB), FRAMES_NOT_RAM);          /* kernel */
    CHECK_EQ(frames_free(&f, 0), FRAMES_NOT_RAM);
    CHECK_EQ(frames_free(&f, 0x9f000), FRAMES_NOT_RAM);          /* low 1 MiB */
    CHECK_EQ(frames_free(&f, 5 * MiB + 4096), FRAMES_NOT_RAM);   /* module */
    CHECK_EQ(frames_free(&f, 64 * MiB - 4096), FRAMES_NOT_RAM);  /* hole */
    CHECK_EQ(frames_free(&f, 72 * MiB), FRAMES_NOT_RAM);         /* past end */
    CHECK_EQ(frames_free(&f, UINT64_MAX & ~(FRAME_SIZE - 1)), FRAMES_NOT_RAM);
    /* a free frame that was never handed out: also a double free */
    CHECK_EQ(frames_free(&f, b + FRAME_SIZE), FRAMES_DOUBLE_FREE);
    CHECK_EQ(f.nused, used);
    CHECK(!frames_is_free(&f, a) && !frames_is_free(&f, b));
    CHECK_EQ(frames_free(&f, a), FRAMES_OK);
    CHECK_EQ(frames_free(&f, a), FRAMES_DOUBLE_FREE);
    CHECK_EQ(frames_free(&f, a + 8), FRAMES_UNALIGNED);
    CHECK_EQ(f.nused, used - 1);
    CHECK(frames_is_free(&f, a) && !frames_is_free(&f, b));
    CHECK_EQ(frames_free(&f, b), FRAMES_OK);
    CHECK_EQ(frames_free(&f, b), FRAMES_DOUBLE_FREE);
    CHECK_EQ(f.nused, 0);
    CHECK_EQ(frames_alloc(&f), a);             /* nothing was lost */
}

/* test_random: random alloc/free against a model (which frames are held). */
static void test_random(void)
{
    size_t total = build_pc();
    static uint64_t held[16384];
    size_t nheld = 0;
    srand(42);
    for (int step = 0; step < 200000; step++) {
        if (nheld > 0 && (rand() % 3 == 0 || nheld == total)) {
            size_t i = (size_t)rand() % nheld;
            CHECK(frames_free(&f, held[i]) == FRAMES_OK);
            held[i] = held[--nheld];
        } else {
            uint64_t pa = frames_alloc(&f);
            CHECK(pa != 0 && !frames_is_free(&f, pa));
            held[nheld++] = pa;
        }
        if (f.nused != nheld || f.total != total) {
            CHECK(f.nused == nheld && f.total == total);
            return;
        }
    }
    uint64_t min = UINT64_MAX;         /* the next alloc is the lowest free */
    for (uint64_t pa = 0; pa < 64 * MiB; pa += FRAME_SIZE)
        if (frames_is_free(&f, pa) && pa < min)
            min = pa;
    CHECK(frames_alloc(&f) == min);
}

static const struct test_group groups[] = {
    { "partial", test_partial_frames },
    { "exclusions", test_exclusions },
    { "reuse", test_reuse },
    { "bad_frees", test_bad_frees },
    { "random", test_random },
};

int main(int argc, char **argv)
{
    int r = run_groups(groups, sizeof groups / sizeof groups[0], argc, argv);
    free(words);
    if (r != 0)
        return r;
    printf("pmm_test: %d checks, %d failed\n", nchecks, nfailed);
    return nfailed != 0;
}
