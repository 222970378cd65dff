/*
 * gdt.h: the global descriptor table and the TSS.
 *
 * In long mode segments are mostly vestigial, but the CPU still needs a
 * code segment for CS and a TSS, whose interrupt stack table (IST) gives
 * some exceptions a known-good stack of their own.
 */
#ifndef WISP_GDT_H
#define WISP_GDT_H

#define SEG_KCODE 0x08   /* 64-bit kernel code */
#define SEG_KDATA 0x10   /* kernel data */
#define SEG_TSS 0x18     /* the TSS (a 16-byte descriptor: two slots) */

#define IST_DOUBLE_FAULT 1   /* IST slot the double-fault handler uses */

void gdt_init(void);

#endif
