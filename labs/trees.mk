# labs/trees.mk: run the goals in an assembled tree (the Makefile includes
# this instead of everything else when a goal belongs to another tree: see
# "Which tree a goal runs on" there).
#
# Assemble the tree (only changed files are written, so its build is
# incremental), then run the goals in it.  Test logs stay in this tree's
# build/test-logs; the graders name paths from here.
# The spec tests' suite lies beside this tree, not beside build/ref.
WISP_SUBMAKE = WISP_TOP=$(CURDIR) WISP_LOG_DIR=$(CURDIR)/$(BUILD)/test-logs \
	$(MAKE) -C $(WISP_TREE_DIR) SOLVED= REF= \
	WASM_TESTSUITE=$(abspath $(or $(WASM_TESTSUITE),../shared/wasm-testsuite))
.PHONY: $(WISP_CMD_GOALS) wisp-tree
wisp-tree:
	@$(CARVE) tree --quiet $(WISP_TREE_ARGS) --out $(WISP_TREE_DIR)
ifeq ($(WISP_DELEGATE),every goal)
$(WISP_CMD_GOALS): wisp-tree
	+@$(WISP_SUBMAKE) $@
else
# `make test`: every test on the reference, then the graders' own check
# on the trees made from solutions/ (labs/Makefrag), unless PYTEST_ARGS
# picked some tests only.
# The build before the tests runs a job per core.
test: wisp-tree
	+@$(WISP_SUBMAKE) -j$(shell nproc) test
	$(if $(PYTEST_ARGS),@echo "make test: PYTEST_ARGS picked some tests; the graders' check is left out",+@$(MAKE) --no-print-directory check-graders)
solved: wisp-tree
	+@$(WISP_SUBMAKE) all $(BUILD)/wisp-demo.iso
	@echo "make solved: the reference system is in $(REF_TREE) ($(REF_TREE)/$(BUILD)/wisp.iso, wisp-demo.iso)"
compile_commands.json: wisp-tree
	+@$(WISP_SUBMAKE) compile_commands.json
	$(PYTHON) harness/tools/compdb.py $(REF_TREE) $(REF_TREE)/compile_commands.json > $@
$(filter-out test solved compile_commands.json,$(filter $(REF_GOALS),$(WISP_CMD_GOALS))): wisp-tree
	+@$(WISP_SUBMAKE) $@
$(filter-out $(REF_GOALS),$(WISP_CMD_GOALS)):
	+@$(MAKE) --no-print-directory $@
endif
