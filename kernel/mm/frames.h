/*
 * frames.h: the frame bitmap, the pure part of the physical memory manager.
 *
 * It knows nothing about the boot loader, paging or panics, so the host
 * unit test (kernel/tests/pmm_test.c) runs it over made-up memory maps;
 * kernel/mm/pmm.c feeds it the real map and turns its errors into panics.
 */
#ifndef WISP_FRAMES_H
#define WISP_FRAMES_H

#include <stddef.h>
#include <stdint.h>

#define FRAME_SIZE 4096ul

/* Two bits per frame of physical [0, nframes * FRAME_SIZE). */
struct frames {
    uint64_t *avail;     /* bit set: RAM the allocator manages */
    uint64_t *used;      /* bit set: handed out (meaningful where avail) */
    size_t nframes;      /* frames the bitmaps describe */
    size_t total;        /* frames with the avail bit */
    size_t nused;        /* of those, handed out */
    size_t hint;         /* no free frame has a smaller index */
};

/* Why frames_free refused an address. */
enum frames_err {
    FRAMES_OK,
    FRAMES_UNALIGNED,    /* not a multiple of FRAME_SIZE */
    FRAMES_NOT_RAM,      /* not a frame this allocator manages */
    FRAMES_DOUBLE_FREE,  /* managed, but already free */
};

size_t frames_words(uint64_t end);
void frames_setup(struct frames *f, uint64_t *words, uint64_t end);
void frames_add(struct frames *f, uint64_t base, uint64_t len);
void frames_remove(struct frames *f, uint64_t base, uint64_t len);
uint64_t frames_alloc(struct frames *f);
enum frames_err frames_free(struct frames *f, uint64_t pa);
int frames_is_free(const struct frames *f, uint64_t pa);

#endif
