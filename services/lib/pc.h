/*
 * pc.h: the message format of the producer/consumer demo
 * (services/producer.c, services/consumer.c): message i has label
 * PC_DATA, words {i, checksum}, and a buffer of pc_len(i) bytes filled
 * by pc_fill; the stream ends with a PC_DONE call, answered with words
 * {messages received, bad ones}.
 */
#ifndef WISP_SERVICES_PC_H
#define WISP_SERVICES_PC_H

#include <stdint.h>

#include "wisp.h"

#define PC_DATA 1
#define PC_DONE 2
#define PC_BUF_MAX 1024             /* longest buffer */

/* pc_len: the buffer length of message i: 1..PC_BUF_MAX, varying. */
uint32_t pc_len(uint32_t i);

/* pc_byte: byte k of message i's buffer. */
uint8_t pc_byte(uint32_t i, uint32_t k);

/* pc_fill: message i's len bytes into buf. */
void pc_fill(uint8_t *buf, uint32_t i, uint32_t len);

/* pc_check: true if buf holds message i's len bytes. */
int pc_check(const uint8_t *buf, uint32_t i, uint32_t len);

/* pc_sum: FNV-1a of len bytes, the checksum in words[1]. */
uint32_t pc_sum(const uint8_t *buf, uint32_t len);

#endif
