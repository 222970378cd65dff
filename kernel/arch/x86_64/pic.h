/*
 * pic.h: the two cascaded 8259A programmable interrupt controllers.
 */
#ifndef WISP_PIC_H
#define WISP_PIC_H

#include <stdbool.h>

void pic_init(int vector_base);     /* remap IRQ 0..15, all masked */
void pic_unmask(int irq);
void pic_mask(int irq);
void pic_eoi(int irq);              /* end of interrupt for irq */
bool pic_spurious(int irq);         /* irq 7/15 raised without a cause */

#endif
