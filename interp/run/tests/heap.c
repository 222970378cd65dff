/* heap.c: malloc-heavy work, qsort, strings (wisp-run test). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct node {
    struct node *next;
    uint32_t value;
    char name[20];
};

static uint32_t seed = 12345;

static uint32_t lcg(void)
{
    seed = seed * 1103515245u + 12345u;
    return seed >> 1;
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Builds and frees linked lists of varying sizes; returns a checksum. */
static uint32_t lists(void)
{
    uint32_t sum = 0;
    for (int round = 0; round < 50; round++) {
        struct node *head = NULL;
        int n = 1000 + round * 37;
        for (int i = 0; i < n; i++) {
            struct node *x = malloc(sizeof *x);
            x->value = lcg();
            snprintf(x->name, sizeof x->name, "n%d", i);
            x->next = head;
            head = x;
        }
        while (head) {
            struct node *next = head->next;
            sum = sum * 31 + head->value + (uint32_t)strlen(head->name);
            free(head);
            head = next;
        }
    }
    return sum;
}

int main(void)
{
    enum { N = 200000 };
    uint32_t *a = malloc(N * sizeof *a);
    char *words[1000];
    char *buf = NULL;
    size_t cap = 0, len = 0;
    uint64_t sum = 0;
    for (int i = 0; i < N; i++)
        a[i] = lcg();
    qsort(a, N, sizeof *a, cmp_u32);
    for (int i = 1; i < N; i++)
        if (a[i - 1] > a[i])
            printf("not sorted at %d\n", i);
    for (int i = 0; i < N; i += 1000)
        sum += a[i];
    printf("sorted %d, min %u, max %u, sample sum %llu\n", N, a[0], a[N - 1],
           (unsigned long long)sum);
    free(a);
    printf("lists checksum %u\n", lists());
    for (int i = 0; i < 1000; i++) {
        words[i] = malloc(16);
        snprintf(words[i], 16, "w%08x", lcg());
    }
    qsort(words, 1000, sizeof words[0], cmp_str);
    printf("first %s last %s\n", words[0], words[999]);
    for (int i = 0; i < 1000; i++) {
        size_t wl = strlen(words[i]);
        if (len + wl + 1 > cap) {
            cap = cap ? cap * 2 : 64;
            buf = realloc(buf, cap);
        }
        memcpy(buf + len, words[i], wl);
        len += wl;
        buf[len++] = ' ';
        free(words[i]);
    }
    buf[len - 1] = '\0';
    printf("joined %zu bytes, strstr %s, cap %zu\n", strlen(buf),
           strstr(buf, "w0") ? "found" : "none", cap);
    free(buf);
    return 0;
}
