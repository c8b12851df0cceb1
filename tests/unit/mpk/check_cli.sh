#!/bin/sh
# `enclave-run check` end to end: exit statuses and the exact lines (docs/mpk.md).
# Usage: check_cli.sh ENCLAVE_RUN APPS_DIR
set -u
er=$1
apps=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0

fail() {
    echo "FAIL: $*"
    failures=$((failures + 1))
}

# run_check WANT_STATUS ARGS...: runs `enclave-run check ARGS...`, output in $tmp/out, $tmp/err.
run_check() {
    want=$1
    shift
    "$er" check "$@" >"$tmp/out" 2>"$tmp/err"
    got=$?
    if [ "$got" -ne "$want" ]; then
        fail "check $*: exit $got, want $want"
        sed 's/^/  stdout: /' "$tmp/out"
        sed 's/^/  stderr: /' "$tmp/err"
    fi
}

# expect_line FILE LINE: FILE holds exactly LINE among its lines.
expect_line() {
    grep -qxF -- "$2" "$1" || { fail "missing line: $2"; sed 's/^/  got: /' "$1"; }
}

expect_lines() {
    n=$(wc -l <"$1")
    [ "$n" -eq "$2" ] || { fail "$1 has $n lines, want $2"; sed 's/^/  got: /' "$1"; }
}

cd "$apps" || exit 1

# A clean musl app: one line, exit 0.
run_check 0 hello
expect_lines "$tmp/out" 1
grep -qE '^hello: no WRPKRU/XRSTOR gadgets in [0-9]+ executable bytes$' "$tmp/out" ||
    fail "hello: unexpected line: $(cat "$tmp/out")"
expect_lines "$tmp/err" 0

# 0F 01 EF inside an immediate, at no instruction boundary (issue #4's "Done when"): the offset
# is the 0F's, two bytes into `mov $0xef010f90,%eax` at er_gadget_site.
site=$(nm gadget-unaligned | awk '$3 == "er_gadget_site" { print $1 }')
[ -n "$site" ] || fail "gadget-unaligned has no er_gadget_site symbol"
vaddr=$(printf '0x%x' $((0x$site + 2)))
offset=$(printf '0x%x' $((0x$site + 2 - 0x400000)))
run_check 1 gadget-unaligned
expect_line "$tmp/out" "gadget-unaligned: WRPKRU at offset $offset (vaddr $vaddr)"
grep -qE '^gadget-unaligned: 1 WRPKRU/XRSTOR gadget in [0-9]+ executable bytes$' "$tmp/out" ||
    fail "gadget-unaligned: no summary line"
expect_lines "$tmp/out" 2

run_check 1 gadget-aligned
grep -qE '^gadget-aligned: WRPKRU at offset 0x[0-9a-f]+ \(vaddr 0x[0-9a-f]+\)$' "$tmp/out" ||
    fail "gadget-aligned: no WRPKRU line"
run_check 1 gadget-xrstor
grep -qE '^gadget-xrstor: XRSTOR at offset 0x[0-9a-f]+ \(vaddr 0x[0-9a-f]+\)$' "$tmp/out" ||
    fail "gadget-xrstor: no XRSTOR line"

# Not an ELF: one line on stderr, as `run` words it, exit 125.
printf 'not a program\n' >"$tmp/notelf"
run_check 125 "$tmp/notelf"
expect_lines "$tmp/err" 1
expect_line "$tmp/err" "enclave-run: $tmp/notelf: not an ELF file (bad magic)"
expect_lines "$tmp/out" 0

# Missing file, and a clean app next to a gadget app and a bad one: every app is reported, the
# worst status wins (125 over 1 over 0).
run_check 125 "$tmp/missing"
expect_line "$tmp/err" "enclave-run: $tmp/missing: cannot open: No such file or directory"
run_check 1 hello gadget-aligned
run_check 125 hello gadget-aligned "$tmp/notelf"
grep -q '^hello: no WRPKRU' "$tmp/out" || fail "hello not reported next to the others"
grep -q '^gadget-aligned: WRPKRU' "$tmp/out" || fail "gadget-aligned not reported"
expect_lines "$tmp/err" 1

# No APP: a usage line, exit 125.
run_check 125
expect_line "$tmp/err" "enclave-run: APP is required (see enclave-run --help)"

if [ "$failures" -ne 0 ]; then
    echo "$failures check_cli failure(s)"
    exit 1
fi
echo "check_cli: all passed"
