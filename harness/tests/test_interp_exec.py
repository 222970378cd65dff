"""The engine running code, on the host: groups of the official spec suite
that call functions and compare every result and every trap with the
spec's, through the spec-test runner (a group passes when all of its
assertions pass; a failing one names its first failing assertion, as in
test_interp_validate.py).  What the interpreter checks at run time is
here: integer division and remainder, float-to-integer conversions, the
bounds of every load and store, memory.grow, br_table, call_indirect's
table and type checks, and the traps' messages."""
import pytest

from test_interp_validate import check_spec_group

# The spec files of each group (the suite's own names, without .wast).
GROUPS = {
    'i32': ['i32'],
    'i64': ['i64'],
    'conversions': ['conversions'],
    'memory': ['memory', 'address', 'memory_trap'],
    'memory_grow': ['memory_grow'],
    'br_table': ['br_table'],
    'call_indirect': ['call_indirect'],
    'traps': ['traps'],
}


@pytest.mark.parametrize('group', GROUPS)
def test_spec_group_runs(group):
    check_spec_group(GROUPS[group])
