/*
 * frames.c: a bitmap of physical frames.
 *
 * Frame i is physical [i * 4096, (i + 1) * 4096).  Two bitmaps describe
 * it: `avail` says the frame is RAM that may be handed out at all (set
 * from the memory map, then cleared for everything the kernel must keep),
 * `used` says it is handed out now.  With both, pmm_free can tell a
 * double free (avail, not used) from a pointer that was never a frame
 * (not avail), in constant time, which a free list could not.
 */
#include "mm/frames.h"

#include "labtodo.h"

#define WORD_BITS 64

/* frames_words: the uint64_t words ONE bitmap needs to cover [0, end). */
size_t frames_words(uint64_t end)
{
    size_t n = end / FRAME_SIZE;
    return (n + WORD_BITS - 1) / WORD_BITS;
}

/* bit_get, bit_set, bit_clear: frame i in bitmap b. */
static int bit_get(const uint64_t *b, size_t i)
{
    return (b[i / WORD_BITS] >> (i % WORD_BITS)) & 1;
}

static void bit_set(uint64_t *b, size_t i)
{
    b[i / WORD_BITS] |= 1ull << (i % WORD_BITS);
}

static void bit_clear(uint64_t *b, size_t i)
{
    b[i / WORD_BITS] &= ~(1ull << (i % WORD_BITS));
}

/*
 * frames_setup: start f with no frame available.  words must hold
 * 2 * frames_words(end) zero-able words (the two bitmaps); frames at or
 * above end can never be added.
 */
void frames_setup(struct frames *f, uint64_t *words, uint64_t end)
{
    size_t n = frames_words(end);
    for (size_t i = 0; i < 2 * n; i++)
        words[i] = 0;
    *f = (struct frames){ .avail = words, .used = words + n,
                          .nframes = end / FRAME_SIZE };
}

/*
 * frames_add: make every WHOLE frame inside [base, base + len) available
 * (free).  Parts of a frame, frame 0 (its address would read as "no
 * frame") and frames beyond nframes are left out.
 */
void frames_add(struct frames *f, uint64_t base, uint64_t len)
{
    uint64_t lo = (base + FRAME_SIZE - 1) / FRAME_SIZE;
    uint64_t hi = (base + len) / FRAME_SIZE;
    if (base + len < base)
        hi = UINT64_MAX / FRAME_SIZE;          /* wrapped: up to the top */
    if (lo == 0)
        lo = 1;
    for (uint64_t i = lo; i < hi && i < f->nframes; i++) {
        if (!bit_get(f->avail, i)) {
            bit_set(f->avail, i);
            bit_clear(f->used, i);
            f->total++;
        }
    }
    f->hint = 0;
}

/*
 * frames_remove: make every frame that overlaps [base, base + len)
 * unavailable, even partly covered ones (what is kept must stay whole).
 * Needs: none of them handed out.
 */
void frames_remove(struct frames *f, uint64_t base, uint64_t len)
{
    if (len == 0)
        return;
    uint64_t lo = base / FRAME_SIZE;
    uint64_t last = (base + len - 1) / FRAME_SIZE;
    if (base + len - 1 < base)
        last = UINT64_MAX / FRAME_SIZE;
    for (uint64_t i = lo; i <= last && i < f->nframes; i++) {
        if (bit_get(f->avail, i)) {
            bit_clear(f->avail, i);
            f->total--;
        }
    }
}

/*
 * frames_alloc: mark the lowest free frame used and return its physical
 * address, or 0 when none is free.  Lowest first keeps early allocations
 * (page tables during vm_init) below 2 GiB, where P2V already works.
 * Starts the search at f->hint, a word at a time.
 */
uint64_t frames_alloc(struct frames *f)
{
    size_t nwords = (f->nframes + WORD_BITS - 1) / WORD_BITS;
    for (size_t w = f->hint / WORD_BITS; w < nwords; w++) {
        uint64_t freebits = f->avail[w] & ~f->used[w];
        if (freebits == 0)
            continue;
        size_t i = w * WORD_BITS + (size_t)__builtin_ctzll(freebits);
        bit_set(f->used, i);
        f->nused++;
        f->hint = i + 1;
        return (uint64_t)i * FRAME_SIZE;
    }
    f->hint = f->nframes;
    return 0;
}

/*
 * frames_free: give frame pa back, so that frames_alloc can hand it out
 * again.  Returns FRAMES_OK, or why pa cannot be freed, and then nothing
 * changed: FRAMES_UNALIGNED if pa is not a multiple of FRAME_SIZE;
 * FRAMES_NOT_RAM if it is not a frame this allocator manages (beyond
 * nframes, or without its avail bit: the kernel image, a module, a hole
 * in the map); FRAMES_DOUBLE_FREE if it is managed but not handed out.
 * Keeps the counts and the hint true: nused drops by one, and the hint
 * (no free frame has a smaller index) must still hold.
 */
enum frames_err frames_free(struct frames *f, uint64_t pa)
{
    // LAB 2: your code here (frames_free)
    (void)f, (void)pa;
    LAB_TODO(2, "frames_free");
    return FRAMES_OK;
}

/* frames_is_free: is pa a managed frame that is free now? */
int frames_is_free(const struct frames *f, uint64_t pa)
{
    uint64_t i = pa / FRAME_SIZE;
    return pa % FRAME_SIZE == 0 && i < f->nframes && bit_get(f->avail, i) &&
           !bit_get(f->used, i);
}
