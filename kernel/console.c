/*
 * console.c: console input, interrupt-driven.
 *
 * COM1 raises IRQ 4 when a byte arrives; the handler moves every waiting
 * byte from the UART into a ring buffer and wakes the readers.  Threads
 * take bytes out with console_getc, sleeping while the buffer is empty.
 * So no keystroke is lost while the kernel is busy (up to CONSOLE_RXBUF
 * bytes; past that they are dropped and counted), and a thread waiting
 * for input uses no CPU.
 */
#include "console.h"

#include "param.h"
#include "serial.h"
#include "waitq.h"
#include "arch/x86_64/irq.h"

// book: ring
/* The ring buffer.  rx_head and rx_tail only grow (64 bits never wrap
 * in practice); the byte at index i lives in rx_buf[i % CONSOLE_RXBUF].
 * The buffer holds rx_head - rx_tail bytes.  Only the interrupt handler
 * advances rx_head, only readers (interrupts masked) advance rx_tail. */
static uint8_t rx_buf[CONSOLE_RXBUF];
static uint64_t rx_head;                /* next byte written here */
static uint64_t rx_tail;                /* next byte read from here */
static uint64_t rx_dropped;             /* lost: the buffer was full */
static struct waitq rx_readers;         /* threads in console_getc */
// book: ring

/* console_irq: IRQ 4: buffer every byte the UART holds, wake readers.
 * Interrupt context, interrupts off. */
static void console_irq(void)
{
    while (serial_can_read()) {
        uint8_t c = (uint8_t)serial_read();
        if (rx_head - rx_tail == CONSOLE_RXBUF)
            rx_dropped++;
        else
            rx_buf[rx_head++ % CONSOLE_RXBUF] = c;
    }
    waitq_wake_all(&rx_readers);
}

/* console_init: route IRQ 4 to console_irq and turn on COM1's receive
 * interrupt.  Bytes typed before this are in the UART's FIFO and come
 * first.  Needs irq_init and interrupts off. */
void console_init(void)
{
    irq_register(IRQ_COM1, console_irq);
    serial_rx_irq_on();
    console_irq();          /* anything already waiting */
}

/* take: remove and return the oldest buffered byte.  Needs interrupts
 * off and the buffer not empty. */
static int take(void)
{
    return rx_buf[rx_tail++ % CONSOLE_RXBUF];
}

/*
 * console_getc: the next byte typed (0..255), sleeping until there is
 * one; -1 if this thread is thread_interrupt'ed while waiting.  The
 * check for an empty buffer and the sleep run with interrupts masked:
 * otherwise a byte arriving between the two would find no sleeper to
 * wake, and we would sleep with a byte waiting (the lost wakeup).
 */
int console_getc(void)
{
    int c = -1;
    bool awake = true;
    uint64_t fl = irq_save();
    while (awake && rx_head == rx_tail)
        awake = waitq_sleep(&rx_readers);
    if (awake)
        c = take();
    irq_restore(fl);
    return c;
}

/* console_try_getc: true and *c = the next byte if one is buffered;
 * false at once otherwise. */
bool console_try_getc(int *c)
{
    uint64_t fl = irq_save();
    bool got = rx_head != rx_tail;
    if (got)
        *c = take();
    irq_restore(fl);
    return got;
}

/* console_dropped: bytes lost so far because the buffer was full. */
uint64_t console_dropped(void)
{
    return rx_dropped;
}

/* console_received: bytes received so far, dropped ones included. */
uint64_t console_received(void)
{
    return rx_head + rx_dropped;
}
