#!/usr/bin/env bash
# harness/tools/env.sh: the Debian packages and tools Wisp needs, in one table.
#
#   env.sh deps     install what is missing (root: apt-get; otherwise, or
#                   with WISP_DEPS_DRY=1, print the exact apt-get line and
#                   fail); silent when all is there
#   env.sh doctor   print the version of every tool and what is missing
#   env.sh need T   exit 1 with "missing T: run make deps (package P)" if T
#                   is missing (used by the Makefile before a build)
set -euo pipefail

# Every Debian package the project needs, and why.
# book: packages
PACKAGES=(
  make gcc binutils              # the build; gcc 12 builds kernel and host tools
  git                            # make bench names the commit it measured
  nasm                           # the 32-bit boot entry and long-mode switch
  grub-common grub-pc-bin        # grub-mkrescue, BIOS GRUB modules for the ISO
  grub-efi-amd64-bin             # UEFI GRUB modules, so the same ISO boots on OVMF
  xorriso mtools                 # grub-mkrescue writes the ISO and its EFI image with them
  qemu-system-x86 ovmf           # the machine the kernel runs on; UEFI firmware for it
  gdb                            # make gdb
  python3-pytest python3-pytest-xdist python3-pexpect python3-hypothesis  # the harness
  pandoc                         # make book
  graphviz                       # dot draws the book's figures (book/figures/*.dot)
  chromium                       # prints the book to PDF; its browser test (headless)
  clang-14 lld-14                # clang builds (make CC=clang-14), wasm32 programs, fuzzing
  llvm-14                        # llvm-ar-14 archives the wasm32 library of the services
  wasi-libc libclang-rt-14-dev-wasm32  # C programs -> wasm32-wasi
  rustc libstd-rust-dev-wasm32   # the Rust demo (services/*.rs) -> wasm32-wasi
  libclang-rt-14-dev             # libFuzzer and the sanitizers' runtimes
  wabt binaryen                  # wast2json for the spec tests, wasm-interp as a peer
  nodejs                         # V8 as a peer in make bench
  spin                           # the model checker for spec/
  frama-c-base why3 z3           # make spec-wp: Frama-C's WP proves C contracts with z3
  bear                           # make compile_commands.json
)
# book: packages

# tool | package | how to ask its version ("-" = the tool is a file; just show it).
TOOLS=(
  "make|make|make --version"
  "gcc|gcc|gcc --version"
  "gcov|gcc|gcov --version"
  "ld|binutils|ld --version"
  "ar|binutils|ar --version"
  "nm|binutils|nm --version"
  "objcopy|binutils|objcopy --version"
  "objdump|binutils|objdump --version"
  "clang-14|clang-14|clang-14 --version"
  "ld.lld-14|lld-14|ld.lld-14 --version"
  "wasm-ld-14|lld-14|wasm-ld-14 --version"
  "llvm-ar-14|llvm-14|llvm-ar-14 --version"
  "nasm|nasm|nasm -v"
  "grub-mkrescue|grub-common|grub-mkrescue --version"
  "/usr/lib/grub/i386-pc/moddep.lst|grub-pc-bin|-"
  "/usr/lib/grub/x86_64-efi/moddep.lst|grub-efi-amd64-bin|-"
  "xorriso|xorriso|xorriso -version"
  "mformat|mtools|mformat --version"
  "qemu-system-x86_64|qemu-system-x86|qemu-system-x86_64 --version"
  "/usr/share/ovmf/OVMF.fd|ovmf|-"
  "gdb|gdb|gdb --version"
  "/usr/bin/python3|python3-pytest|/usr/bin/python3 --version"
  "pytest|python3-pytest|/usr/bin/python3 -c 'import pytest; print(\"pytest\", pytest.__version__)'"
  "xdist|python3-pytest-xdist|/usr/bin/python3 -c 'import xdist; print(\"pytest-xdist\", xdist.__version__)'"
  "pexpect|python3-pexpect|/usr/bin/python3 -c 'import pexpect; print(\"pexpect\", pexpect.__version__)'"
  "hypothesis|python3-hypothesis|/usr/bin/python3 -c 'import hypothesis; print(\"hypothesis\", hypothesis.__version__)'"
  "pandoc|pandoc|pandoc --version"
  "dot|graphviz|dot -V"
  "chromium|chromium|chromium --version 2>/dev/null"
  "/usr/lib/wasm32-wasi/libc.a|wasi-libc|-"
  "/usr/lib/llvm-14/lib/clang/14.0.6/lib/wasi/libclang_rt.builtins-wasm32.a|libclang-rt-14-dev-wasm32|-"
  "/usr/lib/llvm-14/lib/clang/14.0.6/lib/linux/libclang_rt.fuzzer-x86_64.a|libclang-rt-14-dev|-"
  "/usr/bin/rustc|rustc|/usr/bin/rustc --version"
  "/usr/lib/rustlib/wasm32-wasi|libstd-rust-dev-wasm32|-"
  "wat2wasm|wabt|wat2wasm --version"
  "wast2json|wabt|wast2json --version"
  "wasm-interp|wabt|wasm-interp --version"
  "wasm-opt|binaryen|wasm-opt --version"
  "node|nodejs|node --version"
  "spin|spin|spin -V"
  "frama-c|frama-c-base|frama-c -version"
  "why3|why3|why3 --version"
  "z3|z3|z3 --version"
  "bear|bear|bear --version"
  "git|git|git --version"
)

# have TOOL: true if TOOL (a command, a path, or a python module) is usable.
have() {
  case "$1" in
    /*) [ -e "$1" ] ;;
    pytest|xdist|pexpect|hypothesis) /usr/bin/python3 -c "import $1" 2>/dev/null ;;
    *) command -v "$1" >/dev/null 2>&1 ;;
  esac
}

# WISP_DEPS_EXTRA: more packages to require (the harness's tests use it).
# shellcheck disable=SC2206
PACKAGES+=(${WISP_DEPS_EXTRA:-})

# missing_packages: print the packages of PACKAGES that dpkg does not have
# installed, one per line (all of them if dpkg-query is absent).
missing_packages() {
  local installed
  installed=$(dpkg-query -W -f='${db:Status-Abbrev} ${Package}\n' "${PACKAGES[@]}" 2>/dev/null |
              awk '$1 == "ii" { print $2 }' || true)
  local p
  for p in "${PACKAGES[@]}"; do
    grep -qx -- "$p" <<<"$installed" || echo "$p"
  done
}

cmd_deps() {
  if ! command -v dpkg-query >/dev/null 2>&1; then
    echo "make deps: this is not a Debian system (no dpkg-query); install by hand:" >&2
    echo "  ${PACKAGES[*]}" >&2
    exit 1
  fi
  local missing
  missing=$(missing_packages | tr '\n' ' ')
  [ -z "$missing" ] && return 0
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1 || [ -n "${WISP_DEPS_DRY:-}" ]; then
    echo "make deps: missing packages; run as root:" >&2
    echo "  apt-get update && apt-get install -y --no-install-recommends $missing" >&2
    exit 1
  fi
  echo "make deps: installing $missing"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # shellcheck disable=SC2086
  apt-get install -y -qq --no-install-recommends $missing
  missing=$(missing_packages | tr '\n' ' ')
  if [ -n "$missing" ]; then
    echo "make deps: still missing after apt-get: $missing" >&2
    exit 1
  fi
}

cmd_doctor() {
  local row tool pkg ver nmissing=0 pkgs=""
  for row in "${TOOLS[@]}"; do
    IFS='|' read -r tool pkg ver <<<"$row"
    if have "$tool"; then
      if [ "$ver" = "-" ]; then
        printf '  ok       %-27s %s\n' "$pkg" "$tool"
      else
        printf '  ok       %-27s %s\n' "$pkg" "$(eval "$ver" 2>&1 | grep -m1 . || true)"
      fi
    else
      printf '  MISSING  %-27s %s (install package %s)\n' "$pkg" "$tool" "$pkg"
      nmissing=$((nmissing + 1))
      case " $pkgs " in *" $pkg "*) ;; *) pkgs="$pkgs $pkg" ;; esac
    fi
  done
  if [ "$nmissing" -gt 0 ]; then
    echo "doctor: $nmissing missing; run make deps (or apt-get install$pkgs)"
    exit 1
  fi
  echo "doctor: every tool is present"
}

# cmd_need TOOL...: fail naming the package of the first missing TOOL.
cmd_need() {
  local want row tool pkg ver
  for want in "$@"; do
    have "$want" && continue
    pkg="?"
    for row in "${TOOLS[@]}"; do
      IFS='|' read -r tool pkg ver <<<"$row"
      [ "$tool" = "$want" ] && break
      pkg="?"
    done
    echo "missing $want: run make deps (package $pkg)" >&2
    exit 1
  done
}

case "${1:-}" in
  deps) cmd_deps ;;
  doctor) cmd_doctor ;;
  need) shift; cmd_need "$@" ;;
  *) echo "usage: $0 deps|doctor|need TOOL..." >&2; exit 2 ;;
esac
