# Wisp: the one entry point.  `make help` lists the targets.
#
# Each subsystem keeps its rules in its own fragment (kernel/Makefrag,
# interp/Makefrag, book/Makefrag, harness/Makefrag, bench/Makefrag), in the
# style of JOS; this file holds the shared settings and the top-level targets.
#
# A phony target documents itself for `make help` with a comment after its
# prerequisites on the rule line:    target: prereqs ## what it does

BUILD   := build
PYTHON  ?= /usr/bin/python3
VERSION := 0.1.0

# make's built-in default for CC is "cc"; Wisp is written for gcc 12 and
# clang-14, so pick gcc unless the user named a compiler (make CC=clang-14).
ifeq ($(origin CC),default)
CC := gcc
endif
HOSTCC ?= gcc

# Flags every C file of Wisp is held to, kernel and host alike.
WARNFLAGS := -std=c11 -Wall -Wextra -Werror

.DEFAULT_GOAL := all

# --- Which tree a goal runs on ---------------------------------------------
# The files with lab holes are generated from solutions/ by
# harness/tools/carve.py: this tree holds their stubs, for a student to
# fill in (labs/).  Where solutions/ exists (the course's own checkout),
# the goals that need the complete system run in the reference tree
# build/ref, this tree with every hole solved; `make SOLVED=<labs> goal`
# runs any goal in a tree made from solutions/ with just those labs solved
# (build/trees/solved-<labs>), and `make REF=<labs> goal` in a copy of this
# tree with those labs' holes taken from the reference (build/trees/ref-<labs>).
# Inside such a tree, or in a student's tree without solutions/, every
# goal runs where it is.
REF_GOALS := test demo bench bench-build spectest spectest-san \
             spectest-convert fuzz fuzz-gen fuzz-replay spec spec-cover spec-c spec-wp spec-long \
             spec-oracle oracle-kernel \
             compile_commands.json solved
CARVE     := $(PYTHON) harness/tools/carve.py
REF_TREE  := $(BUILD)/ref
WISP_HAS_SOLUTIONS := $(wildcard solutions/.)
WISP_CMD_GOALS := $(or $(MAKECMDGOALS),all)
ifneq ($(and $(SOLVED),$(REF)),)
$(error give SOLVED= or REF=, not both)
endif
ifneq ($(SOLVED)$(REF),)
ifneq ($(WISP_HAS_SOLUTIONS),)
WISP_DELEGATE := every goal
WISP_TREE_ARGS := --solved '$(SOLVED)$(REF)' --base $(if $(SOLVED),carved,student)
WISP_TREE_DIR := $(shell $(CARVE) treedir $(WISP_TREE_ARGS))
ifeq ($(WISP_TREE_DIR),)
$(error SOLVED/REF: see the message above)
endif
else ifneq ($(SOLVED),)
$(error SOLVED=$(SOLVED): this tree has no solutions/, so no solved tree can be made)
else
# A student's own tree: grade without the reference, and say so.
export WISP_REF_MISSING := $(REF)
endif
else ifneq ($(and $(WISP_HAS_SOLUTIONS),$(filter $(REF_GOALS),$(WISP_CMD_GOALS))),)
WISP_DELEGATE := reference goals
WISP_TREE_DIR := $(REF_TREE)
WISP_TREE_ARGS := --solved all
endif

ifneq ($(WISP_DELEGATE),)
include labs/trees.mk
else
.PHONY: all help clean test compile_commands.json
.PHONY: demo solved spec

# TEST_PREREQS: what must be built before pytest runs; fragments append.
TEST_PREREQS :=

# COMPDB_TARGETS: what `make compile_commands.json` builds under bear, so
# editors see every C file; fragments append (e.g. host tools).
COMPDB_TARGETS := all

# --- Missing tools ---------------------------------------------------------
# Before building anything, check that the tools the goals need exist, so a
# fresh machine gets "missing nasm: run make deps (package nasm)" instead of
# a cryptic failure halfway through.  harness/tools/env.sh holds the table of
# tools and the Debian package of each.
# TOOLS_<goal>: what the goal runs besides TOOLS_build (which every goal
# but book needs); harness/tests/test_harness_tools.py checks these lists
# against the programs the recipes run.
NOTOOL_GOALS := deps doctor help clean check-fresh
# wasi-libc and clang's wasm32 builtins: every wasm32-wasi link needs both.
WASI_LIBS    := /usr/lib/wasm32-wasi/libc.a \
                /usr/lib/llvm-14/lib/clang/14.0.6/lib/wasi/libclang_rt.builtins-wasm32.a
# libFuzzer: the fuzz targets link it (make test builds them too).
FUZZER_LIB   := /usr/lib/llvm-14/lib/clang/14.0.6/lib/linux/libclang_rt.fuzzer-x86_64.a
TOOLS_build  := gcc ld ar nm objcopy nasm grub-mkrescue /usr/lib/grub/i386-pc/moddep.lst \
                xorriso mformat clang-14 ld.lld-14 llvm-ar-14 $(WASI_LIBS) wat2wasm \
                /usr/bin/rustc /usr/lib/rustlib/wasm32-wasi /usr/bin/python3
TOOLS_book   := pandoc dot chromium /usr/bin/python3
TOOLS_test   := qemu-system-x86_64 /usr/share/ovmf/OVMF.fd pandoc dot chromium $(FUZZER_LIB) \
                pytest xdist pexpect hypothesis wast2json wasm-interp node spin
TOOLS_qemu   := qemu-system-x86_64
TOOLS_demo   := qemu-system-x86_64
TOOLS_qemu-gdb := qemu-system-x86_64
TOOLS_gdb    := gdb
TOOLS_compile_commands.json := bear
TOOLS_spectest := wast2json
TOOLS_spectest-san := wast2json
TOOLS_spectest-convert := wast2json
TOOLS_fuzz   := wast2json $(FUZZER_LIB)
TOOLS_fuzz-gen := $(FUZZER_LIB)
TOOLS_fuzz-replay := $(FUZZER_LIB)
TOOLS_bench  := node wasm-interp wast2json qemu-system-x86_64
TOOLS_spec   := spin gcov frama-c why3 z3
TOOLS_spec-wp := frama-c why3 z3
TOOLS_spec-cover := gcov
TOOLS_spec-pml := spin
TOOLS_spec-wide := spin
WISP_GOALS   := $(filter-out $(NOTOOL_GOALS),$(or $(MAKECMDGOALS),all))
ifneq ($(WISP_GOALS),)
WISP_NEED    := $(sort $(if $(filter-out book,$(WISP_GOALS)),$(TOOLS_build)) \
                       $(foreach g,$(WISP_GOALS),$(TOOLS_$(g))))
WISP_MISSING := $(shell bash harness/tools/env.sh need $(WISP_NEED) 2>&1)
ifneq ($(WISP_MISSING),)
$(error $(WISP_MISSING))
endif
endif

# Owners of each fragment: kernel/ (boot, monitor, make qemu/gdb),
# interp/ (the engine library), interp/spectest/ (make spectest),
# interp/run/ (wisp-run), interp/fuzz/ (make fuzz), harness/ (make test,
# deps, doctor), book/ (make book), bench/ (make bench).
include kernel/Makefrag
include interp/Makefrag
include interp/spectest/Makefrag
include interp/run/Makefrag
include interp/fuzz/Makefrag
include services/Makefrag
# IPC (ipc/): the core, then its test service; each appends to KERNEL_OBJS.
include $(wildcard ipc/Makefrag ipc/test/Makefrag)
include harness/Makefrag
include book/Makefrag
include bench/Makefrag
include spec/Makefrag

all: $(BUILD)/wisp.iso ## build the kernel ISO, build/wisp.iso (make CC=clang-14 for clang)

# `make test` comes after the includes: TEST_PREREQS is complete only here.
# book: make_test
# Extra pytest arguments: make test PYTEST_ARGS='-k monitor -x'.
PYTEST_ARGS ?=
test: $(TEST_PREREQS) ## build what the tests need, then run every test (pytest, a worker per core)
	$(PYTHON) -m pytest -n auto -ra $(PYTEST_ARGS) harness/tests
# book: make_test

compile_commands.json: ## compilation database for editors (bear over a full rebuild)
	bear --output $@ -- $(MAKE) -B $(COMPDB_TARGETS)

clean: ## remove build/ and compile_commands.json
	rm -rf $(BUILD) compile_commands.json

help: ## list the make targets
	@awk -f harness/tools/help.awk $(MAKEFILE_LIST)

include labs/Makefrag
endif
