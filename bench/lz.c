/*
 * lz.c: an LZ77 compressor and decompressor round trip, the "larger
 * program" of the suite: hashing, pointer chasing through hash chains,
 * data-dependent branches and byte copies.  Each unit of scale generates
 * LZ_SIZE bytes of word-salad text from the PRNG, compresses it,
 * decompresses the result, checks the round trip and hashes the compressed
 * stream.
 *
 * The stream is a sequence of tokens, each starting with a control byte c:
 *   c <  0x80: a literal run of c + 1 bytes, which follow;
 *   c >= 0x80: a match of (c & 0x7f) + LZ_MINMATCH bytes copied from
 *              `offset` bytes back; the offset (1..65535) follows as two
 *              little-endian bytes.
 */
#include "common/bench.h"

#define LZ_SIZE (16u * 1024)    /* input bytes per round */
#define LZ_MINMATCH 3           /* shortest match worth a token */
#define LZ_MAXMATCH (0x7f + LZ_MINMATCH) /* longest match one token holds */
#define LZ_MAXLIT 128           /* longest literal run one token holds */
#define LZ_WINDOW 65536         /* offsets are < this; power of two */
#define LZ_HASHBITS 15          /* log2 of the hash-head table size */
#define LZ_CHAIN 32             /* candidates tried per position */
#define LZ_OUTMAX (LZ_SIZE + LZ_SIZE / LZ_MAXLIT + 16) /* worst case */

static unsigned char lz_in[LZ_SIZE], lz_out[LZ_OUTMAX], lz_back[LZ_SIZE];
static int32_t lz_head[1u << LZ_HASHBITS];  /* newest position per hash */
static int32_t lz_prev[LZ_WINDOW];          /* next older, same hash */

static const char *const lz_words[] = {
    "the", "wasm", "kernel", "interpreter", "capability", "thread", "of",
    "and", "a", "module", "memory", "page", "table", "stack", "trap", "call",
    "return", "value", "import", "export", "linear", "bound", "check", "to",
};
#define LZ_NWORDS (sizeof lz_words / sizeof lz_words[0])

/* lz_text: fill lz_in with words, spaces and the odd digit from *rng. */
static void lz_text(uint64_t *rng)
{
    uint32_t n = 0;
    while (n < LZ_SIZE) {
        uint64_t r = bc_rand(rng);
        const char *w = lz_words[r % LZ_NWORDS];
        for (; *w && n < LZ_SIZE; w++)
            lz_in[n++] = (unsigned char)*w;
        if (n < LZ_SIZE)
            lz_in[n++] = (r >> 32) % 8 == 0 ? (unsigned char)('0' + (r >> 40) % 10)
                                          : ' ';
    }
}

/* lz_hash: hash of the LZ_MINMATCH bytes at p, LZ_HASHBITS wide. */
static uint32_t lz_hash(const unsigned char *p)
{
    uint32_t v = p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16;
    return (v * 2654435761u) >> (32 - LZ_HASHBITS);
}

/* lz_insert: record position pos (pos + LZ_MINMATCH <= LZ_SIZE). */
static void lz_insert(uint32_t pos)
{
    uint32_t h = lz_hash(lz_in + pos);
    lz_prev[pos & (LZ_WINDOW - 1)] = lz_head[h];
    lz_head[h] = (int32_t)pos;
}

/*
 * lz_longest: the longest earlier match for position pos, trying at most
 * LZ_CHAIN candidates of the same hash within the window.
 * Returns its length (0 if none reaches LZ_MINMATCH) and sets *off.
 */
static uint32_t lz_longest(uint32_t pos, uint32_t n, uint32_t *off)
{
    uint32_t best = 0, limit = n - pos < LZ_MAXMATCH ? n - pos : LZ_MAXMATCH;
    int32_t cand = lz_head[lz_hash(lz_in + pos)];
    for (int tries = 0; cand >= 0 && tries < LZ_CHAIN; tries++) {
        if (pos - (uint32_t)cand >= LZ_WINDOW)
            break;
        uint32_t len = 0;
        while (len < limit && lz_in[cand + len] == lz_in[pos + len])
            len++;
        if (len > best) {
            best = len;
            *off = pos - (uint32_t)cand;
        }
        cand = lz_prev[cand & (LZ_WINDOW - 1)];
    }
    return best >= LZ_MINMATCH ? best : 0;
}

/*
 * lz_literals: emit lz_in[from, to) as literal tokens at lz_out + o.
 * Returns the new output length.
 */
static uint32_t lz_literals(uint32_t o, uint32_t from, uint32_t to)
{
    while (from < to) {
        uint32_t run = to - from < LZ_MAXLIT ? to - from : LZ_MAXLIT;
        lz_out[o++] = (unsigned char)(run - 1);
        bc_copy(lz_out + o, lz_in + from, run);
        o += run;
        from += run;
    }
    return o;
}

/*
 * lz_compress: compress lz_in[0, n) into lz_out.
 * Returns the compressed length (<= LZ_OUTMAX).
 */
static uint32_t lz_compress(uint32_t n)
{
    uint32_t pos = 0, lit = 0, o = 0, off = 0;
    for (uint32_t i = 0; i < (1u << LZ_HASHBITS); i++)
        lz_head[i] = -1;
    while (pos + LZ_MINMATCH <= n) {
        uint32_t len = lz_longest(pos, n, &off);
        if (len == 0) {
            lz_insert(pos++);
            continue;
        }
        o = lz_literals(o, lit, pos);
        lz_out[o++] = (unsigned char)(0x80 | (len - LZ_MINMATCH));
        lz_out[o++] = (unsigned char)off;
        lz_out[o++] = (unsigned char)(off >> 8);
        for (uint32_t end = pos + len; pos < end; pos++)
            if (pos + LZ_MINMATCH <= n)
                lz_insert(pos);
        lit = pos;
    }
    return lz_literals(o, lit, n);
}

/*
 * lz_decompress: decode lz_out[0, n) into lz_back (capacity LZ_SIZE).
 * Returns the decoded length, or -1 if the stream is malformed.
 */
static int32_t lz_decompress(uint32_t n)
{
    uint32_t i = 0, o = 0;
    while (i < n) {
        uint32_t c = lz_out[i++];
        if (c < 0x80) {
            if (c + 1 > n - i || c + 1 > LZ_SIZE - o)
                return -1;
            bc_copy(lz_back + o, lz_out + i, c + 1);
            i += c + 1;
            o += c + 1;
            continue;
        }
        uint32_t len = (c & 0x7f) + LZ_MINMATCH;
        if (n - i < 2)
            return -1;
        uint32_t off = lz_out[i] | (uint32_t)lz_out[i + 1] << 8;
        i += 2;
        if (off == 0 || off > o || len > LZ_SIZE - o)
            return -1;
        for (uint32_t k = 0; k < len; k++, o++)   /* may overlap: bytewise */
            lz_back[o] = lz_back[o - off];
    }
    return (int32_t)o;
}

/*
 * bench_lz: scale rounds of generate, compress, decompress, verify.
 * Returns the checksum of every round's compressed size and bytes; a failed
 * round trip folds in 0 instead, so it shows up as a checksum mismatch.
 */
uint64_t bench_lz(uint32_t scale)
{
    uint64_t rng = 99, h = 0;
    for (uint32_t r = 0; r < scale; r++) {
        lz_text(&rng);
        uint32_t clen = lz_compress(LZ_SIZE);
        int32_t dlen = lz_decompress(clen);
        int ok = dlen == (int32_t)LZ_SIZE;
        for (uint32_t i = 0; ok && i < LZ_SIZE; i++)
            ok = lz_back[i] == lz_in[i];
        h = bc_mix(h, ok ? bc_mix(clen, bc_fnv(BC_FNV_BASIS, lz_out, clen)) : 0);
    }
    return h;
}
