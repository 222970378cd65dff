/*
 * devtest: the I/O capabilities' checks, seen from a program (harness/
 * tests/test_dev_caps.py).  Booted as init (init=devtest.wasm), it has
 * what the kernel gives init: the console device in slot 0 and the I/O
 * capabilities in slots 1..5 (vga-ports, vga-text, ps2-data, ps2-cmd,
 * irq1).  It prints one line per check, "devtest: WHAT: ERRNO", then
 * writes a word into the text window, starts a child with only the
 * ps2-data capability, and waits for keyboard interrupts, printing each
 * scancode:
 *
 *   devtest.wasm          (as init) the checks, then the interrupts
 *   devtest.wasm child    the child: what one capability reaches
 *
 * Run any other way (from the shell) it has no I/O capability, and says
 * what its calls get then.  Two modes serve the VGA console's tests:
 *
 *   devtest colors        words in the eight ANSI colours (SGR escapes)
 *   devtest lines N       N numbered lines (scrolling)
 */
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "dev.h"

#define SLOT_VGA_PORTS 1
#define SLOT_VGA_TEXT 2
#define SLOT_PS2_DATA 3
#define SLOT_PS2_CMD 4
#define SLOT_IRQ1 5

/* expect: print what a call returned. */
static void expect(const char *what, int32_t err)
{
    printf("devtest: %s: %s\n", what, err ? wisp_strerror(err) : "ok");
}

/* info: what io_info says of slot h. */
static void info(int32_t h)
{
    static const char *const types[] = {"?", "ports", "mem", "irq"};
    wisp_io_info_t i;
    int32_t err = wisp_io_info(h, &i);
    if (err) {
        expect("io_info", err);
        return;
    }
    printf("devtest: slot %d: %s base 0x%x len %u rights %u\n", (int)h,
           types[i.type < 4 ? i.type : 0], (unsigned)i.base,
           (unsigned)i.len, (unsigned)i.rights);
}

/* ports: the port checks. */
static void ports(void)
{
    uint32_t v;
    int32_t ro;
    expect("port_in 0x3d5 through vga-ports",
           wisp_port_in(SLOT_VGA_PORTS, 0x3d5, 1, &v));
    expect("port_in 0x3d4 width 2 through vga-ports",
           wisp_port_in(SLOT_VGA_PORTS, 0x3d4, 2, &v));
    expect("port_in 0x3d5 width 2 through vga-ports (past its end)",
           wisp_port_in(SLOT_VGA_PORTS, 0x3d5, 2, &v));
    expect("port_in 0x3d3 through vga-ports (before it)",
           wisp_port_in(SLOT_VGA_PORTS, 0x3d3, 1, &v));
    expect("port_in 0x60 through vga-ports (the keyboard's)",
           wisp_port_in(SLOT_VGA_PORTS, 0x60, 1, &v));
    expect("port_in width 3", wisp_port_in(SLOT_VGA_PORTS, 0x3d4, 3, &v));
    expect("port_in through a free slot", wisp_port_in(60, 0x3d4, 1, &v));
    expect("port_in through the console device",
           wisp_port_in(0, 0x3d4, 1, &v));
    expect("port_in through vga-text", wisp_port_in(SLOT_VGA_TEXT, 0, 1, &v));
    expect("port_in through irq1", wisp_port_in(SLOT_IRQ1, 1, 1, &v));
    wisp_dup(SLOT_VGA_PORTS, WISP_R_RECV, 0, &ro);
    expect("port_in through a read-only copy", wisp_port_in(ro, 0x3d4, 1, &v));
    expect("port_out through a read-only copy",
           wisp_port_out(ro, 0x3d4, 1, 0x0e));
    wisp_close(ro);
}

/* window: the window checks; leaves "DEVTEST" in green on the top row
 * (the harness reads it back from the machine's memory). */
static void window(void)
{
    static uint8_t cells[4000], back[4000];
    const char *word = "DEVTEST";
    int32_t wo;
    for (int i = 0; i < 2000; i++)
        cells[2 * i] = ' ', cells[2 * i + 1] = 0x07;
    for (int i = 0; word[i]; i++)
        cells[2 * i] = (uint8_t)word[i], cells[2 * i + 1] = 0x0a;
    expect("mem_write 4000 bytes at 0",
           wisp_mem_write(SLOT_VGA_TEXT, 0, cells, sizeof cells));
    expect("mem_read them back", wisp_mem_read(SLOT_VGA_TEXT, 0, back,
                                               sizeof back));
    printf("devtest: read back %s\n",
           memcmp(cells, back, sizeof back) == 0 ? "the same" : "other bytes");
    expect("mem_write 2 bytes at 3999 (past the end)",
           wisp_mem_write(SLOT_VGA_TEXT, 3999, cells, 2));
    expect("mem_write 0 bytes at 4000", wisp_mem_write(SLOT_VGA_TEXT, 4000,
                                                       cells, 0));
    expect("mem_write 2 bytes at 0xffffffff (a sum that wraps)",
           wisp_mem_write(SLOT_VGA_TEXT, 0xffffffffu, cells, 2));
    expect("mem_write through vga-ports",
           wisp_mem_write(SLOT_VGA_PORTS, 0, cells, 2));
    wisp_dup(SLOT_VGA_TEXT, WISP_R_SEND, 0, &wo);
    expect("mem_read through a write-only copy",
           wisp_mem_read(wo, 0, back, 2));
    wisp_close(wo);
}

/* irq: the binding checks; returns the bound notification. */
static int32_t irq(void)
{
    int32_t nt, ep, waitonly;
    wisp_ntfn_create(&nt);
    wisp_ep_create(&ep);
    wisp_dup(nt, WISP_R_RECV, 0, &waitonly);
    expect("irq_bind through ps2-data", wisp_irq_bind(SLOT_PS2_DATA, nt));
    expect("irq_bind to an endpoint", wisp_irq_bind(SLOT_IRQ1, ep));
    expect("irq_bind to a notification without s",
           wisp_irq_bind(SLOT_IRQ1, waitonly));
    expect("irq_ack through vga-text", wisp_irq_ack(SLOT_VGA_TEXT));
    expect("irq_bind irq1", wisp_irq_bind(SLOT_IRQ1, nt));
    wisp_close(waitonly);
    wisp_close(ep);
    return nt;
}

/* child: run with only ps2-data, in slot 0. */
static int child(void)
{
    uint32_t v;
    expect("child: port_in 0x60 through ps2-data",
           wisp_port_in(0, 0x60, 1, &v));
    expect("child: port_in 0x64 through ps2-data",
           wisp_port_in(0, 0x64, 1, &v));
    expect("child: port_in 0x3d4 through ps2-data",
           wisp_port_in(0, 0x3d4, 1, &v));
    expect("child: mem_write through slot 1 (none)",
           wisp_mem_write(1, 0, "x", 1));
    return 0;
}

/* spawn_child: devtest child with a copy of ps2-data; waits for it. */
static void spawn_child(void)
{
    int32_t pid, nt, hs[1] = {SLOT_PS2_DATA};
    uint32_t word;
    wisp_ntfn_create(&nt);
    if (wisp_spawn("devtest.wasm", 12, "child", 6, hs, 1, &pid) == 0 &&
        wisp_watch(pid, nt) == 0)
        wisp_wait(nt, &word);
    wisp_close(nt);
}

/* colors: one word per ANSI colour, each in its colour, then normal. */
static int colors(void)
{
    static const char *const names[8] = {
        "black", "red", "green", "yellow", "blue", "magenta", "cyan", "white"};
    printf("colours:");
    for (int i = 1; i < 8; i++)
        printf(" \x1b[3%dm%s\x1b[0m", i, names[i]);
    printf(" \x1b[1;37;41mbright-on-red\x1b[0m end\n");
    return 0;
}

int main(int argc, char **argv)
{
    uint32_t word, sc;
    if (argc > 1 && strcmp(argv[1], "child") == 0)
        return child();
    if (argc > 1 && strcmp(argv[1], "colors") == 0)
        return colors();
    if (argc > 2 && strcmp(argv[1], "lines") == 0) {
        for (int i = 1, n = atoi(argv[2]); i <= n; i++)
            printf("line %d\n", i);
        return 0;
    }
    wisp_io_info_t i;
    int32_t err = wisp_io_info(SLOT_VGA_PORTS, &i);
    if (err) {                  /* not init: run from the shell, say */
        printf("devtest: slot 1 is no I/O capability (%s): only what init "
               "was given, and passed on, reaches a device\n",
               wisp_strerror(err));
        uint32_t v;
        expect("port_in 0x60", wisp_port_in(SLOT_PS2_DATA, 0x60, 1, &v));
        expect("mem_write to the screen",
               wisp_mem_write(SLOT_VGA_TEXT, 0, "x", 1));
        expect("irq_ack", wisp_irq_ack(SLOT_IRQ1));
        return 0;
    }
    for (int h = 1; h <= 5; h++)
        info(h);
    info(0);
    ports();
    window();
    spawn_child();
    int32_t nt = irq();
    printf("devtest: waiting for keyboard interrupts\n");
    while (wisp_wait(nt, &word) == 0) {
        while (port_inb(SLOT_PS2_CMD, 0x64) & 1) {
            sc = port_inb(SLOT_PS2_DATA, 0x60);
            printf("devtest: irq1 signalled (word %u): scancode 0x%02x\n",
                   (unsigned)word, (unsigned)sc);
        }
        wisp_irq_ack(SLOT_IRQ1);
    }
    return 1;
}
