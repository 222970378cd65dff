/*
 * pc.c: the message format of the producer/consumer demo (pc.h), shared
 * by services/producer.c and services/consumer.c.
 */
#include "pc.h"

/* pc_len: the buffer length of message i: 1..PC_BUF_MAX, varying. */
uint32_t pc_len(uint32_t i)
{
    return (i * 37u) % PC_BUF_MAX + 1;
}

/* pc_byte: byte k of message i's buffer. */
uint8_t pc_byte(uint32_t i, uint32_t k)
{
    return (uint8_t)(i * 7u + k);
}

/* pc_fill: message i's len bytes into buf. */
void pc_fill(uint8_t *buf, uint32_t i, uint32_t len)
{
    for (uint32_t k = 0; k < len; k++)
        buf[k] = pc_byte(i, k);
}

/* pc_check: true if buf holds message i's len bytes. */
int pc_check(const uint8_t *buf, uint32_t i, uint32_t len)
{
    for (uint32_t k = 0; k < len; k++)
        if (buf[k] != pc_byte(i, k))
            return 0;
    return 1;
}

/* pc_sum: FNV-1a of len bytes, the checksum in words[1]. */
uint32_t pc_sum(const uint8_t *buf, uint32_t len)
{
    uint32_t h = 2166136261u;
    for (uint32_t k = 0; k < len; k++)
        h = (h ^ buf[k]) * 16777619u;
    return h;
}
