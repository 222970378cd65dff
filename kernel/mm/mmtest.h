/*
 * mmtest.h: test paths into the memory manager, for the monitor: faults
 * that prove the protections work (`fault stack|wp|nx|null`, rows in
 * kernel/arch/x86_64/fault.c), double frees that must panic (`fault
 * pmmdf|heapdf`), heap exhaustion (`heapfill`, `heapfree`), a
 * self-test of regions and kernel stacks (`vmtest`) and the workload of
 * a linear memory that grows and shrinks (`memgrow`).
 */
#ifndef WISP_MMTEST_H
#define WISP_MMTEST_H

void mm_fault_stack(void);
void mm_fault_wp(void);
void mm_fault_nx(void);
void mm_fault_null(void);
void mm_fault_pmm_double(void);
void mm_fault_heap_double(void);
void mm_heapfill_cmd(int argc, char **argv);
void mm_heapfree_cmd(int argc, char **argv);
void mm_vmtest_cmd(int argc, char **argv);
void mm_memgrow_cmd(int argc, char **argv);

#endif
