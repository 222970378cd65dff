/*
 * vga: the VGA text screen driver, a program like any other.  It shows
 * the console's output on the PC's screen: 80 x 25 cells of a character
 * and a colour byte in the VGA text window at physical 0xB8000, with a
 * title bar on the top row, the text below it scrolling up as lines
 * come, the hardware cursor after the last character, and the colours
 * of ANSI SGR escapes (ESC [ 31 m ...).
 *
 * It touches the hardware only through the capabilities init gave it
 * (manifest `slots=console-screen,vga-ports,vga-text`): slot 1 the CRT
 * controller's two ports (0x3D4, 0x3D5: the cursor), slot 2 the text
 * window; every access is checked by the kernel (dev.h).  Slot 0 is a
 * handle on the console badged CONS_BADGE_SCREEN: the driver calls
 * CONS_SCREEN with how much output it has shown and gets the rest.  So
 * the console never waits for the screen, and a driver started again
 * (after a crash or a kill) gets the last screenful back.  Its own
 * printf goes to the console as well (slot 0 is a console endpoint).
 *
 * Under UEFI there is no VGA text mode: the kernel's text window is
 * empty, and the driver says the console has no screen, then sleeps.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "dev.h"
#include "svc.h"

#define VGA_SLOT_CONSOLE 0
#define VGA_SLOT_PORTS 1
#define VGA_SLOT_TEXT 2

#define VGA_COLS 80
#define VGA_ROWS 25
#define VGA_TOP 1                   /* rows above the text: the title */
#define VGA_CRTC_INDEX 0x3d4
#define VGA_CRTC_DATA 0x3d5
#define VGA_ATTR_TEXT 0x07          /* light grey on black */
#define VGA_ATTR_TITLE 0x1f         /* white on blue */
#define VGA_ESC_MAX 16              /* bytes of one escape sequence */

/* What is on the screen, as the window holds it: char, attribute. */
static uint16_t vga_cells[VGA_ROWS][VGA_COLS];
static int vga_row = VGA_TOP, vga_col;
static uint8_t vga_attr = VGA_ATTR_TEXT;

/* An escape sequence being read: ESC [ params final. */
static struct {
    int state;                      /* 0 none, 1 after ESC, 2 in CSI */
    char buf[VGA_ESC_MAX];
    int len;
} vga_esc;

/* ---- the screen ----------------------------------------------------------- */

/* vga_clear_row: row r blank in the current colours. */
static void vga_clear_row(int r)
{
    for (int c = 0; c < VGA_COLS; c++)
        vga_cells[r][c] = (uint16_t)(' ' | (vga_attr & 0xf0) << 8 |
                                     VGA_ATTR_TEXT << 8);
}

/* vga_scroll: the text rows move up one; the last one is blank. */
static void vga_scroll(void)
{
    memmove(vga_cells[VGA_TOP], vga_cells[VGA_TOP + 1],
            sizeof vga_cells[0] * (VGA_ROWS - VGA_TOP - 1));
    vga_clear_row(VGA_ROWS - 1);
}

/* vga_clear_text: blank text rows, the cursor at their start. */
static void vga_clear_text(void)
{
    for (int r = VGA_TOP; r < VGA_ROWS; r++)
        vga_clear_row(r);
    vga_row = VGA_TOP, vga_col = 0;
}

/* vga_newline: the cursor to the start of the next line, scrolling. */
static void vga_newline(void)
{
    vga_col = 0;
    if (++vga_row == VGA_ROWS) {
        vga_scroll();
        vga_row = VGA_ROWS - 1;
    }
}

/* vga_glyph: character ch at the cursor, which moves on (wrapping). */
static void vga_glyph(uint8_t ch)
{
    if (vga_col == VGA_COLS)
        vga_newline();
    vga_cells[vga_row][vga_col++] = (uint16_t)(ch | vga_attr << 8);
}

/* vga_title: the top row: the system's name on a blue bar. */
static void vga_title(void)
{
    char t[VGA_COLS + 1];
    int n = snprintf(t, sizeof t, " Wisp  -  VGA text console (vga.wasm, "
                     "pid %d): the shell, also on the serial line",
                     (int)wisp_getpid());
    for (int c = 0; c < VGA_COLS; c++)
        vga_cells[0][c] = (uint16_t)((c < n ? t[c] : ' ') |
                                     VGA_ATTR_TITLE << 8);
}

/* ---- escapes: colours ----------------------------------------------------- */

/* vga_sgr: one SGR parameter: 0 reset, 1 bright, 30-37 / 90-97
 * foreground, 40-47 background, 39 / 49 default. */
static void vga_sgr(int p)
{
    /* ANSI's colour order (red = 1) in the VGA's (blue = 1) */
    static const uint8_t ansi[8] = {0, 4, 2, 6, 1, 5, 3, 7};
    if (p == 0)
        vga_attr = VGA_ATTR_TEXT;
    else if (p == 1)
        vga_attr |= 0x08;
    else if (p >= 30 && p <= 37)
        vga_attr = (uint8_t)((vga_attr & 0xf8) | ansi[p - 30]);
    else if (p >= 90 && p <= 97)
        vga_attr = (uint8_t)((vga_attr & 0xf0) | ansi[p - 90] | 0x08);
    else if (p >= 40 && p <= 47)
        vga_attr = (uint8_t)((vga_attr & 0x8f) | ansi[p - 40] << 4);
    else if (p == 39)
        vga_attr = (uint8_t)((vga_attr & 0xf0) | (VGA_ATTR_TEXT & 0x0f));
    else if (p == 49)
        vga_attr &= 0x8f;
}

/* vga_csi: a finished CSI sequence with final byte f: SGR (m) and
 * clear screen (2J); others are ignored. */
static void vga_csi(char f)
{
    int p = 0;
    vga_esc.buf[vga_esc.len] = '\0';
    if (f == 'J') {
        vga_clear_text();
        return;
    }
    if (f != 'm')
        return;
    for (const char *s = vga_esc.buf;; s++) {
        if (*s >= '0' && *s <= '9') {
            p = p * 10 + (*s - '0');
            continue;
        }
        vga_sgr(p);
        p = 0;
        if (*s != ';')
            return;
    }
}

/* vga_escape: byte ch of an escape sequence (vga_esc.state != 0). */
static void vga_escape(uint8_t ch)
{
    if (vga_esc.state == 1) {
        vga_esc.state = ch == '[' ? 2 : 0;
        vga_esc.len = 0;
        return;
    }
    if (ch >= 0x40 && ch <= 0x7e) {
        vga_csi((char)ch);
        vga_esc.state = 0;
    } else if (vga_esc.len < VGA_ESC_MAX - 1) {
        vga_esc.buf[vga_esc.len++] = (char)ch;
    } else {
        vga_esc.state = 0;          /* too long: dropped */
    }
}

/* vga_byte: one byte of console output onto the screen. */
static void vga_byte(uint8_t ch)
{
    if (vga_esc.state)
        vga_escape(ch);
    else if (ch == 0x1b)
        vga_esc.state = 1;
    else if (ch == '\n')
        vga_newline();
    else if (ch == '\r')
        vga_col = 0;
    else if (ch == '\b')
        vga_col = vga_col > 0 ? vga_col - 1 : 0;
    else if (ch == '\t')
        do vga_glyph(' '); while (vga_col % 8 != 0);
    else if (ch >= 0x20 && ch < 0x7f)
        vga_glyph(ch);
    else if (ch >= 0x80)
        vga_glyph(0xfe);            /* a small block: not ASCII */
}

/* ---- the hardware ---------------------------------------------------------- */

/* vga_crtc: CRT controller register reg = v. */
static void vga_crtc(uint32_t reg, uint32_t v)
{
    port_outb(VGA_SLOT_PORTS, VGA_CRTC_INDEX, reg);
    port_outb(VGA_SLOT_PORTS, VGA_CRTC_DATA, v);
}

/* vga_show: the cells into the window and the cursor to its place. */
static void vga_show(void)
{
    uint32_t pos = (uint32_t)(vga_row * VGA_COLS +
                              (vga_col < VGA_COLS ? vga_col : VGA_COLS - 1));
    wisp_mem_write(VGA_SLOT_TEXT, 0, vga_cells, sizeof vga_cells);
    vga_crtc(0x0e, pos >> 8);
    vga_crtc(0x0f, pos & 0xff);
}

/* vga_start: a clear screen with the title and an underline cursor. */
static void vga_start(void)
{
    for (int r = 0; r < VGA_ROWS; r++)
        vga_clear_row(r);
    vga_title();
    vga_crtc(0x0a, 14);             /* cursor scan lines 14..15 */
    vga_crtc(0x0b, 15);
    vga_show();
}

/* vga_no_screen: there is no text window (UEFI): say so, and wait for
 * ever (init would only start the driver again). */
static int vga_no_screen(void)
{
    printf("console: no VGA text screen (booted by UEFI firmware, which "
           "has no text mode): the console is on the serial line only\n");
    fflush(stdout);
    for (;;)
        wisp_sleep_ms(1000000);
}

/* main: show the console's output for ever. */
int main(void)
{
    static char buf[CONS_SCREEN_KEEP];
    wisp_io_info_t info;
    uint32_t shown = 0;
    int32_t err = wisp_io_info(VGA_SLOT_TEXT, &info);
    if (err || info.type != WISP_IO_MEM) {
        printf("vga: slot %d is not the text window: %s\n", VGA_SLOT_TEXT,
               err ? wisp_strerror(err) : "another kind of capability");
        return 1;
    }
    if (info.len < sizeof vga_cells)
        return vga_no_screen();
    vga_start();
    for (;;) {
        wisp_msg m = {.label = CONS_SCREEN, .nwords = 1, .words = {shown}};
        wisp_in in = {.buf = SVC_PTR(buf), .cap = sizeof buf};
        err = wisp_call(VGA_SLOT_CONSOLE, &m, &in);
        if (err || in.label != 0) {
            wisp_sleep_ms(100);     /* the console restarts, or EAGAIN */
            continue;
        }
        if (in.words[0] < shown)    /* a restarted console: its bytes */
            vga_clear_text();
        for (uint32_t i = 0; i < in.copied; i++)
            vga_byte((uint8_t)buf[i]);
        shown = in.words[0];
        vga_show();
    }
}
