/*
 * main.c: kmain, where the kernel's C code starts.
 */
#include <stdint.h>

#include "console.h"
#include "kprintf.h"
#include "monitor.h"
#include "multiboot.h"
#include "panic.h"
#include "param.h"
#include "sched.h"
#include "serial.h"
#include "timer.h"
#include "arch/x86_64/gdt.h"
#include "arch/x86_64/idt.h"
#include "arch/x86_64/irq.h"
#include "arch/x86_64/sse.h"
#include "mm/kmalloc.h"
#include "mm/pmm.h"
#include "mm/vm.h"
#include "proc/initrd.h"
#include "proc/proc.h"
#include "proc/sysinfo.h"

#ifndef WISP_VERSION
#define WISP_VERSION "unknown"
#endif

/* The stack kmain runs on; entry.asm loads boot_stack_top into %rsp. */
static uint8_t boot_stack[KSTACK_SIZE] __attribute__((aligned(16)));
uint8_t *const boot_stack_top = boot_stack + KSTACK_SIZE;

void kmain(uint32_t magic, uint64_t info_pa);

// book: kmain
/*
 * kmain: called once by entry.asm in 64-bit mode, on boot_stack, with
 * interrupts off, paging on (boot page tables) and SSE enabled.  magic and
 * info_pa are what the multiboot2 loader left in EAX and EBX.  Never
 * returns.
 */
void kmain(uint32_t magic, uint64_t info_pa)
{
    serial_init();
    gdt_init();
    idt_init();
    const char *err = mb_parse(magic, info_pa);
    if (err)
        panic("%s", err);
    if (!sse_selftest())
        panic("SSE arithmetic gave a wrong result");
    pmm_init();             /* frames, from the memory map */
    vm_init();              /* the kernel's own page tables */
    kheap_init();           /* kmalloc */
    kprintf("Wisp %s (x86_64), %lu MiB RAM\n", WISP_VERSION,
            mb_usable_bytes() >> 20);
    // book: kmain_threads
    sched_init();           /* kmain becomes the thread "monitor" */
    irq_init();             /* PICs remapped, every IRQ masked */
    timer_init();           /* IRQ 0, TIMER_HZ */
    console_init();         /* IRQ 4: typed bytes into the ring buffer */
    irq_enable();           /* from here on the timer ticks */
    // book: kmain_threads
    initrd_init();          /* the programs GRUB loaded */
    proc_init();            /* host functions for processes */
    consdev_start();        /* init=NAME: the first process, given the
                               serial line */
    monitor_run();
}
// book: kmain
