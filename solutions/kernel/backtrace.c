/*
 * backtrace.c: stack backtraces through frame pointers.
 *
 * The kernel is compiled with -fno-omit-frame-pointer, so every function
 * starts with
 *         push %rbp          ; save the caller's frame pointer
 *         mov  %rsp, %rbp    ; this frame starts here
 * and, at any moment, %rbp points at a two-word record:
 *         [rbp + 0]  the caller's saved %rbp   (the next record)
 *         [rbp + 8]  the return address into the caller
 * Following the saved %rbp values walks from the innermost call outwards.
 * entry.asm sets %rbp to 0 before calling kmain, which ends the chain.
 */
#include "backtrace.h"

#include "kprintf.h"
#include "labtodo.h"
#include "param.h"
#include "symbols.h"
#include "thread.h"
#include "arch/x86_64/memlayout.h"
#include "arch/x86_64/x86.h"

extern char _kernel_end[];

/*
 * bt_print_frame: print one line "  #depth 0xaddr name+0xoff".  A return
 * address points just after its call instruction, which may already be
 * the next function when the call was the last instruction (a call to a
 * function that never returns), so for is_return the name is looked up
 * at addr - 1; the offset is still from addr.
 */
void bt_print_frame(int depth, uint64_t addr, int is_return)
{
    uint64_t off;
    const char *name = sym_lookup(addr - (is_return ? 1 : 0), &off);
    if (name)
        kprintf("  #%d %p %s+0x%lx\n", depth, (void *)addr, name,
                off + (is_return ? 1 : 0));
    else
        kprintf("  #%d %p ?\n", depth, (void *)addr);
}

/*
 * bt_frame_ok: may rbp be dereferenced as a frame record?  It must be
 * 8-byte aligned and lie on a stack: one inside the kernel image (the
 * boot and double-fault stacks, in .bss, [KERNLINK, _kernel_end)) or the
 * running thread's own kernel stack (thread.c).
 */
static int bt_frame_ok(uint64_t rbp)
{
    bool in_image = rbp >= KERNLINK && rbp + 16 <= (uint64_t)_kernel_end;
    return (in_image || thread_stack_holds(rbp, 16)) && (rbp & 7) == 0;
}

/*
 * bt_walk: print, numbered from depth on, the return address of every
 * frame record in the chain that starts at rbp, innermost first (each
 * line by bt_print_frame, as a return address).  A record is two words:
 * [rbp] the caller's saved %rbp, the next record, and [rbp + 8] the
 * return address.  Stops at a zero frame pointer (the end: entry.asm
 * starts kmain with %rbp = 0) and after BT_DEPTH_MAX lines in all.
 * Before reading a record it checks the pointer with bt_frame_ok and,
 * when that fails, prints "  (bad frame pointer 0x...)" and stops; frames
 * lie at increasing addresses, so a saved %rbp that is not above the
 * record holding it means a corrupt chain: it prints "  (frame chain
 * loops at 0x...)" and stops.
 */
static void bt_walk(uint64_t rbp, int depth)
{
    // LAB 1 BEGIN bt_walk
    while (rbp && depth < BT_DEPTH_MAX) {
        if (!bt_frame_ok(rbp)) {
            kprintf("  (bad frame pointer %p)\n", (void *)rbp);
            return;
        }
        const uint64_t *frame = (const uint64_t *)rbp;
        bt_print_frame(depth++, frame[1], 1);
        if (frame[0] != 0 && frame[0] <= rbp) {
            kprintf("  (frame chain loops at %p)\n", (void *)frame[0]);
            return;
        }
        rbp = frame[0];
    }
    // LAB 1 BUG bt_walk_stops_one_early
    // while (rbp && depth < BT_DEPTH_MAX) {
    //     if (!bt_frame_ok(rbp)) {
    //         kprintf("  (bad frame pointer %p)\n", (void *)rbp);
    //         return;
    //     }
    //     const uint64_t *frame = (const uint64_t *)rbp;
    //     if (frame[0] == 0)
    //         return;
    //     bt_print_frame(depth++, frame[1], 1);
    //     if (frame[0] <= rbp) {
    //         kprintf("  (frame chain loops at %p)\n", (void *)frame[0]);
    //         return;
    //     }
    //     rbp = frame[0];
    // }
    // LAB 1 STUB walks nothing, so a backtrace shows at most the faulting instruction
    // (void)rbp, (void)depth, (void)bt_frame_ok;
    // LAB_TODO(1, "bt_walk");
    // LAB 1 END
}

/*
 * bt_print_from: print "backtrace:", then rip as frame #0 (if not 0),
 * then every return address found from the frame record at rbp outwards
 * (bt_walk).
 */
void bt_print_from(uint64_t rip, uint64_t rbp)
{
    int depth = 0;
    kprintf("backtrace:\n");
    if (rip)
        bt_print_frame(depth++, rip, 0);
    bt_walk(rbp, depth);
}

/*
 * backtrace: print the calls that led to the caller of backtrace(),
 * innermost first.  noinline: it must have a frame of its own.
 */
__attribute__((noinline)) void backtrace(void)
{
    bt_print_from(0, read_rbp());
}
