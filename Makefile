# Wisp: the one entry point.  `make help` lists the targets.
#
# Each subsystem keeps its rules in its own fragment (kernel/Makefrag,
# interp/Makefrag, book/Makefrag, harness/Makefrag, bench/Makefrag), in the
# style of JOS; this file holds the shared settings and the top-level targets.

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
.PHONY: all help clean test

# TEST_PREREQS: what must be built before pytest runs; fragments append.
TEST_PREREQS :=

# Owners of each fragment: kernel/ (boot, monitor, make qemu/gdb),
# interp/ (the engine library), interp/spectest/ (make spectest),
# interp/run/ (wisp-run), interp/fuzz/ (make fuzz), harness/ (make test,
# deps, doctor), book/ (make book), bench/ (make bench).
include kernel/Makefrag
include interp/Makefrag
include interp/spectest/Makefrag
include interp/run/Makefrag
include interp/fuzz/Makefrag
include harness/Makefrag
include book/Makefrag
include bench/Makefrag

all: $(BUILD)/wisp.iso

clean:
	rm -rf $(BUILD) compile_commands.json
