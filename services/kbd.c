/*
 * kbd: the PS/2 keyboard driver, a program like any other.  It decodes
 * the keyboard's scancodes (set 1, which the i8042 controller makes of
 * the keyboard's set 2) into the bytes a terminal would send and gives
 * them to the console (CONS_KEYS), which runs them through the same line
 * editor as the serial line's: the shell can be used from either, or
 * both at once.
 *
 * Keys: letters, digits and punctuation of the US layout, with Shift,
 * Caps Lock (letters only, as on a PC) and Ctrl (Ctrl-A .. Ctrl-Z give
 * bytes 1..26, so Ctrl-C interrupts, Ctrl-U erases the line, Ctrl-D ends
 * input); Enter gives \r, Backspace DEL (0x7f), Tab \t, Escape 0x1b.
 * Key repeat is the keyboard's own (typematic): a held key sends its
 * make code again and again, without a break code between, and each
 * one is a key press here; a held modifier repeats harmlessly.
 *
 * Its capabilities (manifest `slots=console-keys,ps2-data,ps2-cmd,irq1`):
 * slot 0 the console badged CONS_BADGE_KEYS, slot 1 port 0x60 (data),
 * slot 2 port 0x64 (status and command), slot 3 interrupt line 1.  It
 * binds the line to a notification of its own, waits on it, reads every
 * byte the controller holds, acknowledges the interrupt (the kernel
 * keeps the line masked until then) and sends the bytes.  If it dies the
 * line stays masked and nothing else breaks; init starts it again and
 * the new one binds the line afresh.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "dev.h"
#include "svc.h"

#define KBD_SLOT_CONSOLE 0
#define KBD_SLOT_DATA 1
#define KBD_SLOT_CMD 2
#define KBD_SLOT_IRQ 3

#define KBD_DATA 0x60
#define KBD_CMD 0x64                /* write: command; read: status */
#define KBD_ST_OUT 0x01             /* status: a byte waits in 0x60 */
#define KBD_ST_IN 0x02              /* status: the controller is busy */
#define KBD_ST_AUX 0x20             /* status: the byte is the mouse's */
#define KBD_CFG_READ 0x20
#define KBD_CFG_WRITE 0x60
#define KBD_CFG_IRQ1 0x01           /* config: interrupt on keyboard data */
#define KBD_CFG_NOCLOCK 0x10        /* config: keyboard clock off */
#define KBD_CFG_XLATE 0x40          /* config: translate to set 1 */
#define KBD_BYTES_MAX 64            /* bytes sent to the console at once */
#define KBD_SPIN_MAX 100000         /* polls of a busy controller */

/* Set 1 make codes 0x00..0x39: the byte without and with Shift. */
static const char kbd_plain[0x3a] =
    "\0\x1b" "1234567890-=\x7f"
    "\tqwertyuiop[]\r"
    "\0asdfghjkl;'`"
    "\0\\zxcvbnm,./\0"
    "*\0 ";
static const char kbd_shift[0x3a] =
    "\0\x1b" "!@#$%^&*()_+\x7f"
    "\tQWERTYUIOP{}\r"
    "\0ASDFGHJKL:\"~"
    "\0|ZXCVBNM<>?\0"
    "*\0 ";

#define SC_LCTRL 0x1d
#define SC_LSHIFT 0x2a
#define SC_RSHIFT 0x36
#define SC_CAPS 0x3a
#define SC_BREAK 0x80               /* bit of a release */
#define SC_EXT 0xe0                 /* prefix of the extended keys */
#define SC_KP_ENTER 0x1c            /* after SC_EXT */
#define SC_KP_SLASH 0x35            /* after SC_EXT */

/* The modifiers' state. */
static struct {
    bool lshift, rshift, ctrl_l, ctrl_r, caps, ext;
} kbd;

/*
 * kbd_decode: one scancode byte; returns the byte it types, or -1 (a
 * release, a modifier, a prefix or a key that types nothing).
 */
static int kbd_decode(uint8_t sc)
{
    bool ext = kbd.ext, up = (sc & SC_BREAK) != 0;
    uint8_t code = sc & (uint8_t)~SC_BREAK;
    kbd.ext = sc == SC_EXT;
    if (sc == SC_EXT || sc == 0xe1)
        return -1;
    if (code == SC_LCTRL) {
        *(ext ? &kbd.ctrl_r : &kbd.ctrl_l) = !up;
        return -1;
    }
    if (!ext && (code == SC_LSHIFT || code == SC_RSHIFT)) {
        *(code == SC_LSHIFT ? &kbd.lshift : &kbd.rshift) = !up;
        return -1;
    }
    if (up || ext) {
        if (!up && code == SC_KP_ENTER)
            return '\r';
        return !up && code == SC_KP_SLASH ? '/' : -1;
    }
    if (code == SC_CAPS) {
        kbd.caps = !kbd.caps;       /* repeats toggle too, as on a PC */
        return -1;
    }
    if (code >= sizeof kbd_plain || !kbd_plain[code])
        return -1;
    bool shift = kbd.lshift || kbd.rshift;
    char c = shift ? kbd_shift[code] : kbd_plain[code];
    if (kbd.caps && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')))
        c ^= 0x20;
    if ((kbd.ctrl_l || kbd.ctrl_r) && ((c | 0x20) >= 'a' && (c | 0x20) <= 'z'))
        c = (char)((c | 0x20) - 'a' + 1);
    return (unsigned char)c;
}

/* ---- the controller -------------------------------------------------------- */

/* kbd_status: the controller's status byte. */
static uint32_t kbd_status(void)
{
    return port_inb(KBD_SLOT_CMD, KBD_CMD);
}

/* kbd_write: byte v to port (KBD_CMD or KBD_DATA, through its slot) once
 * the controller can take it. */
static void kbd_write(int32_t slot, uint32_t port, uint32_t v)
{
    for (int i = 0; i < KBD_SPIN_MAX && (kbd_status() & KBD_ST_IN); i++)
        ;
    port_outb(slot, port, v);
}

/* kbd_read_data: the next byte from the controller; -1 if none comes. */
static int kbd_read_data(void)
{
    for (int i = 0; i < KBD_SPIN_MAX; i++)
        if (kbd_status() & KBD_ST_OUT)
            return (int)port_inb(KBD_SLOT_DATA, KBD_DATA);
    return -1;
}

/* kbd_setup: empty the controller and make it interrupt on keyboard
 * bytes, translated to set 1, with the keyboard's clock on. */
static void kbd_setup(void)
{
    while (kbd_status() & KBD_ST_OUT)
        port_inb(KBD_SLOT_DATA, KBD_DATA);
    kbd_write(KBD_SLOT_CMD, KBD_CMD, KBD_CFG_READ);
    int cfg = kbd_read_data();
    if (cfg < 0)
        cfg = KBD_CFG_XLATE;
    cfg = (cfg | KBD_CFG_IRQ1 | KBD_CFG_XLATE) & ~KBD_CFG_NOCLOCK;
    kbd_write(KBD_SLOT_CMD, KBD_CMD, KBD_CFG_WRITE);
    kbd_write(KBD_SLOT_DATA, KBD_DATA, (uint32_t)cfg);
}

/* kbd_send: the typed bytes to the console; false when it is gone for
 * good (its endpoint closed). */
static bool kbd_send(const char *keys, uint32_t n)
{
    wisp_msg m = {.label = CONS_KEYS, .buf = SVC_PTR(keys), .len = n};
    wisp_in in = {0};
    return n == 0 || wisp_call(KBD_SLOT_CONSOLE, &m, &in) != WISP_EPIPE;
}

/* kbd_drain: every keyboard byte the controller holds, decoded into
 * keys; returns how many bytes they made. */
static uint32_t kbd_drain(char *keys)
{
    uint32_t n = 0, st;
    while (n < KBD_BYTES_MAX && ((st = kbd_status()) & KBD_ST_OUT)) {
        uint32_t sc = port_inb(KBD_SLOT_DATA, KBD_DATA);
        int c = st & KBD_ST_AUX ? -1 : kbd_decode((uint8_t)sc);
        if (c >= 0)
            keys[n++] = (char)c;
    }
    return n;
}

/* main: bind the interrupt, then decode and send for ever. */
int main(void)
{
    char keys[KBD_BYTES_MAX];
    int32_t ntfn, err;
    uint32_t word;
    if ((err = wisp_ntfn_create(&ntfn)) != 0 ||
        (err = wisp_irq_bind(KBD_SLOT_IRQ, ntfn)) != 0) {
        printf("kbd: cannot bind the keyboard's interrupt: %s\n",
               wisp_strerror(err));
        return 1;
    }
    kbd_setup();
    for (;;) {
        uint32_t n = kbd_drain(keys);
        wisp_irq_ack(KBD_SLOT_IRQ);
        if (!kbd_send(keys, n))
            return 0;
        wisp_wait(ntfn, &word);
    }
}
