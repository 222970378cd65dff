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

// book: owner
/* The line's owner, and the threads waiting for it to change: the
 * monitor (console_monitor_turn) and processes in wisp.monitor()
 * (console_wait_owner).  The service's input thread sleeps on rx_readers
 * with everyone else who waits for bytes. */
static enum console_owner owner;        /* CONSOLE_MONITOR at boot */
static struct waitq owner_waiters;
// book: owner

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
 * wake, and we would sleep with a byte waiting (the lost wakeup).  Only
 * the monitor reads this way: while a console service owns the line,
 * it sleeps on, leaving the bytes to cons_read.
 */
int console_getc(void)
{
    int c = -1;
    bool awake = true;
    uint64_t fl = irq_save();
    while (awake && (rx_head == rx_tail || owner != CONSOLE_MONITOR))
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

/* ---- who reads the line: the monitor or the console service ------------ */


enum console_owner console_owner(void)
{
    return owner;
}

/* console_set_owner: see console.h.  Thread context. */
void console_set_owner(enum console_owner o)
{
    uint64_t fl = irq_save();
    owner = o;
    waitq_wake_all(&owner_waiters);
    waitq_wake_all(&rx_readers);    /* the input thread re-checks */
    irq_restore(fl);
}

/* console_wait_owner: see console.h. */
bool console_wait_owner(enum console_owner o)
{
    bool awake = true;
    uint64_t fl = irq_save();
    while (awake && owner != o)
        awake = waitq_sleep(&owner_waiters);
    irq_restore(fl);
    return awake;
}

/* console_monitor_turn: see console.h.  The monitor thread is never
 * interrupted while it waits here (nothing it runs is in the
 * foreground), so an interrupted sleep just waits again. */
bool console_monitor_turn(void)
{
    bool slept = false;
    while (owner != CONSOLE_MONITOR) {
        slept = true;
        console_wait_owner(CONSOLE_MONITOR);
    }
    return slept;
}

/* console_wait_input: see console.h.  Masked like console_getc, for
 * the same lost wakeup. */
bool console_wait_input(uint64_t *seen)
{
    bool awake = true;
    uint64_t fl = irq_save();
    while (awake && !(owner == CONSOLE_SERVICE && rx_head != rx_tail &&
                      console_received() != *seen))
        awake = waitq_sleep(&rx_readers);
    if (awake)
        *seen = console_received();
    irq_restore(fl);
    return awake;
}
