/*
 * idt.h: the interrupt descriptor table: which code runs for each
 * exception and interrupt vector.
 */
#ifndef WISP_IDT_H
#define WISP_IDT_H

#define NEXCEPTIONS 32   /* vectors 0..31 are reserved for CPU exceptions */
#define NVECTORS 48      /* ... and 32..47 carry IRQ 0..15 (irq.h) */

void idt_init(void);
void idt_clear(void);

#endif
