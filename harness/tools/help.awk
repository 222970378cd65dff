# harness/tools/help.awk: `make help`.  Reads the makefiles and prints one
# line per target: the text after "##" on its rule line, or, for a .PHONY
# target that has none, where it is defined.
#   awk -f harness/tools/help.awk Makefile kernel/Makefrag ...
/^[A-Za-z0-9_.%-]+:.*## / {
    name = $0; sub(/:.*/, "", name); sub(/%/, "N", name)
    desc = $0; sub(/^[^#]*## /, "", desc)
    doc[name] = desc
    next
}
/^\.PHONY:/ {
    for (i = 2; i <= NF; i++)
        if ($i !~ /[$%\/]/ && $i != "FORCE" && !($i in where)) where[$i] = FILENAME
}
/^[A-Za-z0-9_.-]+:([^=]|$)/ {
    name = $0; sub(/:.*/, "", name)
    if (!(name in defined)) defined[name] = FILENAME
}
END {
    for (n in doc) line[n] = doc[n]
    for (n in where)
        if (!(n in doc) && (n in defined)) line[n] = "(no description: see " defined[n] ")"
    cmd = "sort"
    for (n in line) printf "  make %-22s %s\n", n, line[n] | cmd
    close(cmd)
}
