/*
 * serial.c: a polled driver for the 16550 UART at COM1.
 *
 * A 16550 is programmed through eight I/O ports starting at its base.  We
 * use it at 115200 baud, 8 data bits, no parity, one stop bit (8N1), with
 * its FIFOs on.  Output is polled: serial_putc waits until the UART can
 * take a byte.  Input starts polled too (serial_getc asks "is a byte
 * there?"); once the interrupt controller is set up, console.c calls
 * serial_rx_irq_on and the UART raises IRQ 4 for every received byte.
 */
#include "serial.h"

#include <stdint.h>

#include "arch/x86_64/x86.h"

#define COM1 0x3f8
/* Register offsets from the base port. */
#define UART_DATA 0      /* read: received byte; write: byte to send */
#define UART_IER 1       /* interrupt enable (DLAB=0) */
#define UART_DLL 0       /* divisor low byte (DLAB=1) */
#define UART_DLM 1       /* divisor high byte (DLAB=1) */
#define UART_FCR 2       /* FIFO control */
#define UART_LCR 3       /* line control: data format, DLAB */
#define UART_MCR 4       /* modem control */
#define UART_LSR 5       /* line status */

#define LCR_8N1 0x03     /* 8 data bits, no parity, 1 stop bit */
#define LCR_DLAB 0x80    /* divisor latch access: DLL/DLM replace DATA/IER */
#define FCR_ENABLE 0x05  /* enable FIFOs, clear the transmit one (keep
                          * bytes already typed), interrupt at 1 byte */
#define MCR_DTR_RTS 0x03 /* "data terminal ready", "request to send" */
#define MCR_OUT2 0x08    /* on a PC, gates the UART's IRQ line to the PIC */
#define IER_RX 0x01      /* interrupt when a received byte is waiting */
#define LSR_DR 0x01      /* a received byte is waiting */
#define LSR_THRE 0x20    /* the transmit holding register is empty */

/*
 * serial_init: program COM1 for 115200 8N1, FIFOs on, interrupts off.
 * Needs: nothing (safe to call first thing in kmain).
 */
void serial_init(void)
{
    outb(COM1 + UART_IER, 0x00);
    outb(COM1 + UART_LCR, LCR_DLAB);
    outb(COM1 + UART_DLL, 1);          /* 115200 / 1 = 115200 baud */
    outb(COM1 + UART_DLM, 0);
    outb(COM1 + UART_LCR, LCR_8N1);    /* also clears DLAB */
    outb(COM1 + UART_FCR, FCR_ENABLE);
    outb(COM1 + UART_MCR, MCR_DTR_RTS);
}

/*
 * serial_putc: send one byte, waiting until the UART can take it.
 * Sends exactly c; newline translation is the console's job (kprintf.c).
 */
void serial_putc(char c)
{
    while (!(inb(COM1 + UART_LSR) & LSR_THRE))
        cpu_relax();
    outb(COM1 + UART_DATA, (uint8_t)c);
}

/* serial_can_read: true when a received byte is waiting. */
bool serial_can_read(void)
{
    return (inb(COM1 + UART_LSR) & LSR_DR) != 0;
}

/*
 * serial_getc: wait for and return the next received byte (0..255).
 * Spins: there is nothing else for the CPU to do yet.
 */
int serial_getc(void)
{
    while (!serial_can_read())
        cpu_relax();
    return inb(COM1 + UART_DATA);
}

/*
 * serial_rx_irq_on: have COM1 raise IRQ 4 whenever a received byte is
 * waiting (it stays raised until the bytes are read).  Needs the IRQ's
 * handler registered.
 */
void serial_rx_irq_on(void)
{
    outb(COM1 + UART_MCR, MCR_DTR_RTS | MCR_OUT2);
    outb(COM1 + UART_IER, IER_RX);
}

/* serial_read: the received byte waiting (needs serial_can_read()). */
int serial_read(void)
{
    return inb(COM1 + UART_DATA);
}
