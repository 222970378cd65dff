#!/usr/bin/env python3
"""opstats.py FILE...: rank the ops and op pairs counted by the op-counting
wisp-run (make wisp-run-opstats; WISP_OPSTATS=FILE wisp-run-opstats ...).

Each FILE holds one or more runs' counts; every workload is weighted
equally (its counts are divided by its own total), so one long run does
not drown the others.  Prints the top ops and the top pairs, each with its
share of all dispatches (a superinstruction for a pair saves one dispatch
per occurrence)."""
import collections
import sys


def load(path):
    ops, pairs = collections.Counter(), collections.Counter()
    with open(path) as f:
        for line in f:
            w = line.split()
            if w[0] == 'op':
                ops[int(w[1], 16)] += int(w[2])
            elif w[0] == 'pair':
                pairs[(int(w[1], 16), int(w[2], 16))] += int(w[3])
    return ops, pairs


def main(paths, top=30):
    ops, pairs = collections.Counter(), collections.Counter()
    for p in paths:
        o, pr = load(p)
        total = sum(o.values()) or 1
        for k, v in o.items():
            ops[k] += v / total / len(paths)
        for k, v in pr.items():
            pairs[k] += v / total / len(paths)
    print(f'ops (share of dispatches, mean over {len(paths)} workloads)')
    for k, v in ops.most_common(top):
        print(f'  {k:#05x}  {100 * v:5.2f}%')
    print('pairs (first, then second)')
    for (a, b), v in pairs.most_common(top):
        print(f'  {a:#05x} {b:#05x}  {100 * v:5.2f}%')


if __name__ == '__main__':
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(sys.argv[1:])
